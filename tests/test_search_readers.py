"""Search as readers type: typos, joined and abbreviated names, old names after the merger, people,
province + kind + year, quoted phrases (tests/reader_queries.py), on a real-shaped corpus, in Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

import reader_queries

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reader_site(tmp_path_factory):
    """reader_queries' corpus (1,500 real-shaped articles, two groups of the index), built once."""
    root = tmp_path_factory.mktemp("reader-site")
    corpus = reader_queries.write(root)
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output", corpus


def search(page, output: Path, query: str) -> list[str]:
    """The slugs of the results a shared link to the query shows, once all are shown."""
    page.goto((output / "tim-kiem" / "index.html").as_uri() + "?q=" + quote(query))
    page.wait_for_function("""() => {
        const text = document.getElementById('search-status').textContent;
        return text && !text.includes('Đang tìm') &&
            document.getElementById('search-results').getAttribute('aria-busy') !== 'true';
    }""")
    return [href.split("/")[-2] for href in page.eval_on_selector_all(
        "#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")]


@pytest.mark.parametrize("query, kind, rule", reader_queries.QUERIES,
                         ids=[query for query, _, _ in reader_queries.QUERIES])
def test_the_top_three_results_are_right_answers(page, reader_site, query, kind, rule):
    output, corpus = reader_site
    right = reader_queries.answers(corpus, rule)
    assert right, f"no article answers {query!r}: the query list no longer fits the corpus"
    top = search(page, output, query)[:min(3, len(right))]
    wrong = [(slug, next(a.title for a in corpus if a.slug == slug)) for slug in top if slug not in right]
    assert len(top) == min(3, len(right)) and wrong == []


def status(page) -> str:
    return page.locator("#search-status").inner_text()


def test_a_typo_is_corrected_said_so_and_can_be_searched_exactly(page, reader_site):
    output, corpus = reader_site
    found = search(page, output, "nghe ann")
    assert found and set(found) <= reader_queries.answers(corpus, reader_queries.named("Nghệ An"))
    shown = status(page)
    assert shown.startswith("Hiện kết quả cho nghệ an: ") and "Không có kết quả cho “nghe ann”" in shown
    assert page.locator("#search-results mark").first.inner_text().lower() in {"nghệ", "an"}
    page.click("#search-status a")
    page.wait_for_function("document.getElementById('search-status').textContent.startsWith('Không tìm thấy')")
    assert page.locator("#search-results li").count() == 0
    assert status(page).startswith("Không tìm thấy hội nghị nào cho “nghe ann”")
    assert "chinhxac=1" in page.url


def test_an_old_name_with_a_year_after_the_merger_names_its_successor(page, reader_site):
    output, corpus = reader_site
    found = search(page, output, "quang binh 2025")
    assert "Quảng Bình đã sáp nhập vào Quảng Trị từ 01/07/2025." in status(page)
    after = {a.slug for a in corpus if "Quảng Trị" in a.provinces and a.date.isoformat() >= "2025-07-01"}
    assert after and after <= set(found)  # the successor's conferences since the day
    search(page, output, "quang binh 2024")
    assert "sáp nhập" not in status(page)


def test_a_successor_s_name_reaches_a_merged_province_only_from_the_day(page, reader_site):
    output, corpus = reader_site
    found = search(page, output, "dak lak")
    before = {a.slug for a in corpus if "Phú Yên" in a.provinces and "Đắk Lắk" not in a.provinces}
    assert before and not before & set(found)  # (the results shown: the first page)
    assert page.locator("#loc-tinh option[value='Phú Yên']").get_attribute("disabled") is not None


@pytest.mark.parametrize("quoted", ["Liên minh HTX tỉnh Lâm Đồng làm Cụm trưởng", "tỉnh Gia Lai làm Cụm phó"])
def test_a_quoted_phrase_finds_exactly_the_articles_that_have_it(page, reader_site, quoted):
    output, corpus = reader_site
    right = reader_queries.answers(corpus, reader_queries.phrase(quoted))
    found = search(page, output, f'"{quoted}"')
    assert set(found) == right
    assert status(page).startswith(f"Tìm thấy {len(right)} hội nghị")


SHIFTS = """() => {
    window.moved = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.moved.push(entry.value);
    }).observe({type: 'layout-shift', buffered: true});
    document.addEventListener('DOMContentLoaded', () => {
        new MutationObserver((changes, observer) => {
            const first = document.querySelector('#search-results li');
            if (!first) return;
            window.firstAt = first.getBoundingClientRect().toJSON();
            window.movedBefore = window.moved.length;
            observer.disconnect();
        }).observe(document.getElementById('search-results'), {childList: true});
    });
}"""


@pytest.mark.parametrize("query", ["hop tac xa", "nghe ann", "quang binh 2025"])
def test_on_a_phone_the_first_result_is_on_the_first_screen_and_nothing_moves(browser, reader_site, query):
    """At 360 × 740, the first result starts within the screen; once it is shown (the filters' counts
    drawn after it, the rest of the page loaded) it stays where it was, and nothing else moves."""
    output, _ = reader_site
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.add_init_script(f"({SHIFTS})()")
    search(page, output, query)
    page.wait_for_function("document.querySelector('#loc-nam option[value=\"2020\"]').textContent.includes('(')")
    first = page.evaluate("window.firstAt")
    assert first and first["top"] + 40 < 740
    assert page.evaluate("document.querySelector('#search-results li').getBoundingClientRect().top") == first["top"]
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("window.moved.slice(window.movedBefore)") == []
    context.close()

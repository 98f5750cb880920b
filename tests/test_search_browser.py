"""Readers searching in Debian's Chromium: the real lunr.js loading the real prebuilt shards."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

import ranking_corpus

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser

EXTRA = {
    "2022/2022-12-09-da-nang.md": ("Hội nghị cụm duyên hải tại Đà Nẵng", "duyen-hai-mien-trung", "[Đà Nẵng]",
                                   "Sáng 9/12, tại Đà Nẵng, các Liên minh HTX tổng kết năm."),
    "2022/2022-11-02-cuoc-hop.md": ("Cuộc họp cuối năm của cụm", "hai-phong", "[Hải Phòng]",
                                    "Các đơn vị cùng bàn kế hoạch năm sau."),
    "2022/2022-11-03-hop-tac.md": ("Hợp tác cuối năm của cụm", "hai-phong", "[Hải Phòng]",
                                   "Các đơn vị cùng bàn kế hoạch năm sau."),
    "2022/2022-11-05-hop-nhat.md": ("Hợp nhất và tổng kết công tác cuối năm", "hai-phong", "[Hải Phòng]",
                                    "Bàn kế hoạch năm sau."),
    "2022/2022-11-04-script.md": ("\"<script>window.pwned = 1</script> Hội nghị lạ\"", "hai-phong", "[Hải Phòng]",
                                  "Nội dung <img src=x onerror=\"window.pwned=2\"> thử."),
}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """The sample content plus articles made for ranking and escaping, built once."""
    import shutil
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("search-site")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "site_config.yaml", root)
    for path, (title, cluster, provinces, body) in EXTRA.items():
        day = Path(path).name[:10]
        (root / "content" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / path).write_text(
            f"---\ntitle: {title}\ndate: {day}\ncluster: {cluster}\nkind: khac\nprovinces: {provinces}\n---\n{body}\n",
            encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output"


def open_search(page, output: Path, query: str = "", **filters) -> None:
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items() if v)
    page.goto((output / "tim-kiem" / "index.html").as_uri() + (f"?{params}" if params else ""))
    wait_done(page)


def wait_done(page) -> None:
    """Until the results are counted and every one of the page is shown."""
    page.wait_for_function("""() => {
        const text = document.getElementById('search-status').textContent;
        return text && !text.includes('Đang tìm') &&
            document.getElementById('search-results').getAttribute('aria-busy') !== 'true';
    }""")


def titles(page) -> list[str]:
    return page.locator("#search-results h2").all_inner_texts()


def sample_articles() -> list[dict]:
    found = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        found.append(yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1]))
    return found


def test_query_without_diacritics_from_disk_finds_the_trung_du_bac_bo_conference(page, sample_site):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_search(page, sample_site, "hop tac xa trung du bac bo")
    assert titles(page)[0] == "Phát huy vai trò của Liên minh Hợp tác xã trong phát triển kinh tế tập thể"
    marks = page.locator("#search-results li").first.locator("mark").all_inner_texts()
    assert {"Hợp", "tác", "xã"} <= set(marks)
    assert errors == []


def test_search_works_under_a_sub_path_over_http(page, served):
    page.goto(served + "tim-kiem/index.html?q=" + quote("Thanh Hoa"))
    wait_done(page)
    assert titles(page)[0] == "Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"
    page.locator("#search-results a").first.click()
    assert page.url == served + "2024/bac-trung-bo-so-ket-6-thang-2024/"  # over HTTP, the published address


@pytest.mark.parametrize("province", ["Quảng Ninh", "Vinh Phuc", "Hải Dương"])
def test_a_province_name_finds_every_conference_it_took_part_in(page, sample_site, province):
    open_search(page, sample_site, province)
    from archive.common.vietnamese import fold

    expected = {a["title"] for a in sample_articles() if fold(province) in {fold(p) for p in a.get("provinces", [])}}
    assert len(expected) >= 2
    assert expected <= set(titles(page))


def test_filters_narrow_results_and_live_in_the_url(page, sample_site):
    open_search(page, sample_site, "hop tac xa")
    everything = titles(page)
    assert len(everything) == 5
    page.select_option("#loc-cum", "bac-trung-bo")
    wait_done(page)
    assert titles(page) == ["Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]
    assert "cum=bac-trung-bo" in page.url
    page.select_option("#loc-cum", "")
    page.select_option("#loc-nam", "2023")
    wait_done(page)
    assert len(titles(page)) == 3
    page.select_option("#loc-loai", "ky-niem")
    wait_done(page)
    assert titles(page) == ["Liên minh Hợp tác xã thành phố Kỷ niệm Ngày Hợp tác xã Quốc tế"]
    open_search(page, sample_site, "hop tac xa", tinh="Thanh Hóa")
    assert page.locator("#loc-tinh").input_value() == "Thanh Hóa"
    assert len(titles(page)) == 1
    assert page.locator("#search-status").inner_text().startswith("Tìm thấy 1 hội nghị")


def test_no_match_says_so_and_helps(page, sample_site):
    open_search(page, sample_site, "khủng long")
    assert titles(page) == []
    status = page.locator("#search-status").inner_text()
    assert status.startswith("Không tìm thấy hội nghị nào cho “khủng long”")
    assert "không dấu" in status


def test_enter_searches_and_back_returns_to_the_previous_search(page, sample_site):
    open_search(page, sample_site)
    page.fill("#q", "Nghe An")
    page.press("#q", "Enter")
    wait_done(page)
    assert "q=Nghe+An" in page.url
    first = titles(page)
    assert first == ["Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]
    page.fill("#q", "Quảng Ngãi")
    page.press("#q", "Enter")
    wait_done(page)
    assert titles(page) == ["Liên minh Hợp tác xã 07 tỉnh duyên hải miền Trung tổng kết phong trào thi đua năm 2023"]
    page.go_back()
    wait_done(page)
    assert page.locator("#q").input_value() == "Nghe An"
    assert titles(page) == first


def test_the_header_box_searches_from_any_page_by_keyboard(page, sample_site):
    page.goto((sample_site / "cum" / "bac-trung-bo" / "index.html").as_uri())
    page.focus("#header-q")
    page.keyboard.type("quang binh")
    page.keyboard.press("Enter")
    wait_done(page)
    assert page.locator("#q").input_value() == "quang binh"
    assert "Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024" in titles(page)
    page.focus("#q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Tìm"


def test_da_nang_without_diacritics_finds_da_nang(page, search_site):
    open_search(page, search_site, "da nang")
    assert titles(page)[0] == "Hội nghị cụm duyên hải tại Đà Nẵng"


def test_exact_diacritics_break_a_tie(page, search_site):
    # two articles alike but for "Hợp"/"họp" in their titles: the one typed first
    open_search(page, search_site, "hợp")
    found = titles(page)
    assert found.index("Hợp tác cuối năm của cụm") < found.index("Cuộc họp cuối năm của cụm")
    open_search(page, search_site, "họp")
    found = titles(page)
    assert found.index("Cuộc họp cuối năm của cụm") < found.index("Hợp tác cuối năm của cụm")
    open_search(page, search_site, "hop")  # no diacritics: no preference, the newer first
    found = titles(page)
    assert found.index("Hợp tác cuối năm của cụm") < found.index("Cuộc họp cuối năm của cụm")


def test_words_side_by_side_rank_first_and_a_quoted_phrase_restricts(page, search_site):
    open_search(page, search_site, "hợp tác cuối năm")
    found = titles(page)
    assert found.index("Hợp tác cuối năm của cụm") < found.index("Hợp nhất và tổng kết công tác cuối năm")
    open_search(page, search_site, '"hợp tác" cuối năm')
    found = titles(page)
    assert "Hợp tác cuối năm của cụm" in found
    assert "Hợp nhất và tổng kết công tác cuối năm" not in found
    open_search(page, search_site, '"xã hợp tác"')
    assert titles(page) == []


def test_a_prefix_matches_while_typing(page, sample_site):
    open_search(page, sample_site)
    page.locator("#q").press_sequentially("Thừa Thi")
    # the search of the whole word typed so far, not of a part typed before a pause
    page.wait_for_function("document.getElementById('search-status').textContent.includes('“Thừa Thi”')")
    assert titles(page) == ["Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]


def test_a_title_with_script_shows_as_text(page, search_site):
    open_search(page, search_site, "hoi nghi la")
    assert titles(page)[0] == "<script>window.pwned = 1</script> Hội nghị lạ"
    assert page.evaluate("window.pwned") is None
    assert page.locator("#search-results script, #search-results img").count() == 0


@pytest.fixture(scope="module")
def ranking_site(tmp_path_factory):
    """tests/ranking_corpus.py built once: about 1,100 articles, two groups of the index."""
    import subprocess
    import sys

    import ranking_corpus

    root = tmp_path_factory.mktemp("ranking-site")
    corpus = ranking_corpus.write(root)
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output", corpus


def result_slugs(page) -> list[str]:
    return [href.split("/")[-2] for href in page.eval_on_selector_all(
        "#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")]


@pytest.mark.parametrize("query, test", ranking_corpus.QUERIES, ids=[query for query, _ in ranking_corpus.QUERIES])
def test_the_top_three_results_are_right_answers(page, ranking_site, query, test):
    output, corpus = ranking_site
    right = ranking_corpus.answers(corpus, test)
    open_search(page, output, query)
    top = result_slugs(page)[:min(3, len(right))]
    assert len(top) == min(3, len(right))
    wrong = [(slug, next(a.title for a in corpus if a.slug == slug)) for slug in top if slug not in right]
    assert wrong == []


FIRST_PAINT = """() => {
    window.firstPaint = null;
    new MutationObserver((changes, observer) => {
        const links = document.querySelectorAll('#search-results h2 a');
        if (links.length) {
            window.firstPaint = Array.from(links, (a) => a.getAttribute('href'));
            observer.disconnect();
        }
    }).observe(document.getElementById('search-results'), {childList: true});
}"""


def test_the_first_results_shown_are_in_their_final_order(page, ranking_site):
    output, _ = ranking_site
    page.add_init_script(f"document.addEventListener('DOMContentLoaded', {FIRST_PAINT})")
    open_search(page, output, "hop tac xa nghe an")  # matches in both groups of the index
    final = page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")
    assert len(final) == 20
    first = page.evaluate("window.firstPaint")
    assert first and first == final[:len(first)]  # shown before the rest, and never moved


def test_more_results_follow_the_first_page_in_order(page, ranking_site):
    output, _ = ranking_site
    open_search(page, output, "hop tac xa")
    first = result_slugs(page)
    assert len(first) == 20
    page.click("#search-more")
    wait_done(page)
    shown = result_slugs(page)
    assert len(shown) == 40 and shown[:20] == first
    assert "đang hiện 40" in page.locator("#search-status").inner_text()


def test_enter_cancels_the_search_that_typing_started(page, sample_site):
    # every timer the page sets and has not cleared or run yet
    page.add_init_script("""(() => {
        window.pending = new Set();
        const set = window.setTimeout, clear = window.clearTimeout;
        window.setTimeout = (fn, ms, ...rest) => {
            const id = set(() => { window.pending.delete(id); fn(...rest); }, ms);
            window.pending.add(id);
            return id;
        };
        window.clearTimeout = (id) => { window.pending.delete(id); clear(id); };
    })()""")
    open_search(page, sample_site)
    page.locator("#q").press_sequentially("Nghe An")
    page.press("#q", "Enter")
    assert page.evaluate("window.pending.size") == 0
    wait_done(page)
    assert titles(page) == ["Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]


def test_partitions_no_longer_used_are_let_go(page, served):
    page.goto(served + "tim-kiem/index.html")
    wait_done(page)
    keys = page.evaluate("JSON.parse(document.getElementById('search-manifest').textContent).keys")
    words = [key for key in keys if len(key) == 2 and key.isalpha()][:60]
    assert len(words) == 60
    # every search file that runs (each hands its data to ArchiveSearch.add)
    page.evaluate("""() => {
        const add = ArchiveSearch.add;
        ArchiveSearch.add = (file, data) => { window.added.push(file); add(file, data); };
    }""")
    for _ in range(2):
        page.evaluate("window.added = []")
        page.fill("#q", " ".join(words))
        page.press("#q", "Enter")
        wait_done(page)
        partitions = [file for file in page.evaluate("window.added") if file.startswith("search/t")]
    # the second time, what was let go (all but the 40 most recent) is loaded again
    assert 20 <= len(partitions) < 60


def test_a_one_letter_last_word_waits_for_the_next_letter(page, sample_site):
    open_search(page, sample_site)
    page.locator("#q").press_sequentially("hop tac x")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('“hop tac x”')")
    assert page.locator("#search-status").inner_text().startswith("Tìm thấy 5 hội nghị")


def test_the_snippet_comes_from_the_matched_text(page, ranking_site):
    output, _ = ranking_site
    open_search(page, output, "quynh")
    snippet = page.locator("#search-results .snippet").first
    assert snippet.locator("mark").all_inner_texts() == ["Quỳnh"]  # the comma after it is not marked
    assert "Bà Lê Thị Quỳnh, giám đốc hợp tác xã Tân Phú" in snippet.inner_text()


def test_filters_count_their_results_and_work_alone(page, sample_site):
    open_search(page, sample_site, "nghe an")
    assert page.locator("#loc-cum option[value='bac-trung-bo']").inner_text() == "Cụm thi đua Bắc Trung Bộ (1)"
    assert page.locator("#loc-cum option[value='dong-bang-song-hong']").is_disabled()
    assert page.locator("#loc-tinh option[value='Quảng Ninh']").is_disabled()
    assert not page.locator("#loc-tinh option[value='Thanh Hóa']").is_disabled()
    open_search(page, sample_site, "", cum="bac-trung-bo")
    assert titles(page) == ["Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]
    assert page.locator("#search-status").inner_text().startswith("Tìm thấy 1 hội nghị với bộ lọc đã chọn")


def test_the_search_page_has_one_search_box(page, sample_site):
    open_search(page, sample_site, "hop tac xa")
    assert page.locator("input[type=search]").count() == 1



@pytest.fixture(scope="module")
def common_phrase_site(tmp_path_factory):
    """A thousand and one short articles, all with "hợp tác xã": a whole group of the index in which
    its pairs weigh 0 once rounded in the longer half (BM25's idf of a term in every article)."""
    import datetime as dt
    import shutil
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("common-phrase")
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copy(ROOT / "site_config.yaml", root)
    for n in range(1001):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=n)
        path = root / "content" / str(day.year) / f"{day.isoformat()}-hn-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntitle: Hội nghị số {n}\ndate: {day.isoformat()}\ncluster: hai-phong\nkind: khac\n"
                        "summary: Tóm tắt.\n---\n"
                        f"Liên minh hợp tác xã tổng kết năm, phiên {n}.{' Các đơn vị bàn kế hoạch.' * 4 * (n % 2)}\n",
                        encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output"


def test_a_phrase_in_every_article_finds_every_one(page, common_phrase_site):
    open_search(page, common_phrase_site, '"hợp tác xã"')
    assert page.locator("#search-status").inner_text().startswith("Tìm thấy 1.001 hội nghị")
    open_search(page, common_phrase_site, '"xã hợp tác"')
    assert titles(page) == []

"""Reading comfort and pages people share: approximate and mid-year figures, the order of a cluster
page, photos the archive lacks, an article's text in a phone's first screen, addresses ending in /
over HTTP, a feed a browser shows as a page, and screenshots of every page type."""
from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import os
import re
import threading
from pathlib import Path

import pytest

from hardening_site import PAGE_TYPES, build_full_site

ROOT = Path(__file__).resolve().parent.parent


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def article(day: str, kind: str, results: str, cluster: str = "trung-du-bac-bo", body: str = "Nội dung.\n") -> str:
    return (f"---\ntitle: Hội nghị {cluster} {day}\ndate: {day}\ncluster: {cluster}\nkind: {kind}\n"
            f"provinces: [Bắc Ninh]\nresults:\n{results}---\n{body}")


# --- Approximate figures --------------------------------------------------------------------------

APPROX = """\
  figures:
    members: 5500
    cooperatives: 400
  by_province:
    Bắc Ninh: {cooperatives: 120, members: 900}
  approx: [members, Bắc Ninh.cooperatives]
"""


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_an_approximate_figure_stays_approximate_wherever_it_appears(scratch):
    scratch.write("content/2023/2023-12-01-trung-du-bac-bo.md", article("2023-12-01", "tong-ket", APPROX))
    scratch.write("content/2022/2022-12-01-x.md", article("2022-12-01", "tong-ket", "  figures:\n    members: 5000\n"))
    result = scratch.run()
    assert result.returncode == 0, result.stderr
    page = read(scratch.output, "2023/trung-du-bac-bo/index.html")
    assert '<th scope="row">Thành viên</th><td class="num">gần 5.500 thành viên</td>' in page
    assert '<th scope="row">Hợp tác xã</th><td class="num">400 HTX</td>' in page  # not listed: exact
    assert re.search(r'Bắc Ninh</a></th><td class="num">gần 120 HTX</td><td class="num">900 thành viên</td>', page)

    cluster = read(scratch.output, "cum/trung-du-bac-bo/index.html")
    row = re.search(r'<tr data-indicator="members">(.*?)</tr>', cluster, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="num">(.*?)</td>', row)] == [
        "5.000 thành viên", "gần 5.500 thành viên"]
    chart = re.search(r'<figure class="chart-figure" data-indicator="members">(.*?)</figure>', cluster, re.S).group(1)
    assert ">gần 5.500</text>" in chart and ">5.000</text>" in chart  # the bars' labels
    assert "2023: gần 5.500 thành viên" in chart  # read out to screen readers
    assert read(scratch.output, "tinh/bac-ninh/index.html").count("gần 120 HTX") == 1
    assert "gần 5.500 thành viên" in read(scratch.output, "nam/2023/index.html")

    rows = list(csv.DictReader(io.StringIO(read(scratch.output, "du-lieu/ket-qua.csv").lstrip("\ufeff"))))
    flags = {(r["scope"], r["province"], r["indicator"], r["value"]): r["approximate"] for r in rows}
    assert flags == {("cluster", "", "members", "5500"): "true", ("cluster", "", "cooperatives", "400"): "false",
                     ("province", "Bắc Ninh", "cooperatives", "120"): "true",
                     ("province", "Bắc Ninh", "members", "900"): "false",
                     ("cluster", "", "members", "5000"): "false"}
    records = json.loads(read(scratch.output, "du-lieu/ket-qua.json"))
    assert {(r["indicator"], r["value"], r["approximate"]) for r in records if r["scope"] == "cluster"} == {
        ("members", 5500, True), ("cooperatives", 400, False), ("members", 5000, False)}
    assert "<code>approximate</code>" in read(scratch.output, "du-lieu/index.html")


WHERE = "content/2023/2023-12-01-trung-du-bac-bo.md:13: results.approx: "
LISTS_WHAT = ("approx chỉ liệt kê số liệu đã ghi trong results.figures (members) hoặc results.by_province "
              "(Thanh Hóa.cooperatives)")


@pytest.mark.parametrize("approx, messages", [
    ("[membres]", [f"'membres': không có chỉ tiêu 'membres' trong indicators của site_config.yaml; {LISTS_WHAT} "
                   "(gợi ý: có phải là 'members'?)"]),
    ("[Bắc Ninh.cooperative]", [f"'Bắc Ninh.cooperative': không có chỉ tiêu 'cooperative' trong indicators của "
                                f"site_config.yaml; {LISTS_WHAT} (gợi ý: có phải là 'Bắc Ninh.cooperatives'?)"]),
    ("[loans_vnd]", ["'loans_vnd' chưa được ghi trong results.figures hay results.by_province, nên không thể đánh "
                     "dấu là gần đúng; ghi số liệu trước, hoặc bỏ nó khỏi approx"]),
    ("[Bắc Giang.cooperatives]", ["'Bắc Giang.cooperatives' chưa được ghi trong results.figures hay "
                                  "results.by_province, nên không thể đánh dấu là gần đúng; ghi số liệu trước, hoặc "
                                  "bỏ nó khỏi approx (gợi ý: có phải là 'Bắc Ninh.cooperatives'?)"]),
    ("members", ["cần một danh sách các số liệu nguồn ghi là gần đúng, như [members] hoặc [Thanh Hóa.cooperatives], "
                 "nhưng gặp 'members' (gợi ý: viết approx: [members])"]),
    ("[5500]", ["cần tên một số liệu đã ghi, như members hoặc Thanh Hóa.cooperatives, nhưng gặp 5500"]),
])
def test_a_wrong_approx_is_one_clear_vietnamese_error(scratch, approx, messages):
    scratch.write("content/2023/2023-12-01-trung-du-bac-bo.md",
                  article("2023-12-01", "tong-ket", APPROX.replace("[members, Bắc Ninh.cooperatives]", approx)))
    before = scratch.snapshot()
    result = scratch.run()
    assert result.returncode == 1
    assert result.stderr.splitlines()[:-1] == [WHERE + message for message in messages]
    assert "Traceback" not in result.stderr
    assert scratch.snapshot() == before


# --- Mid-year figures, a cluster page's order -----------------------------------------------------

@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_a_cluster_page_lists_its_conferences_before_the_charts_and_marks_mid_year_figures(scratch):
    scratch.write("content/2022/2022-12-01-a.md", article("2022-12-01", "tong-ket", "  figures:\n    members: 5000\n"))
    scratch.write("content/2024/2024-07-05-b.md", article("2024-07-05", "so-ket", "  figures:\n    members: 5800\n"))
    assert scratch.run().returncode == 0
    page = read(scratch.output, "cum/trung-du-bac-bo/index.html")
    table, listing, charts = (page.index('<table class="results-table">'), page.index('<ul class="conferences">'),
                              page.index('<div class="charts">'))
    assert table < listing < charts
    row = re.search(r'<tr data-indicator="members">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="num">(.*?)</td>', row)]
    assert cells[0] == "5.000 thành viên" and "không có số liệu" in cells[1]  # 2023: nothing reported
    assert cells[2] == "5.800 thành viên (6 tháng)"  # a year-end figure has no mark, a mid-year one says so
    assert "(6 tháng): số liệu của hội nghị sơ kết 6 tháng" in page
    year = read(scratch.output, "nam/2024/index.html")  # the clusters side by side say it too
    assert "5.800 thành viên</a> <span class=\"mid-year\">(6 tháng)</span>" in year
    assert "(6 tháng): số liệu của hội nghị sơ kết 6 tháng" in year
    chart = re.search(r'data-indicator="members">(.*?)</figure>', page[charts:], re.S).group(1)
    assert chart.count('class="bar mid-year"') == 1 and chart.count('class="bar"') == 1
    assert "2024: 5.800 thành viên (sơ kết 6 tháng)" in chart
    assert "Cột nhạt, viền đứt: số liệu sơ kết 6 tháng." in chart


def test_a_single_year_is_a_table_without_one_bar_charts(sample_site):
    for path in ("cum/bac-trung-bo/index.html", "cum/trung-du-bac-bo/index.html", "tinh/thanh-hoa/index.html"):
        page = read(sample_site, path)
        assert '<table class="results-table">' in page
        assert "<svg" not in page and "Biểu đồ" not in page, path


# --- Photos the archive lacks ---------------------------------------------------------------------

@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_missing_photos_are_one_discreet_list_after_the_text(sample_site, scratch):
    page = read(sample_site, "2024/bac-trung-bo-so-ket-6-thang-2024/index.html")
    body = page[page.index('<div class="body">'): page.index('<section class="results"')]
    assert "no-photo" not in page and body.count("<figure") == 1
    listed = re.search(r'<figure class="missing-photos"><figcaption>Ảnh trong bài gốc, lưu trữ chưa có:</figcaption>'
                       r'<ul>(.*?)</ul></figure>\s*</div>', body, re.S)
    assert re.findall(r"<li>(.*?)</li>", listed.group(1)) == [
        "Toàn cảnh hội nghị", "Cụm trưởng Cụm Liên minh HTX 06 tỉnh Bắc Trung Bộ phát biểu tại hội nghị",
        "Chủ tịch Liên minh HTX tỉnh Quảng Bình phát biểu tại hội nghị",
        "Phó Chủ tịch Liên minh HTX tỉnh Quảng Bình trình bày báo cáo sơ kết"]
    # A photo the archive has stays a figure in its place; captions of front-matter photos it lacks are listed.
    scratch.write("content/2023/anh.png", bytes.fromhex("89504e470d0a1a0a"))
    scratch.write("content/2023/2023-12-01-trung-du-bac-bo.md", (
        "---\ntitle: Ảnh\ndate: 2023-12-01\ncluster: trung-du-bac-bo\nkind: tong-ket\n"
        "images:\n  - {caption: Trao cờ thi đua}\n  - {src: anh.png, caption: Ký giao ước}\n---\n"
        "Mở đầu.\n\n![Toàn cảnh]()\n\n![Đại biểu](anh.png)\n\nKết thúc.\n"))
    assert scratch.run().returncode == 0
    page = read(scratch.output, "2023/trung-du-bac-bo/index.html")
    assert re.search(r'<p>Mở đầu.</p>\s*<figure><img alt="Đại biểu" src="anh.png"><figcaption>Đại biểu</figcaption>'
                     r'</figure>\s*<p>Kết thúc.</p>\s*<figure class="missing-photos">.*?<li>Toàn cảnh</li></ul>', page)
    assert '<img src="anh.png" alt="Ký giao ước">' in page
    assert re.search(r'<figure class="missing-photos"><figcaption>[^<]*</figcaption><ul><li>Trao cờ thi đua</li></ul>',
                     page)


# --- Pages people share: the feed's stylesheet ----------------------------------------------------

def test_every_feed_names_a_stylesheet_that_is_there(sample_site):
    feeds = [sample_site / "feed.xml", *sorted(sample_site.glob("cum/*/feed.xml"))]
    assert len(feeds) > 1
    for feed in feeds:
        found = re.search(r'<\?xml-stylesheet type="text/xsl" href="([^"]+)"\?>', feed.read_text(encoding="utf-8"))
        assert found and (feed.parent / found.group(1)).resolve() == (sample_site / "static/feed.xsl").resolve()


# --- In the browser -------------------------------------------------------------------------------

ARTICLES = sorted(str(p.relative_to(ROOT / "content").parent) + "/" + p.stem[11:] + "/"
                  for p in (ROOT / "content").rglob("*.md"))


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_an_articles_text_starts_in_the_first_screen(browser, sample_site, scheme):
    context = browser.new_context(viewport={"width": 360, "height": 640}, color_scheme=scheme)
    try:
        tab = context.new_page()
        for path in ARTICLES:
            tab.goto((sample_site / path / "index.html").as_uri())
            first = tab.evaluate("""() => { const p = document.querySelector('.body p'), r = p.getBoundingClientRect();
                return {top: r.top, line: parseFloat(getComputedStyle(p).lineHeight), fold: innerHeight}; }""")
            assert first["top"] + first["line"] <= first["fold"], (path, first)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 360
            assert tab.locator(".facts dt").first.inner_text() == "Ngày họp"  # the facts are all still there
    finally:
        context.close()


@pytest.mark.browser
def test_over_http_addresses_end_in_a_slash_and_from_disk_in_index_html(page, served, sample_site):
    page.goto(served + "index.html")
    assert page.url == served  # the address bar shows the published form
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    own = [href for href in hrefs if href.startswith(served)]
    assert len(own) > 20 and not [href for href in own if "index.html" in href]
    page.get_by_role("link", name="Cụm thi đua Trung du Bắc Bộ").first.click()
    assert page.url == served + "cum/trung-du-bac-bo/"
    assert page.locator("h1").inner_text() == "Cụm thi đua Trung du Bắc Bộ"
    page.get_by_role("link", name="Phát huy vai trò của Liên minh Hợp tác xã").click()
    assert page.url == served + "2023/trung-du-bac-bo-tong-ket-2023/"
    # Links drawn later, by the search, are followed at their published address too.
    page.goto(served + "tim-kiem/?q=" + "Hải Dương")
    page.wait_for_function("document.querySelectorAll('#search-results li a').length > 0")
    assert page.url.startswith(served + "tim-kiem/?q=")
    page.locator("#search-results li a").first.click()
    page.wait_for_url(re.compile(r"/20\d\d/[^/]+/$"))

    page.goto((sample_site / "index.html").as_uri())
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    assert "cum/trung-du-bac-bo/index.html" in hrefs  # from disk a folder needs its index.html
    page.get_by_role("link", name="Cụm thi đua Trung du Bắc Bộ").first.click()
    assert page.url.endswith("/cum/trung-du-bac-bo/index.html")


@pytest.mark.browser
def test_a_feed_opened_in_the_browser_reads_as_a_vietnamese_page(page, served, sample_site):
    for feed in ("feed.xml", "cum/bac-trung-bo/feed.xml"):
        page.goto(served + feed)
        page.locator("h1").wait_for()  # the stylesheet turns the document into a page
        assert page.locator("html").get_attribute("lang") == "vi"
        text = read(sample_site, feed)
        title = re.search(r"<title>(.*?)</title>", text).group(1)
        assert page.locator("h1").inner_text() == title
        assert "Đây là nguồn tin (Atom) của trang này" in page.locator(".about").inner_text()
        entries = re.findall(r"<entry>.*?<title>(.*?)</title>", text, re.S)
        assert page.locator("ol li h3").all_inner_texts() == entries
        assert page.locator("ol li h3 a").first.get_attribute("href").startswith("https://example.org/")
    for scheme in ("light", "dark"):  # axe finds nothing but in the browser's own banner that XSLT is retiring
        page.emulate_media(color_scheme=scheme)
        page.add_script_tag(path=str(ROOT / "node_modules/axe-core/axe.min.js"))
        found = page.evaluate("""() => axe.run({exclude: [['xslt-warning-banner']]}, {resultTypes: ['violations'],
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
            .then(r => ({violations: r.violations.map(v => v.id), passes: r.passes.length}))""")
        assert found["violations"] == [] and found["passes"] >= 20, found


# --- Screenshots ----------------------------------------------------------------------------------

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", ROOT / "output-screenshots"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.mark.browser
def test_screenshots_of_every_page_type_desktop_and_phone_light_and_dark(browser, tmp_path_factory):
    """Every page type (the full test site: charts, a hostile article, search with results), each on a
    desktop and a phone, light and dark, saved as PNG into output-screenshots/ (or $SCREENSHOTS)."""
    output = build_full_site(tmp_path_factory.mktemp("shots") / "site")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = {**PAGE_TYPES, "years": "nam/index.html", "feed": "feed.xml"}
    taken = []
    try:
        for device, viewport in VIEWPORTS.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                tab = context.new_page()
                for name, relative in pages.items():
                    tab.goto(base + relative + ("?q=hợp tác xã" if name == "search" else ""))
                    tab.locator("h1").first.wait_for()
                    if name == "search":
                        tab.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
                    width = tab.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], f"{name} is {width} px wide on {device}"
                    background = tab.evaluate("getComputedStyle(document.documentElement).backgroundColor")
                    assert (background != "rgb(255, 255, 255)") == (scheme == "dark"), (name, scheme, background)
                    target = SCREENSHOTS / f"{name.replace(' ', '-')}-{device}-{scheme}.png"
                    tab.screenshot(path=str(target), full_page=True)
                    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
                    taken.append(target)
                context.close()
    finally:
        server.shutdown()
        server.server_close()
    assert len(taken) == len(pages) * 4 and len(set(taken)) == len(taken)

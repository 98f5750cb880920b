"""Navigation and the 2025 merger, as a reader meets them on a built scratch site: the previous and
next conference of a cluster and kind, related conferences, tag pages, leader provinces linked,
breadcrumbs on the new pages; province pages that say what a province became or took in, linking
both ways, charts that mark the merger, search by either name; and the config's successors checked."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from archive.cli import main
from archive.site.config import load_config
from conftest import ROOT, ScratchSite, new_site

QUANG_TRI_2025 = "Tổng kết năm 2025 cụm Bắc Trung Bộ sau khi hợp nhất tỉnh"
QUANG_BINH_2024 = "Hội nghị Liên minh HTX tỉnh đầu năm 2024"

ARTICLES = {  # file -> front matter (the body is one line of its own)
    "2022/2022-12-08-tong-ket-2022.md": """\
title: Tổng kết năm 2022 cụm Bắc Trung Bộ
date: 2022-12-08
cluster: bac-trung-bo
kind: tong-ket
provinces: [Thanh Hóa, Quảng Bình, Quảng Trị, Thừa Thiên Huế]
tags: [Giao ước thi đua]
results:
  by_province:
    Quảng Trị: {cooperatives: 300}
    Quảng Bình: {cooperatives: 450}
  leaders: {chair: [Quảng Bình], deputy: [Hà Giang]}
""",
    "2023/2023-07-05-so-ket-2023.md": """\
title: Sơ kết 6 tháng 2023 cụm Bắc Trung Bộ
date: 2023-07-05
cluster: bac-trung-bo
kind: so-ket
provinces: [Thanh Hóa, Quảng Bình, Quảng Trị]
tags: [Đổi mới]
""",
    "2023/2023-12-07-tong-ket-2023.md": """\
title: Tổng kết năm 2023 cụm Bắc Trung Bộ
date: 2023-12-07
cluster: bac-trung-bo
kind: tong-ket
provinces: [Thanh Hóa, Quảng Bình, Quảng Trị, Thừa Thiên Huế]
tags: [giao ước thi đua]
results:
  by_province:
    Quảng Trị: {cooperatives: 347}
    Quảng Bình: {cooperatives: 490}
""",
    "2024/2024-03-01-quang-binh.md": f"""\
title: {QUANG_BINH_2024}
date: 2024-03-01
cluster: cap-tinh
kind: khac
provinces: [Quảng Bình]
""",
    "2025/2025-12-10-tong-ket-2025.md": f"""\
title: {QUANG_TRI_2025}
date: 2025-12-10
cluster: bac-trung-bo
kind: tong-ket
provinces: [Thanh Hóa, Quảng Trị, Huế]
tags: [Dân vận]
results:
  by_province:
    Quảng Trị: {{cooperatives: 842}}
  leaders: {{chair: [Quảng Trị]}}
""",
}


def write_articles(site: ScratchSite) -> None:
    for path, front in ARTICLES.items():
        site.write(f"content/{path}", f"---\n{front}---\nCác Liên minh Hợp tác xã họp bàn công tác thi đua.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The scratch site (the real config and templates) with the articles above, built once."""
    site = new_site(tmp_path_factory.mktemp("nav") / "site")
    write_articles(site)
    result = site.run()
    assert result.returncode == 0, result.stderr
    return site.output


class Links(HTMLParser):
    """Each <a> of a part of a page (an element with the given class, or the breadcrumb nav): text and href."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.links, self._href = css_class, 0, [], None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if self.depth:
            self.depth += tag not in ("br", "img", "meta", "link", "input")
        elif self.css_class in (found.get("class") or "").split():
            self.depth = 1
        if self.depth and tag == "a":
            self._href, self.text = found["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if self._href is not None and tag == "a":
            self.links.append((" ".join("".join(self.text).split()), self._href))
            self._href = None
        if self.depth and tag not in ("br", "img", "meta", "link", "input"):
            self.depth -= 1


def links_in(page: Path, css_class: str) -> list[tuple[str, str]]:
    parser = Links(css_class)
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def target(page: Path, href: str) -> Path:
    """The file a relative link of the page opens (it must exist)."""
    found = (page.parent / href).resolve()
    assert found.is_file(), f"{page}: {href} leads nowhere"
    return found


def title_of(page: Path) -> str:
    return re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S).group(1).strip()


def test_an_article_links_the_previous_and_next_conference_of_its_cluster_and_kind(built):
    page = built / "2023/tong-ket-2023/index.html"
    html = page.read_text(encoding="utf-8")
    older = re.search(r'<a rel="prev" href="([^"]+)"><span>← Tổng kết năm trước \(2022\)</span>', html)
    newer = re.search(r'<a rel="next" href="([^"]+)"><span>Tổng kết năm sau \(2025\) →</span>', html)
    assert older and title_of(target(page, older.group(1))) == "Tổng kết năm 2022 cụm Bắc Trung Bộ"
    assert newer and title_of(target(page, newer.group(1))) == QUANG_TRI_2025
    # The mid-year review between them is of another kind: it is no neighbour, and has none of its own.
    lone = (built / "2023/so-ket-2023/index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' not in lone and 'rel="next"' not in lone


def test_related_conferences_share_the_cluster_or_provinces_most_first_and_skip_the_neighbours(built):
    def related(path: str) -> list[str]:
        page = built / path
        return [title_of(target(page, href)) for _, href in links_in(page, "related")]

    # 2023's year-end review: the mid-year review (cluster and three provinces) before Quảng Bình's own
    # conference (one province); the reviews of 2022 and 2025 are its previous and next, shown already.
    assert related("2023/tong-ket-2023/index.html") == ["Sơ kết 6 tháng 2023 cụm Bắc Trung Bộ", QUANG_BINH_2024]
    # Quảng Bình's conference: the cluster's conferences with Quảng Bình, nearest in time first.
    assert related("2024/quang-binh/index.html") == [
        "Tổng kết năm 2023 cụm Bắc Trung Bộ", "Sơ kết 6 tháng 2023 cụm Bắc Trung Bộ", "Tổng kết năm 2022 cụm Bắc Trung Bộ"]
    # Equally close in provinces: the nearer in time first.
    assert related("2025/tong-ket-2025/index.html") == [
        "Sơ kết 6 tháng 2023 cụm Bắc Trung Bộ", "Tổng kết năm 2022 cụm Bắc Trung Bộ"]


def test_tags_link_to_a_page_per_tag_and_an_index_in_vietnamese_order(built):
    page = built / "2022/tong-ket-2022/index.html"
    tag_links = links_in(page, "tag-list")
    assert [text for text, _ in tag_links] == ["Giao ước thi đua"]
    tag_page = target(page, tag_links[0][1])
    assert tag_page == (built / "the/giao-uoc-thi-dua/index.html").resolve()
    # Two spellings of one tag are one page, listing both conferences, newest first.
    listed = [title_of(target(tag_page, href))
              for href in re.findall(r'<h3><a href="([^"]+)">', tag_page.read_text(encoding="utf-8"))]
    assert listed == ["Tổng kết năm 2023 cụm Bắc Trung Bộ", "Tổng kết năm 2022 cụm Bắc Trung Bộ"]
    hub = built / "the/index.html"
    assert [text for text, _ in links_in(hub, "index-list")] == ["Dân vận", "Đổi mới", "giao ước thi đua"]
    assert all(target(hub, href) for _, href in links_in(hub, "index-list"))
    assert [text for text, _ in links_in(page, "tags")] == ["Từ khóa"]
    assert target(page, links_in(page, "tags")[0][1]) == hub.resolve()


def test_leader_provinces_link_to_their_pages_where_they_have_one(built):
    page = built / "2022/tong-ket-2022/index.html"
    html = page.read_text(encoding="utf-8")
    chair = re.search(r'<dt>Cụm trưởng</dt><dd><a href="([^"]+)">Quảng Bình</a>', html)
    assert chair and target(page, chair.group(1)) == (built / "tinh/quang-binh/index.html").resolve()
    assert re.search(r"<dt>Cụm phó</dt><dd>\s*Hà Giang\s*</dd>", html)  # no conference of Hà Giang: no page


class Trail(HTMLParser):
    """The steps of the breadcrumb nav, and the BreadcrumbList the page gives search engines."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[str] = []
        self.listed: list[str] = []
        self._in, self._json = False, False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self._in = self._in or (tag == "nav" and found.get("class") == "breadcrumb")
        self._json = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in and data.strip():
            self.steps.append(data.strip())
        if self._json and '"BreadcrumbList"' in data:
            self.listed = [item["name"] for item in json.loads(data)["itemListElement"]]

    def handle_endtag(self, tag):
        self._in = self._in and tag != "nav"
        self._json = False


@pytest.mark.parametrize("path, steps", [
    ("the/index.html", ["Trang chủ", "Từ khóa"]),
    ("the/doi-moi/index.html", ["Trang chủ", "Từ khóa", "Đổi mới"]),
    ("tinh/quang-tri/index.html", ["Trang chủ", "Tỉnh, thành phố", "Quảng Trị"]),
    ("2025/tong-ket-2025/index.html", ["Trang chủ", "Cụm thi đua", "Cụm thi đua Bắc Trung Bộ", QUANG_TRI_2025]),
])
def test_new_pages_have_full_breadcrumbs_matching_their_data(built, path, steps):
    trail = Trail()
    trail.feed((built / path).read_text(encoding="utf-8"))
    assert trail.steps == steps and trail.listed == steps


def test_the_not_found_page_shows_the_way_home(built):
    trail = Trail()
    trail.feed((built / "404.html").read_text(encoding="utf-8"))
    assert trail.steps == ["Trang chủ", "Không tìm thấy trang"]


def merger_notes(page: Path) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", "", note).split())
            for note in re.findall(r'<p class="merger">(.*?)</p>', page.read_text(encoding="utf-8"), re.S)]


@pytest.mark.parametrize("old, new, old_name, new_name, day", [
    ("quang-binh", "quang-tri", "Quảng Bình", "Quảng Trị", "01/07/2025"),
    ("thua-thien-hue", "hue", "Thừa Thiên Huế", "Huế", "01/01/2025"),
])
def test_province_pages_say_what_a_province_became_and_took_in_linking_both_ways(built, old, new, old_name,
                                                                                  new_name, day):
    old_page, new_page = built / f"tinh/{old}/index.html", built / f"tinh/{new}/index.html"
    assert merger_notes(old_page) == [f"Từ ngày {day}, địa bàn {old_name} thuộc {new_name}; các hội nghị từ ngày "
                                      f"đó ghi tên {new_name}."]
    assert merger_notes(new_page)[0].startswith(f"Từ ngày {day}, {new_name} gồm cả địa bàn {old_name} trước đây; ")
    assert [target(old_page, href) for _, href in links_in(old_page, "merger")] == [new_page.resolve()]
    assert [target(new_page, href) for _, href in links_in(new_page, "merger")] == [old_page.resolve()]
    assert not merger_notes(built / "tinh/thanh-hoa/index.html")  # kept its name and land


def test_a_successor_s_chart_marks_the_merger_instead_of_drawing_growth_across_it(built):
    html = (built / "tinh/quang-tri/index.html").read_text(encoding="utf-8")
    chart = re.search(r'<figure class="chart-figure" data-indicator="cooperatives">.*?</figure>', html, re.S).group()
    bars = re.findall(r'<rect class="([^"]+)" x="([\d.]+)"[^>]*data-period="(\d+)" data-value="(\d+)"', chart)
    assert [(kind, period, value) for kind, _, period, value in bars] == [
        ("bar", "2022", "300"), ("bar", "2023", "347"), ("bar after-merger", "2025", "842")]
    line = re.search(r'<line class="merger-break" x1="([\d.]+)"', chart)
    assert line and float(bars[1][1]) + 40 < float(line.group(1)) < float(bars[2][1])  # between 2023 and 2025
    assert ">Sáp nhập</text>" in chart and "số liệu sau sáp nhập ngày 01/07/2025" in chart
    # Quảng Bình's figures all come from before the merger: nothing to mark.
    merged_away = (built / "tinh/quang-binh/index.html").read_text(encoding="utf-8")
    assert "merger-break" not in merged_away and "after-merger" not in merged_away


@pytest.mark.browser
@pytest.mark.parametrize("query, found, not_found", [("Quảng Bình", QUANG_TRI_2025, None),
                                                     ("Quang Tri", None, QUANG_BINH_2024)])
def test_search_finds_a_conference_by_the_other_name_of_its_province_from_the_merger_on(page, built, query, found,
                                                                                      not_found):
    """Quảng Trị's conference of 2025 covers what was Quảng Bình; Quảng Bình's own of 2024, before the
    merger, is not Quảng Trị's."""
    page.goto((built / "tim-kiem/index.html").as_uri() + "?q=" + quote(query))
    page.wait_for_function("""() => {
        const text = document.getElementById('search-status').textContent;
        return text && !text.includes('Đang tìm') && !text.includes('đang tìm thêm');
    }""")
    shown = page.locator("#search-results h2").all_inner_texts()
    assert shown  # (the conferences naming Quảng Trị itself)
    assert (found is None or found in shown) and not_found not in shown


def test_a_province_named_after_it_was_merged_away_is_a_warning(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2025/2025-08-01-quang-binh.md", "---\ntitle: Hội nghị\ndate: 2025-08-01\n"
                  "cluster: cap-tinh\nkind: khac\nprovinces: [Quảng Bình]\n---\nNội dung.\n")
    assert main([]) == 0
    assert ("content/2025/2025-08-01-quang-binh.md:6: cảnh báo: provinces: 'Quảng Bình' đã thuộc 'Quảng Trị' từ "
            "ngày 01/07/2025, trước ngày họp 01/08/2025 (gợi ý: viết 'Quảng Trị')") in capsys.readouterr().err.splitlines()


SUCCESSOR_CASES = [
    # (name, the successors line as broken, the message after "site_config.yaml:LINE: ")
    ("unknown province", "  Quảng Binh: {name: Quảng Trị, since: 2025-07-01}",
     "successors.Quảng Binh: tỉnh 'Quảng Binh' không có trong danh sách provinces hay provinces_2025 "
     "(gợi ý: 'Quảng Bình')"),
    ("unknown successor", "  Quảng Bình: {name: Quang Tri, since: 2025-07-01}",
     "successors.Quảng Bình.name: tỉnh kế tục 'Quang Tri' không có trong danh sách provinces hay provinces_2025 "
     "(gợi ý: 'Quảng Trị')"),
    ("date not ISO", "  Quảng Bình: {name: Quảng Trị, since: 1/7/2025}",
     "successors.Quảng Bình.since: cần ngày có hiệu lực dạng YYYY-MM-DD, ví dụ 2025-07-01, nhưng có '1/7/2025'"),
    ("no date", "  Quảng Bình: Quảng Trị",
     "successors.Quảng Bình: cần dạng {name: tỉnh kế tục, since: YYYY-MM-DD} (tên tỉnh kế tục và ngày có hiệu lực), "
     "nhưng có 'Quảng Trị'"),
    ("its own successor", "  Quảng Bình: {name: Quảng Bình, since: 2025-07-01}",
     "successors.Quảng Bình.name: 'Quảng Bình' không thể là tỉnh kế tục của chính nó; bỏ dòng này nếu tỉnh giữ "
     "nguyên tên"),
    ("a cycle", "  Quảng Bình: {name: Quảng Trị, since: 2025-07-01}\n  Quảng Trị: {name: Quảng Bình, since: 2025-07-01}",
     "successors.Quảng Bình: các tỉnh kế tục nối thành vòng tròn: Quảng Bình → Quảng Trị → Quảng Bình; chuỗi sáp "
     "nhập phải dừng ở một tỉnh còn tồn tại"),
]


@pytest.mark.parametrize("name, line, message", SUCCESSOR_CASES, ids=[case[0] for case in SUCCESSOR_CASES])
def test_broken_successors_are_reported_exactly_and_nothing_is_written(scratch, monkeypatch, capsys, name, line,
                                                                        message):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    config = scratch.root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    good = "  Quảng Bình: {name: Quảng Trị, since: 2025-07-01}"
    assert good in text
    broken = text.replace(good, line)
    config.write_text(broken, encoding="utf-8")
    number = broken.splitlines().index(line.splitlines()[0]) + 1
    assert main([]) == 1
    err = capsys.readouterr().err
    assert f"site_config.yaml:{number}: {message}" in err.splitlines(), err
    assert "Traceback" not in err and scratch.snapshot() == before


def test_successors_that_are_no_mapping_are_reported(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    config = scratch.root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    broken = text[: text.index("successors:")] + "successors: [Quảng Bình]\n"
    config.write_text(broken, encoding="utf-8")
    assert main(["check"]) == 1
    number = broken.splitlines().index("successors: [Quảng Bình]") + 1
    assert (f"site_config.yaml:{number}: successors: cần một bảng tỉnh cũ: {{name: tỉnh kế tục, since: YYYY-MM-DD}}, "
            "nhưng có một danh sách") in capsys.readouterr().err.splitlines()


def test_the_config_maps_every_province_that_is_gone_and_only_those(tmp_path):
    """The 63 provinces before the merger, the 34 after: each of the 29 merged away (and Thừa Thiên Huế,
    now Huế) has a successor among the 34; the 34 have none."""
    config = load_config(ROOT / "site_config.yaml")
    before, after = set(config.raw["provinces"]), set(config.raw["provinces_2025"])
    assert len(before) == 63 and len(after) == 34
    assert set(config.successors) == before - after and len(config.successors) == 30
    assert {successor.name for successor in config.successors.values()} <= after
    assert config.successors["Quảng Bình"].name == "Quảng Trị" and config.successors["Hà Giang"].name == "Tuyên Quang"


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_a_draft_is_marked_where_an_article_links_to_it(tmp_path):
    """Built with drafts (as the preview does), the next year-end review being a draft: the older
    article's 'next' link and its related list mark it; without drafts, no page links to it."""
    site = new_site(tmp_path / "site")
    write_articles(site)
    draft = site.content / "2023/2023-12-07-tong-ket-2023.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("kind: tong-ket\n", "kind: tong-ket\ndraft: true\n"),
                     encoding="utf-8")
    assert site.run("--drafts").returncode == 0
    older = (site.output / "2022/tong-ket-2022/index.html").read_text(encoding="utf-8")
    assert re.search(r'rel="next"[^>]*>.*?Tổng kết năm 2023 cụm Bắc Trung Bộ'
                     r' <span class="draft-mark">Bản nháp</span></a>', older, re.S)
    assert site.run().returncode == 0
    older = (site.output / "2022/tong-ket-2022/index.html").read_text(encoding="utf-8")
    assert "Tổng kết năm 2023 cụm Bắc Trung Bộ" not in older and "draft-mark" not in older

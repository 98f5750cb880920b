"""Results as data: figures on the article, cluster, year and province pages, the charts, the downloads, the warnings."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from archive.make.results import Cell, Column, bar_chart, short_value
from archive.site.config import Indicator

ROOT = Path(__file__).resolve().parent.parent


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def table_rows(page: str, section_id: str) -> dict[str, list[str]]:
    """indicator key -> the text of each cell, in the results table of the section."""
    section = page[page.index(f'aria-labelledby="{section_id}"'):]
    section = section[: section.index("</table>")]
    rows = {}
    for key, cells in re.findall(r'<tr data-indicator="([a-z_]+)">(.*?)</tr>', section, re.S):
        rows[key] = [re.sub(r"<[^>]+>", "", cell).replace("không có số liệu", "").strip()
                     for cell in re.findall(r'<td class="num">(.*?)</td>', cells, re.S)]
    return rows


def column_labels(page: str, section_id: str) -> list[str]:
    section = page[page.index(f'aria-labelledby="{section_id}"'):]
    head = section[section.index("<thead>"): section.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", th) for th in re.findall(r'<th scope="col" class="num">(.*?)</th>', head)]


def charts(page: str) -> dict[str, list[tuple[str, int, float]]]:
    """indicator key -> (period, value, bar height) of each bar of its chart."""
    found = {}
    for key, svg in re.findall(r'<figure class="chart-figure" data-indicator="([a-z_]+)">(.*?)</figure>', page, re.S):
        found[key] = [(period, int(value), float(height)) for height, period, value in re.findall(
            r'<rect class="bar[^"]*"[^>]* height="([\d.]+)"[^>]* data-period="(\d+)" data-value="(\d+)"', svg)]
    return found


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


# --- The sample archive ---------------------------------------------------------------------------

def test_the_cluster_page_shows_its_figures_over_the_years(sample_site):
    page = read(sample_site, "cum/bac-trung-bo/index.html")
    assert "Kết quả qua các năm" in page
    assert column_labels(page, "ket-qua-qua-cac-nam") == ["2024"]
    # The cluster's one report is its mid-year review's, and says so; one year is a table, without charts.
    assert table_rows(page, "ket-qua-qua-cac-nam") == {"cooperatives": ["4.425 HTX (6 tháng)"],
                                                       "credit_funds": ["200 quỹ (6 tháng)"]}
    assert charts(page) == {} and "<svg" not in page


def test_thanh_hoa_appears_on_the_article_and_on_its_own_page(sample_site):
    article = read(sample_site, "2024/bac-trung-bo-so-ket-6-thang-2024/index.html")
    assert re.search(r'Thanh Hóa</a></th><td class="num">1.331 HTX</td>', article)
    assert re.search(r'Toàn cụm</th><td class="num">4.425 HTX</td>', article)
    province = read(sample_site, "tinh/thanh-hoa/index.html")
    assert table_rows(province, "ket-qua-qua-cac-nam") == {"cooperatives": ["1.331 HTX (6 tháng)"]}


def test_the_year_page_puts_the_clusters_side_by_side(sample_site):
    page = read(sample_site, "nam/2023/index.html")
    assert column_labels(page, "so-sanh-cac-cum") == ["Cụm thi đua Trung du Bắc Bộ", "Cụm thi đua Duyên hải miền Trung"]
    rows = table_rows(page, "so-sanh-cac-cum")
    assert rows["cooperatives"] == ["—", "1.789 HTX"]
    assert rows["loans_vnd"] == ["226 tỷ đồng", "—"]
    assert list(rows) == ["cooperatives", "cooperative_groups", "unions", "member_cooperatives", "new_members",
                          "loan_projects", "loans_vnd"]  # the order of site_config.yaml


def test_the_2017_members_figure_is_printed_the_vietnamese_way(sample_site):
    page = read(sample_site, "cum/dong-bang-song-hong/index.html")
    assert table_rows(page, "ket-qua-qua-cac-nam")["members"] == ["2.425.931 thành viên"]


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_every_chart_matches_its_table(scratch):
    for day, kind, figures in (("2017-12-15", "tong-ket", "members: 2425931\n    loans_vnd: 226000000000"),
                               ("2019-07-01", "so-ket", "members: 2500000"),
                               ("2020-12-01", "tong-ket", "members: 2600000\n    loans_vnd: 230000000000")):
        scratch.write(f"content/{day[:4]}/{day}-x.md", conference(day, "dong-bang-song-hong", kind,
                                                                 f"  figures:\n    {figures}\n"))
    assert scratch.run().returncode == 0
    for cluster in ("dong-bang-song-hong",):
        page = read(scratch.output, f"cum/{cluster}/index.html")
        rows = table_rows(page, "ket-qua-qua-cac-nam")
        periods = column_labels(page, "ket-qua-qua-cac-nam")
        drawn = charts(page)
        assert set(drawn) == set(rows)
        for key, cells in rows.items():
            expected = [(period, text) for period, text in zip(periods, cells) if text != "—"]
            bars = drawn[key]
            assert [period for period, _, _ in bars] == [period for period, _ in expected]
            for (_, value, _), (_, text) in zip(bars, expected):
                assert short_value(value, "đồng" if key == "loans_vnd" else "") in text
    assert ">2.425.931</text>" in page  # the bar's label in the chart


def test_the_downloads_give_back_exactly_the_front_matter(sample_site):
    expected = set()
    for path in sorted((ROOT / "content").rglob("*.md")):
        data = front_matter(path)
        url = f"https://example.org/{data['date'].year}/{path.stem[11:]}/"
        results = data.get("results") or {}
        for key, value in (results.get("figures") or {}).items():
            expected.add((url, data["date"].isoformat(), data["period"], data["cluster"], "cluster", "", key, value))
        for province, figures in (results.get("by_province") or {}).items():
            for key, value in figures.items():
                expected.add((url, data["date"].isoformat(), data["period"], data["cluster"], "province", province, key, value))
    assert len(expected) == 28

    raw = (sample_site / "du-lieu/ket-qua.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["url", "date", "period", "kind", "cluster", "cluster_name", "scope", "province",
                             "indicator", "indicator_label", "value", "unit", "approximate"]
    assert {r["approximate"] for r in rows} == {"false"}  # the sample's figures are all exact
    from_csv = [(r["url"], r["date"], int(r["period"]), r["cluster"], r["scope"], r["province"], r["indicator"],
                 int(r["value"])) for r in rows]
    assert len(from_csv) == len(expected) and set(from_csv) == expected

    records = json.loads(read(sample_site, "du-lieu/ket-qua.json"))
    from_json = [(r["url"], r["date"], r["period"], r["cluster"], r["scope"], r["province"], r["indicator"], r["value"])
                 for r in records]
    assert all(isinstance(r["value"], int) for r in records)
    assert len(from_json) == len(expected) and set(from_json) == expected
    assert {(r["indicator"], r["unit"]) for r in records} >= {("cooperatives", "HTX"), ("loans_vnd", "đồng")}


def test_the_json_download_holds_a_row_a_line(sample_site):
    """A list of rows, one a line, as json writes each: a reader's diff of two versions shows rows."""
    raw = read(sample_site, "du-lieu/ket-qua.json")
    lines = raw.split("\n")
    assert lines[0] == "[" and lines[-2:] == ["]", ""]
    rows = json.loads(raw)
    assert len(lines) == len(rows) + 3
    assert [line.rstrip(",") for line in lines[1:-2]] == [json.dumps(row, ensure_ascii=False) for row in rows]


def test_the_data_page_documents_every_column_and_is_linked_from_every_page(sample_site):
    page = read(sample_site, "du-lieu/index.html")
    for column in ("url", "date", "period", "cluster", "scope", "province", "indicator", "value", "unit"):
        assert f"<code>{column}</code>" in page
    assert 'href="../du-lieu/ket-qua.csv"' in page and 'href="../du-lieu/ket-qua.json"' in page
    assert "28 dòng" in page
    assert 'href="du-lieu/index.html"' in read(sample_site, "index.html")
    assert 'href="../../du-lieu/index.html">Dữ liệu kết quả' in read(sample_site, "tinh/nghe-an/index.html")


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_the_sample_content_raises_no_warning(scratch):
    result = scratch.run("check", "--content", str(ROOT / "content"))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout == "Không có lỗi.\n"


# --- Crafted inputs -------------------------------------------------------------------------------

def conference(date: str, cluster: str, kind: str, results: str, period: str = "") -> str:
    return (f"---\ntitle: Hội nghị {cluster} {date}\ndate: {date}\ncluster: {cluster}\nkind: {kind}\n"
            f"{f'period: {period}' + chr(10) if period else ''}results:\n{results}---\nNội dung.\n")


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_the_latest_conference_of_a_period_wins_and_gaps_stay_gaps(scratch):
    scratch.write("content/2021/2021-12-01-a.md", conference("2021-12-01", "bac-trung-bo", "tong-ket",
                                                             "  figures:\n    cooperatives: 3000\n    members: 90000\n"))
    scratch.write("content/2023/2023-07-01-b.md", conference("2023-07-01", "bac-trung-bo", "so-ket",
                                                             "  figures:\n    cooperatives: 4000\n    members: 99000\n"))
    scratch.write("content/2023/2023-12-20-c.md", conference("2023-12-20", "bac-trung-bo", "tong-ket",
                                                             "  figures:\n    cooperatives: 4200\n"))
    result = scratch.run()
    assert result.returncode == 0, result.stderr
    page = read(scratch.output, "cum/bac-trung-bo/index.html")
    assert column_labels(page, "ket-qua-qua-cac-nam") == ["2021", "2022", "2023"]
    # The year-end review overrides the mid-year one; the mid-year's members figure still counts.
    assert table_rows(page, "ket-qua-qua-cac-nam") == {
        "cooperatives": ["3.000 HTX", "—", "4.200 HTX"],
        "members": ["90.000 thành viên", "—", "99.000 thành viên (6 tháng)"]}
    drawn = charts(page)
    assert [(period, value) for period, value, _ in drawn["cooperatives"]] == [("2021", 3000), ("2023", 4200)]
    (_, _, low), (_, _, high) = drawn["cooperatives"]
    assert low / high == pytest.approx(3000 / 4200, abs=0.001)  # bars from zero, in proportion
    assert "2022: không có số liệu" in page  # the chart's description for screen readers
    assert '<title id="bieu-do-cooperatives-title">Hợp tác xã qua các năm (HTX), Cụm thi đua Bắc Trung Bộ</title>' in page


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_an_indicator_added_to_the_config_shows_everywhere(scratch):
    config = (scratch.root / "site_config.yaml").read_text(encoding="utf-8")
    config = config.replace("  loans_vnd: {label: Vốn vay giải ngân, unit: đồng}\n",
                            "  loans_vnd: {label: Vốn vay giải ngân, unit: đồng}\n  revenue: {label: Doanh thu <bình quân>, unit: đồng}\n")
    scratch.write("site_config.yaml", config)
    scratch.write("content/2024/2024-12-01-d.md", conference("2024-12-01", "trung-du-bac-bo", "tong-ket",
                                                             "  figures:\n    revenue: 3500000000\n"))
    result = scratch.run()
    assert result.returncode == 0, result.stderr
    cluster = read(scratch.output, "cum/trung-du-bac-bo/index.html")
    assert table_rows(cluster, "ket-qua-qua-cac-nam")["revenue"] == ["—", "3,5 tỷ đồng"]
    assert "Doanh thu &lt;bình quân&gt; qua các năm (đồng)" in cluster  # escaped inside the SVG too
    assert table_rows(read(scratch.output, "nam/2024/index.html"), "so-sanh-cac-cum") == {"revenue": ["3,5 tỷ đồng"]}
    assert "<code>revenue</code>" in read(scratch.output, "du-lieu/index.html")
    assert ",revenue,Doanh thu <bình quân>,3500000000,đồng" in read(scratch.output, "du-lieu/ket-qua.csv")


WARNED = """\
---
title: Hội nghị tổng kết cụm Trung du Bắc Bộ 2024
date: 2024-12-05
cluster: trung-du-bac-bo
kind: tong-ket
results:
  figures:
    member_cooperatives: 25000
---
Nội dung.
"""

OVER = """\
---
title: Hội nghị cụm Bắc Trung Bộ
date: 2024-12-06
cluster: bac-trung-bo
kind: tong-ket
results:
  figures:
    cooperatives: 100
    loans_vnd: 226
  by_province:
    Thanh Hóa: {cooperatives: 80}
    Nghệ An: {cooperatives: 30}
---
Nội dung.
"""


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_warnings_fire_on_slips_and_do_not_stop_the_build(scratch):
    config = (scratch.root / "site_config.yaml").read_text(encoding="utf-8")
    scratch.write("site_config.yaml", config.replace(
        "  loans_vnd: {label: Vốn vay giải ngân, unit: đồng}\n",
        "  loans_vnd: {label: Vốn vay giải ngân, unit: đồng}\n  htx: {label: Hợp tác xã, unit: hợp tác xã}\n"))
    scratch.write("content/2024/2024-12-05-tdbb.md", WARNED)
    scratch.write("content/2024/2024-12-06-btb.md", OVER)
    result = scratch.run("check")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "site_config.yaml: cảnh báo: indicators.htx: tên 'Hợp tác xã' cũng là tên của cooperatives, tính bằng "
        "'HTX', còn chỉ tiêu này tính bằng 'hợp tác xã' (gợi ý: đặt tên riêng hoặc dùng cùng đơn vị)",
        "content/2024/2024-12-06-btb.md:9: cảnh báo: results.figures.loans_vnd: 226 đồng là quá ít cho "
        "'Vốn vay giải ngân' (gợi ý: nếu nguồn ghi 226 tỷ đồng, viết 226000000000)",
        "content/2024/2024-12-06-btb.md:8: cảnh báo: results.figures.cooperatives: các tỉnh trong by_province cộng "
        "lại được 110 HTX, hơn tổng của cả cụm là 100 HTX",
        "content/2024/2024-12-05-tdbb.md:8: cảnh báo: results.figures.member_cooperatives: 25.000 HTX năm 2024 gấp "
        "hơn mười lần 2.177 HTX của năm 2023 (content/2023/2023-12-01-trung-du-bac-bo.md) "
        "(gợi ý: kiểm tra lỗi gõ hoặc đơn vị)",
    ]
    assert result.stdout == "Không có lỗi, 4 cảnh báo.\n"
    built = scratch.run()
    assert built.returncode == 0 and "cảnh báo" in built.stderr
    assert (scratch.output / "du-lieu/ket-qua.csv").is_file()


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_a_tenfold_drop_is_flagged_too_but_not_a_figure_reported_once(scratch):
    scratch.write("content/2024/2024-12-05-tdbb.md", WARNED.replace("25000", "200"))
    result = scratch.run("check")
    assert result.stderr.splitlines() == [
        "content/2024/2024-12-05-tdbb.md:8: cảnh báo: results.figures.member_cooperatives: 200 HTX năm 2024 chưa "
        "bằng một phần mười 2.177 HTX của năm 2023 (content/2023/2023-12-01-trung-du-bac-bo.md) "
        "(gợi ý: kiểm tra lỗi gõ hoặc đơn vị)"]


# --- Charts on their own --------------------------------------------------------------------------

def test_short_values_keep_the_money_scale():
    assert short_value(226_000_000_000, "đồng") == "226 tỷ"
    assert short_value(2_425_931, "thành viên") == "2.425.931"


def test_a_chart_is_accessible_and_escapes_its_text():
    from archive.site.model import Figure

    indicator = Indicator("x", 'Tên "lạ" <b>', "HTX")
    cells = (Cell(Figure(indicator, 5), None), None)  # the chart reads the figure, never the conference
    svg = bar_chart(indicator, (Column("2020", ""), Column("2021", "")), cells, "Cụm & bạn")
    assert svg.startswith('<svg class="chart" role="img" aria-labelledby="bieu-do-x-title bieu-do-x-desc"')
    assert "<b>" not in svg and "Tên &quot;lạ&quot; &lt;b&gt;" in svg and "Cụm &amp; bạn" in svg
    assert "2020: 5 HTX; 2021: không có số liệu" in svg
    assert svg.count('<rect class="bar"') == 1


# --- A phone --------------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("path", ["cum/bac-trung-bo/", "cum/dong-bang-song-hong/", "nam/2023/", "tinh/thanh-hoa/",
                                  "2024/bac-trung-bo-so-ket-6-thang-2024/", "2017/dong-bang-song-hong-tong-ket-2017/",
                                  "du-lieu/"])
def test_results_tables_fit_a_360_px_phone(page, served, path):
    page.goto(served + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for box in page.locator(".table-scroll").all():
        assert box.bounding_box()["width"] <= 360


@pytest.mark.browser
def test_charts_draw_without_javascript(browser, scratch):
    for day, kind in (("2021-12-01", "tong-ket"), ("2022-12-01", "tong-ket"), ("2023-07-01", "so-ket")):
        scratch.write(f"content/{day[:4]}/{day}-x.md", conference(
            day, "dong-bang-song-hong", kind, f"  figures:\n    members: {int(day[:4]) * 1000}\n    cooperatives: 9\n"))
    assert scratch.run().returncode == 0
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto((scratch.output / "cum/dong-bang-song-hong/index.html").as_uri())
        bars = tab.locator("svg.chart rect.bar")
        assert bars.count() == 6
        assert tab.locator("svg.chart rect.bar.mid-year").count() == 2  # 2023's, from a mid-year review
        for index in range(bars.count()):
            box = bars.nth(index).bounding_box()
            assert box and box["height"] > 0 and box["x"] + box["width"] <= 360
    finally:
        context.close()

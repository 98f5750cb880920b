"""The sample archive builds into a whole, linked, valid site."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from archive.cli import main

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def articles() -> list[dict]:
    found = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        found.append({"path": path, "slug": path.stem[11:], **front})
    return found


def test_every_page_type_is_written(sample_site):
    for relative in ["index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "static/style.css",
                     "2024/bac-trung-bo-so-ket-6-thang-2024/index.html", "cum/bac-trung-bo/index.html",
                     "cum/bac-trung-bo/feed.xml", "nam/2023/index.html", "tinh/thanh-hoa/index.html",
                     "tinh/thua-thien-hue/index.html"]:
        assert (sample_site / relative).is_file(), relative


def test_every_article_has_its_page_with_title_date_and_cluster(sample_site):
    for article in articles():
        page = (sample_site / str(article["date"].year) / article["slug"] / "index.html").read_text(encoding="utf-8")
        assert f"<h1>{article['title']}</h1>" in page
        assert article["date"].strftime("%d/%m/%Y") in page


def test_every_internal_link_and_asset_resolves(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            if page.name == "404.html":  # served at any depth: its links start from the site's path
                target = sample_site / unquote(parts.path).lstrip("/")
            else:
                target = (page.parent / unquote(parts.path)).resolve()
            assert target.exists(), f"{page.relative_to(sample_site)} links to missing {link}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in parse(target).ids, f"{page}: no #{parts.fragment} in {link}"


def test_links_are_relative_so_the_site_works_under_a_sub_path(sample_site):
    home = parse(sample_site / "index.html")
    assert not [link for link in home.links if link.startswith("/")]
    article = parse(sample_site / "2023/trung-du-bac-bo-tong-ket-2023/index.html")
    assert "../../static/style.css" in article.links
    assert "../../cum/trung-du-bac-bo/index.html" in article.links


def test_feeds_are_atom_with_every_entry(sample_site):
    feed = ET.parse(sample_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(articles())
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("https://example.org/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", entry.find(f"{ATOM}updated").text)
    cluster = ET.parse(sample_site / "cum/bac-trung-bo/feed.xml").getroot()
    assert [e.find(f"{ATOM}title").text for e in cluster.findall(f"{ATOM}entry")] == [
        "Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ: Triển khai nhiệm vụ 6 tháng cuối năm 2024"]


def test_sitemap_lists_every_article_and_robots_points_to_it(sample_site):
    urls = [loc.text for loc in ET.parse(sample_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    for article in articles():
        assert f"https://example.org/{article['date'].year}/{article['slug']}/" in urls
    assert "https://example.org/" in urls
    assert "Sitemap: https://example.org/sitemap.xml" in (sample_site / "robots.txt").read_text()


def test_pages_are_vietnamese(sample_site):
    page = (sample_site / "2024/bac-trung-bo-so-ket-6-thang-2024/index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page
    assert "Thứ Sáu, 05/07/2024" in page
    assert "4.425 HTX" in page and "1.331 HTX" in page
    old = (sample_site / "2023/trung-du-bac-bo-tong-ket-2023/index.html").read_text(encoding="utf-8")
    assert "226 tỷ đồng" in old and "2.177 HTX" in old


def test_province_lists_are_in_vietnamese_alphabetical_order(sample_site):
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    section = home[home.index('id="tinh-thanh"'):]
    names = re.findall(r'tinh/[a-z-]+/index.html">([^<]+)</a>', section)
    assert names[:3] == ["Bắc Giang", "Bắc Ninh", "Hà Nam"]
    assert names.index("Hà Tĩnh") < names.index("Hải Dương") < names.index("Hải Phòng") < names.index("Hưng Yên")
    assert names[-1] == "Vĩnh Phúc"


def test_province_page_lists_every_conference_it_took_part_in(sample_site):
    page = (sample_site / "tinh/quang-ninh/index.html").read_text(encoding="utf-8")
    assert "Phát huy vai trò của Liên minh Hợp tác xã" in page  # 2023, Trung du Bắc Bộ
    assert "Tổng kết Cụm thi đua Đồng bằng sông Hồng" in page  # 2017, Đồng bằng sông Hồng


def test_captions_stay_and_no_missing_photo_is_referenced(sample_site):
    page = (sample_site / "2023/trung-du-bac-bo-tong-ket-2023/index.html").read_text(encoding="utf-8")
    assert "<li>Đồng chí Cao Xuân Thu Vân, Chủ tịch Liên minh Hợp tác xã Việt Nam phát biểu tại hội nghị</li>" in page
    assert ".jpg" not in page
    assert "Bình luận" not in page


def test_cluster_pages_are_paginated_and_grouped_by_year(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    config = scratch.root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page: 20", "per_page: 2"), encoding="utf-8")
    for day in ("2022-12-02", "2021-12-03", "2021-06-04"):
        scratch.write(f"content/{day[:4]}/{day}-hoi-nghi-{day}.md",
                      f"---\ntitle: Hội nghị {day}\ndate: {day}\ncluster: trung-du-bac-bo\nkind: tong-ket\n---\nNội dung.\n")
    assert main([]) == 0
    first = (scratch.output / "cum/trung-du-bac-bo/index.html").read_text(encoding="utf-8")
    second = (scratch.output / "cum/trung-du-bac-bo/trang/2/index.html").read_text(encoding="utf-8")
    assert "Năm 2023" in first and "Năm 2022" in first and "Trang 1/2" in first
    assert "Hội nghị 2021-12-03" in second and "Hội nghị 2021-06-04" in second and "Trang 2/2" in second
    assert 'href="../../../../cum/trung-du-bac-bo/index.html"' in second


def test_drafts_build_only_when_asked(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2024/2024-01-05-ban-nhap.md",
                  "---\ntitle: Bản nháp\ndate: 2024-01-05\ncluster: hai-phong\nkind: khac\ndraft: true\n---\nNháp.\n")
    assert main([]) == 0
    assert not (scratch.output / "2024/ban-nhap/index.html").exists()
    assert main(["--drafts"]) == 0
    assert (scratch.output / "2024/ban-nhap/index.html").exists()


def test_pages_of_a_deleted_article_disappear(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    extra = scratch.write("content/2022/2022-12-02-cu.md",
                          "---\ntitle: Cũ\ndate: 2022-12-02\ncluster: hai-phong\nkind: khac\n---\nNội dung.\n")
    assert main([]) == 0
    assert (scratch.output / "2022/cu/index.html").exists()
    extra.unlink()
    assert main([]) == 0
    assert not (scratch.output / "2022/cu/index.html").exists()
    assert not (scratch.output / "cum/hai-phong").exists()
    assert not list(scratch.root.glob(".output.*.tmp"))  # (.output.lock, the lock, stays)


def test_check_writes_nothing(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    assert main(["check"]) == 0
    assert not scratch.output.exists()


def test_output_flag_and_photos_beside_the_article(scratch, monkeypatch, tmp_path):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/toan-canh.png", b"\x89PNG\r\n\x1a\n")
    scratch.write("content/2023/2023-12-09-co-anh.md",
                  "---\ntitle: Có ảnh\ndate: 2023-12-09\ncluster: hai-phong\nkind: khac\n---\n![Toàn cảnh](toan-canh.png)\n")
    assert main(["--output", str(tmp_path / "public")]) == 0
    page = (tmp_path / "public/2023/co-anh/index.html").read_text(encoding="utf-8")
    assert '<img alt="Toàn cảnh" src="toan-canh.png"><figcaption>Toàn cảnh</figcaption>' in page
    assert (tmp_path / "public/2023/co-anh/toan-canh.png").read_bytes() == b"\x89PNG\r\n\x1a\n"


def test_html_typed_into_content_shows_as_text(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-10-xss.md",
                  "---\ntitle: \"<script>alert(1)</script> Hội nghị\"\ndate: 2023-12-10\ncluster: hai-phong\n"
                  "kind: khac\nlocation: <b>Hải Phòng</b>\n---\nMở đầu <script>alert(2)</script> [x](javascript:alert(3))\n")
    assert main([]) == 0
    for path in scratch.output.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text, path
            assert "javascript:alert" not in text.replace("javascript:alert(3))", ""), path
    page = (scratch.output / "2023/xss/index.html").read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; Hội nghị</h1>" in page
    assert "<dd>&lt;b&gt;Hải Phòng&lt;/b&gt;</dd>" in page


def test_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    for option in ("check", "serve", "--drafts", "--output", "--config", "--port"):
        assert option in text
    assert text.startswith("cách dùng: python build.py ")
    assert "\ntùy chọn:\n" in text and "  -h, --help            in hướng dẫn này rồi thoát\n" in text
    assert not any(word in text for word in ("usage", "options:", "show this help", "default:", "positional"))


def test_build_py_run_by_a_python_without_the_packages_says_which_command_to_use(tmp_path):
    import subprocess
    import venv

    venv.create(tmp_path / "bare", with_pip=False)  # a Python with nothing but the standard library
    bare = tmp_path / "bare" / "bin" / "python"
    done = subprocess.run([str(bare), str(ROOT / "build.py"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("Python này thiếu gói '")
    assert done.stderr.strip().endswith("rồi dùng: .venv/bin/python build.py check")
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_unfinished_draft_is_reported_but_stops_only_a_build_with_drafts(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/nhap.md", "---\n# chưa xong: date, cluster\ntitle: Bản nháp\nkind: khac\ndraft: true\n---\n"
                                     "Văn bản.\n")
    assert main(["--no-cache"]) == 0
    assert "content/nhap.md:2: cảnh báo: date: thiếu trường bắt buộc" in capsys.readouterr().err
    assert main(["--no-cache", "--drafts", "--output", "with-drafts"]) == 1
    assert "content/nhap.md:2: date: thiếu trường bắt buộc" in capsys.readouterr().err
    assert not (scratch.root / "with-drafts").exists()

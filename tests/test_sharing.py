"""Pages people share: canonical addresses, Open Graph and Twitter tags with a description of
each page, schema.org NewsArticle and BreadcrumbList, absolute addresses in feeds, the
sitemap's lastmod. Checked on the built sample archive, every page type."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))["base_url"]
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class Head(HTMLParser):
    """The <meta>, <link rel=canonical> and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: list[str] = []
        self.structured: list[dict] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "meta" and ("property" in found or "name" in found):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")
        elif tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(found["href"])
        self._in_json = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json:
            self.structured.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_json = False


def head_of(page: Path) -> Head:
    parser = Head()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def one_of_each(site: Path) -> dict[str, Path]:
    article = next(site.glob("20*/*/index.html"))
    return {"home": site / "index.html", "article": article, "hub": site / "cum/index.html",
            "cluster": next(site.glob("cum/*/index.html")),
            "year": next(site.glob("nam/*/index.html")), "province": next(site.glob("tinh/*/index.html")),
            "search": site / "tim-kiem/index.html", "data": site / "du-lieu/index.html"}


@pytest.mark.parametrize("kind", ["home", "article", "hub", "cluster", "year", "province", "search", "data"])
def test_every_page_type_has_its_canonical_address_and_share_tags(sample_site, kind):
    page = one_of_each(sample_site)[kind]
    head = head_of(page)
    address = BASE + page.relative_to(sample_site).as_posix().removesuffix("index.html")
    assert head.canonical == [address] and address.endswith("/")
    assert head.meta["og:url"] == address
    assert head.meta["og:type"] == ("article" if kind == "article" else "website")
    assert head.meta["og:title"] and head.meta["og:site_name"] and head.meta["og:locale"] == "vi_VN"
    assert head.meta["og:description"] == head.meta["description"] and len(head.meta["description"]) > 40
    assert head.meta["og:image"].startswith(BASE) and head.meta["twitter:card"] == "summary_large_image"
    assert (sample_site / head.meta["og:image"][len(BASE):]).is_file()


def test_page_types_describe_themselves_differently(sample_site):
    descriptions = {kind: head_of(page).meta["description"] for kind, page in one_of_each(sample_site).items()}
    assert len(set(descriptions.values())) == len(descriptions)


def test_an_article_is_a_news_article_with_its_breadcrumbs(sample_site):
    page = one_of_each(sample_site)["article"]
    head = head_of(page)
    article = next(item for item in head.structured if item["@type"] == "NewsArticle")
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == head.meta["og:title"]
    assert article["url"] == article["mainEntityOfPage"] == head.canonical[0]
    assert article["datePublished"][:10] == head.meta["article:published_time"][:10]
    assert article["publisher"]["name"] and article["image"][0].startswith(BASE)
    trail = next(item for item in head.structured if item["@type"] == "BreadcrumbList")["itemListElement"]
    assert [step["position"] for step in trail] == [1, 2, 3, 4]
    assert trail[0] == {"@type": "ListItem", "position": 1, "name": "Trang chủ", "item": BASE}
    assert trail[1] == {"@type": "ListItem", "position": 2, "name": "Cụm thi đua", "item": BASE + "cum/"}
    assert trail[2]["item"].startswith(BASE + "cum/") and trail[-1]["item"] == head.canonical[0]


def test_listing_pages_have_breadcrumbs_to_themselves(sample_site):
    for kind in ("hub", "cluster", "year", "province", "data"):
        head = head_of(one_of_each(sample_site)[kind])
        trail = next(item for item in head.structured if item["@type"] == "BreadcrumbList")["itemListElement"]
        assert trail[0]["item"] == BASE and trail[-1]["item"] == head.canonical[0], kind


def test_feeds_give_absolute_addresses_for_what_an_entry_links_to(sample_site):
    feed = ET.parse(sample_site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(BASE)
        assert entry.find(f"{ATOM}content").get(XML_BASE) == link  # relative photos resolve against it


def test_the_sitemap_says_when_each_page_last_changed(sample_site):
    urls = ET.parse(sample_site / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    changed = {url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text for url in urls}
    article = one_of_each(sample_site)["article"]
    head = head_of(article)
    assert changed[head.canonical[0]][:10] == head.meta["article:published_time"][:10]
    assert all(changed.values()) and len(changed) == len(urls)


class Trail(HTMLParser):
    """The visible breadcrumbs: each step's text and link (None for the page itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, str | None]] = []
        self._inside = self._step = False
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "nav" and found.get("class") == "breadcrumb":
            self._inside = True
        elif self._inside and tag == "li":
            self._step, self._href = True, None
        elif self._inside and tag == "a":
            self._href = found["href"]

    def handle_data(self, data):
        if self._step and data.strip():
            self.steps.append((data.strip(), self._href))
            self._step = False

    def handle_endtag(self, tag):
        if tag == "nav":
            self._inside = False


@pytest.mark.parametrize("kind", ["article", "hub", "cluster", "year", "province", "search", "data"])
def test_every_page_but_home_shows_the_way_back_home_as_its_data_says(sample_site, kind):
    page = one_of_each(sample_site)[kind]
    trail = Trail()
    trail.feed(page.read_text(encoding="utf-8"))
    listed = next(item for item in head_of(page).structured if item["@type"] == "BreadcrumbList")["itemListElement"]
    assert [name for name, _ in trail.steps] == [step["name"] for step in listed]
    assert trail.steps[0][0] == "Trang chủ" and trail.steps[-1][1] is None  # the page itself is no link
    for (_, href), step in zip(trail.steps[:-1], listed):
        assert (page.parent / href).resolve() == (sample_site / step["item"][len(BASE):] / "index.html").resolve()


def test_hub_pages_list_every_cluster_year_and_province(sample_site):
    for hub, pages in (("cum", "cum/*/index.html"), ("nam", "nam/*/index.html"), ("tinh", "tinh/*/index.html")):
        text = (sample_site / hub / "index.html").read_text(encoding="utf-8")
        listed = sorted(sample_site.glob(pages))
        assert listed and all(f'href="../{page.relative_to(sample_site).as_posix()}"' in text for page in listed), hub
    navigation = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'href="cum/index.html">Cụm thi đua' in navigation and 'href="tinh/index.html">Tỉnh, thành phố' in navigation

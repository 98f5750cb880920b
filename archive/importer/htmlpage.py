"""Turn a saved HTML page into lines of text, with BeautifulSoup: no scripts, menus or widgets survive.

Only text nodes are kept, so no tag or script of the source can reach an
article; a photo becomes a line with its file name followed by its caption,
which archive.rawpage turns into a caption entry.
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

# Elements that never hold the article's own text.
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form",
              "button", "input", "select", "textarea", "nav", "footer", "aside", "video", "audio", "map", "link",
              "meta")
# Class or id words of navigation, banners, share and comment widgets, related lists, counters.
_JUNK_NAMES = re.compile(
    r"(?:^|[\s_-])(?:menu|nav|navbar|breadcrumbs?|banner|footer|share|sharing|social|comments?|binh-?luan|related"
    r"|tin-?khac|tin-?lien-?quan|other-?news|more-?news|cookie|consent|counter|visitors?|sidebar|widget|advert"
    r"|ads|quang-?cao|popup|modal|toolbar|print|tags|rating|subscribe|newsletter|header-top|topbar)(?:$|[\s_-])",
    re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "header", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
               "ol", "table", "tr", "td", "th", "tbody", "figure", "figcaption", "blockquote", "br", "hr", "dd", "dt",
               "dl", "pre", "center"}


def html_lines(markup: str) -> tuple[list[str], str, dict[str, str]]:
    """The page's visible lines of text, its title, and what its metadata says (<meta> tags and JSON-LD)."""
    soup = BeautifulSoup(markup, "html.parser")
    meta = page_metadata(soup)
    title = meta.get("title") or _heading(soup)
    for node in soup.find_all(string=lambda text: isinstance(text, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed or not isinstance(tag, Tag) or tag.attrs is None:
            continue
        names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
        if tag.name not in ("body", "html", "article", "main") and _JUNK_NAMES.search(names.strip()):
            tag.decompose()
    root = soup.find("article") or soup.find(itemprop="articleBody") or soup.body or soup
    lines: list[str] = []
    current: list[str] = []
    _walk(root, lines, current)
    _flush(lines, current)
    return lines, " ".join(title.split()), meta


def _heading(soup: BeautifulSoup) -> str:
    """Some portals put their logo in an <h1>: the article's heading is the first with a few words."""
    headings = [h.get_text(" ", strip=True) for h in soup.find_all(["h1", "h2"])]
    return next((h for h in headings if len(h.split()) >= 5), "")


_META = {"og:title": "title", "og:site_name": "site_name", "og:url": "url", "author": "author",
         "article:author": "author", "article:published_time": "published", "dc.date.issued": "published",
         "pubdate": "published", "dc.creator": "author"}


def page_metadata(soup: BeautifulSoup) -> dict[str, str]:
    """title, site_name, url, author and published from <meta> tags, then JSON-LD, then <title>."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or "").lower()
        content = " ".join(str(tag.get("content") or "").split())
        if key in _META and content and _META[key] not in found:
            found[_META[key]] = content
    for key, value in _json_ld(soup).items():
        found.setdefault(key, value)
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href") and "url" not in found:
        found["url"] = str(canonical["href"]).strip()
    if "title" not in found and soup.title and soup.title.string:
        parts = re.split(r"\s+[|–-]\s+", " ".join(soup.title.string.split()))
        if len(parts) > 1 and len(parts[0].split()) >= 5:
            found["title"] = parts[0]
    return found


def _json_ld(soup: BeautifulSoup) -> dict[str, str]:
    """headline, datePublished, author and publisher of the page's NewsArticle in JSON-LD, when it has one."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        for item in data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []:
            if isinstance(item, dict) and str(item.get("@type", "")).endswith("Article"):
                return _article_fields(item)
    return {}


def _name(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return " ".join(str(value or "").split())


def _article_fields(item: dict[str, object]) -> dict[str, str]:
    fields = {"title": _name(item.get("headline")), "published": _name(item.get("datePublished")),
              "author": _name(item.get("author")), "site_name": _name(item.get("publisher"))}
    return {key: value for key, value in fields.items() if value}


def _flush(lines: list[str], current: list[str]) -> None:
    text = " ".join("".join(current).split())
    if text:
        lines.append(text)
    current.clear()


def _walk(node: Tag, lines: list[str], current: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            current.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "img":
            _flush(lines, current)
            src = str(child.get("src") or child.get("data-src") or "")
            name = PurePosixPath(urlparse(src).path).name
            lines.append(name if name else '""')
            figure = child.find_parent("figure")
            alt = " ".join(str(child.get("alt") or "").split())
            if alt and not (figure and figure.find("figcaption")):
                lines.append(alt)
            continue
        block = child.name in _BLOCK_TAGS
        if block:
            _flush(lines, current)
            if child.name in ("p", "h2", "h3", "h4", "figure", "table", "blockquote"):
                lines.append("")
        _walk(child, lines, current)
        if block:
            _flush(lines, current)

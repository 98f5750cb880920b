"""Turn a saved HTML page into lines of text, with BeautifulSoup: no scripts, menus or widgets survive.

Only text nodes are kept, so no tag or script of the source can reach an
article; a photo becomes a line with its file name followed by its caption,
which archive.rawpage turns into a caption entry.
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Callable, Iterator
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString, PageElement

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
    tags, comments = _elements(soup)
    meta = page_metadata(soup, tags)
    title = meta.get("title") or _heading(soup, tags)
    for node in comments:
        node.extract()
    for tag in [tag for tag in tags if tag.name in _DROP_TAGS]:
        tag.decompose()
    for tag in tags:
        if _decomposed(tag) or not isinstance(tag, Tag) or tag.attrs is None:
            continue
        names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
        if tag.name not in ("body", "html", "article", "main") and _JUNK_NAMES.search(names.strip()):
            tag.decompose()
    left = [tag for tag in tags if not _decomposed(tag)]
    root = (_first(left, lambda tag: tag.name == "article")
            or _first(left, lambda tag: tag.get("itemprop") == "articleBody")
            or _first(left, lambda tag: tag.name == "body") or soup)
    lines: list[str] = []
    current: list[str] = []
    _walk(root, lines, current)
    _flush(lines, current)
    return lines, " ".join(title.split()), meta


# The page's elements are listed once, in document order, and each question below is a loop over
# that list: what soup.find_all(...) and soup.find(...) answer, each of which would walk the whole
# tree again through bs4's matching rules (a tenth of the time of a page of 100.000 elements each).

def _elements(soup: BeautifulSoup) -> tuple[list[Tag], list[Comment]]:
    """Every element of the page, and every comment, in document order."""
    tags: list[Tag] = []
    comments: list[Comment] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            tags.append(node)
        elif isinstance(node, Comment):
            comments.append(node)
    return tags, comments


def _first(tags: list[Tag], test: Callable[[Tag], bool]) -> Tag | None:
    return next((tag for tag in tags if test(tag)), None)


def _decomposed(tag: Tag) -> bool:
    """Tag.decomposed, without its cost: it asks getattr(tag, "_decomposed"), which a tag that was never
    decomposed answers by searching its descendants for a <_decomposed> (every tag's whole subtree:
    100.000 nested <div> never ended)."""
    return bool(vars(tag).get("_decomposed"))


def _heading(soup: BeautifulSoup, tags: list[Tag] | None = None) -> str:
    """Some portals put their logo in an <h1>: the article's heading is the first with a few words."""
    found = _elements(soup)[0] if tags is None else tags
    headings = [h.get_text(" ", strip=True) for h in found if h.name in ("h1", "h2")]
    return next((h for h in headings if len(h.split()) >= 5), "")


_META = {"og:title": "title", "og:site_name": "site_name", "og:url": "url", "author": "author",
         "article:author": "author", "article:published_time": "published", "dc.date.issued": "published",
         "pubdate": "published", "dc.creator": "author"}


def _canonical(tag: Tag) -> bool:
    """<link rel="canonical"> (rel is a list of words)."""
    rel = tag.get("rel")
    return tag.name == "link" and ("canonical" in rel if isinstance(rel, list) else rel == "canonical")


def page_metadata(soup: BeautifulSoup, tags: list[Tag] | None = None) -> dict[str, str]:
    """title, site_name, url, author and published from <meta> tags, then JSON-LD, then <title>."""
    found: dict[str, str] = {}
    tags = _elements(soup)[0] if tags is None else tags
    for tag in tags:
        if tag.name != "meta":
            continue
        key = str(tag.get("property") or tag.get("name") or "").lower()
        content = " ".join(str(tag.get("content") or "").split())
        if key in _META and content and _META[key] not in found:
            found[_META[key]] = content
    for key, value in _json_ld(tags).items():
        found.setdefault(key, value)
    canonical = _first(tags, _canonical)
    if canonical and canonical.get("href") and "url" not in found:
        found["url"] = str(canonical["href"]).strip()
    title = _first(tags, lambda tag: tag.name == "title")
    if "title" not in found and title and title.string:
        parts = re.split(r"\s+[|–-]\s+", " ".join(title.string.split()))
        if len(parts) > 1 and len(parts[0].split()) >= 5:
            found["title"] = parts[0]
    return found


def _json_ld(tags: list[Tag]) -> dict[str, str]:
    """headline, datePublished, author and publisher of the page's NewsArticle in JSON-LD, when it has one."""
    for script in (tag for tag in tags if tag.name == "script" and tag.get("type") == "application/ld+json"):
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


def _walk(root: Tag, lines: list[str], current: list[str]) -> None:
    """The text under root in document order, a line for each block and photo. A loop over a stack of
    the open elements, not a recursion: 100.000 nested <div> are as many frames. Each frame knows
    its nearest <figure> (a photo's caption there is its <figcaption>, once looked for)."""
    figure = root if root.name == "figure" else root.find_parent("figure")
    stack: list[tuple[Iterator[PageElement], bool, Tag | None]] = [(iter(root.children), False, figure)]
    captioned: dict[int, bool] = {}  # id of a <figure> -> whether it has a <figcaption>
    while stack:
        children, block, figure = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                _flush(lines, current)
            continue
        if isinstance(child, NavigableString):
            current.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name == "img":
            _flush(lines, current)
            src = str(child.get("src") or child.get("data-src") or "")
            # (a data: address is the photo itself, no file name: a page saved whole holds megabytes of them)
            name = "" if src.lstrip()[:5].lower() == "data:" else PurePosixPath(urlparse(src).path).name
            lines.append(name if name else '""')
            alt = " ".join(str(child.get("alt") or "").split())
            if figure is not None and id(figure) not in captioned:
                captioned[id(figure)] = figure.find("figcaption") is not None
            if alt and not (figure is not None and captioned[id(figure)]):
                lines.append(alt)
            continue
        opens = child.name in _BLOCK_TAGS
        if opens:
            _flush(lines, current)
            if child.name in ("p", "h2", "h3", "h4", "figure", "table", "blockquote"):
                lines.append("")
        stack.append((iter(child.children), opens, child if child.name == "figure" else figure))

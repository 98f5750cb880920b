"""Turn a saved HTML page into lines of text, with BeautifulSoup: no scripts, menus or widgets survive.

Only text nodes are kept, so no tag or script of the source can reach an
article; a photo becomes a line with its file name followed by its caption,
which archive.rawpage turns into a caption entry.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urlparse

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

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
    """The page's visible lines of text, its title, and what its <meta> tags say."""
    soup = BeautifulSoup(markup, "html.parser")
    meta = _meta(soup)
    # Some portals put their logo in an <h1>: the article's heading is the first with a few words.
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h1")]
    title = next((h for h in headings if len(h.split()) >= 4), meta.get("title", ""))
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
    root = soup.find("article") or soup.find(attrs={"itemprop": "articleBody"}) or soup.body or soup
    lines: list[str] = []
    current: list[str] = []
    _walk(root, lines, current)
    _flush(lines, current)
    return lines, " ".join(title.split()), meta


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    wanted = {"og:title": "title", "og:site_name": "site_name", "og:url": "url", "author": "author",
              "article:published_time": "published", "dc.date.issued": "published", "pubdate": "published"}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or "").lower()
        content = str(tag.get("content") or "").strip()
        if key in wanted and content and wanted[key] not in found:
            found[wanted[key]] = " ".join(content.split())
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href") and "url" not in found:
        found["url"] = str(canonical["href"]).strip()
    if "title" not in found and soup.title and soup.title.string:
        found["title"] = re.split(r"\s+[|–-]\s+", " ".join(soup.title.string.split()))[0]
    return found


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

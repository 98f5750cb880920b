"""Convert article bodies from Markdown to HTML.

Policy for raw HTML: article bodies are Markdown only. HTML tags typed into a
body are shown as text, never passed through, because bodies are often
pasted from other sites; links may only use http(s), mailto or relative
addresses. A paragraph that is a lone image, ![caption](file.jpg), becomes a
figure with its caption; ![caption]() keeps the caption of a photo whose file
the archive does not have.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import xml.etree.ElementTree as etree
from concurrent.futures import ProcessPoolExecutor

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .cache import Store, digest

_SAFE_URL = re.compile(r"^(https?:|mailto:|#|[^:]*$)", re.IGNORECASE)


class _Figures(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for paragraph in list(root.iter("p")):
            children = list(paragraph)
            if len(children) != 1 or children[0].tag != "img":
                continue
            if (paragraph.text or "").strip() or (children[0].tail or "").strip():
                continue
            image = children[0]
            paragraph.tag = "figure"
            paragraph.text = None
            caption = image.get("alt", "")
            paragraph.remove(image)
            if image.get("src"):
                image.tail = None
                paragraph.append(image)
            else:
                paragraph.set("class", "no-photo")
            if caption:
                etree.SubElement(paragraph, "figcaption").text = caption


class _SafeLinks(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not _SAFE_URL.match(value.strip()):
                    del element.attrib[attribute]


class _ArchiveMarkdown(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Figures(md), "figures", 5)
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 4)


# Part of the cache key of converted bodies: change it whenever the conversion changes.
SETTINGS = f"markdown {markdown.__version__}; tables sane_lists; figures 1; no raw HTML; safe links"
PARALLEL_FROM = 300  # bodies to convert; fewer are converted in this process


def converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", _ArchiveMarkdown()], output_format="html")


def to_html(text: str, md: markdown.Markdown | None = None) -> str:
    md = md or converter()
    return md.reset().convert(text)


def _convert_span(texts: list[str]) -> list[str]:
    md = converter()
    return [to_html(text, md) for text in texts]


def to_html_all(texts: list[str], store: Store) -> list[str]:
    """Every body as HTML: from the cache where the same text was converted before,
    the rest converted by one worker per core when there are many."""
    keys = [digest(SETTINGS, text) for text in texts]
    found = [store.get(key) for key in keys]
    missing = [n for n, html in enumerate(found) if html is None]
    workers = min(os.cpu_count() or 1, 8)
    if len(missing) < PARALLEL_FROM or workers < 2:
        converted = _convert_span([texts[n] for n in missing])
    else:
        step = max(50, len(missing) // (workers * 4))
        spans = [[texts[n] for n in missing[i: i + step]] for i in range(0, len(missing), step)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            converted = [html for part in pool.map(_convert_span, spans) for html in part]
    for n, html in zip(missing, converted):
        found[n] = html
        store.put(keys[n], html)
    return found

"""Convert article bodies from Markdown to HTML.

Policy for raw HTML: article bodies are Markdown only. HTML tags typed into a
body are shown as text, never passed through, because bodies are often
pasted from other sites; links may only use http(s), mailto or relative
addresses. A paragraph that is a lone image, ![caption](file.jpg), becomes a
figure with its caption; ![caption]() keeps the caption of a photo whose file
the archive does not have.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor


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


# Every inline pattern of Python-Markdown (code, escapes, links, images, autolinks, line
# breaks, entities, emphasis) needs one of these to match; most of a news article has none.
_INLINE_PATTERNS = {"backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
                    "short_image_ref", "autolink", "automail", "linebreak", "entity", "em_strong", "em_strong2",
                    "not_strong"}
_INLINE_TRIGGER = re.compile(r"[`\\\[\]!<>&*_]|  \n")


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline pass, which tries every pattern on every run of text, but
    handing back at once a text none of them can match (half the time of a conversion)."""

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if patternIndex == 0 and not _INLINE_TRIGGER.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


class _ArchiveMarkdown(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if {name for name in md.inlinePatterns._data} <= _INLINE_PATTERNS:  # only the patterns it knows
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        blocks = md.parser.blockprocessors
        for name, characters in _BLOCK_NEEDS.items():
            if name in blocks:
                _need(blocks[name], characters)
        md.treeprocessors.register(_Figures(md), "figures", 5)
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 4)


# Block kinds whose test searches every line of a paragraph with a regular expression that
# needs one of these characters: a paragraph without any is none of them.
_BLOCK_NEEDS = {"hashheader": "#", "hr": "-_*", "quote": ">"}


def _need(processor, characters: str) -> None:
    test = processor.test

    def quick_test(parent: etree.Element, block: str) -> bool:
        return any(character in block for character in characters) and test(parent, block)

    processor.test = quick_test


# Part of the cache key of converted bodies: change it whenever the conversion changes.
SETTINGS = f"markdown {markdown.__version__}; tables sane_lists; figures 1; no raw HTML; safe links"


def converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", _ArchiveMarkdown()], output_format="html")


def to_html(text: str, md: markdown.Markdown | None = None) -> str:
    md = md or converter()
    return md.reset().convert(text)

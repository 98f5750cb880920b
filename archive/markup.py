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


class QuickMarkdown:
    """The one place that reaches into Python-Markdown's internals, for speed (a news article
    converts in a third of the time): two tests it would make, skipped where they cannot match.

    - The inline pass tries every inline pattern (code, escapes, links, images, autolinks,
      line breaks, entities, emphasis) on every run of text; each needs one of INLINE_TRIGGER,
      and most of an article has none: such a run is handed back at once. This overrides the
      private InlineProcessor._InlineProcessor__handleInline, and only when the patterns
      registered are exactly those known here.
    - The heading, rule and quote tests search every line of a paragraph with a regular
      expression that needs one of BLOCK_NEEDS: a paragraph without any is none of them.

    tests/test_markup.py checks that both run (the counts below) and that the HTML is the stock
    library's, on the sample and on generated text: a new Markdown version that renames or
    changes what they lean on fails those tests instead of silently slowing down or differing."""

    INLINE_PATTERNS = frozenset({
        "backtick", "escape", "reference", "link", "image_link", "image_reference", "short_reference",
        "short_image_ref", "autolink", "automail", "linebreak", "entity", "em_strong", "em_strong2", "not_strong"})
    INLINE_TRIGGER = re.compile(r"[`\\\[\]!<>&*_]|  \n")
    BLOCK_NEEDS = {"hashheader": "#", "hr": "-_*", "quote": ">"}
    counts = {"inline skipped": 0, "block tests skipped": 0}  # in this process, for the tests

    @classmethod
    def install(cls, md: markdown.Markdown) -> None:
        known = sum(name in md.inlinePatterns for name in cls.INLINE_PATTERNS)
        if known == len(md.inlinePatterns) and hasattr(InlineProcessor, "_InlineProcessor__handleInline"):
            md.treeprocessors.register(_QuickInline(md), "inline", 20)
        blocks = md.parser.blockprocessors
        for name, characters in cls.BLOCK_NEEDS.items():
            if name in blocks:
                blocks[name].test = _quick_test(blocks[name].test, characters)


class _QuickInline(InlineProcessor):
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if patternIndex == 0 and not QuickMarkdown.INLINE_TRIGGER.search(data):
            QuickMarkdown.counts["inline skipped"] += 1
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


def _quick_test(test, characters: str):
    def quick_test(parent: etree.Element, block: str) -> bool:
        if not any(character in block for character in characters):
            QuickMarkdown.counts["block tests skipped"] += 1
            return False
        return test(parent, block)

    return quick_test


class _ArchiveMarkdown(Extension):
    def __init__(self, quick: bool = True) -> None:
        super().__init__()
        self.quick = quick

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if self.quick:
            QuickMarkdown.install(md)
        md.treeprocessors.register(_Figures(md), "figures", 5)
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 4)


def converter(quick: bool = True) -> markdown.Markdown:
    """The Markdown converter of article bodies; quick=False: without QuickMarkdown (for the tests)."""
    return markdown.Markdown(extensions=["tables", "sane_lists", _ArchiveMarkdown(quick)], output_format="html")


def to_html(text: str, md: markdown.Markdown | None = None) -> str:
    md = md or converter()
    return md.reset().convert(text)

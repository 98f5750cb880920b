"""Convert article bodies from Markdown to HTML.

Policy for raw HTML: article bodies are Markdown only. HTML tags typed into a
body are shown as text, never passed through, because bodies are often
pasted from other sites; links may only use http(s), mailto or relative
addresses. A paragraph that is a lone image, ![caption](file.jpg), becomes a
figure with its caption; ![caption]() keeps the caption of a photo whose file
the archive does not have, in one list at the end of the body.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Callable

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from ..common.messages import say
from ..common.vietnamese import format_number

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What a browser ignores in an address: every control character and space (tabs and line breaks
# inside it, the rest around it). A scheme is what comes before the first ':' that no '/', '?'
# or '#' precedes; an address without one is relative.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([^/?#]*):")


def safe_url(value: str) -> bool:
    """Whether an href or src is http(s), mailto or relative, judged as a browser reads it: after
    its character references are decoded (javascript&#58; and &colon; are javascript:)."""
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", html.unescape(value)))
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


# What a body may hold once converted: the elements and attributes Python-Markdown makes of
# Markdown (tables and sane lists included) and the figures made of lone images.
ALLOWED_TAGS = frozenset({
    "p", "a", "img", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "blockquote", "pre", "code", "em", "strong", "br", "hr", "table", "thead", "tbody", "tr", "th", "td"})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "figure": {"class"},
                      "ol": {"start"}, "th": {"style", "align"}, "td": {"style", "align"}}


def sanitise(body_html: str) -> str:
    """The last step of every body: nh3 (ammonia) keeps only the allowed elements, attributes and
    address schemes, whatever the converter let through."""
    return nh3.clean(body_html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(SAFE_SCHEMES), link_rel=None, strip_comments=True)


# Budgets a body must keep before it is converted (measured in docs/content.md, "The body"): Python-Markdown
# tries its link patterns from every '[' of a paragraph on, in time that grows with the cube of
# their number (1.000 unclosed '[' take 0,7 s, 2.000 take 3,7 s), and nests a list or quote per
# marker at the start of a line by recursion (500 '1. ' on one line exceed Python's stack).
MAX_BRACKETS = 200  # '[' in one paragraph (between blank lines): 0,012 s at most
MAX_BODY_BRACKETS = 2000  # '[' in a whole body: ten such paragraphs, 0,12 s
MAX_NESTING = 50  # list and quote markers at the start of one line, and its indentation in fours
_MARKERS = re.compile(r"(?:\d{1,9}[.)][ \t]+|[-*+][ \t]+|>[ \t]*)*")


def over_budget(body: str) -> list[tuple[int, str, str]]:
    """(line of the body, counted from 0, what is wrong, what to do) for each paragraph or line that would make
    the converter slow or deep; checked before converting, so no body takes more than a moment."""
    found = []
    if body.count("[") > MAX_BODY_BRACKETS:
        found.append((0, say("body.brackets", limit=format_number(MAX_BODY_BRACKETS),
                             count=format_number(body.count("["))), say("body.brackets.fix")))
    brackets = 0
    for number, line in enumerate(body.splitlines()):
        if not line.strip():
            brackets = 0  # a new paragraph
            continue
        if brackets <= MAX_BRACKETS < brackets + line.count("["):
            found.append((number, say("body.paragraph_brackets", limit=MAX_BRACKETS),
                          say("body.paragraph_brackets.fix")))
        brackets += line.count("[")
        indent = len(line) - len(line.lstrip(" \t"))
        markers = _MARKERS.match(line.lstrip(" \t"))
        depth = indent // 4 + len(re.findall(r"\d{1,9}[.)]|[-*+>]", markers.group() if markers else ""))
        if depth > MAX_NESTING:
            found.append((number, say("body.nesting", limit=MAX_NESTING, depth=depth), ""))
    return found


class _Figures(Treeprocessor):  # type: ignore[misc]  # Python-Markdown is untyped: its classes are Any
    """A paragraph that is a lone image becomes a figure with its caption. Photos the archive lacks
    (![caption]()) are not left as empty boxes through the text: their captions go, together, into
    one list at the end of the body."""

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        missing = []
        for paragraph in list(root.iter("p")):
            children = list(paragraph)
            if len(children) != 1 or children[0].tag != "img":
                continue
            if (paragraph.text or "").strip() or (children[0].tail or "").strip():
                continue
            image = children[0]
            caption = image.get("alt", "")
            if not image.get("src"):
                parents[paragraph].remove(paragraph)
                if caption:
                    missing.append(caption)
                continue
            paragraph.tag = "figure"
            paragraph.text = None
            image.tail = None
            if caption:
                etree.SubElement(paragraph, "figcaption").text = caption
        if missing:
            listed = etree.SubElement(root, "figure")
            listed.set("class", "missing-photos")
            etree.SubElement(listed, "figcaption").text = say("body.missing_photos")
            items = etree.SubElement(listed, "ul")
            for caption in missing:
                etree.SubElement(items, "li").text = caption


class _SafeLinks(Treeprocessor):  # type: ignore[misc]  # Python-Markdown is untyped: its classes are Any
    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not safe_url(value):
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


class _QuickInline(InlineProcessor):  # type: ignore[misc]  # Python-Markdown is untyped: its classes are Any
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if patternIndex == 0 and not QuickMarkdown.INLINE_TRIGGER.search(data):
            QuickMarkdown.counts["inline skipped"] += 1
            return data
        handled: str = super()._InlineProcessor__handleInline(data, patternIndex)
        return handled


_BlockTest = Callable[[etree.Element, str], bool]  # a block processor's test(parent, block)


def _quick_test(test: _BlockTest, characters: str) -> _BlockTest:
    def quick_test(parent: etree.Element, block: str) -> bool:
        if not any(character in block for character in characters):
            QuickMarkdown.counts["block tests skipped"] += 1
            return False
        return test(parent, block)

    return quick_test


class _ArchiveMarkdown(Extension):  # type: ignore[misc]  # Python-Markdown is untyped: its classes are Any
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
    return sanitise(md.reset().convert(text))

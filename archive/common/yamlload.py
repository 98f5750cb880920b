"""Safe YAML loading that remembers the line of every key and list item."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from .messages import say

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_INT = "tag:yaml.org,2002:int"


class _Loader(yaml.CSafeLoader):
    """The C safe loader, but dates stay strings: the validator parses them
    itself so an impossible date is a clear message, not a crash. Whole numbers
    are YAML 1.2's: 0123 is 123 (YAML 1.1 would read 83, an octal), 0o17 and
    0x1F as written; 4_425 and 1:20 are text (1.1: 4425 and 80), which the
    validator refuses where a number is expected."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _INT)]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_Loader.add_implicit_resolver(_INT, _INT_12, list("-+0123456789"))


def _int_12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


_Loader.add_constructor(_INT, _int_12)

KeyPath = tuple[Any, ...]  # a key path inside the document, e.g. ("results", "figures", "cooperatives")
# A mapping as the file holds it: its keys and values are whatever the file says, until a check narrows them.
YamlMapping = dict[Any, Any]


@dataclass(frozen=True)
class Document:
    """A loaded YAML document and the 1-based line of each path in it."""

    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *path: Any) -> int:
        """The line of the longest known prefix of path (the document start at worst)."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.first_line


class YamlError(Exception):
    """YAML that could not be loaded, with the 1-based line of the trouble."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def _record_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            if child in lines:  # YAML would silently keep the last one
                raise YamlError(key.start_mark.line + 1 + offset,
                                say("yaml.duplicate_key", name=key.value, first=lines[child]))
            lines[child] = key.start_mark.line + 1 + offset
            _record_lines(value, child, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = path + (index,)
            lines[child] = item.start_mark.line + 1 + offset
            _record_lines(item, child, lines, offset)


def load(text: str, first_line: int = 1) -> Document:
    """Load one YAML document; first_line is where text starts in its file."""
    offset = first_line - 1
    text = unicodedata.normalize("NFC", text)  # "Bắc Ninh" typed in NFD is "Bắc Ninh"
    _check_nesting(text, offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_shape(node, offset)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        # Where the broken construct starts says more than where the parser gave up.
        mark = error.context_mark or error.problem_mark
        line = (mark.line + 1 + offset) if mark else first_line
        if error.problem_mark and "\t" in _line_at(text, error.problem_mark.line):
            raise YamlError(error.problem_mark.line + 1 + offset,
                            say("yaml.tab")) from None
        raise YamlError(line, _explain(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, say("yaml.invalid", detail=error)) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _record_lines(node, (), lines, offset)
    return Document(data, lines, first_line)


_MAX_DEPTH = 50
# PyYAML's C composer builds the tree by recursion in C: some 30,000 levels overflow the stack (SIGSEGV,
# no message), long before _check_shape could look at the tree. _check_nesting bounds the depth from
# the text first; a text whose bound passes this is scanned token by token (libyaml's scanner keeps
# its own stacks, it does not recurse).
_SAFE_DEPTH = 1000
# Where a line's block collections can open: its indentation, then "- ", "? " or ": " indicators.
# Each nested block collection opens at a column greater than its parent's (a sequence may share its
# mapping key's column), so the block depth is at most twice the last such column, plus one.
_BLOCK_OPENINGS = re.compile(r"(?:^|(?<=[\r\n\x85\u2028\u2029]))\ufeff?[ ]*(?:[-?:][ \t]+)*")
_OPENS = (yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken, yaml.FlowSequenceStartToken,
          yaml.FlowMappingStartToken)
_CLOSES = (yaml.BlockEndToken, yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)


def _check_nesting(text: str, offset: int) -> None:
    """Refuse, before PyYAML builds anything, a text nested deeper than _MAX_DEPTH levels ("[" * 50000,
    "{a: " * 50000, "- " * 50000). Most texts are let through by a bound counted at C speed: every
    "[" and "{" (a flow level each at most) and twice the widest block opening. The others are read
    token by token, their depth counted exactly, and refused at the first token past the limit (its
    line); a text libyaml cannot scan is left to the load, which says why."""
    flow = text.count("[") + text.count("{")
    block = 2 * (max(map(len, _BLOCK_OPENINGS.findall(text)), default=0) + 1)
    if flow + block <= _SAFE_DEPTH:
        return
    depth = 0
    scanner = _Loader(text)
    try:
        while (token := scanner.get_token()) is not None:
            if isinstance(token, _OPENS):
                depth += 1
                # One token level is one node of the tree, but for the root: depth _MAX_DEPTH + 2 is
                # a node deeper than _MAX_DEPTH, which _check_shape would refuse too.
                if depth > _MAX_DEPTH + 1:
                    raise YamlError(token.start_mark.line + 1 + offset, say("yaml.too_deep", depth=_MAX_DEPTH))
            elif isinstance(token, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        return  # (the load reports it, having built no more than the depth seen so far)
    finally:
        scanner.dispose()


def _check_shape(root: yaml.Node, offset: int) -> None:
    """Refuse aliases (*name) and deep nesting: a few lines of either can make
    a document of billions of values that would hang the build."""
    seen: set[int] = set()
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1 + offset
        if id(node) in seen:
            raise YamlError(line, say("yaml.alias"))
        seen.add(id(node))
        if depth > _MAX_DEPTH:
            raise YamlError(line, say("yaml.too_deep", depth=_MAX_DEPTH))
        if isinstance(node, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)


def _line_at(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


# PyYAML's problems (English) for the usual slips, and what the editor reads instead.
_PARSER_PROBLEMS = (
    ("did not find expected ',' or ']'", "yaml.parser.flow_sequence"),
    ("did not find expected ',' or '}'", "yaml.parser.flow_mapping"),
    ("mapping values are not allowed", "yaml.parser.mapping_values"),
    ("expected <block end>", "yaml.parser.block_end"),
    ("did not find expected key", "yaml.parser.block_end"),
    ("could not find expected ':'", "yaml.parser.simple_key"),
    ("found unexpected end of stream", "yaml.parser.quoted"),
    ("found unhashable key", "yaml.parser.unhashable_key"),
)


def _explain(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or ""
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip()
        return say("yaml.tag", tag=tag)
    key = next((key for words, key in _PARSER_PROBLEMS if words in problem), "")
    if key:
        return say("yaml.invalid", detail=say(key))
    context = f"{error.context} " if error.context else ""
    return say("yaml.invalid", detail=f"{context}{problem}".strip())

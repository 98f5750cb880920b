"""The catalogue of editor-facing messages (archive/common/messages.py): every key is used, every key used
exists and is given exactly the values its text needs, and no message is written outside it."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from archive.common.messages import MESSAGES, say

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "archive").rglob("*.py")) + [ROOT / "build.py"]
TREES = {str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
         for path in SOURCES if path.name != "messages.py"}


def _calls(name: str):
    for file, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name:
                yield file, node


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_key_of_the_catalogue_is_used():
    literals = {node.value for tree in TREES.values() for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    # A key made in the call, say(f"form.{key}") or say(f"form.{key}_hint"): its part after the
    # prefix must be a literal of the code (the web form's fields, archive/make/form.py).
    prefixes = {call.args[0].values[0].value for _, call in _calls("say")
                if call.args and isinstance(call.args[0], ast.JoinedStr)
                and isinstance(call.args[0].values[0], ast.Constant)}
    unused = [key for key in set(MESSAGES) - literals
              if not any(key.startswith(prefix) and key[len(prefix):].removesuffix("_hint") in literals
                         for prefix in prefixes)]
    assert sorted(unused) == []


def test_every_key_said_exists_and_gets_exactly_the_values_its_text_needs():
    checked = 0
    for file, call in _calls("say"):
        key = call.args[0]
        if isinstance(key, ast.JoinedStr):  # say(f"form.{key}"): every key of that prefix takes no values
            prefix = key.values[0]
            assert isinstance(prefix, ast.Constant) and prefix.value.endswith("."), f"{file}:{call.lineno}"
            built = [name for name in MESSAGES if name.startswith(prefix.value)]
            assert built and not call.keywords, f"{file}:{call.lineno}"
            continue
        keys = [node.value for node in ast.walk(key) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
        given = {keyword.arg for keyword in call.keywords}
        for literal in keys:
            assert literal in MESSAGES, f"{file}:{call.lineno}: say({literal!r}) is not in the catalogue"
            if None not in given:  # (say(key, **values): the values are checked where they are made)
                assert given == _placeholders(MESSAGES[literal]), f"{file}:{call.lineno}: {literal}"
            checked += 1
    assert checked > 200


# Where a message to the editor is made (the argument that holds it): none may be written in place, as
# words in a literal or an f-string (an f-string of quotes around a value, '"{phrase}"', holds no words).
MESSAGE_ARGUMENTS = {"Problem": 3, "Refused": 0, "PageError": 0, "YamlError": 1, "ArgumentTypeError": 0,
                     "Found": 1, "review": 1, "print": 0}


def _has_words(node: ast.AST | None) -> bool:
    parts = node.values if isinstance(node, ast.JoinedStr) else [node]
    return any(isinstance(part, ast.Constant) and isinstance(part.value, str)
               and any(char.isalpha() for char in part.value) for part in parts)


def test_no_message_is_written_outside_the_catalogue():
    found = []
    for name, position in MESSAGE_ARGUMENTS.items():
        for file, call in _calls(name):
            arguments = [call.args[position]] if len(call.args) > position else []
            arguments += [keyword.value for keyword in call.keywords if keyword.arg in ("message", "suggestion")]
            if any(_has_words(argument) for argument in arguments):
                found.append(f"{file}:{call.lineno}: {name}")
    assert found == []


ENGLISH = ("expected", " got ", "did you mean", "not found", "the file", "nothing was", "unknown", "invalid YAML")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_reads_in_vietnamese(key):
    text = say(key, **{field: "x" for field in _placeholders(MESSAGES[key])})
    assert not any(word in text for word in ENGLISH), text

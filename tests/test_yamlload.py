"""Front matter loading: PyYAML's values, the line of every key and list item, and a
clear one-line error (with its line) for anything refused."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.common import yamlload


def outcome(text: str) -> tuple | str:
    """The data and lines loaded from text as it would sit in an article (from its line 2), or the error."""
    try:
        document = yamlload.load(text, first_line=2)
    except yamlload.YamlError as error:
        return f"{error.line}: {error}"
    return document.data, document.lines


NESTED_49 = "[" * 49 + "]" * 49

CASES = [
    ("title: Hội nghị\ndate: 2024-12-06\ncluster: bac-trung-bo\nkind: tong-ket\n",
     ({"title": "Hội nghị", "date": "2024-12-06", "cluster": "bac-trung-bo", "kind": "tong-ket"},
      {("title",): 2, ("date",): 3, ("cluster",): 4, ("kind",): 5})),
    ("provinces:\n- Thanh Hóa\n- Nghệ An\nresults:\n  figures:\n    cooperatives: 4425\n    credit_funds: 200\n",
     ({"provinces": ["Thanh Hóa", "Nghệ An"], "results": {"figures": {"cooperatives": 4425, "credit_funds": 200}}},
      {("provinces",): 2, ("provinces", 0): 3, ("provinces", 1): 4, ("results",): 5, ("results", "figures"): 6,
       ("results", "figures", "cooperatives"): 7, ("results", "figures", "credit_funds"): 8})),
    # whole numbers are YAML 1.2's: a leading zero is decimal, 0o is octal, no sexagesimal, no underscores
    ("draft: yes\nperiod: 2023\nsummary: ~\nratio: 1.5e3\nhex: 0x1F\nsexagesimal: 1:20\nquoted: '2024'\n"
     "zero: 0123\noctal: 0o17\nunderscore: 4_425\n",
     ({"draft": True, "period": 2023, "summary": None, "ratio": "1.5e3", "hex": 31, "sexagesimal": "1:20",
       "quoted": "2024", "zero": 123, "octal": 15, "underscore": "4_425"},
      {("draft",): 2, ("period",): 3, ("summary",): 4, ("ratio",): 5, ("hex",): 6, ("sexagesimal",): 7,
       ("quoted",): 8, ("zero",): 9, ("octal",): 10, ("underscore",): 11})),
    # two keys that are one number: PyYAML keeps the last
    ("1: one\n01: again\n", ({1: "again"}, {("1",): 2, ("01",): 3})),
    ("a: 1\na: 2\n", "3: YAML không hợp lệ: khóa 'a' xuất hiện hai lần (lần đầu ở dòng 2); giữ một"),
    ("a: 1\nb:\n  c: 2\n  c: 3\n", "5: YAML không hợp lệ: khóa 'c' xuất hiện hai lần (lần đầu ở dòng 4); giữ một"),
    ("base: &b {x: 1}\nother: *b\n", "2: YAML không hợp lệ: bí danh (*tên) lặp lại một giá trị; hãy viết hẳn giá trị ra"),
    # an explicit tag is PyYAML's to construct
    ("when: !!timestamp 2024-01-01\n", ({"when": dt.date(2024, 1, 1)}, {("when",): 2})),
    ("pairs: !!omap [{a: 1}, {b: 2}]\n",
     ({"pairs": [("a", 1), ("b", 2)]},
      {("pairs",): 2, ("pairs", 0): 2, ("pairs", 0, "a"): 2, ("pairs", 1): 2, ("pairs", 1, "b"): 2})),
    ("? [complex, key]\n: value\n", "2: YAML không hợp lệ: tên trường phải là chữ hoặc số, không phải danh sách hay bảng"),
    ("<<: {a: 1}\nb: 2\n", ({"a": 1, "b": 2}, {("a",): 2, ("b",): 3})),  # a merge key
    ("bad: !!python/object:os.system {}\n",
     "2: YAML không hợp lệ: không được dùng thẻ 'tag:yaml.org,2002:python/object:os.system'; viết giá trị thường"),
    ("x: " + "[" * 60 + "]" * 60 + "\n", "2: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    # Deeper than PyYAML's C composer can recurse (SIGSEGV from some 30,000 levels): refused from the
    # text, before any tree is built, at the line where the nesting passes 50.
    ("x: " + "[" * 50000 + "]" * 50000 + "\n", "2: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("title: x\nx: " + "{a: " * 50000 + "}" * 50000 + "\n", "3: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("- " * 50000 + "x\n", "2: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("- " * 50000 + "[" * 50000 + "\n", "2: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("x:\n" + "".join(" " * depth + f"k{depth}:\n" for depth in range(1, 1500)),
     "53: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("\ufeff" + "? " * 30000 + "x\n", "2: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("a:\n\tb: 1\n", "3: YAML không hợp lệ: có ký tự tab; thụt lề bằng dấu cách, không dùng tab"),
    ("a: [1, 2\nb: 3\n", "2: YAML không hợp lệ: danh sách trong [ ] thiếu dấu ',' hoặc dấu ']' đóng"),
    ('title: "x\n', "2: YAML không hợp lệ: chuỗi trong ngoặc kép chưa được đóng"),
    ("a: {b: 1\nc: 2\n", "2: YAML không hợp lệ: bảng trong { } thiếu dấu ',' hoặc dấu '}' đóng"),
    ("a: b: c\n", "2: YAML không hợp lệ: dấu ':' không được đứng ở đây; giá trị có dấu ':' thì đặt trong ngoặc kép"),
    ("a:\n  b: 1\n c: 2\n", "2: YAML không hợp lệ: thụt lề không khớp với các dòng trên"),
    ("just text\n", ("just text", {})),
    ("- a\n- b\n", (["a", "b"], {(0,): 2, (1,): 3})),
    ("", (None, {})),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[repr(text[:40]) for text, _ in CASES])
def test_values_lines_and_errors(text, expected):
    assert outcome(text) == expected


def test_nesting_up_to_the_limit_loads():
    data, lines = outcome("x: " + NESTED_49 + "\n")
    assert data == {"x": yaml.safe_load(NESTED_49)} and len(lines) == 49  # x and 48 lists inside lists


def test_many_brackets_that_nest_little_load():
    """Thousands of "[" that are siblings, quoted, or in a comment pass the quick bound but not the
    scan: the text is read token by token, its depth is 2, and it loads."""
    text = "x: [" + ", ".join(f"[{n}]" for n in range(3000)) + "]\ny: '" + "[" * 3000 + "' # " + "{" * 3000 + "\n"
    data, lines = outcome(text)
    assert data == {"x": [[n] for n in range(3000)], "y": "[" * 3000} and lines[("x", 2999, 0)] == 2


def test_line_falls_back_to_the_longest_known_prefix():
    document = yamlload.load("title: x\nresults:\n  figures:\n    cooperatives: 4425\n", first_line=2)
    assert document.line("results", "figures", "cooperatives") == 5
    assert document.line("results", "figures", "members") == 4
    assert document.line("missing") == 2


# Text YAML can hold (no lone surrogates); PyYAML writes a NEL (\x85) in a way it reads back as a space,
# so a key "a\x85b" would come back as the key "a b"
letters = st.characters(blacklist_categories=("Cs",))
key_letters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85")
scalars = st.one_of(st.text(letters, max_size=12), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
                    st.sampled_from(["yes", "No", "~", "0x10", "1_000", "2024-01-01", "1:20"]))
keys = st.one_of(st.text(key_letters, max_size=8), st.integers())
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    # 1 and "1" are two keys of one text: a key given twice, refused (above)
    st.dictionaries(keys, inner, max_size=4).filter(lambda d: len({str(k) for k in d}) == len(d))),
    max_leaves=20)


def _paths(data, path: tuple = ()) -> set[tuple]:
    """Every key and list item of data, as paths (a key as its text in the document)."""
    if isinstance(data, dict):
        children = [(str(key), value) for key, value in data.items()]
    elif isinstance(data, list):
        children = list(enumerate(data))
    else:
        return set()
    return {p for step, value in children for p in {path + (step,)} | _paths(value, path + (step,))}


@pytest.mark.slow  # 200 Hypothesis examples
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=documents, flow=st.booleans())
def test_any_document_pyyaml_writes_loads_as_pyyaml_reads_it_with_a_line_for_every_key_and_item(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    document = yamlload.load(text, first_line=2)
    # (the archive reads text as NFC, as an editor means it: the compatibility 豈 U+F900 is 豈 U+8C48)
    assert document.data == yaml.load(unicodedata.normalize("NFC", text), Loader=yaml.CSafeLoader)
    assert set(document.lines) == _paths(document.data)
    assert all(2 <= line <= len(text.splitlines()) + 1 for line in document.lines.values())

"""Front matter loading: the quick one-walk construction gives exactly what PyYAML's
constructor and the line and shape checks give, and leaves everything unusual to them."""
from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import yamlload


def slow(text: str, monkeypatch) -> yamlload.Document | str:
    with monkeypatch.context() as patch:
        patch.setattr(yamlload, "_quick", lambda *args: None)
        return outcome(text)


def outcome(text: str) -> yamlload.Document | str:
    try:
        return yamlload.load(text, first_line=2)
    except yamlload.YamlError as error:
        return f"{error.line}: {error}"


CASES = [
    "title: Hội nghị\ndate: 2024-12-06\ncluster: bac-trung-bo\nkind: tong-ket\n",
    "provinces:\n- Thanh Hóa\n- Nghệ An\nresults:\n  figures:\n    cooperatives: 4425\n    credit_funds: 200\n",
    "draft: yes\nperiod: 2023\nsummary: ~\nratio: 1.5e3\nhex: 0x1F\nsexagesimal: 1:20\nquoted: '2024'\n",
    "1: one\n01: again\n",  # two keys that are one number: PyYAML keeps the last
    "a: 1\na: 2\n",  # a key given twice: an error with both lines
    "base: &b {x: 1}\nother: *b\n",  # an alias: refused
    "when: !!timestamp 2024-01-01\n",  # an explicit tag: left to PyYAML
    "pairs: !!omap [{a: 1}, {b: 2}]\n",
    "? [complex, key]\n: value\n",
    "<<: {a: 1}\nb: 2\n",  # a merge key
    "bad: !!python/object:os.system {}\n",
    "x: " + "[" * 60 + "]" * 60 + "\n",  # too deep
    "x: " + "[" * 49 + "]" * 49 + "\n",  # not too deep
    "just text\n",
    "- a\n- b\n",
    "",
]


@pytest.mark.parametrize("text", CASES)
def test_the_quick_walk_agrees_with_pyyaml(text, monkeypatch):
    assert outcome(text) == slow(text, monkeypatch)


def test_the_quick_walk_is_taken_for_usual_front_matter():
    loader = yamlload._Loader(CASES[1])
    assert yamlload._quick(loader, loader.get_single_node(), 1) is not None
    loader.dispose()


scalars = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(),
                    st.floats(allow_nan=False), st.sampled_from(["yes", "No", "~", "0x10", "1_000", "2024-01-01", "1:20"]))
documents = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=documents, flow=st.booleans())
def test_any_document_loads_the_same_either_way(data, flow, monkeypatch):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    assert outcome(text) == slow(text, monkeypatch)

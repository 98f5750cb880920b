"""The Vietnamese search pipeline, the index shards, and parity with the browser's pipeline."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.tokenizer import Tokenizer

from archive import search
from archive.pipeline import Options, load_site

ROOT = Path(__file__).resolve().parent.parent


def python_terms(text: str) -> list[str]:
    pipeline = Pipeline()
    pipeline.add(*search.INDEX_PIPELINE)
    return [str(token) for token in pipeline.run(Tokenizer(search.prepare(text)))]


@pytest.mark.parametrize("word, kept", [
    ("xã", "xã"), ("được", "được"), ("này", "này"), ("“Tiếp", "Tiếp"), ("2.177", "2.177"),
    ("(HTX)", "HTX"), ("tục…", "tục"), ("Huế.", "Huế"), ("./.", ""), ("**đậm**", "đậm"),
])
def test_trimmer_keeps_every_letter_and_digit(word, kept):
    assert search.trim(word) == kept


@pytest.mark.parametrize("text, folded", [
    ("Đà Nẵng", "Da Nang"), ("hợp tác xã", "hop tac xa"), ("Nghệ An", "Nghe An"), ("Thừa Thiên Huế", "Thua Thien Hue"),
])
def test_fold_drops_marks_and_turns_d_stroke_into_d(text, folded):
    assert search.fold(text) == folded


def test_index_terms_keep_the_exact_word_add_the_folded_one_and_the_pair():
    assert python_terms("Hợp tác xã Nghệ An") == [
        "hợp", "hop", "hop_tac", "tác", "tac", "tac_xa", "xã", "xa", "xa_nghe", "nghệ", "nghe", "nghe_an", "an"]


def test_no_stop_word_or_stemmer_drops_part_of_a_name():
    assert "an" in python_terms("Nghệ An")
    assert "được" in python_terms("được")


def test_shards_are_newest_first_and_split_at_the_shard_size(scratch, monkeypatch):
    monkeypatch.setattr(search, "SHARD_SIZE", 2)
    monkeypatch.chdir(scratch.root)
    for day in ("2023-03-01", "2023-04-01", "2022-05-01"):
        scratch.write(f"content/{day[:4]}/{day}-hn-{day}.md",
                      f"---\ntitle: Hội nghị {day}\ndate: {day}\ncluster: hai-phong\nkind: khac\n---\nNội dung.\n")
    site, _ = load_site(Options())
    assert [(s.name, len(s.conferences)) for s in search.plan_shards(site)] == [
        ("2023-1.js", 2), ("2023-2.js", 1), ("2022-1.js", 1)]


def test_a_shard_is_a_script_whose_index_finds_words_with_or_without_diacritics(scratch, monkeypatch):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-05-01-x.md", "---\ntitle: \"</script><b>Đà Nẵng</b>\"\ndate: 2023-05-01\n"
                  "cluster: hai-phong\nkind: khac\n---\nHội nghị ở Đà Nẵng.\n")
    site, _ = load_site(Options())
    files, manifest = search.search_files(site)
    assert manifest == [{"file": "search/2023-1.js", "year": 2023, "count": 2}]
    script = files["search/2023-1.js"].decode("utf-8")
    assert script.startswith("ArchiveSearch.addShard(") and script.endswith(");\n")
    assert "</script>" not in script
    payload = json.loads(script[len("ArchiveSearch.addShard("):-3])
    titles = [doc["t"] for doc in payload["docs"]]
    index = Index.load(payload["index"])
    found = {titles[int(hit["ref"])] for hit in index.query(index.create_query().term("nang", use_pipeline=False))}
    assert found == {"</script><b>Đà Nẵng</b>"}
    exact = index.query(index.create_query().term("nẵng", use_pipeline=False))
    assert len(exact) == 1


def _sample_texts() -> list[str]:
    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=ROOT / "content"))
    texts = []
    for conference in site.conferences:
        texts.extend(search._fields(conference).values())
    return texts


def test_browser_and_build_pipelines_make_identical_terms_of_the_whole_sample():
    texts = _sample_texts()
    texts.append("Ngày 1/12 – “Liên minh HTX” (0) Bình luận… Đắk Lắk, Bà Rịa - Vũng Tàu; 2.425.931 thành viên")
    result = subprocess.run(["node", str(ROOT / "tests" / "pipeline_terms.js")], input=json.dumps(texts),
                            capture_output=True, text=True, check=True)
    browser = json.loads(result.stdout)
    built = [python_terms(text) for text in texts]
    assert sum(len(terms) for terms in built) > 3000
    for text, ours, theirs in zip(texts, built, browser):
        assert ours == theirs, text[:80]

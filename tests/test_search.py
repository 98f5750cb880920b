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
    return [str(token) for token in pipeline.run(Tokenizer(search.words(search.prepare(text))))]


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


@pytest.mark.parametrize("word, placed", [
    ("hoá", "hóa"), ("Hoà", "Hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hóa", "hóa"), ("quý", "quý"),
    ("thuyền", "thuyền"), ("xoáy", "xoáy"), ("ngoài", "ngoài"), ("thuế", "thuế"), ("hoặc", "hoặc"),
])
def test_both_tone_placements_index_as_one_word(word, placed):
    assert search.place_tone(word) == placed


def test_a_number_folds_without_its_thousands_dots():
    assert python_terms("1.780.121 người") == ["1.780.121", "1780121", "1780121_nguoi", "người", "nguoi"]
    assert search.fold("2.5") == "2.5" and search.fold("12.3456") == "12.3456"


def test_no_pair_across_punctuation():
    assert python_terms("Khánh Hoà, Bình Định") == [
        "khánh", "khanh", "khanh_hoa", "hòa", "hoa", "bình", "binh", "binh_dinh", "định", "dinh"]


def test_index_terms_keep_the_exact_word_add_the_folded_one_and_the_pair():
    assert python_terms("Hợp tác xã Nghệ An") == [
        "hợp", "hop", "hop_tac", "tác", "tac", "tac_xa", "xã", "xa", "xa_nghe", "nghệ", "nghe", "nghe_an", "an"]


def test_the_fast_path_makes_the_same_terms_as_lunr_pipeline():
    for text in _sample_texts():
        assert search.pipeline_terms(search.words(text)) == python_terms(text)


def test_the_partitions_together_equal_what_lunr_py_builder_makes_of_the_sample():
    from lunr.builder import Builder

    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=ROOT / "content"))
    documents = [{"id": str(n), **search._fields(c)} for n, c in enumerate(site.conferences)]
    builder = Builder()
    builder.pipeline.add(*search.INDEX_PIPELINE)
    builder.ref("id")
    for name, boost in search.FIELDS:
        builder.field(name, boost=boost)
    for document in documents:
        builder.add({key: value if key == "id" else search.words(value) for key, value in document.items()})
    reference = builder.build().serialize()
    term_of = {posting["_index"]: term for term, posting in reference["invertedIndex"]}
    expected_vectors = {ref: {term_of[e[i]]: e[i + 1] for i in range(0, len(e), 2)} for ref, e in reference["fieldVectors"]}
    expected_postings = {term: posting for term, posting in reference["invertedIndex"]}

    keys, files = search._group_files((0, documents))
    postings, vectors = {}, {ref: {} for ref in expected_vectors}
    for number, key in enumerate(keys):
        _, index = _payload(files[f"search/t0-{number}.js"])
        assert index["version"] == "2.3.9" and index["pipeline"] == []
        assert [n for _, posting in index["invertedIndex"] for n in [posting["_index"]]] == list(
            range(len(index["invertedIndex"])))
        assert [term for term, _ in index["invertedIndex"]] == sorted(term for term, _ in index["invertedIndex"])
        names = {}
        for term, posting in index["invertedIndex"]:
            names[posting.pop("_index")] = term
            postings[term] = posting
        for ref, entries in index["fieldVectors"]:
            assert entries[::2] == sorted(entries[::2])
            vectors[ref].update({names[entries[i]]: entries[i + 1] for i in range(0, len(entries), 2)})
    assert len(postings) > 1000 and len(keys) > 20
    assert postings == {term: {f: p[f] for f, _ in search.FIELDS} for term, p in expected_postings.items()}
    assert vectors == expected_vectors  # the BM25 weights, to the last digit


def test_no_stop_word_or_stemmer_drops_part_of_a_name():
    assert "an" in python_terms("Nghệ An")
    assert "được" in python_terms("được")


def _search_files(scratch, monkeypatch, extra: dict[str, str]):
    monkeypatch.chdir(scratch.root)
    for path, text in extra.items():
        scratch.write(path, text)
    site, _ = load_site(Options())
    return site, *search.search_files(site)


def _payload(script: bytes):
    text = script.decode("utf-8")
    assert text.startswith("ArchiveSearch.add(") and text.endswith(");\n")
    name, _, data = text[len("ArchiveSearch.add("):-3].partition(",")
    return json.loads(name), json.loads(data)


def test_terms_are_partitioned_by_the_start_of_their_folded_form(scratch, monkeypatch):
    monkeypatch.setattr(search, "PARTITION_BYTES", 200)
    site, files, manifest = _search_files(scratch, monkeypatch, {
        "content/2023/2023-05-01-x.md": "---\ntitle: Hợp tác xã họp ở Hòa Bình\ndate: 2023-05-01\n"
                                        "cluster: hai-phong\nkind: khac\n---\nHội nghị hợp tác.\n"})
    located = {}
    (keys,) = manifest["groups"]  # one group of articles
    for number, key in enumerate(keys):
        name = f"search/t0-{number}.js"
        file_name, data = _payload(files[name])
        assert file_name == name
        for term, _ in data["invertedIndex"]:
            assert search.fold(term).startswith(key), (term, key)
            located[term] = key
    assert located["hợp"] == located["hop"] == located["họp"]
    assert located["hop_tac"].startswith(located["hop"])
    assert located["hòa"] == located["hoa"]
    assert any(len(key) > 2 for key in keys)  # a partition too large was split


def test_a_partition_is_a_lunr_index_that_finds_words_with_or_without_diacritics(scratch, monkeypatch):
    site, files, manifest = _search_files(scratch, monkeypatch, {
        "content/2023/2023-05-01-x.md": "---\ntitle: \"</script><b>Đà Nẵng</b>\"\ndate: 2023-05-01\n"
                                        "cluster: hai-phong\nkind: khac\n---\nHội nghị ở Đà Nẵng.\n"})
    assert not any(b"</script>" in data for data in files.values())
    _, docs = _payload(files["search/d0.js"])
    assert [doc["t"] for doc in docs] == ["</script><b>Đà Nẵng</b>", "Hội nghị tổng kết cụm Trung du Bắc Bộ"]  # oldest first
    _, data = _payload(files[f"search/t0-{manifest['groups'][0].index('na')}.js"])
    index = Index.load(data)
    assert [hit["ref"] for hit in index.query(index.create_query().term("nang", use_pipeline=False))] == ["0"]
    assert [hit["ref"] for hit in index.query(index.create_query().term("nẵng", use_pipeline=False))] == ["0"]


def test_articles_are_indexed_in_groups_oldest_first(scratch, monkeypatch):
    monkeypatch.setattr(search, "GROUP", 2)
    extra = {f"content/2022/2022-0{m}-01-hn-{m}.md": f"---\ntitle: Hội nghị Nghệ An {m}\ndate: 2022-0{m}-01\n"
             "cluster: hai-phong\nkind: khac\n---\nNội dung.\n" for m in (1, 2, 3)}
    site, files, manifest = _search_files(scratch, monkeypatch, extra)
    assert len(manifest["groups"]) == 2
    refs = []
    for group, keys in enumerate(manifest["groups"]):
        key = max((k for k in keys if "nghe".startswith(k)), key=len)
        _, data = _payload(files[f"search/t{group}-{keys.index(key)}.js"])
        index = Index.load(data)
        refs.append(sorted(hit["ref"] for hit in index.query(index.create_query().term("nghe", use_pipeline=False))))
    assert refs == [["0", "1"], ["2"]]  # article 3 (Trung du Bắc Bộ, newest) has no "Nghệ"


def test_the_filter_table_describes_every_article(scratch, monkeypatch):
    site, files, manifest = _search_files(scratch, monkeypatch, {})
    _, table = _payload(files[manifest["filters"]])
    (cluster, year, kind, provinces), = table["rows"]
    assert table["clusters"][cluster] == "trung-du-bac-bo" and year == 2023 and table["kinds"][kind] == "tong-ket"
    assert sorted(table["provinces"][p] for p in provinces) == ["Bắc Ninh", "Hải Dương"]


def _sample_texts() -> list[str]:
    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=ROOT / "content"))
    texts = []
    for conference in site.conferences:
        texts.extend(search._fields(conference).values())
    return texts


def test_browser_and_build_pipelines_make_identical_terms_of_the_whole_sample():
    texts = _sample_texts()
    texts.append("Ngày 1/12 – “Liên minh HTX” (0) Bình luận… Đắk Lắk, Bà Rịa - Vũng Tàu; 2.425.931 thành viên")
    texts.append("Thanh Hoá, Khánh Hoà và Hoà Bình: thuỷ lợi, khoẻ mạnh, quý QUỶ Thuỷ 1.780.121 2.5 12.3456 HOÁ")
    result = subprocess.run(["node", str(ROOT / "tests" / "pipeline_terms.js")], input=json.dumps(texts),
                            capture_output=True, text=True, check=True)
    browser = json.loads(result.stdout)
    built = [python_terms(text) for text in texts]
    assert sum(len(terms) for terms in built) > 3000
    for text, ours, theirs in zip(texts, built, browser):
        assert ours == theirs, text[:80]

"""The Vietnamese search pipeline, the index shards, and parity with the browser's pipeline."""
from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import yaml
from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.tokenizer import Tokenizer

from archive.make import search
from archive.make.pipeline import Caches, Options, load_site, make_site

ROOT = Path(__file__).resolve().parent.parent


def python_terms(text: str, field: str = "title") -> list[str]:
    pipeline = search.index_pipeline(Pipeline())
    return [str(token) for token in pipeline.run(Tokenizer(search.words(search.prepare(text))), field)]


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
    assert python_terms("1.780.121 người") == ["1.780.121", "1780121", "người", "nguoi"]


def test_a_figure_has_no_pair():
    assert python_terms("đạt 45.310 triệu, năm 2019 tổng kết", "body") == [
        "dat", "45310", "trieu", "nam", "2019", "tong", "tong_ket", "ket"]
    assert search.fold("2.5") == "2.5" and search.fold("12.3456") == "12.3456"


def test_no_pair_across_punctuation():
    assert python_terms("Khánh Hoà, Bình Định") == [
        "khánh", "khanh", "khanh_hoa", "hòa", "hoa", "bình", "binh", "binh_dinh", "định", "dinh"]


def test_index_terms_keep_the_exact_word_add_the_folded_one_and_the_pair():
    for field in ("title", "meta"):
        assert python_terms("Hợp tác xã Nghệ An", field) == [
            "hợp", "hop", "hop_tac", "tác", "tac", "tac_xa", "xã", "xa", "xa_nghe", "nghệ", "nghe", "nghe_an", "an"]


def test_the_body_keeps_only_the_folded_words_and_pairs():
    assert python_terms("Hợp tác xã Nghệ An, Hà Tĩnh", "body") == [
        "hop", "hop_tac", "tac", "tac_xa", "xa", "xa_nghe", "nghe", "nghe_an", "an", "ha", "ha_tinh", "tinh"]


def test_the_fast_path_makes_the_same_terms_as_lunr_pipeline():
    for field, text in _sample_texts():
        assert search.pipeline_terms(search.words(text), field) == python_terms(text, field)


def _lunr_py_index(documents: list[dict]) -> tuple[dict, dict]:
    """What lunr.py's own Builder makes of these articles (the reference): each term's
    postings by field, and each field ref's vector as term -> BM25 weight."""
    from lunr.builder import Builder

    builder = Builder()
    search.index_pipeline(builder.pipeline)
    builder.ref("id")
    for name, boost in search.FIELDS:
        builder.field(name, boost=boost)
    for document in documents:
        builder.add({key: value if key == "id" else search.words(value) for key, value in document.items()})
    reference = builder.build().serialize()
    assert reference["fields"] == [name for name, _ in search.FIELDS]
    term_of = {posting["_index"]: term for term, posting in reference["invertedIndex"]}
    vectors = {ref: {term_of[e[i]]: e[i + 1] for i in range(0, len(e), 2)} for ref, e in reference["fieldVectors"]}
    postings = {term: {f: posting[f] for f, _ in search.FIELDS} for term, posting in reference["invertedIndex"]}
    return postings, vectors


def _reassembled(packed: dict[str, str], keys: list[str], refs) -> tuple[dict, dict]:
    """A group's partitions (key -> packed, as index_group gives them) put back together as one
    index: postings and vectors as _lunr_py_index gives them. Each partition must itself be an
    index lunr.js loads: its terms in order and numbered from 0, each vector's entries in the
    order of those numbers."""
    postings: dict = {}
    vectors: dict = {ref: {} for ref in refs}
    assert list(packed) == keys
    for key in keys:
        index = search._unpack(packed[key])
        assert index["version"] == "2.3.9" and index["pipeline"] == []
        assert index["fields"] == [field for field, _ in search.FIELDS]
        inverted = index["invertedIndex"]
        assert [posting["_index"] for _, posting in inverted] == list(range(len(inverted)))
        assert [term for term, _ in inverted] == sorted(term for term, _ in inverted)
        names = {}
        for term, posting in inverted:
            assert search.fold(term).startswith(key), (term, key)
            assert term not in postings, f"{term} in two partitions"
            names[posting.pop("_index")] = term
            postings[term] = posting
        for ref, entries in index["fieldVectors"]:
            assert entries[::2] == sorted(entries[::2])
            vectors[ref].update({names[entries[i]]: entries[i + 1] for i in range(0, len(entries), 2)})
    return postings, vectors


def test_weights_are_rounded_as_python_rounds_them_even_on_a_half():
    # lunr.py writes round(weight, 3); rint(weight * 1000) differs where the weight lies on a half
    weights = [k / 1000 + 0.0005 for k in range(20_000)] + [k / 7 for k in range(1, 2000)]
    python = [round(round(w, 3) * 1000) for w in weights]
    assert (np.rint(np.array(weights) * 1000) != python).sum() > 1000  # the halves are there to be got wrong
    assert search._round3(np.array(weights)).tolist() == python


def test_the_partitions_together_equal_what_lunr_py_builder_makes_of_the_sample():
    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=ROOT / "content"))
    documents = [{"id": str(n), **search._fields(c)} for n, c in enumerate(site.conferences)]
    expected_postings, expected_vectors = _lunr_py_index(documents)
    keys, packed = search._group_files(documents)
    postings, vectors = _reassembled(packed, keys, expected_vectors)
    assert len(postings) > 1000 and len(keys) > 20
    assert postings == expected_postings
    assert vectors == expected_vectors  # the BM25 weights, to the last digit


# A generated archive for the writer's oracle: words built from Vietnamese onsets, rhymes and
# tones (thousands of terms, a few very common and many rare, with and without diacritics),
# the odd token of punctuation or figures, and optional fields left out at random.
ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t",
          "th", "tr", "v", "x"]
RHYMES = ["a", "ai", "an", "ang", "anh", "ao", "ac", "at", "e", "em", "en", "ê", "ên", "ênh", "i", "in", "inh",
          "o", "oa", "oan", "ong", "ô", "ông", "ơ", "ơn", "u", "uân", "ung", "ư", "ươc", "ương", "y"]
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
ODD_TOKENS = ["(HTX)", "2.177", "“Tiếp", "tục…", "./.", "–", "**đậm**", "Huế.", "1/12", "226", "OCOP", "Đà-Nẵng"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        rhyme = rng.choice(RHYMES)  # the tone mark goes on the rhyme's first vowel
        words.add(unicodedata.normalize("NFC", rng.choice(ONSETS) + rhyme[0] + rng.choice(TONES) + rhyme[1:]))
    common_first = sorted(words)
    rng.shuffle(common_first)
    return common_first


def _write_generated_archive(root: Path, count: int) -> None:
    rng = random.Random(11)
    words = _vocabulary(rng, 2500)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    config = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))

    def text(low: int, high: int) -> str:
        chosen = rng.choices(words, weights, k=rng.randint(low, high))
        chosen = [rng.choice(ODD_TOKENS) if rng.random() < 0.03 else w.capitalize() if rng.random() < 0.1 else w
                  for w in chosen]
        return " ".join(chosen)

    for n in range(count):
        day = dt.date(2010, 1, 1) + dt.timedelta(days=n * 19 % 5800)
        front = {"title": text(3, 12), "date": day.isoformat(), "cluster": rng.choice(list(config["clusters"])),
                 "kind": rng.choice(list(config["kinds"])),
                 "provinces": rng.sample(config["provinces"], rng.randint(0, 4))}
        optional = {"location": lambda: "TP " + rng.choice(config["provinces"]), "author": lambda: text(2, 3),
                    "summary": lambda: text(5, 30), "tags": lambda: [text(1, 2) for _ in range(rng.randint(1, 3))],
                    "source": lambda: {"name": "Báo " + rng.choice(config["provinces"])}}
        front.update({key: make() for key, make in optional.items() if rng.random() < 0.5})
        paragraphs = [text(10, 80) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.2:
            paragraphs.append(f"Xem [{text(2, 4)}](https://example.org/{n}) và ![{text(2, 5)}]()")
        path = root / "content" / str(day.year) / f"{day.isoformat()}-bai-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + "\n\n".join(paragraphs) + "\n",
                        encoding="utf-8")


@pytest.mark.slow  # a generated archive indexed twice, and by lunr.py
def test_every_group_of_a_generated_archive_equals_what_lunr_py_builder_makes_of_it(tmp_path, monkeypatch):
    _write_generated_archive(tmp_path, 320)
    monkeypatch.setattr(search, "GROUP", 100)
    monkeypatch.setattr(search, "PARTITION_BYTES", 3000)
    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=tmp_path / "content"))
    indexed = [search.index_group(site.conferences[::-1], n) for n in range(-(-len(site.conferences) // search.GROUP))]
    groups = [keys for keys, _ in indexed]
    assert len(site.conferences) == 320 and len(groups) == 4
    assert any(len(key) > 2 for keys in groups for key in keys)  # some partitions were split
    oldest_first = site.conferences[::-1]
    for group, keys in enumerate(groups):
        start = group * search.GROUP
        documents = [{"id": str(start + k), **search._fields(c)}
                     for k, c in enumerate(oldest_first[start: start + search.GROUP])]
        expected_postings, expected_vectors = _lunr_py_index(documents)
        postings, vectors = _reassembled(indexed[group][1], keys, expected_vectors)
        assert len(postings) > 1500
        assert postings == expected_postings, group
        assert vectors == expected_vectors, group  # the BM25 weights, to the last digit


def test_no_stop_word_or_stemmer_drops_part_of_a_name():
    assert "an" in python_terms("Nghệ An")
    assert "được" in python_terms("được")


def _search_files(scratch, monkeypatch, extra: dict[str, str]):
    monkeypatch.chdir(scratch.root)
    for path, text in extra.items():
        scratch.write(path, text)
    site, _ = load_site(Options())
    sink = Collected()
    made, _ = make_site(site, Path("templates"), sink, Caches(None))
    files = {path: data for path, data in sink.files.items() if path.startswith("search/")}
    return site, files, made.files["tim-kiem/index.html"].context.manifest


class Collected:
    """A sink (see output.Sink) that keeps the files it is given."""

    workers_may_write = False

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, relative: str, data: bytes) -> None:
        self.files[relative] = data

    def copy(self, relative: str, source: Path) -> None:
        self.files[relative] = source.read_bytes()

    def keep(self, relative: str) -> None:
        raise AssertionError("nothing to keep without a last build")

    def commit(self, files: int = 0) -> None:
        pass

    def abandon(self) -> None:
        pass


def _payload(script: bytes):
    return search.read_script(script)


def _partition(files: dict[str, bytes], manifest: dict, group: int, key: str) -> dict:
    """Group's partition of key, from the file that holds every group's partition of that key."""
    name = f"search/t{manifest['keys'].index(key)}.js"
    file_name, data = _payload(files[name])
    assert file_name == name
    return data[str(group)]


def test_terms_are_partitioned_by_the_start_of_their_folded_form(scratch, monkeypatch):
    monkeypatch.setattr(search, "PARTITION_BYTES", 200)
    site, files, manifest = _search_files(scratch, monkeypatch, {
        "content/2023/2023-05-01-x.md": "---\ntitle: Hợp tác xã họp ở Hòa Bình\ndate: 2023-05-01\n"
                                        "cluster: hai-phong\nkind: khac\n---\nHội nghị hợp tác.\n"})
    located = {}
    (numbers,) = manifest["groups"]  # one group of articles
    keys = [manifest["keys"][number] for number in numbers]
    for key in keys:
        for term, _ in _partition(files, manifest, 0, key)["invertedIndex"]:
            assert search.fold(term).startswith(key), (term, key)
            located[term] = key
    assert located["hợp"] == located["hop"] == located["họp"]
    assert located["hop_tac"].startswith(located["hop"])
    assert located["hòa"] == located["hoa"]
    assert any(len(key) > 2 for key in keys)  # a partition too large was split


def test_a_partition_is_a_lunr_index_that_finds_words_with_or_without_diacritics(scratch, monkeypatch):
    site, files, manifest = _search_files(scratch, monkeypatch, {
        "content/2023/2023-05-01-x.md": "---\ntitle: \"</script><b>Đà Nẵng</b>\"\ndate: 2023-05-01\n"
                                        "cluster: hai-phong\nkind: khac\nlocation: Đà Nẵng\n---\nHội nghị ở Đà Nẵng.\n"})
    assert not any(b"</script>" in data for data in files.values())
    _, docs = _payload(files["search/r0.js"])
    # oldest first, each with the text of its snippet
    assert [doc["t"] for doc in docs] == ["</script><b>Đà Nẵng</b>", "Hội nghị tổng kết cụm Trung du Bắc Bộ"]
    assert docs[0]["x"].endswith("Hội nghị ở Đà Nẵng.")
    index = Index.load(_partition(files, manifest, 0, "na"))
    assert [hit["ref"] for hit in index.query(index.create_query().term("nang", use_pipeline=False))] == ["0"]
    assert [hit["ref"] for hit in index.query(index.create_query().term("nẵng", use_pipeline=False))] == ["0"]


def test_articles_are_indexed_in_groups_oldest_first(scratch, monkeypatch):
    monkeypatch.setattr(search, "GROUP", 2)
    extra = {f"content/2022/2022-0{m}-01-hn-{m}.md": f"---\ntitle: Hội nghị Nghệ An {m}\ndate: 2022-0{m}-01\n"
             "cluster: hai-phong\nkind: khac\n---\nNội dung.\n" for m in (1, 2, 3)}
    site, files, manifest = _search_files(scratch, monkeypatch, extra)
    assert len(manifest["groups"]) == 2
    refs = []
    for group, numbers in enumerate(manifest["groups"]):
        key = max((manifest["keys"][n] for n in numbers if "nghe".startswith(manifest["keys"][n])), key=len)
        index = Index.load(_partition(files, manifest, group, key))
        refs.append(sorted(hit["ref"] for hit in index.query(index.create_query().term("nghe", use_pipeline=False))))
    assert refs == [["0", "1"], ["2"]]  # article 3 (Trung du Bắc Bộ, newest) has no "Nghệ"
    # one file per key, holding the partition of each group that has the key
    assert sorted(path for path in files if path.startswith("search/t")) == \
        sorted(f"search/t{n}.js" for n in range(len(manifest["keys"])))
    assert manifest["keys"] == sorted(manifest["keys"])
    for n in range(len(manifest["keys"])):
        _, data = _payload(files[f"search/t{n}.js"])
        assert sorted(data) == [str(group) for group, numbers in enumerate(manifest["groups"]) if n in numbers]


def test_the_filter_table_describes_every_article(scratch, monkeypatch):
    site, files, manifest = _search_files(scratch, monkeypatch, {})
    _, table = _payload(files[manifest["filters"]])
    first = manifest["firstCode"]
    assert len(table["cluster"]) == len(table["year"]) == len(table["kind"]) == 1
    assert table["clusters"][ord(table["cluster"]) - first] == "trung-du-bac-bo"
    assert table["firstYear"] + ord(table["year"]) - first == 2023
    assert table["kinds"][ord(table["kind"]) - first] == "tong-ket"
    assert sorted(table["provinces"][ord(p) - first] for p in table["province"]) == ["Bắc Ninh", "Hải Dương"]


def _sample_texts() -> list[tuple[str, str]]:
    """Every field of the sample content: (field, text)."""
    site, _ = load_site(Options(config=ROOT / "site_config.yaml", content=ROOT / "content"))
    texts = []
    for conference in site.conferences:
        texts.extend(search._fields(conference).items())
    return texts


def test_browser_and_build_pipelines_make_identical_terms_of_the_whole_sample():
    texts = _sample_texts()
    for field in ("title", "body"):
        texts.append((field, "Ngày 1/12 – “Liên minh HTX” (0) Bình luận… Đắk Lắk, Bà Rịa - Vũng Tàu; 2.425.931 thành viên"))
        texts.append((field, "Thanh Hoá, Khánh Hoà và Hoà Bình: thuỷ lợi, khoẻ mạnh, quý QUỶ Thuỷ 1.780.121 2.5 12.3456 HOÁ"))
    result = subprocess.run(["node", str(ROOT / "tests" / "pipeline_terms.js")], input=json.dumps(texts),
                            capture_output=True, text=True, check=True)
    browser = json.loads(result.stdout)
    built = [python_terms(text, field) for field, text in texts]
    assert sum(len(terms) for terms in built) > 3000
    for (field, text), ours, theirs in zip(texts, built, browser):
        assert ours == theirs, (field, text[:80])

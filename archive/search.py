"""Build the search index: lunr.py shards with a Vietnamese pipeline shared with the browser.

The same three pipeline functions, under the same labels, run here and in
templates/static/search-pipeline.js:

- vi-trimmer: strip everything but Unicode letters and digits from both ends
  of a token (lunr's own trimmer keeps ASCII only and cuts "xã" to "x");
- vi-bigram: add the folded pair "hop_tac" for each token and the next, so a
  quoted phrase can rank contiguous matches first;
- vi-fold: keep the token as written and add its folded form ("hợp" also
  indexes "hop"), so a query without diacritics finds it, while the exact
  form lets an exact match rank higher.

No stemmer and no stop words: both damage Vietnamese ("an" is half of Nghệ An).

The index is split by term, not by article, so that a query downloads only
what its words need, whatever the size of the archive:

- articles are indexed in groups of GROUP by lunr.py (one worker process
  per group when there are several); the browser reads the newest group
  first, so the newest matches show while older groups are still read;
- within a group, every term's postings and field-vector entries go to a
  partition named by the start of its folded form ("hop", "hợp" and "hop_tac"
  share one), a partition that grows too large being split by one more
  letter; each partition is a complete lunr index of its terms;
- what a result shows (title, date, cluster, summary) lies in small files of
  DOCS_PER_FILE articles, loaded only for the results on screen; a compact
  table of every article's cluster, year, kind and provinces serves filters.

Every file is a script calling ArchiveSearch.add(name, data), not JSON, so
search also works from file://, where fetch() is refused.
"""
from __future__ import annotations

import functools
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lunr.builder import Builder
from lunr.idf import idf as Idf
from lunr.pipeline import Pipeline
from lunr.token import Token

from .cache import Store, digest
from .model import Conference, Site
from .vietnamese import format_date

FIELDS = (("title", 10), ("meta", 4), ("body", 1))
SCRIPT_DIR = "search"
PARTITION_BYTES = 150_000  # a group's partition larger than this is split by one more letter
DOCS_PER_FILE = 50
GROUP = 1000  # articles per group: a query reads the newest group's postings first


@functools.lru_cache(maxsize=None)
def fold(text: str) -> str:
    """What vi-fold adds: NFD, drop combining marks, đ -> d, NFC (cached: the vocabulary is small)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))  # \p{M}
    return unicodedata.normalize("NFC", kept)


def _is_kept(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LN"  # the same classes as \p{L} and \p{N} in JavaScript


def trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and not _is_kept(text[start]):
        start += 1
    while end > start and not _is_kept(text[end - 1]):
        end -= 1
    return text[start:end]


def vi_trimmer(token: Token, i: int, tokens: list) -> Token | None:
    token.update(lambda string, metadata: trim(string))
    return token if token.string else None


def vi_bigram(token: Token, i: int, tokens: list) -> list[Token]:
    if i + 1 < len(tokens):
        pair = fold(token.string) + "_" + fold(tokens[i + 1].string)
        return [token, token.clone(lambda string, metadata: pair)]
    return [token]


def vi_fold(token: Token, i: int, tokens: list) -> list[Token] | Token:
    folded = fold(token.string)
    if folded == token.string:
        return token
    return [token, token.clone(lambda string, metadata: folded)]


for _fn, _label in ((vi_trimmer, "vi-trimmer"), (vi_bigram, "vi-bigram"), (vi_fold, "vi-fold")):
    Pipeline.register_function(_fn, _label)

INDEX_PIPELINE = (vi_trimmer, vi_bigram, vi_fold)


@functools.lru_cache(maxsize=None)
def _trimmed(word: str) -> str:
    return trim(word)


def pipeline_terms(words: list[str]) -> list[str]:
    """What lunr's Pipeline.run of INDEX_PIPELINE makes of these words, computed in one
    pass with cached folding (tests/test_search.py checks that the two agree)."""
    trimmed = [term for term in map(_trimmed, words) if term]
    terms = []
    for i, term in enumerate(trimmed):
        folded = fold(term)
        terms.append(term)
        if folded != term:
            terms.append(folded)
        if i + 1 < len(trimmed):
            terms.append(folded + "_" + fold(trimmed[i + 1]))
    return terms


class _TermBuilder(Builder):
    """lunr.py's Builder, given each field's terms already through the pipeline: its own
    add() would run the tokenizer and three pipeline functions token by token."""

    def add_terms(self, ref: str, fields: dict[str, list[str]]) -> None:
        self._documents[ref] = {}
        self.document_count += 1
        for name in self._fields:
            terms = fields[name]
            field_ref = name + "/" + ref
            counts = Counter(terms)
            self.field_term_frequencies[field_ref] = counts
            self.field_lengths[field_ref] = len(terms)
            for term in counts:
                posting = self.inverted_index.get(term)
                if posting is None:
                    posting = {field: {} for field in self._fields}
                    posting["_index"] = self.term_index
                    self.term_index += 1
                    self.inverted_index[term] = posting
                posting[name][ref] = {}

    def weights(self) -> dict[str, dict[str, float]]:
        """Each field's BM25 weights, term -> weight: the numbers lunr.py's
        _create_field_vectors computes (same formula, same rounding), without
        building its Vector objects one sorted insert at a time."""
        self._calculate_average_field_lengths()
        idf = {term: Idf(posting, self.document_count) for term, posting in self.inverted_index.items()}
        k1, b = self._k1, self._b
        vectors = {}
        for field_ref, frequencies in self.field_term_frequencies.items():
            if not frequencies:  # an empty field (and maybe an average length of 0)
                vectors[field_ref] = {}
                continue
            name = field_ref.split("/", 1)[0]
            boost = self._fields[name].boost
            norm = k1 * (1 - b + b * (self.field_lengths[field_ref] / self.average_field_length[name]))
            vectors[field_ref] = {term: round(idf[term] * ((k1 + 1) * tf) / (norm + tf) * boost, 3)
                                  for term, tf in frequencies.items()}
        return vectors

_WHITESPACE = re.compile(r"[\s\ufeff]+")  # what JavaScript's \s matches, and Python's
_SEPARATOR = re.compile(r"[ \-]+")  # lunr.tokenizer.separator, on prepared text
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def prepare(text: str) -> str:
    """Text as both sides tokenise it: NFC, one kind of space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def words(text: str) -> list[str]:
    """lunr.tokenizer's split of prepared text, done at once: lunr.py's own
    tokenizer walks the text one character at a time."""
    return [word for word in _SEPARATOR.split(text.lower()) if word]


def plain_body(markdown_text: str) -> str:
    return _LINK.sub(r"\1", _IMAGE.sub(r"\1", markdown_text))


def _fields(conference: Conference) -> dict[str, str]:
    meta = [conference.cluster.name, conference.kind, conference.location, conference.author,
            conference.source.name if conference.source else "", str(conference.date.year),
            *(p.name for p in conference.provinces), *conference.tags]
    return {
        "title": prepare(conference.title),
        "meta": prepare(" ".join(part for part in meta if part)),
        "body": prepare(conference.summary + " " + plain_body(conference.body_markdown)),
    }


def _terms(document: dict) -> dict[str, list[str]]:
    """Each field of a document as the terms the index stores."""
    return {key: pipeline_terms(words(value)) for key, value in document.items() if key != "id"}


def _document(conference: Conference) -> dict:
    """What a result shows, kept short: the browser never sees the whole body."""
    return {
        "u": conference.url, "t": conference.title, "d": format_date(conference.date),
        "i": conference.date.isoformat(), "n": conference.cluster.name, "kn": conference.kind,
        "p": [p.name for p in conference.provinces], "s": _shorten(conference.summary, 320),
    }


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


Postings = dict  # term -> {field: {ref: {}}}
Vectors = dict  # "field/ref" -> {term: weight}


def _build_batch(batch: list[dict]) -> tuple[Postings, Vectors]:
    """lunr.py's postings and BM25 field weights for a batch of articles (run in a worker
    process when there are many). The builder's token set, which build() would also make,
    is skipped: the partitions are lunr indexes of their own, and lunr.js rebuilds it on load."""
    builder = _TermBuilder()
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for document in batch:
        builder.add_terms(document["id"], _terms(document))
    vectors = builder.weights()
    postings = {term: {name: posting[name] for name, _ in FIELDS} for term, posting in builder.inverted_index.items()}
    return postings, vectors


def _partition(postings: dict[str, dict]) -> dict[str, str]:
    """term -> partition key: a prefix of its folded form, longer where the partition would be too big."""
    sizes = {term: 40 + sum(len(refs) for refs in posting.values()) * 24 for term, posting in postings.items()}
    keys: dict[str, str] = {}

    def place(terms: list[str], length: int) -> None:
        groups: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            groups[fold(term)[:length]].append(term)
        for key, members in groups.items():
            longer = [t for t in members if len(fold(t)) > length]
            if sum(sizes[t] for t in members) > PARTITION_BYTES and longer:
                place(longer, length + 1)
                members = [t for t in members if len(fold(t)) <= length]
            for term in members:
                keys[term] = key

    place(list(postings), 2)
    return keys


def _partition_index(terms: list[str], postings: dict[str, dict], vectors: dict[str, list[tuple[str, float]]]) -> dict:
    """A lunr index (as lunr.js loads it) of these terms over every article; vectors holds
    each field's weights for these terms only, which is all a query on them reads."""
    ordered = sorted(terms)
    number = {term: n for n, term in enumerate(ordered)}
    inverted = [[term, {"_index": number[term], **postings[term]}] for term in ordered]
    field_vectors = []
    for field_ref, weights in vectors.items():
        elements = sorted((number[term], weight) for term, weight in weights)
        field_vectors.append([field_ref, [x for pair in elements for x in pair]])
    return {"version": "2.3.9", "fields": [name for name, _ in FIELDS], "fieldVectors": field_vectors,
            "invertedIndex": inverted, "pipeline": []}


def _script(name: str, payload) -> bytes:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a string would end an inline script; escaping it is harmless elsewhere.
    return ("ArchiveSearch.add(" + json.dumps(name) + "," + text.replace("</", "<\\/") + ");\n").encode("utf-8")


def _group_files(job: tuple[int, list[dict]]) -> tuple[list[str], dict[str, bytes]]:
    """One group's partitions: its keys in order, and the scripts t<group>-<n>.js.
    A group is indexed on its own (a worker process each when there are several)."""
    group, documents = job
    postings, vectors = _build_batch(documents)
    keys = _partition(postings)
    ordered = sorted(set(keys.values()))
    number = {key: n for n, key in enumerate(ordered)}
    terms: dict[str, list[str]] = defaultdict(list)
    for term, key in keys.items():
        terms[key].append(term)
    weights: dict[str, dict[str, list]] = defaultdict(dict)
    for field_ref, field_weights in vectors.items():
        for term, weight in field_weights.items():
            weights[keys[term]].setdefault(field_ref, []).append((term, weight))
    files = {}
    for key in ordered:
        name = f"{SCRIPT_DIR}/t{group}-{number[key]}.js"
        files[name] = _script(name, _partition_index(terms[key], postings, weights[key]))
    return ordered, files


def _each_group(jobs: list) -> list:
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or not jobs:
        return [_group_files(job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_group_files, jobs))


# Part of the cache key of an indexed group: change it whenever indexing changes.
SETTINGS = f"fields {FIELDS}; group {GROUP}; partition {PARTITION_BYTES}; pipeline vi-trimmer vi-bigram vi-fold 1"


def search_files(site: Site, store: Store | None = None) -> tuple[dict[str, bytes], dict]:
    """The search files (path -> bytes) and the manifest the search page embeds.

    Articles are numbered oldest first and indexed in groups of GROUP, so
    that a new article changes only the last group and an edit only its own
    (unchanged groups come from the cache). The browser reads the groups
    newest first and shows the matches so far after each; each group's terms
    are partitioned on their own."""
    store = store or Store(None, "search")
    conferences = site.conferences[::-1]
    documents = [{"id": str(n), **_fields(c)} for n, c in enumerate(conferences)]
    jobs = [(n, documents[start: start + GROUP]) for n, start in enumerate(range(0, len(documents), GROUP))]
    keys = [digest(SETTINGS, json.dumps(job, ensure_ascii=False, sort_keys=True)) for job in jobs]
    built = {n: store.get(key) for n, key in enumerate(keys)}
    missing = [job for job in jobs if built[job[0]] is None]
    for job, result in zip(missing, _each_group(missing)):
        built[job[0]] = result
        store.put(keys[job[0]], result)
    files: dict[str, bytes] = {}
    groups = []
    for n in range(len(jobs)):
        group_keys, group_files = built[n]
        groups.append(group_keys)
        files.update(group_files)
    for start in range(0, len(conferences), DOCS_PER_FILE):
        name = f"{SCRIPT_DIR}/d{start // DOCS_PER_FILE}.js"
        files[name] = _script(name, [_document(c) for c in conferences[start: start + DOCS_PER_FILE]])
    clusters = list(site.config.clusters)
    kinds = list(site.config.kinds)
    provinces = [p.name for p in site.provinces]
    rows = [[clusters.index(c.cluster_key), c.date.year, kinds.index(c.kind_key),
             [provinces.index(p.name) for p in c.provinces]] for c in conferences]
    files[f"{SCRIPT_DIR}/filters.js"] = _script(f"{SCRIPT_DIR}/filters.js", {
        "clusters": clusters, "kinds": kinds, "provinces": provinces, "rows": rows})
    manifest = {"groups": groups, "perFile": DOCS_PER_FILE, "filters": f"{SCRIPT_DIR}/filters.js"}
    return files, manifest


def lunr_script() -> Path:
    """lunr.js as installed from npm by the project's package.json."""
    return Path(__file__).resolve().parent.parent / "node_modules" / "lunr" / "lunr.min.js"

"""Build the search index: lunr.py shards with a Vietnamese pipeline shared with the browser.

The same pipeline functions, under the same labels, run here and in
templates/static/search-pipeline.js:

- vi-trimmer: strip everything but Unicode letters and digits from both ends
  of a token (lunr's own trimmer keeps ASCII only and cuts "xã" to "x"), and
  put the tone mark of a final oa, oe, uy on the first vowel, so that both
  placements in use ("hoá", "hóa") are one word;
- vi-bigram: add the folded pair "hop_tac" for each token and the next (not
  across punctuation, nor with a figure), so that words side by side rank
  first and a quoted phrase can be required;
- vi-fold (title and facts): keep the token as written and add its folded
  form ("hợp" also indexes "hop", "1.780.121" also "1780121"), so a query
  without diacritics finds it, while the exact form lets an exact match
  break a tie;
- vi-plain (body): the folded form only. The body is nine tenths of the
  words, and a tie between two articles is decided by how their titles and
  facts are written, never by their bodies: its words as written would
  double the index for nothing the ranking uses. (lunr.py's
  Pipeline.skip keeps each of the two to its fields.)

No stemmer and no stop words: both damage Vietnamese ("an" is half of Nghệ An).

The index is split by term, not by article, so that a query downloads only
what its words need, whatever the size of the archive:

- articles are indexed in groups of GROUP (each group a task of its own,
  see pipeline.make_site, and cached: an edit indexes its own group again,
  not the archive). A group's index is what lunr.py's Builder makes of it,
  computed on arrays (numpy) and written as JSON piece by piece: the
  Builder itself takes seconds per thousand articles, and a test checks
  the two agree to the last digit;
- within a group, every term's postings and field-vector entries go to a
  partition named by the start of its folded form ("hop", "hợp" and "hop_tac"
  share one), a partition that grows too large being split by one more
  letter; each partition is a complete lunr index of its terms;
- the partitions of every group with the same key lie in one file: a query
  reads a file per word, not a file per word and group (each file costs the
  page a request and a script, which outweighed its bytes);
- what a result shows (title, date, cluster, and the plain text its
  snippet is cut from) lies in small files of RESULTS_PER_FILE articles,
  loaded only for the results on screen; a compact table of every
  article's cluster, year, kind and provinces serves filters and their
  counts.

Every file is a script calling ArchiveSearch.add(name, data), not JSON, so
search also works from file://, where fetch() is refused; data is the JSON
compressed (zlib's deflate, as base64), which the page inflates with the
browser's own DecompressionStream (a partition file: {group: that}, each
group's partition compressed on its own, as its group's task made it).
"""
from __future__ import annotations

import base64
import functools
import json
import math
import re
import sys
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Generic, Mapping, NamedTuple, TypeAlias, TypedDict, TypeVar

from lunr.pipeline import Pipeline
from lunr.token import Token

from ..common.digest import digest
from ..common.vietnamese import format_date
from ..site import content, validate
from ..site.config import SiteConfig
from ..site.model import Conference, Site
from .cache import Store, code_digest

if TYPE_CHECKING:  # (numpy is imported where an index is made: a build with nothing to do never needs it)
    import numpy as np
    import numpy.typing as npt

FIELDS = (("title", 10), ("meta", 4), ("body", 1))
BODY = 2  # FIELDS' index of the body
SCRIPT_DIR = "search"
PARTITION_BYTES = 150_000  # a group's partition larger than this is split by one more letter
FIRST_CODE = 0x30  # the filter table's character for the value 0 (see _filter_table)
RESULTS_PER_FILE = 2  # articles per file of what results show: a page of results reads little besides
GROUP = 1000  # articles per group: a query reads the newest group's postings first


_GROUPED_DIGITS = re.compile(r"(?<=[0-9])\.(?=[0-9]{3}(?![0-9]))")  # the dots of 1.780.121


@functools.lru_cache(maxsize=None)
def fold(text: str) -> str:
    """What vi-fold adds: NFD, drop combining marks, đ -> d, NFC, and a number's
    thousands dots dropped ("1.780.121" -> "1780121", as readers type it); cached:
    the vocabulary is small."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(ch for ch in decomposed if not unicodedata.category(ch).startswith("M"))  # \p{M}
    return _GROUPED_DIGITS.sub("", unicodedata.normalize("NFC", kept))


# A tone mark on the second vowel of a final oa, oe or uy ("hoá", "khoẻ", "thuỷ") moved to
# the first ("hóa", "khỏe", "thủy"): both placements are in use, and a reader's keyboard
# picks one. After q, "uy" keeps its mark on y ("quý").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_ON_SECOND = re.compile(f"([oO])([aAeE])([{_TONES}])$|(?<![qQ])([uU])([yY])([{_TONES}])$")


def place_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    moved = _TONE_ON_SECOND.sub(lambda m: m.expand(r"\1\3\2") if m.group(1) else m.expand(r"\4\6\5"), decomposed)
    return word if moved == decomposed else unicodedata.normalize("NFC", moved)


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


def normal(word: str) -> str:
    """A word as the index keeps it: trimmed, its tone mark in one place."""
    return place_tone(trim(word))


def ends_clause(word: str) -> bool:
    """Whether punctuation follows the word ("Hòa," in "Khánh Hòa, Bình Định"): no pair
    across it, so the pair "hoa_binh" means the words Hòa Bình."""
    return bool(word) and not _is_kept(word[-1])


def vi_trimmer(token: Token, i: int, tokens: list[Token]) -> Token | None:
    if ends_clause(token.string):
        token.metadata["clause_end"] = True
    token.update(lambda string, metadata: normal(string))
    return token if token.string else None


def has_figure(term: str) -> bool:
    """Whether a term holds a digit (of any script, as \\p{N} in JavaScript): no pair with it. The
    figures of a text are nearly all different, so their pairs would be a third of the terms,
    while a reader looks a figure up on its own."""
    return any(unicodedata.category(char)[0] == "N" for char in term)


def vi_bigram(token: Token, i: int, tokens: list[Token]) -> list[Token]:
    if (i + 1 < len(tokens) and not token.metadata.get("clause_end")
            and not has_figure(token.string) and not has_figure(tokens[i + 1].string)):
        pair = fold(token.string) + "_" + fold(tokens[i + 1].string)
        return [token, token.clone(lambda string, metadata: pair)]
    return [token]


def vi_fold(token: Token, i: int, tokens: list[Token]) -> list[Token] | Token:
    folded = fold(token.string)
    if folded == token.string:
        return token
    return [token, token.clone(lambda string, metadata: folded)]


def vi_plain(token: Token, i: int, tokens: list[Token]) -> Token:
    token.update(lambda string, metadata: fold(string))
    return token


for _fn, _label in ((vi_trimmer, "vi-trimmer"), (vi_bigram, "vi-bigram"), (vi_fold, "vi-fold"),
                    (vi_plain, "vi-plain")):
    Pipeline.register_function(_fn, _label)

INDEX_PIPELINE = (vi_trimmer, vi_bigram, vi_fold, vi_plain)
# vi-fold in the title and the facts, where a word as written breaks ties; vi-plain in the body
PIPELINE_SKIPS = ((vi_fold, ["body"]), (vi_plain, ["title", "meta"]))


def index_pipeline(pipeline: Pipeline) -> Pipeline:
    """pipeline (a Builder's, say) given INDEX_PIPELINE, each function for its fields only."""
    pipeline.add(*INDEX_PIPELINE)
    for function, fields in PIPELINE_SKIPS:
        pipeline.skip(function, fields)
    return pipeline


_Value = TypeVar("_Value")


class _Memo(dict[str, _Value], Generic[_Value]):
    """word -> function(word), computed once per distinct word: the vocabulary is small."""

    def __init__(self, function: Callable[[str], _Value]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, word: str) -> _Value:
        value = self[word] = self.function(word)
        return value


_TRIMMED = _Memo(normal)
_ENDS = _Memo(ends_clause)
_FOLDED = _Memo(fold)
_FIGURES = _Memo(has_figure)
_QUOTED = _Memo(functools.partial(json.dumps, ensure_ascii=False))  # a term as a JSON string


def pipeline_terms(words: list[str], field: str) -> list[str]:
    """What lunr's Pipeline.run of index_pipeline makes of these words of a field, in its
    order (tests/test_search.py checks that the two agree)."""
    kept = [(term, _ENDS[word]) for word in words if (term := _TRIMMED[word])]
    folded = [_FOLDED[term] for term, _ in kept]
    exact = field != "body"
    terms = []
    for (term, ends), plain, following in zip(kept, folded, folded[1:] + [""]):
        if exact:
            terms.append(term)
        if plain != term or not exact:
            terms.append(plain)
        if following and not ends and not _FIGURES[plain] and not _FIGURES[following]:
            terms.append(plain + "_" + following)
    return terms


_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def prepare(text: str) -> str:
    """Text as both sides tokenise it: NFC, one kind of space (str.split() splits on the
    whitespace \\s matches, many times faster than the regular expression)."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\ufeff", " ").split())


def words(text: str) -> list[str]:
    """lunr.tokenizer's split of prepared text, done at once: lunr.py's own
    tokenizer walks the text one character at a time. Prepared text has no
    whitespace but single spaces, so lunr's separator [\\s\\-]+ is spaces and hyphens."""
    return text.lower().replace("-", " ").split()


def plain_body(markdown_text: str) -> str:
    return _LINK.sub(r"\1", _IMAGE.sub(r"\1", markdown_text))


def _fields(conference: Conference) -> dict[str, str]:
    # the conference's year, and the year it reviews when that differs (a review of 2012 held in January 2013)
    years = dict.fromkeys((str(conference.date.year), str(conference.period)))
    meta = [conference.cluster.name, conference.kind, conference.location, conference.author,
            conference.source.name if conference.source else "", *years,
            *(p.name for p in conference.provinces), *conference.tags, *conference.other_names]
    return {
        "title": prepare(conference.title),
        "meta": prepare(", ".join(part for part in meta if part)),  # no pair across two facts
        "body": prepare(conference.summary + " " + plain_body(conference.body_markdown)),
    }


def _document(conference: Conference) -> dict[str, str | list[str]]:
    """What a result shows above its snippet."""
    return {
        "u": conference.url, "t": conference.title, "d": format_date(conference.date),
        "i": conference.date.isoformat(), "n": conference.cluster.name, "kn": conference.kind,
        "p": [p.name for p in conference.provinces],
    }


_MARKUP = re.compile(r"^[\s|:-]*-{3}[\s|:-]*$|^\s{0,3}(?:#+|>|[-*+]|\d+\.)\s+|[*_`|]+", re.MULTILINE)


def _text(conference: Conference) -> str:
    """The text a snippet is cut from: the summary and the body as plain words
    (Markdown's marks dropped), loaded for a result on screen only."""
    return prepare(conference.summary + " " + _MARKUP.sub(" ", plain_body(conference.body_markdown)))


def _partition(frequency: Mapping[str, int]) -> dict[str, str]:
    """term -> partition key: a prefix of its folded form, longer where the partition would be too big
    (a term's size estimated from its number of postings)."""
    sizes = {term: 40 + n * 24 for term, n in frequency.items()}
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

    place(list(frequency), 2)
    return keys


def _script(name: str, payload: object) -> bytes:
    return _wrap(name, json.dumps(_pack(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))))


_HEAD = "ArchiveSearch.add("


def _pack(text: str) -> str:
    """JSON text compressed for the search page: zlib's deflate (which the browser's
    DecompressionStream("deflate") reads) as base64. JSON of postings is mostly repeats, so
    a file is a sixth or less of its text (and a server's gzip adds nothing to it). At level 6,
    not 9: on the search files of 10.000 real-shaped articles, a third of the time for 3,7 %
    more bytes (level 9: 15,4 cpu s, 41,6 MB; 6: 4,9 s, 43,2 MB; 4: 2,3 s, 46,1 MB)."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), _LEVEL)).decode("ascii")


_LEVEL = 6


def _wrap(name: str, data: str) -> bytes:
    """A script that hands data (JSON of packed text) to the search page under name."""
    return (_HEAD + json.dumps(name) + "," + data + ");\n").encode("ascii")


def _unpack(packed: str) -> object:
    return json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))


def read_script(script: bytes) -> tuple[str, object]:
    """A search file's name and data, as the search page reads them (for tests and tools):
    a partition file's data is {group: index}."""
    text = script.decode("ascii")
    decoder = json.JSONDecoder()
    try:
        name, end = decoder.raw_decode(text, len(_HEAD))
        data, end = decoder.raw_decode(text, end + 1)
    except ValueError:
        end = 0
    if not text.startswith(_HEAD) or text[end:] != ");\n":
        raise ValueError("not a search file")
    if isinstance(data, dict):
        return name, {group: _unpack(packed) for group, packed in data.items()}
    return name, _unpack(data)


K1, B = 1.2, 0.75  # BM25's parameters, as lunr.py's Builder and lunr.js set them


class _Vocabulary(dict[str, int]):
    """A group's terms, term -> number, numbered as first seen."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[str] = []

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self.terms)
        self.terms.append(term)
        return number


class _WordNumbers(dict[str, int]):
    """A word as split from the text -> the number of its trimmed term, -1 when nothing is left."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        term = _TRIMMED[word]
        number = self[word] = self.vocabulary[term] if term else -1
        return number


def _round3(weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Python's round(weight, 3) of each weight, as thousandths: rint(w * 1000), except where
    w * 1000 lies too near a half for the product's own rounding to be trusted."""
    import numpy as np

    scaled = weights * 1000
    thousandths = np.rint(scaled)
    near_half = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for n in near_half.tolist():
        thousandths[n] = round(round(float(weights[n]), 3) * 1000)
    return thousandths.astype(np.int64)


_Ints: TypeAlias = "npt.NDArray[np.int64]"  # (a name for annotations only: see TYPE_CHECKING above)


class _GroupArrays(NamedTuple):
    """A group's lunr index as arrays (see _group_index)."""

    terms: list[str]  # every term with postings
    postings: _Ints  # each term's number of postings
    ref: _Ints  # each (term, field ref) pair of the index, by field ref then term: its field ref
    term: _Ints  # its term (a number in terms)
    thousandths: _Ints  # its BM25 weight, rounded to thousandths


def _group_index(documents: list[dict[str, str]]) -> _GroupArrays:
    """The lunr index lunr.py's Builder would make of these articles, as arrays: every
    term; and each (term, field ref) pair of the index with its BM25 weight.

    The weights are lunr.py's: the same formula in the same order of operations, the
    same rounding, so the numbers are equal to the last digit (tests/test_search.py
    builds the same articles with lunr.py and compares). Field ref r is article
    r // 3's field FIELDS[r % 3]."""
    import numpy as np

    count, fields = len(documents), len(FIELDS)
    vocabulary = _Vocabulary()
    numbers = _WordNumbers(vocabulary)
    tokens: list[int] = []
    ends: list[bool] = []  # punctuation after the word: no pair across it
    lengths = []  # words of each field ref
    for document in documents:
        for name, _ in FIELDS:
            before = len(tokens)
            split = words(document[name])
            tokens.extend(map(numbers.__getitem__, split))
            ends.extend(map(_ENDS.__getitem__, split))
            lengths.append(len(tokens) - before)
    token = np.array(tokens, dtype=np.int64)
    field_ref = np.repeat(np.arange(count * fields), lengths)
    kept = token >= 0
    token, field_ref, clause_end = token[kept], field_ref[kept], np.array(ends, dtype=bool)[kept]
    # vi-fold: the folded form beside each term that has diacritics (vi-plain: instead of it, in the body)
    exact = list(vocabulary.terms)
    folded_of = np.array([vocabulary[_FOLDED[term]] for term in exact], dtype=np.int64)
    folded = folded_of[token] if len(token) else token
    in_body = field_ref % fields == BODY
    marked = (folded != token) & ~in_body
    # vi-bigram: each term's folded form joined to the next one's, within a field
    figure = np.array([_FIGURES[term] for term in vocabulary.terms], dtype=bool)
    same = (field_ref[:-1] == field_ref[1:]) & ~clause_end[:-1] & ~figure[token[:-1]] & ~figure[token[1:]]
    size = len(vocabulary.terms)
    codes, inverse = np.unique(folded[:-1][same] * size + folded[1:][same], return_inverse=True)
    terms = vocabulary.terms
    pairs = np.array([vocabulary[terms[code // size] + "_" + terms[code % size]] for code in codes.tolist()],
                     dtype=np.int64)
    term = np.concatenate([np.where(in_body, folded, token), folded[marked], pairs[inverse] if len(pairs) else pairs])
    ref = np.concatenate([field_ref, field_ref[marked], field_ref[:-1][same]])
    total = len(terms)
    entries, frequency = np.unique(ref * total + term, return_counts=True)  # by field ref, then term
    entry_ref, entry_term = entries // total, entries % total
    field_length = np.bincount(ref, minlength=count * fields)
    postings = np.bincount(entry_term, minlength=total)  # a term in two fields of an article counts twice
    idf = np.array([math.log(1 + abs((count - n + 0.5) / (n + 0.5))) for n in postings.tolist()])
    field = entry_ref % fields
    average = np.array([int(field_length[f::fields].sum()) / count for f in range(fields)])
    boost = np.array([boost for _, boost in FIELDS], dtype=np.int64)
    norm = K1 * (1 - B + B * (field_length[entry_ref] / average[field]))
    weight = idf[entry_term] * ((K1 + 1) * frequency) / (norm + frequency) * boost[field]
    # the body's words as written are only counted to be folded: no term of their own unless
    # the title or the facts have it
    used = postings > 0
    renumber = np.cumsum(used) - 1
    return _GroupArrays(terms=[t for t, kept in zip(terms, used.tolist()) if kept], postings=postings[used],
                        ref=entry_ref, term=renumber[entry_term], thousandths=_round3(weight))


class GroupIndex(NamedTuple):
    """A group's search index, as its task makes it and the search cache keeps it (see _group_files)."""

    keys: list[str]  # its partition keys, in order
    partitions: dict[str, str]  # each key's partition, packed


def _group_files(documents: list[dict[str, str]]) -> GroupIndex:
    """One group's partitions: its keys in order, and each key's partition, packed (see
    partition_files). A group is indexed on its own (a worker process each when there are several).

    Each partition is a lunr index (as lunr.js loads it) of the group kept to
    the partition's terms: their postings, and each field vector's entries for
    them (a query scores with its own terms' entries only). The JSON is written
    piece by piece from the arrays, as json.dumps would write the same index."""
    import numpy as np

    index = _group_index(documents)
    terms, ref, term = index.terms, index.ref, index.term
    keys = _partition(dict(zip(terms, index.postings.tolist())))
    ordered = sorted(set(keys.values()))
    partition_of = {key: n for n, key in enumerate(ordered)}
    partition = np.array([partition_of[keys[t]] for t in terms], dtype=np.int64)
    rank = np.empty(len(terms), dtype=np.int64)
    rank[sorted(range(len(terms)), key=terms.__getitem__)] = np.arange(len(terms))
    # each term's number in its partition: partitions in turn, terms in order within each
    by_partition = np.lexsort((rank, partition))
    starts = np.searchsorted(partition[by_partition], np.arange(len(ordered) + 1))
    number = np.empty(len(terms), dtype=np.int64)
    number[by_partition] = np.arange(len(terms)) - np.repeat(starts[:-1], np.diff(starts))
    fields = [name for name, _ in FIELDS]
    ids = [document["id"] for document in documents]
    ref_names = [f"{name}/{ref}" for ref in ids for name in fields]
    inverted = _inverted_pieces(ids, terms, ref, term, number, by_partition, starts)
    vectors = _vector_pieces(ref_names, ref, term, partition, number, rank, index.thousandths, len(ordered))
    head = '{"version":"2.3.9","fields":' + json.dumps(fields, separators=(",", ":")) + ',"fieldVectors":['
    packed = {key: _pack(head + vectors[n] + '],"invertedIndex":[' + inverted[n] + '],"pipeline":[]}')
              for n, key in enumerate(ordered)}
    return GroupIndex(ordered, packed)


def _inverted_pieces(ids: list[str], terms: list[str], ref: _Ints, term: _Ints, number: _Ints, by_partition: _Ints,
                     starts: _Ints) -> list[str]:
    """Each partition's invertedIndex, its terms in order: [term, {"_index": n, field: {article: {}, …}, …}].
    Written as a flat run of strings joined once per partition: per term, a header for
    each field (the first also opening the term), then the field's articles, and a closing."""
    import numpy as np

    fields = len(FIELDS)
    count = len(terms)
    position = np.empty(count, dtype=np.int64)
    position[by_partition] = np.arange(count)
    section = position[term] * fields + ref % fields  # (the term's place in the partitions, the field)
    order = np.argsort(section * len(ids) + ref // fields)
    section = section[order]
    bounds = np.searchsorted(section, np.arange(count * fields + 1))
    # an article of a posting: "12":{} with a comma unless it ends its field
    articles = len(ids)
    quoted = np.array([f'"{a}":{{}},' for a in ids] + [f'"{a}":{{}}' for a in ids], dtype=object)
    last = np.append(section[1:] != section[:-1], True)
    pieces = np.empty(len(order) + count * fields + count, dtype=object)
    sections = np.arange(count * fields)
    terms_before = sections // fields
    pieces[np.arange(len(order)) + section + 1 + section // fields] = quoted[(ref // fields)[order] + articles * last]
    numbers = number.tolist()
    names = [json.dumps(name) for name, _ in FIELDS]
    headers = np.empty(count * fields, dtype=object)
    headers[0::fields] = ["[" + _QUOTED[terms[t]] + ',{"_index":' + str(numbers[t]) + "," + names[0] + ":{"
                          for t in by_partition.tolist()]
    for f in range(1, fields):
        headers[f::fields] = "}," + names[f] + ":{"
    pieces[bounds[:-1] + sections + terms_before] = headers
    ends = bounds[fields::fields] + np.arange(1, count + 1) * fields + np.arange(count)
    closing = np.full(count, "}}],", dtype=object)
    closing[starts[1:] - 1] = "}}]"  # the last term of a partition
    pieces[ends] = closing
    edges = starts * fields + bounds[starts * fields] + starts
    return ["".join(pieces[a:b].tolist()) for a, b in zip(edges[:-1].tolist(), edges[1:].tolist())]


def _vector_pieces(ref_names: list[str], ref: _Ints, term: _Ints, partition: _Ints, number: _Ints, rank: _Ints,
                   thousandths: _Ints, count: int) -> list[str]:
    """Each partition's fieldVectors: [field ref, [n, weight, n, weight, …]] for every field ref
    with one of its terms, entries in the order of n. Written as a flat run of strings joined
    once per partition: a heading where a vector starts, then "n," and "weight," for each
    entry ("weight]]" where the vector ends)."""
    import numpy as np

    entries = len(term)
    if not entries:
        return [""] * count
    in_partition = partition[term]
    order = np.argsort((in_partition * len(ref_names) + ref) * len(rank) + rank[term])
    in_partition, in_ref = in_partition[order], ref[order]
    first = np.ones(entries, dtype=bool)
    first[1:] = (in_partition[1:] != in_partition[:-1]) | (in_ref[1:] != in_ref[:-1])
    last = np.append(first[1:], True)
    opens_partition = np.ones(entries, dtype=bool)
    opens_partition[1:] = in_partition[1:] != in_partition[:-1]
    # the weights as Python writes them, each distinct one formatted once
    weights = thousandths[order]
    present = np.zeros(int(weights.max()) + 1, dtype=bool)
    present[weights] = True
    values = np.flatnonzero(present)
    place = np.zeros(len(present), dtype=np.int64)
    place[values] = np.arange(len(values))
    texts = [repr(value / 1000) for value in values.tolist()]
    weight_texts = np.array([text + "," for text in texts] + [text + "]]" for text in texts], dtype=object)
    at = number[term][order]
    number_texts = np.array([f"{n}," for n in range(int(at.max()) + 1)], dtype=object)
    heads = np.array(['["' + name + '",[' for name in ref_names] + [',["' + name + '",[' for name in ref_names],
                     dtype=object)
    position = 2 * np.arange(entries) + np.cumsum(first)  # after the headings so far
    pieces = np.empty(2 * entries + int(first.sum()), dtype=object)
    pieces[position] = number_texts[at]
    pieces[position + 1] = weight_texts[place[weights] + len(values) * last]
    starting = np.flatnonzero(first)
    pieces[position[starting] - 1] = heads[in_ref[starting] + len(ref_names) * ~opens_partition[starting]]
    edges = np.append(position - 1, len(pieces))[np.searchsorted(in_partition, np.arange(count + 1))].tolist()
    return ["".join(pieces[start:end].tolist()) for start, end in zip(edges[:-1], edges[1:])]


@dataclass
class Plan:
    """What the search files of a site are made from: its articles oldest first (numbered so,
    in groups of GROUP), and the groups found in the cache (number -> keys and files)."""

    conferences: tuple[Conference, ...]
    keys: list[str]  # each group's cache key
    cached: dict[int, GroupIndex]


def plan(site: Site, store: Store[GroupIndex]) -> Plan:
    """Articles are numbered oldest first and indexed in groups of GROUP, so that a new
    article changes only the last group and an edit only its own (unchanged groups come
    from the cache). A group's key is a hash of what its index is made from."""
    conferences = site.conferences[::-1]
    starts = range(0, len(conferences), GROUP)
    # (an article's fields are made from its file by content.py and validate.py, with the config)
    code = code_digest(sys.modules[__name__], content, validate)
    keys = [digest(code, f"group {n} of {GROUP}",
                   *(part for c in conferences[start: start + GROUP] for part in _indexed(c)))
            for n, start in enumerate(starts)]
    cached = {n: found for n, key in enumerate(keys) if (found := store.get(key)) is not None}
    return Plan(conferences, keys, cached)


def _indexed(conference: Conference) -> tuple[str, ...]:
    """What an article's entry in the index is made from (see _fields): its file, and the names
    the config gives its cluster and kind and its provinces before or after a merger."""
    return conference.source_digest, conference.cluster.name, conference.kind, *conference.other_names


def index_group(conferences: tuple[Conference, ...], n: int) -> GroupIndex:
    """Group n's partitions: its keys in order, and each key's partition, packed."""
    start = n * GROUP
    documents = [{"id": str(start + k), **_fields(c)} for k, c in enumerate(conferences[start: start + GROUP])]
    return _group_files(documents)


class FilterTable(TypedDict):
    """filters.js: every article's cluster, year, kind and provinces (see _filter_table)."""

    clusters: list[str]
    kinds: list[str]
    provinces: list[str]
    firstYear: int  # (as the search page reads it)
    cluster: str
    year: str
    kind: str
    province: str


# What a search file is made from: a results file's articles, the filter table, or a partition
# file's partition key with the cache key of each group that has it (see partition_files);
# equal again, the same file.
SearchFileInputs = tuple[Conference, ...] | FilterTable | tuple[str, tuple[tuple[int, str], ...]]


class SearchFile(NamedTuple):
    """A file of the search index to make, unless the last build made it from the same."""

    made_from: SearchFileInputs
    make: Callable[[], bytes]


def result_files(site: Site, conferences: tuple[Conference, ...]) -> dict[str, SearchFile]:
    """What results show: r<n>.js holds articles RESULTS_PER_FILE * n onwards, each with the
    text its snippet is cut from; and the filter table (filters.js). Each file with what it
    is made from (equal again, the same file) and how to make it: after an edit, the live
    preview makes again only the files of the articles that changed."""
    files: dict[str, SearchFile] = {}
    for start in range(0, len(conferences), RESULTS_PER_FILE):
        name = f"{SCRIPT_DIR}/r{start // RESULTS_PER_FILE}.js"
        shown = conferences[start: start + RESULTS_PER_FILE]
        files[name] = SearchFile(shown, functools.partial(_results_script, name, shown))
    name = f"{SCRIPT_DIR}/filters.js"
    table = _filter_table(site, conferences)
    files[name] = SearchFile(table, functools.partial(_script, name, table))
    return files


def _results_script(name: str, conferences: tuple[Conference, ...]) -> bytes:
    return _script(name, [{**_document(c), "x": _text(c)} for c in conferences])


def _code(number: int) -> str:
    return chr(FIRST_CODE + number)


def _filter_table(site: Site, conferences: tuple[Conference, ...]) -> FilterTable:
    """Every article's cluster, year, kind and provinces, a column each: a string of one character
    per article (the value's number, counted from FIRST_CODE; the year from the first), the
    provinces' characters of successive articles parted by spaces. Read by the search page's
    table(); half the size of a list of rows, which its digits and brackets fill."""
    clusters = list(site.config.clusters)
    kinds = list(site.config.kinds)
    provinces = {p.name: n for n, p in enumerate(site.provinces)}
    first = min((c.date.year for c in conferences), default=0)
    return {
        "clusters": clusters, "kinds": kinds, "provinces": list(provinces), "firstYear": first,
        "cluster": "".join(_code(clusters.index(c.cluster_key)) for c in conferences),
        "year": "".join(_code(c.date.year - first) for c in conferences),
        "kind": "".join(_code(kinds.index(c.kind_key)) for c in conferences),
        "province": " ".join("".join(_code(provinces[p.name]) for p in c.provinces) for c in conferences),
    }


def partition_keys(groups: list[list[str]]) -> list[str]:
    """Every group's partition keys, sorted: key n's partitions lie in t<n>.js."""
    return sorted({key for keys in groups for key in keys})


def partition_files(groups: list[GroupIndex], made_of: list[str]) -> dict[str, SearchFile]:
    """t<n>.js for each partition key n (see partition_keys): the partition of that key of
    every group that has it, {group: packed}. Groups rarely split their partitions
    differently (the same words are common in each), so a query's word is nearly always
    one file. Each file with what it is made from and how to make it, as result_files: its
    partition key and the cache key of each group that has it (made_of, see plan: a hash of
    what the group's index is made from, so the same key is the same partition)."""
    files: dict[str, SearchFile] = {}
    for n, key in enumerate(partition_keys([index.keys for index in groups])):
        name = f"{SCRIPT_DIR}/t{n}.js"
        holders = [group for group, index in enumerate(groups) if key in index.partitions]
        parts = {str(group): groups[group].partitions[key] for group in holders}
        made_from = (key, tuple((group, made_of[group]) for group in holders))
        files[name] = SearchFile(made_from, functools.partial(_partition_script, name, parts))
    return files


def _partition_script(name: str, parts: dict[str, str]) -> bytes:
    return _wrap(name, json.dumps(parts))


class Manifest(TypedDict):
    """What the search page embeds (see manifest)."""

    keys: list[str]
    groups: list[list[int]]
    perFile: int  # (as the search page reads it)
    filters: str
    firstCode: int


def manifest(groups: list[list[str]]) -> Manifest:
    """What the search page embeds: every partition key (see partition_keys) and each group's keys
    as their numbers in it, oldest group first."""
    keys = partition_keys(groups)
    number = {key: n for n, key in enumerate(keys)}
    return {"keys": keys, "groups": [[number[key] for key in group] for group in groups],
            "perFile": RESULTS_PER_FILE, "filters": f"{SCRIPT_DIR}/filters.js", "firstCode": FIRST_CODE}


class QueryWords(TypedDict):
    """What the search page reads a query's words with (see query_words)."""

    aliases: dict[str, str]
    merged: dict[str, list[str]]


def _key(text: str) -> str:
    """A name as the search page compares typed words with it: its words as the index keeps them,
    folded and lower-case, one space between."""
    return " ".join(fold(normal(word)) for word in words(prepare(text)) if normal(word))


def query_words(config: SiteConfig) -> QueryWords:
    """The search page's table of other names: each short form of search_aliases, and every province
    of more than one word written as one ("daklak"), -> the name it stands for; and each province
    merged away -> [its name, its successor's, the day as dd/mm/yyyy, the day's year], which the page
    names when a query asks for the old name in a year after that day."""
    aliases: dict[str, str] = {}
    for name in config.provinces:
        joined = _key(name).replace(" ", "")
        if joined != _key(name):
            aliases.setdefault(joined, name)
    aliases.update({_key(form): name for form, name in config.search_aliases.items()})
    merged = {_key(old): [old, successor.name, successor.since.strftime("%d/%m/%Y"), str(successor.since.year)]
              for old, successor in config.successors.items()}
    return {"aliases": aliases, "merged": merged}


def lunr_script() -> Path:
    """lunr.js as installed from npm by the project's package.json."""
    return Path(__file__).resolve().parents[2] / "node_modules" / "lunr" / "lunr.min.js"

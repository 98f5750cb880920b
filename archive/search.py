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

The index is split into shards of at most SHARD_SIZE articles, by year,
newest first; each shard is a script (not JSON) so it also loads from file://.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lunr.builder import Builder
from lunr.pipeline import Pipeline
from lunr.token import Token

from .model import Conference, Site
from .vietnamese import format_date

SHARD_SIZE = 250
FIELDS = (("title", 10), ("meta", 4), ("body", 1))
SCRIPT_DIR = "search"


def fold(text: str) -> str:
    """What vi-fold adds: NFD, drop combining marks, đ -> d, NFC."""
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

_WHITESPACE = re.compile(r"\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def prepare(text: str) -> str:
    """Text as both sides tokenise it: NFC, one kind of space."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def plain_body(markdown_text: str) -> str:
    return _LINK.sub(r"\1", _IMAGE.sub(r"\1", markdown_text))


@dataclass(frozen=True)
class Shard:
    name: str  # file name under search/
    year: int
    conferences: tuple[Conference, ...]


def plan_shards(site: Site) -> list[Shard]:
    """Shards newest first: by year, a year larger than SHARD_SIZE split in parts."""
    shards = []
    for year in site.years:
        items = year.conferences
        for part, start in enumerate(range(0, len(items), SHARD_SIZE), start=1):
            shards.append(Shard(f"{year.key}-{part}.js", int(year.key), items[start: start + SHARD_SIZE]))
    return shards


def _fields(conference: Conference) -> dict[str, str]:
    meta = [conference.cluster.name, conference.kind, conference.location, conference.author,
            conference.source.name if conference.source else "", str(conference.date.year),
            *(p.name for p in conference.provinces), *conference.tags]
    return {
        "title": prepare(conference.title),
        "meta": prepare(" ".join(part for part in meta if part)),
        "body": prepare(conference.summary + " " + plain_body(conference.body_markdown)),
    }


def _document(conference: Conference) -> dict:
    """What a result shows, kept short: the browser never sees the whole body."""
    return {
        "u": conference.url, "t": conference.title, "d": format_date(conference.date),
        "i": conference.date.isoformat(), "c": conference.cluster_key, "n": conference.cluster.name,
        "k": conference.kind_key, "kn": conference.kind, "y": conference.date.year,
        "p": [p.name for p in conference.provinces], "s": _shorten(conference.summary, 320),
    }


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def build_shard(shard: Shard) -> dict:
    builder = Builder()
    builder.pipeline.add(*INDEX_PIPELINE)
    builder.ref("id")
    for name, boost in FIELDS:
        builder.field(name, boost=boost)
    for number, conference in enumerate(shard.conferences):
        builder.add({"id": str(number), **_fields(conference)})
    return {"name": shard.name, "year": shard.year,
            "docs": [_document(c) for c in shard.conferences], "index": builder.build().serialize()}


def _script(payload: dict) -> bytes:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # "</" inside a string would end an inline script; escaping it is harmless elsewhere.
    return ("ArchiveSearch.addShard(" + text.replace("</", "<\\/") + ");\n").encode("utf-8")


def search_files(site: Site) -> tuple[dict[str, bytes], list[dict]]:
    """The shard scripts (path -> bytes) and the manifest the search page embeds."""
    files = {}
    manifest = []
    for shard in plan_shards(site):
        files[f"{SCRIPT_DIR}/{shard.name}"] = _script(build_shard(shard))
        manifest.append({"file": f"{SCRIPT_DIR}/{shard.name}", "year": shard.year, "count": len(shard.conferences)})
    return files, manifest


def lunr_script() -> Path:
    """lunr.js as installed from npm by the project's package.json."""
    return Path(__file__).resolve().parent.parent / "node_modules" / "lunr" / "lunr.min.js"

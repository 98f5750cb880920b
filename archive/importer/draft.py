"""Import raw news pages as draft articles: read each page, fill the front matter, write it, report.

`python build.py import FILE... [--out DIR]` writes one draft per page to
DIR/<year>/<yyyy-mm-dd>-<slug>.md (draft: true), never over an existing
file, and prints how sure it is of each field: found, guessed (with the
words it went by) or not found. A guessed field is also listed for review
in a comment at the top of the front matter, and every figure written into
`results` is listed there with its scope and the sentence it came from.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..common.messages import say
from ..common.problems import BuildFailed, Problem
from ..common.vietnamese import slugify
from ..site.config import SiteConfig, load_config
from ..site.content import find_articles, read_article, shown_path
from ..site.validate import source_address
from . import dates, figures, kinds, people, places, provenance
from .figures import Unit
from .rawpage import Block, PageError, RawPage, is_signature, read_page, signature_name
from .text import Found, ProvinceIndex

_MERGER = dt.date(2025, 7, 1)  # provinces are named as they were on the conference's day
_MAX_SUFFIX = 50
# The cluster key under which a provincial alliance's own conference is filed (docs/importer.md, "cap-tinh").
PROVINCE_LEVEL = "cap-tinh"
FOUND, GUESSED, MISSING = "found", "guessed", "missing"


@dataclass(frozen=True)
class FieldNote:
    """How sure the importer is of one field: found in the page, guessed (why), or not found (why)."""

    field: str
    status: str  # FOUND, GUESSED or MISSING
    shown: str  # the value as the report shows it
    how: str  # the words it went by, or why it found nothing


@dataclass(frozen=True)
class Draft:
    """A draft article made from one page, and what the editor should know about it."""

    source: Path
    front: dict[str, Any]  # in the order of the content/ articles
    body: str
    notes: tuple[FieldNote, ...]
    figures: tuple[str, ...]  # "figures.cooperatives = 4139 (toàn cụm): "sentence"", one per figure written
    name: str  # <year>/<yyyy-mm-dd>-<slug>.md, or <slug>.md without a date
    paragraphs: int
    captions: int
    dropped: int
    already: tuple[str, ...] = ()  # how the archive already holds this page: "cùng tiêu đề với content/…"

    @property
    def review(self) -> tuple[str, ...]:
        return tuple(f"{note.field}: {note.how}" for note in self.notes if note.status == GUESSED)

    @property
    def empty(self) -> tuple[str, ...]:
        return tuple(f"{note.field}: {note.how}" for note in self.notes if note.status == MISSING)

    @property
    def flagged(self) -> set[str]:
        """The fields whose value the editor is told to check."""
        return {note.field for note in self.notes if note.status == GUESSED}


@dataclass
class _Notes:
    """Collects a FieldNote for each field as make_draft decides it."""

    items: list[FieldNote] = field(default_factory=list)

    def take(self, name: str, result: Found, shown: object = None) -> Any:
        """The value of a found field (None when empty), noted as found, guessed or missing."""
        if result.value in (None, "", [], {}):
            self.items.append(FieldNote(name, MISSING, "", result.how or say("import.not_found")))
            return None
        text = str(shown if shown is not None else result.value)
        self.items.append(FieldNote(name, GUESSED if result.doubtful else FOUND, text, result.how))
        return result.value

    def review(self, name: str, why: str) -> None:
        self.items.append(FieldNote(name, GUESSED, "", why))


@dataclass
class Known:
    """What the archive already holds: each cluster's provinces (to tell a cluster by its provinces),
    and the file of each title and source address (to say that a page was imported before)."""

    members: dict[str, set[str]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # folded title -> file
    sources: dict[str, str] = field(default_factory=dict)  # source_address -> file

    def add(self, data: Mapping[str, Any], shown: str) -> None:
        names = data.get("provinces") or []
        if isinstance(data.get("cluster"), str) and isinstance(names, list):
            self.members.setdefault(data["cluster"], set()).update(n for n in names if isinstance(n, str))
        if isinstance(data.get("title"), str) and data["title"].strip():
            self.titles.setdefault(_folded(data["title"]), shown)
        source = data.get("source")
        if isinstance(source, dict) and isinstance(source.get("url"), str) and source_address(source["url"]):
            self.sources.setdefault(source_address(source["url"]), shown)

    def holding(self, front: Mapping[str, Any]) -> tuple[str, ...]:
        """How the archive already holds the article of this front matter, if it does."""
        found = []
        source = front.get("source")
        url = source.get("url") if isinstance(source, dict) else None
        if isinstance(url, str) and source_address(url) in self.sources:
            found.append(say("import.same_source", path=self.sources[source_address(url)]))
        title = front.get("title")
        if isinstance(title, str) and _folded(title) in self.titles:
            found.append(say("import.same_title", path=self.titles[_folded(title)]))
        return tuple(found)


def _folded(title: str) -> str:
    return " ".join(title.split()).casefold()


def read_known(content_dir: Path) -> Known:
    """What the articles under content_dir hold (drafts included); unreadable files are skipped."""
    known = Known()
    if not content_dir.is_dir():
        return known
    try:
        paths = find_articles(content_dir)
    except BuildFailed:  # a link out of content/, a FIFO: the build says so; duplicates are looked for no further
        return known
    for path in paths:
        article = read_article(path)
        if not isinstance(article, Problem) and isinstance(article.front.data, dict):
            known.add(article.front.data, article.shown)
    return known


def known_members(content_dir: Path) -> dict[str, set[str]]:
    """cluster key -> every province its existing articles list."""
    return read_known(content_dir).members


def _province_names(config: SiteConfig, day: dt.date | None) -> tuple[str, ...]:
    before = tuple(config.raw.get("provinces") or ())
    after = tuple(config.raw.get("provinces_2025") or ())
    if day is None:
        return config.provinces
    return (after or config.provinces) if day >= _MERGER else (before or config.provinces)


@dataclass(frozen=True)
class _When:
    date: Found
    period: Found
    published: dt.datetime | None
    before_date: str  # what stands before the date on the publication line (often the writer's initials)
    lead: str  # the paragraph that gives the conference's day


def _when(page: RawPage, title: str, paragraphs: list[str], kind: str) -> _When:
    """The conference's date, the period it reviews and the page's publication moment."""
    period = dates.period(title, paragraphs)
    published_at, before_date = dates.published(page.head)
    if published_at is None and page.meta.get("published"):
        published_at = dates.published_meta(page.meta["published"])
    days = [(dates.conference_day(p), p) for p in paragraphs[:2]]
    day, lead = next(((d, p) for d, p in days if d), (None, paragraphs[0] if paragraphs else ""))
    date = dates.conference_date(day, published_at, period.value if isinstance(period.value, int) else None, kind)
    date_value = date.value if isinstance(date.value, dt.date) else None
    period = dates.period_from_date(period, date_value, kind)
    return _When(date, period, published_at, before_date, lead)


@dataclass(frozen=True)
class _Who:
    cluster: Found
    provinces: Found
    unit: Unit
    source: Found


def _own_key(config: SiteConfig, province: str, index: ProvinceIndex) -> str:
    """The cluster key of an alliance that has one of its own ("hai-phong"), else ""."""
    return next((key for key, name in config.clusters.items()
                 if places.single_province_cluster(name, index) == province), "")


def _who(page: RawPage, config: SiteConfig, title: str, paragraphs: list[str], lead: str,
         index: ProvinceIndex, members: Mapping[str, set[str]]) -> _Who:
    """Who held the conference: a cluster named in the opening, else one province's alliance, else any cluster
    the text names or whose known provinces fit; who took part; and where the page comes from."""
    source = provenance.source(list(page.tail), page.lead_prefix, list(page.head), page.meta, index)
    city = provenance.source_province(source.value if isinstance(source.value, dict) else None, index)
    named = places.provinces_named([title] + paragraphs, index)
    opening = places.named_clusters(f"{title}\n{lead}", config.clusters, index)
    if opening:
        best = max(opening, key=lambda key: opening[key])
        how = say("found.cluster.opening", name=config.clusters[best])
        return _Who(Found(best, how, len(opening) > 1), named, Unit("cluster"), source)
    alliance = places.provincial_alliance(title, lead, index, city)
    if isinstance(alliance.value, str):
        return _provincial(config, alliance, index, source)
    text = "\n".join([title] + paragraphs)
    names = [str(name) for name in named.value] if isinstance(named.value, list) else []
    found = places.cluster(text, config.clusters, index, city, names, members)
    single = places.single_province_cluster(config.clusters.get(str(found.value or ""), ""), index)
    if single:
        alliance = Found([single], say("found.scope.alliance", province=single))
        return _Who(found, alliance, Unit("alliance", single), source)
    if found.value and not found.doubtful:
        found = Found(found.value, say("found.cluster.not_in_opening", how=found.how), True)
    return _Who(found, named, Unit("cluster"), source)


def _provincial(config: SiteConfig, alliance: Found, index: ProvinceIndex,
                source: Found) -> _Who:
    province = str(alliance.value)
    provinces = Found([province], alliance.how, alliance.doubtful)
    own = _own_key(config, province, index)
    if own:
        how = say("found.cluster.own", province=province, name=config.clusters[own])
        return _Who(Found(own, how, alliance.doubtful), provinces, Unit("alliance", province), source)
    if PROVINCE_LEVEL in config.clusters:
        how = say("found.cluster.province_level", province=province, how=alliance.how)
        cluster = Found(PROVINCE_LEVEL, how, alliance.doubtful)
    else:
        cluster = Found(None, say("found.cluster.no_province_level", province=province,
                                  cluster_key=PROVINCE_LEVEL),
                        True)
    return _Who(cluster, provinces, Unit("province", province), source)


def make_draft(page: RawPage, config: SiteConfig, members: Mapping[str, set[str]] | None = None) -> Draft:
    """The front matter and body of one page, with every field it could find and how sure it is of each."""
    notes = _Notes()
    paragraphs = [block.text for block in page.blocks if not block.caption]
    title = places.tidy_title(page.title, config.clusters)
    notes.take("title", Found(title, say("found.title.line") if title else say("found.title.none")))
    kind = kinds.kind(title, paragraphs[0] if paragraphs else "")
    when = _when(page, title, paragraphs, str(kind.value or ""))
    if when.lead and paragraphs and when.lead != paragraphs[0] and kind.value is None:
        kind = kinds.kind(title, when.lead)
    date = when.date.value if isinstance(when.date.value, dt.date) else None
    index = ProvinceIndex.of(_province_names(config, date))
    who = _who(page, config, title, paragraphs, when.lead, index, members or {})
    front: dict[str, Any] = {"title": title or None}
    front["date"] = notes.take("date", when.date)
    front["cluster"] = notes.take("cluster", who.cluster)
    front["kind"] = notes.take("kind", kind)
    provinces = who.provinces.value if isinstance(who.provinces.value, list) else []
    _optional(front, notes, "provinces", who.provinces, ", ".join(str(name) for name in provinces))
    _optional(front, notes, "location", places.location([when.lead] + [p for p in paragraphs[:2] if p != when.lead]))
    _optional(front, notes, "period", when.period)
    source_name = (who.source.value or {}).get("name") if isinstance(who.source.value, dict) else None
    _optional(front, notes, "source", who.source, source_name)
    _optional(front, notes, "author", provenance.author(list(page.tail), when.before_date, page.meta,
                                                        is_signature, signature_name))
    if when.published:
        front["published"] = when.published.isoformat()
        notes.take("published", Found(f"{when.published:%Y-%m-%d %H:%M}", say("found.published.line")))
    else:
        notes.take("published", Found(None, say("found.published.none")))
    front["draft"] = True
    results, sources = _results(paragraphs, index, who.unit, when.period.value, str(kind.value or ""), notes)
    if results:
        front["results"] = results
    slug = _slug(front, title)
    name = f"{date.year}/{date.isoformat()}-{slug}.md" if date else f"{slug}.md"
    captions = sum(1 for block in page.blocks if block.caption)
    return Draft(page.path, front, render_body(page.blocks), tuple(notes.items), tuple(sources), name,
                 len(paragraphs), captions, page.dropped)


def _optional(front: dict[str, Any], notes: _Notes, name: str, result: Found, shown: object = None) -> None:
    value = notes.take(name, result, shown)
    if value:
        front[name] = value


def _results(paragraphs: list[str], index: ProvinceIndex, unit: Unit, period: object, kind: str,
             notes: _Notes) -> tuple[dict[str, Any], list[str]]:
    """results: the figures whose scope is clear, the awards, the leaders; the rest goes on the review list."""
    found_figures = figures.figures(paragraphs, index, unit)
    results: dict[str, Any] = {}
    if found_figures.cluster:
        results["figures"] = found_figures.cluster
    if found_figures.by_province:
        results["by_province"] = found_figures.by_province
    for name, why in found_figures.notes:
        notes.review(f"results.{name}" if name != "results" else name, why)
    awards = people.awards(paragraphs)
    if awards:
        results["awards"] = awards
        notes.review("results.awards", say("import.check_review"))
    if unit.kind == "cluster":
        found = people.leaders(paragraphs, index, period if isinstance(period, int) else None, kind)
        value = found.value if isinstance(found.value, dict) else {}
        shown = "; ".join(f"{role} {', '.join(names) or '-'}" for role, names in value.items())
        if notes.take("results.leaders", found, shown):
            results["leaders"] = value
    return results, found_figures.sources


def _slug(front: Mapping[str, Any], title: str) -> str:
    unit = front.get("cluster")
    if unit == PROVINCE_LEVEL and front.get("provinces"):
        unit = slugify(front["provinces"][0])  # "lao-cai-tong-ket-2023": the province, not the shared key
    if unit and front.get("kind") in ("tong-ket", "so-ket", "ky-niem") and front.get("period"):
        return f"{unit}-{front['kind']}-{front['period']}"
    words = slugify(title).split("-")[:10]
    return "-".join(words) or "bai-nhap"


def _markdown_text(text: str) -> str:
    """A paragraph as Markdown that shows exactly this text (no markup of the source survives)."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"^(#|>|[-+] |\d+\. )", r"\\\1", text)
    return text.replace("<", "&lt;") if "<" in text else text


def render_body(blocks: tuple[Block, ...]) -> str:
    """Paragraphs as text; a caption whose photo the archive lacks as ![caption]() on its own."""
    parts = []
    for block in blocks:
        if block.caption:
            caption = block.text.replace("[", "(").replace("]", ")").replace("\\", "")
            parts.append(f"![{caption}]()")
        else:
            parts.append(_markdown_text(block.text))
    return "\n\n".join(parts) + "\n"


def _yaml(value: Any) -> str:
    """One value in YAML flow style, quoted where it has to be."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_yaml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    if value is None:
        return ""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:+\-]+", value):
        return value
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def render_draft(draft: Draft) -> str:
    """The whole article file: front matter with its review comments, then the body."""
    lines = ["---", say("draft.head", page=draft.source.name), say("draft.head2")]
    lines.extend(say("draft.already", what=_comment(item)) for item in draft.already)
    for heading, items in (("draft.review", draft.review), ("draft.empty", draft.empty),
                           ("draft.figures", draft.figures)):
        if items:
            lines.append(say(heading))
            lines.extend(say("draft.item", item=_comment(item)) for item in items)
    for key, value in draft.front.items():
        lines.extend(_front_lines(key, value))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + draft.body


def _comment(text: str) -> str:
    return " ".join(text.split())


def _front_lines(key: str, value: Any) -> list[str]:
    if key == "date" and value is not None:
        return [f"date: {value.isoformat()}"]
    if key == "results":
        return ["results:"] + [line for part, content in value.items() for line in _results_lines(part, content)]
    if isinstance(value, bool):
        return [f"{key}: {'true' if value else 'false'}"]
    rendered = _yaml(value)
    return [f"{key}: {rendered}" if rendered else f"{key}:"]


def _results_lines(part: str, content: Any) -> list[str]:
    if part == "figures":
        return ["  figures:"] + [f"    {k}: {v}" for k, v in content.items()]
    if part == "by_province":
        return ["  by_province:"] + [f"    {_yaml(name)}: {_yaml(numbers)}" for name, numbers in content.items()]
    if part == "awards":
        return ["  awards:"] + [f"    - {_yaml(item)}" for item in content]
    return ["  leaders:", f"    chair: {_yaml(content.get('chair', []))}",
            f"    deputy: {_yaml(content.get('deputy', []))}"]


def write_draft(draft: Draft, out_dir: Path) -> tuple[Path, str]:
    """Write the draft under out_dir without ever replacing a file; (path, what happened)."""
    wanted = out_dir / draft.name
    wanted.parent.mkdir(parents=True, exist_ok=True)
    text = render_draft(draft)
    for number in range(1, _MAX_SUFFIX + 1):
        path = wanted if number == 1 else wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")
        try:
            with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists, even in a race
                handle.write(text)
        except FileExistsError:
            continue
        if number == 1:
            return path, ""
        return path, say("import.numbered", wanted=wanted, name=path.name)
    raise PageError(say("import.no_room", wanted=wanted, count=_MAX_SUFFIX - 1))


_MARKS = {FOUND: "import.found", GUESSED: "import.guessed", MISSING: "import.missing"}


def summary(draft: Draft, path: Path) -> str:
    """One line per page: how many fields were found, guessed and not found, and where the draft went."""
    fields = [note for note in draft.notes if note.field in _FIELDS]
    count = {status: sum(1 for note in fields if note.status == status) for status in _MARKS}
    unclear = sum(1 for note in draft.notes if note.field == "results")
    return say("import.summary", page=draft.source.name, found=count[FOUND], guessed=count[GUESSED],
               missing=count[MISSING], figures=len(draft.figures), unclear=unclear, path=path)


_FIELDS = ("title", "date", "cluster", "kind", "provinces", "location", "period", "source", "author", "published",
           "results.leaders")


def report(draft: Draft, path: Path, how: str) -> str:
    """What the importer says about one page: a summary line, then each field found, guessed or not found."""
    lines = [summary(draft, path)]
    lines.extend(say("import.already", what=item) for item in draft.already)
    if how:
        lines.append(say("import.note", note=how))
    for note in draft.notes:
        shown = f" {note.shown}" if note.shown else ""
        lines.append(say("import.field", mark=say(_MARKS[note.status]), field=note.field, shown=shown,
                         how=_comment(note.how)))
    lines.extend(say("import.figure", item=item) for item in draft.figures)
    lines.append(say("import.content", paragraphs=draft.paragraphs, captions=draft.captions, dropped=draft.dropped))
    return "\n".join(lines)


def import_pages(files: list[Path], config_path: Path, out_dir: Path, content_dir: Path) -> int:
    """Import every file; 0 when each became a draft, 1 when any could not be read or written."""
    if not files:
        print(say("import.no_files"), file=sys.stderr)
        return 2
    config = load_config(config_path)
    known = read_known(content_dir)
    failed = 0
    for file in files:
        try:
            draft = make_draft(read_page(file), config, known.members)
            draft = replace(draft, already=known.holding(draft.front))
            path, how = write_draft(draft, out_dir)
        except PageError as error:
            print(say("import.page_error", file=file, error=error), file=sys.stderr)
            failed += 1
            continue
        except OSError as error:
            print(say("import.cannot_read", file=file, error=error.strerror or error), file=sys.stderr)
            failed += 1
            continue
        known.add(draft.front, shown_path(path))  # the same page twice in one import is also said
        print(report(draft, path, how))
    done = len(files) - failed
    print(say("import.done_failed", count=done, folder=out_dir, failed=failed) if failed
          else say("import.done", count=done, folder=out_dir))
    return 1 if failed else 0

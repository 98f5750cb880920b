"""The site model: conferences and the clusters, years, provinces and tags that list them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple, TypeVar

from ..common.vietnamese import format_quantity, slugify, sort_key
from .config import Indicator, SiteConfig, Successor

Slotted = TypeVar("Slotted", bound=type)


def pickled_as_tuple(cls: Slotted) -> Slotted:
    """A frozen, slotted dataclass pickled as the tuple of its fields' values (the cache holds
    every article with its results, the workers are sent them): dataclasses' own state asks
    fields() of every object, on writing and on reading, which took two thirds of the time
    of pickling 10.000 articles (tests/test_cache.py checks it is not asked). A field that
    __init__ does not take is left out, and made again by __post_init__ on loading."""
    names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    values = operator.attrgetter(*names)
    one = len(names) == 1
    post_init = getattr(cls, "__post_init__", None)

    def __getstate__(self: object) -> tuple[object, ...]:
        return (values(self),) if one else values(self)

    def __setstate__(self: object, state: tuple[object, ...]) -> None:
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)
        if post_init is not None:
            post_init(self)

    cls.__getstate__ = __getstate__  # type: ignore[method-assign, assignment]  # (mypy: a method of object)
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Link:
    """Something with a page of its own: a cluster, a province, a year."""

    name: str
    url: str


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Figure:
    indicator: Indicator
    value: int
    line: int = 0  # where the article states it, for warnings
    approximate: bool = False  # the source says "gần 5.500": listed under results.approx

    @property
    def text(self) -> str:
        """ "4.425 HTX", "226 tỷ đồng", "gần 5.500 thành viên"."""
        return approximately(format_quantity(self.value, self.indicator.unit), self.approximate)


def approximately(text: str, approximate: bool) -> str:
    """A figure as printed, "gần 5.500" when the source gave it as approximate."""
    return f"gần {text}" if approximate else text


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class ProvinceFigures:
    province: Link
    figures: tuple[Figure, ...]


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Award:
    award: str
    recipient: str


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Results:
    """What a conference reported, as data."""

    figures: tuple[Figure, ...] = ()
    by_province: tuple[ProvinceFigures, ...] = ()
    awards: tuple[Award, ...] = ()
    chairs: tuple[str, ...] = ()
    deputies: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.figures or self.by_province or self.awards or self.chairs or self.deputies)


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Image:
    caption: str
    src: str = ""  # file name in output beside the article page; "" when the photo is absent
    file: Path | None = None  # where the photo is on disk


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Conference:
    """One article: one conference and what it reported."""

    path: str  # the source file, as shown in messages
    slug: str
    url: str
    title: str
    date: dt.date
    cluster_key: str
    cluster: Link
    kind_key: str
    kind: str
    provinces: tuple[Link, ...]
    location: str
    period: int
    summary: str
    source: Source | None
    author: str
    published: dt.datetime | None
    tags: tuple[str, ...]
    draft: bool
    images: tuple[Image, ...]
    results: Results
    body_markdown: str
    photo_files: tuple[tuple[str, Path], ...] = ()  # (name beside the page, file on disk)
    body_html: str = ""
    year: Link = field(default=Link("", ""))
    source_digest: str = ""  # of the file it was read from (content.SourceFile.digest)
    other_names: tuple[str, ...] = ()  # its provinces' names before or after a merger (other_names), for search

    # When the article last changed, for feeds and the sitemap: its publication time or the
    # conference day (a field, set once: the sitemap asks for it on every page that lists the article).
    # Not pickled (the cache, the build's workers): made again on loading, with this process's
    # time zone object (a pickle would bring one of its own).
    updated: dt.datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        updated = self.published or dt.datetime.combine(self.date, dt.time(0, 0), _VIETNAM)
        if updated.utcoffset() == _VIETNAM.utcoffset(None):
            # One time zone object for all: two times of different zone objects compare ten times slower
            # (the sitemap compares tens of thousands of them on every build).
            updated = updated.replace(tzinfo=_VIETNAM)
        object.__setattr__(self, "updated", updated)


_VIETNAM = dt.timezone(dt.timedelta(hours=7))


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int
    conferences: tuple[Conference, ...]


def _year(conference: Conference) -> int:
    return conference.date.year


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Listing:
    """A page that lists conferences: a cluster, a year or a province."""

    key: str
    name: str
    url: str
    conferences: tuple[Conference, ...]  # newest first
    feed_url: str = ""

    def by_year(self, conferences: tuple[Conference, ...] | None = None) -> tuple[YearGroup, ...]:
        """The conferences (newest first, so each year's are together) in a group per year."""
        listed = self.conferences if conferences is None else conferences
        return tuple(YearGroup(year, tuple(items)) for year, items in itertools.groupby(listed, _year))


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Entry:
    """A line of an index of clusters, years or provinces: where it links and how many conferences it has."""

    key: str
    name: str
    url: str
    count: int

    @classmethod
    def of(cls, listing: Listing) -> Entry:
        return cls(listing.key, listing.name, listing.url, len(listing.conferences))


class Mention(NamedTuple):
    """Another conference as an article page links to it (a page shows only this of it). A named
    tuple: the live preview compares the 70.000 of a large site with the last build's on every
    edit, and tuples compare several times faster than dataclasses."""

    title: str
    url: str
    date: dt.date
    kind: str
    cluster: str
    draft: bool = False  # (only the preview shows drafts, marked)

    @classmethod
    def of(cls, conference: Conference) -> Mention:
        return cls(conference.title, conference.url, conference.date, conference.kind, conference.cluster.name,
                   conference.draft)


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Site:
    config: SiteConfig
    conferences: tuple[Conference, ...]  # newest first
    clusters: tuple[Listing, ...]  # in the order of site_config.yaml, only those with conferences
    years: tuple[Listing, ...]  # newest first
    provinces: tuple[Listing, ...]  # Vietnamese alphabetical order
    neighbours: dict[str, tuple[Mention | None, Mention | None]]  # url -> (older, newer) of its cluster and kind
    related: dict[str, tuple[Mention, ...]] = field(default_factory=dict)  # url -> related conferences (_links)
    tags: tuple[Listing, ...] = ()  # Vietnamese alphabetical order, one per tag's slug


def url_for(config: SiteConfig, kind: str, **values: object) -> str:
    return config.urls[kind].format(**values)


def province_link(config: SiteConfig, name: str) -> Link:
    return Link(name, _province_url(config.urls["province"], name))


@functools.lru_cache(maxsize=4096)
def _province_url(pattern: str, name: str) -> str:
    """A province's page address (63 names used in every article: slugified once each)."""
    return pattern.format(province=slugify(name))


def tag_link(config: SiteConfig, name: str) -> Link:
    """A tag's page; a tag of no letter or digit has none (url "")."""
    slug = slugify(name)
    return Link(name, url_for(config, "tag", tag=slug) if slug else "")


# --- Mergers: what a province became, or took in (site_config.yaml's successors) ------------------

@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Absorbed:
    """Provinces that became part of another on one day."""

    since: dt.date
    provinces: tuple[Link, ...]


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Merger:
    """A province page's note: the province it became part of (merged away), or those it took in."""

    became: Link | None = None
    since: dt.date | None = None
    absorbed: tuple[Absorbed, ...] = ()


def _predecessors(config: SiteConfig, name: str) -> tuple[tuple[str, Successor], ...]:
    """The provinces that became part of name, each with its succession, in the config's order."""
    return config.predecessors.get(name, ())


def merger_of(config: SiteConfig, name: str, pages: set[str]) -> Merger | None:
    """What the province name became or took in; a province links only where it has a page (pages: names)."""
    def link(other: str) -> Link:
        return Link(other, province_link(config, other).url if other in pages else "")

    successor = config.successors.get(name)
    by_day: dict[dt.date, list[Link]] = {}
    for old, succession in _predecessors(config, name):
        by_day.setdefault(succession.since, []).append(link(old))
    if successor is None and not by_day:
        return None
    absorbed = tuple(Absorbed(day, tuple(sorted(links, key=lambda item: sort_key(item.name))))
                     for day, links in sorted(by_day.items()))
    return Merger(link(successor.name) if successor else None, successor.since if successor else None, absorbed)


def merger_day(config: SiteConfig, name: str) -> dt.date | None:
    """The day the province's figures stop being comparable with those before: when it was merged
    away, or when it first took others in."""
    successor = config.successors.get(name)
    if successor is not None:
        return successor.since
    return min((succession.since for _, succession in _predecessors(config, name)), default=None)


def other_names(config: SiteConfig, name: str, day: dt.date) -> tuple[str, ...]:
    """The other names of the place a province named on day: what it had become by then (a conference
    held after the day that still names the old province), and the provinces merged into it by then
    (searching either name finds the article, and neither name reaches the other before the day)."""
    found: list[str] = []
    current = name
    while (current in config.successors and config.successors[current].since <= day
           and config.successors[current].name not in found + [name]):
        current = config.successors[current].name
        found.append(current)
    todo = [name]
    while todo:
        for old, succession in _predecessors(config, todo.pop()):
            if succession.since <= day and old not in found and old != name:
                found.append(old)
                todo.append(old)
    return tuple(found)


def newest_first(conferences: Iterable[Conference]) -> tuple[Conference, ...]:
    return tuple(sorted(conferences, key=lambda c: (c.date, c.url), reverse=True))


def build_site(config: SiteConfig, conferences: list[Conference]) -> Site:
    """Group the conferences into the pages that list them (one pass over them, newest first)."""
    ordered = newest_first(conferences)
    by_cluster: dict[str, list[Conference]] = {key: [] for key in config.clusters}
    by_year: dict[int, list[Conference]] = {}
    by_province: dict[str, list[Conference]] = {}
    by_tag: dict[str, tuple[str, list[Conference]]] = {}
    for conference in ordered:
        by_cluster[conference.cluster_key].append(conference)
        by_year.setdefault(conference.date.year, []).append(conference)
        # A province that takes part or only has figures reported: either way the conference concerns it.
        reported = tuple(row.province for row in conference.results.by_province)
        for name in dict.fromkeys(p.name for p in conference.provinces + reported):
            by_province.setdefault(name, []).append(conference)
        for tag in conference.tags:  # "Giao ước thi đua" and "giao ước thi đua": one page, named as first met
            tagged = by_tag.setdefault(slugify(tag), (tag, []))[1]
            if not tagged or tagged[-1] is not conference:
                tagged.append(conference)
    clusters = tuple(Listing(key, config.clusters[key], url_for(config, "cluster", cluster=key), tuple(members),
                             url_for(config, "cluster_feed", cluster=key))
                     for key, members in by_cluster.items() if members)
    years = tuple(Listing(str(year), f"Năm {year}", url_for(config, "year", year=year), tuple(members))
                  for year, members in sorted(by_year.items(), reverse=True))
    provinces = tuple(
        Listing(slugify(name), name, province_link(config, name).url, tuple(items))
        for name, items in sorted(by_province.items(), key=lambda item: sort_key(item[0]))
    )
    tags = tuple(Listing(slug, name, url_for(config, "tag", tag=slug), tuple(items))
                 for slug, (name, items) in sorted(by_tag.items(), key=lambda item: sort_key(item[1][0])) if slug)
    mentions = tuple(map(Mention.of, ordered))
    near, related = _links(tuple((c.cluster_key, c.kind_key, c.date.toordinal(), tuple(p.name for p in c.provinces))
                                 for c in ordered))
    return Site(config, ordered, clusters, years, provinces,
                {c.url: (mentions[older] if older >= 0 else None, mentions[newer] if newer >= 0 else None)
                 for c, (older, newer) in zip(ordered, near)},
                {c.url: tuple(mentions[other] for other in others) for c, others in zip(ordered, related)}, tags)


RELATED = 5  # conferences an article page suggests
_NEAR = 3  # of each cluster or province list, the conferences this close in its order are candidates


_Shape = tuple[str, str, int, tuple[str, ...]]  # a conference's cluster, kind, day and provinces


@functools.lru_cache(maxsize=1)  # the live preview: an edit to an article's text keeps the links as they were
def _links(shape: tuple[_Shape, ...]) -> tuple[list[tuple[int, int]], list[tuple[int, ...]]]:
    """The links between conferences, by their number in the site's order (newest first); shape: each
    one's cluster, kind, day and provinces. First each one's previous and next of the same cluster and
    kind (-1 for none): last year's year-end review before this year's. Then up to RELATED related
    conferences: of its cluster and its provinces, those sharing the most (the cluster counts as
    much as a province), then the nearest in time, then the newer; its previous and next are on the
    page already and left out. Candidates are the _NEAR nearest in the cluster's and each province's
    list, so that a large site costs no more per conference than a small one."""
    near = [(-1, -1)] * len(shape)
    newer: dict[tuple[str, str], int] = {}
    lists: dict[tuple[str, str], list[int]] = {}
    for index, (cluster, kind, _, provinces) in enumerate(shape):
        after = newer.get((cluster, kind), -1)
        near[index] = (-1, after)
        if after >= 0:
            near[after] = (index, near[after][1])
        newer[cluster, kind] = index
        for key in (("", cluster), *(("p", name) for name in provinces)):
            lists.setdefault(key, []).append(index)
    shared: list[dict[int, int]] = [{} for _ in shape]  # conference -> candidate -> lists shared
    for members in lists.values():
        for place, index in enumerate(members):
            counts = shared[index]
            for other in members[max(0, place - _NEAR): place] + members[place + 1: place + 1 + _NEAR]:
                counts[other] = counts.get(other, 0) + 1
    related = []
    for index, counts in enumerate(shared):
        for shown in near[index]:
            counts.pop(shown, None)
        day = shape[index][2]
        best = sorted((-count, abs(shape[other][2] - day), other) for other, count in counts.items())[:RELATED]
        related.append(tuple(other for _, _, other in best))
    return near, related

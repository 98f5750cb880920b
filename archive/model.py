"""The site model: conferences and the clusters, years and provinces that list them."""
from __future__ import annotations

import datetime as dt
import functools
import itertools
from dataclasses import dataclass, field
from pathlib import Path

from .config import Indicator, SiteConfig
from .vietnamese import format_quantity, slugify, sort_key


@dataclass(frozen=True)
class Link:
    """Something with a page of its own: a cluster, a province, a year."""

    name: str
    url: str


@dataclass(frozen=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ProvinceFigures:
    province: Link
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Award:
    award: str
    recipient: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Image:
    caption: str
    src: str = ""  # file name in output beside the article page; "" when the photo is absent
    file: Path | None = None  # where the photo is on disk


@dataclass(frozen=True)
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

    @property
    def updated(self) -> dt.datetime:
        """When the article last changed, for feeds: its publication time or the conference day."""
        if self.published:
            return self.published
        return dt.datetime.combine(self.date, dt.time(0, 0), dt.timezone(dt.timedelta(hours=7)))


@dataclass(frozen=True)
class YearGroup:
    year: int
    conferences: tuple[Conference, ...]


def _year(conference: Conference) -> int:
    return conference.date.year


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Entry:
    """A line of an index of clusters, years or provinces: where it links and how many conferences it has."""

    key: str
    name: str
    url: str
    count: int

    @classmethod
    def of(cls, listing: Listing) -> Entry:
        return cls(listing.key, listing.name, listing.url, len(listing.conferences))


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    conferences: tuple[Conference, ...]  # newest first
    clusters: tuple[Listing, ...]  # in the order of site_config.yaml, only those with conferences
    years: tuple[Listing, ...]  # newest first
    provinces: tuple[Listing, ...]  # Vietnamese alphabetical order
    neighbours: dict[str, tuple[Conference | None, Conference | None]]  # url -> (older, newer) in its cluster


def url_for(config: SiteConfig, kind: str, **values: object) -> str:
    return config.urls[kind].format(**values)


def province_link(config: SiteConfig, name: str) -> Link:
    return Link(name, _province_url(config.urls["province"], name))


@functools.lru_cache(maxsize=4096)
def _province_url(pattern: str, name: str) -> str:
    """A province's page address (63 names used in every article: slugified once each)."""
    return pattern.format(province=slugify(name))


def newest_first(conferences) -> tuple[Conference, ...]:
    return tuple(sorted(conferences, key=lambda c: (c.date, c.url), reverse=True))


def build_site(config: SiteConfig, conferences: list[Conference]) -> Site:
    """Group the conferences into the pages that list them (one pass over them, newest first)."""
    ordered = newest_first(conferences)
    by_cluster: dict[str, list[Conference]] = {key: [] for key in config.clusters}
    by_year: dict[int, list[Conference]] = {}
    by_province: dict[str, list[Conference]] = {}
    for conference in ordered:
        by_cluster[conference.cluster_key].append(conference)
        by_year.setdefault(conference.date.year, []).append(conference)
        # A province that takes part or only has figures reported: either way the conference concerns it.
        reported = tuple(row.province for row in conference.results.by_province)
        for name in dict.fromkeys(p.name for p in conference.provinces + reported):
            by_province.setdefault(name, []).append(conference)
    clusters = tuple(Listing(key, config.clusters[key], url_for(config, "cluster", cluster=key), tuple(members),
                             url_for(config, "cluster_feed", cluster=key))
                     for key, members in by_cluster.items() if members)
    neighbours: dict[str, tuple[Conference | None, Conference | None]] = {}
    for cluster in clusters:
        members = cluster.conferences
        for index, conference in enumerate(members):
            older = members[index + 1] if index + 1 < len(members) else None
            newer = members[index - 1] if index > 0 else None
            neighbours[conference.url] = (older, newer)
    years = tuple(Listing(str(year), f"Năm {year}", url_for(config, "year", year=year), tuple(members))
                  for year, members in sorted(by_year.items(), reverse=True))
    provinces = tuple(
        Listing(slugify(name), name, province_link(config, name).url, tuple(items))
        for name, items in sorted(by_province.items(), key=lambda item: sort_key(item[0]))
    )
    return Site(config, ordered, clusters, years, provinces, neighbours)

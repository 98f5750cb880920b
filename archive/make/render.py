"""Render the site model through the Jinja2 templates into page files."""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import operator
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import urlsplit

import jinja2
from jinja2 import meta

from ..common.messages import say
from ..common.problems import BuildFailed, Problem
from ..common.vietnamese import format_date, format_number, format_quantity, format_short_date
from ..site.config import SiteConfig
from ..site.model import (
    Conference,
    Entry,
    Link,
    Listing,
    Mention,
    Merger,
    Site,
    YearGroup,
    merger_of,
    pickled_as_tuple,
    province_link,
    tag_link,
    url_for,
)
from . import results, search

# --- What each template shows --------------------------------------------------------------------
# A record per template, its fields the template's variables besides those of every page (config,
# page_path, root). Named tuples: the live preview compares every page's with the last build's on
# every edit, and tuples compare faster than dataclasses (see model.Mention).

Trail = tuple[tuple[str, str], ...]  # the breadcrumbs after the home page: (name, address) of each step


class HomeContext(NamedTuple):
    conferences: tuple[Conference, ...]  # the newest, per_page of them
    clusters: tuple[Entry, ...]
    years: tuple[Entry, ...]
    provinces: tuple[Entry, ...]
    trail: Trail


class HubContext(NamedTuple):
    """The index page of every cluster, year, province or tag."""

    heading: str
    entries: tuple[Entry, ...]
    kind: str  # of url: "cluster", "year", "province", "tag"
    trail: Trail


class ArticleContext(NamedTuple):
    conference: Conference
    older: Mention | None  # the previous of the same cluster and kind
    newer: Mention | None
    related: tuple[Mention, ...]
    tags: tuple[Link, ...]
    chairs: tuple[Link, ...]  # the cluster's leaders, each linking to its province's page where it has one
    deputies: tuple[Link, ...]
    breakdown: results.Breakdown | None
    trail: Trail


class TagContext(NamedTuple):
    listing: Entry
    groups: tuple[YearGroup, ...]
    trail: Trail


@pickled_as_tuple
@dataclass(frozen=True, slots=True)
class Pagination:
    """Where a cluster's page stands among its pages (a dataclass: a tuple's count() would hide count)."""

    number: int  # from 1
    count: int
    previous: str | None  # the address of the page before, None on the first
    next: str | None


class ClusterContext(NamedTuple):
    listing: Entry
    feed_url: str
    groups: tuple[YearGroup, ...]  # this page's conferences, by year
    history: results.Table | None  # on the first page only
    trail: Trail
    pagination: Pagination


class YearContext(NamedTuple):
    listing: Listing
    comparison: results.Table | None
    trail: Trail


class ProvinceContext(NamedTuple):
    listing: Entry
    groups: tuple[YearGroup, ...]
    history: results.Table | None
    merger: Merger | None
    trail: Trail


class FeedContext(NamedTuple):
    """An Atom feed: the site's or a cluster's."""

    feed_title: str
    feed_url: str
    page_link: str  # the page the feed follows, "" for the home page
    entries: tuple[Conference, ...]
    updated: dt.datetime | None  # None: as new as its newest entry


class DataContext(NamedTuple):
    """The page of the downloads."""

    columns: tuple[tuple[str, str, str], ...]  # results.COLUMNS
    rows: int
    csv_url: str
    json_url: str
    trail: Trail


class NotFoundContext(NamedTuple):
    trail: Trail


class SitemapContext(NamedTuple):
    urls: list[tuple[str, dt.datetime | None]]  # each page's address and when what it shows last changed


class RobotsContext(NamedTuple):
    """robots.txt shows nothing but the config."""


class SearchContext(NamedTuple):
    manifest: search.Manifest
    words: search.QueryWords
    clusters: tuple[Entry, ...]
    years: tuple[Entry, ...]
    provinces: tuple[Entry, ...]
    trail: Trail


Context = (HomeContext | HubContext | ArticleContext | TagContext | ClusterContext | YearContext | ProvinceContext
           | FeedContext | DataContext | NotFoundContext | SitemapContext | RobotsContext | SearchContext)


@dataclass(frozen=True)
class Page:
    """One file of the site: where it goes and which template draws it."""

    path: str  # relative to the output folder, e.g. "2023/x/index.html"
    template: str
    context: Context  # what the template shows besides the config; a page is drawn again only when this changes


@functools.lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    """The Jinja environment of a templates folder: made once, each template compiled once and
    again when its file changes (Jinja's auto_reload)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date_vi=_date_vi, short_date=format_short_date, number=format_number, quantity=format_quantity,
        href=_href, absolute=_absolute, iso=_iso, canonical=_canonical,
    )
    env.globals.update(news_article=_news_article, breadcrumbs=_breadcrumbs, hub_url=_hub_url)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


_date_vi_cached = functools.lru_cache(maxsize=1 << 16)(format_date)  # list pages show the same dates again and again


def _date_vi(day: dt.date) -> str:
    try:
        return _date_vi_cached(day)
    except TypeError:  # not a date at all: let format_date say what is wrong
        return format_date(day)


@jinja2.pass_context
def _href(context: jinja2.runtime.Context, url: str) -> str:
    """A link relative to the page being drawn, so the site works under any
    sub-path and from disk; folders get index.html, which file:// needs."""
    target = url + "index.html" if url == "" or url.endswith("/") else url
    root: str = context["root"]
    return root + target


@jinja2.pass_context
def _absolute(context: jinja2.runtime.Context, url: str) -> str:
    config: SiteConfig = context["config"]
    return config.base_url + url


@jinja2.pass_context
def _canonical(context: jinja2.runtime.Context, path: str) -> str:
    """A page's published address: a folder's ends in /, as shared links and the sitemap have it."""
    config: SiteConfig = context["config"]
    return config.base_url + (path[: -len("index.html")] if path.endswith("index.html") else path)


SHARE_IMAGE = "static/chia-se.png"  # what a shared link shows when the page has no photo of its own


@jinja2.pass_context
def _news_article(context: jinja2.runtime.Context, conference: Conference) -> dict[str, object]:
    """schema.org NewsArticle of an article page, for search engines and shared links."""
    config: SiteConfig = context["config"]
    url = config.base_url + conference.url
    photos = [url + image.src for image in conference.images if image.src]
    publisher = {"@type": "Organization", "name": config.title, "url": config.base_url}
    article: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": conference.title,
        "description": conference.summary, "url": url, "mainEntityOfPage": url, "inLanguage": "vi",
        "datePublished": (conference.published or conference.date).isoformat(),
        "dateModified": conference.updated.isoformat(),
        "image": photos or [config.base_url + SHARE_IMAGE], "publisher": publisher,
        "author": {"@type": "Person", "name": conference.author} if conference.author else publisher,
        "about": [conference.cluster.name, *(province.name for province in conference.provinces)],
    }
    if conference.location:
        article["contentLocation"] = {"@type": "Place", "name": conference.location}
    return article


# The index pages of all clusters, years and provinces: (kind of url, label); each lies at the
# part of its kind's address before the first placeholder ("cum/{cluster}/" -> "cum/").
HUBS = (("cluster", "Cụm thi đua"), ("year", "Các năm"), ("province", "Tỉnh, thành phố"), ("tag", "Từ khóa"))


def hub_of(config: SiteConfig, kind: str) -> str:
    """The address of the index page of a kind of listing ("cum/"); "" when its pattern has no fixed folder."""
    folder = config.urls[kind].split("{", 1)[0]
    return folder if folder.endswith("/") and folder != "/" else ""


@jinja2.pass_context
def _hub_url(context: jinja2.runtime.Context, kind: str) -> str:
    return hub_of(context["config"], kind)


@jinja2.pass_context
def _breadcrumbs(context: jinja2.runtime.Context, *steps: tuple[str, str]) -> dict[str, object]:
    """schema.org BreadcrumbList from the home page through these steps (each a name and an address)."""
    config: SiteConfig = context["config"]
    trail = [("Trang chủ", ""), *steps]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": number, "name": name, "item": config.base_url + url}
        for number, (name, url) in enumerate(trail, start=1)]}


def _iso(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        return moment.isoformat()
    return moment.isoformat()


def _root_for(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


def plan_pages(site: Site, tables: results.Tables) -> list[Page]:
    """Every page of the site but the search page (see search_page), each with exactly the data
    its template shows besides the config: a page whose template and data stay equal is the same page."""
    config = site.config
    hubs = {"clusters": tuple(map(Entry.of, site.clusters)), "years": tuple(map(Entry.of, site.years)),
            "provinces": tuple(map(Entry.of, site.provinces)), "tags": tuple(map(Entry.of, site.tags))}
    trails: dict[str, Trail] = {
        kind: ((label, hub_of(config, kind)),) if hub_of(config, kind) else () for kind, label in HUBS}
    pages = [Page("index.html", "home.html", HomeContext(conferences=site.conferences[: config.per_page],
                                                          clusters=hubs["clusters"], years=hubs["years"],
                                                          provinces=hubs["provinces"], trail=()))]
    for (kind, label), entries in zip(HUBS, hubs.values()):
        if hub_of(config, kind) and (entries or kind != "tag"):  # no tag, no page to list them
            pages.append(Page(hub_of(config, kind) + "index.html", "hub.html",
                              HubContext(heading=label, entries=entries, kind=kind, trail=trails[kind])))
    with_page = {province.name for province in site.provinces}
    for conference in site.conferences:
        pages.append(_article_page(site, conference, tables, trails["cluster"], with_page))
    for tag in site.tags:
        pages.append(Page(tag.url + "index.html", "tag.html", TagContext(
            listing=Entry.of(tag), groups=tag.by_year(), trail=(*trails["tag"], (tag.name, tag.url)))))
    for cluster in site.clusters:
        pages += _cluster_pages(config, cluster, tables.clusters.get(cluster.key), trails["cluster"])
    for year in site.years:
        pages.append(Page(year.url + "index.html", "year.html", YearContext(
            listing=year, comparison=tables.years.get(year.key),
            trail=(*trails["year"], (year.name, year.url)))))
    for province in site.provinces:
        pages.append(Page(province.url + "index.html", "province.html", ProvinceContext(
            listing=Entry.of(province), groups=province.by_year(),
            history=tables.provinces.get(province.name), merger=merger_of(config, province.name, with_page),
            trail=(*trails["province"], (province.name, province.url)))))
    pages.append(_feed(url_for(config, "feed"), config.title, "", site.conferences[: config.per_page], site))
    pages.append(Page(config.urls["data"] + "index.html", "data.html", DataContext(
        columns=results.COLUMNS, rows=tables.rows,
        csv_url=config.urls["data"] + results.CSV_FILE, json_url=config.urls["data"] + results.JSON_FILE,
        trail=(("Dữ liệu kết quả", config.urls["data"]),))))
    pages.append(Page("404.html", "404.html", NotFoundContext(trail=(("Không tìm thấy trang", "404.html"),))))
    newest = _newest(site.conferences)
    listed = [(page.path[: -len("index.html")], _changed(page) or newest)
              for page in pages if page.path.endswith("index.html")]
    listed.insert(1, (config.urls["search"], newest))
    pages.append(Page("sitemap.xml", "sitemap.xml", SitemapContext(urls=listed)))
    pages.append(Page("robots.txt", "robots.txt", RobotsContext()))
    return pages


def _article_page(site: Site, conference: Conference, tables: results.Tables, trail: Trail,
                  with_page: set[str]) -> Page:
    """An article's page: the conference, its previous and next of the same cluster and kind, related
    conferences, its tags and its cluster's leaders, each linking to its page (a province to its
    own only where it has one)."""
    def leaders(names: tuple[str, ...]) -> tuple[Link, ...]:
        return tuple(province_link(site.config, name) if name in with_page else Link(name, "") for name in names)

    older, newer = site.neighbours.get(conference.url, (None, None))
    return Page(conference.url + "index.html", "article.html", ArticleContext(
        conference=conference, older=older, newer=newer, related=site.related.get(conference.url, ()),
        tags=tuple(tag_link(site.config, tag) for tag in conference.tags),
        chairs=leaders(conference.results.chairs), deputies=leaders(conference.results.deputies),
        breakdown=tables.breakdowns.get(conference.url),
        trail=(*trail, (conference.cluster.name, conference.cluster.url), (conference.title, conference.url))))


def _newest(conferences: Iterable[Conference]) -> dt.datetime | None:
    return max(map(_UPDATED, conferences), default=None)


_UPDATED = operator.attrgetter("updated")


def _changed(page: Page) -> dt.datetime | None:
    """When what a page shows last changed, for the sitemap: its article's, or the newest of those it lists."""
    data = page.context
    if isinstance(data, ArticleContext):
        return data.conference.updated
    if isinstance(data, (TagContext, ClusterContext, ProvinceContext)):
        return _newest(itertools.chain.from_iterable(group.conferences for group in data.groups))
    if isinstance(data, YearContext):  # (the others list an Entry, not the Listing with its conferences)
        return _newest(data.listing.conferences)
    return None


def search_page(site: Site, manifest: search.Manifest) -> Page:
    """The search page, which embeds the search index's manifest (see search.manifest)."""
    return Page(site.config.urls["search"] + "index.html", "search.html", SearchContext(
        manifest=manifest, words=search.query_words(site.config), clusters=tuple(map(Entry.of, site.clusters)),
        years=tuple(map(Entry.of, site.years)), provinces=tuple(map(Entry.of, site.provinces)),
        trail=(("Tìm kiếm", site.config.urls["search"]),)))


def _feed(url: str, title: str, link: str, entries: tuple[Conference, ...], site: Site) -> Page:
    """An Atom feed; one that lists nothing is as new as the newest article."""
    updated = None if entries else max((c.updated for c in site.conferences), default=_EPOCH)
    return Page(url, "feed.xml", FeedContext(feed_title=title, feed_url=url, page_link=link, entries=entries,
                                             updated=updated))


_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _cluster_pages(config: SiteConfig, cluster: Listing, history: results.Table | None, trail: Trail) -> list[Page]:
    """A cluster's pages (per_page conferences each, the results on the first) and its feed."""
    pages = []
    entry = Entry.of(cluster)
    chunks = [cluster.conferences[i: i + config.per_page]
              for i in range(0, len(cluster.conferences), config.per_page)]
    urls = [cluster.url] + [url_for(config, "cluster_page", cluster=cluster.key, page=n)
                            for n in range(2, len(chunks) + 1)]
    for number, (chunk, url) in enumerate(zip(chunks, urls), start=1):
        pages.append(Page(url + "index.html", "cluster.html", ClusterContext(
            listing=entry, feed_url=cluster.feed_url, groups=cluster.by_year(chunk),
            history=history if number == 1 else None,
            trail=(*trail, (cluster.name, cluster.url), *([(f"Trang {number}", url)] if number > 1 else [])),
            pagination=Pagination(number=number, count=len(chunks),
                                  previous=urls[number - 2] if number > 1 else None,
                                  next=urls[number] if number < len(chunks) else None))))
    pages.append(Page(cluster.feed_url, "feed.xml", FeedContext(
        feed_title=f"{cluster.name} · {config.title}", feed_url=cluster.feed_url,
        page_link=cluster.url, entries=cluster.conferences[: config.per_page], updated=None)))
    return pages


def draw(page: Page, env: jinja2.Environment, config: SiteConfig) -> bytes:
    """A page's bytes; a template error stops the build with a clear message."""
    # The 404 page is served at any depth, so its links start from the site's own path.
    root = (urlsplit(config.base_url).path or "/") if page.path == "404.html" else _root_for(page.path)
    context: dict[str, object] = {"config": config, "page_path": page.path, "root": root, **page.context._asdict()}
    templates_dir = Path(env.loader.searchpath[0])  # type: ignore[union-attr]  # environment()'s: a FileSystemLoader
    try:
        return env.get_template(page.template).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as error:
        raise BuildFailed([Problem(_template_path(templates_dir, error.name or page.template), error.lineno,
                                   say("field.template"), say("template.syntax", detail=error.message))]) from None
    except jinja2.TemplateNotFound as error:
        raise BuildFailed([Problem(str(templates_dir / page.template), 0, say("field.template"),
                                   say("template.not_found", name=repr(error.name), folder=templates_dir))]) from None
    except jinja2.UndefinedError as error:
        name, line = _template_frame(error, templates_dir, page.template)
        raise BuildFailed([Problem(name, line, say("field.template"),
                                   say("template.error", detail=error.message, page=page.path))]) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
        name, line = _template_frame(error, templates_dir, page.template)
        raise BuildFailed([Problem(name, line, say("field.template"),
                                   say("template.error", detail=error, page=page.path))]) from None


def templates_used(env: jinja2.Environment, name: str) -> frozenset[str] | None:
    """The templates a page drawn with the template name depends on: itself and those it
    extends, includes and imports, as Jinja's meta API finds them; None when that cannot be
    told (a template named at run time, or one that does not load)."""
    seen, todo = {name}, [name]
    try:
        while todo:
            source = env.loader.get_source(env, todo.pop())[0]  # type: ignore[union-attr]  # environment() sets one
            for other in meta.find_referenced_templates(env.parse(source)):
                if other is None:
                    return None
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    except (jinja2.TemplateError, OSError):
        return None
    return frozenset(posixpath.normpath(used) for used in seen)


def _template_path(templates_dir: Path, name: str) -> str:
    return posixpath.join(str(templates_dir), name)


def _template_frame(error: BaseException, templates_dir: Path, fallback: str) -> tuple[str, int]:
    """The template file and line where an undefined variable was used."""
    traceback = error.__traceback__
    found = (_template_path(templates_dir, fallback), 0)
    root = str(templates_dir.resolve())
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(root) or filename.endswith(".html") or filename.endswith(".xml"):
            found = (filename, traceback.tb_lineno)
        traceback = traceback.tb_next
    return found

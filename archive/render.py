"""Render the site model through the Jinja2 templates into page files."""
from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import os
import posixpath
import weakref
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from jinja2 import meta, nodes

from . import results
from .cache import Renewal
from .model import Listing, Site, url_for
from .problems import BuildFailed, Problem
from .vietnamese import format_date, format_number, format_quantity, format_short_date


@dataclass(frozen=True)
class Page:
    """One file of the site: where it goes and which template draws it."""

    path: str  # relative to the output folder, e.g. "2023/x/index.html"
    template: str
    context: dict


def environment(templates_dir: Path) -> jinja2.Environment:
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
        href=_href, absolute=_absolute, iso=_iso,
    )
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
    return context["root"] + target


@jinja2.pass_context
def _absolute(context: jinja2.runtime.Context, url: str) -> str:
    return context["config"].base_url + url


def _iso(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        return moment.isoformat()
    return moment.isoformat()


def _root_for(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


def plan_pages(site: Site, search_manifest: dict, tables: results.Tables | None = None,
               memo: dict | None = None) -> list[Page]:
    """Every page of the site, with the data its template needs.

    memo (the preview server's, forgotten when the config changes) keeps the pages of each
    article, cluster and province with the data they were planned from, to reuse while that stays."""
    config = site.config
    tables = tables or results.tabulate(site)
    kept = Renewal(memo)
    pages = [Page("index.html", "home.html", {
        "conferences": site.conferences[: config.per_page]})]
    pages.append(Page(config.urls["search"] + "index.html", "search.html", {"manifest": search_manifest}))
    for conference in site.conferences:
        older, newer = site.neighbours.get(conference.url, (None, None))
        breakdown = tables.breakdowns.get(conference.url)
        known = kept.known(conference.url)
        if known is not None and known[0] == (conference, older, newer, breakdown):
            kept.made[conference.url] = known
            pages.append(known[1])  # the very Page of last time: render_pages knows it at once
            continue
        page = Page(conference.url + "index.html", "article.html",
                    {"conference": conference, "older": older, "newer": newer, "breakdown": breakdown})
        if memo is not None:
            kept.made[conference.url] = ((conference, older, newer, breakdown), page)
        pages.append(page)
    for cluster in site.clusters:
        history = tables.clusters.get(cluster.key)
        pages += kept.get(("cluster", cluster.key), (cluster, history), lambda: _cluster_pages(config, cluster, history))
    for year in site.years:
        pages.append(Page(year.url + "index.html", "year.html",
                          {"listing": year, "comparison": tables.years.get(year.key)}))
    for province in site.provinces:
        history = tables.provinces.get(province.name)
        pages += kept.get(("province", province.name), (province, history), lambda: [
            Page(province.url + "index.html", "province.html",
                 {"listing": province, "groups": province.by_year(), "history": history})])
    kept.close()
    feed = url_for(config, "feed")
    pages.append(Page(feed, "feed.xml", {
        "feed_title": config.title, "feed_url": feed, "page_link": "",
        "entries": site.conferences[: config.per_page]}))
    pages.append(Page(config.urls["data"] + "index.html", "data.html", {
        "columns": results.COLUMNS, "rows": tables.rows,
        "csv_url": config.urls["data"] + results.CSV_FILE, "json_url": config.urls["data"] + results.JSON_FILE}))
    pages.append(Page("404.html", "404.html", {}))
    listed = [page.path[: -len("index.html")] for page in pages if page.path.endswith("index.html")]
    pages.append(Page("sitemap.xml", "sitemap.xml", {"urls": listed}))
    pages.append(Page("robots.txt", "robots.txt", {}))
    return pages


def _cluster_pages(config, cluster: Listing, history: results.Table | None) -> list[Page]:
    """A cluster's pages (per_page conferences each, the results on the first) and its feed."""
    pages = []
    chunks = [cluster.conferences[i: i + config.per_page]
              for i in range(0, len(cluster.conferences), config.per_page)]
    urls = [cluster.url] + [url_for(config, "cluster_page", cluster=cluster.key, page=n)
                            for n in range(2, len(chunks) + 1)]
    for number, (chunk, url) in enumerate(zip(chunks, urls), start=1):
        pages.append(Page(url + "index.html", "cluster.html", {
            "listing": cluster, "groups": cluster.by_year(chunk),
            "history": history if number == 1 else None,
            "pagination": {"number": number, "count": len(chunks),
                           "previous": urls[number - 2] if number > 1 else None,
                           "next": urls[number] if number < len(chunks) else None}}))
    pages.append(Page(cluster.feed_url, "feed.xml", {
        "feed_title": f"{cluster.name} · {config.title}", "feed_url": cluster.feed_url,
        "page_link": cluster.url, "entries": cluster.conferences[: config.per_page]}))
    return pages


PARALLEL_FROM = 400  # pages; fewer are drawn in this process, more by one worker per core
_WORK: tuple | None = None  # what forked workers draw from: (env, templates_dir, pages, shared context)


def draw(page: Page, env: jinja2.Environment, templates_dir: Path, shared: dict) -> bytes:
    # The 404 page is served at any depth, so its links start from the site's own path.
    root = shared["base_path"] if page.path == "404.html" else _root_for(page.path)
    context: dict[str, Any] = {"site": shared["site"], "config": shared["site"].config, "page_path": page.path,
                               "root": root, "updated": shared["updated"], **page.context}
    try:
        return env.get_template(page.template).render(context).encode("utf-8")
    except jinja2.TemplateSyntaxError as error:
        raise BuildFailed([Problem(_template_path(templates_dir, error.name or page.template), error.lineno,
                                   "template", f"syntax error: {error.message}")]) from None
    except jinja2.TemplateNotFound as error:
        raise BuildFailed([Problem(str(templates_dir / page.template), 0, "template",
                                   f"template {error.name!r} not found in {templates_dir}")]) from None
    except jinja2.UndefinedError as error:
        name, line = _template_frame(error, templates_dir, page.template)
        raise BuildFailed([Problem(name, line, "template", f"{error.message} (while drawing {page.path})")]) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as error:
        name, line = _template_frame(error, templates_dir, page.template)
        raise BuildFailed([Problem(name, line, "template", f"{error} (while drawing {page.path})")]) from None


def _draw_span(span: tuple[int, int]) -> list[tuple[str, bytes]]:
    env, templates_dir, pages, shared = _WORK
    return [(page.path, draw(page, env, templates_dir, shared)) for page in pages[span[0]: span[1]]]


# What every page is drawn with besides its own data (see _draw): the config, its own path and
# the way back to the site's root stay the same for a page while the config does; these two change.
_VOLATILE = ("site", "updated")
_READS: "weakref.WeakKeyDictionary[jinja2.Environment, dict]" = weakref.WeakKeyDictionary()


def _reads(env: jinja2.Environment, name: str) -> tuple[frozenset[str], dict, frozenset[str]] | None:
    """What a template reads from its context, with the templates it extends, includes and
    imports: the names, and for each name read only as name.attribute (name.attribute | length),
    those attributes (attribute -> "length" or "value"; None for a name read any other way); and
    the names of those templates, itself included. None when that cannot be told (a template
    named at run time, one that fails to load)."""
    known = _READS.setdefault(env, {})
    if name not in known:
        names: set[str] = set()
        views: dict[str, dict | None] = {}
        todo, seen = [name], {name}
        try:
            while todo:
                source = env.loader.get_source(env, todo.pop())[0]
                tree = env.parse(source)
                names |= meta.find_undeclared_variables(tree)
                _attributes_read(tree, views)
                for other in meta.find_referenced_templates(tree):
                    if other is None:
                        raise LookupError("a template named at run time")
                    if other not in seen:
                        seen.add(other)
                        todo.append(other)
            known[name] = (frozenset(names), views, frozenset(seen))
        except (jinja2.TemplateError, LookupError, OSError):
            known[name] = None
    return known[name]


def templates_used(env: jinja2.Environment, name: str) -> frozenset[str] | None:
    """The templates a page drawn with the template name depends on (itself, those it extends,
    includes and imports), as env found them; None when that cannot be told."""
    reads = _reads(env, name)
    return frozenset(posixpath.normpath(used) for used in reads[2]) if reads is not None else None


def _attributes_read(tree: nodes.Node, views: dict[str, dict | None]) -> None:
    """Add to views how each name is read in tree (see _reads)."""
    todo: list[tuple[nodes.Node, nodes.Node | None, nodes.Node | None]] = [(tree, None, None)]
    while todo:
        node, parent, grandparent = todo.pop()
        if isinstance(node, nodes.Name):
            attributes = views.setdefault(node.name, {})
            if attributes is None:
                continue
            if node.ctx == "load" and isinstance(parent, nodes.Getattr) and parent.node is node:
                counted = (isinstance(grandparent, nodes.Filter) and grandparent.node is parent
                           and grandparent.name in ("length", "count") and not grandparent.args
                           and not grandparent.kwargs and not grandparent.dyn_args and not grandparent.dyn_kwargs)
                if not counted or attributes.get(parent.attr) == "value":
                    attributes[parent.attr] = "value"
                else:
                    attributes[parent.attr] = "length"
            else:  # assigned, passed on, looped over, indexed...: compared whole
                views[node.name] = None
        todo.extend((child, node, parent) for child in node.iter_child_nodes())


def _same_data(old: dict, new: dict, views: dict, env: jinja2.Environment) -> bool:
    """Whether a page's data reads the same to its template: equal, or, for a value the template
    reads only through some of its attributes, equal in those (a cluster's other pages need only
    its name and how many conferences it has, not which)."""
    if old.keys() != new.keys():
        return False
    for key, value in new.items():
        before = old[key]
        if before is value:
            continue
        attributes = views.get(key)
        if attributes:
            try:
                if all(_seen(before, attribute, kind, env) == _seen(value, attribute, kind, env)
                       for attribute, kind in attributes.items()):
                    continue
                return False
            except (TypeError, _Unseen):
                pass  # compared whole below
        if before != value:
            return False
    return True


class _Unseen(Exception):
    pass


def _seen(value: Any, attribute: str, kind: str, env: jinja2.Environment) -> Any:
    """value.attribute as the template sees it (Jinja's own lookup), or its length."""
    found = env.getattr(value, attribute)
    if isinstance(found, jinja2.Undefined):
        raise _Unseen
    return len(found) if kind == "length" else found


def _volatile(page: Page, env: jinja2.Environment, shared: dict) -> tuple:
    """The site-wide values a page's template reads that can change while the templates and the
    config stay (its own data aside)."""
    reads = _reads(env, page.template)
    return tuple(shared[name] for name in _VOLATILE if reads is None or name in reads[0])


_LATEST = ("updated",)  # the page memo's entry for _latest (page paths are strings)


def shared_values(site: Site, memo: dict | None = None) -> dict:
    """What every page is drawn with besides its own data (see draw)."""
    return {"site": site, "base_path": urlsplit(site.config.base_url).path or "/",
            "updated": _latest(site.conferences, memo)}


def _latest(conferences: tuple, memo: dict | None) -> dt.datetime:
    """When the newest article changed (the feeds' time when they list none). memo: the page memo,
    which keeps the last answer and the conferences it was found among; after an edit of a few
    articles only those are looked at, unless one of them was the newest and is no more."""
    known = memo.get(_LATEST) if memo is not None else None
    if known is not None and len(known[0]) == len(conferences):
        before, latest = known
        changed = [(new, old) for new, old in zip(conferences, before) if new is not old]
        if all(old.updated != latest or new.updated >= latest for new, old in changed):
            return max([latest] + [new.updated for new, _ in changed])
    return max((c.updated for c in conferences), default=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))


def render_pages(site: Site, templates_dir: Path, env: jinja2.Environment | None = None,
                 search_manifest: dict | None = None, progress=None,
                 memo: dict | None = None, tables: results.Tables | None = None,
                 plans: dict | None = None) -> dict[str, bytes]:
    """Draw every page; a template error stops the build with a clear message.

    memo (kept by the preview server, which forgets a page when a template it was drawn with
    changes, and every page when the config does) maps each page to what it was last drawn from
    and the bytes drawn: a page whose data (as its template reads it, see _same_data) and
    whose site-wide values did not change is not drawn again, and keeps the very same bytes
    object. Comparing is cheap: an unchanged page is mostly the very Page of last time (plans:
    the memo of plan_pages), else its data holds the same conference objects. tables: the
    results tables, when the caller has them already."""
    global _WORK
    env = env or environment(templates_dir)
    pages = plan_pages(site, search_manifest or {}, tables, plans)
    shared = shared_values(site, memo)
    files: dict[str, bytes] = {}
    drawn_from: dict[str, tuple] = {}
    if memo is not None:
        volatile: dict[str, tuple] = {}  # template -> its site-wide values
        views: dict[str, dict] = {}  # template -> how it reads its data, see _reads
        due = []
        for page in pages:
            values = volatile.get(page.template)
            if values is None:
                values = volatile[page.template] = _volatile(page, env, shared)
                reads = _reads(env, page.template)
                views[page.template] = reads[1] if reads is not None else {}
            known = memo.get(page.path)  # (page, site-wide values, bytes)
            if (known is not None and known[1] == values
                    and (known[0] is page or (known[0].template == page.template
                                              and _same_data(known[0].context, page.context, views[page.template], env)))):
                files[page.path] = known[2]
                drawn_from[page.path] = known
            else:
                due.append(page)
                drawn_from[page.path] = (page, values)
        pages = due
    workers = min(os.cpu_count() or 1, len(pages) // (PARALLEL_FROM // 2) or 1)
    if progress:
        progress("Vẽ trang", 0, len(pages))
    if len(pages) < PARALLEL_FROM or workers < 2:
        files.update((page.path, draw(page, env, templates_dir, shared)) for page in pages)
    else:
        step = max(50, len(pages) // (workers * 8))
        spans = [(start, start + step) for start in range(0, len(pages), step)]
        _WORK = (env, templates_dir, pages, shared)  # inherited by the forked workers, not pickled
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for done, drawn in enumerate(pool.map(_draw_span, spans), start=1):
                    files.update(drawn)
                    if progress:
                        progress("Vẽ trang", min(done * step, len(pages)), len(pages))
        finally:
            _WORK = None
    if memo is not None:
        memo.clear()
        memo.update((path, entry if len(entry) == 3 else (*entry, files[path])) for path, entry in drawn_from.items())
        memo[_LATEST] = (site.conferences, shared["updated"])
    return files


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

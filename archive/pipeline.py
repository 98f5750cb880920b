"""The build, start to end: config -> content -> validate -> model -> render -> output."""
from __future__ import annotations

import dataclasses
import functools
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import fullbuild, markup, output, results, search
from .cache import FileStore, Store, digest
from .config import load_config
from .content import list_content, read_article, shown_path
from .model import Conference, Listing, Site, build_site
from .problems import BuildFailed, Problem
from .render import environment, render_pages, templates_used
from .validate import check_article, check_unique_urls


@dataclass(frozen=True)
class Options:
    config: Path = Path("site_config.yaml")
    content: Path = Path("content")
    templates: Path = Path("templates")
    output: Path = Path("output")
    drafts: bool = False
    cache: Path | None = Path(".cache")  # None: no cache, every result computed afresh


@dataclass(frozen=True)
class Report:
    pages: int
    seconds: float
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    unchanged: bool = False  # nothing had changed since the last build: nothing was done


def _stores(options: Options) -> dict[str, Store]:
    return {"markdown": Store(options.cache, "markdown"), "search": FileStore(options.cache, "search"),
            "articles": Store(options.cache, "articles")}


Progress = Callable[[str, int, int], None]  # (stage, done, total), for a progress bar


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Live:
    """What the preview server keeps in memory between rebuilds, so that an edit costs little:
    every article as last checked (by file and modification time), the caches, the pages as
    last drawn, and the search and download files of the last full build (pages can be
    redrawn before those are brought up to date)."""

    stores: dict[str, Store]
    articles: dict = field(default_factory=dict)  # path -> ((mtime, size), conference or None, problems)
    config: bytes = b""  # the config file and the photo files' times the articles were checked against
    search: tuple[dict, dict] | None = None
    downloads: dict | None = None  # the CSV and JSON of the last full build
    pages: dict = field(default_factory=dict)  # output path -> (its Page, site-wide values, bytes), see render_pages
    templates: tuple | None = None  # the templates' times (by name) and the config's digest the pages were drawn with
    written: dict = field(default_factory=dict)  # every path of output/ as the last build left it -> its bytes
    # Set by a server that watches content/ (serve.py): the files under it that changed since
    # load_site last listed it. None: nobody watches, so every build lists and stats every file.
    changed: set[Path] | None = None
    listing: tuple[list[Path], list[Path]] | None = None  # the articles and photos as last listed, when watched
    env: object = None  # the Jinja environment the pages were drawn with, kept while the templates stay
    tables: dict = field(default_factory=dict)  # the results tables last computed, see results.tabulate
    plans: dict = field(default_factory=dict)  # the pages of each cluster and province, see render.plan_pages
    copied: dict = field(default_factory=dict)  # output path -> (source, its time and size) as last copied
    site: tuple | None = None  # (config, conferences, site) of the last load_site, see _site
    checks: dict = field(default_factory=dict)  # the warnings last found, see results.check
    # Set by the server: true when a newer edit waits, so that a full build (the search index)
    # stops between its stages and leaves the way to the quick one (see Superseded).
    stop: Callable[[], bool] | None = None


class Superseded(Exception):
    """A full build of the preview server stopped early for a newer edit, having written nothing."""


def live_state(options: Options) -> Live:
    return Live(_stores(options))


PARALLEL_FROM = 300  # articles to check; fewer are checked in this process, more by one worker per core
_SPAN = 100  # articles a worker checks at a time

Checked = tuple  # (conference or None, problems, markdown cache key or "", HTML converted afresh or None)


def _check_file(path: Path, config, options: Options, known: dict, md) -> Checked:
    """Read, check and convert one article: its Conference (with its HTML) when it is valid."""
    source = read_article(path)
    if isinstance(source, Problem):
        return None, [source], "", None
    conference, found = check_article(source, config, options.content)
    if conference is None or not conference.body_markdown or (conference.draft and not options.drafts):
        return conference, found, "", None
    key = digest(markup.SETTINGS, conference.body_markdown)
    html = known.get(key)
    fresh = None
    if html is None:
        html = fresh = markup.to_html(conference.body_markdown, md)
    return replace(conference, body_html=html), found, key, fresh


_WORK: tuple = ()  # what the forked workers read: set just before the pool starts


def _check_span(paths: list[Path]) -> list[Checked]:
    config, options, known = _WORK
    md = markup.converter()
    return [_check_file(path, config, options, known, md) for path in paths]


def _check_files(paths: list[Path], config, options: Options, store: Store) -> list[Checked]:
    """Every article checked and converted: by one forked worker per core when there are
    many (each reads the cache of converted bodies as the parent had it), else here."""
    global _WORK
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_FROM or workers < 2:
        md = markup.converter()
        return [_check_file(path, config, options, store.entries, md) for path in paths]
    _WORK = (config, options, store.entries)
    spans = [paths[start: start + _SPAN] for start in range(0, len(paths), _SPAN)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [checked for span in pool.map(_check_span, spans) for checked in span]
    finally:
        _WORK = ()


def _listing(options: Options, live: Live | None) -> tuple[list[Path], list[Path], Callable[[Path], tuple]]:
    """The articles and photos under content/ and how to stamp an article (its time and size).

    The preview server's hook into load_site: when it watches content/ (live.changed is a set),
    the last listing is brought up to date with the files that changed instead of walking
    content/ again, the changed articles are forgotten (so they are read afresh) and the others
    keep the stamp they were read with, unstatted. Anything else lists and stats every file."""
    def stat(path: Path) -> tuple:
        info = path.stat()
        return info.st_mtime_ns, info.st_size

    if live is None or live.changed is None:
        return (*list_content(options.content), stat)
    changed = {path for path in live.changed if path.is_relative_to(options.content)}
    live.changed = set()
    if live.listing is not None:
        paths, photos = live.listing
        articles = {path for path in changed if path.suffix == ".md"}
        others = changed - articles
        # A photo added, changed or gone changes what the articles are checked against: list afresh.
        if not any(path in photos or path.is_file() for path in others):
            present = {path for path in articles if path.is_file()}
            if articles - present or present - set(paths):
                paths = sorted(set(paths) - (articles - present) | present)
            for path in articles:
                live.articles.pop(path, None)
            live.listing = (paths, photos)
            memo = live.articles
            return paths, photos, lambda path: memo[path][0] if path in memo else stat(path)
    live.listing = list_content(options.content)
    return (*live.listing, stat)


# What an article shows without the site grouping or ordering anything by it: the site lists
# articles by date and address, cluster, year and provinces, never by these.
_SHOWN_ONLY = ("title", "summary", "body_markdown", "body_html", "location", "author")


def _site(config, conferences: list[Conference], live: Live | None) -> Site:
    """build_site; for the preview server, when the articles that changed since its last site
    changed only in what they show (the usual edit of a text), that site with them swapped in:
    the same site build_site would give, without grouping every article again."""
    site = _swapped(live.site, config, conferences) if live is not None and live.site else None
    if site is None:
        site = build_site(config, conferences)
    if live is not None:
        live.site = (config, conferences, site)
    return site


def _swapped(last: tuple, config, conferences: list[Conference]) -> Site | None:
    old_config, old_conferences, site = last
    if old_config != config or len(old_conferences) != len(conferences):
        return None
    if ([f.name for f in dataclasses.fields(Site)] != ["config", "conferences", "clusters", "years", "provinces",
                                                      "neighbours"]
            or [f.name for f in dataclasses.fields(Listing)] != ["key", "name", "url", "conferences", "feed_url"]):
        return None  # a model this does not know how to update
    swaps: dict[int, Conference] = {}  # id of the old conference (alive in last) -> the new one
    for old, new in zip(old_conferences, conferences):
        if old is not new:
            if replace(old, **{name: getattr(new, name) for name in _SHOWN_ONLY}) != new:
                return None
            swaps[id(old)] = new
    if not swaps:
        return replace(site, config=config)

    def swap(items: tuple) -> tuple:
        return tuple(swaps.get(id(item), item) for item in items)

    def listings(items: tuple[Listing, ...]) -> tuple[Listing, ...]:
        return tuple(listing if swaps.keys().isdisjoint(map(id, listing.conferences))
                     else replace(listing, conferences=swap(listing.conferences)) for listing in items)

    neighbours = dict(site.neighbours)
    for url, (older, newer) in site.neighbours.items():
        if id(older) in swaps or id(newer) in swaps:
            neighbours[url] = (swaps.get(id(older), older), swaps.get(id(newer), newer))
    return Site(config, swap(site.conferences), listings(site.clusters), listings(site.years),
                listings(site.provinces), neighbours)


def load_site(options: Options, stores: dict[str, Store] | None = None,
              progress: Progress = _quiet, live: Live | None = None) -> tuple[Site, list[Problem]]:
    """Read and check everything; BuildFailed lists every error in every file."""
    stores = stores or _stores(Options(cache=None))
    config = load_config(options.config)
    if not options.content.is_dir():
        raise BuildFailed([Problem(shown_path(options.content), 0, "content", "folder not found; pass --content DIR")])
    paths, photos, stamp_of = _listing(options, live)
    memo: dict = {}
    stamps: dict = {}
    if live is not None:
        # Every check depends on the config, and an article's on the photos beside it.
        depends = options.config.read_bytes() + repr([(str(p), p.stat().st_mtime_ns) for p in photos]).encode()
        if depends != live.config:
            live.articles.clear()
            live.config = depends
        memo = live.articles
        for path in paths:
            stamps[path] = stamp_of(path)
        for gone in set(memo) - set(paths):
            del memo[gone]
    kept = stores.get("articles")
    if live is None and kept is not None and kept.path:
        # From the command line: the articles as the last build checked them, with the time and
        # size of their file then, valid while the config, the photos and this code are the same.
        depends = digest(options.config.read_bytes(), repr([(str(p), p.stat().st_mtime_ns) for p in photos]),
                         _code_version(), repr((options.drafts, str(options.content.resolve()))))
        memo = dict(kept.get(depends) or {})
        stamps = {path: stamp_of(path) for path in paths}
    progress("Đọc bài viết", 0, len(paths))
    due = [path for path in paths if path not in memo or memo[path][0] != stamps.get(path)]
    store = stores["markdown"]
    # The converted bodies of articles not read again stay cached (the preview server's store,
    # kept in memory, still has them marked from when they were read: no need to hash them all).
    for path in (set(paths) - set(due)) if live is None else ():
        conference = memo[path][1]
        if conference is not None and conference.body_html:
            store.keep(digest(markup.SETTINGS, conference.body_markdown))
    for path, (conference, found, key, fresh) in zip(due, _check_files(due, config, options, store)):
        if fresh is not None:
            store.put(key, fresh)
        elif key:
            store.keep(key)
        memo[path] = (stamps.get(path), conference, found)
    if live is None and kept is not None and kept.path and (due or len(memo) != len(paths)):
        kept.put(depends, {path: memo[path] for path in paths})
    progress("Đọc bài viết", len(paths), len(paths))
    problems: list[Problem] = []
    conferences: list[Conference] = []
    for path in paths:
        _, conference, found = memo[path]
        problems.extend(found)
        if conference is not None and (options.drafts or not conference.draft):
            conferences.append(conference)
    problems.extend(check_unique_urls(conferences))
    if any(not p.warning for p in problems):
        raise BuildFailed(problems)
    site = _site(config, conferences, live)
    return site, [p for p in problems if p.warning] + results.check(site, live.checks if live is not None else None)


def _copies(site: Site, templates: Path) -> dict[str, Path]:
    """Files copied as they are: the stylesheet and assets, and each article's photos."""
    copies = {"static/lunr.min.js": _lunr()}
    static = templates / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file():
                copies["static/" + path.relative_to(static).as_posix()] = path
    for conference in site.conferences:
        for name, file in conference.photo_files:
            copies[conference.url + name] = file
    return copies


def _lunr() -> Path:
    script = search.lunr_script()
    if not script.is_file():
        raise BuildFailed([Problem(str(script), 0, "search", "lunr.js is not installed; run 'npm ci' (make serve does)")])
    return script


CODE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of this package's code: what it checked with another version is checked again."""
    return digest(*(path.read_bytes() for path in sorted(CODE.glob("*.py"))))


def _fingerprint(options: Options) -> str:
    """A hash of everything a build reads: when it matches the last build's, output/ is already right."""
    parts: list[str | bytes] = [repr(options), str(options.output.resolve())]
    for folder in (options.content, options.templates, CODE):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    parts += [str(path.relative_to(folder)), path.read_bytes()]
    for path in (options.config, search.lunr_script()):
        parts += [str(path), path.read_bytes() if path.is_file() else b""]
    return digest(*parts)


def _output_stamp(folder: Path) -> str:
    try:
        info = folder.stat()
    except FileNotFoundError:
        return ""
    return f"{info.st_ino}:{info.st_mtime_ns}"


def _last_build(options: Options, fingerprint: str) -> Report | None:
    """The report of the last build when nothing it read has changed since and output/ is as it left it."""
    last = options.cache / "last-build.json"
    try:
        previous = json.loads(last.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if previous.get("inputs") != fingerprint or previous.get("output") != _output_stamp(options.output):
        return None
    return Report(0, 0.0, tuple(Problem(*fields) for fields in previous.get("warnings", [])), unchanged=True)


def _remember_build(options: Options, fingerprint: str, warnings: list[Problem]) -> None:
    last = options.cache / "last-build.json"
    last.parent.mkdir(parents=True, exist_ok=True)
    last.write_text(json.dumps({"inputs": fingerprint, "output": _output_stamp(options.output),
                                "warnings": [dataclasses.astuple(w) for w in warnings]}), encoding="utf-8")


def _page_memo(options: Options, live: Live) -> dict:
    """The preview server's drawn pages, forgotten when the config changes (every page shows it:
    the site's title, menus, labels), and each when a template it was drawn with changes. The
    results tables and planned pages go with the config; the Jinja environment (the compiled
    templates) with any template."""
    times = {path.relative_to(options.templates).as_posix(): path.stat().st_mtime_ns
             for path in options.templates.rglob("*") if path.is_file()}
    config = digest(options.config.read_bytes())
    last_times, last_config = live.templates or ({}, "")
    if live.env is None or config != last_config:
        live.pages.clear()
        live.tables.clear()
        live.plans.clear()
    elif times != last_times:
        changed = {name for name in times.keys() | last_times.keys() if times.get(name) != last_times.get(name)}
        used: dict[str, frozenset[str] | None] = {}  # template -> those its pages were drawn with
        for path, entry in list(live.pages.items()):
            if isinstance(path, str):
                template = entry[0].template
                if template not in used:
                    used[template] = templates_used(live.env, template)
                if used[template] is None or used[template] & changed:
                    del live.pages[path]
    if live.env is None or times != last_times:
        live.env = environment(options.templates)
    live.templates = (times, config)
    return live.pages


def warm(options: Options, live: Live) -> None:
    """After the preview server's first build, make ready in this process what that build did in
    worker processes: compile the templates, and rebuild once as if the newest article had been
    saved unchanged (reading, checking and converting an article, drawing its pages). Every page
    comes out as it is, so nothing is written; the first real edit is then as quick as the next."""
    if live.env is None or live.search is None or not live.listing or not live.listing[0]:
        return
    for name in live.env.list_templates(filter_func=lambda name: not name.startswith("static/")):
        try:
            live.env.get_template(name)
        except Exception:  # not a template, or a broken one: drawing a page with it says so
            pass
    live.changed.add(live.listing[0][-1])
    try:
        build(options, live=live, with_search=False)
    except BuildFailed:
        pass


def _write(options: Options, files: dict[str, bytes], copies: dict[str, Path], live: Live | None) -> None:
    """A new site swapped in whole; in the preview server, after its first build, the changed files only:
    a file whose bytes are the very object written last time, or a copy whose source has the same
    time and size, is known to be in place already."""
    try:
        if live and live.written and options.output.is_dir():
            written, copied = live.written, live.copied
            stamps = {path: _stamp(source) for path, source in copies.items()}
            output.update_site({path: data for path, data in files.items() if written.get(path) is not data},
                               {path: copies[path] for path, stamp in stamps.items() if copied.get(path) != stamp},
                               options.output, (written.keys() | copied.keys()) - files.keys() - copies.keys())
        else:
            output.write_site(files, copies, options.output)
            stamps = {path: _stamp(source) for path, source in copies.items()} if live else {}
        if live:
            live.written, live.copied = files, stamps  # (files is this build's own, changed by no one after)
    except BaseException:
        if live:
            live.pages.clear()
            live.written, live.copied = {}, {}  # the next write starts afresh, as a whole new site
        raise


def _stamp(source: Path) -> tuple:
    info = source.stat()
    return str(source), info.st_mtime_ns, info.st_size


def build(options: Options, progress: Progress = _quiet, live: Live | None = None,
          with_search: bool = True) -> Report:
    """Build the whole site into options.output, or raise BuildFailed and leave it untouched.

    The preview server passes its Live state; with_search=False then reuses the
    search and download files of the last full build, so the edited page shows
    at once and those follow in a second build."""
    started = time.perf_counter()
    fingerprint = _fingerprint(options) if options.cache and not live else ""
    if fingerprint and (unchanged := _last_build(options, fingerprint)):
        return dataclasses.replace(unchanged, seconds=time.perf_counter() - started)
    stores = live.stores if live else _stores(options)
    site, warnings = load_site(options, stores, progress, live)
    if live is None:  # from the command line: everything made and written at once, see fullbuild
        count = fullbuild.build_all(site, options.templates, options.output, stores["search"],
                                    _copies(site, options.templates), progress)
        for store in stores.values():
            store.save()
        if fingerprint:
            _remember_build(options, fingerprint, warnings)
        return Report(count, time.perf_counter() - started, tuple(warnings))
    quick = bool(live.search and live.downloads and not with_search)

    def superseded() -> bool:  # a full build of the preview server gives way to a newer edit
        return bool(not quick and live.stop and live.stop())

    if superseded():
        raise Superseded
    if quick:
        shards, manifest = live.search
    else:
        progress("Lập chỉ mục tìm kiếm", 0, len(site.conferences))
        shards, manifest = search.search_files(site, stores["search"])
        if superseded():
            raise Superseded
    data = live.downloads if quick else results.downloads(site)
    if superseded():
        raise Superseded
    memo = _page_memo(options, live)
    tables = results.tabulate(site, live.tables)
    files = render_pages(site, options.templates, live.env, manifest, progress, memo, tables, live.plans)
    files.update(shards)
    files.update(data)
    progress("Ghi ra " + str(options.output), 0, len(files))
    _write(options, files, _copies(site, options.templates), live)
    if not quick:
        live.search, live.downloads = (shards, manifest), data
    if not quick and not superseded():  # (the preview server saves them with a later build)
        for store in stores.values():
            store.save()
    return Report(len(files), time.perf_counter() - started, tuple(warnings))


def check(options: Options) -> list[Problem]:
    """Validate and render in memory, writing nothing; the warnings found."""
    site, warnings = load_site(options)
    render_pages(site, options.templates, environment(options.templates))
    return warnings

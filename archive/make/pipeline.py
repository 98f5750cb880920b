"""The build, start to end: config -> content -> validate -> model -> pages and files -> output.

load_site reads and checks everything into the site model (model.Site); make_site makes every
file of the site from it (the pages, the search index, the downloads, the copies) and hands
each to a Sink (output.py) that decides where it goes. Three callers, one path:

- a build from the command line: into output.Staging, swapped in whole at the end; after
  a build of its own (whose Made it finds in .cache/, output/ as that build left it), only
  the files whose inputs changed are made, the others hard-linked from output/ unread;
- `check`: into output.Discard;
- the live preview (serve.py): its first build into Staging, then each edit into
  output.InPlace with the Made of the build before, so that only the files whose inputs
  changed are made again.

Work is shared out by parallel.Runner: on every core for a large site from the command line,
in this process otherwise. Results worth keeping between builds are in Caches (.cache/).
"""
from __future__ import annotations

import copyreg
import dataclasses
import errno
import importlib.metadata
import io
import json
import os
import pickle
import secrets
import sys
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from ..common.digest import digest
from ..common.messages import say
from ..common.problems import BuildFailed, Problem, Refused, StoppedAfterReplacing
from ..site import content, markup, validate
from ..site.config import SiteConfig, load_config
from ..site.content import SourceFile, list_content, read_article, shown_path, unreadable
from ..site.model import Conference, Site, build_site
from ..site.validate import check_article, check_duplicates, check_tags, check_unique_urls
from . import form, render, results, search
from .cache import FileStore, Seal, Store, code_digest, gc_paused
from .output import Discard, InPlace, Sink, Staging, locked, refuse_unsafe_output
from .parallel import Runner

if TYPE_CHECKING:
    import jinja2
    import markdown

CODE = Path(__file__).resolve().parents[1]  # the package, archive/


@dataclass(frozen=True)
class Options:
    config: Path = Path("site_config.yaml")
    content: Path = Path("content")
    templates: Path = Path("templates")
    output: Path = Path("output")
    drafts: bool = False
    cache: Path | None = Path(".cache")  # None: no cache, every result computed afresh
    # With drafts, whether a draft's errors stop the build (--drafts), or leave that draft out and
    # are said as warnings, as without drafts (the live preview: an unfinished import blocks no edit).
    draft_errors_stop: bool = True


@dataclass(frozen=True)
class Report:
    files: int  # files made
    seconds: float
    warnings: tuple[Problem, ...] = field(default_factory=tuple)
    unchanged: bool = False  # nothing had changed since the last build: nothing was done
    workers: int = 0  # worker processes that drew the pages (0: this process)
    pages: int = 0  # of the files, the pages a reader opens (HTML): the search index's files are not pages
    drawn: int = 0  # pages drawn by this build (a preview's edit draws only those that show what changed)


Progress = Callable[[str, int, int], None]  # (stage, done, total), for a progress bar


def _quiet(stage: str, done: int, total: int) -> None:
    pass


class Caches:
    """What is kept between builds in .cache/ (folder None: in memory only), each entry keyed by
    its inputs and the code that made it (cache.code_digest): the checked articles with the
    time and size of their files, the bodies converted to HTML, the indexed search groups.
    Its files are signed with the user's key (cache.Seal): without a key (one warning, in
    warnings), it is kept in memory only."""

    def __init__(self, folder: Path | None, seal: Seal | None = None):
        self.seal = (seal or Seal.mine()) if folder else Seal(None)
        self.folder = folder if self.seal.key else None
        self.warnings: list[Problem] = [self.seal.problem] if folder and self.seal.problem else []
        self.refused = False  # the system refused to save it once already (see save)
        # each article's Checked, by the key of what it depends on and its path (see load_site)
        self.articles: Store[Checked] = Store(self.folder, "articles", self.seal)
        self.markdown: Store[str] = Store(self.folder, "markdown", self.seal)  # body's key (see _check_file) -> HTML
        self.search: FileStore[search.GroupIndex] = FileStore(self.folder, "search", self.seal)
        # The articles as the last build checked them (its entries load_site found) and as
        # this one did: what a Made kept in .cache/ refers to (see _keep_made).
        self.checked_before: dict[str, Checked] = {}
        self.checked: dict[str, Checked] = {}

    def _stores(self) -> tuple[Store[Checked], Store[str], FileStore[search.GroupIndex]]:
        return self.articles, self.markdown, self.search

    def begin(self) -> None:
        for store in self._stores():
            store.begin()

    def trim(self) -> None:
        for store in self._stores():
            store.trim()

    def take_warnings(self) -> list[Problem]:
        """The warnings not said yet (a key that could not be used), once."""
        taken, self.warnings = self.warnings, []
        return taken

    def write(self) -> None:
        """Write the stores into the folder; OSError when the system refuses (see save)."""
        for store in self._stores():
            store.save()

    def save(self) -> list[Problem]:
        """Write the stores; when the system refuses, one warning (the first time only: the live
        preview saves at its start and its end) and nothing more is tried: the cache only ever
        saves time, and the build it was kept for is done."""
        try:
            self.write()
        except OSError as error:
            warned, self.refused = self.refused, True
            return [] if warned else [cache_not_saved(error, self.folder)]
        return []


def cache_not_saved(error: OSError, folder: Path | None) -> Problem:
    """The warning for a cache the system would not let a build write (full, read-only, locked)."""
    name = errno.errorcode.get(error.errno or 0, "error")
    return Problem(shown_path(Path(error.filename or folder or ".cache")), 0, say("field.cache"),
                   say("cache.not_saved", error=error.strerror or error, name=name), warning=True,
                   suggestion=say("cache.not_saved.fix"))


class Copied(NamedTuple):
    """A file copied as it is (see _copies), as the build found its source: the same again, the copy is kept."""

    source: str
    mtime_ns: int
    size: int


# What a file of output/ is made from (see Made): equal again, the file is the same.
MadeFrom = render.Page | Copied | results.DownloadInputs | search.SearchFileInputs | bytes


@dataclass
class Made:
    """What each file of output/ was made from, as the last build left it: the config and the
    templates it was drawn with (each by its digest), and per file a value equal to what the
    file would be made from again (MadeFrom: equal, the file is kept): a page's Page (its
    template and what it shows), a copy's source with its time and size (Copied), the
    downloads' inputs (results.DownloadInputs), and what a search file holds before it is
    written (search.SearchFile): a results file's articles, the filter table, a partition
    file's key with the cache key of each group that has it (a hash of what the group's
    index is made from). Only the web form's two files are compared by their bytes.
    The live preview keeps it between edits; a build from the command line keeps it in
    .cache/ for the next (see _keep_made)."""

    config: SiteConfig
    templates: dict[str, str]  # each template's digest (see _template_digests)
    files: dict[str, MadeFrom]
    drawn: int = 0  # pages the build drew (the others were kept as the build before left them)

    def pages(self) -> int:
        """The site's pages: its HTML files, not the feeds, downloads and search index files."""
        return sum(1 for path in self.files if path.endswith(".html"))


@dataclass
class Memory:
    """What the live preview keeps between builds: the caches, in memory, and the last Made."""

    caches: Caches
    made: Made | None = None
    output: str = ""  # output/'s stamp as the last build left it: another build may have replaced it since


# --- Reading: config -> content -> validate -> model -------------------------------------------

_SPAN = 100  # articles a task checks

Stamp = tuple[int, int]  # a file's modification time (ns) and size


@dataclass(frozen=True)
class Checked:
    """An article as checked, kept in the articles cache: while its file keeps the same stamp
    (and the config, photos and code stay the same, see load_site), it is not read again."""

    stamp: Stamp  # of the file as it was read; (0, 0): unreadable
    conference: Conference | None  # None: not published (errors, or a draft left out)
    problems: list[Problem]
    markdown_key: str = ""  # its body's key in the markdown cache; "": not converted


@dataclass(frozen=True)
class _CheckInputs:
    """What every task checking articles is given (see _check_span)."""

    config: SiteConfig
    options: Options
    converted: dict[str, str]  # the markdown cache's entries: body's key -> HTML


@dataclass(frozen=True)
class _CheckedFile:
    """A task's answer for one article: what to keep of it, and its HTML when converted afresh
    (for the markdown cache), else None."""

    checked: Checked
    fresh_html: str | None = None


def _check_span(shared: _CheckInputs, paths: list[str]) -> list[_CheckedFile]:
    """Read, check and convert these articles (a task)."""
    md = markup.converter()
    return [_check_file(path, shared.config, shared.options, shared.converted, md) for path in paths]


def _check_file(name: str, config: SiteConfig, options: Options, converted: dict[str, str],
                md: markdown.Markdown) -> _CheckedFile:
    path = Path(name)
    try:
        stamp = _stamp(name)
    except OSError as error:
        return _CheckedFile(Checked((0, 0), None, [unreadable(path, error)]))
    source = read_article(path)
    if isinstance(source, Problem):
        return _CheckedFile(Checked(stamp, None, [source]))
    conference, found = check_article(source, config, options.content)
    lenient = not options.drafts or not options.draft_errors_stop
    if lenient and _marked_draft(source) and any(not problem.warning for problem in found):
        # A draft (an import's, say) is not published: what it still lacks is said, as warnings,
        # and stops no build but one that includes drafts (--drafts).
        return _CheckedFile(Checked(stamp, None, [replace(problem, warning=True) for problem in found]))
    if conference is None or not conference.body_markdown or (conference.draft and not options.drafts):
        return _CheckedFile(Checked(stamp, conference, found))
    key = digest(code_digest(markup), conference.body_markdown)
    html = converted.get(key)
    fresh = None
    if html is None:
        html = fresh = markup.to_html(conference.body_markdown, md)
    return _CheckedFile(Checked(stamp, replace(conference, body_html=html), found, key), fresh)


def _marked_draft(source: SourceFile) -> bool:
    data = source.front.data
    return isinstance(data, dict) and data.get("draft") is True


def _stamp(path: str) -> Stamp:
    info = os.stat(path)
    return info.st_mtime_ns, info.st_size


def load_site(options: Options, caches: Caches | None = None,
              progress: Progress = _quiet) -> tuple[Site, list[Problem]]:
    """Read and check everything into the site model, and the articles' warnings (results.check
    finds those of the figures across articles, see build); BuildFailed lists every
    error in every file. An article whose file has the same time and size as when it was last
    checked (with the same config, photos and code) is not read again."""
    caches = caches or Caches(None)
    config = load_config(options.config)
    if not options.content.is_dir():
        raise BuildFailed([Problem(shown_path(options.content), 0, say("field.content"), say("content.not_found"),
                                   suggestion=say("content.not_found.fix"))])
    paths, photos = list_content(options.content)
    # Every check depends on the config and the code (this module's too: it lays out Checked),
    # and an article's on the photos beside it.
    depends = digest(options.config.read_bytes(), repr([(p, _stamp(p)) for p in photos]),
                     code_digest(content, validate, markup, sys.modules[__name__]),
                     repr((options.drafts, options.draft_errors_stop, str(options.content.resolve()))))
    prefix = f"{depends} "  # an article's key in the store: prefix + its path
    known = {key[len(prefix):]: entry for key, entry in caches.articles.entries.items() if key.startswith(prefix)}
    progress(say("cli.progress.read"), 0, len(paths))
    checked: dict[str, Checked] = {}
    due = []
    for path in paths:
        entry = known.get(path)
        if entry is not None and entry.stamp == _stamp(path):
            checked[path] = entry
            caches.articles.keep(prefix + path)
            if entry.markdown_key:
                caches.markdown.keep(entry.markdown_key)
        else:
            due.append(path)
    spans = [due[start: start + _SPAN] for start in range(0, len(due), _SPAN)]
    with Runner(len(due), _CheckInputs(config, options, caches.markdown.entries)) as runner:
        for path, answer in zip(due, (item for span in runner.map(_check_span, spans) for item in span)):
            entry = checked[path] = answer.checked
            caches.articles.put(prefix + path, entry)
            if answer.fresh_html is not None:
                caches.markdown.put(entry.markdown_key, answer.fresh_html)
            elif entry.markdown_key:
                caches.markdown.keep(entry.markdown_key)
    caches.checked_before, caches.checked = known, checked
    progress(say("cli.progress.read"), len(paths), len(paths))
    problems: list[Problem] = []
    conferences: list[Conference] = []
    for path in paths:
        conference = checked[path].conference
        problems.extend(checked[path].problems)
        if conference is not None and (options.drafts or not conference.draft):
            conferences.append(conference)
    problems.extend(check_unique_urls(conferences) + check_duplicates(conferences) + check_tags(conferences, config))
    if any(not p.warning for p in problems):
        raise BuildFailed(problems)
    site = build_site(config, conferences)
    return site, [p for p in problems if p.warning]


# --- Making every file of the site --------------------------------------------------------------

_PAGES_PER_TASK = 40


@dataclass(frozen=True)
class _MakeInputs:
    """What every task making the site's files is given (see _draw_pages, _index_group)."""

    sink: Sink
    templates: Path
    site: Site
    due: list[render.Page]  # the pages to draw


def _draw_pages(shared: _MakeInputs, span: range) -> int:
    """Draw the due pages numbered span into the sink (a task); how many."""
    env = render.environment(shared.templates)
    for page in shared.due[span.start: span.stop]:
        shared.sink.put(page.path, render.draw(page, env, shared.site.config))
    return len(span)


def _index_group(shared: _MakeInputs, n: int) -> search.GroupIndex:
    """Index search group n (a task): its partition keys and partitions (see search.partition_files)."""
    return search.index_group(shared.site.conferences[::-1], n)


def _template_digests(templates: Path) -> dict[str, str]:
    """Each file of the templates folder by its bytes (a template put back with an old time, as
    git does, is still another template)."""
    return {path.relative_to(templates).as_posix(): digest(path.read_bytes())
            for path in templates.rglob("*") if path.is_file()}


class _FileLedger:
    """One build's account of its files as they are made: what each is made from (see Made), and
    whether the file of the last build can be kept as it is (then it is kept, in the sink)."""

    def __init__(self, site: Site, templates: Path, sink: Sink, last: Made | None):
        self.sink = sink
        self.env = render.environment(templates)
        self.times = _template_digests(templates)
        self.config = site.config
        self.before = last.files if last is not None and last.config == site.config else {}
        self.made: dict[str, MadeFrom] = {}
        self.drawn = 0
        self.pages_kept: list[str] = []  # pages to keep as the last build left them (see keep_pages)
        # Which templates draw their pages again (nothing is kept without a last build to keep from).
        self.redrawn: dict[str, bool] = {}
        if self.before and last is not None:
            changed = {name for name in self.times.keys() | last.templates.keys()
                       if self.times.get(name) != last.templates.get(name)}
            names = self.env.list_templates(filter_func=lambda name: not name.startswith("static/"))
            self.redrawn = {name: bool(changed) and _uses(self.env, name, changed) for name in names}

    def keep_if_unchanged(self, path: str, made_from: MadeFrom) -> bool:
        """Record what path is made from, and keep the last build's file when it was made from the
        same: True when kept (the caller makes the file otherwise)."""
        self.made[path] = made_from
        if path in self.before and self.before[path] == made_from:
            self.sink.keep(path)
            return True
        return False

    def make_changed(self, files: dict[str, search.SearchFile]) -> None:
        """Make each file unless the last build's can be kept."""
        for path, file in files.items():
            if not self.keep_if_unchanged(path, file.made_from):
                self.sink.put(path, file.make())

    def keep_page_if_unchanged(self, page: render.Page) -> bool:
        """Record the page, and mark the last build's file to keep (see keep_pages) when neither its
        data nor a template it is drawn with changed: True when kept; else it is counted as drawn,
        and the caller draws it."""
        self.made[page.path] = page
        if self.redrawn.get(page.template, True) or self.before.get(page.path) != page:
            self.drawn += page.path.endswith(".html")
            return False
        self.pages_kept.append(page.path)
        return True

    def keep_pages(self) -> None:
        """Keep the pages marked so far in the sink: after an edit, thousands of files linked into
        the new site's folder, while the workers draw the few pages and index the group that changed."""
        for path in self.pages_kept:
            self.sink.keep(path)
        self.pages_kept = []

    def record(self) -> Made:
        return Made(self.config, self.times, self.made, self.drawn)


def _uses(env: jinja2.Environment, name: str, changed: set[str]) -> bool:
    used = render.templates_used(env, name)
    return used is None or bool(used & changed)


def make_site(site: Site, templates: Path, sink: Sink, caches: Caches, last: Made | None = None,
              progress: Progress = _quiet, pages_done: Callable[[], None] = lambda: None) -> tuple[Made, int]:
    """Make every file of the site into sink: the pages, then (after pages_done()) the search
    index, the downloads and the search page. A file made from the same inputs as in the last
    build (last) is kept as it is. What each file was made from, and how many workers drew."""
    ledger = _FileLedger(site, templates, sink, last)
    due: list[render.Page] = []  # the pages to draw: the others are kept as the last build left them
    for page in render.plan_pages(site, results.tabulate(site)):
        if not ledger.keep_page_if_unchanged(page):
            due.append(page)
    planned = search.plan(site, caches.search)
    missing = [n for n in range(len(planned.keys)) if n not in planned.cached]
    spans = [range(start, min(start + _PAGES_PER_TASK, len(due))) for start in range(0, len(due), _PAGES_PER_TASK)]
    work = len(due) + len(missing) * search.GROUP if sink.workers_may_write else 0
    with Runner(work, _MakeInputs(sink, templates, site, due)) as runner:
        # The search groups, the longest tasks, go first, so that every worker stays busy to the
        # end; in this process each task runs when its result is asked for: the pages first.
        indexing = {n: runner.submit(_index_group, n) for n in missing}
        drawing = [runner.submit(_draw_pages, span) for span in spans]
        ledger.keep_pages()
        for path, source in _copies(site, templates).items():
            info = source.stat()
            if not ledger.keep_if_unchanged(path, Copied(str(source), info.st_mtime_ns, info.st_size)):
                sink.copy(path, source)
        for path, data in form.files(site.config).items():  # the web form's page and config.yml
            if not ledger.keep_if_unchanged(path, data):
                sink.put(path, data)
        progress(say("cli.progress.draw"), 0, len(due))
        drawn = 0
        for future in drawing:
            drawn += future.result()
            progress(say("cli.progress.draw"), drawn, len(due))
        pages_done()
        progress(say("cli.progress.index"), 0, len(site.conferences))
        _make_downloads(site, ledger)
        manifest = _make_search(site, ledger, caches, planned, indexing)
    page = render.search_page(site, manifest)
    if not ledger.keep_page_if_unchanged(page):
        sink.put(page.path, render.draw(page, ledger.env, site.config))
    ledger.keep_pages()
    return ledger.record(), runner.workers


def _make_search(site: Site, ledger: _FileLedger, caches: Caches, planned: search.Plan,
                 indexing: dict[int, Future[search.GroupIndex]]) -> search.Manifest:
    """The search index's files (the groups not cached are being indexed: indexing), and its manifest."""
    ledger.make_changed(search.result_files(site, planned.conferences))
    groups = dict(planned.cached)
    for n, future in indexing.items():
        groups[n] = future.result()
        caches.search.put(planned.keys[n], groups[n])
    ordered = [groups[n] for n in range(len(planned.keys))]
    ledger.make_changed(search.partition_files(ordered, planned.keys))  # (an edit changes one group's part of some)
    return search.manifest([group.keys for group in ordered])


def _make_downloads(site: Site, ledger: _FileLedger) -> None:
    """The CSV and JSON of every figure: costly to make, so compared by what they show."""
    inputs = results.download_inputs(site)
    paths = [site.config.urls["data"] + name for name in (results.CSV_FILE, results.JSON_FILE)]
    if all(path in ledger.before and ledger.before[path] == inputs for path in paths):
        for path in paths:
            ledger.keep_if_unchanged(path, inputs)
    else:
        ledger.made.update(dict.fromkeys(paths, inputs))
        for path, data in results.downloads(site).items():
            ledger.sink.put(path, data)


def _copies(site: Site, templates: Path) -> dict[str, Path]:
    """Files copied as they are: lunr.js, the web form's Decap CMS, the stylesheet and assets, and
    each article's photos."""
    copies = {"static/lunr.min.js": _lunr(), **_decap()}
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
        raise BuildFailed([Problem(str(script), 0, say("field.search"), say("search.no_lunr"),
                                   suggestion=say("search.no_lunr.fix"))])
    return script


def _decap() -> dict[str, Path]:
    found = form.copies()
    if not found:
        raise BuildFailed([Problem("node_modules/decap-cms", 0, "admin",
                                   say("form.not_installed"))])
    return found


# --- The three callers ---------------------------------------------------------------------------

def refuse_unsafe(options: Options) -> None:
    """Refuse an --output whose replacement would delete a source (output.refuse_unsafe_output)."""
    refuse_unsafe_output(options.output, {"source.content": options.content, "source.templates": options.templates,
                                          "source.config": options.config}, CODE)


def build(options: Options, progress: Progress = _quiet, memory: Memory | None = None,
          pages_done: Callable[[], None] = lambda: None) -> Report:
    """Build the whole site into options.output, or raise BuildFailed and leave it untouched.

    The live preview passes its Memory: the caches stay in memory, and after its first build
    only the files whose inputs changed are made again and written in place; pages_done() is
    called once the pages are written, if any changed (the search index and downloads follow;
    should they fail, the pages stay written: see output.InPlace)."""
    started = time.perf_counter()
    refuse_unsafe(options)
    try:
        with locked(options.output, _say_waiting):
            return _build(options, progress, memory, pages_done, started)
    except OSError as error:  # the system refused a read or a write: say where and what to do
        raise Refused(os_problem(error, options.output)) from None


# What to do about the operating system's refusals, by errno.
_ADVICE = {errno.ENOSPC: "system.ENOSPC", errno.EDQUOT: "system.EDQUOT", errno.EACCES: "system.EACCES",
           errno.EPERM: "system.EPERM", errno.EBUSY: "system.EBUSY", errno.EROFS: "system.EROFS",
           errno.EIO: "system.EIO", errno.EXDEV: "system.EXDEV"}


def os_problem(error: OSError, output: Path) -> str:
    """One line for an operating-system error: the path, what happened, what to do."""
    where = error.filename or output
    name = errno.errorcode.get(error.errno or 0, "error")
    key = _ADVICE.get(error.errno or 0)
    advice = say(key) if key else f"{error.strerror or error}"
    return say("system.refused", where=where, name=name, advice=advice, output=output)


def _say_waiting(lock: Path) -> None:
    print(say("build.waiting", lock=lock), file=sys.stderr, flush=True)


def _build(options: Options, progress: Progress, memory: Memory | None, pages_done: Callable[[], None],
           started: float) -> Report:
    """build(), holding the output folder's lock."""
    seal = Seal.mine() if options.cache and memory is None else Seal(None)
    fingerprint = _fingerprint(options) if options.cache and seal.key else ""
    if fingerprint and (unchanged := _last_build(options, fingerprint, seal)):
        return dataclasses.replace(unchanged, seconds=time.perf_counter() - started)
    caches = memory.caches if memory is not None else Caches(options.cache, seal)
    caches.begin()
    site, warnings = load_site(options, caches, progress)
    sink: Sink
    if memory is not None:
        if memory.output != _output_stamp(options.output):
            memory.made = None  # output/ is not what this preview left: start afresh
        last = memory.made if options.output.is_dir() else None
        sink = InPlace(options.output, last.files) if last is not None else Staging(options.output)
    else:  # the last build from the command line's Made, if output/ is as that build left it
        last = _last_made(options, caches) if fingerprint else None
        sink = Staging(options.output)  # (what is kept is linked from output/: see Staging.keep)

    def written() -> None:
        if isinstance(sink, InPlace) and not sink.write():
            return  # no page changed: nothing new to show
        pages_done()

    try:
        made, workers = make_site(site, options.templates, sink, caches, last, progress, written)
        sink.commit(len(made.files))
        warnings += results.check(site)  # (after the pages: the live preview's tab is reloading)
    except BaseException as error:
        sink.abandon()
        if memory is not None:
            memory.made = None  # what output/ holds is no longer known for sure: the next build starts afresh
        if isinstance(error, KeyboardInterrupt) and sink.replaced:
            raise StoppedAfterReplacing(error) from error
        raise
    caches.trim()
    if memory is not None:
        memory.made, memory.output = made, _output_stamp(options.output)
    else:  # (the live preview keeps its caches in memory, and saves them when it stops)
        try:
            warnings += _keep_for_next(options, caches, fingerprint, warnings, made)
        except KeyboardInterrupt as error:  # output/ holds the new site: only the caches go unsaved
            raise StoppedAfterReplacing(error) from error
    warnings = caches.take_warnings() + warnings
    return Report(len(made.files), time.perf_counter() - started, tuple(warnings), workers=workers,
                  pages=made.pages(), drawn=made.drawn)


def check(options: Options) -> list[Problem]:
    """Validate and make every file in memory, writing nothing; the warnings found."""
    caches = Caches(options.cache)  # read, never saved
    site, warnings = load_site(options, caches)
    make_site(site, options.templates, Discard(), caches)
    return caches.take_warnings() + warnings + results.check(site)


# --- Nothing changed since the last build from the command line ----------------------------------

def _fingerprint(options: Options) -> str:
    """A hash of everything a build reads: when it matches the last build's, output/ is already right.
    The articles by their files' time and size, as load_site takes an article whose file keeps
    both for the one it checked (reading 10.000 of them took half the time of a build with
    nothing to do); the templates, the config and the code by their bytes.
    The code is this package's files, the interpreter's version and every installed library's
    (those cache.code_digest follows among them, the libraries the build imports and those
    they require: one replaced by another version builds again)."""
    parts: list[str | bytes] = [repr(options), str(options.output.resolve()), _installed()]
    if options.content.is_dir():
        list_content(options.content)  # a link out of content/ or a FIFO there is said, never hidden by this
    for folder in (options.content, options.templates, CODE):
        if folder.is_dir():
            for name in _files(folder):
                file = os.path.join(folder, name)
                if folder == options.content and os.path.islink(file):  # never read through: its target is listed
                    parts += [name, os.readlink(file).encode()]
                elif folder == options.content:  # by its time and size, as load_site trusts them
                    parts += [name, repr(_stamp_or_none(file))]
                else:
                    parts += [name, _bytes(file)]
    for path in (options.config, search.lunr_script(), form.PACKAGE):
        parts += [str(path), os.readlink(path) if path.is_symlink() else "",
                  path.read_bytes() if path.is_file() else b""]
    return digest(*parts)


def _installed() -> str:
    """The interpreter's version and every installed distribution's name and version: more than the
    libraries code_digest follows, in a fifth of its time (it parses the code for its imports: a
    quarter of a build with nothing to do)."""
    libraries = sorted(f"{found.metadata['Name']} {found.version}" for found in importlib.metadata.distributions())
    return repr((sys.version, libraries))


def _files(folder: Path) -> list[str]:
    """The files under folder, by their paths relative to it ("/" between names), sorted: as
    Path.rglob finds them (linked files, not linked folders), without __pycache__, walked with
    os.scandir (pathlib's objects cost a third of a build that has nothing to do)."""
    found: list[str] = []
    todo = [""]
    while todo:
        relative = todo.pop()
        try:
            with os.scandir(os.path.join(folder, relative)) as listing:
                entries = list(listing)
        except PermissionError:  # (as rglob: a folder that cannot be listed holds nothing)
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        todo.append(f"{relative}{entry.name}/")
                elif entry.is_file():
                    found.append(relative + entry.name)
            except OSError:
                continue
    return sorted(found)


def _stamp_or_none(path: str) -> Stamp | None:
    """A file's stamp for the fingerprint; an unreadable one is reported by the build itself."""
    try:
        return _stamp(path)
    except OSError:
        return None


def _bytes(path: str) -> bytes:
    """A file's bytes for the fingerprint; an unreadable one is reported by the build itself."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        return f"unreadable: {error}".encode()


def _output_stamp(folder: Path) -> str:
    try:
        info = folder.stat()
    except FileNotFoundError:
        return ""
    return f"{info.st_ino}:{info.st_mtime_ns}"


def _files_stamp(folder: Path, files: list[str]) -> str:
    """A hash of each file's size, modification time and inode (a file rewritten, replaced or
    touched is another); "" when one of them is missing or cannot be seen."""
    base = f"{folder}/"
    stamps = []
    try:
        for name in files:
            info = os.lstat(base + name)
            stamps.append(f"{info.st_size} {info.st_mtime_ns} {info.st_ino}")
    except OSError:
        return ""
    return digest("\n".join(stamps))


_LAST_BUILD = "last-build"  # in .cache/: the last build's fingerprint, output/'s stamps and warnings, signed


def _last_build(options: Options, fingerprint: str, seal: Seal) -> Report | None:
    """The report of the last build when nothing it read has changed since and output/ is as it
    left it: the folder itself and each of its files (none missing, none rewritten)."""
    previous = _record(options, seal)
    if previous is None or previous.get("inputs") != fingerprint or not _output_as_left(options, previous):
        return None
    return Report(0, 0.0, tuple(Problem(*fields) for fields in previous.get("warnings", [])), unchanged=True)


def _record(options: Options, seal: Seal) -> dict[str, Any] | None:
    """The last build's record in .cache/ (see _remember_build), or None."""
    assert options.cache is not None
    try:
        data = (options.cache / _LAST_BUILD).read_bytes()
    except OSError:
        return None
    payload = seal.open(_LAST_BUILD, data)
    if payload is None:
        return None
    try:
        previous = json.loads(bytes(payload))
    except ValueError:
        return None
    return previous if isinstance(previous, dict) else None


def _output_as_left(options: Options, previous: dict[str, Any]) -> bool:
    """Whether output/ is as the build of this record left it: the folder itself and each of its
    files (none missing, none rewritten)."""
    files = previous.get("files")
    return (previous.get("output") == _output_stamp(options.output) and isinstance(files, list) and bool(files)
            and previous.get("stamps") == _files_stamp(options.output, files))


def _keep_for_next(options: Options, caches: Caches, fingerprint: str, warnings: list[Problem],
                   made: Made) -> list[Problem]:
    """Save the caches and what the next build needs (what each file was made from, to make only
    what changed; the record of output/, to know that nothing changed), once output/ holds the
    new site: a refusal of the system (a full disk, a read-only or locked .cache/) is one
    warning, never a failed build, and the build says it built (output/ was replaced)."""
    try:
        caches.write()
        if fingerprint:
            token = secrets.token_hex(16)  # (the record vouches for this Made, and no other)
            _keep_made(options, caches, made, token)
            _remember_build(options, fingerprint, warnings, caches.seal, token, sorted(made.files))
    except OSError as error:
        return [cache_not_saved(error, options.cache)]
    return []


def _remember_build(options: Options, fingerprint: str, warnings: list[Problem], seal: Seal, token: str,
                    files: list[str]) -> None:
    """Record the build in .cache/: its fingerprint, output/ with the files the build made there
    (files, sorted), the warnings it said, and the token of the Made it kept."""
    assert options.cache is not None
    options.cache.mkdir(parents=True, exist_ok=True)
    record = {"inputs": fingerprint, "output": _output_stamp(options.output), "files": files,
              "stamps": _files_stamp(options.output, files), "warnings": [dataclasses.astuple(w) for w in warnings],
              "made": token}
    seal.write(options.cache / _LAST_BUILD, _LAST_BUILD, json.dumps(record, ensure_ascii=False).encode("utf-8"))


# --- What the last build from the command line made, for the next -------------------------------

_MADE = "made"  # in .cache/: the last build's Made, signed; its record in last-build vouches for it


def _made_key(options: Options) -> str:
    """What a kept Made is good for: this code (with the interpreter's and libraries' versions),
    these options and this output folder."""
    return digest(code_digest(sys.modules[__name__]), repr(options), str(options.output.resolve()))


class _MadeWriter(pickle.Pickler):
    """Pickles a Made without the articles the articles store holds already: each article (a
    Conference, and its results) is written as a reference to it by its file's path, a call of
    _stored that _MadeReader answers (a reducer_override, asked of each object pickled once,
    not of every string and number as persistent_id would be: half the time)."""

    def __init__(self, file: io.BytesIO, caches: Caches):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        # (the config's read-only mappings, as the dicts they show)
        self.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _mapping_proxy}
        self.references: dict[int, tuple[str, str]] = {}
        for path, entry in caches.checked.items():
            if entry.conference is not None:  # (its results too: the downloads are made from them)
                self.references[id(entry.conference)] = ("article", path)
                self.references[id(entry.conference.results)] = ("results", path)

    def reducer_override(self, obj: object) -> tuple[Callable[..., object], tuple[str, str]]:
        reference = self.references.get(id(obj))
        return NotImplemented if reference is None else (_stored, reference)


def _stored(kind: str, path: str) -> object:
    """What a reference in a kept Made stands for: only _MadeReader can say (see find_class)."""
    raise pickle.UnpicklingError("a Made is read with _MadeReader")


def _mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Callable[..., object], tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


class _MadeReader(pickle.Unpickler):
    """Reads what _MadeWriter wrote, the articles as the last build checked them (the same
    objects: comparing an unchanged one is comparing it with itself)."""

    def __init__(self, file: io.BytesIO, caches: Caches):
        super().__init__(file)
        self.caches = caches

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_stored"):
            return self.stored
        return super().find_class(module, name)

    def stored(self, kind: str, path: str) -> object:
        conference = self.caches.checked_before[path].conference
        assert conference is not None
        return conference if kind == "article" else conference.results


def _keep_made(options: Options, caches: Caches, made: Made, token: str) -> None:
    assert options.cache is not None
    buffer = io.BytesIO()
    with gc_paused():
        _MadeWriter(buffer, caches).dump((_made_key(options), token, _versions(caches.checked), made))
    caches.seal.write(options.cache / _MADE, _MADE, buffer.getvalue())


def _last_made(options: Options, caches: Caches) -> Made | None:
    """The last build's Made when output/ is as that build left it (and the code, the options and
    the output folder are the same); else None: the whole site is made."""
    assert options.cache is not None
    previous = _record(options, caches.seal)
    if previous is None or not _output_as_left(options, previous):
        return None
    try:
        data = (options.cache / _MADE).read_bytes()
    except OSError:
        return None
    payload = caches.seal.open(_MADE, data)
    if payload is None:
        return None
    try:
        with gc_paused():
            key, token, versions, made = _MadeReader(io.BytesIO(payload), caches).load()
    except Exception:  # (an article it refers to is not in the cache any more, or the file is damaged)
        return None
    if (key != _made_key(options) or token != previous.get("made") or versions != _versions(caches.checked_before)
            or not isinstance(made, Made)):
        return None
    return made


def _versions(checked: dict[str, Checked]) -> str:
    """Which version of each article a Made refers to (its file's time and size as checked): the
    articles store may hold others since (the live preview saves it too)."""
    return digest(repr(sorted((path, entry.stamp) for path, entry in checked.items())))

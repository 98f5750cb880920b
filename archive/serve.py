"""Live preview: serve output/ with livereload, rebuild and reload the tab on every edit.

A broken edit prints its errors and leaves output/ as it was, so the browser
keeps showing the last good site. The server keeps the checked articles,
caches and drawn pages in memory (pipeline.Live): an edit redraws only the
pages whose data changed, reusing the last search index and downloads, and
writes only the files that changed, each replaced atomically, so the tab
reloads at once; a second build in the background then brings the search
index and downloads up to date.

Changes are seen by archive/watch.py (inotify where the system has it), which
says which files changed: a rebuild re-reads those articles only. Builds run
one at a time in a thread of their own, so the server keeps answering while
they run; the tab is told to reload through livereload's handler as soon as
the pages are written.
"""
from __future__ import annotations

import gc
import sys
import threading
import traceback
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from .cli import print_problems
from .pipeline import Live, Options, Superseded, build, live_state, warm
from .problems import BuildFailed
from .vietnamese import format_number
from .watch import watch


def _rebuild(options: Options, live: Live, with_search: bool = True, built=lambda: None) -> bool:
    """One build, its problems printed; built() is called first when it succeeds (to reload the tab)."""
    try:
        report = build(options, live=live, with_search=with_search)
    except BuildFailed as failure:
        print_problems(failure.problems)
        print("Bản sửa có lỗi: trang vẫn hiển thị bản tốt gần nhất.", file=sys.stderr, flush=True)
        return False
    built()
    print_problems(report.warnings)
    what = "Đã xây dựng lại" if with_search else "Đã vẽ lại các trang (chỉ mục tìm kiếm cập nhật sau)"
    print(f"{what}: {format_number(report.pages)} trang, {format_number(round(report.seconds, 1))} s", flush=True)
    return True


class _Tabs(Watcher):
    """livereload's side: the server polls nothing (start() says the watcher calls back itself);
    reload() tells the open tabs to reload, from any thread."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: IOLoop | None = None

    def start(self, callback) -> bool:
        self.loop = IOLoop.current()  # called by livereload in the server's thread, before it runs the loop
        return True

    def examine(self):
        return None, None

    def reload(self, path: str) -> None:
        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, path)


def _reload_path(changed: set[Path] | None) -> str:
    """What livereload.js is told changed: a stylesheet alone is swapped in place, anything else reloads the page."""
    if changed and all(path.suffix == ".css" for path in changed):
        return next(iter(changed)).name
    return "*"


SEARCH_AFTER = 1.0  # s: the tab reloads undisturbed before the search index is brought up to date


class _Rebuilder:
    """Every build in one thread: after each batch of changes the pages (the tab reloads when they
    are written), then, once no change has come for a moment, the search index and downloads."""

    def __init__(self, options: Options, tabs: _Tabs):
        self.options = options
        self.tabs = tabs
        self.due = False  # a batch waits
        self._fresh()
        self.condition = threading.Condition()
        self.batch: set[Path] | None = set()  # changed since the last build took them; None: unknown
        self.search_due = False

    def changed(self, batch: set[Path] | None) -> None:
        """From the watcher: these paths changed (None: something did)."""
        with self.condition:
            self.batch = None if batch is None or self.batch is None else self.batch | batch
            self.due = True
            self.condition.notify()

    def first(self) -> bool:
        return self._build(with_search=True)

    def warm(self) -> None:
        try:
            warm(self.options, self.live)
        except Exception:  # a bug: say so, and start afresh with the first edit
            traceback.print_exc()
            self._fresh()

    def start(self) -> None:
        threading.Thread(target=self._run, name="rebuild", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.due and not self.search_due:
                    self.condition.wait()
                if not self.due:  # the search build waits until the tab has reloaded, or the next edit
                    self.condition.wait(SEARCH_AFTER)
                quick, batch = self.due, self.batch
                if quick:
                    self.batch, self.due = set(), False
                else:
                    self.search_due = False
            if not quick:
                gc.enable()
                self._build(with_search=True)
                continue
            if batch is None:
                self.live.listing = None  # list content/ afresh
            else:
                self.live.changed |= batch
            # No garbage collection from the edit until the tab has reloaded: a full one, over every
            # article kept in memory, would take longer than the rest of the rebuild. It resumes with
            # the search build.
            gc.disable()
            if self._build(with_search=False, built=lambda: self.tabs.reload(_reload_path(batch))):
                with self.condition:
                    self.search_due = True
            else:
                gc.enable()

    def _fresh(self) -> None:
        self.live = live_state(self.options)
        self.live.changed = set()  # watched: rebuilds re-check only the files that changed
        self.live.stop = lambda: self.due  # a full build gives way to a newer edit

    def _build(self, with_search: bool, built=lambda: None) -> bool:
        """A build; built() is called as soon as it has written the site (before its messages)."""
        try:
            succeeded = _rebuild(self.options, self.live, with_search, built)
        except Superseded:  # the edit waiting goes first; its own search build follows it
            return False
        except Exception:  # a bug, not a broken edit: say so, and start afresh next time
            traceback.print_exc()
            self._fresh()
            return False
        if with_search:
            # What the full build leaves stays until the next one: collected once now (a tenth of a
            # second at 10.000 articles), then frozen, so that the collector does not go over it
            # again and again (what is dropped is still freed at once, cycles at the next full build).
            gc.unfreeze()
            gc.collect()
            gc.freeze()
        return succeeded


def serve(options: Options, host: str, port: int) -> int:
    tabs = _Tabs()
    rebuild = _Rebuilder(options, tabs)
    # Watching starts before the first build, so that no edit made during it is missed.
    watcher = watch([options.content, options.templates], [options.config], rebuild.changed)
    try:
        if not rebuild.first() and not options.output.is_dir():
            return 1
        rebuild.warm()
        rebuild.start()
        server = Server(watcher=tabs)
        for path in (options.content, options.templates, options.config):
            server.watch(str(path))
        print(f"Xem trước tại http://{host}:{port}/ (Ctrl+C để dừng)", flush=True)
        server.serve(host=host, port=port, root=str(options.output), open_url_delay=None, restart_delay=0)
    finally:
        watcher.close()
    return 0

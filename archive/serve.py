"""Live preview: serve output/ with livereload, rebuild and reload the tab on every edit.

The same build as the command line's (pipeline.build), given a Memory that the server keeps
between edits: the caches in memory, and what each file of output/ was made from, so that an
edit makes again only the files whose inputs changed and writes only those (each replaced
atomically). The tab is told to reload as soon as the pages are written; the search index and
the downloads follow within the same build. A broken edit prints its errors and leaves output/
as it was, so the browser keeps showing the last good site.

The first build runs before any thread starts, so a large site's first build may use worker
processes (parallel.py); then watchfiles watches content/, templates/ and the config in a
thread of its own, and every later build runs in one rebuild thread, in this process, one at
a time: changes that arrive during a build are built together right after it.
"""
from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import re
import socket
import sys
import threading
import traceback
import urllib.parse
from pathlib import Path
from typing import Callable

import tornado.web
import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from .cli import print_problems
from .messages import say
from .pipeline import Caches, Memory, Options, build, refuse_unsafe
from .problems import BuildFailed, Refused
from .vietnamese import format_number


def _rebuild(options: Options, memory: Memory, pages_done: Callable[[], None] = lambda: None) -> bool:
    """One build, its problems printed and one line saying what it did."""
    try:
        report = build(options, memory=memory, pages_done=pages_done)
    except BuildFailed as failure:
        print_problems(failure.problems)
        print(say("serve.broken"), file=sys.stderr, flush=True)
        return False
    except Refused as refusal:  # the system refused (a full disk, a permission): the last good site stays
        print(refusal, file=sys.stderr, flush=True)
        return False
    print_problems(report.warnings)
    print(say("serve.rebuilt", pages=format_number(report.pages), seconds=format_number(round(report.seconds, 2))),
          flush=True)
    return True


class _Tabs(Watcher):
    """The adapter between this server and livereload, which would otherwise poll the files
    itself every 0,8 s: livereload asks its watcher to start(callback) and, when that returns
    True, polls nothing; reload() then tells the open tabs to reload, from any thread, through
    LiveReloadHandler.reload_waiters (livereload's own call after a change it found).
    tests/test_serve.py and tests/test_browser.py open a tab and see it reload after an edit."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: IOLoop | None = None

    def start(self, callback: Callable) -> bool:
        self.loop = IOLoop.current()  # called by livereload in the server's thread, before it runs the loop
        return True

    def examine(self) -> tuple[None, None]:
        return None, None

    def reload(self, path: str) -> None:
        if self.loop is not None:
            self.loop.add_callback(LiveReloadHandler.reload_waiters, path)


def _reload_path(changed: set[Path]) -> str:
    """What livereload.js is told changed: a stylesheet alone is swapped in place, anything else reloads the page."""
    if changed and all(path.suffix == ".css" for path in changed):
        return next(iter(changed)).name
    return "*"


class _Rebuilder:
    """Every build after the first, one at a time in a thread of its own."""

    def __init__(self, options: Options, memory: Memory, tabs: _Tabs):
        self.options = options
        self.memory = memory
        self.tabs = tabs
        self.condition = threading.Condition()
        self.pending: set[Path] = set()  # changed since the last build started
        self.building = threading.Lock()  # held while a build runs

    def changed(self, paths: set[Path]) -> None:
        with self.condition:
            self.pending |= paths
            self.condition.notify()

    def run(self) -> None:
        while True:
            with self.condition:
                while not self.pending:
                    self.condition.wait()
                batch, self.pending = self.pending, set()
            with self.building:
                try:
                    _rebuild(self.options, self.memory, functools.partial(self.tabs.reload, _reload_path(batch)))
                except Exception:  # a bug, not a broken edit: say so, and start afresh with the next edit
                    traceback.print_exc()
                    self.memory = Memory(Caches(self.options.cache))
                _settle()

    def save(self) -> None:
        """Write the caches kept in memory to .cache/, between builds."""
        with self.building:
            self.memory.caches.save()


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


def _settle() -> None:
    """After a build: collect its garbage cycles once, then move what is left (for a large site,
    millions of objects kept until the next edit) out of the collector's sight, so that no
    collection during the next edit walks all of it again (a tenth to a third of a second)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _stamps(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Every watched file's time and size."""
    found = {}
    for path in paths:
        for folder, _, names in os.walk(path) if path.is_dir() else [(str(path.parent), [], [path.name])]:
            for name in names:
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                found[os.path.join(folder, name)] = (info.st_mtime_ns, info.st_size)
    return found


def _watch(paths: list[Path], changed: Callable[[set[Path]], None], stop: threading.Event) -> None:
    for changes in watchfiles.watch(*paths, stop_event=stop, step=20, debounce=1000):
        changed({Path(path) for _, path in changes})


class _Files(StaticFileHandler):
    """livereload's file handler, with a 400 for a request path no file can have: a NUL byte, a
    '%' not followed by two hex digits, or percent-encoded bytes that are not UTF-8."""

    def prepare(self) -> None:
        raw = self.request.path
        try:
            decoded = urllib.parse.unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise tornado.web.HTTPError(400) from None
        if "\x00" in decoded or _BAD_ESCAPE.search(raw):
            raise tornado.web.HTTPError(400)
        super().prepare()


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _refuse_taken_port(host: str, port: int) -> None:
    """The port must be free before the first build, so the editor does not wait for nothing."""
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        raise Refused(_port_problem(host, port, error)) from None


def _port_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return say("serve.port_taken", host=host, port=port, other=port + 1 if port < 65535 else 8000)
    return say("serve.cannot_listen", host=host, port=port, error=error.strerror or error)


def serve(options: Options, host: str, port: int) -> int:
    refuse_unsafe(options)  # before anything is built or served
    _refuse_taken_port(host, port)
    memory = Memory(Caches(options.cache))
    watched = [path for path in (options.content, options.templates, options.config) if path.exists()]
    before = _stamps(watched)
    if not _rebuild(options, memory) and not options.output.is_dir():
        return 1
    memory.caches.save()
    _settle()
    # livereload's and tornado's messages (a tab connected, a reload sent, a page not found) are not
    # for editors; errors still show. (livereload sets its own level when it starts: a filter stays.)
    for name in ("livereload", "tornado.access", "tornado.application", "tornado.general"):
        logging.getLogger(name).addFilter(_errors_only)
    tabs = _Tabs()
    rebuilder = _Rebuilder(options, memory, tabs)
    stop = threading.Event()
    threading.Thread(target=_watch, args=(watched, rebuilder.changed, stop), name="watch", daemon=True).start()
    threading.Thread(target=rebuilder.run, name="rebuild", daemon=True).start()
    # An edit saved during the first build, before the watcher started, is built now.
    if _stamps(watched) != before:
        rebuilder.changed({options.content})
    print(say("serve.listening", host=host, port=port), flush=True)
    try:
        server = Server(watcher=tabs)
        server.SFH = _Files
        try:
            server.serve(host=host, port=port, root=str(options.output), open_url_delay=None, restart_delay=0)
        except OSError as error:  # taken between the check and now
            raise Refused(_port_problem(host, port, error)) from None
    finally:
        stop.set()
        rebuilder.save()  # the caches stay in memory while serving: saving them after every edit would slow it
    return 0

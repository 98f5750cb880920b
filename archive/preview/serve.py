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

Ctrl+C, SIGTERM or SIGHUP stop the server's loop, and the preview stops within a second
(_STOP_WITHIN): the form's backend, the watcher and a build still running are given until then.

The preview shows what the published site does not: drafts (the build runs with drafts=True,
and the templates mark them), and the last build's problems in a panel over the page
(_Board, preview/panel.js). The panel's script is added to each page as it is served, never
written into output/, so the published build holds no trace of it.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import functools
import gc
import json
import logging
import mimetypes
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import tornado.routing
import tornado.web
import tornado.websocket
import watchfiles
from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import escape
from tornado.ioloop import IOLoop

from ..common.messages import say
from ..common.problems import BuildFailed, Problem, Refused, print_problems
from ..common.vietnamese import format_number
from ..make.pipeline import Caches, Memory, Options, build, refuse_unsafe
from ..site.content import shown_path
from . import access
from .backend import start_backend, stop_backend

PANEL = Path(__file__).resolve().parent  # the panel's script and stylesheet, served under /_preview/
PANEL_TAG = b'<script src="/_preview/panel.js" defer></script>'


class _Board:
    """The last build's problems, as the open tabs' panel shows them: errors over the last good
    page, warnings in a smaller panel. Builds post to it from the rebuild thread; each tab's panel
    listens on a websocket (/_preview/events), sent the state when it connects and when it changes.
    (A websocket, not server-sent events: those would hold one of the browser's six connections
    to the server per open tab, and a seventh tab would wait.)"""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.errors: tuple[Problem, ...] = ()
        self.warnings: tuple[Problem, ...] = ()
        self.listeners: set[tornado.websocket.WebSocketHandler] = set()  # used in the server's thread only
        self.loop: IOLoop | None = None  # the server's, once a tab listens

    def post(self, problems: Iterable[Problem]) -> None:
        problems = tuple(problems)
        self._set(tuple(p for p in problems if not p.warning), tuple(p for p in problems if p.warning))

    def clear_errors(self) -> None:
        """The pages are written: the tab about to reload must not see the errors of the build before."""
        self._set((), self.warnings)

    def _set(self, errors: tuple[Problem, ...], warnings: tuple[Problem, ...]) -> None:
        with self.lock:
            if (errors, warnings) == (self.errors, self.warnings):
                return
            self.errors, self.warnings = errors, warnings
        if self.loop is not None:
            self.loop.add_callback(self._send)

    def listen(self, tab: tornado.websocket.WebSocketHandler) -> None:
        self.loop = IOLoop.current()
        self.listeners.add(tab)
        tab.write_message(self.state())

    def _send(self) -> None:
        state = self.state()
        for tab in list(self.listeners):
            try:
                tab.write_message(state)
            except tornado.websocket.WebSocketClosedError:
                self.listeners.discard(tab)

    def state(self) -> str:
        """What the panel shows, as JSON, the words in Vietnamese."""
        with self.lock:
            errors, warnings = self.errors, self.warnings
        text = {"errors": say("preview.panel.errors", count=format_number(len(errors))),
                "errors_note": say("preview.panel.errors_note"),
                "warnings": say("preview.panel.warnings", count=format_number(len(warnings))),
                "close": say("preview.panel.close"), "close_label": say("preview.panel.close_label")}
        return json.dumps({"errors": [_shown(p) for p in errors], "warnings": [_shown(p) for p in warnings],
                           "text": text}, ensure_ascii=False)


def _shown(problem: Problem) -> dict[str, str]:
    """One problem as the panel lists it: file, line, field, what is wrong, what to write instead."""
    return {"path": problem.path,
            "line": say("preview.panel.line", line=problem.line) if problem.line else "",
            "field": say("preview.panel.field", field=problem.field) if problem.field else "",
            "message": problem.message,
            "suggestion": say("preview.panel.suggestion", suggestion=problem.suggestion) if problem.suggestion else ""}


def _rebuild(options: Options, memory: Memory, board: _Board, what: str = "",
             pages_done: Callable[[], None] = lambda: None) -> bool:
    """One build, its problems printed and posted to the panel, and one line saying what it did:
    what changed (what: empty for the first build), how many pages it drew of how many, how long."""

    def written() -> None:
        board.clear_errors()
        pages_done()

    try:
        report = build(options, memory=memory, pages_done=written)
    except BuildFailed as failure:
        print_problems(failure.problems)
        board.post(failure.problems)
        errors = format_number(sum(1 for p in failure.problems if not p.warning))
        line = say("preview.failed", what=what, errors=errors) if what else say(
            "preview.first_failed", errors=errors, output=options.output)
        print(line, file=sys.stderr, flush=True)
        return False
    except Refused as refusal:  # the system refused (a full disk, a permission): the last good site stays
        print(refusal, file=sys.stderr, flush=True)
        board.post([Problem("", 0, "", str(refusal))])
        return False
    print_problems(report.warnings)
    board.post(report.warnings)
    seconds = format_number(round(report.seconds, 2))
    pages = format_number(report.pages)
    print(say("preview.rebuilt", what=what, drawn=format_number(report.drawn), pages=pages, seconds=seconds)
          if what else say("preview.built", pages=pages, seconds=seconds), flush=True)
    return True


def _what_changed(changes: dict[Path, watchfiles.Change]) -> str:
    """The changed files as the terminal names them: "Đã lưu content/…md", "… và 2 tệp khác"."""
    named = {path: change for path, change in changes.items() if not _editor_file(path.name)} or changes
    deleted = all(change == watchfiles.Change.deleted for change in named.values())
    key = "preview.deleted" if deleted else "preview.saved"
    paths = sorted(shown_path(path) for path in named)
    shown = paths[0] if len(paths) == 1 else say("preview.and_more", path=paths[0],
                                                    count=format_number(len(paths) - 1))
    return say(key, path=shown)


def _editor_file(name: str) -> bool:
    """An editor's swap, lock or backup file, saved beside the file being edited."""
    return name.startswith((".", "#")) or name.endswith("~") or name.isdigit()


class _Tabs(Watcher):  # type: ignore[misc]  # livereload is untyped: its classes are Any
    """The adapter between this server and livereload, which would otherwise poll the files
    itself every 0,8 s: livereload asks its watcher to start(callback) and, when that returns
    True, polls nothing; reload() then tells the open tabs to reload, from any thread, through
    LiveReloadHandler.reload_waiters (livereload's own call after a change it found).
    tests/test_serve.py and tests/test_browser.py open a tab and see it reload after an edit."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: IOLoop | None = None

    def start(self, callback: Callable[[], None]) -> bool:
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

    def __init__(self, options: Options, memory: Memory, tabs: _Tabs, board: _Board):
        self.options = options
        self.memory = memory
        self.tabs = tabs
        self.board = board
        self.condition = threading.Condition()
        self.pending: dict[Path, watchfiles.Change] = {}  # changed since the last build started
        self.building = threading.Lock()  # held while a build runs
        self.stopping = False  # the preview stops: no build starts any more

    def changed(self, changes: dict[Path, watchfiles.Change]) -> None:
        with self.condition:
            self.pending |= changes
            self.condition.notify()

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify()

    def run(self) -> None:
        while True:
            with self.condition:
                while not self.pending and not self.stopping:
                    self.condition.wait()
                if self.stopping:
                    return
                batch, self.pending = self.pending, {}
            with self.building:
                try:
                    _rebuild(self.options, self.memory, self.board, _what_changed(batch),
                             functools.partial(self.tabs.reload, _reload_path(set(batch))))
                except Exception:  # a bug, not a broken edit: say so, and start afresh with the next edit
                    traceback.print_exc()
                    self.board.post([Problem("", 0, "", say("preview.bug"))])
                    self.memory = Memory(Caches(self.options.cache))
                _settle()

    def save(self, deadline: float) -> bool:
        """Write the caches kept in memory to .cache/, between builds: when the build running
        (if one is) ends by the deadline (time.monotonic()); else not (it ends with the process,
        as a killed build does, output/ whole, and the next start builds afresh what it would have)."""
        if not self.building.acquire(timeout=max(0.0, deadline - time.monotonic())):
            return False
        try:
            print_problems(self.memory.caches.save())
        finally:
            self.building.release()
        return True


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


def _watch(paths: list[Path], changed: Callable[[dict[Path, watchfiles.Change]], None],
           stop: threading.Event) -> None:
    """Report each change under paths. A watch is on a folder as it was when the watch began: content/
    deleted and made again (restored from a backup, checked out anew) would be watched no more. So the
    paths' identities are looked at again at least every second; when one changes, the watch starts
    anew on those that are there, and one that came back is reported changed (and built)."""
    while not stop.is_set():
        known = _identities(paths)
        present = [path for path in paths if known[path] is not None]
        if not present:  # nothing left to watch: look again in a second
            stop.wait(1)
            continue
        try:
            for changes in watchfiles.watch(*present, stop_event=stop, step=20, debounce=1000,
                                            rust_timeout=1000, yield_on_timeout=True):
                if found := _saved_or_deleted(changes):
                    changed(found)
                now = _identities(paths)
                if now != known:
                    if back := {path: watchfiles.Change.modified for path in paths
                                if now[path] is not None and now[path] != known[path]}:
                        changed(back)
                    break
        except FileNotFoundError:  # gone between the look and the watch: look again
            stop.wait(0.1)


def _identities(paths: list[Path]) -> dict[Path, tuple[int, int] | None]:
    """Each path's device and inode, None when it is not there."""
    found: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            info = os.stat(path)
            found[path] = (info.st_dev, info.st_ino)
        except OSError:
            found[path] = None
    return found


def _saved_or_deleted(changes: set[tuple[watchfiles.Change, str]]) -> dict[Path, watchfiles.Change]:
    """Each changed file, saved (modified) or deleted as it is now; a file that came and went
    (an editor's or sed's temporary file, renamed over the one edited) changed nothing."""
    kinds: dict[Path, set[watchfiles.Change]] = {}
    for change, name in changes:
        kinds.setdefault(Path(name), set()).add(change)
    found = {}
    for file, seen in kinds.items():
        if file.exists():
            found[file] = watchfiles.Change.modified
        elif watchfiles.Change.added not in seen:
            found[file] = watchfiles.Change.deleted
    return found


class _PreviewFileHandler(StaticFileHandler):  # type: ignore[misc]  # livereload is untyped: its classes are Any
    """livereload's file handler, with a 400 for a request path no file can have (a NUL byte, a
    '%' not followed by two hex digits, or percent-encoded bytes that are not UTF-8), the site's
    own 404 page for a path it lacks, and the panel's script added to every page it serves
    (through tornado's hooks for a subclass: get_content, get_content_size, write_error)."""

    def prepare(self) -> None:
        raw = self.request.path
        try:
            decoded = urllib.parse.unquote(raw, errors="strict")
        except UnicodeDecodeError:
            raise tornado.web.HTTPError(400) from None
        if "\x00" in decoded or _BAD_ESCAPE.search(raw):
            raise tornado.web.HTTPError(400)
        super().prepare()

    @classmethod
    def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> bytes | Iterator[bytes]:
        if not abspath.endswith(".html"):
            chunks: Iterator[bytes] = super().get_content(abspath, start, end)
            return chunks
        return _served_page(abspath)[start:end]

    def get_content_size(self) -> int:
        if self.absolute_path is None or not self.absolute_path.endswith(".html"):
            size: int = super().get_content_size()
            return size
        return len(_served_page(self.absolute_path))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        try:
            page = (Path(self.root) / "404.html").read_bytes() if status_code == 404 else None
        except OSError:  # no 404 page (yet): tornado's own answer
            page = None
        if page is None:
            super().write_error(status_code, **kwargs)
            return
        self.clear_header("Content-Length")  # (set for the file that was asked for, when it was one)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(_with_panel(page))


def _served_page(abspath: str) -> bytes:
    """An HTML page of output/ as the preview serves it (see _with_panel)."""
    return _with_panel(Path(abspath).read_bytes())


def _with_panel(page: bytes) -> bytes:
    """A page as the preview serves it: with the script of the problems panel."""
    return page.replace(b"</head>", PANEL_TAG + b"</head>", 1)


class _Events(tornado.websocket.WebSocketHandler):
    """/_preview/events: a tab's panel listening to the board (a page of another origin is refused,
    so no other site can read the problems)."""

    def initialize(self, board: _Board, origins: frozenset[str]) -> None:
        self.board = board
        self.origins = origins

    def check_origin(self, origin: str) -> bool:
        return access.origin_allowed(origin, self.origins)

    def open(self, *args: str, **kwargs: str) -> None:
        self.board.listen(self)

    def on_close(self) -> None:
        self.board.listeners.discard(self)


class _LiveReload(LiveReloadHandler):  # type: ignore[misc]  # livereload is untyped: its classes are Any
    """livereload's websocket (/livereload), for a page of the preview's own origin only (livereload
    takes any)."""

    def initialize(self, origins: frozenset[str]) -> None:
        self.origins = origins

    def check_origin(self, origin: str) -> bool:
        return access.origin_allowed(origin, self.origins)


# livereload's script, as Server.application adds it to every page (before "</head>")
_LIVE_SCRIPT = ('<script type="text/javascript">(function(){var s=document.createElement("script");'
                "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
                's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
                "document.head.appendChild(s);})();</script>")


class _PreviewServer(Server):  # type: ignore[misc]  # livereload is untyped: its classes are Any
    """livereload's server, with the panel's files and events beside the site's, the form's page
    told where its backend is (when it runs), and every request whose Host is not the preview's
    own refused (access.py)."""

    def __init__(self, board: _Board, watcher: _Tabs, host: str, port: int, backend: str | None) -> None:
        super().__init__(watcher=watcher)
        self.board = board
        self.SFH = _PreviewFileHandler
        self.hosts = access.hosts(host, port)
        self.origins = access.origins(host, port)
        self.backend = backend

    def get_web_handlers(self, script: bytes) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, object]]]:
        form: list[tuple[str, type[tornado.web.RequestHandler], dict[str, object]]] = [
            (r"/admin/(?:index\.html)?", access.FormPage, {"root": self.root, "backend": self.backend})
        ] if self.backend else []
        return [(r"/_preview/events", _Events, {"board": self.board, "origins": self.origins}),
                (r"/_preview/(panel\.js|panel\.css)", tornado.web.StaticFileHandler, {"path": str(PANEL)}),
                *form, *super().get_web_handlers(script)]

    def application(self, port: int, host: str, liveport: int | None = None, debug: bool | None = None,
                    live_css: bool = True) -> None:
        """livereload's own (Server.application, on one port), its handlers reached only through
        access.OwnHost: any other Host gets access.Refused (403 and a line)."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        script = escape.utf8(_LIVE_SCRIPT)

        class Injector(LiveScriptInjector):  # type: ignore[misc]  # livereload is untyped: its classes are Any
            pass

        Injector.script = script
        handlers = [(r"/livereload", _LiveReload, {"origins": self.origins}), (r"/forcereload", ForceReloadHandler),
                    (r"/livereload.js", LiveReloadJSHandler), *self.get_web_handlers(script)]
        application = tornado.web.Application(
            [tornado.routing.Rule(access.OwnHost(self.hosts), handlers),
             tornado.routing.Rule(tornado.routing.AnyMatches(), access.Refused)],
            debug=bool(debug), transforms=[Injector])
        application.listen(port, address=host)


# The web form reads admin/config.yml only when it is served as YAML (with the local backend set
# by its page); Python's table lacks .yml.
mimetypes.add_type("text/yaml", ".yml")

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


def _start_form_backend(options: Options, host: str, port: int, token: str) -> subprocess.Popen[bytes] | None:
    """The web form's local editing backend at the next port, when it is free (else the preview
    runs without it, and says so), answering the preview's pages that bring this session's key."""
    try:
        socket.create_server(("127.0.0.1", port + 1)).close()
    except (OSError, OverflowError):
        print(say("form.backend.port_taken", port=port + 1, other=8000 if port > 60000 else port + 2),
              flush=True)
        return None
    return start_backend(options.content, port + 1, token, access.origins(host, port))


_STOP_SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
_STOP_WITHIN = 0.8  # s: the most the parts of the preview are given to stop (tests/test_serve.py)


@contextlib.contextmanager
def _stopped_by_signals(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Ctrl+C, SIGTERM and SIGHUP stop the server's loop between two of its callbacks: the loop's
    own signal handling, woken by the signal, never raising inside a callback. (Raised as an
    exception wherever the loop happened to be, as cli.py's Stopped and Python's KeyboardInterrupt
    are, a signal that landed in livereload's bare `except:` around sending a tab a message was
    lost, and the preview went on serving, deaf to SIGTERM from then on.) The handlers that were
    there before are put back at the end; the loop is closed (livereload closes it, with its
    sockets, when it stops normally)."""
    previous = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    try:
        try:
            for signum in _STOP_SIGNALS:
                loop.add_signal_handler(signum, loop.stop)
        except NotImplementedError:  # no signals through the loop (Windows): cli.py's handlers
            pass
        yield
    finally:
        if not loop.is_closed():
            loop.close()  # (which takes its signal handlers off)
        asyncio.set_event_loop(None)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop(backend: subprocess.Popen[bytes] | None, watcher: threading.Thread, stop: threading.Event,
          rebuilder: _Rebuilder) -> None:
    """Each part of the preview told to stop at once, then each given until one deadline: the
    form's backend (SIGTERM, then SIGKILL), the watcher (it looks at its stop event every 20 ms),
    a build still running (else the caches are not saved), then the caches saved."""
    deadline = time.monotonic() + _STOP_WITHIN
    for signum in _STOP_SIGNALS:  # a second signal does not cut the stop short (it takes under a second)
        signal.signal(signum, signal.SIG_IGN)
    rebuilder.stop()  # no build starts any more
    stop.set()
    stop_backend(backend, deadline)
    watcher.join(max(0.0, deadline - time.monotonic()))
    rebuilder.save(deadline)  # the caches stay in memory while serving: saving them after every edit would slow it


def serve(options: Options, host: str, port: int) -> int:
    refuse_unsafe(options)  # before anything is built or served
    _refuse_taken_port(host, port)
    # The preview shows drafts, marked as such; one that does not check yet is left out, its
    # problems shown as warnings, so that an unfinished import stops no other edit from showing.
    options = dataclasses.replace(options, drafts=True, draft_errors_stop=False)
    memory = Memory(Caches(options.cache))
    board = _Board()
    watched = [path for path in (options.content, options.templates, options.config) if path.exists()]
    before = _stamps(watched)
    if not _rebuild(options, memory, board) and not options.output.is_dir():
        return 1
    print_problems(memory.caches.save())
    _settle()
    # livereload's and tornado's messages (a tab connected, a reload sent, a page not found) are not
    # for editors; errors still show. (livereload sets its own level when it starts: a filter stays.)
    for name in ("livereload", "tornado.access", "tornado.application", "tornado.general"):
        logging.getLogger(name).addFilter(_errors_only)
    token = access.new_token()
    backend = _start_form_backend(options, host, port, token)  # (before any thread starts: it forks)
    tabs = _Tabs()
    rebuilder = _Rebuilder(options, memory, tabs, board)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(watched, rebuilder.changed, stop), name="watch", daemon=True)
    watcher.start()
    threading.Thread(target=rebuilder.run, name="rebuild", daemon=True).start()
    # An edit saved during the first build, before the watcher started, is built now.
    if _stamps(watched) != before:
        rebuilder.changed({options.content: watchfiles.Change.modified})
    print(say("serve.listening", host=host, port=port), flush=True)
    if backend is not None:
        print(say("form.backend.started", host=host, port=port), flush=True)
    loop = asyncio.new_event_loop()  # the server's (livereload runs tornado's IOLoop on it)
    asyncio.set_event_loop(loop)
    with _stopped_by_signals(loop):
        try:
            server = _PreviewServer(board, tabs, host, port, access.backend_url(port, token) if backend else None)
            try:
                server.serve(host=host, port=port, root=str(options.output), open_url_delay=None, restart_delay=0)
            except OSError as error:  # taken between the check and now
                raise Refused(_port_problem(host, port, error)) from None
        finally:
            _stop(backend, watcher, stop, rebuilder)
    return 0

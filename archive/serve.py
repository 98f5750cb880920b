"""Live preview: serve output/ with livereload, rebuild and reload the tab on every edit.

A broken edit prints its errors and leaves output/ as it was, so the browser
keeps showing the last good site. The server keeps the checked articles,
caches and drawn pages in memory (pipeline.Live): an edit redraws only the
pages whose data changed, reusing the last search index and downloads, and
writes only the files that changed, each replaced atomically, so the tab
reloads at once; a second build in the background then brings the search
index and downloads up to date.
"""
from __future__ import annotations

import sys
import threading

from livereload import Server
from livereload.handlers import LiveReloadHandler

from .cli import print_problems
from .pipeline import Live, Options, build, live_state
from .problems import BuildFailed
from .vietnamese import format_number


def _rebuild(options: Options, live: Live, with_search: bool = True) -> bool:
    try:
        report = build(options, live=live, with_search=with_search)
    except BuildFailed as failure:
        print_problems(failure.problems)
        print("Bản sửa có lỗi: trang vẫn hiển thị bản tốt gần nhất.", file=sys.stderr, flush=True)
        return False
    print_problems(report.warnings)
    what = "Đã xây dựng lại" if with_search else "Đã vẽ lại các trang (chỉ mục tìm kiếm cập nhật sau)"
    print(f"{what}: {format_number(report.pages)} trang, {format_number(round(report.seconds, 1))} s", flush=True)
    return True


class _Rebuilder:
    """Pages first, in the server's thread; the search index after, in a thread of its own.
    One lock keeps the two builds from writing output/ at the same time."""

    def __init__(self, options: Options):
        self.options = options
        self.live = live_state(options)
        self.lock = threading.Lock()
        self.search_due = threading.Event()
        threading.Thread(target=self._search_loop, daemon=True).start()

    def first(self) -> bool:
        with self.lock:
            return _rebuild(self.options, self.live)

    def __call__(self) -> None:
        with self.lock:
            if _rebuild(self.options, self.live, with_search=False):
                self.search_due.set()

    def _search_loop(self) -> None:
        while True:
            self.search_due.wait()
            self.search_due.clear()
            with self.lock:
                _rebuild(self.options, self.live)


def serve(options: Options, host: str, port: int) -> int:
    # livereload drops a reload that comes within 3 s of the previous one; an
    # editor saving twice in a row must see the second save too.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0.5
    rebuild = _Rebuilder(options)
    if not rebuild.first() and not options.output.is_dir():
        return 1
    server = Server()
    for path in (options.content, options.templates, options.config):
        server.watch(str(path), rebuild)
    print(f"Xem trước tại http://{host}:{port}/ (Ctrl+C để dừng)", flush=True)
    server.serve(host=host, port=port, root=str(options.output), open_url_delay=None, restart_delay=0)
    return 0

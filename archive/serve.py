"""Live preview: serve output/ with livereload, rebuild and reload the tab on every edit.

A broken edit prints its errors and leaves output/ as it was, so the browser
keeps showing the last good site.
"""
from __future__ import annotations

import sys

from livereload import Server
from livereload.handlers import LiveReloadHandler

from .cli import print_problems
from .pipeline import Options, build
from .problems import BuildFailed
from .vietnamese import format_number


def _rebuild(options: Options) -> bool:
    try:
        report = build(options)
    except BuildFailed as failure:
        print_problems(failure.problems)
        print("Bản sửa có lỗi: trang vẫn hiển thị bản tốt gần nhất.", file=sys.stderr, flush=True)
        return False
    print_problems(report.warnings)
    print(f"Đã xây dựng lại: {format_number(report.pages)} trang, {format_number(round(report.seconds, 1))} s",
          flush=True)
    return True


def serve(options: Options, host: str, port: int) -> int:
    # livereload drops a reload that comes within 3 s of the previous one; an
    # editor saving twice in a row must see the second save too.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0.5
    if not _rebuild(options) and not options.output.is_dir():
        return 1
    server = Server()
    for path in (options.content, options.templates, options.config):
        server.watch(str(path), lambda: _rebuild(options))
    print(f"Xem trước tại http://{host}:{port}/ (Ctrl+C để dừng)", flush=True)
    server.serve(host=host, port=port, root=str(options.output), open_url_delay=None, restart_delay=0)
    return 0

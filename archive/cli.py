"""The command line: build, check and serve, with messages an editor can act on."""
from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import threading
import time
from pathlib import Path

from .pipeline import Options, build, check
from .problems import BuildFailed, Refused
from .vietnamese import format_number

DESCRIPTION = """Build the archive of cooperative-alliance conferences from content/ into output/.

commands:
  build   (the default) render content/ through templates/ into output/
  check   validate every article and the config, write nothing
  serve   build, serve output/ on http://127.0.0.1:8000/ and rebuild and
          reload the browser on every change to content/, templates/ or the config
  import  make a draft article (draft: true) of each raw news page given
          (.txt page text or saved .html), in --out DIR (default: the content folder)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve", "import"),
                        help="what to do (default: build)")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="import: the raw pages (.txt or .html) to turn into draft articles")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="import: where drafts are written (default: the --content folder)")
    parser.add_argument("--config", type=Path, default=Path("site_config.yaml"), metavar="FILE",
                        help="the site settings (default: site_config.yaml)")
    parser.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                        help="the folder of Markdown articles (default: content)")
    parser.add_argument("--templates", type=Path, default=Path("templates"), metavar="DIR",
                        help="the Jinja2 templates and static files (default: templates)")
    parser.add_argument("--output", type=Path, default=Path("output"), metavar="DIR",
                        help="where the site is written (default: output); replaced whole on success only")
    parser.add_argument("--drafts", action="store_true", help="also build articles marked draft: true")
    parser.add_argument("--no-cache", action="store_true",
                        help="build everything afresh, neither reading nor writing .cache/ (results are the same)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="serve: the address to listen on (default: 127.0.0.1, this machine only)")
    parser.add_argument("--port", type=_port, default=8000, metavar="N",
                        help="serve: the port, 1 to 65535 (default: 8000)")
    return parser


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return int(text)


class ProgressBar:
    """A bar with counts and rate on stderr, for builds that take more than two seconds
    in a terminal; nothing in a log or in CI."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False
        self.live = sys.stderr.isatty() and not os.environ.get("CI")

    def __call__(self, stage: str, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        if not self.live or elapsed < 2:
            return
        filled = int(20 * done / total) if total else 0
        rate = f" · {format_number(round(done / elapsed))}/s" if done else ""
        sys.stderr.write(f"\r\033[K{stage} [{'#' * filled}{'.' * (20 - filled)}] "
                         f"{format_number(done)}/{format_number(total)}{rate}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: the build stops as on Ctrl+C, its workers end and its temporary folder goes."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    for name in ("SIGTERM", "SIGHUP"):  # once is enough: the cleanup must not be cut short
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Stopped(signum)


def _stop_on_signals() -> dict:
    """Install _stop for SIGTERM and SIGHUP; the handlers it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    signums = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    return {signum: signal.signal(signum, _stop) for signum in signums}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    previous = _stop_on_signals()
    try:
        return _run(parser, args)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.files and args.command != "import":
        parser.error(f"only 'import' takes files, got {args.files[0]} after '{args.command}'")
    options = Options(config=args.config, content=args.content, templates=args.templates,
                      cache=None if args.no_cache else Path(".cache"),
                      output=args.output, drafts=args.drafts)
    try:
        if args.command == "import":
            from .importer import import_pages  # BeautifulSoup is needed only here

            return import_pages(args.files, args.config, args.out or args.content, args.content)
        if args.command == "check":
            warnings = check(options)
            print_problems(warnings)
            print(f"Không có lỗi{f', {len(warnings)} cảnh báo' if warnings else ''}.")
            return 0
        if args.command == "serve":
            from .serve import serve  # livereload is needed only here

            return serve(options, args.host, args.port)
        bar = ProgressBar()
        # A build makes many objects and no reference cycles worth collecting; the collector's
        # passes over them all would cost a tenth of the build. The process ends right after.
        gc.disable()
        try:
            report = build(options, bar)
        finally:
            gc.enable()
            bar.close()
    except BuildFailed as failure:
        print_problems(failure.problems)
        errors = sum(1 for p in failure.problems if not p.warning)
        print(f"Không xây dựng được: {errors} lỗi. {options.output} giữ nguyên như trước.", file=sys.stderr)
        return 1
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        print(f"Đã dừng; {options.output} giữ nguyên như trước.", file=sys.stderr)
        return 128 + stop.signum if isinstance(stop, Stopped) else 130
    print_problems(report.warnings)
    if report.unchanged:
        print(f"Không có gì thay đổi từ lần xây dựng trước; {options.output} giữ nguyên "
              f"({format_number(round(report.seconds, 1))} s)")
    else:
        print(f"{format_number(report.pages)} trang, {format_number(round(report.seconds, 1))} s")
    return 0

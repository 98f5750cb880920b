"""The command line: build, check and serve, with messages an editor can act on."""
from __future__ import annotations

import argparse
import gc
import os
import re
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Callable, Iterable, NoReturn

from .common.messages import say
from .common.problems import BuildFailed, Refused, StoppedAfterReplacing, did_you_mean, print_problems
from .common.vietnamese import format_number
from .make.pipeline import Options, build, check


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, say("cli.usage") if prefix is None else prefix)


# argparse's own complaints, as the editor reads them (the rest are ours, already in Vietnamese).
_ARGPARSE_ERRORS = (
    (re.compile(r"argument \S+: invalid choice: '?(?P<value>.*?)'? \(choose from (?P<choices>.*)\)"),
     "cli.invalid_choice"),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.expected_one"),
    (re.compile(r"unrecognized arguments: (?P<arguments>.*)"), "cli.unrecognized"),
    (re.compile(r"argument (?P<name>\S+): invalid \S+ value: (?P<value>.*)"), "cli.invalid_value"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, key in _ARGPARSE_ERRORS:
            match = pattern.fullmatch(message)
            if match:
                values = {name: value.replace("'", "") for name, value in match.groupdict().items()}
                message = (f"{values['name']}: " if "name" in values else "") + say(key, **values)
                if hint := self._did_you_mean(key, values):
                    message += f" ({say('problem.suggestion', suggestion=hint)})"
                break
        else:
            message = re.sub(r"^argument (\S+): ", r"\1: ", message)
        self.print_usage(sys.stderr)
        self.exit(2, say("cli.error", prog=self.prog, message=message) + "\n")

    def _did_you_mean(self, key: str, values: dict[str, str]) -> str:
        """The command or option meant: "biuld" -> build, "--ouput" -> --output."""
        if key == "cli.invalid_choice":
            return did_you_mean(values["value"], [choice.strip() for choice in values["choices"].split(",")])
        if key == "cli.unrecognized":
            first = values["arguments"].split()[0]
            options = [option for action in self._actions for option in action.option_strings
                       if option.startswith("--")]
            return did_you_mean(first.split("=")[0], options) if first.startswith("--") else ""
        return ""


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python build.py", description=say("cli.description"), formatter_class=_Formatter,
                     add_help=False)
    given = parser.add_argument_group(say("cli.positionals"))
    given.add_argument("command", nargs="?", default="build", choices=("build", "check", "serve", "import", "publish"),
                       help=say("cli.command"))
    given.add_argument("files", nargs="*", metavar=say("cli.metavar.file"), help=say("cli.files"))
    options = parser.add_argument_group(say("cli.options"))
    options.add_argument("-h", "--help", action="help", help=say("cli.help"))
    options.add_argument("--out", type=Path, metavar=say("cli.metavar.dir"), help=say("cli.out"))
    options.add_argument("--config", type=Path, default=Path("site_config.yaml"), metavar=say("cli.metavar.file"),
                         help=say("cli.config"))
    options.add_argument("--content", type=Path, default=Path("content"), metavar=say("cli.metavar.dir"),
                         help=say("cli.content"))
    options.add_argument("--templates", type=Path, default=Path("templates"), metavar=say("cli.metavar.dir"),
                         help=say("cli.templates"))
    options.add_argument("--output", type=Path, default=Path("output"), metavar=say("cli.metavar.dir"),
                         help=say("cli.output"))
    options.add_argument("--drafts", action="store_true", help=say("cli.drafts"))
    options.add_argument("--no-cache", action="store_true", help=say("cli.no_cache"))
    options.add_argument("--host", default="127.0.0.1", metavar=say("cli.metavar.host"), help=say("cli.host"))
    options.add_argument("--port", type=_port, default=8000, metavar="N", help=say("cli.port"))
    return parser


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(say("cli.bad_port", value=repr(text)))
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


# What signal.signal takes and gives back: a function, or SIG_DFL or SIG_IGN, or None (not set from Python).
_Handler = Callable[[int, FrameType | None], object] | int | None


def _stop_on_signals() -> dict[int, _Handler]:
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


def _publish(options: Options, dest: str) -> int:
    from .make.pipeline import CODE
    from .make.publish import publish

    done = publish(options.output, dest, {"source.content": options.content, "source.templates": options.templates,
                                          "source.config": options.config}, CODE)
    print(say("cli.published", output=options.output, dest=dest, sent=format_number(done.sent),
              deleted=format_number(done.deleted), kept=format_number(done.files - done.sent),
              files=format_number(done.files)))
    return 0


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "publish" and len(args.files) != 1:
        parser.error(say("cli.publish_one", count=len(args.files)))
    if args.files and args.command not in ("import", "publish"):
        parser.error(say("cli.files_only_import", file=args.files[0], command=args.command))
    options = Options(config=args.config, content=args.content, templates=args.templates,
                      cache=None if args.no_cache else Path(".cache"),
                      output=args.output, drafts=args.drafts)
    try:
        if args.command == "import":
            from .importer.draft import import_pages  # BeautifulSoup is needed only here

            pages = [Path(file) for file in args.files]
            return import_pages(pages, args.config, args.out or args.content, args.content)
        if args.command == "check":
            warnings = check(options)
            print_problems(warnings)
            count = format_number(len(warnings))
            print(say("cli.no_errors_warnings", count=count) if warnings else say("cli.no_errors"))
            return 0
        if args.command == "publish":
            return _publish(options, args.files[0])
        if args.command == "serve":
            from .preview.serve import serve  # livereload is needed only here

            return serve(options, args.host, args.port)
        bar = ProgressBar()
        # A build makes many objects and no reference cycles worth collecting; the collector's
        # passes over them all would cost a tenth of the build. The process ends right after:
        # what the build left is frozen (else the first collection after would walk it all, 0,8 s
        # at 10.000 articles), and unfrozen by the next build in this process (a test's).
        gc.unfreeze()
        gc.disable()
        try:
            report = build(options, bar)
        finally:
            gc.freeze()
            gc.enable()
            bar.close()
    except BuildFailed as failure:
        print_problems(failure.problems)
        errors = sum(1 for p in failure.problems if not p.warning)
        print(say("cli.failed", count=format_number(errors), output=options.output), file=sys.stderr)
        return 1
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        replaced = isinstance(stop, StoppedAfterReplacing)
        print(say("cli.stopped_replaced" if replaced else "cli.stopped", output=options.output), file=sys.stderr)
        interrupt = stop.interrupt if isinstance(stop, StoppedAfterReplacing) else stop
        return 128 + interrupt.signum if isinstance(interrupt, Stopped) else 130
    print_problems(report.warnings)
    if report.unchanged:
        print(say("cli.unchanged", output=options.output, seconds=format_number(round(report.seconds, 1))))
    else:
        print(say("cli.built", pages=format_number(report.pages), seconds=format_number(round(report.seconds, 1))))
    return 0

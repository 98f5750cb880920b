"""Problems found in the input, collected so that every one is reported at once."""
from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from typing import Iterable

from .messages import say


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, where an editor can find and fix it."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = False
    suggestion: str = ""  # what to write instead, when there is one

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = f"{say('problem.warning')}: " if self.warning else ""
        advice = f" ({say('problem.suggestion', suggestion=self.suggestion)})" if self.suggestion else ""
        return _one_line(f"{where}: {label}{self.field}: {self.message}{advice}")


def _one_line(text: str) -> str:
    """A key or value may hold a line break; each problem still prints as one line."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


class BuildFailed(Exception):
    """The input has errors; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    # so that a worker process can report it
    def __reduce__(self) -> tuple[type[BuildFailed], tuple[tuple[Problem, ...]]]:
        return (BuildFailed, (self.problems,))


def closest(value: str, choices: Iterable[str]) -> str:
    """The choice closest to value (case aside), or "" when none is close."""
    folded = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(str(value).lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else ""


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """The suggestion "có phải 'x'?" for the closest choice, or "" when none is close."""
    choice = closest(value, choices)
    return say("suggest.did_you_mean", choice=choice) if choice else ""


def describe(value: object) -> str:
    """How a YAML value reads to an editor, never a Python type name."""
    if value is None:
        return say("value.nothing")
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return say("value.mapping")
    if isinstance(value, list):
        return say("value.list")
    return repr(value)


def expected(what: str, value: object) -> str:
    """ "cần <what>, nhưng ghi <value>": how a problem says what it wanted and what it found."""
    return say("problem.expected", expected=what, found=describe(value))


class Refused(Exception):
    """Something outside the content stops the build (an unsafe --output, a lock, the operating
    system): one line saying what and what to do; nothing was written."""


class StoppedAfterReplacing(KeyboardInterrupt):
    """Ctrl+C or a signal once output/ held the new site (while the previous one was deleted, or the
    caches saved): the new site stays, the rest is left for the next build. `interrupt` is what
    stopped it."""

    def __init__(self, interrupt: KeyboardInterrupt):
        super().__init__(*interrupt.args)
        self.interrupt = interrupt


def print_problems(problems: Iterable[Problem]) -> None:
    """Every problem on a line of the terminal's error stream, as the editor reads it."""
    for problem in problems:
        print(problem, file=sys.stderr)

"""Find the article files under content/ and split each into front matter and body."""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..common import yamlload
from ..common.digest import digest
from ..common.files import NotRegular, outside, read_regular, shown_folder, special_kind
from ..common.messages import say
from ..common.problems import BuildFailed, Problem
from ..common.vietnamese import format_number

MAX_ARTICLE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """An article as read from disk, before its fields are checked."""

    path: Path  # on disk
    shown: str  # as printed in messages, relative to where the build runs
    front: yamlload.Document
    body: str
    body_line: int  # the line where the body starts
    digest: str = ""  # of the file's bytes: what the article is made from


def list_content(content_dir: Path) -> tuple[list[str], list[str]]:
    """The paths of the Markdown articles under content_dir and of every other file (photos),
    each in a stable order (as Path objects sort: by their parts), from one walk of the folders.
    Only content_dir's own files are listed: a symbolic link that leads out of it to an article or a
    folder, and a FIFO, socket or device, are errors (BuildFailed, every one of them), never read."""
    articles: list[str] = []
    others: list[str] = []
    refused: list[Problem] = []
    real_root = os.path.realpath(content_dir)
    folders = [str(content_dir)]
    while folders:  # one scandir a folder: its entries know which are folders without a stat each
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        kept = []
        for entry in entries:
            if _EDITOR_FILE.match(entry.name) and not entry.is_dir():
                continue
            if entry.is_symlink() and (problem := _outside(entry.path, real_root, content_dir)):
                # An article or a folder there is an error (a folder's files are not walked); any other
                # file is left out: a photo is read only when an article shows it, and that says so.
                if entry.is_dir() or entry.name.lower().endswith(".md"):
                    refused.append(problem)
            else:
                kept.append(entry)
        entries = kept
        inside = [entry.name for entry in entries if entry.is_dir()]  # (links to folders too)
        _refuse_loops(folder, inside)
        folders += [os.path.join(folder, name) for name in inside]
        for entry in entries:
            if entry.is_dir():
                continue
            if not entry.is_file() and (problem := _special(entry)):
                refused.append(problem)
            elif entry.name.lower().endswith(".md"):  # .MD too; a dangling link is read, and reported
                articles.append(entry.path)
            elif entry.is_file():
                others.append(entry.path)
    if refused:
        raise BuildFailed(sorted(refused, key=lambda problem: _parts(problem.path)))
    return sorted(articles, key=_parts), sorted(others, key=_parts)


def _outside(path: str, real_root: str, content_dir: Path) -> Problem | None:
    """A link under content_dir to a file or folder outside it: the problem naming the link and its target."""
    target = outside(Path(path), Path(real_root))
    if target is None or not target.exists():  # (a dangling link is said when it is read: nothing to read)
        return None
    shown = shown_folder(content_dir)
    return Problem(shown_path(Path(path)), 0, say("field.file"),
                   say("file.link_outside", folder=shown, target=shown_path(target)),
                   suggestion=say("file.link_outside.fix", folder=shown))


def _special(entry: os.DirEntry[str]) -> Problem | None:
    """A FIFO, socket or device (or a link to one) under content/: never opened, an error."""
    try:
        mode = entry.stat().st_mode
    except OSError:  # a dangling link: an article's is reported when it is read, any other left alone
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return Problem(shown_path(Path(entry.path)), 0, say("field.file"),
                   say("file.special", what=say(special_kind(mode))), suggestion=say("file.special.fix"))


def _refuse_loops(folder: str, folders: list[str]) -> None:
    """A link to a folder that holds it would be walked again and again: one error, not a flood."""
    real = os.path.realpath(folder)
    for name in folders:
        path = os.path.join(folder, name)
        target = os.path.realpath(path)
        if os.path.islink(path) and (real == target or real.startswith(target.rstrip(os.sep) + os.sep)):
            raise BuildFailed([Problem(shown_path(Path(path)), 0, say("field.file"), say("file.loop", target=target),
                                       suggestion=say("file.loop.fix"))])


# An editor's lock, backup or swap file, or macOS's resource file: never an article or a photo.
_EDITOR_FILE = re.compile(r"^(?:\.#.*|\._.*|.*~|\..*\.sw[a-p])$")


def _parts(path: str) -> list[str]:
    return path.split(os.sep)


def find_articles(content_dir: Path) -> list[Path]:
    """Every Markdown file under content_dir, in a stable order."""
    return [Path(path) for path in list_content(content_dir)[0]]


def shown_path(path: Path) -> str:
    """The path as messages print it: relative to where the build runs."""
    if not path.is_absolute() and ".." not in path.parts:
        return str(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def unreadable(path: Path, error: OSError) -> Problem:
    """An article the system would not read (permission, a dangling link, a disk error)."""
    return Problem(shown_path(path), 0, say("field.file"), say("file.unreadable", error=error.strerror or error),
                   suggestion=say("file.unreadable.fix"))


def read_article(path: Path) -> SourceFile | Problem:
    """Read one article; a Problem when the file cannot be read, split and loaded."""
    shown = shown_path(path)
    try:
        raw = read_regular(path, MAX_ARTICLE_BYTES)  # (a FIFO is refused, never waited on)
        if len(raw) > MAX_ARTICLE_BYTES:
            size = max(len(raw), path.stat().st_size)
            too_large = say("file.too_large", size=format_number(round(size / 2**20, 1)),
                            limit=format_number(MAX_ARTICLE_BYTES // 2**20))
            return Problem(shown, 1, say("field.file"), too_large, suggestion=say("file.too_large.fix"))
    except NotRegular as error:
        return Problem(shown, 0, say("field.file"), say("file.special", what=say(error.kind)),
                       suggestion=say("file.special.fix"))
    except OSError as error:
        return unreadable(path, error)
    try:
        text = unicodedata.normalize("NFC", raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return Problem(shown, line, say("field.file"), say("file.not_utf8", byte=f"{raw[error.start]:02x}"),
                       suggestion=say("file.not_utf8.fix"))
    if not text.strip():
        return Problem(shown, 1, say("field.file"), say("file.empty"))
    lines = text.splitlines()
    if lines[0].strip() != "---":
        # Its first line is quoted only when the file is an article whose opening line is mistyped (a later
        # line closes the front matter): a file that is no article (a note, a key file) is never printed.
        if not any(line.rstrip() in ("---", "...") for line in lines[1:]):
            return Problem(shown, 1, say("field.front_matter"), say("front.not_an_article"))
        return Problem(shown, 1, say("field.front_matter"), say("front.no_start", found=repr(lines[0][:40])))
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))  # (YAML's own end)
    except StopIteration:
        return Problem(shown, 1, say("field.front_matter"), say("front.not_closed"),
                       suggestion=say("front.not_closed.fix"))
    try:
        front = yamlload.load("\n".join(lines[1:end]), first_line=2)
    except yamlload.YamlError as error:
        return Problem(shown, error.line, say("field.front_matter"), str(error))
    body = "\n".join(lines[end + 1:]).strip("\n")
    return SourceFile(path, shown, front, body + "\n" if body else "", end + 2, digest(raw))

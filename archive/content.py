"""Find the article files under content/ and split each into front matter and body."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import yamlload
from .problems import Problem

MAX_ARTICLE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """An article as read from disk, before its fields are checked."""

    path: Path  # on disk
    shown: str  # as printed in messages, relative to where the build runs
    front: yamlload.Document
    body: str
    body_line: int  # the line where the body starts


def list_content(content_dir: Path) -> tuple[list[Path], list[Path]]:
    """The Markdown articles under content_dir and every other file (photos), each in a
    stable order (as Path objects sort: by their parts), from one walk of the folders."""
    articles: list[str] = []
    others: list[str] = []
    folders = [str(content_dir)]
    seen: set[tuple[int, int]] = set()  # folders by device and inode: a link back up is walked once
    while folders:
        folder = folders.pop()
        try:
            info = os.stat(folder)
            entries = list(os.scandir(folder))
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.is_dir():  # (follows symbolic links, as is_file does)
                folders.append(entry.path)
            elif entry.is_file():
                (articles if entry.name.endswith(".md") else others).append(entry.path)
    return [Path(p) for p in sorted(articles, key=_parts)], [Path(p) for p in sorted(others, key=_parts)]


def _parts(path: str) -> list[str]:
    return path.split(os.sep)


def find_articles(content_dir: Path) -> list[Path]:
    """Every Markdown file under content_dir, in a stable order."""
    return list_content(content_dir)[0]


def shown_path(path: Path) -> str:
    """The path as messages print it: relative to where the build runs."""
    if not path.is_absolute() and ".." not in path.parts:
        return str(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_article(path: Path) -> SourceFile | Problem:
    """Read one article; a Problem when the file cannot be split and loaded."""
    shown = shown_path(path)
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        return Problem(shown, 1, "file", f"{size / 1024 / 1024:.1f} MB is too large for an article (at most "
                       f"{MAX_ARTICLE_BYTES // 1024 // 1024} MB); split it or remove pasted data")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return Problem(shown, line, "file", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8")
    if not text.strip():
        return Problem(shown, 1, "file", "the file is empty; expected front matter between '---' lines, then the text")
    lines = text.splitlines()
    if lines[0].strip() != "---":
        return Problem(shown, 1, "front matter", f"expected the file to start with a '---' line, got {lines[0][:40]!r}")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    except StopIteration:
        return Problem(shown, 1, "front matter", "the front matter is not closed; add a '---' line after it")
    try:
        front = yamlload.load("\n".join(lines[1:end]), first_line=2)
    except yamlload.YamlError as error:
        return Problem(shown, error.line, "front matter", str(error))
    body = "\n".join(lines[end + 1:]).strip("\n")
    return SourceFile(path, shown, front, body + "\n" if body else "", end + 2)

"""Reading only the project's own files: regular files, opened without waiting, read up to a limit,
and never through a symbolic link that leads out of the folder they belong to."""
from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegular(OSError):
    """A FIFO, a socket, a device or a folder where a file was expected; kind is the catalogue's key
    of what it is (special_kind)."""

    def __init__(self, path: Path, mode: int):
        self.kind = special_kind(mode)
        super().__init__(f"{path}: {self.kind}")


def special_kind(mode: int) -> str:
    """The catalogue's key of what a path that is no regular file is (its st_mode)."""
    if stat.S_ISDIR(mode):
        return "special.folder"
    if stat.S_ISFIFO(mode):
        return "special.fifo"
    if stat.S_ISSOCK(mode):
        return "special.socket"
    return "special.device"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at path, at most limit + 1 of them (more than limit: too large,
    even for a file that grew after it was measured). A FIFO, socket, device or folder raises
    NotRegular at once: it is looked at (stat) before it is opened, and opened without waiting
    (O_NONBLOCK), so that nothing can make the build wait on it. Other errors are the system's OSError."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):  # (a socket cannot even be opened)
        raise NotRegular(path, mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as file:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # replaced between the two looks
            raise NotRegular(path, mode)
        return file.read(limit + 1)


def outside(path: Path, root: Path) -> Path | None:
    """Where path really is when that is outside root, after every symbolic link (of the file and of
    the folders above it) is resolved; None when it is inside (or root itself)."""
    target = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    return None if target == real_root or target.is_relative_to(real_root) else target


def shown_folder(folder: Path) -> str:
    """A folder as a message names it: relative to where the build runs when it is there, with a final '/'."""
    try:
        shown = str(Path(os.path.realpath(folder)).relative_to(Path.cwd().resolve()))
    except ValueError:
        shown = str(folder)
    return shown.rstrip("/") + "/"

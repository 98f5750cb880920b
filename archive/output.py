"""Write the site into a fresh folder beside output/ and swap it in at once.

A failed or killed build never touches the live output/: pages are written
into a temporary sibling, which then replaces output/ in one atomic
exchange (renameat2 RENAME_EXCHANGE on Linux). A file whose bytes did not
change is hard-linked from the previous output instead of written again, so
its modification time stays true.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc if hasattr(libc, "renameat2") else None
    except OSError:
        return None


_LIBC = _libc()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    if _LIBC is None:
        return False
    result = _LIBC.renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def _leftovers(out_dir: Path) -> list[Path]:
    return list(out_dir.parent.glob(f".{out_dir.name}.*.tmp"))


def _link(previous: Path, target: Path) -> bool:
    try:
        os.link(previous, target)
        return True
    except OSError:
        return False


def _link_if_same(previous: Path, target: Path, data: bytes) -> bool:
    """Reuse the previous build's file when its bytes are the same: a hard link keeps its
    modification time, so a deploy that syncs by time sends only what changed."""
    try:
        if previous.is_symlink() or previous.stat().st_size != len(data) or previous.read_bytes() != data:
            return False
        os.link(previous, target)
        return True
    except OSError:
        return False


class Staging:
    """A new site written beside out_dir file by file, by this process or by workers forked
    after it was made (each file written once, by one of them), then swapped in whole."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        for stale in _leftovers(self.out_dir):  # from a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.", suffix=".tmp", dir=self.out_dir.parent))
        self.made: set[Path] = {self.path}  # folders made (by this process)

    def _target(self, relative: str) -> Path:
        target = self.path / relative
        if target.parent not in self.made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(target.parent)
        return target

    def put(self, relative: str, data: bytes, same: bool = False) -> None:
        """Write a file; same: out_dir is known to hold these bytes already (linked unread)."""
        target = self._target(relative)
        if same and _link(self.out_dir / relative, target):
            return
        if not _link_if_same(self.out_dir / relative, target, data):
            target.write_bytes(data)

    def copy(self, relative: str, source: Path) -> None:
        target = self._target(relative)
        if not _link_if_same(self.out_dir / relative, target, source.read_bytes()):
            shutil.copyfile(source, target)

    def commit(self, background: bool = False) -> None:
        """Swap the new site in for out_dir, atomically where the system can. background: leave
        the deletion of the previous site to a process of its own (a large site's thousands of
        folders take seconds to delete, and the new site is in place already); a build that
        starts meanwhile deletes it too, as a leftover."""
        self.path.chmod(0o755)
        if self.out_dir.exists() and _exchange(self.path, self.out_dir):
            _delete(self.path, background)  # now the previous site
            return
        if self.out_dir.exists():  # no atomic exchange here: two renames, old copy kept until the end
            previous = self.out_dir.with_name(f".{self.out_dir.name}.previous.tmp")
            os.rename(self.out_dir, previous)
            os.rename(self.path, self.out_dir)
            shutil.rmtree(previous)
        else:
            os.rename(self.path, self.out_dir)

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _delete(folder: Path, background: bool) -> None:
    if background:
        try:
            subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def write_site(files: dict[str, bytes], copies: dict[str, Path], out_dir: Path,
               same: set[str] = frozenset()) -> None:
    """Replace out_dir with exactly these files (path -> bytes) and copies (path -> source file).
    Paths in same are known to hold these bytes in out_dir already: they are linked unread."""
    staging = Staging(out_dir)
    try:
        for relative, data in files.items():
            staging.put(relative, data, relative in same)
        for relative, source in copies.items():
            staging.copy(relative, source)
        staging.commit()
    except BaseException:
        staging.abandon()
        raise


def update_site(files: dict[str, bytes], copies: dict[str, Path], out_dir: Path, gone: Iterable[str]) -> None:
    """The preview server's write: change out_dir in place, one file at a time (each replaced
    atomically): files and copies that may have changed (each left alone when its bytes are the
    same), and the paths the last write left that are gone. Builds from the command line use
    write_site, which swaps in a whole new site."""
    for relative, data in files.items():
        _replace_if_changed(out_dir / relative, data)
    for relative, source in copies.items():
        _replace_if_changed(out_dir / relative, source.read_bytes())
    for relative in gone:
        path = out_dir / relative
        path.unlink(missing_ok=True)
        for folder in path.parents:  # folders left empty go too
            if folder == out_dir or any(folder.iterdir()):
                break
            folder.rmdir()


def _replace_if_changed(target: Path, data: bytes) -> None:
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)

"""Watch the site's sources for the preview server, and tell it which files changed.

On Linux the kernel says at once what changed (inotify, through ctypes on
libc: one watch per folder under content/ and templates/, new folders
watched as they appear, and the config's folder for the config alone);
elsewhere, or when the system refuses more watches, a poller compares every
file's time and size twice a second. Either way the server gets batches of
changed paths, so that a rebuild re-checks only those files; a batch of None
means "something changed, no one knows what" (the kernel's queue overflowed,
a folder was moved away): then every file is checked.

A batch is handed over once the files in it are written: after an editor
closes the file (or renames it into place, or deletes it), or, for a file
still open for writing, once nothing has happened to it for a moment.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import select
import struct
import threading
import time
from pathlib import Path
from typing import Callable, Iterable

Notify = Callable[["set[Path] | None"], None]

# <sys/inotify.h>
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF = 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ISDIR = 0x4000, 0x8000, 0x40000000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, getattr(os, "O_CLOEXEC", 0o2000000)
_MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
         | IN_DELETE_SELF | IN_MOVE_SELF)
_DONE = IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB  # the file is as it will stay
_EVENT = struct.Struct("iIII")

SETTLE = 0.003  # s: events that come together (a save, a checkout) make one batch
QUIET = 0.2  # s: a file still open for writing counts as written after this long without news
POLL = 0.5  # s between two looks of the poller


def ignored(name: str) -> bool:
    """Editors' swap, lock and backup files: never a change of the site."""
    return (name.endswith((".swp", ".swx", ".swo", "~", ".kate-swp", "___jb_tmp___", "___jb_old___"))
            or name.startswith((".#", "#", ".goutputstream-")) or name == "4913")


class _Batch:
    """Changed paths gathered until they settle; None once something unknown happened."""

    def __init__(self) -> None:
        self.paths: set[Path] | None = set()
        self.open: set[Path] = set()  # written to, not yet closed
        self.last = 0.0

    def add(self, path: Path, done: bool) -> None:
        self.last = time.monotonic()
        if self.paths is not None:
            self.paths.add(path)
        (self.open.discard if done else self.open.add)(path)

    def unknown(self) -> None:
        self.last = time.monotonic()
        self.paths = None

    @property
    def empty(self) -> bool:
        return self.paths is not None and not self.paths

    def wait(self) -> float | None:
        """Seconds until the batch may go; None when there is nothing to send."""
        if self.empty:
            return None
        return max(0.0, self.last + (QUIET if self.open else SETTLE) - time.monotonic())


def _walk(folder: Path) -> Iterable[tuple[Path, list[str]]]:
    """Every folder under folder (symbolic links followed, each real folder once) and its file names."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        try:
            info = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        yield Path(root), files


class _Libc:
    def __init__(self) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.init = libc.inotify_init1
        self.add = libc.inotify_add_watch
        self.add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self.remove = libc.inotify_rm_watch


class InotifyWatcher:
    """Folders watched with inotify; notify(batch) is called from a thread of the watcher's own."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path], notify: Notify):
        try:
            self._libc = _Libc()
        except (OSError, AttributeError) as error:
            raise OSError(errno.ENOSYS, f"inotify is not available: {error}") from None
        self.fd = self._libc.init(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.notify = notify
        self.folders: dict[int, Path] = {}  # watch -> the folder it reports
        self.recursive: set[Path] = set()  # folders whose every file and sub-folder counts
        self.roots: set[Path] = set()
        self.only: dict[Path, set[str]] = {}  # folder -> the names that count there (the config's folder)
        self.batch = _Batch()
        self.pollers: list[PollingWatcher] = []  # for folders the system would not watch any more
        self._stop_read, self._stop_write = os.pipe()
        try:
            for folder in folders:
                self.roots.add(Path(folder))
                self._watch_tree(Path(folder), report=False)
            for file in files:
                file = Path(file)
                parent = file.parent
                if parent not in self.recursive:
                    self._add(parent)
                    self.only.setdefault(parent, set()).add(file.name)
        except OSError:
            self.close()
            raise
        self.thread = threading.Thread(target=self._run, name="inotify", daemon=True)
        self.thread.start()

    def _add(self, folder: Path) -> bool:
        wd = self._libc.add(self.fd, os.fsencode(folder), _MASK)
        if wd < 0:
            code = ctypes.get_errno()
            if code in (errno.ENOENT, errno.ENOTDIR):  # gone already
                return False
            raise OSError(code, f"inotify_add_watch {folder}: {os.strerror(code)}")
        self.folders[wd] = folder
        return True

    def _watch_tree(self, top: Path, report: bool) -> None:
        """Watch top and every folder under it; report: its files count as changed (a new folder)."""
        for folder, names in _walk(top):
            if self._add(folder):
                self.recursive.add(folder)
                if report:
                    for name in names:
                        if not ignored(name):
                            self.batch.add(folder / name, done=True)

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        poller.register(self._stop_read, select.POLLIN)
        while True:
            wait = self.batch.wait()
            ready = poller.poll(None if wait is None else max(1, int(wait * 1000) + 1))
            if any(fd == self._stop_read for fd, _ in ready):
                return
            if ready:
                try:
                    self._read()
                except OSError:
                    self.batch.unknown()
                    if self.fd < 0:
                        return
                continue
            if self.batch.wait() == 0:
                paths = self.batch.paths
                self.batch = _Batch()
                self.notify(None if paths is None else set(paths))

    def _read(self) -> None:
        try:
            data = os.read(self.fd, 256 * 1024)
        except BlockingIOError:
            return
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size: offset + _EVENT.size + length].split(b"\0", 1)[0]
            offset += _EVENT.size + length
            self._event(wd, mask, os.fsdecode(name))

    def _event(self, wd: int, mask: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:
            self.batch.unknown()
            return
        folder = self.folders.get(wd)
        if mask & IN_IGNORED:
            if folder is not None:
                del self.folders[wd]
                self.recursive.discard(folder)
            return
        if folder is None:
            return
        if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
            # A sub-folder's going is told by its parent (its files were deleted one by one first,
            # or it was moved away whole); content/ or templates/ itself going leaves nothing known.
            if folder in self.roots:
                self.batch.unknown()
            return
        if not name or ignored(name):
            return
        path = folder / name
        if folder not in self.recursive:
            if name in self.only.get(folder, ()):
                self.batch.add(path, done=bool(mask & _DONE))
            return
        if mask & IN_ISDIR:
            if mask & (IN_CREATE | IN_MOVED_TO):
                try:
                    self._watch_tree(path, report=True)  # the files already in it count as changed
                except OSError:  # out of watches: this folder is polled, and everything checked now
                    self.pollers.append(PollingWatcher([path], [], self.notify))
                    self.batch.unknown()
            elif mask & IN_MOVED_FROM:  # a folder moved away: which files it held is not known here
                self.batch.unknown()
            return
        self.batch.add(path, done=bool(mask & _DONE))

    def close(self) -> None:
        for poller in self.pollers:
            poller.close()
        if self.fd >= 0:
            os.write(self._stop_write, b"x")
            thread = getattr(self, "thread", None)
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=5)
            os.close(self.fd)
            self.fd = -1
            os.close(self._stop_read)
            os.close(self._stop_write)


class PollingWatcher:
    """Where inotify is not to be had: every file's time and size compared twice a second."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path], notify: Notify):
        self.folders = [Path(folder) for folder in folders]
        self.files = [Path(file) for file in files]
        self.notify = notify
        self.stamps = self._look()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="poll", daemon=True)
        self.thread.start()

    def _look(self) -> dict[Path, tuple[int, int]]:
        stamps = {}
        candidates = list(self.files)
        for top in self.folders:
            for folder, names in _walk(top):
                candidates += [folder / name for name in names if not ignored(name)]
        for path in candidates:
            try:
                info = path.stat()
            except OSError:
                continue
            stamps[path] = (info.st_mtime_ns, info.st_size)
        return stamps

    def _run(self) -> None:
        while not self._stop.wait(POLL):
            now = self._look()
            changed = {path for path in now.keys() | self.stamps.keys() if now.get(path) != self.stamps.get(path)}
            self.stamps = now
            if changed:
                self.notify(changed)

    def close(self) -> None:
        self._stop.set()
        if self.thread is not threading.current_thread():
            self.thread.join(timeout=5)


def watch(folders: Iterable[Path], files: Iterable[Path], notify: Notify) -> InotifyWatcher | PollingWatcher:
    """Watch every file under folders, and files; notify(batch) with each batch of changed paths."""
    folders, files = list(folders), list(files)
    try:
        return InotifyWatcher(folders, files, notify)
    except OSError:
        return PollingWatcher(folders, files, notify)

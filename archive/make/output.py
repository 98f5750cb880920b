"""Where a build's files go: a Sink, chosen by the caller of pipeline.make_site.

- Staging (a build from the command line, the live preview's first build): the site is
  written into a temporary sibling of output/, which then replaces output/ in one atomic
  exchange (renameat2 RENAME_EXCHANGE on Linux), so a failed or killed build never touches
  the live output/. A file whose bytes did not change is hard-linked from the previous
  output instead of written again, so its modification time stays true.
- InPlace (the live preview's later builds): only the changed files, each replaced
  atomically: the pages once they are all drawn, the rest once the whole build has succeeded.
- Discard (`check`): nothing is written.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

from ..common.messages import say
from ..common.problems import Refused
from ..common.system import exchange


class Sink(Protocol):
    workers_may_write: bool  # whether worker processes may put files into it (else all is made here)
    replaced: bool  # whether output/ holds files of this build already (a stop can no longer leave it as it was)

    def put(self, relative: str, data: bytes) -> None: ...  # a file of these bytes
    def copy(self, relative: str, source: Path) -> None: ...  # a copy of that file
    def keep(self, relative: str) -> None: ...  # the file the last build wrote there, unchanged
    def commit(self, files: int = 0) -> None: ...  # every file is made: put them in place
    def abandon(self) -> None: ...  # the build failed: leave output/ as it was

try:
    import fcntl
except ImportError:  # Windows: no lock (a single user's machine)
    fcntl = None  # type: ignore[assignment]  # None says there is no lock: see locked()

_held: set[int] = set()  # the lock files this process holds open


def _forget_locks() -> None:
    """In a forked child (a worker): close the inherited lock files, so that only the build
    itself holds the lock and a worker that outlives it never does."""
    for fd in _held:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_locks)


def lock_path(out_dir: Path) -> Path:
    """The lock file beside out_dir as the user named it: when output/ is a link (to a web root, say),
    beside the link, not in the folder of its target, which the user never named. (The folders above
    are resolved: two names of one folder share its lock.)"""
    named = Path(os.path.abspath(out_dir))
    return named.parent.resolve() / f".{named.name}.lock"


@contextlib.contextmanager
def locked(out_dir: Path, waiting: Callable[[Path], None]) -> Iterator[None]:
    """One build at a time per output folder, the command line's and the preview's alike: an OS
    lock (flock) on a file beside it, released when the build ends or its process dies. A second
    build calls waiting(lock file) and waits for the first to finish."""
    if fcntl is None:
        yield
        return
    path = lock_path(out_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    _held.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)


def _leftovers(out_dir: Path) -> list[Path]:
    return list(out_dir.parent.glob(f".{out_dir.name}.*.tmp"))


def _link(previous: str, target: str) -> bool:
    try:
        os.link(previous, target)
        return True
    except OSError:
        return False


def _link_if_same(previous: str, target: str, data: bytes) -> bool:
    """Reuse the previous build's file when its bytes are the same: a hard link keeps its
    modification time, so a deploy that syncs by time sends only what changed."""
    try:
        if os.path.islink(previous) or os.stat(previous).st_size != len(data):
            return False
        with open(previous, "rb") as file:
            if file.read() != data:
                return False
        os.link(previous, target)
        return True
    except OSError:
        return False


def _vcs_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def refuse_unsafe_output(out_dir: Path, sources: dict[str, Path], code: Path, publishing: bool = False) -> None:
    """Refuse (problems.Refused) an output folder whose replacement would lose a file: one that is
    a regular file, is or holds a source (the content, the templates, the config file, the code,
    a VCS root, the home folder), or lies inside the content, the templates or the code.
    The build replaces output/ whole, so any of these would be deleted. `sources` is keyed by the
    catalogue's name of each source ("source.content", …). `publishing`: the folder is where
    `build.py publish` copies output/ to, deleting what output/ lacks (the same rule, its own
    words; a folder inside the sources named there, output/ among them, is refused too)."""
    out = out_dir.resolve()
    if out.exists() and not out.is_dir():
        raise Refused(say("publish.is_file" if publishing else "output.is_file", output=out_dir))
    held = {name: path.resolve() for name, path in sources.items()}
    held["source.code"] = code
    home = os.path.expanduser("~")
    if home not in ("~", "/"):
        held["source.home"] = Path(home).resolve()
    vcs = _vcs_root(held["source.config"].parent)
    if vcs is not None:
        held["source.repository"] = vcs
    for name, source in held.items():
        if out == source or out in source.parents:
            what = say("output.is" if out == source else "output.contains")
            raise Refused(say("publish.holds" if publishing else "output.holds", output=out_dir, what=what,
                              name=say(name), source=source))
    for name in ("source.content", "source.templates", "source.code", *(sources if publishing else ())):
        if held[name] in out.parents:
            raise Refused(say("publish.inside" if publishing else "output.inside", output=out_dir, name=say(name),
                              source=held[name]))


class Staging:
    """A new site written beside out_dir file by file, by this process or by workers forked
    after it was made (each file written once, by one of them), then swapped in whole: what
    a build from the command line writes into, and the live preview's first build."""

    workers_may_write = True

    def __init__(self, out_dir: Path):
        """Made only while holding the lock (locked()): another build's folder is never taken for a
        leftover."""
        self.out_dir = out_dir.resolve()
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        for stale in _leftovers(self.out_dir):  # a killed build's, or the last site still being deleted
            _delete(stale, background=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.", suffix=".tmp", dir=self.out_dir.parent))
        # Its files' paths as strings: pathlib's objects took a third of a second of an edit's build
        # at 10.000 articles.
        self.root = str(self.path)
        self.last = str(self.out_dir)
        self.made: set[str] = {self.root}  # folders made (by this process)
        self.replaced = False

    def _target(self, relative: str) -> str:
        target = f"{self.root}/{relative}"
        folder = os.path.dirname(target)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        return target

    def put(self, relative: str, data: bytes) -> None:
        target = self._target(relative)
        if not _link_if_same(f"{self.last}/{relative}", target, data):
            with open(target, "wb") as file:
                file.write(data)

    def copy(self, relative: str, source: Path) -> None:
        target = self._target(relative)
        if not _link_if_same(f"{self.last}/{relative}", target, source.read_bytes()):
            shutil.copyfile(source, target)

    def keep(self, relative: str) -> None:
        """The file the last build wrote at relative is still right: linked unread."""
        if not _link(f"{self.last}/{relative}", self._target(relative)):
            raise FileNotFoundError(self.out_dir / relative)

    def commit(self, files: int = 0) -> None:
        """Swap the new site in for out_dir, atomically where the system can. A large site's
        (BACKGROUND_DELETE_FROM files or more) previous output is deleted by a process of its
        own: thousands of folders take seconds to delete, and the new site is in place already;
        a build that starts meanwhile deletes it too, as a leftover."""
        self.path.chmod(0o755)
        if self.out_dir.exists() and exchange(self.path, self.out_dir):
            self.replaced = True
            _delete(self.path, background=files >= BACKGROUND_DELETE_FROM)  # now the previous site
            return
        if self.out_dir.exists():  # no atomic exchange here: two renames, old copy kept until the end
            previous = self.out_dir.with_name(f".{self.out_dir.name}.previous.tmp")
            os.rename(self.out_dir, previous)
            try:
                os.rename(self.path, self.out_dir)
            except OSError:
                os.rename(previous, self.out_dir)  # the old site back in its place
                raise
            self.replaced = True
            shutil.rmtree(previous)
        else:
            os.rename(self.path, self.out_dir)
            self.replaced = True

    def abandon(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


BACKGROUND_DELETE_FROM = 3000


def _delete(folder: Path, background: bool) -> None:
    if background:
        try:
            subprocess.Popen(["rm", "-rf", "--", str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


class InPlace:
    """The live preview's writes after its first build: out_dir changed in place, in two steps.
    Once the pages are drawn, write() writes what is made so far (the pages, the copies, the web
    form's files), so that the tab reloads before the rest is made; commit() writes the rest (the
    downloads, the search index and its page) and deletes the files of the last build that this
    one did not make or keep. A build that fails before its pages are all drawn (a broken
    article, a template's error) writes nothing; one that fails after leaves the files of the
    first step written beside the last build's downloads and search index, and the preview's
    next build starts afresh (see pipeline._build). A file whose bytes are the same is left
    alone; each other file is replaced atomically."""

    workers_may_write = False  # the files wait in this process's memory

    def __init__(self, out_dir: Path, last: Iterable[str]):
        self.out_dir = out_dir
        self.last = set(last)
        self.files: dict[str, bytes | Path] = {}  # made, not yet written
        self.kept: set[str] = set()  # kept or written
        self.pid = os.getpid()
        self.replaced = False

    def put(self, relative: str, data: bytes) -> None:
        assert os.getpid() == self.pid, "InPlace keeps the files in memory: no worker may write to it"
        self.files[relative] = data

    def copy(self, relative: str, source: Path) -> None:
        self.files[relative] = source

    def keep(self, relative: str) -> None:
        self.kept.add(relative)

    def write(self) -> int:
        """Write the files made so far (the pages, so that the tab can reload before the rest);
        how many of them changed."""
        changed = 0
        for relative, data in self.files.items():
            if isinstance(data, Path):
                changed += _copy_if_changed(data, self.out_dir / relative)
            else:
                changed += _replace_if_changed(self.out_dir / relative, data)
            self.replaced = self.replaced or changed > 0
        self.kept |= self.files.keys()
        self.files.clear()
        return changed

    def commit(self, files: int = 0) -> None:
        self.write()
        for relative in self.last - self.kept:
            path = self.out_dir / relative
            self.replaced = True
            path.unlink(missing_ok=True)
            for folder in path.parents:  # folders left empty go too
                if folder == self.out_dir or any(folder.iterdir()):
                    break
                folder.rmdir()

    def abandon(self) -> None:
        self.files.clear()


class Discard:
    """Where `check` sends the files it makes: nowhere."""

    workers_may_write = True
    replaced = False

    def put(self, relative: str, data: bytes) -> None:
        pass

    def copy(self, relative: str, source: Path) -> None:
        pass

    def keep(self, relative: str) -> None:
        pass

    def commit(self, files: int = 0) -> None:
        pass

    def abandon(self) -> None:
        pass


def _replace_if_changed(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True


def _copy_if_changed(source: Path, target: Path) -> bool:
    """A copy keeps its source's time, so an unchanged one is told by its time and size, unread."""
    info = source.stat()
    try:
        known = target.stat()
        if (known.st_size, known.st_mtime_ns) == (info.st_size, info.st_mtime_ns):
            return False
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)
    return True

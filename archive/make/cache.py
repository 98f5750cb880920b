"""Remember expensive results between builds (.cache/), keyed by a hash of what made them.

Every key is made of the inputs (the bytes an article was read from, the settings) and
code_digest() of the modules that computed the result: the source of those modules, of every
module of this package they import, the interpreter's version and those of the libraries they
import and of the libraries these require. A change to any of them is a different key, so no
result outlives the code that made it. A cache file
that is missing, unreadable or from other code is simply ignored: the cache only ever saves
time, never changes a result.

Every file is signed (HMAC-SHA256) with a key kept outside the project, in the user's own cache
folder (see Seal), and the signature is checked before a byte of it is unpickled: a file that
is unsigned, signed with another key (another machine's, a restored CI cache) or altered is a
missing file, so nothing planted in .cache/ is ever run. A cache that cannot be written is
one warning (Caches in pipeline.py), never a failed build.
"""
from __future__ import annotations

import ast
import contextlib
import functools
import gc
import hmac
import importlib.metadata
import os
import pickle
import re
import secrets
import stat
import sys
import zlib
from pathlib import Path
from types import ModuleType
from typing import Generic, Iterator, TypeVar

from ..common.digest import digest
from ..common.messages import say
from ..common.problems import Problem

_TOP = __name__.partition(".")[0]  # the package's name: its modules are "archive.<...>"
_ROOT = Path(__file__).resolve().parents[__name__.count(".") - 1]  # its folder


def code_digest(*modules: ModuleType) -> str:
    """A hash of the code behind these modules of this package: their source and that of every
    module of the package they import, directly or not, at any depth of its subpackages (with
    the __init__ of every package on the way), and the Python and library versions."""
    return _code_digest(tuple(sorted(module.__name__ for module in modules)))


@functools.lru_cache(maxsize=None)
def _code_digest(names: tuple[str, ...]) -> str:
    sources: dict[str, bytes] = {}
    libraries: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in sources:
            continue
        sources[name], inside, outside = _module(name)
        todo += inside
        libraries |= outside
    return digest(sys.version, *_versions(frozenset(libraries)),
                  *(part for name in sorted(sources) for part in (name, sources[name])))


def _source_file(name: str) -> Path | None:
    """The file of a module of this package, by its dotted name ("archive.make.search"), or None
    when the name is not a module of the package (a function imported with from ... import)."""
    parts = name.split(".")
    if parts[0] != _TOP:
        return None
    path = _ROOT.joinpath(*parts[1:])
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=None)
def _module(name: str) -> tuple[bytes, frozenset[str], frozenset[str]]:
    """A module of this package: its source, and what it imports (see _imports)."""
    path = _source_file(name)
    if path is None:
        raise ModuleNotFoundError(f"{name} is not a module of {_TOP}", name=name)
    source = path.read_bytes()
    inside, outside = _imports(name, path.name == "__init__.py", source)
    parents = {".".join(name.split(".")[:n]) for n in range(1, name.count(".") + 1)}
    return source, frozenset(inside | parents), frozenset(outside)


def _imports(name: str, is_package: bool, source: bytes) -> tuple[set[str], set[str]]:
    """The modules of this package a module imports, by their dotted names, and the top-level
    names of other libraries. `from .x import y` is module x, and y too when y is a module."""
    here = name.split(".") if is_package else name.split(".")[:-1]  # the package the module is in
    inside, outside = set(), set()
    for node in _statements(ast.parse(source).body):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + (node.module.split(".") if node.module else []))
            else:
                base = node.module or ""
            if base.partition(".")[0] == _TOP:
                inside |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
            elif not node.level:
                outside.add(base.partition(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.partition(".")[0]
                if top == _TOP:
                    inside.add(alias.name)
                else:
                    outside.add(top)
    return {module for module in inside if _source_file(module)}, outside - set(sys.stdlib_module_names)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a body, nested ones too (an import may sit in a function, a class, an
    if, a try or a with, never in an expression): a third of the time ast.walk takes."""
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, name, ()):
                todo += child.body if isinstance(child, (ast.ExceptHandler, ast.match_case)) else [child]


@functools.lru_cache(maxsize=None)
def _versions(top_levels: frozenset[str]) -> list[str]:
    """The version of each library imported under these top-level names and of each library they
    require, as installed ("markupsafe 3.0.4", sorted): a library that is replaced changes them.
    A library without a distribution of that name (yaml: PyYAML) gives its __version__."""
    found: dict[str, str] = {}
    todo: list[importlib.metadata.Distribution] = []
    for top_level in sorted(top_levels):
        try:
            todo.append(importlib.metadata.distribution(top_level))
        except importlib.metadata.PackageNotFoundError:
            module = sys.modules.get(top_level) or importlib.import_module(top_level)
            found[top_level] = str(getattr(module, "__version__", "?"))
    while todo:
        library = todo.pop()
        name = str(library.metadata["Name"]).lower()
        if name in found:
            continue
        found[name] = library.version
        for requirement in library.requires or []:
            if re.search(r"\bextra\s*==", requirement):  # (an optional part the build does not ask for)
                continue
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):  # (one for another platform)
                todo.append(importlib.metadata.distribution(re.split(r"[^A-Za-z0-9._-]", requirement, maxsplit=1)[0]))
    return sorted(f"{name} {version}" for name, version in found.items())


def _layout() -> str:
    """What a cache file is read with: this module (how the file is laid out) and Python's pickle."""
    return _code_digest((__name__,))


# --- Signing -------------------------------------------------------------------------------------

PROJECT = "luu-tru-hoi-nghi-lien-minh-htx"  # the key's folder in the user's cache folder
_KEY = 32  # bytes of key
_MAGIC = b"LTHN-cache-hmac-sha256\n"  # a signed file's first bytes; then its signature, then its payload
_SIGNED = len(_MAGIC) + 32  # where the payload starts
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def key_path() -> Path | None:
    """Where the user's key is: <$XDG_CACHE_HOME or ~/.cache>/PROJECT/key (None without a home)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # (unset, or relative: the XDG spec says to ignore it)
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / PROJECT / "key"


class _KeyRefused(Exception):
    """The key file exists but may not be trusted: a Problem says why and what to do."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _refused(path: Path, reason: str, suggestion: str) -> _KeyRefused:
    return _KeyRefused(Problem(str(path), 0, say("field.cache"), f"{reason}; {say('cache.off')}", warning=True,
                               suggestion=suggestion))


def _read_key(path: Path) -> bytes | None:
    """The key in path, or None when there is none; _KeyRefused when it is not the user's alone."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError:
        if os.path.islink(path):  # (O_NOFOLLOW: ELOOP)
            raise _refused(path, say("cache.key.not_file"), say("cache.key.delete", path=path)) from None
        raise
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _refused(path, say("cache.key.not_file"), say("cache.key.delete", path=path))
        if os.name == "posix":
            if info.st_uid != os.getuid():
                raise _refused(path, say("cache.key.not_yours"), say("cache.key.delete", path=path))
            if info.st_mode & 0o077:
                raise _refused(path, say("cache.key.open", mode=f"{stat.S_IMODE(info.st_mode):o}"),
                               say("cache.key.open.fix", path=path))
        key = file.read(_KEY + 1)
    if len(key) != _KEY:
        raise _refused(path, say("cache.key.damaged", size=_KEY), say("cache.key.delete", path=path))
    return key


def _make_key(path: Path) -> bytes:
    """A new key in path, readable by the user alone, or the one another build made meanwhile: it is
    written whole into a file of its own (O_EXCL, mode 0600), then linked to its name, which never
    replaces a key already there."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".key.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(secrets.token_bytes(_KEY))
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    key = _read_key(path)
    if key is None:  # (deleted at once by someone else)
        raise FileNotFoundError(2, os.strerror(2), str(path))
    return key


class Seal:
    """What the cache's files are signed with: the user's key, or None and the warning that says why
    there is none (then no cache file is read or written)."""

    def __init__(self, key: bytes | None, problem: Problem | None = None):
        self.key = key
        self.problem = problem

    @classmethod
    def mine(cls) -> Seal:
        """The user's key (key_path()), made the first time."""
        path = key_path()
        if path is None:
            return cls(None, Problem("~", 0, say("field.cache"), f"{say('cache.key.no_home')}; {say('cache.off')}",
                                     warning=True, suggestion=say("cache.key.no_home.fix")))
        try:
            return cls(_read_key(path) or _make_key(path))
        except _KeyRefused as refusal:
            return cls(None, refusal.problem)
        except OSError as error:
            return cls(None, Problem(str(error.filename or path), 0, say("field.cache"),
                                     f"{say('cache.key.unusable', error=error.strerror or error)}; {say('cache.off')}",
                                     warning=True, suggestion=say("cache.key.unusable.fix", folder=path.parent)))

    def _signature(self, label: str, payload: bytes | memoryview) -> bytes:
        assert self.key is not None
        mac = hmac.new(self.key, label.encode("utf-8") + b"\0", "sha256")  # (the file's name inside .cache/)
        mac.update(payload)
        return mac.digest()

    def head(self, label: str, payload: bytes) -> bytes:
        """What a file holding payload begins with, before it (label: what the file is, see open)."""
        return _MAGIC + self._signature(label, payload)

    def open(self, label: str, data: bytes) -> memoryview | None:
        """The payload of a file's bytes when they are what this key signed as label (so that a
        file signed for another name, moved there, is not taken either); else None."""
        if self.key is None or not data.startswith(_MAGIC) or len(data) < _SIGNED:
            return None
        payload = memoryview(data)[_SIGNED:]
        if not hmac.compare_digest(data[len(_MAGIC): _SIGNED], self._signature(label, payload)):
            return None
        return payload

    def read(self, path: Path, label: str) -> object:
        """What a signed pickle file holds, or None (missing, unreadable, not signed by this key)."""
        try:
            data = path.read_bytes()
        except OSError:  # (one that cannot be read is a missing one)
            return None
        payload = self.open(label, data)
        if payload is None:
            return None
        try:
            with gc_paused():
                return pickle.loads(payload)
        except Exception:  # our own file, damaged some other way
            return None

    def write(self, path: Path, label: str, payload: bytes) -> None:
        """Write payload signed as label into path, through a temporary file renamed over it."""
        temporary = path.with_name(f"{path.name}.tmp")
        try:
            with open(temporary, "wb") as file:
                file.write(self.head(label, payload))
                file.write(payload)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Without Python's cyclic garbage collector, while a cache file is read or written: that makes
    or visits hundreds of thousands of objects, none of them garbage, and the collector's passes
    over them (each new thousand objects starts one) took half the time of reading 10.000 articles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pickled(value: object) -> bytes:
    with gc_paused():
        return pickle.dumps((_layout(), value), protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(loaded: object) -> tuple[bool, object]:
    """(True, value) when a file held (this layout, value)."""
    if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == _layout():
        return True, loaded[1]
    return False, None


Value = TypeVar("Value")  # what a store keeps under each key


class Store(Generic[Value]):
    """A named dict kept in a folder of the cache, its entries spread over SHARDS files by a hash
    of their keys, each file signed (see Seal): a build that changes a few entries writes again
    the few files that hold them (an edited article's: a 64th of 10.000 articles' 100 MB, not
    all of it). Without a folder, or with a seal that has no key, it lives in memory only."""

    SHARDS = 64

    def __init__(self, folder: Path | None, name: str, seal: Seal | None = None):
        self.seal = (seal or Seal.mine()) if folder else Seal(None)
        self.path = folder / name if folder and self.seal.key else None
        self.label = name
        self.entries: dict[str, Value] = {}
        self.used: set[str] = set()
        self.dirty: set[int] = set()  # the shards an entry was put in since the last save
        if self.path:
            for n in range(self.SHARDS):
                found, entries = _unpickled(self.seal.read(self._shard_file(n), self._shard_label(n)))
                if found and isinstance(entries, dict):
                    self.entries.update(entries)

    def _shard_file(self, shard: int) -> Path:
        assert self.path is not None
        return self.path / f"{shard:02d}.pickle"

    def _shard_label(self, shard: int) -> str:
        return f"{self.label}/{shard:02d}"

    def _shard(self, key: str) -> int:
        return zlib.crc32(key.encode("utf-8")) % self.SHARDS

    def get(self, key: str) -> Value | None:
        if key in self.entries:
            self.used.add(key)
            return self.entries[key]
        return None

    def keep(self, key: str) -> None:
        """Mark an entry read elsewhere (in a worker) as used, so that save() keeps it."""
        if key in self.entries:
            self.used.add(key)

    def put(self, key: str, value: Value) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.dirty.add(self._shard(key))

    def begin(self) -> None:
        """A build starts: from now on, what it asks for or puts is what is kept."""
        self.used = set()

    def trim(self) -> None:
        """Forget in memory what the build did not use (the live preview keeps its stores from one
        build to the next: without this, every version of an edited search group would stay);
        their shards are written again by save()."""
        self.dirty |= {self._shard(key) for key in self.entries if key not in self.used}
        self.entries = {key: value for key, value in self.entries.items() if key in self.used}

    def save(self) -> None:
        """Write again the shards that have an entry this build put or did not use (dropped); OSError
        when the system refuses (the caller warns: see pipeline.Caches.save)."""
        if not self.path:
            return
        due = self.dirty | {self._shard(key) for key in self.entries if key not in self.used}
        if not due:
            return
        shards: dict[int, dict[str, Value]] = {n: {} for n in due}
        for key in self.used:
            if (n := self._shard(key)) in shards:
                shards[n][key] = self.entries[key]
        self.path.mkdir(parents=True, exist_ok=True)
        for n, entries in sorted(shards.items()):
            if entries:
                self.seal.write(self._shard_file(n), self._shard_label(n), _pickled(entries))
            else:
                self._shard_file(n).unlink(missing_ok=True)
        self.dirty = set()
        self.path.with_name(f"{self.label}.pickle").unlink(missing_ok=True)  # (the one file of earlier versions)


class FileStore(Store[Value]):
    """A named dict kept as one file an entry in a folder of the cache, each read only when
    asked for and written once: for large entries (a search group's files) of which a
    build changes few."""

    def __init__(self, folder: Path | None, name: str, seal: Seal | None = None):
        self.seal = (seal or Seal.mine()) if folder else Seal(None)
        self.path = folder / name if folder and self.seal.key else None
        self.label = name
        self.entries = {}
        self.used = set()
        self.dirty = set()
        self.fresh: set[str] = set()  # entries put by this build, to write
        self.known: set[str] = set()
        if self.path:
            with contextlib.suppress(OSError):  # (a folder that cannot be listed holds nothing)
                self.known = {entry.name[:-7] for entry in os.scandir(self.path) if entry.name.endswith(".pickle")}

    def _label(self, key: str) -> str:
        return f"{self.label}/{key}"

    def get(self, key: str) -> Value | None:
        if key not in self.entries and key in self.known and self.path is not None:
            found, value = _unpickled(self.seal.read(self.path / f"{key}.pickle", self._label(key)))
            if not found:  # a damaged, unsigned or foreign entry is a missing entry
                return None
            self.entries[key] = value  # type: ignore[assignment]  # (what this store's own put() wrote, signed)
        return super().get(key)

    def put(self, key: str, value: Value) -> None:
        super().put(key, value)
        self.fresh.add(key)

    def trim(self) -> None:
        super().trim()
        self.fresh &= self.used

    def save(self) -> None:
        """Write this build's new entries; drop those nobody asked for. OSError when the system refuses."""
        if not self.path:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        for key in sorted(self.fresh):
            self.seal.write(self.path / f"{key}.pickle", self._label(key), _pickled(self.entries[key]))
            self.fresh.discard(key)
            self.known.add(key)
        for key in self.known - self.used:
            (self.path / f"{key}.pickle").unlink(missing_ok=True)
        self.known &= self.used

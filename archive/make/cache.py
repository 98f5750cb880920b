"""Remember expensive results between builds (.cache/), keyed by a hash of what made them.

Every key is made of the inputs (the bytes an article was read from, the settings) and
code_digest() of the modules that computed the result: the source of those modules, of every
module of this package they import, and the versions of the libraries they import. A change to
any of them is a different key, so no result outlives the code that made it. A cache file
that is missing, unreadable or from other code is simply ignored: the cache only ever saves
time, never changes a result.
"""
from __future__ import annotations

import ast
import functools
import importlib.metadata
import os
import pickle
import sys
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

from ..common.digest import digest

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
    versions = sorted(f"{name} {_version(name)}" for name in libraries)
    return digest(sys.version, *versions, *(part for name in sorted(sources) for part in (name, sources[name])))


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
    for node in ast.walk(ast.parse(source)):
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


def _version(top_level: str) -> str:
    """The version of the library imported as top_level: its distribution's, or its __version__."""
    try:
        return importlib.metadata.version(top_level)
    except importlib.metadata.PackageNotFoundError:  # imported under another name (yaml: PyYAML)
        module = sys.modules.get(top_level) or importlib.import_module(top_level)
        return str(getattr(module, "__version__", "?"))


def _layout() -> str:
    """What a cache file is read with: this module (how the file is laid out) and Python's pickle."""
    return _code_digest((__name__,))


Value = TypeVar("Value")  # what a store keeps under each key


class Store(Generic[Value]):
    """A named dict kept in one file of the cache folder."""

    def __init__(self, folder: Path | None, name: str):
        self.path = folder / f"{name}.pickle" if folder else None
        self.entries: dict[str, Value] = {}
        self.used: set[str] = set()
        self.changed = False
        if self.path and self.path.is_file():
            try:
                version, entries = pickle.loads(self.path.read_bytes())
                if version == _layout():
                    self.entries = entries
            except Exception:  # a damaged cache is a missing cache
                self.entries = {}

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
        self.changed = True

    def begin(self) -> None:
        """A build starts: from now on, what it asks for or puts is what is kept."""
        self.used = set()

    def trim(self) -> None:
        """Forget in memory what the build did not use (the live preview keeps its stores from one
        build to the next: without this, every version of an edited search group would stay)."""
        self.entries = {key: value for key, value in self.entries.items() if key in self.used}

    def save(self) -> None:
        """Write what this build used (entries nobody asked for are dropped)."""
        if not self.path or (not self.changed and self.used == set(self.entries)):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = {key: self.entries[key] for key in self.used}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps((_layout(), kept), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, self.path)


class FileStore(Store[Value]):
    """A named dict kept as one file an entry in a folder of the cache, each read only when
    asked for and written once: for large entries (a search group's files) of which a
    build changes few."""

    def __init__(self, folder: Path | None, name: str):
        self.path = folder / name if folder else None
        self.entries = {}
        self.used = set()
        self.changed = False
        self.fresh: set[str] = set()  # entries put by this build, to write
        self.known = {path.stem for path in self.path.glob("*.pickle")} if self.path and self.path.is_dir() else set()

    def get(self, key: str) -> Value | None:
        if key not in self.entries and key in self.known and self.path is not None:
            try:
                version, value = pickle.loads((self.path / f"{key}.pickle").read_bytes())
            except Exception:  # a damaged entry is a missing entry
                return None
            if version != _layout():
                return None
            self.entries[key] = value
        return super().get(key)

    def put(self, key: str, value: Value) -> None:
        super().put(key, value)
        self.fresh.add(key)

    def trim(self) -> None:
        super().trim()
        self.fresh &= self.used

    def save(self) -> None:
        """Write this build's new entries; drop those nobody asked for."""
        if not self.path:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        for key in self.fresh:
            temporary = self.path / f"{key}.tmp"
            temporary.write_bytes(pickle.dumps((_layout(), self.entries[key]), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.path / f"{key}.pickle")
        for key in self.known - self.used:
            (self.path / f"{key}.pickle").unlink(missing_ok=True)
        self.known = (self.known & self.used) | self.fresh
        self.fresh = set()

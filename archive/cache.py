"""Remember expensive results between builds (.cache/), keyed by a hash of their inputs.

A cache file that is missing, unreadable or from another version is simply
ignored: the cache only ever saves time, never changes a result.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

VERSION = 1  # change when what is cached changes shape


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()


class Store:
    """A named dict kept in one file of the cache folder."""

    def __init__(self, folder: Path | None, name: str):
        self.path = folder / f"{name}.pickle" if folder else None
        self.entries: dict[str, Any] = {}
        self.used: set[str] = set()
        self.changed = False
        if self.path and self.path.is_file():
            try:
                version, entries = pickle.loads(self.path.read_bytes())
                if version == VERSION:
                    self.entries = entries
            except Exception:  # a damaged cache is a missing cache
                self.entries = {}

    def get(self, key: str) -> Any:
        if key in self.entries:
            self.used.add(key)
            return self.entries[key]
        return None

    def keep(self, key: str) -> None:
        """Mark an entry read elsewhere (in a worker) as used, so that save() keeps it."""
        if key in self.entries:
            self.used.add(key)

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.changed = True

    def save(self) -> None:
        """Write what this build used (entries nobody asked for are dropped)."""
        if not self.path or (not self.changed and self.used == set(self.entries)):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = {key: self.entries[key] for key in self.used}
        temporary = self.path.with_suffix(".tmp")
        temporary.write_bytes(pickle.dumps((VERSION, kept), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, self.path)


class FileStore(Store):
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

    def get(self, key: str) -> Any:
        if key not in self.entries and key in self.known:
            try:
                version, value = pickle.loads((self.path / f"{key}.pickle").read_bytes())
            except Exception:  # a damaged entry is a missing entry
                return None
            if version != VERSION:
                return None
            self.entries[key] = value
        return super().get(key)

    def put(self, key: str, value: Any) -> None:
        super().put(key, value)
        self.fresh.add(key)

    def save(self) -> None:
        """Write this build's new entries; drop those nobody asked for."""
        if not self.path:
            return
        self.path.mkdir(parents=True, exist_ok=True)
        for key in self.fresh:
            temporary = self.path / f"{key}.tmp"
            temporary.write_bytes(pickle.dumps((VERSION, self.entries[key]), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(temporary, self.path / f"{key}.pickle")
        for key in self.known - self.used:
            (self.path / f"{key}.pickle").unlink(missing_ok=True)
        self.known = (self.known & self.used) | self.fresh
        self.fresh = set()


class Renewal:
    """One build's use of a memo the preview server keeps between builds: a result is kept with
    the inputs it was made from and reused while they are equal; once the build is done with
    it (close), the memo holds what this build used or made, and nothing else."""

    def __init__(self, memo: dict | None):
        self.memo = memo
        self.made: dict = {}  # key -> (inputs, result), this build's

    def known(self, key: Any) -> tuple | None:
        """What the memo kept under key, (inputs, result), or None."""
        return self.memo.get(key) if self.memo is not None else None

    def get(self, key: Any, inputs: Any, make: Any) -> Any:
        """make(), or the result kept from equal inputs."""
        known = self.known(key)
        if known is not None and known[0] == inputs:
            self.made[key] = known
            return known[1]
        result = make()
        self.made[key] = (inputs, result)
        return result

    def close(self) -> None:
        if self.memo is not None:
            self.memo.clear()
            self.memo.update(self.made)

"""What the C library offers that Python does not: a child that ends with its parent (prctl) and
an atomic swap of two folders (renameat2), on Linux; elsewhere each says it cannot."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from pathlib import Path


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_LIBC = _libc()
_PR_SET_PDEATHSIG = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def end_with_parent() -> None:
    """In a child process (a build's worker, the form's backend about to start): on Linux the
    system sends it SIGKILL when its parent ends, however that ends."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    if _LIBC is None or not hasattr(_LIBC, "renameat2"):
        return False
    result: int = _LIBC.renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0

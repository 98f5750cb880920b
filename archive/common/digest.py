"""A short hash of strings and bytes, the same in every process and run: what an article's
fingerprint and every cache key are made of."""
from __future__ import annotations

import hashlib


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8") if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()

"""The text helpers every field extractor shares: Found, sentences, positions kept by folding, province names.

Every extractor is a pure function of text (and the site config) and
prefers no answer to a wrong one: a field it cannot be sure of comes back
empty, or with a note that puts it on the review list.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable

from ..common.vietnamese import fold

UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
# Other ways the press writes a province (folded): the config's name on the right.
_ALIASES = {"tp.hcm": "TP Hồ Chí Minh", "tp hcm": "TP Hồ Chí Minh", "tphcm": "TP Hồ Chí Minh",
            "tp. ho chi minh": "TP Hồ Chí Minh", "thanh pho ho chi minh": "TP Hồ Chí Minh",
            "dak lak": "Đắk Lắk", "dac lac": "Đắk Lắk", "dak nong": "Đắk Nông", "dac nong": "Đắk Nông",
            "kontum": "Kon Tum", "ba ria vung tau": "Bà Rịa - Vũng Tàu"}


@dataclass(frozen=True)
class Found:
    """A value and how it was found; doubtful values go on the review list."""

    value: object
    how: str = ""
    doubtful: bool = False


def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences ("4.139" and "TP." do not end one)."""
    parts = re.split(rf"(?<=[.!?…])\s+(?=[{UPPER}0-9(“\"])", paragraph)
    return [part.strip() for part in parts if part.strip()]


def name_pattern(name: str) -> str:
    """A folded name as a regex that allows "-", "–" or spaces between its words."""
    words = re.split(r"[\s\-–]+", fold(name).replace(".", ". ").strip())
    return r"[\s\-–.]*".join(re.escape(word) for word in words if word)


@dataclass(frozen=True)
class ProvinceIndex:
    """Finds province names in text, diacritic-insensitive but only where written with a capital."""

    names: tuple[str, ...]
    pattern: re.Pattern[str] = field(repr=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> "ProvinceIndex":
        names = tuple(dict.fromkeys(names))
        spellings = {fold(name): name for name in names}
        spellings.update({alias: name for alias, name in _ALIASES.items() if name in names})
        ordered = sorted(spellings, key=len, reverse=True)  # "Thừa Thiên Huế" before "Huế"
        pattern = re.compile(r"(?<![\w])(" + "|".join(name_pattern(s) for s in ordered) + r")(?![\w])")
        return cls(names, pattern)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, config name) of each mention in text."""
        folded = fold_aligned(text)
        found = []
        for match in self.pattern.finditer(folded):
            if not text[match.start()].isupper():
                continue
            key = re.sub(r"[\s\-–.]+", " ", match.group(1)).strip()
            name = self._lookup(key)
            if name:
                found.append((match.start(), match.end(), name))
        return found

    def _lookup(self, key: str) -> str:
        return self._keys.get(key, "")

    @functools.cached_property
    def _keys(self) -> dict[str, str]:
        """Each mention's key (folded, words apart by one space) -> the config's name: the first name
        of that key, else the first alias (made once: a page may name thousands of provinces)."""
        keys: dict[str, str] = {}
        for name in self.names:
            keys.setdefault(re.sub(r"[\s\-–.]+", " ", fold(name)), name)
        aliases: dict[str, str] = {}
        for alias, name in _ALIASES.items():
            if name in self.names:
                aliases.setdefault(re.sub(r"[\s\-–.]+", " ", alias), name)
        return {**aliases, **keys}

    def from_ascii(self, word: str) -> str:
        """ "haiphong" or "Quang Binh" -> the province, or ""."""
        key = re.sub(r"[^a-z]", "", fold(word))
        matches = [name for name in self.names if re.sub(r"[^a-z]", "", fold(name)) == key]
        return matches[0] if len(matches) == 1 else ""


class _OneToOne(dict[int, str]):
    """Each character's fold() when that is one character (else its lower case, or itself), made
    the first time the character is met: str.translate's table for fold_aligned."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(char)
        one = folded if len(folded) == 1 else char.lower()[:1] or char
        if len(self) < 65536:  # (a page of every character of Unicode is no reason to hold them all)
            self[code] = one
        return one


_ONE_TO_ONE = _OneToOne()


def fold_aligned(text: str) -> str:
    """fold() one character at a time, so positions in the result are positions in text."""
    return text.translate(_ONE_TO_ONE)


# Province names that are part of another name: "Châu Á – Thái Bình Dương".
_NOT_A_PROVINCE = re.compile(r"\s+D[ưu][ơo]ng\b")


def province_mentions(paragraph: str, index: ProvinceIndex) -> list[tuple[int, int, str]]:
    return [(start, end, name) for start, end, name in index.find(paragraph)
            if not (name == "Thái Bình" and _NOT_A_PROVINCE.match(paragraph[end:]))]

"""Vietnamese language rules: slugs, alphabetical order, dates and numbers."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

# Tone marks carry the tone; the other combining marks make a separate letter
# (a/ă/â, o/ô/ơ, u/ư) and so count in the primary order.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Đà Nẵng" -> "da nang"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    if len(decomposed) < 64:  # a name, a slug: one look at each character is quickest
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    else:  # a sentence, a page: the marks dropped in one pass
        stripped = decomposed.translate(_WITHOUT_MARKS)
    return unicodedata.normalize("NFC", stripped)


class _WithoutMarks(dict[int, "str | None"]):
    """str.translate's table for fold(): a combining mark to nothing, any other character to itself, each
    made the first time the character is met (the first 65.536 kept: a page of every character of
    Unicode is no reason to hold them all)."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = None if unicodedata.combining(char) else char
        if len(self) < 65536:
            self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """A URL segment: ASCII letters, digits and hyphens ("Thừa Thiên Huế" -> "thua-thien-hue").
    (Remembered: the few tags and provinces of 10.000 articles were slugified 60.000 times a
    build, 0,7 s.)"""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _letter_key(char: str) -> tuple[int, int, int]:
    """(letter rank, tone, fallback code point) of one character."""
    lower = char.lower()
    decomposed = unicodedata.normalize("NFD", lower)
    tone = 0
    kept = []
    for mark in decomposed:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            kept.append(mark)
    letter = unicodedata.normalize("NFC", "".join(kept))
    rank = _LETTER_RANK.get(letter)
    if rank is None:
        # Digits and punctuation before letters, anything else after them.
        return (-1 if not letter.isalpha() else len(_ALPHABET), tone, ord(letter[0]) if letter else 0)
    return (rank, tone, 0)


# A syllable's key: each letter's (rank, code point), then its tones.
_SyllableKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...]]


def sort_key(text: str) -> tuple[tuple[_SyllableKey, ...], str]:
    """Key for Vietnamese alphabetical order, syllable by syllable: Ă and Â
    after A, Đ after D, and the tone only where the letters are equal."""
    syllables: list[_SyllableKey] = []
    for word in unicodedata.normalize("NFC", text).split():
        letters = [_letter_key(ch) for ch in word]
        syllables.append((tuple((rank, code) for rank, _, code in letters), tuple(t for _, t, _ in letters)))
    return (tuple(syllables), text)


def format_number(value: int | float) -> str:
    """2177 -> "2.177"; 1.5 -> "1,5" (dot groups thousands, comma marks decimals)."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, fraction = f"{value:.2f}".rstrip("0").partition(".")
        return format_number(int(whole)) + "," + fraction
    return f"{int(value):,}".replace(",", ".")


_MONEY_SCALES = ((10**9, "tỷ"), (10**6, "triệu"))


def format_quantity(value: int | float, unit: str) -> str:
    """A figure with its unit: "4.425 HTX", "226 tỷ đồng", "1,5 triệu đồng"."""
    if unit == "đồng":
        for scale, word in _MONEY_SCALES:
            if abs(value) >= scale:
                scaled = round(value / scale, 2)
                return f"{format_number(scaled)} {word} {unit}"
    return f"{format_number(value)} {unit}".strip()


def format_date(day: dt.date) -> str:
    """ "Thứ Sáu, 05/07/2024"."""
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def format_short_date(day: dt.date) -> str:
    """ "05/07/2024"."""
    return f"{day:%d/%m/%Y}"

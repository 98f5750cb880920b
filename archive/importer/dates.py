"""Find when in an article's text: the conference's date, the emulation period it reviews, the publication moment."""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from ..common.messages import say
from ..common.vietnamese import fold
from .text import Found, fold_aligned

_DAY_MONTH = (r"(?:\((?P<d1>\d{1,2})[./-](?P<m1>\d{1,2})(?:[./-](?P<y1>\d{4}))?\)"
              r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})(?:[/.-](?P<y2>\d{4}))?"
              r"|(?P<d3>\d{1,2}) tháng (?P<m3>\d{1,2})(?: năm (?P<y3>\d{4}))?)")
_CONFERENCE_DAY = re.compile(
    r"(?:^|[\s,(\-–])(?P<when>(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Nn]gày|[Hh]ôm)(?: nay)?(?: qua)?(?: ngày)?"
    r"(?: hôm nay)?)\s*(?:,\s*)?" + _DAY_MONTH + r"(?![\d/])")
# "Quyết định số 429/QĐ-LMHTX ngày 18/11/2019", "Báo cáo ngày …": the day of a document, not of the conference.
_DOCUMENT = re.compile(r"(?:quyet dinh|nghi quyet|nghi dinh|chi thi|thong tu|cong van|ke hoach|bao cao|van ban|luat"
                       r"|so \S+/\S+)[^,.;]{0,60}$")
_PUBLISHED_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_NOT_PUBLISHED = re.compile(r"in trang|ban in|print|truy cap|hom nay|luot xem")
VIETNAM = dt.timezone(dt.timedelta(hours=7))


def conference_day(text: str) -> tuple[int, int, int | None, str] | None:
    """(day, month, year or None, phrase) of "Sáng 1/12", "Sáng ngày 05/7/2024", "Sáng nay (02.12)"; the day of
    a decree or report ("Quyết định số 429 … ngày 18/11/2019") is skipped."""
    for match in _CONFERENCE_DAY.finditer(text):
        if _DOCUMENT.search(fold(text[max(0, match.start() - 80):match.start()])):
            continue
        groups = match.groupdict()
        n = next(n for n in "123" if groups[f"d{n}"])
        day, month = int(groups[f"d{n}"]), int(groups[f"m{n}"])
        year = int(groups[f"y{n}"]) if groups[f"y{n}"] else None
        if 1 <= day <= 31 and 1 <= month <= 12:
            return day, month, year, match.group(0).strip(" ,(-–")
    return None


def published(lines: Iterable[str]) -> tuple[dt.datetime | None, str]:
    """The publication moment of a line like "HN 01/12/2023 14:51", "14:59, Thứ Sáu, 5-7-2024" or
    "Thứ Năm, 11/4/2019 14:05", and what stands before the date on that line (often the writer's initials)."""
    for line in lines:
        if _NOT_PUBLISHED.search(fold(line)):
            continue
        date = _PUBLISHED_DATE.search(line)
        if not date or len(line.split()) > 12:
            continue
        day, month, year = int(date.group(1)), int(date.group(2)), int(date.group(3))
        time = _TIME.search(line)
        hour, minute = (int(time.group(1)), int(time.group(2))) if time else (0, 0)
        try:
            moment = dt.datetime(year, month, day, hour, minute, tzinfo=VIETNAM)
        except ValueError:
            continue
        prefix = line[:min(date.start(), time.start() if time else date.start())].strip(" ,-–|")
        return moment, prefix
    return None, ""


def published_meta(value: str) -> dt.datetime | None:
    """An HTML article:published_time or JSON-LD datePublished, in Vietnam's time zone."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment.astimezone(VIETNAM)


def conference_date(day: tuple[int, int, int | None, str] | None, published_at: dt.datetime | None,
                    period: int | None, kind: str) -> Found:
    """The conference's date: the year as written, else from the publication date, else from the period."""
    if day is None:
        return Found(None, say("found.date.none"), True)
    d, m, year, phrase = day
    if year:
        return _day(year, m, d, f'"{phrase}"', False)
    if published_at:
        year = published_at.year if (m, d) <= (published_at.month, published_at.day) else published_at.year - 1
        found = _day(year, m, d, say("found.date.published_year", phrase=phrase), False)
        if isinstance(found.value, dt.date) and (published_at.date() - found.value).days > 60:
            return Found(found.value, say("found.date.published_late", how=found.how), True)
        return found
    if period:
        year = period + 1 if kind == "tong-ket" and m <= 3 else period
        return _day(year, m, d, say("found.date.period_year", phrase=phrase, period=period), True)
    return Found(None, say("found.date.no_year", phrase=phrase), True)


def _day(year: int, month: int, day: int, how: str, doubtful: bool) -> Found:
    try:
        return Found(dt.date(year, month, day), how, doubtful)
    except ValueError:
        return Found(None, say("found.date.impossible", how=how), True)


_PERIOD_PHRASES = (
    re.compile(r"(?:tong ket|so ket)[^.;]{0,90}?nam (\d{4})"),
    re.compile(r"6 thang (?:dau|cuoi) nam (\d{4})"),
    re.compile(r"(?:trong|ca) nam (\d{4})\s*,"),
    re.compile(r"ket qua (?:dat duoc )?(?:trong |cua )?nam (\d{4})"),
)


def period(title: str, paragraphs: list[str]) -> Found:
    """The emulation year reviewed: "tổng kết … năm 2023", "6 tháng đầu năm 2023", "trong năm 2017,"."""
    originals = [title] + list(paragraphs)
    texts = [fold_aligned(text) for text in originals]
    for number, pattern in enumerate(_PERIOD_PHRASES):
        # "tổng kết … năm N" names the period only in the title or first paragraph.
        for original, text in list(zip(originals, texts))[:2 if number == 0 else None]:
            match = pattern.search(text)
            if match and 1945 <= int(match.group(1)) <= 2100:
                return Found(int(match.group(1)), f'"{original[match.start():match.end()].rstrip(" ,")}"')
    years = [int(y) for text in texts for y in re.findall(r"\bnam (\d{4})\b", text)]
    for year in sorted(set(years)):
        if year + 1 in years:  # the year reviewed and the year planned
            return Found(year, say("found.period.two_years", year=year, next=year + 1), True)
    opening = [int(m.group(1)) for text in texts[1:] for m in [re.match(r"nam (\d{4}),", text)] if m]
    if opening:  # "Năm 2020, Liên minh HTX tỉnh đã …" opens the account of the year
        return Found(opening[0], say("found.period.opening", year=opening[0]), True)
    return Found(None, say("found.period.none"), True)


def period_from_date(found: Found, date: dt.date | None, kind: str) -> Found:
    """The period when the text names none: the year before for a tổng kết held early in the year, else the date's."""
    if not date or found.value is not None and not (found.doubtful and kind == "tong-ket"):
        return found
    if kind == "tong-ket" and date.month <= 3 and found.value in (None, date.year - 1):
        return Found(date.year - 1, say("found.period.january_review"), True)
    if found.value is not None:
        return found
    return Found(date.year, say("found.period.date_year"), True)

"""Find the front-matter fields in an article's text: dates, period, cluster, kind, provinces, figures, leaders.

Every extractor is a pure function of text (and the site config) and
prefers no answer to a wrong one: a field it cannot be sure of comes back
empty, or with a note that puts it on the review list.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping
from urllib.parse import urlparse

from .vietnamese import fold

UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "TP Hồ Chí Minh", "Huế"}  # centrally governed
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


# ---------------------------------------------------------------- text helpers

def sentences(paragraph: str) -> list[str]:
    """A paragraph cut into sentences ("4.139" and "TP." do not end one)."""
    parts = re.split(rf"(?<=[.!?…])\s+(?=[{UPPER}0-9(“\"])", paragraph)
    return [part.strip() for part in parts if part.strip()]


def _word_pattern(name: str) -> str:
    """A folded name as a regex that allows "-", "–" or spaces between its words."""
    words = re.split(r"[\s\-–]+", fold(name).replace(".", ". ").strip())
    return r"[\s\-–.]*".join(re.escape(word) for word in words if word)


@dataclass(frozen=True)
class ProvinceIndex:
    """Finds province names in text, diacritic-insensitive but only where written with a capital."""

    names: tuple[str, ...]
    pattern: re.Pattern = field(repr=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> "ProvinceIndex":
        names = tuple(dict.fromkeys(names))
        spellings = {fold(name): name for name in names}
        spellings.update({alias: name for alias, name in _ALIASES.items() if name in names})
        ordered = sorted(spellings, key=len, reverse=True)  # "Thừa Thiên Huế" before "Huế"
        pattern = re.compile(r"(?<![\w])(" + "|".join(_word_pattern(s) for s in ordered) + r")(?![\w])")
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
        for name in self.names:
            if re.sub(r"[\s\-–.]+", " ", fold(name)) == key:
                return name
        for alias, name in _ALIASES.items():
            if re.sub(r"[\s\-–.]+", " ", alias) == key and name in self.names:
                return name
        return ""

    def from_ascii(self, word: str) -> str:
        """ "haiphong" or "Quang Binh" -> the province, or ""."""
        key = re.sub(r"[^a-z]", "", fold(word))
        matches = [name for name in self.names if re.sub(r"[^a-z]", "", fold(name)) == key]
        return matches[0] if len(matches) == 1 else ""


def fold_aligned(text: str) -> str:
    """fold() one character at a time, so positions in the result are positions in text."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded if len(folded) == 1 else char.lower()[:1] or char)
    return "".join(out)


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"(?<![\d.,/\w])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d/%]|\.\d|,\d)")
_SCALES = {"nghin": 10**3, "ngan": 10**3, "trieu": 10**6, "ty": 10**9, "ti": 10**9}


def parse_number(text: str) -> int | float | None:
    """ "4.139" -> 4139, "2.425.931" -> 2425931, "05" -> 5, "1,5" -> 1.5; None when not a number."""
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?", text.strip())
    if not match:
        return None
    whole = int(match.group(1).replace(".", ""))
    return whole + float("0." + match.group(2)) if match.group(2) else whole


@dataclass(frozen=True)
class Quantity:
    """A number in the text with the words right after it: "4.139 HTX", "trên 226 tỷ đồng"."""

    value: int
    start: int
    end: int  # after the unit
    unit: str  # folded words after the number
    before: str  # folded text of the clause before the number
    approximate: bool
    text: str  # as printed


def quantities(sentence: str) -> list[Quantity]:
    """Every counted quantity in a sentence, with thousand separators and "tỷ"/"triệu" resolved."""
    folded = fold_aligned(sentence)
    found = []
    for match in _NUMBER.finditer(sentence):
        value = parse_number(match.group(0))
        if value is None:
            continue
        before = folded[max(0, match.start() - 80):match.start()]
        before = re.split(r"[;(]|\.\s", before)[-1]
        after = folded[match.end():match.end() + 60]
        if re.match(r"\s*(?:nam|thang|ngay|gio|phut|%|/)", after) or re.search(r"(?:nam|ngay|thang|so|khoa|lan thu)\s*$", before):
            continue  # years, dates, durations, document numbers
        scale = re.match(r"\s*(nghin|ngan|trieu|ty|ti)\b", after)
        offset = match.end()
        if scale:
            value = value * _SCALES[scale.group(1)]
            offset += scale.end()
        unit_match = re.match(r"\s*([^\d,;.()\-–:]{0,40})", folded[offset:offset + 60])
        unit = unit_match.group(1).strip() if unit_match else ""
        approximate = bool(re.search(r"(?:tren|gan|khoang|hon|xap xi|ngot|chung)\s*$", before))
        end = offset + (unit_match.end() if unit_match else 0)
        shown = " ".join(sentence[match.start():end].split()[:4])
        if approximate:
            shown = sentence[:match.start()].split()[-1] + " " + shown
        found.append(Quantity(int(round(value)), match.start(), end, unit, before, approximate, shown))
    return found


# The indicator a unit names (folded unit start -> key); order matters: longest first.
_UNITS = (
    ("lien hiep", "unions"),
    ("quy tin dung", "credit_funds"), ("qtdnd", "credit_funds"),
    ("hop tac xa thanh vien", "member_cooperatives"), ("htx thanh vien", "member_cooperatives"),
    ("hop tac xa", "cooperatives"), ("htx", "cooperatives"),
    ("to hop tac", "cooperative_groups"), ("tht", "cooperative_groups"),
    ("thanh vien", "members"), ("xa vien", "members"),
    ("luot du an", "loan_projects"), ("du an", "loan_projects"),
    ("dong", "loans_vnd"),
)
_NEW = {"cooperatives": "new_cooperatives", "cooperative_groups": "new_cooperative_groups"}
_LOAN_CONTEXT = re.compile(r"giai ngan|cho vay|vay von|duoc vay|von vay")
# Words that make a sentence a plan, a target or a change rather than a count.
_TARGET = re.compile(r"phan dau|chi tieu|muc tieu|ke hoach|du kien|it nhat|toi thieu|dang ky|se thanh lap|de ra"
                     r"|nam toi|giai doan toi")
# Not folded: "tặng" (award) and "tăng" (increase) fold alike.
_AWARD_WORDS = re.compile(r"\b(?:tặng|trao|khen thưởng|bằng khen|giấy khen|cờ thi đua|huân chương|danh hiệu)\b",
                          re.IGNORECASE)


def indicator_of(quantity: Quantity, sentence_folded: str) -> str:
    """The indicator key a quantity counts, or "" when its words do not make it clear."""
    unit = quantity.unit
    key = next((key for prefix, key in _UNITS if unit.startswith(prefix)), "")
    if not key:
        return ""
    before = quantity.before
    if key in ("loan_projects", "loans_vnd"):
        return key if _LOAN_CONTEXT.search(sentence_folded) else ""
    if key == "members" and re.search(r"(?:hop tac xa|htx) thanh vien\b[^,;]{0,40}$", before):
        return "member_cooperatives"
    if re.search(r"ket nap(?: them| moi| duoc)*\s*$", before):
        return "new_members" if key in ("members", "cooperatives", "member_cooperatives") else ""
    if re.search(r"thanh lap moi(?: duoc)?\s*$", before):
        return _NEW.get(key, "")
    if re.search(r"(?:thanh lap|giai the|tang|giam|them|chuyen doi)\s*$", before):
        return ""
    return key


_CLUSTER_SCOPE = re.compile(r"toan cum|trong cum|ca cum|dia ban cum|toan khoi|trong khoi|ca khoi"
                            r"|cac tinh trong cum|lien minh (?:htx|hop tac xa) cac tinh|\d+ tinh(?:, thanh pho)? trong cum")
_CITY_SCOPE = re.compile(r"toan thanh pho|toan tinh|dia ban thanh pho|dia ban tinh")


@dataclass(frozen=True)
class Figures:
    cluster: dict[str, int]
    by_province: dict[str, dict[str, int]]
    notes: list[str]  # approximate or conflicting figures, and counts left out as unclear


def figures(paragraphs: Iterable[str], provinces: ProvinceIndex, single_province: bool = False) -> Figures:
    """Whole-cluster and per-province figures where the wording makes them clear."""
    cluster: dict[str, int] = {}
    by_province: dict[str, dict[str, int]] = {}
    notes: list[str] = []

    def keep(target: dict[str, int], key: str, quantity: Quantity, where: str) -> None:
        if key in target and target[key] != quantity.value:
            notes.append(f"{where}{key}: {target[key]} and {quantity.value} both found; kept {target[key]}")
            return
        if key not in target and quantity.approximate:
            notes.append(f"{where}{key}: \"{quantity.text}\" is approximate")
        target.setdefault(key, quantity.value)

    for paragraph in paragraphs:
        if _TARGET.search(fold(paragraph.split(",")[0])):
            continue  # "Phấn đấu đến hết năm 2018 …": the whole paragraph is targets
        for sentence in sentences(paragraph):
            folded = fold(sentence)
            if _TARGET.search(folded):
                continue
            found = quantities(sentence)
            mentions = provinces.find(sentence)
            listed = _province_lists(sentence, mentions, found)
            in_lists = {id(q) for group in listed for _, q in group}
            heads = {id(_head(sentence, group, found)) for group in listed} - {id(None)}
            for group in listed:
                head = _head(sentence, group, found)
                head_key = indicator_of(head, folded) if head else ""
                for name, quantity in group:
                    key = head_key or indicator_of(quantity, folded) or _group_unit(group, folded)
                    if key:
                        keep(by_province.setdefault(name, {}), key, quantity, f"by_province.{name}.")
            scoped = bool(_CLUSTER_SCOPE.search(folded)) or (single_province and bool(_CITY_SCOPE.search(folded)))
            awards = bool(_AWARD_WORDS.search(sentence))
            for quantity in found:
                if id(quantity) in in_lists:
                    continue
                key = indicator_of(quantity, folded)
                if not key:
                    continue
                # A province just before the number is its subject ("Nghệ An có 903 HTX").
                near = [m for m in mentions if m[1] <= quantity.start and quantity.start - m[1] < 20]
                if id(quantity) in heads or (scoped and not awards and not near):
                    keep(cluster, key, quantity, "")
                elif not awards:
                    notes.append(f"\"{quantity.text}\" ({key}) left out: the sentence does not say it is the "
                                 "whole cluster's")
    return Figures(cluster, by_province, notes)


def _province_lists(sentence: str, mentions: list[tuple[int, int, str]],
                    found: list[Quantity]) -> list[list[tuple[str, Quantity]]]:
    """Runs like "Thanh Hóa 1.331 HTX, Hà Tĩnh 1.031 HTX … và Huế 323 HTX" (two items or more)."""
    by_start = {q.start: q for q in found}
    items = []
    for start, end, name in mentions:
        gap = re.match(r"\s*(?:có|:|với|\()?\s*", sentence[end:])
        quantity = by_start.get(end + gap.end())
        if quantity:
            items.append((start, name, quantity))
    groups: list[list[tuple[str, Quantity]]] = []
    current: list[tuple[int, str, Quantity]] = []
    for item in items:
        if current and re.fullmatch(r"[\s,;]*(?:và|,)?[\s.…]*|\s*[,;]\s*", sentence[current[-1][2].end:item[0]]):
            current.append(item)
        else:
            if len(current) >= 2:
                groups.append([(name, q) for _, name, q in current])
            current = [item]
    if len(current) >= 2:
        groups.append([(name, q) for _, name, q in current])
    return groups


def _head(sentence: str, group: list[tuple[str, Quantity]], found: list[Quantity]) -> Quantity | None:
    """The total a list breaks down: "206 HTX (Điển hình: Quảng Ninh 86, …)", "4.425 HTX, trong đó …"."""
    first = group[0][1]
    before = [q for q in found if q.end <= first.start]
    if not before:
        return None
    head = before[-1]
    link = fold(sentence[head.end:first.start])
    province_words = fold(group[0][0])
    link = link.replace(province_words, "")
    if re.fullmatch(r"[\s,:(]*(?:trong do|dien hinh|gom|cu the|bao gom|nhu)?[\s,:(]*(?:tinh|thanh pho|tp)?\s*", link):
        return head
    return None


def _group_unit(group: list[tuple[str, Quantity]], folded: str) -> str:
    """A list that names its unit once, after the last number: "… Nam Định 10 HTX"."""
    keys = {indicator_of(q, folded) for _, q in group} - {""}
    return keys.pop() if len(keys) == 1 else ""


# ---------------------------------------------------------------- dates

_DAY_MONTH = (r"(?:\((?P<d1>\d{1,2})[./-](?P<m1>\d{1,2})(?:[./-](?P<y1>\d{4}))?\)"
              r"|(?P<d2>\d{1,2})[/.-](?P<m2>\d{1,2})(?:[/.-](?P<y2>\d{4}))?"
              r"|(?P<d3>\d{1,2}) tháng (?P<m3>\d{1,2})(?: năm (?P<y3>\d{4}))?)")
_CONFERENCE_DAY = re.compile(
    r"(?:^|[\s,(\-–])(?P<when>(?:[Ss]áng|[Cc]hiều|[Tt]ối|[Tt]rưa|[Nn]gày|[Hh]ôm)(?: nay)?(?: qua)?(?: ngày)?"
    r"(?: hôm nay)?)\s*(?:,\s*)?" + _DAY_MONTH + r"(?![\d/])")
_PUBLISHED_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_NOT_PUBLISHED = re.compile(r"in trang|ban in|print|truy cap|hom nay|cap nhat luc|luot xem")


def conference_day(text: str) -> tuple[int, int, int | None, str] | None:
    """(day, month, year or None, phrase) of "Sáng 1/12", "Sáng ngày 05/7/2024", "Sáng nay (02.12)"."""
    for match in _CONFERENCE_DAY.finditer(text):
        groups = match.groupdict()
        for n in "123":
            if groups[f"d{n}"]:
                day, month = int(groups[f"d{n}"]), int(groups[f"m{n}"])
                year = int(groups[f"y{n}"]) if groups[f"y{n}"] else None
                if 1 <= day <= 31 and 1 <= month <= 12:
                    return day, month, year, match.group(0).strip(" ,(-–")
    return None


def published(lines: Iterable[str]) -> tuple[dt.datetime | None, str]:
    """The publication moment of a line like "HN 01/12/2023 14:51" or "14:59, Thứ Sáu, 5-7-2024",
    and what stands before the date on that line (often the writer's initials)."""
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
            moment = dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        except ValueError:
            continue
        prefix = line[:min(date.start(), time.start() if time else date.start())].strip(" ,-–|")
        return moment, prefix
    return None, ""


def published_meta(value: str) -> dt.datetime | None:
    """An HTML article:published_time, in Vietnam's time zone."""
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    zone = dt.timezone(dt.timedelta(hours=7))
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def conference_date(day: tuple[int, int, int | None, str] | None, published_at: dt.datetime | None,
                    period: int | None, kind: str) -> Found:
    """The conference's date: the year as written, else from the publication date, else from the period."""
    if day is None:
        return Found(None, "no phrase like 'Sáng 1/12' or 'Ngày 05/7/2024' in the first paragraphs", True)
    d, m, year, phrase = day
    if year:
        return _day(year, m, d, f'"{phrase}"', False)
    if published_at:
        year = published_at.year if (m, d) <= (published_at.month, published_at.day) else published_at.year - 1
        found = _day(year, m, d, f'"{phrase}" + the year of the publication line', False)
        if found.value and (published_at.date() - found.value).days > 60:
            return Found(found.value, found.how + " (published long after: check)", True)
        return found
    if period:
        year = period + 1 if kind == "tong-ket" and m <= 3 else period
        return _day(year, m, d, f'"{phrase}" + the year reviewed ({period})', True)
    return Found(None, f'"{phrase}" has no year and none was found in the text', True)


def _day(year: int, month: int, day: int, how: str, doubtful: bool) -> Found:
    try:
        return Found(dt.date(year, month, day), how, doubtful)
    except ValueError:
        return Found(None, f"{how} is not a real day", True)


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
            return Found(year, f"the years {year} and {year + 1} in the text", True)
    return Found(None, "no year reviewed found", True)


# ---------------------------------------------------------------- kind, cluster, location

_KINDS = (("tong ket", "tong-ket"), ("so ket", "so-ket"), ("ky niem", "ky-niem"))


def kind(title: str, lead: str) -> Found:
    """tong-ket, so-ket or ky-niem from the first of those words in the title, else in the first paragraph."""
    for where, text in (("title", title), ("first paragraph", lead)):
        folded = fold_aligned(text)
        hits = [(folded.find(word), word, key) for word, key in _KINDS if word in folded]
        if hits:
            position, word, key = min(hits)
            return Found(key, f'"{text[position:position + len(word)]}" in the {where}')
    if re.search(r"hoi nghi|hoi thao|toa dam|dai hoi|gap mat", fold(title + " " + lead)):
        return Found("khac", "a meeting that is no review or commemoration", True)
    return Found(None, "no tổng kết, sơ kết or kỷ niệm in the title or first paragraph", True)


def _cluster_phrase(name: str) -> str:
    """ "Cụm thi đua Đồng bằng sông Hồng" -> "dong bang song hong"; alliances keep their whole name."""
    folded = fold(name)
    folded = re.sub(r"^cum thi dua\s+", "", folded)
    return folded.replace("hop tac xa", "htx")


def single_province_cluster(name: str, provinces: ProvinceIndex) -> str:
    """The province of a cluster that is one alliance ("Liên minh HTX thành phố Hải Phòng"), else ""."""
    if fold(name).startswith("cum"):
        return ""
    mentions = provinces.find(name)
    return mentions[0][2] if len(mentions) == 1 else ""


def cluster(text: str, clusters: Mapping[str, str], provinces: ProvinceIndex, source_province: str,
            found_provinces: list[str], members: Mapping[str, set[str]]) -> Found:
    """The cluster named in the text; else the alliance of the source's city; else the one whose
    known members include every province found."""
    folded = fold(text).replace("hop tac xa", "htx").replace("(htx) ", "")
    counts = {}
    for key, name in clusters.items():
        phrase = _cluster_phrase(name)
        single = single_province_cluster(name, provinces)
        if single:
            count = len(re.findall(re.escape(phrase), folded))
            unqualified = re.findall(r"lien minh htx (?:thanh pho|tinh|tp)(?! [a-z]+ [a-z]+ (?:va|,))(?=[\s,.;]|$)",
                                     folded)
            if not count and unqualified and source_province == single:
                count = len(unqualified)
        else:
            count = len(re.findall(r"\b" + _word_pattern(phrase) + r"\b", folded))
        if count:
            counts[key] = count
    if counts:
        best = max(counts, key=counts.get)
        doubtful = len(counts) > 1
        how = f"\"{clusters[best]}\" named {counts[best]} time(s)"
        if doubtful:
            how += "; also named: " + ", ".join(k for k in counts if k != best)
        return Found(best, how, doubtful)
    if len(found_provinces) >= 2:
        fits = [key for key, known in members.items() if set(found_provinces) <= known]
        if len(fits) == 1:
            return Found(fits[0], "its known provinces include every province named", True)
    return Found(None, "no cluster named in the text", True)


def tidy_title(title: str, clusters: Mapping[str, str]) -> str:
    """A title with a cluster's name over-capitalized by the source ("Đồng Bằng sông Hồng") written as in
    the config ("Đồng bằng sông Hồng"); every other word as the source wrote it."""
    folded = fold_aligned(title)
    for name in clusters.values():
        words = re.sub(r"^Cụm thi đua\s+", "", name).split()
        match = re.search(r"\b" + r"\s+".join(re.escape(fold(w)) for w in words) + r"\b", folded)
        if not match:
            continue
        written = title[match.start():match.end()].split()
        fixed = [mine if i > 0 and source[:1].isupper() and not mine[:1].isupper() else source
                 for i, (source, mine) in enumerate(zip(written, words))]
        title = title[:match.start()] + " ".join(fixed) + title[match.end():]
    return title


_PLACE_START = re.compile(r"(?:thành phố|TP\.?|huyện|thị xã|quận|tỉnh|xã|phường|thị trấn|[Hh]ội trường|[Tt]rụ sở"
                          rf"|[Tt]rung tâm|[Kk]hách sạn|[Nn]hà văn hóa|[{UPPER}])")


def location(lead: str) -> Found:
    """Where it was held: "tại TP Hải Dương", "tại thành phố Quảng Ngãi"; else "địa bàn huyện Vĩnh Bảo"."""
    match = re.search(r"\btại ([^,.;:()]{2,70}?)(?=,|\.|;|:| đã | đồng chí| Liên minh| [Cc]ụm | tổ chức|$)", lead)
    if match and _PLACE_START.match(match.group(1)) and not re.match(r"[Hh]ội nghị", match.group(1)):
        return Found(match.group(1).strip(), f'"tại {match.group(1).strip()}" in the first paragraph')
    match = re.search(rf"địa bàn ((?:huyện|quận|thị xã|thành phố|TP|xã|phường) (?:[{UPPER}][\w]*\s?)+)", lead)
    if match:
        return Found(match.group(1).strip(), f'"địa bàn {match.group(1).strip()}" in the first paragraph', True)
    return Found(None, "no 'tại …' in the first paragraph", False)


def provinces_named(paragraphs: list[str], index: ProvinceIndex) -> Found:
    """The provinces named in the text: the longest list first, in its order, then the others."""
    best: list[str] = []
    others: list[str] = []
    for paragraph in paragraphs:
        mentions = index.find(paragraph)
        run: list[str] = []
        last_end = -1
        for start, end, name in mentions:
            gap = paragraph[last_end:start] if last_end >= 0 else ""
            if run and re.fullmatch(r"\s*(?:,|và|;)\s*(?:tỉnh |thành phố |TP )?", gap):
                run.append(name)
            else:
                if len(run) > len(best):
                    best = run
                run = [name]
            last_end = end
            if name not in others:
                others.append(name)
        if len(run) > len(best):
            best = run
    if len(best) < 3:
        best = []
    names = list(dict.fromkeys(best + others))
    doubtful = bool(names) and not best
    how = f"a list of {len(best)} provinces" if best else ("named in the text" if names else "none named")
    return Found(names, how, doubtful)


# ---------------------------------------------------------------- leaders, awards

_ROLE = re.compile(r"\b(cum truong|truong cum|khoi truong|cum pho|pho cum|khoi pho)\b")
_NEXT = re.compile(r"nam toi|nam sau|nhiem ky toi|duoc bau|bau|luan phien|dam nhan|giao|nhat tri|thong nhat")


def leaders(paragraphs: list[str], index: ProvinceIndex, period_year: int | None) -> Found:
    """chair and deputy provinces: "Thái Bình và Quảng Ninh cùng làm cụm trưởng",
    "…, Chủ tịch Liên minh HTX tỉnh Nghệ An, Cụm trưởng và …"."""
    found: list[tuple[bool, str, list[str]]] = []  # (next period?, role, provinces)
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            for clause in re.split(r";", sentence):
                folded = fold_aligned(clause)
                roles = list(_ROLE.finditer(folded))
                mentions = index.find(clause)
                previous = 0
                for role in roles:
                    kind_ = "chair" if "truong" in role.group(1) else "deputy"
                    names = [name for start, end, name in mentions if previous <= start < role.start()]
                    tail = folded[role.end():role.end() + 4]
                    if not names and re.match(r"\s*(?::|la\b)", tail):
                        nxt = [r.start() for r in roles if r.start() > role.start()] + [len(clause)]
                        names = [name for start, end, name in mentions if role.end() <= start < nxt[0]]
                    previous = role.end()
                    if not names or len(names) > 3:
                        continue
                    years = [int(y) for y in re.findall(r"\b(20\d\d)\b", clause)]
                    upcoming = bool(_NEXT.search(fold(clause))) or any(period_year and y > period_year for y in years)
                    found.append((upcoming, kind_, list(dict.fromkeys(names))))
    if not found:
        return Found(None, "no cụm trưởng or cụm phó named")
    if any(upcoming for upcoming, _, _ in found):
        found = [item for item in found if item[0]]
        how = "named for the next period"
    else:
        how = "the leaders named (no next period stated)"
    chair: list[str] = []
    deputy: list[str] = []
    for _, role, names in found:
        target = chair if role == "chair" else deputy
        target.extend(name for name in names if name not in target)
    return Found({"chair": chair, "deputy": deputy}, how, True)


_AWARD_NAME = r"(?:[Cc]ờ thi đua|[Bb]ằng khen|[Gg]iấy khen|[Hh]uân chương|[Kk]ỷ niệm chương|[Dd]anh hiệu|[Cc]ờ)"


def awards(paragraphs: list[str]) -> list[dict[str, str]]:
    """{award, recipient} of "… tặng cờ thi đua cho X" and "X được nhận Bằng khen của Y"."""
    found: list[dict[str, str]] = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            given = list(re.finditer(rf"(?:(?P<giver>Liên minh (?:HTX|Hợp tác xã) [^,;]{{2,40}}?|Chủ tịch [^,;]{{2,40}}?"
                                     rf"|UBND [^,;]{{2,30}}?) )?(?:xét |trao |đề nghị )*tặng "
                                     rf"(?P<award>{_AWARD_NAME}[^,;.]{{0,60}}?) cho ", sentence))
            for number, match in enumerate(given):
                award = match.group("award").strip()
                giver = (match.group("giver") or "").strip()
                if giver and " của " not in award:
                    award = f"{award} của {giver}"
                stop = given[number + 1].start() if number + 1 < len(given) else len(sentence)
                recipients = re.sub(r"[,\s]*(?:và\s+)?(?:xét|trao|đề nghị)?\s*$", "", sentence[match.end():stop])
                for recipient in re.split(r",\s*|\s+và\s+", recipients.rstrip(". ")):
                    recipient = recipient.strip()
                    if recipient and len(recipient.split()) <= 15:
                        found.append({"award": award[0].upper() + award[1:], "recipient": recipient})
            for match in re.finditer(rf"(?:^|,\s)(?P<to>[^,;]{{3,80}}?) được (?:nhận|tặng|trao tặng|trao) "
                                     rf"(?P<award>{_AWARD_NAME}[^,;.]{{0,60}}?)(?= về | vì | do | trong | đã |[,;.]|$)",
                                     sentence):
                award = match.group("award").strip()
                found.append({"award": award[0].upper() + award[1:], "recipient": match.group("to").strip()})
    unique = []
    for item in found:
        if item not in unique:
            unique.append(item)
    return unique


# ---------------------------------------------------------------- source and author

def _titled(name: str) -> str:
    name = re.sub(r"(?i)đài phát thanh (và|-|–) truyền hình", lambda m: f"Đài Phát thanh {m.group(1)} Truyền hình", name)
    return name[:1].upper() + name[1:]


def source(tail: list[str], lead_prefix: str, head: list[str], meta: Mapping[str, str],
           index: ProvinceIndex) -> Found:
    """{name, url} from "Nguồn tin: …", "Theo …", a "(Quang Binh Portal)" prefix, <meta>, or a portal line."""
    for line in tail:
        match = re.match(r"^\(?(?:[Nn]guồn(?: tin| bài)?\s*:\s*|[Tt]heo\s+)(.+?)\)?\.?$", line.strip())
        if match:
            return Found(_source_value(match.group(1).strip(), index), f'"{line.strip()}"')
    if lead_prefix:
        inner = lead_prefix.strip("()")
        value = _source_value(inner, index)
        if value.get("url") or value["name"] != inner:
            return Found(value, f'"{lead_prefix}" before the first paragraph', True)
    if meta.get("site_name"):
        value = {"name": meta["site_name"]}
        if meta.get("url", "").startswith(("http://", "https://")):
            value["url"] = meta["url"]
        return Found(value, "the page's site name", True)
    for line in head:
        domain = re.match(r"^((?:[\w-]+\.)+(?:vn|com|net|org))\b", line.strip())
        if domain:
            return Found(_source_value(domain.group(1), index), f'the portal line "{line}"', True)
    return Found(None, "no 'Nguồn tin:', 'Theo …' or portal line", True)


def _source_value(text: str, index: ProvinceIndex) -> dict[str, str]:
    domain = re.fullmatch(r"(?:https?://)?((?:[\w-]+\.)+(?:vn|com|net|org))(/\S*)?", text.strip(), re.IGNORECASE)
    if domain:
        host = domain.group(1).lower().removeprefix("www.")
        url = f"https://{host}"
        labels = host.split(".")
        if host.endswith(".gov.vn") and len(labels) == 3:
            province = index.from_ascii(labels[0])
            if province:
                return {"name": portal_name(province), "url": url}
        if labels[0].startswith("bao"):
            province = index.from_ascii(labels[0][3:])
            if province:
                return {"name": f"Báo {province}", "url": url}
        return {"name": host, "url": url}
    portal = re.fullmatch(r"(.+?)\s+(?:Portal|portal)", text)
    if portal and index.from_ascii(portal.group(1)):
        return {"name": portal_name(index.from_ascii(portal.group(1)))}
    return {"name": _titled(text)}


def portal_name(province: str) -> str:
    """ "Cổng thông tin điện tử tỉnh Quảng Bình", "… thành phố Hải Phòng"."""
    if province == "TP Hồ Chí Minh":
        return "Cổng thông tin điện tử Thành phố Hồ Chí Minh"
    return f"Cổng thông tin điện tử {'thành phố' if province in _CITIES else 'tỉnh'} {province}"


def source_province(value: Mapping[str, str] | None, index: ProvinceIndex) -> str:
    """The province whose portal or paper the source is, or ""."""
    if not value:
        return ""
    host = urlparse(value.get("url", "")).hostname or ""
    if host:
        for label in host.split("."):
            province = index.from_ascii(label) or (label.startswith("bao") and index.from_ascii(label[3:]))
            if province:
                return province
    mentions = index.find(value.get("name", ""))
    return mentions[-1][2] if mentions else ""

"""Find the figures in an article's text: each number, what it counts, and whose it is (cluster or province)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..common.messages import say
from ..common.vietnamese import fold
from .text import ProvinceIndex, fold_aligned, sentences

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
        if (re.match(r"\s*(?:nam|thang|ngay|gio|phut|%|/)", after)
                or re.search(r"(?:nam|ngay|thang|so|khoa|lan thu)\s*$", before)):
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
# Words after "HTX" that make the number a part of the whole: "64 HTX có sản phẩm OCOP", "1.120 HTX ứng dụng …".
_SUBSET = re.compile(r"^(?:hop tac xa|htx|to hop tac|tht)\s+(?:co |ung dung|nong nghiep|tieu bieu|kieu moi"
                     r"|dat |xep loai|gioi|kha\b|yeu|hoat dong hieu qua|hoat dong kem|thuoc|trong linh vuc"
                     r"|moi thanh lap|dan dau|duoc|san xuat|kinh doanh|lam|ngung|da )")


def indicator_of(quantity: Quantity, sentence_folded: str) -> str:
    """The indicator key a quantity counts, or "" when its words do not make it clear."""
    unit = quantity.unit or _total_of(quantity.before)
    key = next((key for prefix, key in _UNITS if unit.startswith(prefix)), "")
    if (not key and unit.startswith("nguoi")
            and re.search(r"thanh vien[^,;]{0,25}(?:dat|la|len|co)\s*$", quantity.before)):
        return "members"  # "tổng số thành viên đạt 4.960 người"
    if not key or _SUBSET.match(unit):
        return ""
    before = quantity.before
    if key in ("loan_projects", "loans_vnd"):
        return key if _LOAN_CONTEXT.search(sentence_folded) else ""
    if re.search(r"(?:cho|giup|ho tro)\s*$", before):
        return ""  # "cho 9 HTX vay vốn": the borrowers, not a count of the alliance
    if re.search(r"ket nap(?: them| moi| duoc)*\s*$", before):
        return "new_members" if key in ("members", "cooperatives", "member_cooperatives") else ""
    if re.search(r"thanh lap moi(?: duoc)?\s*$", before):
        return _NEW.get(key, "")
    if re.search(r"(?:thanh lap|giai the|tang|giam|them|chuyen doi)\s*$", before):
        return ""
    if key in ("members", "cooperatives") and re.search(r"(?:hop tac xa|htx) thanh vien\b[^,;]{0,40}$"
                                                        r"|thanh vien cua (?:lien minh|lmhtx)[^,;]{0,30}$", before):
        # "nâng tổng số HTX thành viên lên 187 HTX", "… thành viên của Liên minh lên 88 HTX"
        return "member_cooperatives"
    return key


def _total_of(before: str) -> str:
    """The unit of a bare number that closes "nâng tổng số HTX thành viên lên 61"."""
    match = re.search(r"tong so ((?:hop tac xa|htx|to hop tac|tht|thanh vien|quy tin dung)(?: thanh vien)?)[^,;]{0,30}"
                      r"(?:len|la|dat)\s*$", before)
    return match.group(1) if match else ""


_CLUSTER_SCOPE = re.compile(r"toan cum|trong cum|ca cum|dia ban cum|toan khoi|trong khoi|ca khoi|cac tinh trong cum"
                            r"|lien minh (?:htx|hop tac xa) cac tinh|\d+ tinh(?:, thanh pho)? trong cum")
_NATIONAL_SCOPE = re.compile(r"ca nuoc|toan quoc")
# One province, or its alliance, named without the province's name: "toàn tỉnh", "Liên minh HTX tỉnh", "Liên minh".
_LOCAL_SCOPE = re.compile(r"toan tinh|dia ban tinh|toan thanh pho|dia ban thanh pho"
                          r"|(?:htx|hop tac xa) (?:tinh|thanh pho)\b"
                          r"|\blien minh\b(?! (?:htx|hop tac xa) (?:viet nam|cac tinh))")
_ALLIANCE_WORDS = re.compile(r"lien minh|ket nap|thanh vien cua")


@dataclass(frozen=True)
class Unit:
    """Who the conference is: a cluster of alliances, one alliance with a cluster key of its own, or one province's
    alliance filed under the province-level key (its figures go under by_province)."""

    kind: str  # "cluster", "alliance" or "province"
    province: str = ""


@dataclass(frozen=True)
class Figures:
    cluster: dict[str, int]
    by_province: dict[str, dict[str, int]]
    notes: list[tuple[str, str]]  # (field, why): approximate or conflicting figures, counts left out as unclear
    sources: list[str]  # "figures.cooperatives = 4139 (toàn cụm): "sentence"", one per figure written


@dataclass
class _Tally:
    unit: Unit
    cluster: dict[str, int] = field(default_factory=dict)
    by_province: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def keep(self, scope: tuple[str, str], key: str, quantity: Quantity, sentence: str) -> None:
        """Write one figure where its scope says, with its sentence; a second, different value is only noted."""
        kind, province = scope
        if kind == "cluster":
            target, name = self.cluster, f"figures.{key}"
            label = say("found.scope.cluster") if self.unit.kind == "cluster" else say(
                "found.scope.alliance", province=self.unit.province)
        else:
            target, name = self.by_province.setdefault(province, {}), f"by_province.{province}.{key}"
            alliance = _ALLIANCE_WORDS.search(quantity.before) or key in ("member_cooperatives", "new_members")
            label = say("found.scope.alliance" if alliance else "found.scope.province", province=province)
        quote = _quote(sentence)
        if key in target and target[key] != quantity.value:
            self.notes.append((name, say("found.figure.two_values", kept=target[key], other=quantity.value,
                                         quote=quote)))
            return
        if key in target:
            return
        if quantity.approximate:
            self.notes.append((name, say("found.figure.approximate", text=quantity.text, quote=quote)))
        target[key] = quantity.value
        self.sources.append(say("found.figure.written", name=name, value=quantity.value, scope=label, quote=quote))

    def unclear(self, quantity: Quantity, key: str, why: str, sentence: str) -> None:
        self.notes.append(("results", say("found.figure.unclear", text=quantity.text, indicator=key, why=why,
                                          quote=_quote(sentence))))


def _quote(sentence: str, limit: int = 220) -> str:
    text = " ".join(sentence.split())
    return f"\"{text if len(text) <= limit else text[:limit].rstrip() + ' …'}\""


def figures(paragraphs: Iterable[str], provinces: ProvinceIndex, unit: Unit | None = None) -> Figures:
    """The figures whose wording says whose they are: the cluster's, one province's or its alliance's.

    A figure whose scope the sentence leaves unclear goes on the review list with its sentence, never into results.
    """
    tally = _Tally(unit or Unit("cluster"))
    for paragraph in paragraphs:
        if _TARGET.search(fold(paragraph.split(",")[0])):
            continue  # "Phấn đấu đến hết năm 2018 …": the whole paragraph is targets
        for sentence in sentences(paragraph):
            folded = fold(sentence)
            if not _TARGET.search(folded) and not _AWARD_WORDS.search(sentence):
                _sentence_figures(sentence, folded, provinces, tally)
    return Figures(tally.cluster, tally.by_province, tally.notes, tally.sources)


def _sentence_figures(sentence: str, folded: str, provinces: ProvinceIndex, tally: _Tally) -> None:
    found = quantities(sentence)
    mentions = provinces.find(sentence)
    listed = _province_lists(sentence, mentions, found)
    in_lists = {id(q) for group in listed for _, q in group}
    heads = set()
    aligned = fold_aligned(sentence)
    for group in listed:
        head = _head(sentence, group, found)
        head_key = indicator_of(head, folded) if head else ""
        # "Thanh Hóa thành lập mới 96 HTX, Nghệ An 71 HTX": a number with a province before it heads no list.
        if head and (_scope(aligned, head, mentions, tally.unit)[0] or ("", ""))[0] == "province":
            head = None
        if head:
            heads.add(id(head))
        for name, quantity in group:
            key = head_key or indicator_of(quantity, folded) or _group_unit(group, folded)
            if key:
                tally.keep(("province", name), key, quantity, sentence)
    for quantity in found:
        key = indicator_of(quantity, folded)
        if id(quantity) in in_lists or not key:
            continue
        if id(quantity) in heads and tally.unit.kind == "cluster":
            tally.keep(("cluster", ""), key, quantity, sentence)
            continue
        scope, why = _scope(fold_aligned(sentence), quantity, mentions, tally.unit)
        if scope:
            tally.keep(scope, key, quantity, sentence)
        else:
            tally.unclear(quantity, key, why, sentence)


def _markers(folded: str, mentions: list[tuple[int, int, str]], limit: int) -> list[tuple[int, int, str, str]]:
    """(start, rank, kind, province) of each word before `limit` that says whose a figure is."""
    found = [(m.start(), 0, "cluster", "") for m in _CLUSTER_SCOPE.finditer(folded, 0, limit)]
    found += [(m.start(), 1, "national", "") for m in _NATIONAL_SCOPE.finditer(folded, 0, limit)]
    found += [(start, 2, "province", name) for start, _, name in mentions if start < limit]
    found += [(m.start(), 3, "local", "") for m in _LOCAL_SCOPE.finditer(folded, 0, limit)]
    return sorted(found, key=lambda item: (-item[0], item[1]))


def _scope(folded: str, quantity: Quantity, mentions: list[tuple[int, int, str]],
           unit: Unit) -> tuple[tuple[str, str] | None, str]:
    """(("cluster", "") or ("province", name)) of a quantity by the nearest scope word before it, or (None, why)."""
    markers = _markers(folded, mentions, quantity.start)
    if not markers:
        return None, say("found.scope.none")
    _, _, kind, province = markers[0]
    if kind == "national":
        return None, say("found.scope.national")
    if kind == "local":
        named = [name for start, _, name in mentions if start < quantity.start]
        province = named[-1] if named and unit.kind == "cluster" else unit.province
        kind = "province" if province else ""
    if kind == "cluster":
        return (("cluster", ""), "") if unit.kind == "cluster" else (None, say("found.scope.cluster_in_province"))
    if kind == "province" and unit.kind != "cluster":
        if province != unit.province:
            return None, say("found.scope.other_province", province=province, own=unit.province)
        return (("cluster", "") if unit.kind == "alliance" else ("province", province)), ""
    if kind == "province":
        return ("province", province), ""
    return None, say("found.scope.no_province")


def _province_lists(sentence: str, mentions: list[tuple[int, int, str]],
                    found: list[Quantity]) -> list[list[tuple[str, Quantity]]]:
    """Runs like "Thanh Hóa 1.331 HTX, Hà Tĩnh 1.031 HTX … và Huế 323 HTX" (two items or more)."""
    by_start = {q.start: q for q in found}
    items = []
    for start, end, name in mentions:
        gap = re.match(r"\s*(?:có|:|với|\()?\s*", sentence[end:])
        quantity = by_start.get(end + gap.end()) if gap else None
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

"""Find who leads and who is honoured in an article's text: the chair and deputy provinces, the awards given."""
from __future__ import annotations

import re

from ..common.messages import say
from ..common.vietnamese import fold
from .text import Found, ProvinceIndex, fold_aligned, province_mentions, sentences

_ROLE = re.compile(r"\b(cum truong|truong cum|khoi truong|cum pho|pho cum|khoi pho)\b")
_NEXT = re.compile(r"nam toi|nam sau|nhiem ky toi|duoc bau|bau|luan phien|dam nhan|giao|nhat tri|thong nhat"
                   r"|nhan nhiem vu|chon|suy ton")


def _role_names(clause: str, index: ProvinceIndex) -> list[tuple[str, list[str]]]:
    """(chair|deputy, provinces) of each role word in a clause: the names before it, or after "cụm trưởng là"."""
    folded = fold_aligned(clause)
    roles = list(_ROLE.finditer(folded))
    mentions = province_mentions(clause, index)
    found = []
    previous = 0
    for number, role in enumerate(roles):
        names = [name for start, end, name in mentions if previous <= start < role.start()]
        if not names and re.match(r"\s*(?:nam \d{4}\s*)?(?::|la\b)", folded[role.end():role.end() + 14]):
            stop = roles[number + 1].start() if number + 1 < len(roles) else len(clause)
            names = [name for start, end, name in mentions if role.end() <= start < stop]
        previous = role.end()
        if names and len(names) <= 3:
            found.append(("chair" if "truong" in role.group(1) else "deputy", list(dict.fromkeys(names))))
    return found


def leaders(paragraphs: list[str], index: ProvinceIndex, period_year: int | None, kind_key: str = "") -> Found:
    """chair and deputy provinces: "Thái Bình và Quảng Ninh cùng làm cụm trưởng",
    "…, Chủ tịch Liên minh HTX tỉnh Nghệ An, Cụm trưởng và …". A tổng kết's current chair leads the year that
    ends, not the next: it is only listed for review."""
    found: list[tuple[bool, str, list[str]]] = []  # (next period?, role, provinces)
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            upcoming = False
            for clause in sentence.split(";"):
                years = [int(y) for y in re.findall(r"\b(20\d\d)\b", clause)]
                # "Cụm trưởng năm 2024: X; cụm phó: Y": a clause without a year of its own goes with the one before.
                upcoming = (bool(_NEXT.search(fold(clause))) or any(period_year and y > period_year for y in years)
                            or upcoming and not years)
                found.extend((upcoming, role, names) for role, names in _role_names(clause, index))
    if not found:
        return Found(None, say("found.leaders.none"))
    if any(upcoming for upcoming, _, _ in found):
        found = [item for item in found if item[0]]
        how, doubtful = say("found.leaders.next_year"), False
    elif kind_key == "tong-ket":
        named = "; ".join(", ".join(names) for _, _, names in found)
        return Found(None, say("found.leaders.current_only", named=named), True)
    else:
        how, doubtful = say("found.leaders.no_year"), True
    chair: list[str] = []
    deputy: list[str] = []
    for _, role, names in found:
        target = chair if role == "chair" else deputy
        target.extend(name for name in names if name not in target)
    return Found({"chair": chair, "deputy": deputy}, how, doubtful)


_AWARD_NAME = r"(?:[Cc]ờ thi đua|[Bb]ằng khen|[Gg]iấy khen|[Hh]uân chương|[Kk]ỷ niệm chương|[Dd]anh hiệu|[Cc]ờ)"


def awards(paragraphs: list[str]) -> list[dict[str, str]]:
    """{award, recipient} of "… tặng cờ thi đua cho X" and "X được nhận Bằng khen của Y"."""
    found: list[dict[str, str]] = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            given = list(re.finditer(rf"(?:(?P<giver>Liên minh (?:HTX|Hợp tác xã) [^,;]{{2,40}}?"
                                     rf"|Chủ tịch [^,;]{{2,40}}?"
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

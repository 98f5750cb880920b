"""Find whose conference it is and where: its cluster or one province's alliance, its venue, the provinces named."""
from __future__ import annotations

import re
from typing import Mapping

from ..common.messages import say
from ..common.vietnamese import fold
from .text import UPPER, Found, ProvinceIndex, fold_aligned, name_pattern, province_mentions, sentences


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


def _alliance_text(text: str) -> str:
    return fold(text).replace("hop tac xa", "htx").replace("(htx) ", "")


def named_clusters(text: str, clusters: Mapping[str, str], provinces: ProvinceIndex) -> dict[str, int]:
    """key -> how many times the text names that (multi-province) cluster."""
    folded = _alliance_text(text)
    counts = {}
    for key, name in clusters.items():
        if single_province_cluster(name, provinces) or not fold(name).startswith("cum"):
            continue
        count = len(re.findall(r"\b" + name_pattern(_cluster_phrase(name)) + r"\b", folded))
        if count:
            counts[key] = count
    return counts


_CLUSTER_WORDS = re.compile(r"\bcum (?:thi dua|lien minh|htx)|\bkhoi thi dua|cac tinh (?:trong )?cum|\bcum \d+ tinh"
                            r"|lien minh htx \d+ tinh|lien minh htx cac tinh")
_PROVINCE_ALLIANCE = re.compile(r"lien minh htx (?:tinh|thanh pho|tp)\b")


def provincial_alliance(title: str, lead: str, provinces: ProvinceIndex, source_province: str) -> Found:
    """The province whose own alliance holds the conference ("Liên minh HTX tỉnh Lai Châu tổ chức …"), when the
    title and the opening paragraph name no cluster; None otherwise."""
    opening = f"{title}\n{lead}"
    folded = _alliance_text(opening)
    if _CLUSTER_WORDS.search(folded) or not _PROVINCE_ALLIANCE.search(folded):
        return Found(None)
    aligned = fold_aligned(opening)
    for match in re.finditer(r"li[eê]n minh (?:h[oợ]p t[aá]c x[aã]|htx)(?: \(htx\))? (?:tinh|thanh pho|tp)\s+",
                             aligned):
        named = [name for start, _, name in provinces.find(opening) if start == match.end()]
        if named:
            return Found(named[0], f'"{opening[match.start():match.end()]}{named[0]}"')
    prefix = provinces.find(title)
    if prefix and prefix[0][0] == 0:
        return Found(prefix[0][2], say("found.alliance.title_start", province=prefix[0][2]))
    if source_province:
        return Found(source_province, say("found.alliance.source_province", province=source_province),
                     True)
    return Found(None, say("found.alliance.none"), True)


def cluster(text: str, clusters: Mapping[str, str], provinces: ProvinceIndex, source_province: str,
            found_provinces: list[str], members: Mapping[str, set[str]]) -> Found:
    """The cluster named in the text; else the alliance of the source's city; else the one whose
    known members include every province found."""
    counts = named_clusters(text, clusters, provinces)
    folded = _alliance_text(text)
    for key, name in clusters.items():
        single = single_province_cluster(name, provinces)
        if not single:
            continue
        count = len(re.findall(re.escape(_cluster_phrase(name)), folded))
        unqualified = re.findall(r"lien minh htx (?:thanh pho|tinh|tp)(?! [a-z]+ [a-z]+ (?:va|,))(?=[\s,.;]|$)", folded)
        if not count and unqualified and source_province == single:
            count = len(unqualified)
        if count:
            counts[key] = count
    if counts:
        best = max(counts, key=lambda key: counts[key])
        doubtful = len(counts) > 1
        how = say("found.cluster.named", name=clusters[best], count=counts[best])
        if doubtful:
            how = say("found.cluster.also", how=how, others=", ".join(k for k in counts if k != best))
        return Found(best, how, doubtful)
    if len(found_provinces) >= 2:
        fits = [key for key, known in members.items() if set(found_provinces) <= known]
        if len(fits) == 1:
            return Found(fits[0], say("found.cluster.members"), True)
    return Found(None, say("found.cluster.none"), True)


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


_VENUE = r"(?:[Hh]ội trường|[Tt]rụ sở|[Tt]rung tâm|[Kk]hách sạn|[Nn]hà văn hóa|[Nn]hà văn hoá|[Cc]ung văn hóa)"
_PLACE_START = re.compile(rf"(?:thành phố|TP\.?|huyện|thị xã|quận|tỉnh|xã|phường|thị trấn|{_VENUE}|[{UPPER}])")
_ADMIN = r"(?:thành phố|TP\.?|huyện|thị xã|quận|xã|phường|thị trấn)"
_PLACE_END = r"(?=,|\.|;|:|\(| đã | đồng chí| với | do | nơi | vào | để |$)"
_HELD = re.compile(r"(?:được tổ chức|diễn ra|tổ chức|được tổ chức long trọng)\s+(?:tại|ở)\s+")


def _place_at(text: str, start: int) -> str:
    """The place named from `start`: "TP Hải Dương", "Hội trường Liên minh HTX tỉnh X, thành phố Y"."""
    rest = text[start:]
    if not _PLACE_START.match(rest) or re.match(r"[Hh]ội nghị\b", rest):
        return ""
    venue = re.match(_VENUE, rest)
    stops = _PLACE_END if venue else _PLACE_END[:-4] + r"| Liên minh| [Cc]ụm | tổ chức|$)"
    match = re.match(rf"([^,.;:()]{{2,80}}?){stops}", rest)
    if not match:
        return ""
    place = match.group(1).strip()
    town = re.match(rf",\s*({_ADMIN} [^,.;:()]{{2,40}}?){_PLACE_END}", rest[match.end():])
    if venue and town:
        place += ", " + town.group(1).strip()
    return place


def location(paragraphs: list[str]) -> Found:
    """Where it was held: "tại TP Hải Dương" in the first sentence, "Hội nghị được tổ chức tại …" or "diễn ra ở …"
    in the opening paragraphs, else "địa bàn huyện Vĩnh Bảo"."""
    opening = paragraphs[:2]
    first = sentences(opening[0])[0] if opening and opening[0] else ""
    for match in re.finditer(r"\btại\s+", first):
        place = _place_at(first, match.end())
        if place:
            return Found(place, say("found.location.first_sentence", place=place))
    for paragraph in opening:
        for match in _HELD.finditer(paragraph):
            place = _place_at(paragraph, match.end())
            if place:
                return Found(place, f'"{match.group(0)}{place}"')
    for paragraph in opening:
        for match in re.finditer(rf"\bở\s+(?={_VENUE})", paragraph):
            place = _place_at(paragraph, match.end())
            if place:
                return Found(place, f'"{match.group(0).strip()} {place}"')  # (a quote of the page: "ở …")
    for match in re.finditer(r"\btại\s+", opening[0] if opening else ""):
        place = _place_at(opening[0], match.end())
        if place:
            return Found(place, say("found.location.lead", place=place), True)
    lead = opening[0] if opening else ""
    area = re.search(rf"địa bàn ((?:huyện|quận|thị xã|thành phố|TP|xã|phường) (?:[{UPPER}][\w]*\s?)+)", lead)
    if area:
        return Found(area.group(1).strip(), say("found.location.area", place=area.group(1).strip()), True)
    return Found(None, say("found.location.none"))


def _unglue(text: str) -> str:
    """ "Quảng NamĐà NẵngQuảng Ngãi" (names pasted together) -> "Quảng Nam Đà Nẵng Quảng Ngãi"."""
    return re.sub(rf"(?<=[a-zà-ỹđ])(?=[{UPPER}])", " ", text)


def provinces_named(paragraphs: list[str], index: ProvinceIndex) -> Found:
    """The provinces that took part: the longest list of three or more names (", ", "và", or names side by side);
    without such a list, the names found, for review (a fair's city or a neighbour is no participant)."""
    best: list[str] = []
    others: list[str] = []
    for paragraph in paragraphs:
        paragraph = _unglue(paragraph)
        run: list[str] = []
        last_end = -1
        for start, end, name in province_mentions(paragraph, index):
            gap = paragraph[last_end:start] if last_end >= 0 else "-"
            if run and re.fullmatch(r"\s*(?:,|và|;)?\s*(?:tỉnh |thành phố |TP )?", gap):
                run.append(name)
            else:
                best = run if len(run) > len(best) else best
                run = [name]
            last_end = end
            others.append(name)
        best = run if len(run) > len(best) else best
    best = list(dict.fromkeys(best))
    if len(best) >= 3:
        rest = [name for name in dict.fromkeys(others) if name not in best]
        how = say("found.provinces.list", count=len(best))
        if rest:
            how = say("found.provinces.rest", how=how, rest=", ".join(rest))
        return Found(best, how)
    names = list(dict.fromkeys(others))
    return Found(names, say("found.provinces.mentioned") if names else say("found.provinces.none"), bool(names))

"""Find where a page comes from and who wrote it: its source (outlet, portal or site) and its author."""
from __future__ import annotations

import re
from typing import Callable, Mapping
from urllib.parse import urlparse

from ..common.messages import say
from ..common.vietnamese import fold
from .text import Found, ProvinceIndex

_CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "TP Hồ Chí Minh", "Huế"}  # centrally governed
_OUTLET = re.compile(r"^(?:báo|cổng thông tin|trang thông tin|tạp chí|đài|thông tấn|ttxvn|vov|vtv|liên minh"
                     r"|cổng ttđt)\b",
                     re.IGNORECASE)
# Words that no writer's name holds: a truncated line of the text or an office is no signature.
_NOT_A_NAME = re.compile(r"\b(?:chu tich|uy ban|ubnd|lien minh|hoi nghi|htx|hop tac xa|van phong|ban chap hanh"
                         r"|cum thi dua"
                         r"|tinh uy|so |phong |trung tam|quan tri|admin|ban bien tap|tong hop|chu nhat"
                         r"|thu (?:hai|ba|tu|nam|sau|bay))\b")
_GENERIC_AUTHOR = re.compile(r"^(?:admin|administrator|quản trị|quan tri|ban biên tập|bbt|editor|webmaster)$",
                             re.IGNORECASE)


def _titled(name: str) -> str:
    name = re.sub(r"(?i)đài phát thanh (và|-|–) truyền hình", lambda m: f"Đài Phát thanh {m.group(1)} Truyền hình",
                  name)
    return name[:1].upper() + name[1:]


def outlet_name(line: str, index: ProvinceIndex) -> str:
    """A site banner as the outlet's name: "BÁO KHÁNH HÒA ĐIỆN TỬ" -> "Báo Khánh Hòa", "Báo Lai Châu điện tử" ->
    "Báo Lai Châu", "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH BÌNH ĐỊNH" -> the portal's name; "" for any other line."""
    text = " ".join(line.split()).strip(" .|-–")
    if not _OUTLET.match(text) or len(text.split()) > 10 or _DATE_LIKE.search(text):
        return ""
    mentions = index.find(text)
    if re.match(r"(?i)cổng (?:thông tin|ttđt)", text) and mentions:
        return portal_name(mentions[-1][2])
    if text.isupper():
        text = text.lower()
        for _, _, name in index.find(text.title()):
            text = re.sub(re.escape(name.lower()), name, text)
        text = re.sub(r"\bviệt nam\b", "Việt Nam", text).replace("hợp tác xã", "Hợp tác xã").replace("htx", "HTX")
        text = text[:1].upper() + text[1:]
    return re.sub(r"\s+điện tử$", "", text, flags=re.IGNORECASE)


_DATE_LIKE = re.compile(r"\d{1,2}[/.-]\d{1,2}|\d{1,2}:\d{2}")


def person_name(text: str) -> bool:
    """ "Thu Trang", "NGỌC LAN": two to five capitalized words, no digit, no office or title word."""
    words = text.split()
    return (2 <= len(words) <= 5 and all(word[:1].isupper() for word in words) and not any(c.isdigit() for c in text)
            and not _NOT_A_NAME.search(fold(text)) and not _OUTLET.match(text))


def source(tail: list[str], lead_prefix: str, head: list[str], meta: Mapping[str, str],
           index: ProvinceIndex) -> Found:
    """{name, url} from "Nguồn tin: …", "Theo … (Báo X)", a "(Quang Binh Portal)" prefix, the page's metadata,
    or the site's banner line; never a person's name."""
    for line in tail:
        found = _source_line(line, index)
        if found.value:
            return found
    if lead_prefix:
        inner = lead_prefix.strip("()")
        value = _source_value(inner, index)
        if value.get("url") or value["name"] != inner:
            return Found(value, say("found.source.lead_prefix", prefix=lead_prefix))
    if meta.get("site_name"):
        value = {"name": re.sub(r"\s+điện tử$", "", meta["site_name"], flags=re.IGNORECASE)}
        if meta.get("url", "").startswith(("http://", "https://")):
            value["url"] = meta["url"]
        return Found(value, say("found.source.meta"))
    return _source_from_head(head, index)


def _source_line(line: str, index: ProvinceIndex) -> Found:
    text = line.strip().rstrip(".")
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    match = re.match(r"^(?:[Nn]guồn(?: tin| bài)?\s*:\s*|[Tt]heo\s+)(.+)$", text)
    if not match:
        return Found(None)
    text = match.group(1).strip()
    outlet = re.fullmatch(r"(.+?)\s*\((.+)\)", text)  # "Theo Thu Trang (Báo Nghệ An)"
    if outlet and person_name(outlet.group(1)):
        text = outlet.group(2)
    if person_name(text) and not _source_value(text, index).get("url"):
        return Found(None)
    return Found(_source_value(text, index), f'"{line.strip()}"')


def _source_from_head(head: list[str], index: ProvinceIndex) -> Found:
    for line in head:
        domain = re.match(r"^((?:[\w-]+\.)+(?:vn|com|net|org))\b", line.strip())
        if domain:
            return Found(_source_value(domain.group(1), index), say("found.source.site_line", line=line), True)
    for line in head[:2]:
        name = outlet_name(line, index)
        if name:
            return Found({"name": name}, say("found.source.banner", line=line), True)
    return Found(None, say("found.source.none"), True)


def author(tail: list[str], before_date: str, meta: Mapping[str, str], is_signature: Callable[[str], bool],
           signature_name: Callable[[str], str]) -> Found:
    """The writer: the page's author metadata (not "admin"), else the last signature line, else the initials
    before the publication date; "Theo Thu Trang (Báo Nghệ An)" gives Thu Trang."""
    author = meta.get("author")
    if author and not _GENERIC_AUTHOR.match(author) and not _NOT_A_NAME.search(fold(author)):
        return Found(meta["author"], say("found.author.meta"))
    for line in reversed(tail):
        outlet = re.match(r"^\(?[Tt]heo\s+(.+?)\s*\((.+)\)\)?\.?$", line.strip())
        if outlet and person_name(outlet.group(1)):
            return Found(outlet.group(1), f'"{line.strip()}"')
        if is_signature(line) and not _NOT_A_NAME.search(fold(signature_name(line))):
            return Found(signature_name(line), say("found.author.signature", line=line.strip()))
    if before_date and is_signature(before_date) and not _NOT_A_NAME.search(fold(signature_name(before_date))):
        return Found(signature_name(before_date), say("found.author.initials", initials=before_date))
    return Found(None, say("found.author.none"))


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

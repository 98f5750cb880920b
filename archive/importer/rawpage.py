"""Read a raw news page (page text or saved HTML) and keep only the article: title, text, captions.

Pages come from provincial portals and newspapers with their menus, banners,
share buttons, "Tin khác" lists, cookie notices and footers. This module
drops those and returns the article's own paragraphs in order, with each
photo's caption kept as a caption (the photo file itself is never kept). It
only reads; the fields are found by the modules beside it (dates, kinds,
places, figures, people, provenance), called from archive.importer.draft.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..common.files import NotRegular, read_regular
from ..common.messages import say
from ..common.vietnamese import fold, format_number

# What a news page may be (docs/importer.md, "Limits"): far more than any article needs, and little enough
# that the slowest page of each shape at these limits imports in a few seconds (tests/test_import.py).
MAX_PAGE_BYTES = 5 * 1024 * 1024  # the file
MAX_PAGE_TAGS = 60_000  # '<' and '&' of an HTML page: its elements, comments and character references at most
MAX_PAGE_LINES = 50_000  # the lines of text (the page's, or those its HTML makes)
MAX_PAGE_CHARACTERS = 300_000  # the text in them: a long conference report is some 50.000
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm")


class PageError(Exception):
    """The input cannot be read as a news page; the message says why and what to do."""


@dataclass(frozen=True)
class Block:
    """One piece of the article: a paragraph of text, or a photo's caption."""

    text: str
    caption: bool = False
    photo: str = ""  # the photo's file name in the source, when the page gave one


@dataclass(frozen=True)
class RawPage:
    """The article as found in one page, before its fields are extracted."""

    path: Path
    title: str
    head: tuple[str, ...]  # lines above the text: publication line, portal line, category
    blocks: tuple[Block, ...]  # the article's paragraphs and captions, in order
    tail: tuple[str, ...]  # short lines closing the text: signature, "Nguồn tin:", "Theo …"
    lead_prefix: str = ""  # "(Quang Binh Portal)" taken off the first paragraph
    meta: dict[str, str] = field(default_factory=dict)  # from HTML <meta>: published, site_name, url, author
    dropped: int = 0  # lines of navigation, lists, widgets and footers left out


# Lines after which nothing belongs to the article (related lists, comments, footers).
_END_MARKERS = re.compile(
    r"^(?:tin lien quan|tin khac|cac tin khac|cac tin da dua|tin da dua|tin cung chuyen muc|bai lien quan"
    r"|bai viet lien quan|cac bai viet khac|cac bai khac|tin tuc khac|tin moi hon|tin cu hon|tin moi nhat"
    r"|xem them|doc them|tin noi bat|tin doc nhieu|doc nhieu nhat|binh luan|y kien ban doc|gui binh luan"
    r"|gui y kien|\(\d+\) binh luan|\d+ binh luan|luot truy cap|dang truy cap|tong luot truy cap"
    r"|footer|ban quyen|copyright|©|thong bao moi|van ban moi|vb moi|tu khoa|tags?|tra loi|de lai binh luan"
    r"|chuyen muc khac|ho va ten|ho ten|scroll to top|all in one)\b\s*:?",
)
# A comment form or footer widget, wherever it starts.
_COMMENT_FORM = re.compile(r"email cua ban se khong duoc hien thi|cac truong bat buoc|luu ten cua toi")
# Whole lines that are widgets, buttons or notices wherever they stand.
_JUNK_LINE = re.compile(
    r"^(?:pdf\.?\s*in\s*email|in bai|in trang|ban in|email|print|chia se|share|tweet|like|facebook|zalo"
    r"|gui email|luu bai|quay lai|ve dau trang|len dau trang|trang chu|cỡ chu|co chu|a\s*-?\s*a\s*a\s*\+?"
    r"|nghe doc bai|nghe bai viet|doc bai|read more|xem tiep|chi tiet bai viet|chi tiet tin|video|quang cao"
    r"|advertisement|banner.*|\(\d+\)\s*binh luan|scroll to top|all in one.*|gui|ten \*|email \*)\s*[:.]?$"
)
_COOKIE = re.compile(r"cookie|chinh sach bao mat|privacy policy", re.IGNORECASE)
_FOOTER_WORDS = re.compile(r"giay phep|chiu trach nhiem|co quan chu quan|dien thoai:|fax:|ghi ro nguon|"
                           r"flash player|javascript enabled|ban quyen thuoc")
# A photo's file name alone on its line, after its folders or address and before its query. The name
# starts where a run of its letters starts (the look-behind): without it, the regex tried every split
# of a long line without spaces, each scanned to its end (a 40 KB "word": 52 s).
_PHOTO_FILE = re.compile(r"^\S*?(?<![\w\-.%])([\w\-.%]+\.(?:jpe?g|png|gif|webp|bmp|avif))(?:\?\S*)?$",
                         re.IGNORECASE)
_SPACE = re.compile(r"\s")
_PHOTO_MARK = re.compile(r'^(?:\\?"){2}$|^\[(?:image|ảnh|hình ảnh|photo)\]$', re.IGNORECASE)
_SCRIPT = re.compile(r"<(script|style|iframe)\b[^<>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,500}>")
_CODE = re.compile(r"^(?:var |let |const |function\b|window\.|document\.|\$\(|jQuery|\}\);?$|\{$|<!--|-->)")
_DATE_TIME = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{1,2}:\d{2}\b")
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov)\b", re.IGNORECASE)
_SENTENCE_END = ('.', '…', '!', '?', '"', '”', './.', ')')
# "(Quang Binh Portal) - ", "(Baohaiduong.vn) – ", "HDO – " before the first sentence.
_LEAD_PREFIX = re.compile(r"^(\([^()]{2,60}\)|[A-ZĐ]{2,10}(?:\.[a-z]{2,3})?|[A-ZĐ]{2,3}[a-z]{1,2})\s*[-–—]\s+(?=\S)")
# What a photo shows: a speaker, the hall, a signing, a prize.
_CAPTION_WORDS = re.compile(
    r"\b(?:phat bieu|toan canh|quang canh|trinh bay|trao (?:tang|co|bang|giay)|nhan (?:co|bang|giay)|duoc nhan"
    r"|doc dien van|thao luan|chup anh|ky ket|ky giao uoc|tham quan|du hoi nghi|chu tri|tang hoa|bieu duong"
    r"|anh:|anh minh hoa|phat bieu chi dao|ket luan hoi nghi|khai mac)\b"
)
# A short subheading of the text ("Kết quả nổi bật", "Nhiệm vụ năm 2024"), not a photo's caption.
_SUBHEADING = re.compile(r"^(?:Kết quả|Nhiệm vụ|Phương hướng|Giải pháp|Những|Một số|Tiếp tục|Phát huy|Nâng cao|Đẩy mạnh"
                         r"|Thành tích|Dấu ấn|Điểm sáng|Khó khăn|Kiến nghị|Đề xuất)\b")
_OPENER = re.compile(r"^[^,]{1,40},\s")  # "Cũng tại hội nghị, …": a sentence of the text, not a caption
_SIGNATURE_PREFIX = re.compile(r"^(?:PV|P\.V|Phóng viên|Bài và ảnh|Bài, ảnh|Bài/ảnh|Tin, ảnh|Tin và ảnh|Tin/ảnh"
                               r"|Bài|Tin|Ảnh|Nhóm PV|CTV)\b\s*[:.]?\s*", re.IGNORECASE)


def read_page(path: Path) -> RawPage:
    """The article in one raw page; PageError when the file is not UTF-8 text or HTML, or is more than
    a news page (MAX_PAGE_BYTES, MAX_PAGE_TAGS, MAX_PAGE_LINES, MAX_PAGE_CHARACTERS): what is read is
    bounded, so that every page is imported in a few seconds whatever its shape."""
    text = _decode(path)
    if path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(text):
        tags = text.count("<") + text.count("&")  # (an upper bound of the elements, comments and references)
        if tags > MAX_PAGE_TAGS:
            raise PageError(say("page.too_many_tags", count=format_number(tags), limit=format_number(MAX_PAGE_TAGS)))
        from .htmlpage import html_lines  # BeautifulSoup is needed only here

        lines, title, meta = html_lines(text)
    else:
        lines, title, meta = text.splitlines(), "", {}
    if len(lines) > MAX_PAGE_LINES:
        raise PageError(say("page.too_many_lines", count=format_number(len(lines)),
                            limit=format_number(MAX_PAGE_LINES)))
    characters = sum(map(len, lines))
    if characters > MAX_PAGE_CHARACTERS:
        raise PageError(say("page.too_much_text", count=format_number(characters),
                            limit=format_number(MAX_PAGE_CHARACTERS)))
    return clean(path, lines, title, meta)


def _decode(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        what = say("page.kind.suffix", suffix=suffix) if suffix else say("page.kind.none")
        raise PageError(say("page.kind", what=what) + "; " + say("page.kind.fix"))
    try:
        raw = read_regular(path, MAX_PAGE_BYTES)
    except FileNotFoundError:
        raise PageError(say("page.not_found")) from None
    except NotRegular as error:
        raise PageError(say("page.not_regular", what=say(error.kind))) from None
    if len(raw) > MAX_PAGE_BYTES:
        size = max(len(raw), path.stat().st_size)
        raise PageError(say("page.too_large", size=format_number(round(size / 2**20, 1)),
                            limit=format_number(MAX_PAGE_BYTES // 2**20)))
    if b"\x00" in raw[:4096]:
        raise PageError(say("page.binary"))
    if b"\x00" in raw:  # text with a NUL further on: a damaged file, or data appended to it
        raise PageError(say("page.nul", line=raw[: raw.index(b"\x00")].count(b"\n") + 1))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PageError(say("page.not_utf8", byte=f"{raw[error.start]:02x}", line=line)) from None
    if not text.strip():
        raise PageError(say("page.empty"))
    return unicodedata.normalize("NFC", text)


def _looks_like_html(text: str) -> bool:
    start = text.lstrip()[:200].lower()
    return start.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in text[:5000].lower()


def _tidy(line: str) -> str:
    """One line as plain text: no tags, no escapes, single spaces."""
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "").replace("\t", " ")
    line = _SCRIPT.sub(" ", line)
    line = _TAG.sub(" ", line)
    return re.sub(r"\s+", " ", line).strip()


def _is_junk(line: str) -> bool:
    folded = fold(line)
    return bool(_JUNK_LINE.match(folded) or _COOKIE.search(line) or _FOOTER_WORDS.search(folded)
                or _CODE.match(line))


def _is_photo_line(line: str) -> str:
    """The file name when the line is a photo's file name or an empty-alt marker, else ""."""
    # (A line with a space is never one: ruled out first, before the regex's \S* scans up to it from each name.)
    match = None if _SPACE.search(line.removesuffix("\n")) else _PHOTO_FILE.match(line)
    if match:
        return match.group(1)
    return "photo" if _PHOTO_MARK.match(line) else ""


def _is_body(line: str) -> bool:
    """A paragraph of running text (not a title, menu or caption)."""
    return len(line) >= 120 and line.rstrip().endswith(_SENTENCE_END) and len(line.split()) >= 20


def _is_meta(line: str) -> bool:
    return bool(_DATE_TIME.search(line) or _DOMAIN.search(line)) and len(line.split()) <= 14


def clean(path: Path, raw_lines: list[str], title: str = "", meta: dict[str, str] | None = None) -> RawPage:
    """Split the page's lines into head, article text and tail, dropping everything else."""
    lines = [_tidy(line.replace('\\"', '"')) for line in raw_lines]
    start = _text_start(lines)
    head = [line for line in lines[:start] if line and not _is_junk(line)]
    dropped = sum(1 for line in lines[:start] if line) - len(head)
    title = title or choose_title(head)
    head = [line for line in head if line != title]
    end = _text_end(lines, start)
    dropped += sum(1 for line in lines[end:] if line)
    body_lines = []
    for line in lines[start:end]:
        if line and _is_date_line(line):  # "17:40, 09/07/2022" below the lead: the publication line
            head.append(line)
            dropped += 1
        else:
            body_lines.append(line)
    units, tail, cut = _split_tail(_units(body_lines), title)
    page = _Assembly(title)
    for index, (line, grouped) in enumerate(units):
        page.add(index, line, grouped)
    return RawPage(path, title, tuple(head), tuple(page.blocks), tuple(page.tail + tail), page.lead_prefix,
                   dict(meta or {}), dropped + cut + page.dropped)


def _text_start(lines: list[str]) -> int:
    """The text starts at its first paragraph of running text (else at its first long line)."""
    start = next((i for i, line in enumerate(lines) if _is_body(line) and not _is_junk(line)), None)
    if start is None:
        return next((i for i, line in enumerate(lines) if len(line) >= 60 and not _is_junk(line)), len(lines))
    # A short lead sentence ("Sáng 13/7, tại TP Vinh, … tổ chức hội nghị.") above the first long paragraph.
    previous = [i for i in range(start) if lines[i]]
    while previous and _is_lead(lines[previous[-1]]):
        start = previous.pop()
    return start


def _is_lead(line: str) -> bool:
    return (len(line.split()) >= 12 and line.rstrip().endswith(_SENTENCE_END) and not _is_junk(line)
            and bool(re.search(r"\d{1,2}[/.-]\d{1,2}|\b(?:tổ chức|diễn ra|họp)\b", line)))


def _text_end(lines: list[str], start: int) -> int:
    """The text ends at the first related-news list, comment box or footer."""
    for i in range(start + 1, len(lines)):
        if len(lines[i]) <= 80 and (_END_MARKERS.match(fold(lines[i])) or _COMMENT_FORM.search(fold(lines[i]))):
            return i
    return len(lines)


# A document's header, not its title: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc".
_DOCUMENT_HEADER = re.compile(r"^(?:cong hoa xa hoi chu nghia|doc lap\s*[-–]\s*tu do)")
_OUTLET_LINE = re.compile(r"^(?:bao|cong thong tin|trang thong tin|tap chi|dai phat thanh"
                          r"|lien minh (?:htx|hop tac xa))\b"
                          r"(?:\s+\S+){0,6}$")


def choose_title(head: list[str]) -> str:
    """The title among the lines above the text: a line of four words or more that is no date line, document
    header, site banner or lead sentence; the longest such line."""
    candidates = [line for line in head if not _is_meta(line) and len(line.split()) >= 4
                  and not _DOCUMENT_HEADER.match(fold(line)) and not line.isupper() and not _is_menu(line)]
    titles = [line for line in candidates if not line.rstrip().endswith((".", "…")) and len(line) <= 250]
    named = [line for line in titles if not _OUTLET_LINE.match(fold(line))]
    return max(named or titles or candidates, key=len, default="")


def _is_menu(line: str) -> bool:
    """A menu written as one line: "Giới thiệu | Tin tức - Sự kiện | Văn bản", "Thời sự · Kinh tế · Xã hội"."""
    return len(re.findall(r"\s[|·•»]\s", line)) >= 2


def _units(body_lines: list[str]) -> list[tuple[str, bool]]:
    """One unit per non-empty line; a line's neighbours tell whether it stands in a group of short lines."""
    units: list[tuple[str, bool]] = []
    for i, line in enumerate(body_lines):
        if line:
            grouped = any(0 <= j < len(body_lines) and body_lines[j] and not _is_body(body_lines[j])
                          for j in (i - 1, i + 1))
            units.append((line, grouped))
    return units


def _split_tail(units: list[tuple[str, bool]], title: str) -> tuple[list[tuple[str, bool]], list[str], int]:
    """Signature, source line and repeated title close the text: (the text, the tail, lines dropped)."""
    tail: list[str] = []
    dropped = 0
    while units:
        line = units[-1][0]
        if line == title or _is_junk(line) or _is_photo_line(line):
            dropped += 1
        elif is_source_line(line) or is_signature(line):
            tail.insert(0, line)
        else:
            break
        units = units[:-1]
    return units, tail, dropped


@dataclass
class _Assembly:
    """The article's blocks as they are read, one line at a time."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    lead_prefix: str = ""
    dropped: int = 0
    photo: str = ""
    seen: set[str] = field(default_factory=set)

    def add(self, index: int, line: str, grouped: bool) -> None:
        marker = _is_photo_line(line)
        if marker:
            self.photo = marker
            return
        if _is_junk(line) or line in self.seen:  # a caption repeated as the photo's alt text, a paragraph twice
            self.dropped += 1
            self.photo = "" if line in self.seen else self.photo
            return
        if _CREDIT.match(line) and is_signature(line):  # "Tin, ảnh: VN": the writer, never a caption
            self.tail.append(line)
            return
        if index == 0:
            line = self._lead(line)
        self.seen.add(line)
        self._place(index, line, grouped)
        self.photo = ""

    def _lead(self, line: str) -> str:
        match = _LEAD_PREFIX.match(line)
        if match:
            self.lead_prefix = match.group(1)
            return line[match.end():]
        return line

    def _place(self, index: int, line: str, grouped: bool) -> None:
        if _is_heading(line):
            self.blocks.append(Block(line))
        elif self.photo or (index > 0 and _looks_like_caption(line, grouped, self.title)):
            line = re.sub(r"^(?:Ảnh|Hình|Ảnh minh họa|Ảnh minh hoạ)\s*:\s*", "", line)
            self.blocks.append(Block(line, caption=True, photo="" if self.photo == "photo" else self.photo))
        elif is_source_line(line) and len(line.split()) <= 14:
            self.tail.append(line)
        else:
            self.blocks.append(Block(line))


_CREDIT = re.compile(r"^(?:Tin, ảnh|Tin và ảnh|Tin/ảnh|Bài và ảnh|Bài, ảnh|Bài/ảnh)\s*:", re.IGNORECASE)


def _is_heading(line: str) -> bool:
    """A section heading in capitals ("CỤM THI ĐUA DUYÊN HẢI MIỀN TRUNG"): text, never a caption."""
    return line.isupper() and 2 <= len(line.split()) <= 12 and not _is_meta(line)


def _is_date_line(line: str) -> bool:
    return bool(_DATE_TIME.search(line)) and len(line.split()) <= 6 and not re.search(r"[.!?]$", line)


def _looks_like_caption(line: str, grouped: bool, title: str) -> bool:
    """A photo's caption left without its photo: one short sentence that shows rather than tells."""
    words = len(line.split())
    if words > 40 or _is_body(line) and words > 30:
        return False
    inner = line.rstrip(". ")
    if re.search(r"[.!?]\s+[A-ZĐÀ-Ỹ]", inner) or line.endswith((":", ";", ",")):
        return False  # more than one sentence, or a lead-in to a list
    if line == title:
        return True
    if re.match(r"(?:Tham dự|Dự|Đến dự)\b[^,.]{0,40}\bcó\b", line):
        return False  # "Tham dự hội nghị có …": who came, a sentence of the text
    folded = fold(line)
    shows = bool(_CAPTION_WORDS.search(folded))
    if not line.endswith(_SENTENCE_END):
        return shows or (grouped or words <= 6) and not _SUBHEADING.match(line)
    # A full sentence is a caption only when it shows something, stands as captions do, and tells
    # no past event ("đã …") as the text does.
    return (shows and (grouped or words <= 20) and not _OPENER.match(line) and not line.endswith("./.")
            and " đã " not in line)


def is_source_line(line: str) -> bool:
    """ "Nguồn tin: haiphong.gov.vn", "Nguồn: …", "Theo Đài … tỉnh Quảng Ngãi"."""
    folded = fold(line)
    if re.match(r"^\(?nguon(?: tin| bai)?\s*:", folded):
        return True
    match = re.match(r"^\(?theo\s+(\S)", line, re.IGNORECASE)
    return bool(match and match.group(1).isupper() and len(line.split()) <= 14
                and not line.rstrip(")").endswith((".", ",", ";", ":")))


def is_signature(line: str) -> bool:
    """A writer's signature: "HN", "Đặng Giang", "PV Mai Anh", "Mai Anh (tổng hợp)"."""
    name = _SIGNATURE_PREFIX.sub("", line.strip(), count=1) if len(line.split()) > 1 else line.strip()
    name = re.sub(r"\s*[-–(]\s*(?:tổng hợp|TH|CTV|theo .*)\)?$", "", name, flags=re.IGNORECASE).strip(" -–")
    words = name.split()
    if not 1 <= len(words) <= 5 or line.rstrip().endswith(('.', ':', ',', ';')):
        return False
    if len(words) == 1:
        return bool(re.fullmatch(r"[A-ZĐ]{1,5}|[A-ZĐ][a-zà-ỹđ]+", words[0]))
    return all(word[:1].isupper() for word in words) and not any(ch.isdigit() for ch in name)


def signature_name(line: str) -> str:
    """The writer's name in a signature line, without "PV" or "(tổng hợp)"."""
    name = _SIGNATURE_PREFIX.sub("", line.strip(), count=1) if len(line.split()) > 1 else line.strip()
    return re.sub(r"\s*[-–(]\s*(?:tổng hợp|TH|CTV)\)?$", "", name, flags=re.IGNORECASE).strip(" -–")

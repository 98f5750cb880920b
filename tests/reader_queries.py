"""Queries typed as readers type them, on the shared real-shaped corpus, with answers from its front matter.

    python tests/reader_queries.py DIR [N]

The corpus is bench/articles.py's archive format (articles shaped like real ones) (N articles,
1,500 by default: three groups of the search index would take the suite too
long; the generator's seed is fixed, so the same N gives the same articles),
with the config's 2025 merger (provinces_2025, successors) added from the
project's site_config.yaml, as the archive itself has it.

QUERIES pairs each query with a class (what kind of typing it stands for)
and a rule on an article's front matter and text: the articles passing the
rule are its right answers. The classes: one-letter typos, joined and
abbreviated names, old names with a year after the merger (and new names
with a year before it), people and offices, province + kind + year, and
quoted phrases. A query scores when its top three results (all of them when
fewer are right) are right answers.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "bench" / "articles.py"  # the real-shaped corpus generator, stdlib only
SIZE = 1500


def _fold(text: str) -> str:
    sys.path.insert(0, str(ROOT))
    from archive.common.vietnamese import fold

    return fold(text)


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: dt.date
    period: int
    cluster: str
    kind: str
    provinces: tuple[str, ...]
    words: tuple[str, ...]  # title and body, folded, as words (punctuation kept on them)

    def has_phrase(self, phrase: str) -> bool:
        """Whether the words of phrase stand in this order, side by side, with no punctuation between."""
        wanted = _fold(phrase).split()
        plain = [w.strip(".,;:!?()\"“”") for w in self.words]
        for start in range(len(plain) - len(wanted) + 1):
            if plain[start:start + len(wanted)] == wanted and not any(
                    w != w.rstrip(".,;:!?)") for w in self.words[start:start + len(wanted) - 1]):
                return True
        return False


def write(target: Path, size: int = SIZE) -> list[Article]:
    """The corpus in target (content/, site_config.yaml with the merger, the project's templates)."""
    import shutil

    subprocess.run([sys.executable, str(GENERATOR), "--n", str(size), "--format", "archive", "--out", str(target)],
                   check=True, stdout=subprocess.DEVNULL)
    config = yaml.safe_load((target / "site_config.yaml").read_text(encoding="utf-8"))
    ours = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))
    config["provinces_2025"] = ours["provinces_2025"]
    config["successors"] = ours["successors"]
    config["search_aliases"] = ours["search_aliases"]
    (target / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    shutil.copytree(ROOT / "templates", target / "templates", dirs_exist_ok=True)
    return read(target)


def read(target: Path) -> list[Article]:
    found = []
    for path in sorted((target / "content").rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(front)
        found.append(Article(slug=path.stem[11:], title=meta["title"], date=meta["date"],
                             period=meta.get("period", meta["date"].year), cluster=meta["cluster"], kind=meta["kind"],
                             provinces=tuple(meta.get("provinces", [])),
                             words=tuple(_fold(meta["title"] + " " + body).split())))
    return found


SUCCESSORS = {old: (value["name"], value["since"])
              for old, value in yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))["successors"].items()}

Rule = Callable[[Article], bool]


def named(province: str) -> Rule:
    """A conference of the province by its name then, or of the province that took it in, from that day."""
    def test(a: Article) -> bool:
        if province in a.provinces:
            return True
        successor = SUCCESSORS.get(province)
        return successor is not None and successor[0] in a.provinces and a.date >= successor[1]
    return test


def own(province: str) -> Rule:
    """A conference naming the province itself (what a reader typing its new name, before the merger, means)."""
    return lambda a: province in a.provinces


def of_year(rule: Rule, year: int) -> Rule:
    return lambda a: rule(a) and year in (a.date.year, a.period)


def of_kind(rule: Rule, kind: str) -> Rule:
    return lambda a: rule(a) and a.kind == kind


def cluster(key: str) -> Rule:
    return lambda a: a.cluster == key


def phrase(text: str) -> Rule:
    return lambda a: a.has_phrase(text)


def all_of(*rules: Rule) -> Rule:
    return lambda a: all(rule(a) for rule in rules)


TYPO, JOINED, MERGER, PEOPLE, FIELDS, QUOTED = ("typo", "joined or abbreviated", "merger and year",
                                                "person or office", "province, kind and year", "quoted phrase")

QUERIES: list[tuple[str, str, Rule]] = [
    ("nghe ann", TYPO, named("Nghệ An")),
    ("thanh hao", TYPO, named("Thanh Hóa")),
    ("quang ngaii", TYPO, named("Quảng Ngãi")),
    ("ha tinhh", TYPO, named("Hà Tĩnh")),
    ("khanh hao", TYPO, named("Khánh Hòa")),
    ("gia lia", TYPO, named("Gia Lai")),
    ("tuyen quag", TYPO, named("Tuyên Quang")),
    ("bac nihn", TYPO, named("Bắc Ninh")),
    ("daklak", JOINED, named("Đắk Lắk")),
    ("daknong", JOINED, named("Đắk Nông")),
    ("tp hcm", JOINED, named("TP Hồ Chí Minh")),
    ("hcm", JOINED, named("TP Hồ Chí Minh")),
    ("tphcm", JOINED, named("TP Hồ Chí Minh")),
    ("br-vt", JOINED, named("Bà Rịa - Vũng Tàu")),
    ("tt hue", JOINED, lambda a: named("Thừa Thiên Huế")(a) or "Huế" in a.provinces),
    ("HN", JOINED, named("Hà Nội")),
    ("kontum", JOINED, named("Kon Tum")),
    ("quang binh 2025", MERGER, of_year(named("Quảng Bình"), 2025)),
    ("thai binh 2025", MERGER, of_year(named("Thái Bình"), 2025)),
    ("phu yen 2025", MERGER, of_year(named("Phú Yên"), 2025)),
    ("kien giang 2025", MERGER, of_year(named("Kiên Giang"), 2025)),
    ("dak lak 2015", MERGER, of_year(own("Đắk Lắk"), 2015)),
    ("gia lai 2016", MERGER, of_year(own("Gia Lai"), 2016)),
    ("quang ngai 2014", MERGER, of_year(own("Quảng Ngãi"), 2014)),
    ("Lương Văn Hùng", PEOPLE, phrase("Lương Văn Hùng")),
    ("nguyen thanh huong", PEOPLE, phrase("Nguyễn Thanh Hương")),
    ("Hồ Ngọc Lan", PEOPLE, phrase("Hồ Ngọc Lan")),
    ("tran duc thang", PEOPLE, phrase("Trần Đức Thắng")),
    ("pho chu tich ubnd tinh hoa binh", PEOPLE, phrase("Phó Chủ tịch UBND tỉnh Hòa Bình")),
    ("phó chủ tịch ubnd tỉnh kiên giang", PEOPLE, phrase("Phó Chủ tịch UBND tỉnh Kiên Giang")),
    ("chu tich lien minh htx tinh lai chau", PEOPLE, phrase("Chủ tịch Liên minh HTX tỉnh Lai Châu")),
    ("Hà Nội sơ kết 2018", FIELDS, of_year(of_kind(named("Hà Nội"), "so-ket"), 2018)),
    ("Hoà Bình tổng kết 2012", FIELDS, of_year(of_kind(named("Hòa Bình"), "tong-ket"), 2012)),
    ("nghe an so ket 2016", FIELDS, of_year(of_kind(named("Nghệ An"), "so-ket"), 2016)),
    ("da nang tong ket 2020", FIELDS, of_year(of_kind(named("Đà Nẵng"), "tong-ket"), 2020)),
    ("Thanh Hoá kỷ niệm 2015", FIELDS, of_year(of_kind(named("Thanh Hóa"), "ky-niem"), 2015)),
    ("so ket cum tay nguyen 2019", FIELDS, of_year(of_kind(cluster("tay-nguyen"), "so-ket"), 2019)),
    ("giao uoc thi dua dong bang song cuu long 2020", FIELDS,
     all_of(of_year(of_kind(cluster("dong-bang-song-cuu-long"), "tong-ket"), 2020), phrase("giao ước thi đua"))),
    ('"Liên minh HTX tỉnh Lâm Đồng làm Cụm trưởng"', QUOTED, phrase("Liên minh HTX tỉnh Lâm Đồng làm Cụm trưởng")),
    ('"nợ xấu chiếm tỷ lệ thấp"', QUOTED, phrase("nợ xấu chiếm tỷ lệ thấp")),
    ('"Nghị quyết Trung ương 5 khóa IX"', QUOTED, phrase("Nghị quyết Trung ương 5 khóa IX")),
    ('"tỉnh Gia Lai làm Cụm phó"', QUOTED, phrase("tỉnh Gia Lai làm Cụm phó")),
    ('"Cờ thi đua của Chính phủ" kon tum', QUOTED, all_of(phrase("Cờ thi đua của Chính phủ"), named("Kon Tum"))),
]


def answers(corpus: list[Article], rule: Rule) -> set[str]:
    return {a.slug for a in corpus if rule(a)}


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    corpus = write(folder, int(sys.argv[2]) if len(sys.argv) > 2 else SIZE)
    for query, kind, rule in QUERIES:
        print(f"{len(answers(corpus, rule)):>5}  {kind:<24} {query}")

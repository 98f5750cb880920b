"""A generated archive with known answers, for measuring how search ranks.

    python tests/ranking_corpus.py DIR

About 1,100 articles (two groups of the search index): conferences of seven
clusters and of single provinces, 2016-2024, and bodies full of words that
look like the queries' words without being them ("hàng hoá" beside
"Thanh Hóa", "giữ vững hòa bình" beside Hòa Bình, "văn nghệ" beside Nghệ
An, "Trung du Bắc Bộ" beside "Bắc Trung Bộ"). Some articles write the
old tone placement ("Thanh Hoá", "Khánh Hoà"), as many sources do.

QUERIES pairs each query with a test of an article's facts (provinces,
year, cluster, kind, a word written into its body only): the articles that
pass are the right answers, and a good ranking puts them first. The same
corpus always comes out of the same code (a seeded random generator).
"""
from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

CLUSTERS = {
    "bac-trung-bo": ("Bắc Trung Bộ", ["Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"]),
    "trung-du-bac-bo": ("Trung du Bắc Bộ", ["Phú Thọ", "Bắc Giang", "Bắc Ninh", "Thái Nguyên", "Tuyên Quang", "Vĩnh Phúc"]),
    "nam-trung-bo": ("Nam Trung Bộ", ["Khánh Hòa", "Bình Định", "Phú Yên", "Ninh Thuận", "Bình Thuận", "Quảng Ngãi"]),
    "tay-bac": ("Tây Bắc", ["Hòa Bình", "Sơn La", "Điện Biên", "Lai Châu", "Lào Cai", "Yên Bái"]),
    "dong-bang-song-hong": ("Đồng bằng sông Hồng", ["Thái Bình", "Nam Định", "Hà Nam", "Ninh Bình", "Hưng Yên", "Hải Dương"]),
    "dong-bang-song-cuu-long": ("Đồng bằng sông Cửu Long", ["An Giang", "Cà Mau", "Cần Thơ", "Hậu Giang", "Sóc Trăng", "Trà Vinh"]),
    "tay-nguyen": ("Tây Nguyên", ["Đắk Lắk", "Đắk Nông", "Gia Lai", "Kon Tum", "Lâm Đồng", "Bình Phước"]),
}
KINDS = {"tong-ket": "tổng kết năm", "so-ket": "sơ kết 6 tháng"}
YEARS = range(2016, 2025)
# Provinces whose own conferences the queries look for, with the years they held one; the
# names as a title writes them (some in the old tone placement).
OWN = {
    "Thanh Hóa": ({2017: "Thanh Hóa", 2019: "Thanh Hoá", 2021: "Thanh Hóa", 2023: "Thanh Hoá"}),
    "Hòa Bình": ({2018: "Hòa Bình", 2020: "Hoà Bình", 2022: "Hòa Bình"}),
    "Khánh Hòa": ({2016: "Khánh Hòa", 2020: "Khánh Hoà", 2024: "Khánh Hòa"}),
    "Nghệ An": ({2018: "Nghệ An", 2022: "Nghệ An", 2024: "Nghệ An"}),
    "Thái Bình": ({2017: "Thái Bình", 2021: "Thái Bình"}),
    "Bình Định": ({2019: "Bình Định", 2023: "Bình Định"}),
    "Hà Tĩnh": ({2016: "Hà Tĩnh", 2020: "Hà Tĩnh", 2023: "Hà Tĩnh"}),
    "Quảng Bình": ({2018: "Quảng Bình", 2024: "Quảng Bình"}),
}
# Everything else: provinces with many conferences of their own, none of them a query's answer.
OTHERS = ["Bắc Ninh", "Hải Dương", "Phú Thọ", "Cần Thơ", "An Giang", "Gia Lai", "Lâm Đồng", "Sơn La", "Nam Định",
          "Hưng Yên", "Bình Thuận", "Quảng Ngãi", "Thái Nguyên", "Vĩnh Phúc", "Ninh Bình", "Lào Cai"]
PEOPLE = ["Nguyễn Thùy Linh", "Trần Văn Chi", "Lê Hoàng Khánh", "Phạm Thị Thanh", "Hoàng Văn Hòa", "Vũ Thị An",
          "Đặng Minh Bình", "Bùi Văn Định", "Đỗ Thị Hà", "Ngô Văn Tĩnh"]
# Sentences of every body: they use the queries' words in other senses.
FILLERS = [
    "Giá trị hàng hoá của các hợp tác xã tiêu thụ qua sàn thương mại điện tử tăng {n}%.",
    "Thanh niên tham gia khởi nghiệp, thanh toán không dùng tiền mặt được mở rộng ở {n} hợp tác xã.",
    "Thu nhập bình quân của thành viên đạt {n} triệu đồng mỗi năm.",
    "Địa phương giữ vững hòa bình, ổn định chính trị để phát triển sản xuất.",
    "Các đơn vị bảo đảm an toàn thực phẩm và an sinh xã hội cho {n} hộ thành viên.",
    "Chương trình văn nghệ chào mừng hội nghị do thanh niên các hợp tác xã biểu diễn.",
    "Đồng chí {person} phát biểu chỉ đạo, đề nghị chi trả kịp thời chế độ cho chi hội.",
    "Liên minh Hợp tác xã tỉnh tiếp tục hoà giải các vướng mắc về đất đai của {n} hợp tác xã.",
    "Các công trình thuỷ lợi và hạ tầng nông thôn được khánh thành đúng tiến độ.",
    "Hội nghị thống nhất kế hoạch năm tới: thành lập mới {n} hợp tác xã, nâng tổng số lên {m} hợp tác xã.",
    "Các hợp tác xã trong tỉnh liên kết tiêu thụ nông sản với doanh nghiệp, chi phí vận chuyển giảm.",
    "Tổng kết phong trào thi đua, các tỉnh bắc bộ và trung bộ đều vượt chỉ tiêu đề ra.",
    "Toàn tỉnh có {m} hợp tác xã với {n} thành viên, quỹ hỗ trợ giải ngân {k} tỷ đồng.",
    "Nhiều hợp tác xã đầu tư nhà lưới, nuôi trồng thủy sản và trồng cây ăn quả theo hướng hữu cơ.",
    "Đèn lồng, cá tra và gạo là những sản phẩm OCOP được giới thiệu tại hội chợ.",
    "Phiên họp chuyên đề bàn về chợ đầu mối và kênh tiêu thụ nông sản cho thành viên.",
]
# Words written into one or two articles' bodies only: (the sentence, the articles' numbers).
BODY_ONLY = [
    ("Bà Lê Thị Quỳnh, giám đốc hợp tác xã Tân Phú, chia sẻ kinh nghiệm xây dựng thương hiệu.", (137,)),
    ("Hợp tác xã nấm linh chi Đồng Tâm xuất khẩu lô hàng đầu tiên sang Nhật Bản.", (58, 402)),
    ("Mô hình nuôi cá lồng trên hồ thủy điện mang lại thu nhập ổn định cho thành viên.", (212, 771)),
    ("Tổng số thành viên của khu vực kinh tế tập thể đạt 1.780.121 người.", (333,)),
    ("Doanh thu của chợ phiên nông sản cuối tuần đạt 45.310 triệu đồng.", (590, 911)),
]


@dataclass
class Article:
    number: int
    title: str
    date: dt.date
    cluster: str
    kind: str
    provinces: list[str]
    body: str
    own: bool = False  # a province's own conference (else a cluster's)

    @property
    def slug(self) -> str:
        return f"bai-{self.number}"

    @property
    def year(self) -> int:
        return self.date.year


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _cluster_of(province: str) -> str:
    return next((key for key, (_, members) in CLUSTERS.items() if province in members), "dong-bang-song-hong")


def articles() -> list[Article]:
    """The corpus, numbered 0, 1, … in the order they are generated (not by date)."""
    rng = random.Random(15)
    planned = []  # (title, date, cluster, kind, provinces, own)
    for key, (region, members) in CLUSTERS.items():
        for year in YEARS:
            for kind, label in KINDS.items():
                day = dt.date(year, 12, rng.randrange(1, 28)) if kind == "tong-ket" else dt.date(year, 7, rng.randrange(1, 28))
                title = f"Hội nghị {label} Cụm thi đua {region} năm {year}"
                planned.append((title, day, key, kind, members, False))
    for province, years in OWN.items():
        for year, written in years.items():
            title = f"Liên minh HTX tỉnh {written} tổng kết năm {year}"
            planned.append((title, dt.date(year, 12, rng.randrange(1, 28)), _cluster_of(province), "tong-ket",
                            [province], True))
    while len(planned) < 1100:
        province = rng.choice(OTHERS)
        year = rng.choice(YEARS)
        kind = rng.choice(list(KINDS))
        topic = rng.choice(["phát triển kinh tế tập thể", "chuyển đổi số trong hợp tác xã", "hàng hoá nông sản",
                            "thanh niên khởi nghiệp", "an toàn thực phẩm", "hòa giải tranh chấp đất đai",
                            "thanh niên đưa hàng hoá lên sàn", "văn nghệ, an sinh cho thành viên",
                            "khánh thành kho hàng hoá"])
        title = f"Liên minh HTX tỉnh {province}: {topic} ({KINDS[kind]} {year})"
        day = dt.date(year, 12 if kind == "tong-ket" else 7, rng.randrange(1, 28))
        planned.append((title, day, _cluster_of(province), kind, [province], True))
    planned = _one_a_day(planned)
    extra = {n: sentence for sentence, numbers in BODY_ONLY for n in numbers}
    found = []
    for number, (title, day, key, kind, provinces, own) in enumerate(planned):
        place = provinces[0] if own else rng.choice(provinces)
        sentences = [f"Ngày {day.day}/{day.month}/{day.year}, tại tỉnh {place}, hội nghị {KINDS[kind]} đã diễn ra."]
        for _ in range(rng.randrange(6, 10)):
            sentences.append(rng.choice(FILLERS).format(
                n=rng.randrange(10, 900), m=f"{rng.randrange(1000, 9000):,}".replace(",", "."),
                k=rng.randrange(5, 300), person=rng.choice(PEOPLE)))
        if number in extra:
            sentences.insert(rng.randrange(2, len(sentences)), extra[number])
        found.append(Article(number, title, day, key, kind, list(provinces), " ".join(sentences), own))
    return found


def _one_a_day(planned: list[tuple]) -> list[tuple]:
    """A cluster holds one conference of a kind a day (the build refuses the same conference twice): a
    planned day already taken moves to the next free one, every other article as drawn."""
    taken: set[tuple] = set()
    kept = []
    for title, day, key, kind, provinces, own in planned:
        while (key, kind, day) in taken:
            day += dt.timedelta(days=1)
        taken.add((key, kind, day))
        kept.append((title, day, key, kind, provinces, own))
    return kept


def write(target: Path) -> list[Article]:
    """DIR/content, DIR/site_config.yaml (these clusters) and DIR/templates: a site build.py can build."""
    corpus = articles()
    config = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))
    config["clusters"] = {key: {"name": f"Cụm thi đua {region}"} for key, (region, _) in CLUSTERS.items()}
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", target / "templates")
    (target / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    for article in corpus:
        front = {"title": article.title, "date": article.date.isoformat(), "slug": article.slug,
                 "cluster": article.cluster, "kind": article.kind, "provinces": article.provinces}
        folder = target / "content" / str(article.year)
        folder.mkdir(exist_ok=True)
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + article.body + "\n"
        (folder / f"{article.date.isoformat()}-{article.slug}.md").write_text(text, encoding="utf-8")
    return corpus


def _in(province: str) -> Callable[[Article], bool]:
    return lambda a: province in a.provinces


def _own(province: str, year: int | None = None) -> Callable[[Article], bool]:
    """The province's own conferences (their titles name it): what a reader typing its name wants first."""
    return lambda a: a.own and a.provinces == [province] and (year is None or a.year == year)


def _in_year(province: str, year: int) -> Callable[[Article], bool]:
    return lambda a: province in a.provinces and a.year == year


def _cluster(key: str, kind: str) -> Callable[[Article], bool]:
    return lambda a: a.cluster == key and a.kind == kind and not a.own


def _body(text: str) -> Callable[[Article], bool]:
    """The articles whose body has these words side by side (compared without diacritics or dots)."""
    wanted = _fold(text).replace(".", "")
    return lambda a: wanted in re.sub(r"(?<=\d)\.(?=\d)", "", _fold(a.body))


# (query, the right answers): the top three results (or all, when fewer are right) must be right answers.
QUERIES: list[tuple[str, Callable[[Article], bool]]] = [
    ("thanh hoa", _own("Thanh Hóa")),
    ("Thanh Hóa", _own("Thanh Hóa")),
    ("Thanh Hoá", _own("Thanh Hóa")),
    ("hoa binh", _own("Hòa Bình")),
    ("Hòa Bình", _own("Hòa Bình")),
    ("Hoà Bình", _own("Hòa Bình")),
    ("khanh hoa", _own("Khánh Hòa")),
    ("Khánh Hoà", _own("Khánh Hòa")),
    ("nghe an", _own("Nghệ An")),
    ("Nghệ An", _own("Nghệ An")),
    ("thai binh", _own("Thái Bình")),
    ("binh dinh", _own("Bình Định")),
    ("ha tinh", _own("Hà Tĩnh")),
    ("Hà Tĩnh", _own("Hà Tĩnh")),
    ("quang binh", _own("Quảng Bình")),
    ("thanh hoa 2019", _in_year("Thanh Hóa", 2019)),
    ("Thanh Hoá 2019", _in_year("Thanh Hóa", 2019)),
    ("hoa binh 2020", _in_year("Hòa Bình", 2020)),
    ("Khánh Hòa 2020", _in_year("Khánh Hòa", 2020)),
    ("nghe an 2022", _in_year("Nghệ An", 2022)),
    ("tong ket thanh hoa", lambda a: a.kind == "tong-ket" and "Thanh Hóa" in a.provinces),
    ("hop tac xa nghe an", _in("Nghệ An")),
    ("bac trung bo so ket", _cluster("bac-trung-bo", "so-ket")),
    ("trung du bac bo tong ket", _cluster("trung-du-bac-bo", "tong-ket")),
    ("Nam Trung Bộ sơ kết", _cluster("nam-trung-bo", "so-ket")),
    ("tay bac tong ket", _cluster("tay-bac", "tong-ket")),
    ("dong bang song hong so ket", _cluster("dong-bang-song-hong", "so-ket")),
    ("so ket dong bang song cuu long", _cluster("dong-bang-song-cuu-long", "so-ket")),
    ("quynh", _body("Quỳnh")),
    ("linh chi", _body("linh chi")),
    ("nấm linh chi", _body("nấm linh chi")),
    ('"nuôi cá lồng"', _body("nuôi cá lồng")),
    ('"cho phien nong san"', _body("chợ phiên nông sản")),
    ("1780121", _body("1780121")),
    ("45310", _body("45310")),
]


def answers(corpus: list[Article], test: Callable[[Article], bool]) -> set[str]:
    return {article.slug for article in corpus if test(article)}


if __name__ == "__main__":
    write(Path(sys.argv[1]))

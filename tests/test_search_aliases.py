"""The other names search reads a query's words with: site_config.yaml's search_aliases (the short forms
readers type), every province written as one word, the provinces merged away; and the check of the table."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.common.problems import BuildFailed
from archive.make.search import _key, query_words
from archive.site.config import load_config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "site_config.yaml")
WORDS = query_words(CONFIG)

# (what a reader types, the province it means): the short forms as the archive's readers write them
CASES = [
    ("daklak", "Đắk Lắk"), ("DakLak", "Đắk Lắk"), ("Đắc Lắc", "Đắk Lắk"), ("daklac", "Đắk Lắk"),
    ("daknong", "Đắk Nông"), ("kontum", "Kon Tum"), ("hanoi", "Hà Nội"), ("HN", "Hà Nội"), ("tp hn", "Hà Nội"),
    ("tp hcm", "TP Hồ Chí Minh"), ("TP HCM", "TP Hồ Chí Minh"), ("hcm", "TP Hồ Chí Minh"),
    ("tphcm", "TP Hồ Chí Minh"), ("TP.HCM", "TP Hồ Chí Minh"), ("sai gon", "TP Hồ Chí Minh"),
    ("br-vt", "Bà Rịa - Vũng Tàu"), ("BR VT", "Bà Rịa - Vũng Tàu"), ("brvt", "Bà Rịa - Vũng Tàu"),
    ("bariavungtau", "Bà Rịa - Vũng Tàu"), ("tt hue", "Thừa Thiên Huế"), ("TT-Huế", "Thừa Thiên Huế"),
    ("tth", "Thừa Thiên Huế"), ("thuathienhue", "Thừa Thiên Huế"), ("hp", "Hải Phòng"),
    ("quangbinh", "Quảng Bình"), ("thanhhoa", "Thanh Hóa"), ("Thanh Hoá", None), ("ha", None), ("hue", None),
]


@pytest.mark.parametrize("typed, province", CASES, ids=[typed for typed, _ in CASES])
def test_a_short_or_joined_form_stands_for_its_province(typed, province):
    """None: a name written as usual, or a word that is no form of a name, is read as typed."""
    assert WORDS["aliases"].get(_key(typed)) == province


@pytest.mark.parametrize("old, successor, day", [("Quảng Bình", "Quảng Trị", "01/07/2025"),
                                                 ("Thái Bình", "Hưng Yên", "01/07/2025"),
                                                 ("Thừa Thiên Huế", "Huế", "01/01/2025")])
def test_a_province_merged_away_is_named_with_its_successor_and_the_day(old, successor, day):
    assert WORDS["merged"][_key(old)] == [old, successor, day, day[-4:]]
    assert _key(successor) not in WORDS["merged"]


def problems(tmp_path: Path, table: str) -> tuple[list[str], list[str]]:
    """What checking the real config with its search_aliases replaced by table reports, and its lines."""
    text = (ROOT / "site_config.yaml").read_text(encoding="utf-8")
    text = text[: text.index("search_aliases:")] + table
    path = tmp_path / "site_config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        load_config(path)
    return [str(problem).replace(str(path), "site_config.yaml") for problem in failed.value.problems], text.splitlines()


# (case, the table, the line the problem is on, the problem)
BROKEN = [
    ("an unknown province", "search_aliases:\n  Dak Lak: [daklak]\n", "  Dak Lak: [daklak]",
     "search_aliases.Dak Lak: tỉnh 'Dak Lak' không có trong danh sách provinces hay provinces_2025 "
     "(gợi ý: 'Đắk Lắk')"),
    ("forms not a list", "search_aliases:\n  Hà Nội: HN\n", "  Hà Nội: HN",
     "search_aliases.Hà Nội: cần một danh sách cách viết tắt, ví dụ [HCM, TPHCM], nhưng có 'HN'"),
    ("an empty form", "search_aliases:\n  Hà Nội:\n    - HN\n    - '-'\n", "    - '-'",
     "search_aliases.Hà Nội.1: cần một cách viết tắt có chữ hoặc số, ví dụ HCM, nhưng có '-'"),
    ("a form for two provinces", "search_aliases:\n  Hà Nội: [HN]\n  Hà Nam: [hn]\n", "  Hà Nam: [hn]",
     "search_aliases.Hà Nam.0: cách viết 'hn' đã dùng cho 'Hà Nội'; mỗi cách viết chỉ trỏ tới một tỉnh "
     "(gợi ý: bỏ một trong hai dòng)"),
    ("not a table", "search_aliases: [HN]\n", "search_aliases: [HN]",
     "search_aliases: cần một bảng tỉnh: [các cách viết tắt], ví dụ TP Hồ Chí Minh: [HCM, TPHCM], "
     "nhưng có một danh sách"),
]


@pytest.mark.parametrize("case, table, line, message", BROKEN, ids=[case[0] for case in BROKEN])
def test_a_broken_alias_table_is_reported_at_its_line(tmp_path, case, table, line, message):
    found, lines = problems(tmp_path, table)
    assert found == [f"site_config.yaml:{lines.index(line) + 1}: {message}"]

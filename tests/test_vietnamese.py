"""Vietnamese slugs, alphabetical order, dates and numbers."""
import datetime as dt

import pytest

from archive.common.vietnamese import fold, format_date, format_number, format_quantity, slugify, sort_key


@pytest.mark.parametrize("text, slug", [
    ("Thừa Thiên Huế", "thua-thien-hue"),
    ("Đắk Lắk", "dak-lak"),
    ("Bà Rịa - Vũng Tàu", "ba-ria-vung-tau"),
    ("TP Hồ Chí Minh", "tp-ho-chi-minh"),
    ("Cụm thi đua Đồng bằng sông Hồng", "cum-thi-dua-dong-bang-song-hong"),
])
def test_slugs_drop_diacritics_and_turn_d_stroke_into_d(text, slug):
    assert slugify(text) == slug


def test_fold_removes_every_mark():
    assert fold("Hợp tác xã Đà Nẵng") == "hop tac xa da nang"


def test_alphabetical_order_puts_d_stroke_after_d_and_breve_circumflex_after_a():
    names = ["Đà Nẵng", "Yên Bái", "Ăn", "Âu", "An Giang", "Dương", "Hải Dương", "Hà Nam", "Bắc Ninh", "Bà Rịa"]
    assert sorted(names, key=sort_key) == [
        "An Giang", "Ăn", "Âu", "Bà Rịa", "Bắc Ninh", "Dương", "Đà Nẵng", "Hà Nam", "Hải Dương", "Yên Bái"]


def test_tone_decides_only_between_same_letters():
    assert sorted(["má", "mà", "ma", "mạ", "mả", "mã"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


@pytest.mark.parametrize("value, text", [(2177, "2.177"), (2425931, "2.425.931"), (61, "61"), (0, "0"), (1.5, "1,5")])
def test_numbers_group_thousands_with_dots(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value, unit, text", [
    (226_000_000_000, "đồng", "226 tỷ đồng"),
    (1_500_000_000, "đồng", "1,5 tỷ đồng"),
    (350_000_000, "đồng", "350 triệu đồng"),
    (4425, "HTX", "4.425 HTX"),
    (2425931, "thành viên", "2.425.931 thành viên"),
])
def test_quantities_read_the_vietnamese_way(value, unit, text):
    assert format_quantity(value, unit) == text


@pytest.mark.parametrize("day, text", [
    (dt.date(2024, 7, 5), "Thứ Sáu, 05/07/2024"),
    (dt.date(2023, 12, 1), "Thứ Sáu, 01/12/2023"),
    (dt.date(2017, 12, 15), "Thứ Sáu, 15/12/2017"),
    (dt.date(2024, 11, 24), "Chủ Nhật, 24/11/2024"),
    (dt.date(2023, 6, 28), "Thứ Tư, 28/06/2023"),
])
def test_dates_name_the_weekday(day, text):
    assert format_date(day) == text

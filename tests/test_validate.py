"""Bad input: every problem reported at once, as path:line: field: message, nothing written."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from archive.cli import main
from archive.common.problems import BuildFailed
from archive.site.config import DEFAULT_URLS, Indicator, load_config

PATH = "content/2023/2023-12-01-bad.md"
ROOT = Path(__file__).resolve().parent.parent


def article(front: str, body: str = "Nội dung.\n") -> str:
    return f"---\n{front}---\n{body}"


GOOD = "title: Hội nghị\ndate: 2023-12-01\ncluster: bac-trung-bo\nkind: tong-ket\n"

CASES = [
    ("unclosed front matter", "---\ntitle: x\n",
     f"{PATH}:1: phần đầu: phần đầu chưa được đóng (gợi ý: thêm một dòng '---' sau phần đầu)"),
    ("opening line mistyped", "--\n" + GOOD + "---\nNội dung.\n",
     f"{PATH}:1: phần đầu: tệp phải mở đầu bằng một dòng '---', nhưng dòng đầu là '--'"),
    # A file that is no article (no '---' at all) is never quoted: it may be anything (a note, a key file).
    ("no front matter", "API_TOKEN=tok_SECRET_1f9a0c\nChỉ có nội dung.\n",
     f"{PATH}:1: phần đầu: tệp phải mở đầu bằng một dòng '---', rồi đến các trường và một dòng '---' nữa, nhưng "
     "không có dòng '---' nào: đây không phải một bài"),
    ("empty file", "",
     f"{PATH}:1: tệp: tệp trống; cần phần đầu giữa hai dòng '---', rồi đến nội dung"),
    ("YAML syntax", article(GOOD + "provinces: [Hải Dương\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: danh sách trong [ ] thiếu dấu ',' hoặc dấu ']' đóng"),
    ("tab indentation", article(GOOD + "results:\n\tfigures: {}\n"),
     f"{PATH}:7: phần đầu: YAML không hợp lệ: có ký tự tab; thụt lề bằng dấu cách, không dùng tab"),
    ("list instead of mapping", article("- title\n- date\n"),
     f"{PATH}:2: phần đầu: cần các trường (title: …, date: …), nhưng ghi một danh sách"),
    ("missing title", article("date: 2023-12-01\ncluster: bac-trung-bo\nkind: tong-ket\n"),
     f"{PATH}:2: title: thiếu trường bắt buộc"),
    ("date in the wrong format", article(GOOD.replace("2023-12-01", "31/12/2023")),
     f"{PATH}:3: date: cần ngày dạng YYYY-MM-DD, nhưng ghi '31/12/2023' (gợi ý: viết 2023-12-31)"),
    ("date written day first with dots", article(GOOD.replace("2023-12-01", "5.7.2024")),
     f"{PATH}:3: date: cần ngày dạng YYYY-MM-DD, nhưng ghi '5.7.2024' (gợi ý: viết 2024-07-05)"),
    ("impossible date", article(GOOD.replace("2023-12-01", "2023-02-30")),
     f"{PATH}:3: date: cần một ngày có thật dạng YYYY-MM-DD, nhưng ghi '2023-02-30' (không có ngày này)"),
    ("date out of range", article(GOOD.replace("2023-12-01", "1823-12-01")),
     f"{PATH}:3: date: cần năm từ 1945 đến 2100, nhưng ghi '1823-12-01'"),
    ("unknown cluster", article(GOOD.replace("bac-trung-bo", "bac-trung-b")),
     f"{PATH}:4: cluster: cần một trong trung-du-bac-bo, dong-bang-song-hong, duyen-hai-mien-trung, "
     "bac-trung-bo, hai-phong, cap-tinh, nhưng ghi 'bac-trung-b' (gợi ý: có phải 'bac-trung-bo'?)"),
    ("unknown kind", article(GOOD.replace("tong-ket", "tongket")),
     f"{PATH}:5: kind: cần một trong tong-ket, so-ket, ky-niem, khac, nhưng ghi 'tongket' "
     "(gợi ý: có phải 'tong-ket'?)"),
    # A kind or cluster written as the pages show it: an error whose suggestion is the key (see validate._choice).
    ("kind given by its label", article(GOOD.replace("tong-ket", "Tổng kết năm")),
     f"{PATH}:5: kind: cần một trong tong-ket, so-ket, ky-niem, khac, nhưng ghi 'Tổng kết năm' "
     "(gợi ý: 'Tổng kết năm' là tên hiển thị; trong tệp viết khóa 'tong-ket')"),
    ("kind given by its label in other case and spacing", article(GOOD.replace("tong-ket", "'sơ kết  6 THÁNG'")),
     f"{PATH}:5: kind: cần một trong tong-ket, so-ket, ky-niem, khac, nhưng ghi 'sơ kết  6 THÁNG' "
     "(gợi ý: 'sơ kết  6 THÁNG' là tên hiển thị; trong tệp viết khóa 'so-ket')"),
    ("kind given by part of its label", article(GOOD.replace("tong-ket", "Tổng kết")),
     f"{PATH}:5: kind: cần một trong tong-ket, so-ket, ky-niem, khac, nhưng ghi 'Tổng kết' "
     "(gợi ý: có phải 'tong-ket'?)"),
    ("cluster given by its name", article(GOOD.replace("bac-trung-bo", "Cụm thi đua Bắc Trung Bộ")),
     f"{PATH}:4: cluster: cần một trong trung-du-bac-bo, dong-bang-song-hong, duyen-hai-mien-trung, "
     "bac-trung-bo, hai-phong, cap-tinh, nhưng ghi 'Cụm thi đua Bắc Trung Bộ' "
     "(gợi ý: 'Cụm thi đua Bắc Trung Bộ' là tên hiển thị; trong tệp viết khóa 'bac-trung-bo')"),
    ("unknown province", article(GOOD + "provinces: [Hải Dương, Quảng Nin]\n"),
     f"{PATH}:6: provinces.1: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Quảng Nin' "
     "(gợi ý: có phải 'Quảng Ninh'?)"),
    # Did-you-mean wherever a name is checked (a letter too many, no diacritics, another case).
    ("unknown province one letter over", article(GOOD + "provinces: [Hà Nộii]\n"),
     f"{PATH}:6: provinces.0: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Hà Nộii' (gợi ý: có phải 'Hà Nội'?)"),
    ("province without its diacritics", article(GOOD + "provinces: [Ha Noi, Thanh Hoa]\n"),
     f"{PATH}:6: provinces.1: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Thanh Hoa' "
     "(gợi ý: có phải 'Thanh Hóa'?)"),
    ("unknown province of the next chair", article(GOOD + "results:\n  leaders: {chair: [Nghệ Ann]}\n"),
     f"{PATH}:7: results.leaders.chair.0: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Nghệ Ann' "
     "(gợi ý: có phải 'Nghệ An'?)"),
    ("unknown province in a row of the form", article(GOOD + "results:\n  by_province:\n"
                                                       "    - {province: Hà Tỉnh, cooperatives: 3}\n"),
     f"{PATH}:8: results.by_province.0.province: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Hà Tỉnh' "
     "(gợi ý: có phải 'Hà Tĩnh'?)"),
    ("unknown indicator of a province", article(GOOD + "results:\n  by_province:\n    Nghệ An: {Members: 3}\n"),
     f"{PATH}:8: results.by_province.Nghệ An.Members: chỉ tiêu không có; cần một trong cooperatives, members, "
     "cooperative_groups, credit_funds, unions, new_cooperatives, new_cooperative_groups, member_cooperatives, "
     "new_members, loan_projects, loans_vnd (gợi ý: có phải 'members'?)"),
    ("unknown indicator marked approximate", article(GOOD + "results:\n  approx: [Nghệ An.cooperativs]\n"),
     f"{PATH}:7: results.approx: 'Nghệ An.cooperativs': không có chỉ tiêu 'cooperativs' trong indicators của "
     "site_config.yaml; approx chỉ liệt kê số liệu đã ghi trong results.figures (members) hoặc results.by_province "
     "(Thanh Hóa.cooperatives) (gợi ý: có phải là 'Nghệ An.cooperatives'?)"),
    ("unknown field of the results", article(GOOD + "results:\n  figure: {members: 3}\n"),
     f"{PATH}:7: results.figure: trường không có trong mẫu bài (gợi ý: có phải 'figures'?)"),
    ("provinces not a list", article(GOOD + "provinces: {a: 1}\n"),
     f"{PATH}:6: provinces: cần danh sách tên tỉnh, nhưng ghi một bảng khóa: giá trị"),
    ("unknown field", article(GOOD + "titel: x\n"),
     f"{PATH}:6: titel: trường không có trong mẫu bài (gợi ý: có phải 'title'?)"),
    ("unknown indicator", article(GOOD + "results:\n  figures:\n    cooperative: 12\n"),
     f"{PATH}:8: results.figures.cooperative: chỉ tiêu không có; cần một trong cooperatives, members, "
     "cooperative_groups, credit_funds, unions, new_cooperatives, new_cooperative_groups, member_cooperatives, "
     "new_members, loan_projects, loans_vnd (gợi ý: có phải 'cooperatives'?)"),
    ("figure written with a thousands dot", article(GOOD + "results:\n  figures:\n    cooperatives: '4.425'\n"),
     f"{PATH}:8: results.figures.cooperatives: cần số nguyên HTX (từ 0 trở lên), nhưng ghi '4.425' "
     "(gợi ý: viết 2.177 thành 2177 và 226 tỷ đồng thành 226000000000)"),
    ("negative figure", article(GOOD + "results:\n  figures:\n    members: -3\n"),
     f"{PATH}:8: results.figures.members: cần số nguyên thành viên (từ 0 trở lên), nhưng ghi -3"),
    ("per-province figures for an unknown province",
     article(GOOD + "results:\n  by_province:\n    Thanh Hoá: {cooperatives: 1}\n"),
     f"{PATH}:8: results.by_province.Thanh Hoá: cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Thanh Hoá' "
     "(gợi ý: có phải 'Thanh Hóa'?)"),
    ("period not a year", article(GOOD + "period: năm 2023\n"),
     f"{PATH}:6: period: cần năm được tổng kết, như 2023, nhưng ghi 'năm 2023'"),
    ("draft not a boolean", article(GOOD + "draft: có\n"),
     f"{PATH}:6: draft: cần true hoặc false, nhưng ghi 'có'"),
    ("source url not a web address", article(GOOD + "source: {name: Báo, url: 'javascript:alert(1)'}\n"),
     f"{PATH}:6: source.url: cần địa chỉ bắt đầu bằng https:// hoặc http://, nhưng ghi 'javascript:alert(1)'"),
    ("published not a time", article(GOOD + "published: hôm qua\n"),
     f"{PATH}:6: published: cần ngày giờ như 2023-12-01T14:51:00+07:00, nhưng ghi 'hôm qua'"),
    ("slug leaving its folder", article(GOOD + "slug: ../../etc\n"),
     f"{PATH}:6: slug: cần chữ thường không dấu, chữ số và dấu gạch nối (như 'tong-ket-2023'), nhưng ghi "
     "'../../etc'"),
    ("image path leaving its folder", article(GOOD + "images:\n  - {src: ../../secret.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: cần tên tệp cạnh bài hoặc trong content/images/, nhưng ghi '../../secret.jpg' "
     "(ra ngoài thư mục)"),
    ("missing image file", article(GOOD + "images:\n  - {src: anh.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: không có tệp ảnh 'anh.jpg' cạnh bài hay trong content/images/ "
     "(gợi ý: thêm tệp ảnh, hoặc bỏ src để chỉ giữ chú thích)"),
    ("missing image in the body", article(GOOD, "Mở đầu.\n\n![Toàn cảnh](toan-canh.jpg)\n"),
     f"{PATH}:9: nội dung: không có tệp ảnh 'toan-canh.jpg' cạnh bài hay trong content/images/ "
     "(gợi ý: thêm tệp ảnh, hoặc bỏ src để chỉ giữ chú thích)"),
    ("YAML tag that builds a Python object", article(GOOD + "x: !!python/object/apply:os.system ['true']\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: không được dùng thẻ "
     "'tag:yaml.org,2002:python/object/apply:os.system'; viết giá trị thường"),
    ("non-UTF-8 bytes", article(GOOD).encode("utf-8").replace("Hội".encode(), "H\xf4i".encode("cp1258")),
     f"{PATH}:2: tệp: không phải văn bản UTF-8 (byte 0xf4) (gợi ý: lưu tệp với bảng mã UTF-8)"),
    ("leaders not a mapping", article(GOOD + "results:\n  leaders: [Nghệ An]\n"),
     f"{PATH}:7: results.leaders: cần {{chair: […], deputy: […]}}, nhưng ghi một danh sách"),
    ("award not a mapping", article(GOOD + "results:\n  awards: [Cờ thi đua]\n"),
     f"{PATH}:7: results.awards.0: cần {{award: …, recipient: …}} bằng chữ, nhưng ghi 'Cờ thi đua'"),
    # Added with the hardening battery (docs/hardening.md).
    ("a 20 MB article", b"---\n" + GOOD.encode() + b"---\n" + b"x" * (20 * 1024 * 1024),
     f"{PATH}:1: tệp: 20 MB là quá lớn cho một bài (tối đa 2 MB) (gợi ý: tách bài ra hoặc bỏ dữ liệu dán vào)"),
    ("a 2,5 MB article", b"---\n" + GOOD.encode() + b"---\n" + b"x" * (5 * 512 * 1024),
     f"{PATH}:1: tệp: 2,5 MB là quá lớn cho một bài (tối đa 2 MB) (gợi ý: tách bài ra hoặc bỏ dữ liệu dán vào)"),
    ("title not text", article(GOOD.replace("title: Hội nghị", "title: [Hội, nghị]")),
     f"{PATH}:2: title: cần chữ, nhưng ghi một danh sách"),
    ("date as a bare number", article(GOOD.replace("2023-12-01", "20231201")),
     f"{PATH}:3: date: cần ngày dạng YYYY-MM-DD, nhưng ghi '20231201'"),
    ("tags not a list", article(GOOD + "tags: {a: 1}\n"),
     f"{PATH}:6: tags: cần danh sách từ khóa, nhưng ghi một bảng khóa: giá trị"),
    ("figure in words", article(GOOD + "results:\n  figures:\n    cooperatives: nhiều\n"),
     f"{PATH}:8: results.figures.cooperatives: cần số nguyên HTX (từ 0 trở lên), nhưng ghi 'nhiều' "
     "(gợi ý: viết 2.177 thành 2177 và 226 tỷ đồng thành 226000000000)"),
    ("per-province figure not a number",
     article(GOOD + "results:\n  by_province:\n    Thanh Hóa: {cooperatives: một nghìn}\n"),
     f"{PATH}:8: results.by_province.Thanh Hóa.cooperatives: cần số nguyên HTX (từ 0 trở lên), "
     "nhưng ghi 'một nghìn' (gợi ý: viết 2.177 thành 2177 và 226 tỷ đồng thành 226000000000)"),
    ("results a list", article(GOOD + "results: [1, 2]\n"),
     f"{PATH}:6: results: cần bảng gồm figures, by_province, awards, leaders, nhưng ghi một danh sách"),
    ("period out of range", article(GOOD + "period: 3023\n"),
     f"{PATH}:6: period: cần năm được tổng kết, như 2023, nhưng ghi 3023"),
    ("YAML tag naming a Python function", article(GOOD + "x: !!python/name:os.system\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: không được dùng thẻ 'tag:yaml.org,2002:python/name:os.system'; "
     "viết giá trị thường"),
    ("a field given twice", article(GOOD + "title: Lần hai\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: khóa 'title' xuất hiện hai lần (lần đầu ở dòng 2); giữ một"),
    ("aliases that multiply into billions of values",
     article(GOOD + "a: &a [x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
             + "tags: *i\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: bí danh (*tên) lặp lại một giá trị; hãy viết hẳn giá trị ra"),
    ("lists nested thousands deep", article(GOOD + "tags: " + "[" * 3000 + "]" * 3000 + "\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    # Deeper than PyYAML's C composer can recurse (the build ended with SIGSEGV): refused from the text.
    ("lists nested 50.000 deep", article(GOOD + "tags: " + "[" * 50000 + "]" * 50000 + "\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("mappings nested 50.000 deep", article(GOOD + "results: " + "{a: " * 50000 + "}" * 50000 + "\n"),
     f"{PATH}:6: phần đầu: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("block lists nested 50.000 deep", article(GOOD + "tags:\n" + "- " * 50000 + "x\n"),
     f"{PATH}:7: phần đầu: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("image that links out of the content folder", article(GOOD + "images:\n  - {src: lien-ket.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: tệp ảnh 'lien-ket.jpg' là liên kết tới secret.jpg, ngoài thư mục bài "
     "(gợi ý: chép chính tấm ảnh vào thư mục)"),
    ("remote image in the body", article(GOOD, "Ảnh:\n\n![Hội nghị](https://tracker.example/pixel.gif)\n"),
     f"{PATH}:9: nội dung: cần ảnh lưu trong kho, nhưng ghi địa chỉ 'https://tracker.example/pixel.gif' ở trang "
     "khác, mà trình duyệt của mọi người đọc sẽ tải (gợi ý: lưu ảnh cạnh bài và ghi tên tệp)"),
    ("image from another host", article(GOOD, "![x](//tracker.example/p.gif)\n"),
     f"{PATH}:7: nội dung: cần ảnh lưu trong kho, nhưng ghi địa chỉ '//tracker.example/p.gif' ở trang "
     "khác, mà trình duyệt của mọi người đọc sẽ tải (gợi ý: lưu ảnh cạnh bài và ghi tên tệp)"),
    *[(f"30.000 '{unit}' in a paragraph", article(GOOD, "Mở đầu.\n\n" + unit * 30000 + "\n"),
       f"{PATH}:9: nội dung: cần nhiều nhất 200 dấu '[' trong một đoạn, nhưng có nhiều hơn từ dòng này "
       "(gợi ý: ngắt đoạn bằng dòng trống hoặc viết dấu ngoặc thành \\[)")
      for unit in ("[", "![", "[a](")],
    ("'[' over many lines of one paragraph", article(GOOD, "[a]\n" * 150 + "[b] [c]\n" * 30),
     f"{PATH}:182: nội dung: cần nhiều nhất 200 dấu '[' trong một đoạn, nhưng có nhiều hơn từ dòng này "
     "(gợi ý: ngắt đoạn bằng dòng trống hoặc viết dấu ngoặc thành \\[)"),
    ("3.000 '[' in paragraphs of 30", article(GOOD, "[a] " * 30 + "\n\n" + ("[b] " * 30 + "\n\n") * 99),
     f"{PATH}:7: nội dung: cần nhiều nhất 2.000 dấu '[' trong bài, nhưng có 3.000 "
     "(gợi ý: viết các dấu ngoặc không phải liên kết thành \\[)"),
    ("a line of 1.5 KB of '1. '", article(GOOD, "1. " * 500 + "\n"),
     f"{PATH}:7: nội dung: danh sách và trích dẫn lồng nhau nhiều nhất 50 cấp, nhưng dòng này mở đầu bằng 500 "
     "dấu hoặc thụt lề"),
    ("quotes and lists nested 60 deep", article(GOOD, "> - " * 30 + "x\n"),
     f"{PATH}:7: nội dung: danh sách và trích dẫn lồng nhau nhiều nhất 50 cấp, nhưng dòng này mở đầu bằng 60 "
     "dấu hoặc thụt lề"),
]


@pytest.mark.parametrize("name, text, message", CASES, ids=[case[0] for case in CASES])
def test_bad_article_is_reported_exactly_and_nothing_is_written(scratch, monkeypatch, capsys, name, text, message):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    (scratch.root / "secret.jpg").write_bytes(b"\xff\xd8")  # outside content/, for the symlink case
    (scratch.content / "2023/lien-ket.jpg").symlink_to(scratch.root / "secret.jpg")
    scratch.write(PATH, text)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert message in err.splitlines()
    assert "Traceback" not in err
    assert scratch.snapshot() == before
    assert main(["check"]) == 1


def test_every_problem_in_every_file_is_reported_in_one_run(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-02-a.md", article(GOOD.replace("2023-12-01", "2023-13-01")))
    scratch.write("content/2023/2023-12-03-b.md", article(GOOD.replace("tong-ket", "x") + "provinces: [Hà Nộii]\n"))
    assert main(["check"]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if ".md:" in line]
    assert len(lines) == 3
    assert lines[0].startswith("content/2023/2023-12-02-a.md:3: date:")
    assert lines[1].startswith("content/2023/2023-12-03-b.md:5: kind:")
    assert lines[2].startswith("content/2023/2023-12-03-b.md:6: provinces.0:")


def test_two_files_with_one_url_are_an_error_naming_both(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-05-trung-du-bac-bo.md", article(GOOD))
    assert main([]) == 1
    assert ("content/2023/2023-12-05-trung-du-bac-bo.md:1: slug: trang 2023/trung-du-bac-bo/ cũng do "
            "content/2023/2023-12-01-trung-du-bac-bo.md tạo (gợi ý: đặt tên tệp hoặc slug khác cho một trong hai bài)"
            ) in capsys.readouterr().err.splitlines()


CONFIG_CASES = [
    # (name, change to the config text, the line the message names, the message after "site_config.yaml:LINE: ")
    ("config YAML syntax", lambda text: text.replace("per_page: 20", "per_page: [20"), "per_page:",
     "cấu hình: YAML không hợp lệ: danh sách trong [ ] thiếu dấu ',' hoặc dấu ']' đóng"),
    ("config mapping without its colon", lambda text: text.replace("per_page: 20", "per_page 20\nx: 1"), "per_page",
     "cấu hình: YAML không hợp lệ: thiếu dấu ':' sau tên trường"),
    ("per_page not a number", lambda text: text.replace("per_page: 20", "per_page: hai mươi"), "per_page:",
     "per_page: cần số nguyên từ 1 đến 1.000, nhưng ghi 'hai mươi'"),
    ("URL pattern without its placeholder", lambda text: text.replace('year: "nam/{year}/"', 'year: "nam/"'),
     'year: "nam/"', "urls.year: mẫu phải có {year} để mỗi trang có địa chỉ riêng"),
    ("unknown setting", lambda text: text + "titel: x\n", "titel:",
     "titel: thiết lập không có (gợi ý: có phải 'title'?)"),
    ("unknown setting written another way", lambda text: text + "Provinces2025: [x]\n", "Provinces2025:",
     "Provinces2025: thiết lập không có (gợi ý: có phải 'provinces_2025'?)"),
    ("unknown page kind", lambda text: text.replace('  feed: "feed.xml"', '  feeds: "feed.xml"'), 'feeds: "feed.xml"',
     "urls.feeds: loại trang không có (gợi ý: có phải 'feed'?)"),
    ("successor of a province not listed", lambda text: text.replace("  Hà Giang: {name: Tuyên Quang,",
                                                                     "  Hà Giangg: {name: Tuyên Quang,"),
     "Hà Giangg:", "successors.Hà Giangg: tỉnh 'Hà Giangg' không có trong danh sách provinces hay provinces_2025 "
     "(gợi ý: 'Hà Giang')"),
    ("successor not listed", lambda text: text.replace("{name: Tuyên Quang,", "{name: Tuyen Quang,"),
     "Hà Giang:", "successors.Hà Giang.name: tỉnh kế tục 'Tuyen Quang' không có trong danh sách provinces hay "
     "provinces_2025 (gợi ý: 'Tuyên Quang')"),
    ("indicator without a unit", lambda text: text.replace("{label: Hợp tác xã, unit: HTX}", "{label: Hợp tác xã}"),
     "{label: Hợp tác xã}", "indicators.cooperatives: cần {label: …, unit: …}, nhưng ghi {'label': 'Hợp tác xã'}"),
    *[(f"{name} key {key!r}", lambda text, after=after, line=line: text.replace(after, after + line, 1), line.strip(),
       f"{name}.{key}: cần khóa gồm chữ thường không dấu, chữ số, '-' và '_' (nó thành một phần của địa chỉ và "
       f"tên tệp), nhưng ghi {key!r} (gợi ý: có phải '{slug}'?)")
      for name, after, line, key, slug in [
          ("clusters", "{name: Cụm thi đua Trung du Bắc Bộ}\n", "  Trung Du: {name: X}\n", "Trung Du", "trung-du"),
          ("clusters", "{name: Cụm thi đua Trung du Bắc Bộ}\n", "  ../../../x: {name: X}\n", "../../../x", "x"),
          ("kinds", "tong-ket: Tổng kết năm\n", "  Tong_Ket: X\n", "Tong_Ket", "tong-ket"),
          ("indicators", "unit: HTX}\n", "  hợp tác xã: {label: X, unit: HTX}\n", "hợp tác xã", "hop-tac-xa")]],
    ("base_url with a query", lambda text: text.replace("base_url: https://example.org/", "base_url: https://x.org/?a=1"),
     "base_url:", "base_url: cần địa chỉ không có '?' hay '#' (các trang được nối vào sau nó), nhưng ghi "
     "'https://x.org/?a=1'"),
    ("base_url with a fragment", lambda text: text.replace("base_url: https://example.org/", "base_url: /a/#b"),
     "base_url:", "base_url: cần địa chỉ không có '?' hay '#' (các trang được nối vào sau nó), nhưng ghi '/a/#b'"),
    ("config nested 50.000 deep", lambda text: text + "x: " + "[" * 50000 + "]" * 50000 + "\n", "x: [[[",
     "cấu hình: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("config mappings nested 50.000 deep", lambda text: text.replace("per_page: 20", "per_page: " + "{a: " * 50000),
     "per_page: {a:", "cấu hình: YAML không hợp lệ: lồng sâu quá 50 cấp"),
    ("one province written two ways", lambda text: text.replace("  - Thanh Hóa\n", "  - Thanh Hóa\n  - Thanh Hoá\n", 1),
     "- Thanh Hoá", "provinces.55: mỗi tỉnh một lần, nhưng 'Thanh Hoá' là 'Thanh Hóa' viết cách khác (cả hai đều là "
     "tinh/thanh-hoa/) (gợi ý: giữ một cách viết)"),
]


@pytest.mark.parametrize("name, change, marker, message", CONFIG_CASES, ids=[case[0] for case in CONFIG_CASES])
def test_broken_config_is_reported_exactly(scratch, monkeypatch, capsys, name, change, marker, message):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    config = scratch.root / "site_config.yaml"
    broken = change(config.read_text(encoding="utf-8"))
    config.write_text(broken, encoding="utf-8")
    line = next(number for number, text in enumerate(broken.splitlines(), start=1) if marker in text)
    assert main([]) == 1
    assert f"site_config.yaml:{line}: {message}" in capsys.readouterr().err.splitlines()
    assert scratch.snapshot() == before


BROKEN_CONFIG = """\
title: ""
description: [x]
base_url: ftp://example.org
per_page: true
titel: x
urls:
  year: "nam/"
  yaer: "x/{year}/"
  article: 5
  cluster: "cum/{cluster}/{slug}/"
  province: "/tinh/{province}/"
  cluster_page: "../{cluster}/{page}/"
  feed: "feed/"
  search: "tim-kiem"
clusters:
  a: {name: A}
  b: B
  c: {name: " "}
kinds: [tong-ket]
indicators:
  x: {label: X, unit: HTX}
  y: {label: Y}
provinces: [Hà Nội, 5, Hà Nội, ""]
provinces_2025: Hà Nội
language: 5
timezone: [x]
"""


def _config_problems(tmp_path, text: str | bytes | None) -> list[str]:
    path = tmp_path / "site_config.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    elif text is not None:
        path.write_bytes(text)
    with pytest.raises(BuildFailed) as failed:
        load_config(path)
    return [str(problem).replace(str(tmp_path) + "/", "") for problem in failed.value.problems]


def test_every_problem_of_the_config_is_reported_at_once(tmp_path):
    assert _config_problems(tmp_path, BROKEN_CONFIG) == [
        "site_config.yaml:5: titel: thiết lập không có (gợi ý: có phải 'title'?)",
        "site_config.yaml:1: title: cần chữ, nhưng ghi ''",
        "site_config.yaml:2: description: cần chữ, nhưng ghi một danh sách",
        "site_config.yaml:3: base_url: cần địa chỉ như 'https://example.org/', nhưng ghi 'ftp://example.org'",
        "site_config.yaml:4: per_page: cần số nguyên từ 1 đến 1.000, nhưng ghi 'true'",
        "site_config.yaml:7: urls.year: mẫu phải có {year} để mỗi trang có địa chỉ riêng",
        "site_config.yaml:8: urls.yaer: loại trang không có (gợi ý: có phải 'year'?)",
        "site_config.yaml:9: urls.article: cần mẫu địa chỉ bằng chữ, nhưng ghi 5",
        "site_config.yaml:10: urls.cluster: chỗ điền {slug} không có; mẫu này được dùng {cluster}",
        "site_config.yaml:11: urls.province: cần đường dẫn tính từ gốc trang, không có '..', "
        "nhưng ghi '/tinh/{province}/'",
        "site_config.yaml:12: urls.cluster_page: cần đường dẫn tính từ gốc trang, không có '..', "
        "nhưng ghi '../{cluster}/{page}/'",
        "site_config.yaml:14: urls.search: cần mẫu kết thúc bằng '/', nhưng ghi 'tim-kiem'",
        "site_config.yaml:17: clusters.b: cần {name: …} với tên cụm, nhưng ghi 'B'",
        "site_config.yaml:18: clusters.c: cần {name: …} với tên cụm, nhưng ghi {'name': ' '}",
        "site_config.yaml:19: kinds: cần một bảng, nhưng ghi một danh sách",
        "site_config.yaml:22: indicators.y: cần {label: …, unit: …}, nhưng ghi {'label': 'Y'}",
        "site_config.yaml:23: provinces.1: cần tên tỉnh, nhưng ghi 5",
        "site_config.yaml:23: provinces.3: cần tên tỉnh, nhưng ghi ''",
        "site_config.yaml:24: provinces_2025: cần danh sách tên tỉnh, nhưng ghi 'Hà Nội'",
        "site_config.yaml:25: language: cần chữ, nhưng ghi 5",
        "site_config.yaml:26: timezone: cần chữ, nhưng ghi một danh sách",
    ]


@pytest.mark.parametrize("text, problems", [
    (None, ["site_config.yaml: cấu hình: không tìm thấy tệp (gợi ý: chỉ ra --config TỆP hoặc tạo site_config.yaml)"]),
    (b"title: \xff\n", ["site_config.yaml: cấu hình: không phải văn bản UTF-8 (byte 0xff) "
                        "(gợi ý: lưu tệp với bảng mã UTF-8)"]),
    ("title: [x\n", ["site_config.yaml:1: cấu hình: YAML không hợp lệ: danh sách trong [ ] thiếu dấu ',' hoặc dấu ']' "
                     "đóng"]),
    ("- title\n", ["site_config.yaml:1: cấu hình: cần bảng các thiết lập, nhưng ghi một danh sách"]),
    ("title: T\nurls: nam/\n", [
        *(f"site_config.yaml:1: {key}: thiếu thiết lập bắt buộc"
          for key in ("base_url", "clusters", "kinds", "indicators", "provinces")),
        "site_config.yaml:2: urls: cần bảng loại trang: mẫu địa chỉ, nhưng ghi 'nam/'"]),
])
def test_an_unreadable_or_incomplete_config_is_reported_exactly(tmp_path, text, problems):
    assert _config_problems(tmp_path, text) == problems


def test_a_config_gets_its_defaults_and_each_province_once(tmp_path):
    path = tmp_path / "site_config.yaml"
    path.write_text("title: T\nbase_url: https://example.org/x\nclusters: {a: {name: A}}\nkinds: {k: K}\n"
                    "indicators: {n: {label: N, unit: HTX}}\nprovinces: [Hà Nội, Huế]\n"
                    "provinces_2025: [Huế, Đà Nẵng]\nlanguage: en\nurls: {year: 'years/{year}/', feed: atom.xml}\n",
                    encoding="utf-8")
    config = load_config(path)
    assert (config.title, config.description, config.base_url, config.language, config.timezone, config.per_page) == (
        "T", "", "https://example.org/x/", "en", "Asia/Ho_Chi_Minh", 20)
    assert dict(config.urls) == {**DEFAULT_URLS, "year": "years/{year}/", "feed": "atom.xml"}
    assert (dict(config.clusters), dict(config.kinds)) == ({"a": "A"}, {"k": "K"})
    assert dict(config.indicators) == {"n": Indicator("n", "N", "HTX")}
    assert config.provinces == ("Hà Nội", "Huế", "Đà Nẵng")


@pytest.mark.parametrize("name, template, message", [
    ("template syntax error", ("year.html", "{% block content %}{% if %}{% endblock %}"),
     "templates/year.html:1: mẫu trang: lỗi cú pháp: Expected an expression, got 'end of statement block'"),
    ("undefined variable", ("year.html", '{% extends "base.html" %}{% block content %}{{ listing.nam }}{% endblock %}'),
     "templates/year.html:1: mẫu trang: 'archive.site.model.Listing object' has no attribute 'nam' "
     "(khi vẽ nam/2023/index.html)"),
])
def test_broken_template_is_reported_with_its_line(scratch, monkeypatch, capsys, name, template, message):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    scratch.write("templates/" + template[0], template[1])
    assert main([]) == 1
    assert message in capsys.readouterr().err.splitlines()
    assert scratch.snapshot() == before


def test_a_broken_build_prints_no_traceback_and_exits_1(scratch):
    scratch.write(PATH, article(GOOD.replace("2023-12-01", "2023-02-30")))
    result = scratch.run()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{PATH}:3: date: cần một ngày có thật dạng YYYY-MM-DD, nhưng ghi '2023-02-30' (không có ngày này)" \
        in result.stderr


NFD_PROVINCE = unicodedata.normalize("NFD", "Bắc Ninh")
ACCEPTED = [
    # (name, files to write beside the good article, a page the build must make)
    ("province typed in NFD", {"content/2023/2023-12-02-nfd.md": article(GOOD + f"provinces: [{NFD_PROVINCE}]\n")},
     "tinh/bac-ninh/index.html"),
    ("front matter closed with '...'", {"content/2023/2023-12-02-cham.md": f"---\n{GOOD}...\nNội dung.\n"},
     "2023/cham/index.html"),
    ("an article saved as .MD", {"content/2023/2023-12-02-hoa.MD": article(GOOD)}, "2023/hoa/index.html"),
    ("an article saved as .Md", {"content/2023/2023-12-02-hoa2.Md": article(GOOD)}, "2023/hoa2/index.html"),
    ("editor lock, backup, swap and macOS files", {
        "content/2023/.#2023-12-01-trung-du-bac-bo.md": "root@host.1234:1700000000",
        "content/2023/._2023-12-01-trung-du-bac-bo.md": b"\x00\x05\x16\x07\xff",
        "content/2023/2023-12-01-trung-du-bac-bo.md~": "---\nhỏng\n",
        "content/2023/.2023-12-01-trung-du-bac-bo.md.swp": b"b0VIM 9.0\x00\xff"}, "2023/trung-du-bac-bo/index.html"),
]


@pytest.mark.parametrize("name, files, page", ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_what_an_editor_may_write_is_accepted(scratch, monkeypatch, capsys, name, files, page):
    monkeypatch.chdir(scratch.root)
    for relative, text in files.items():
        scratch.write(relative, text)
    assert main([]) == 0, capsys.readouterr().err
    assert (scratch.output / page).is_file()


def test_a_leading_zero_is_a_decimal_figure(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-01-trung-du-bac-bo.md", article(
        GOOD + "results:\n  figures:\n    cooperatives: 0123\n"))
    assert main([]) == 0, capsys.readouterr().err
    rows = (scratch.output / "du-lieu/ket-qua.csv").read_text(encoding="utf-8-sig").splitlines()
    assert any(",cooperatives," in row and ",123," in row for row in rows), rows


def test_a_dangling_link_is_one_error(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    (scratch.content / "2023/2023-12-02-mat.md").symlink_to(scratch.root / "khong-co.md")
    assert main([]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/2023/2023-12-02-mat.md: tệp: không đọc được tệp, hệ thống báo lỗi: No such file or directory "
        "(gợi ý: kiểm tra tệp (quyền đọc, ổ đĩa) hoặc xóa nó)",
        "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]


def test_a_link_loop_is_one_error(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    (scratch.content / "2023/vong").symlink_to(scratch.content, target_is_directory=True)
    assert main([]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"content/2023/vong: tệp: cần một thư mục bài, nhưng gặp liên kết tới {scratch.content.resolve()}, là thư "
        "mục chứa nó (một vòng lặp) (gợi ý: xóa liên kết này)",
        "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]


WARNINGS = [
    ("a date far in the future", GOOD.replace("2023-12-01", "2099-12-01"),
     f"{PATH}:3: cảnh báo: date: 2099-12-01 là hơn một năm sau hôm nay ({{today}}) (gợi ý: kiểm tra lại năm)"),
    ("a period far from the date", GOOD + "period: 1950\n",
     f"{PATH}:6: cảnh báo: period: năm được tổng kết, 1950, cách ngày họp 2023-12-01 73 năm (gợi ý: kiểm tra lại năm)"),
]


@pytest.mark.parametrize("name, front, message", WARNINGS, ids=[case[0] for case in WARNINGS])
def test_unlikely_dates_are_warnings_that_do_not_stop_the_build(scratch, monkeypatch, capsys, name, front, message):
    import datetime as dt

    monkeypatch.chdir(scratch.root)
    scratch.write(PATH, article(front))
    assert main([]) == 0
    assert message.format(today=dt.date.today().isoformat()) in capsys.readouterr().err.splitlines()
    assert main(["check"]) == 0


@pytest.mark.parametrize("path, front", [
    ("content/2024/2024-01-10-bad.md", GOOD.replace("2023-12-01", "2024-01-10") + "period: 2023\n"), (PATH, GOOD)])
def test_a_review_of_the_year_before_is_no_warning(scratch, monkeypatch, capsys, path, front):
    monkeypatch.chdir(scratch.root)
    scratch.write(path, article(front))
    assert main([]) == 0
    assert "cảnh báo" not in capsys.readouterr().err


# --- What editors get wrong: the same conference twice, a file in the wrong place ---------------

FIXTURE = "content/2023/2023-12-01-trung-du-bac-bo.md"  # trung-du-bac-bo, tong-ket, 2023-12-01 (conftest.ARTICLE)
SAME_DAY = "title: Tổng kết cụm Trung du\ndate: 2023-12-01\ncluster: trung-du-bac-bo\nkind: tong-ket\n"
SOURCE = "source: {name: Báo Hải Dương, url: 'https://baohaiduong.vn/tong-ket-cum.html'}\n"


def test_the_same_conference_saved_twice_is_an_error_naming_both_files(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    scratch.write("content/2023/2023-12-01-tong-ket-cum-trung-du.md", article(SAME_DAY))
    assert main([]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{FIXTURE}: date: cùng cụm, cùng loại và cùng ngày với content/2023/2023-12-01-tong-ket-cum-trung-du.md: "
        "một hội nghị được lưu hai lần (gợi ý: giữ một bài, xóa bài kia (hoặc sửa trường sai nếu đây là hai hội nghị "
        "khác nhau))",
        "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]
    assert scratch.snapshot() == before


def test_another_kind_or_day_of_the_same_cluster_is_no_duplicate(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-01-so-ket.md", article(SAME_DAY.replace("tong-ket", "so-ket")))
    scratch.write("content/2023/2023-12-02-tong-ket.md", article(SAME_DAY.replace("2023-12-01", "2023-12-02")))
    assert main([]) == 0, capsys.readouterr().err


def test_two_provinces_own_conferences_on_one_day_are_no_duplicate(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    own = "title: Tổng kết Liên minh HTX {p}\ndate: 2023-12-20\ncluster: cap-tinh\nkind: tong-ket\nprovinces: [{p}]\n"
    scratch.write("content/2023/2023-12-20-lao-cai.md", article(own.format(p="Lào Cai")))
    scratch.write("content/2023/2023-12-20-yen-bai.md", article(own.format(p="Yên Bái")))
    assert main(["check"]) == 0, capsys.readouterr().err
    scratch.write("content/2023/2023-12-20-lao-cai-2.md", article(own.format(p="Lào Cai")))
    assert main(["check"]) == 1
    assert capsys.readouterr().err.splitlines()[0].startswith(
        "content/2023/2023-12-20-lao-cai.md: date: cùng cụm, cùng loại và cùng ngày với "
        "content/2023/2023-12-20-lao-cai-2.md: một hội nghị được lưu hai lần")


def test_one_source_address_in_two_files_is_an_error_naming_both(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/2023-12-01-a.md", article(GOOD + SOURCE))
    # The same page written another way: http, www., a final '/', a fragment.
    scratch.write("content/2024/2024-07-05-b.md", article(
        GOOD.replace("2023-12-01", "2024-07-05").replace("tong-ket", "so-ket")
        + "source: {name: Báo, url: 'http://www.baohaiduong.vn/tong-ket-cum.html/#binh-luan'}\n"))
    assert main(["check"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/2024/2024-07-05-b.md: source.url: cùng địa chỉ nguồn "
        "http://www.baohaiduong.vn/tong-ket-cum.html/#binh-luan với content/2023/2023-12-01-a.md: một bài được lưu "
        "hai lần (gợi ý: giữ một bài, xóa bài kia (hoặc sửa trường sai nếu đây là hai hội nghị khác nhau))")


def test_two_articles_naming_only_the_same_newspaper_are_no_duplicates(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    home = "source: {name: Báo Hải Dương, url: 'https://baohaiduong.vn/'}\n"
    scratch.write("content/2023/2023-12-01-a.md", article(GOOD + home))
    scratch.write("content/2024/2024-07-05-b.md", article(GOOD.replace("2023-12-01", "2024-07-05") + home))
    assert main(["check"]) == 0, capsys.readouterr().err


def test_a_draft_of_a_conference_already_published_is_a_warning_and_is_never_published(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    draft = scratch.write("content/2023/2023-12-01-nhap.md", article(SAME_DAY + "draft: true\n"))
    assert main(["--drafts"]) == 0
    assert (f"content/2023/2023-12-01-nhap.md: cảnh báo: date: cùng cụm, cùng loại và cùng ngày với {FIXTURE}: "
            "một hội nghị được lưu hai lần (gợi ý: đây là bản nháp: xóa nó nếu bài kia đã đủ, hoặc chép phần còn thiếu "
            "sang bài kia)") in capsys.readouterr().err.splitlines()
    assert main([]) == 0
    assert "cảnh báo" not in capsys.readouterr().err
    assert not (scratch.output / "2023/nhap").exists()
    draft.write_text(article(SAME_DAY + "draft: false\n"), encoding="utf-8")  # published: the same conference twice
    assert main([]) == 1


PLACES = [
    ("a file in another year's folder", "content/2022/2023-12-01-bad.md", GOOD,
     "content/2022/2023-12-01-bad.md:3: cảnh báo: date: tệp nằm trong thư mục 2022 nhưng date là năm 2023 "
     "(gợi ý: chuyển tệp vào content/2023/)", "2023/bad/index.html"),
    ("a file name dated another day", "content/2023/2023-12-11-bad.md", GOOD,
     "content/2023/2023-12-11-bad.md:3: cảnh báo: date: tên tệp ghi ngày 2023-12-11 nhưng date là 2023-12-01 "
     "(gợi ý: đổi tên tệp thành 2023-12-01-bad.md, hoặc sửa date nếu tên tệp đúng)", "2023/bad/index.html"),
]


@pytest.mark.parametrize("name, path, front, message, page", PLACES, ids=[case[0] for case in PLACES])
def test_a_file_in_the_wrong_place_is_a_warning_with_the_fix(scratch, monkeypatch, capsys, name, path, front, message,
                                                             page):
    monkeypatch.chdir(scratch.root)
    scratch.write(path, article(front))
    assert main([]) == 0
    assert message in capsys.readouterr().err.splitlines()
    assert (scratch.output / page).is_file()  # the address comes from date:, wherever the file is


@pytest.mark.slow  # a config of 200,000 provinces, loaded in a process of its own
def test_the_config_checks_are_linear_in_its_size(tmp_path):
    """200.000 provinces and a chain of 20.000 successors: each check looked names up in lists (40.000
    provinces took 85 s, worse than linear). It must end, in a subprocess given a minute (how fast is not
    what is checked)."""
    text = (ROOT / "site_config.yaml").read_text(encoding="utf-8")
    names = [f"Tỉnh thử {n}" for n in range(200_000)]
    chain = "".join(f"  Tỉnh thử {n}: {{name: Tỉnh thử {n + 1}, since: 2025-07-01}}\n" for n in range(20_000))
    text = text.replace("provinces:\n", "provinces:\n" + "".join(f"  - {name}\n" for name in names), 1)
    (tmp_path / "site_config.yaml").write_text(text.replace("successors:\n", "successors:\n" + chain, 1),
                                               encoding="utf-8")
    script = ("import sys; from pathlib import Path; from archive.site.config import load_config; "
              "config = load_config(Path(sys.argv[1])); print(len(config.provinces), len(config.successors))")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "site_config.yaml")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200064", "20030"]  # (the sample's 64 provinces and 30 successors, and these)


def test_a_photo_named_in_another_case_or_with_a_slip_gets_the_name_of_the_one_there(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2023/toan-canh-hoi-nghi.jpg", b"\xff\xd8")
    scratch.write("content/images/trao-co-thi-dua.png", b"\x89PNG")
    scratch.write(PATH, article(GOOD + "images:\n  - {src: Toan-Canh-Hoi-Nghi.JPG, caption: x}\n",
                                "Mở đầu.\n\n![Trao cờ](trao-co-thi-dau.png)\n"))
    assert main(["check"]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        f"{PATH}:7: images.0.src: không có tệp ảnh 'Toan-Canh-Hoi-Nghi.JPG' cạnh bài hay trong content/images/ "
        "(gợi ý: có phải 'toan-canh-hoi-nghi.jpg'?)",
        f"{PATH}:11: nội dung: không có tệp ảnh 'trao-co-thi-dau.png' cạnh bài hay trong content/images/ "
        "(gợi ý: có phải 'trao-co-thi-dua.png'?)"]


def test_a_tag_written_otherwise_or_with_a_slip_is_a_warning_naming_the_tag_others_use(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    day = GOOD.replace("tong-ket", "so-ket")
    for number in (2, 3):
        scratch.write(f"content/2023/2023-12-0{number}-hop-{number}.md", article(
            day.replace("2023-12-01", f"2023-12-0{number}") + "tags: [hợp tác xã, giao ước thi đua]\n"))
    scratch.write("content/2023/2023-12-04-khac.md", article(
        day.replace("2023-12-01", "2023-12-04") + "tags: [Hợp tác xa, giao ước thi đau, nông nghiệp, công nghiệp, "
        "tổng kết 2024, tổng kết 2023, HỢP TÁC XÃ]\n"))
    scratch.write("content/2023/2023-12-05-khac-nua.md", article(
        day.replace("2023-12-01", "2023-12-05") + "tags: [nông nghiệp, tổng kết 2024]\n"))
    assert main(["check"]) == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "tags" in line] == [
        "content/2023/2023-12-04-khac.md: cảnh báo: tags: thẻ 'Hợp tác xa' là thẻ 'hợp tác xã' viết cách khác "
        "(2 bài viết 'hợp tác xã'; cả hai là trang the/hop-tac-xa/) (gợi ý: có phải 'hợp tác xã'?)",
        "content/2023/2023-12-04-khac.md: cảnh báo: tags: thẻ 'giao ước thi đau' chỉ có ở bài này, còn thẻ "
        "'giao ước thi đua', gần giống nó, có ở 2 bài (gợi ý: có phải 'giao ước thi đua'?)"]
    # (another word: công nghiệp is no slip for nông nghiệp, nor 2023 for 2024; HỢP TÁC XÃ is hợp tác xã in capitals)


@pytest.mark.parametrize("args, message", [
    (["biuld"], "python build.py: lỗi: lệnh không có: biuld (chọn một trong build, check, serve, import, publish) "
                "(gợi ý: có phải 'build'?)"),
    (["imoprt"], "python build.py: lỗi: lệnh không có: imoprt (chọn một trong build, check, serve, import, publish) "
                 "(gợi ý: có phải 'import'?)"),
    (["--no-cahce"], "python build.py: lỗi: tham số không hiểu được: --no-cahce (gợi ý: có phải '--no-cache'?)"),
    (["kiemtra"], "python build.py: lỗi: lệnh không có: kiemtra (chọn một trong build, check, serve, import, publish)"),
])
def test_a_mistyped_command_or_option_gets_the_one_meant(capsys, args, message):
    with pytest.raises(SystemExit) as exit:
        main(args)
    assert exit.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == message

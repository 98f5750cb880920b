"""Bad input: every problem reported at once, as path:line: field: message, nothing written."""
from __future__ import annotations

import unicodedata

import pytest

from archive.cli import main
from archive.config import DEFAULT_URLS, Indicator, load_config
from archive.problems import BuildFailed

PATH = "content/2023/2023-12-01-bad.md"


def article(front: str, body: str = "Nội dung.\n") -> str:
    return f"---\n{front}---\n{body}"


GOOD = "title: Hội nghị\ndate: 2023-12-01\ncluster: trung-du-bac-bo\nkind: tong-ket\n"

CASES = [
    ("unclosed front matter", "---\ntitle: x\n",
     f"{PATH}:1: front matter: the front matter is not closed; add a '---' line after it"),
    ("no front matter", "Chỉ có nội dung.\n",
     f"{PATH}:1: front matter: expected the file to start with a '---' line, got 'Chỉ có nội dung.'"),
    ("empty file", "",
     f"{PATH}:1: file: the file is empty; expected front matter between '---' lines, then the text"),
    ("YAML syntax", article(GOOD + "provinces: [Hải Dương\n"),
     f"{PATH}:6: front matter: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"),
    ("tab indentation", article(GOOD + "results:\n\tfigures: {}\n"),
     f"{PATH}:7: front matter: invalid YAML: a tab character; indent with spaces, not tabs"),
    ("list instead of mapping", article("- title\n- date\n"),
     f"{PATH}:2: front matter: expected a mapping of fields (title: …, date: …), got a list"),
    ("missing title", article("date: 2023-12-01\ncluster: trung-du-bac-bo\nkind: tong-ket\n"),
     f"{PATH}:2: title: required field is missing"),
    ("date in the wrong format", article(GOOD.replace("2023-12-01", "31/12/2023")),
     f"{PATH}:3: date: expected YYYY-MM-DD, got '31/12/2023'"),
    ("impossible date", article(GOOD.replace("2023-12-01", "2023-02-30")),
     f"{PATH}:3: date: expected a real day in YYYY-MM-DD, got '2023-02-30' (no such day)"),
    ("date out of range", article(GOOD.replace("2023-12-01", "1823-12-01")),
     f"{PATH}:3: date: expected a year from 1945 to 2100, got '1823-12-01'"),
    ("unknown cluster", article(GOOD.replace("trung-du-bac-bo", "trung-du-bac-b")),
     f"{PATH}:4: cluster: expected one of trung-du-bac-bo, dong-bang-song-hong, duyen-hai-mien-trung, "
     "bac-trung-bo, hai-phong, cap-tinh, got 'trung-du-bac-b'; did you mean 'trung-du-bac-bo'?"),
    ("unknown kind", article(GOOD.replace("tong-ket", "tongket")),
     f"{PATH}:5: kind: expected one of tong-ket, so-ket, ky-niem, khac, got 'tongket'; did you mean 'tong-ket'?"),
    ("unknown province", article(GOOD + "provinces: [Hải Dương, Quảng Nin]\n"),
     f"{PATH}:6: provinces.1: expected a province name from site_config.yaml, got 'Quảng Nin'; "
     "did you mean 'Quảng Ninh'?"),
    ("provinces not a list", article(GOOD + "provinces: {a: 1}\n"),
     f"{PATH}:6: provinces: expected a list of province names, got a mapping"),
    ("unknown field", article(GOOD + "titel: x\n"),
     f"{PATH}:6: titel: unknown field; did you mean 'title'?"),
    ("unknown indicator", article(GOOD + "results:\n  figures:\n    cooperative: 12\n"),
     f"{PATH}:8: results.figures.cooperative: unknown indicator; expected one of cooperatives, members, "
     "cooperative_groups, credit_funds, unions, new_cooperatives, new_cooperative_groups, member_cooperatives, "
     "new_members, loan_projects, loans_vnd; did you mean 'cooperatives'?"),
    ("figure written with a thousands dot", article(GOOD + "results:\n  figures:\n    cooperatives: '4.425'\n"),
     f"{PATH}:8: results.figures.cooperatives: expected a whole number of HTX (0 or more), got '4.425'; "
     "write 2.177 as 2177 and 226 tỷ đồng as 226000000000"),
    ("negative figure", article(GOOD + "results:\n  figures:\n    members: -3\n"),
     f"{PATH}:8: results.figures.members: expected a whole number of thành viên (0 or more), got -3"),
    ("per-province figures for an unknown province",
     article(GOOD + "results:\n  by_province:\n    Thanh Hoá: {cooperatives: 1}\n"),
     f"{PATH}:8: results.by_province.Thanh Hoá: expected a province name from site_config.yaml, got 'Thanh Hoá'; "
     "did you mean 'Thanh Hóa'?"),
    ("period not a year", article(GOOD + "period: năm 2023\n"),
     f"{PATH}:6: period: expected the year reviewed, like 2023, got 'năm 2023'"),
    ("draft not a boolean", article(GOOD + "draft: có\n"),
     f"{PATH}:6: draft: expected true or false, got 'có'"),
    ("source url not a web address", article(GOOD + "source: {name: Báo, url: 'javascript:alert(1)'}\n"),
     f"{PATH}:6: source.url: expected an address starting with https:// or http://, got 'javascript:alert(1)'"),
    ("published not a time", article(GOOD + "published: hôm qua\n"),
     f"{PATH}:6: published: expected a date and time like 2023-12-01T14:51:00+07:00, got 'hôm qua'"),
    ("slug leaving its folder", article(GOOD + "slug: ../../etc\n"),
     f"{PATH}:6: slug: expected lower-case letters, digits and hyphens (like 'tong-ket-2023'), got '../../etc'"),
    ("image path leaving its folder", article(GOOD + "images:\n  - {src: ../../secret.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: expected a file name beside the article or under content/images/, "
     "got '../../secret.jpg' (it leaves its folder)"),
    ("missing image file", article(GOOD + "images:\n  - {src: anh.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: the image file 'anh.jpg' does not exist beside the article or in content/images/; "
     "add it, or leave src out to keep only the caption"),
    ("missing image in the body", article(GOOD, "Mở đầu.\n\n![Toàn cảnh](toan-canh.jpg)\n"),
     f"{PATH}:9: body: the image file 'toan-canh.jpg' does not exist beside the article or in content/images/; "
     "add it, or leave src out to keep only the caption"),
    ("YAML tag that builds a Python object", article(GOOD + "x: !!python/object/apply:os.system ['true']\n"),
     f"{PATH}:6: front matter: invalid YAML: the tag 'tag:yaml.org,2002:python/object/apply:os.system' "
     "is not allowed; write plain values"),
    ("non-UTF-8 bytes", article(GOOD).encode("utf-8").replace("Hội".encode(), "H\xf4i".encode("cp1258")),
     f"{PATH}:2: file: not UTF-8 text (byte 0xf4); save the file as UTF-8"),
    ("leaders not a mapping", article(GOOD + "results:\n  leaders: [Nghệ An]\n"),
     f"{PATH}:7: results.leaders: expected {{chair: […], deputy: […]}}, got a list"),
    ("award not a mapping", article(GOOD + "results:\n  awards: [Cờ thi đua]\n"),
     f"{PATH}:7: results.awards.0: expected {{award: …, recipient: …}} as text, got 'Cờ thi đua'"),
    # Added with the hardening battery (README "Hardening tests").
    ("a 20 MB article", b"---\n" + GOOD.encode() + b"---\n" + b"x" * (20 * 1024 * 1024),
     f"{PATH}:1: file: 20.0 MB is too large for an article (at most 2 MB); split it or remove pasted data"),
    ("title not text", article(GOOD.replace("title: Hội nghị", "title: [Hội, nghị]")),
     f"{PATH}:2: title: expected text, got a list"),
    ("date as a bare number", article(GOOD.replace("2023-12-01", "20231201")),
     f"{PATH}:3: date: expected YYYY-MM-DD, got '20231201'"),
    ("tags not a list", article(GOOD + "tags: {a: 1}\n"),
     f"{PATH}:6: tags: expected a list of words, got a mapping"),
    ("figure in words", article(GOOD + "results:\n  figures:\n    cooperatives: nhiều\n"),
     f"{PATH}:8: results.figures.cooperatives: expected a whole number of HTX (0 or more), got 'nhiều'; "
     "write 2.177 as 2177 and 226 tỷ đồng as 226000000000"),
    ("per-province figure not a number",
     article(GOOD + "results:\n  by_province:\n    Thanh Hóa: {cooperatives: một nghìn}\n"),
     f"{PATH}:8: results.by_province.Thanh Hóa.cooperatives: expected a whole number of HTX (0 or more), "
     "got 'một nghìn'; write 2.177 as 2177 and 226 tỷ đồng as 226000000000"),
    ("results a list", article(GOOD + "results: [1, 2]\n"),
     f"{PATH}:6: results: expected a mapping with figures, by_province, awards, leaders, got a list"),
    ("period out of range", article(GOOD + "period: 3023\n"),
     f"{PATH}:6: period: expected the year reviewed, like 2023, got 3023"),
    ("YAML tag naming a Python function", article(GOOD + "x: !!python/name:os.system\n"),
     f"{PATH}:6: front matter: invalid YAML: the tag 'tag:yaml.org,2002:python/name:os.system' "
     "is not allowed; write plain values"),
    ("a field given twice", article(GOOD + "title: Lần hai\n"),
     f"{PATH}:6: front matter: invalid YAML: the key 'title' appears twice (first on line 2); keep one"),
    ("aliases that multiply into billions of values",
     article(GOOD + "a: &a [x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
             + "tags: *i\n"),
     f"{PATH}:6: front matter: invalid YAML: an alias (*name) repeats a value; write the value out instead"),
    ("lists nested thousands deep", article(GOOD + "tags: " + "[" * 3000 + "]" * 3000 + "\n"),
     f"{PATH}:6: front matter: invalid YAML: nested more than 50 levels deep"),
    ("image that links out of the content folder", article(GOOD + "images:\n  - {src: lien-ket.jpg, caption: x}\n"),
     f"{PATH}:7: images.0.src: the image file 'lien-ket.jpg' is a link to a file outside the content folder; "
     "copy the photo itself into the folder"),
    ("remote image in the body", article(GOOD, "Ảnh:\n\n![Hội nghị](https://tracker.example/pixel.gif)\n"),
     f"{PATH}:9: body: expected a photo file kept in the repository, got the address "
     "'https://tracker.example/pixel.gif' on another site, which every reader's browser would load; "
     "save the photo beside the article and write its file name"),
    ("image from another host", article(GOOD, "![x](//tracker.example/p.gif)\n"),
     f"{PATH}:7: body: expected a photo file kept in the repository, got the address "
     "'//tracker.example/p.gif' on another site, which every reader's browser would load; "
     "save the photo beside the article and write its file name"),
    *[(f"30.000 '{unit}' in a paragraph", article(GOOD, "Mở đầu.\n\n" + unit * 30000 + "\n"),
       f"{PATH}:9: body: expected at most 200 '[' in one paragraph, got more from this line on; "
       "break the paragraph with blank lines or write the brackets as \\[")
      for unit in ("[", "![", "[a](")],
    ("'[' over many lines of one paragraph", article(GOOD, "[a]\n" * 150 + "[b] [c]\n" * 30),
     f"{PATH}:182: body: expected at most 200 '[' in one paragraph, got more from this line on; "
     "break the paragraph with blank lines or write the brackets as \\["),
    ("3.000 '[' in paragraphs of 30", article(GOOD, "[a] " * 30 + "\n\n" + ("[b] " * 30 + "\n\n") * 99),
     f"{PATH}:7: body: expected at most 2000 '[' in the text, got 3000; write the brackets that are not links "
     "as \\["),
    ("a line of 1.5 KB of '1. '", article(GOOD, "1. " * 500 + "\n"),
     f"{PATH}:7: body: expected lists and quotes nested at most 50 deep, got 500 markers or indents "
     "at the start of this line"),
    ("quotes and lists nested 60 deep", article(GOOD, "> - " * 30 + "x\n"),
     f"{PATH}:7: body: expected lists and quotes nested at most 50 deep, got 60 markers or indents "
     "at the start of this line"),
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
    assert ("content/2023/2023-12-05-trung-du-bac-bo.md:1: slug: the page 2023/trung-du-bac-bo/ is also written by "
            "content/2023/2023-12-01-trung-du-bac-bo.md; give one of them another file name or slug"
            ) in capsys.readouterr().err.splitlines()


CONFIG_CASES = [
    # (name, change to the config text, the line the message names, the message after "site_config.yaml:LINE: ")
    ("config YAML syntax", lambda text: text.replace("per_page: 20", "per_page: [20"), "per_page:",
     "config: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'"),
    ("per_page not a number", lambda text: text.replace("per_page: 20", "per_page: hai mươi"), "per_page:",
     "per_page: expected a whole number from 1 to 1000, got 'hai mươi'"),
    ("URL pattern without its placeholder", lambda text: text.replace('year: "nam/{year}/"', 'year: "nam/"'),
     'year: "nam/"', "urls.year: the pattern must contain {year} so that every page has its own URL"),
    ("unknown setting", lambda text: text + "titel: x\n", "titel:",
     "titel: unknown setting; did you mean 'title'?"),
    ("indicator without a unit", lambda text: text.replace("{label: Hợp tác xã, unit: HTX}", "{label: Hợp tác xã}"),
     "{label: Hợp tác xã}", "indicators.cooperatives: expected {label: …, unit: …}, got {'label': 'Hợp tác xã'}"),
    *[(f"{name} key {key!r}", lambda text, after=after, line=line: text.replace(after, after + line, 1), line.strip(),
       f"{name}.{key}: expected a key of lower-case letters without diacritics, digits, '-' and '_' (it becomes "
       f"part of addresses and files), got {key!r}; did you mean '{slug}'?")
      for name, after, line, key, slug in [
          ("clusters", "{name: Cụm thi đua Trung du Bắc Bộ}\n", "  Trung Du: {name: X}\n", "Trung Du", "trung-du"),
          ("clusters", "{name: Cụm thi đua Trung du Bắc Bộ}\n", "  ../../../x: {name: X}\n", "../../../x", "x"),
          ("kinds", "tong-ket: Tổng kết năm\n", "  Tong_Ket: X\n", "Tong_Ket", "tong-ket"),
          ("indicators", "unit: HTX}\n", "  hợp tác xã: {label: X, unit: HTX}\n", "hợp tác xã", "hop-tac-xa")]],
    ("base_url with a query", lambda text: text.replace("base_url: https://example.org/", "base_url: https://x.org/?a=1"),
     "base_url:", "base_url: expected an address without '?' or '#' (pages are added after it), got 'https://x.org/?a=1'"),
    ("base_url with a fragment", lambda text: text.replace("base_url: https://example.org/", "base_url: /a/#b"),
     "base_url:", "base_url: expected an address without '?' or '#' (pages are added after it), got '/a/#b'"),
    ("one province written two ways", lambda text: text.replace("  - Thanh Hóa\n", "  - Thanh Hóa\n  - Thanh Hoá\n", 1),
     "- Thanh Hoá", "provinces.55: expected each province once, got 'Thanh Hoá', which is 'Thanh Hóa' written another "
     "way (both would be tinh/thanh-hoa/); keep one spelling"),
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
        "site_config.yaml:5: titel: unknown setting; did you mean 'title'?",
        "site_config.yaml:1: title: expected text, got ''",
        "site_config.yaml:2: description: expected text, got a list",
        "site_config.yaml:3: base_url: expected an address like 'https://example.org/', got 'ftp://example.org'",
        "site_config.yaml:4: per_page: expected a whole number from 1 to 1000, got 'true'",
        "site_config.yaml:7: urls.year: the pattern must contain {year} so that every page has its own URL",
        "site_config.yaml:8: urls.yaer: unknown page kind; did you mean 'year'?",
        "site_config.yaml:9: urls.article: expected a URL pattern as text, got 5",
        "site_config.yaml:10: urls.cluster: unknown placeholder {slug}; this pattern may use {cluster}",
        "site_config.yaml:11: urls.province: expected a path relative to the site root without '..', "
        "got '/tinh/{province}/'",
        "site_config.yaml:12: urls.cluster_page: expected a path relative to the site root without '..', "
        "got '../{cluster}/{page}/'",
        "site_config.yaml:14: urls.search: expected a pattern ending in '/', got 'tim-kiem'",
        "site_config.yaml:17: clusters.b: expected {name: …} with the cluster's name, got 'B'",
        "site_config.yaml:18: clusters.c: expected {name: …} with the cluster's name, got {'name': ' '}",
        "site_config.yaml:19: kinds: expected a mapping, got a list",
        "site_config.yaml:22: indicators.y: expected {label: …, unit: …}, got {'label': 'Y'}",
        "site_config.yaml:23: provinces.1: expected a province name, got 5",
        "site_config.yaml:23: provinces.3: expected a province name, got ''",
        "site_config.yaml:24: provinces_2025: expected a list of province names, got 'Hà Nội'",
        "site_config.yaml:25: language: expected text, got 5",
        "site_config.yaml:26: timezone: expected text, got a list",
    ]


@pytest.mark.parametrize("text, problems", [
    (None, ["site_config.yaml: config: file not found; pass --config FILE or create site_config.yaml"]),
    (b"title: \xff\n", ["site_config.yaml: config: not UTF-8 text (byte 7); save the file as UTF-8"]),
    ("title: [x\n", ["site_config.yaml:1: config: invalid YAML: while parsing a flow sequence did not find "
                     "expected ',' or ']'"]),
    ("- title\n", ["site_config.yaml:1: config: expected a mapping of settings, got a list"]),
    ("title: T\nurls: nam/\n", [
        *(f"site_config.yaml:1: {key}: required setting is missing"
          for key in ("base_url", "clusters", "kinds", "indicators", "provinces")),
        "site_config.yaml:2: urls: expected a mapping of page kind to URL pattern, got 'nam/'"]),
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
     "templates/year.html:1: template: syntax error: Expected an expression, got 'end of statement block'"),
    ("undefined variable", ("year.html", '{% extends "base.html" %}{% block content %}{{ listing.nam }}{% endblock %}'),
     "templates/year.html:1: template: 'archive.model.Listing object' has no attribute 'nam' "
     "(while drawing nam/2023/index.html)"),
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
    assert f"{PATH}:3: date: expected a real day in YYYY-MM-DD, got '2023-02-30' (no such day)" in result.stderr


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
        "content/2023/2023-12-02-mat.md: file: expected a readable file, got an error from the system: No such "
        "file or directory; check the file (its permissions, the disk) or remove it",
        "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]


def test_a_link_loop_is_one_error(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    (scratch.content / "2023/vong").symlink_to(scratch.content, target_is_directory=True)
    assert main([]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"content/2023/vong: file: expected a folder of articles, got a link to {scratch.content.resolve()}, which "
        "holds it (a loop); remove the link",
        "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]


WARNINGS = [
    ("a date far in the future", GOOD.replace("2023-12-01", "2099-12-01"),
     f"{PATH}:3: cảnh báo: date: 2099-12-01 is more than a year after today ({{today}}); check the year"),
    ("a period far from the date", GOOD + "period: 1950\n",
     f"{PATH}:6: cảnh báo: period: the year reviewed, 1950, is 73 years from the conference's date 2023-12-01; "
     "check the year"),
]


@pytest.mark.parametrize("name, front, message", WARNINGS, ids=[case[0] for case in WARNINGS])
def test_unlikely_dates_are_warnings_that_do_not_stop_the_build(scratch, monkeypatch, capsys, name, front, message):
    import datetime as dt

    monkeypatch.chdir(scratch.root)
    scratch.write(PATH, article(front))
    assert main([]) == 0
    assert message.format(today=dt.date.today().isoformat()) in capsys.readouterr().err.splitlines()
    assert main(["check"]) == 0


@pytest.mark.parametrize("front", [GOOD.replace("2023-12-01", "2024-01-10") + "period: 2023\n", GOOD])
def test_a_review_of_the_year_before_is_no_warning(scratch, monkeypatch, capsys, front):
    monkeypatch.chdir(scratch.root)
    scratch.write(PATH, article(front))
    assert main([]) == 0
    assert "cảnh báo" not in capsys.readouterr().err

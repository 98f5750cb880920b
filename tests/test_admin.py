"""The web form for articles (/admin/): Decap CMS in Chromium against the real local editing
backend that the live preview starts, on a scratch site; the form's config follows site_config.yaml."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import ScratchSite, new_site, wait_for
from test_serve import STOP_WAIT

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, pytest.mark.slow]  # (slow: Chromium and the form's Node backend)


def _free_pair() -> int:
    """A port P on 127.0.0.1 with P + 1 free too: the preview and its editing backend."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        try:
            socket.create_server(("127.0.0.1", port + 1)).close()
        except OSError:
            continue
        return port
    raise AssertionError("no two free ports side by side")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        error.close()  # (its connection, else left for the collector to close, with a warning)
        return ""
    except OSError:
        return ""


def _post(url: str, body: dict, origin: str = "") -> tuple[int, dict]:
    """POST body as JSON to url, as a page of origin would (no Origin when it is empty)."""
    headers = {"Content-Type": "application/json"} | ({"Origin": origin} if origin else {})
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


class Preview:
    """`build.py serve` on a scratch site, as `make serve` runs it: the preview and the form's backend."""

    def __init__(self, site):
        self.site = site
        self.port = _free_pair()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.origin = self.url.rstrip("/")
        self.api = ""  # the backend's address with this session's key, as the preview tells the form's page
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port)], cwd=site.root,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self.reader.start()
        started = wait_for(lambda: self._told() and self._backend_answers(), 90)
        assert started, "".join(self.lines)

    def _told(self) -> bool:
        """The backend's address, read from the form's page as the preview serves it."""
        told = re.search(r'window\.ARCHIVE_LOCAL_BACKEND = (\{.*?\});', _get(self.url + "admin/"))
        self.api = json.loads(told.group(1))["url"] if told else ""
        return bool(self.api)

    def post(self, action: str, params: dict) -> tuple[int, dict]:
        """A call to the form's backend, as the form's page makes it."""
        return _post(self.api, {"action": action, "params": params}, self.origin)

    def _backend_answers(self) -> bool:
        try:
            return self.post("info", {})[1].get("type") == "local_fs"
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=STOP_WAIT)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> ScratchSite:
    """One scratch site for the tests that drive the preview (starting it takes a while)."""
    return new_site(tmp_path_factory.mktemp("form") / "site")


@pytest.fixture(scope="module")
def preview(site):
    running = Preview(site)
    yield running
    running.stop()
    assert not running._backend_answers(), "the editing backend outlived the preview"


def _pick(page, label: str, *choices: str) -> None:
    """Choose in one of the form's pick-lists by typing, as an editor does."""
    box = page.get_by_label(label, exact=True)
    for choice in choices:
        box.click()
        box.fill(choice)
        page.get_by_role("option", name=choice, exact=True).click()


def _open_form(page, preview: Preview) -> None:
    page.goto(preview.url + "admin/")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Hội nghị tổng kết cụm Trung du Bắc Bộ").wait_for()


def _publish(page) -> None:
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay", exact=True).click()
    page.get_by_text("THAY ĐỔI ĐÃ ĐƯỢC LƯU").wait_for()


HOSTILE = "Bắc Trung Bộ tổng kết 2024 <script>window.hacked = 1</script> <img src=x onerror=alert(1)>"


def test_an_article_made_and_edited_in_the_form_lands_in_content_checks_clean_and_shows_its_figures(
        page, preview, site):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _open_form(page, preview)
    page.goto(preview.url + "admin/#/collections/articles/new")
    page.get_by_label("Tiêu đề", exact=True).fill(HOSTILE)
    page.get_by_label("Ngày họp", exact=True).fill("2024-12-06")
    _pick(page, "Cụm thi đua", "Cụm thi đua Bắc Trung Bộ")
    _pick(page, "Loại hội nghị", "Tổng kết năm")
    _pick(page, "Các tỉnh tham dự (không bắt buộc)", "Thanh Hóa", "Nghệ An")
    page.get_by_label("Địa điểm (không bắt buộc)", exact=True).fill("TP Vinh")
    # The whole cluster's figures come first; each province's, added, after them.
    page.get_by_label("Hợp tác xã (HTX) (không bắt buộc)", exact=True).first.fill("4425")
    page.get_by_label("Vốn vay giải ngân (đồng) (không bắt buộc)", exact=True).first.fill("226000000000")
    page.get_by_role("button", name="Thêm số liệu theo tỉnh").click()
    _pick(page, "Tỉnh", "Thanh Hóa")
    page.get_by_label("Hợp tác xã (HTX) (không bắt buộc)", exact=True).last.fill("1331")
    # A photo whose name has capitals, diacritics, spaces and brackets
    photo = site.root.parent / "Ảnh hội nghị (1).PNG"
    shutil.copy(ROOT / "templates/static/chia-se.png", photo)
    page.get_by_role("button", name="Thêm ảnh").click()
    page.get_by_role("button", name="Chọn một hình").click()
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    page.get_by_label("Chú thích (không bắt buộc)", exact=True).fill("Toàn cảnh hội nghị")
    _publish(page)

    written = sorted((site.content / "2024").glob("2024-12-06-*.md")) if (site.content / "2024").is_dir() else []
    assert len(written) == 1, list(site.content.rglob("*"))
    article = written[0]
    front = yaml.safe_load(article.read_text(encoding="utf-8").split("---")[1])
    assert front["cluster"] == "bac-trung-bo" and front["kind"] == "tong-ket"
    assert front["provinces"] == ["Thanh Hóa", "Nghệ An"]
    assert front["results"]["figures"]["cooperatives"] == 4425
    src = front["images"][0]["src"]  # saved beside the article, under a name safe in an address
    assert re.fullmatch(r"[a-z0-9-]+\.png", src) and (article.parent / src).read_bytes() == photo.read_bytes()
    check = site.run("check")
    assert check.returncode == 0 and "cảnh báo" not in check.stderr, check.stderr

    slug = article.stem.removeprefix("2024-12-06-")
    url = preview.url + f"2024/{slug}/"
    assert wait_for(lambda: "226 tỷ đồng" in _get(url), 30), "".join(preview.lines)
    page.goto(url)
    assert page.locator("h1").inner_text() == HOSTILE  # shown as text, never run
    assert page.evaluate("window.hacked") is None and not dialogs
    results = page.locator("section", has=page.get_by_role("heading", name="Kết quả hội nghị")).inner_text()
    assert "4.425" in results and "226 tỷ đồng" in results and "1.331" in results
    figure = page.locator("figure", has=page.get_by_text("Toàn cảnh hội nghị"))
    assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")

    # Edit it: the same file, the new figure on the page.
    page.goto(preview.url + "admin/#/collections/articles")
    page.get_by_text(HOSTILE).click()
    page.get_by_label("Hợp tác xã (HTX) (không bắt buộc)", exact=True).first.fill("4430")
    _publish(page)
    assert sorted((site.content / "2024").glob("*.md")) == [article]
    assert wait_for(lambda: "4.430" in _get(url), 30), "".join(preview.lines)
    assert site.run("check").returncode == 0


@pytest.mark.parametrize("action, params", [
    ("persistEntry", {"branch": "main", "dataFiles": [{"path": "../outside.md", "raw": "x", "slug": "x"}],
                      "assets": [], "options": {"commitMessage": "x"}}),
    ("persistEntry", {"branch": "main", "dataFiles": [{"path": "site_config.yaml", "raw": "x", "slug": "x"}],
                      "assets": [], "options": {"commitMessage": "x"}}),
    ("persistEntry", {"branch": "main", "dataFiles": [{"path": "content/../templates/base.html", "raw": "x",
                                                       "slug": "x"}], "assets": [], "options": {"commitMessage": "x"}}),
    ("persistEntry", {"branch": "main", "dataFiles": [{"path": "content/2024/x.md", "raw": "x", "slug": "x"}],
                      "assets": [{"path": "/tmp/x.jpg", "content": "eA==", "encoding": "base64"}],
                      "options": {"commitMessage": "x"}}),
    ("persistMedia", {"branch": "main", "asset": {"path": "content\\\\..\\\\..\\\\x.jpg", "content": "eA==",
                                                  "encoding": "base64"}, "options": {"commitMessage": "x"}}),
    ("deleteFile", {"branch": "main", "path": "archive/admin.py", "options": {"commitMessage": "x"}}),
    ("getEntry", {"branch": "main", "path": "site_config.yaml"}),
    ("entriesByFolder", {"branch": "main", "folder": ".", "extension": "yaml", "depth": 1}),
])
def test_the_editing_backend_refuses_every_path_outside_content(preview, site, action, params):
    before = sorted(path for path in site.root.parent.rglob("*") if "output" not in path.parts)
    status, answer = preview.post(action, params)
    assert status == 422
    assert answer["error"].startswith("Từ chối: đường dẫn ") and "nằm ngoài thư mục content/" in answer["error"]
    assert sorted(path for path in site.root.parent.rglob("*") if "output" not in path.parts) == before
    assert (site.root / "templates/base.html").read_text(encoding="utf-8") == (ROOT / "templates/base.html").read_text(
        encoding="utf-8")


def test_the_forms_choices_follow_the_config(page, preview, site):
    config = site.root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  hai-phong: {name: Liên minh HTX thành phố Hải Phòng}\n",
                                   "  tay-nguyen: {name: Cụm thi đua Tây Nguyên}\n"), encoding="utf-8")
    assert wait_for(lambda: "Tây Nguyên" in _get(preview.url + "admin/config.yml"), 30), "".join(preview.lines)
    _open_form(page, preview)
    page.goto(preview.url + "admin/#/collections/articles/new")
    page.get_by_label("Cụm thi đua", exact=True).click()
    shown = page.get_by_role("option").all_inner_texts()
    assert shown == [line.split("{name: ")[1].rstrip("}") for line in config.read_text(encoding="utf-8").split(
        "clusters:\n")[1].split("\n\n")[0].splitlines() if "{name: " in line]
    assert "Cụm thi đua Tây Nguyên" in shown and "Liên minh HTX thành phố Hải Phòng" not in shown


# --- Without a browser: the config.yml the build writes, and the form's spelling of by_province -----

def _form_config(site: ScratchSite) -> dict:
    built = site.run()
    assert built.returncode == 0, built.stderr
    return yaml.safe_load((site.output / "admin/config.yml").read_text(encoding="utf-8"))


def _choices(form: dict) -> dict:
    fields = {field["name"]: field for field in form["collections"][0]["fields"]}
    results = {field["name"]: field for field in fields["results"]["fields"]}
    row = {field["name"]: field for field in results["by_province"]["fields"]}
    return {
        "clusters": {option["value"]: option["label"] for option in fields["cluster"]["options"]},
        "kinds": {option["value"]: option["label"] for option in fields["kind"]["options"]},
        "provinces": fields["provinces"]["options"],
        "row provinces": row["province"]["options"],
        "chairs": {field["name"]: field for field in results["leaders"]["fields"]}["chair"]["options"],
        "indicators": {field["name"]: field["label"] for field in results["figures"]["fields"]},
        "row indicators": {name: field["label"] for name, field in row.items() if name != "province"},
        "figure widgets": {(field["widget"], field["value_type"]) for field in results["figures"]["fields"]},
    }


def test_config_yml_offers_exactly_the_configs_clusters_kinds_provinces_and_indicators(scratch):
    from archive.site.config import load_config

    def expected() -> dict:
        config = load_config(scratch.root / "site_config.yaml")
        indicators = {key: f"{i.label} ({i.unit})" for key, i in config.indicators.items()}
        provinces = list(dict.fromkeys(config.provinces))
        return {"clusters": dict(config.clusters), "kinds": dict(config.kinds), "provinces": provinces,
                "row provinces": provinces, "chairs": provinces, "indicators": indicators,
                "row indicators": indicators, "figure widgets": {("number", "int")}}

    assert _choices(_form_config(scratch)) == expected()
    config = scratch.root / "site_config.yaml"
    text = config.read_text(encoding="utf-8")
    text = (text.replace("  khac: Khác\n", "  hop-bat-thuong: Họp bất thường\n")
                .replace("indicators:\n", "indicators:\n  farms: {label: Trang trại, unit: trang trại}\n", 1)
                .replace("provinces:\n", "provinces:\n  - Tỉnh Thử\n", 1))
    config.write_text(text, encoding="utf-8")
    changed = _choices(_form_config(scratch))
    assert changed == expected()
    assert "hop-bat-thuong" in changed["kinds"] and "khac" not in changed["kinds"]
    assert changed["indicators"]["farms"] == "Trang trại (trang trại)" and "Tỉnh Thử" in changed["provinces"]


FORM_SPELLING = """\
---
title: Cụm thi đua Bắc Trung Bộ tổng kết năm 2024
date: 2024-12-06
cluster: bac-trung-bo
kind: tong-ket
provinces:
  - Thanh Hóa
  - Nghệ An
location: TP Vinh
published: ""
period: ""
slug: ""
source:
  name: ""
  url: ""
draft: false
results:
  figures:
    cooperatives: 4425
    members: ""
    loans_vnd: 226000000000
  by_province:
    - province: Thanh Hóa
      cooperatives: 1331
      members: ""
    - province: Nghệ An
      cooperatives: 1012
  leaders:
    chair: []
    deputy: []
---
Sáng 6/12, tại TP Vinh, cụm thi đua Bắc Trung Bộ tổng kết năm 2024.
"""

HAND_SPELLING = """\
---
title: Cụm thi đua Bắc Trung Bộ tổng kết năm 2024
date: 2024-12-06
cluster: bac-trung-bo
kind: tong-ket
provinces: [Thanh Hóa, Nghệ An]
location: TP Vinh
results:
  figures:
    cooperatives: 4425
    loans_vnd: 226000000000
  by_province:
    Thanh Hóa: {cooperatives: 1331}
    Nghệ An: {cooperatives: 1012}
---
Sáng 6/12, tại TP Vinh, cụm thi đua Bắc Trung Bộ tổng kết năm 2024.
"""


def test_what_the_form_writes_draws_the_same_page_as_the_article_written_by_hand(scratch):
    pages = []
    for text in (FORM_SPELLING, HAND_SPELLING):
        scratch.write("content/2024/2024-12-06-bac-trung-bo-tong-ket-2024.md", text)
        built = scratch.run()
        assert built.returncode == 0 and "cảnh báo" not in built.stderr, built.stderr
        pages.append((scratch.output / "2024/bac-trung-bo-tong-ket-2024/index.html").read_text(encoding="utf-8"))
        pages.append((scratch.output / "du-lieu/ket-qua.csv").read_text(encoding="utf-8"))
    assert pages[0] == pages[2] and pages[1] == pages[3]
    assert "1.331" in pages[0] and "226 tỷ đồng" in pages[0]


@pytest.mark.parametrize("rows, line, field, message", [
    ("    - {cooperatives: 5}\n", 9, "results.by_province.0",
     "cần một dòng {province: tên tỉnh, chỉ tiêu: số, …}, nhưng gặp một bảng khóa: giá trị"),
    ("    - Thanh Hóa\n", 9, "results.by_province.0",
     "cần một dòng {province: tên tỉnh, chỉ tiêu: số, …}, nhưng gặp 'Thanh Hóa'"),
    ("    - {province: Thanh Hóa, cooperatives: 5}\n    - {province: Thanh Hóa, cooperatives: 6}\n", 10,
     "results.by_province.1.province", "Thanh Hóa có hai dòng; ghi số liệu của tỉnh một lần"),
    ("    - {province: Thanh Hoa, cooperatives: 5}\n", 9, "results.by_province.0.province",
     "cần tên tỉnh có trong site_config.yaml, nhưng ghi 'Thanh Hoa' (gợi ý: có phải 'Thanh Hóa'?)"),
    ("    - {province: Thanh Hóa, cooperatives: 1.331}\n", 9, "results.by_province.0.cooperatives",
     "cần số nguyên HTX (từ 0 trở lên), nhưng ghi 1.331 (gợi ý: viết 2.177 thành 2177 và 226 tỷ đồng thành "
     "226000000000)"),
])
def test_the_forms_spelling_of_by_province_is_checked_like_the_hand_written_one(scratch, rows, line, field, message):
    scratch.write("content/2024/2024-12-06-x.md", "---\ntitle: X\ndate: 2024-12-06\ncluster: bac-trung-bo\n"
                  "kind: tong-ket\nprovinces: [Thanh Hóa]\nresults:\n  by_province:\n" + rows + "---\nVăn bản.\n")
    checked = scratch.run("check")
    assert checked.returncode == 1
    assert f"content/2024/2024-12-06-x.md:{line}: {field}: {message}" in checked.stderr.splitlines()

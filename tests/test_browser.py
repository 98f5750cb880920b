"""A reader on a phone, in Debian's Chromium: browse the sample archive; an editor's live preview."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import free_port, wait_for
from test_serve import STOP_WAIT

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide on a 360 px phone"


def test_reader_on_a_phone_browses_cluster_year_province_and_article(page, served):
    errors = _watch_errors(page)
    page.goto(served)
    assert page.locator("h1").inner_text() == "Lưu trữ hội nghị Liên minh Hợp tác xã"
    _fits_phone(page)
    page.get_by_role("link", name="Cụm thi đua Bắc Trung Bộ").first.click()
    assert page.locator("h1").inner_text() == "Cụm thi đua Bắc Trung Bộ"
    _fits_phone(page)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Trang chủ").click()
    page.locator("#cac-nam").get_by_role("link", name="2023").click()
    assert page.locator("h1").inner_text() == "Hội nghị năm 2023"
    _fits_phone(page)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Trang chủ").click()
    page.locator("#tinh-thanh").get_by_role("link", name="Thanh Hóa").click()
    assert page.locator("h1").inner_text() == "Thanh Hóa"
    page.get_by_role("link", name="Cụm Liên minh Hợp tác xã 06 tỉnh Bắc Trung Bộ", exact=False).first.click()
    assert "Triển khai nhiệm vụ 6 tháng cuối năm 2024" in page.locator("h1").inner_text()
    assert "Thứ Sáu, 05/07/2024" in page.locator(".facts").first.inner_text()
    _fits_phone(page)
    page.get_by_role("link", name="Nghệ An").first.click()
    assert page.locator("h1").inner_text() == "Nghệ An"
    assert errors == []


def test_site_opened_straight_from_disk_follows_links(page, sample_site):
    errors = _watch_errors(page)
    page.goto((sample_site / "index.html").as_uri())
    page.get_by_role("link", name="Cụm thi đua Trung du Bắc Bộ").first.click()
    assert page.url.endswith("/cum/trung-du-bac-bo/index.html")
    page.get_by_role("link", name="Phát huy vai trò của Liên minh Hợp tác xã").click()
    assert page.locator("h1").inner_text() == "Phát huy vai trò của Liên minh Hợp tác xã trong phát triển kinh tế tập thể"
    assert errors == []


def test_keyboard_reader_reaches_content_through_the_skip_link(page, served):
    page.goto(served)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Bỏ qua, đến nội dung chính"
    assert page.evaluate("getComputedStyle(document.activeElement).left") != "-999px"
    page.keyboard.press("Enter")
    assert page.url.endswith("#noi-dung")


def test_live_preview_reloads_the_tab_and_keeps_the_last_good_site(page, scratch):
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                              cwd=scratch.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        url = f"http://127.0.0.1:{port}/2023/trung-du-bac-bo/"
        assert wait_for(lambda: _answers(url), 60), "the preview server did not start"
        with page.expect_websocket(lambda ws: ws.url.endswith("/livereload")) as opened:  # (not the panel's)
            page.goto(url)
        # livereload's handshake: the server answers the tab's hello; from then on it hears reloads
        opened.value.wait_for_event("framereceived", lambda frame: '"hello"' in str(frame))
        assert page.locator("h1").inner_text() == "Hội nghị tổng kết cụm Trung du Bắc Bộ"
        article = scratch.content / "2023/2023-12-01-trung-du-bac-bo.md"
        text = article.read_text(encoding="utf-8")
        article.write_text(text.replace("title: Hội nghị tổng kết", "title: Đã sửa, Hội nghị tổng kết"), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1')?.textContent.startsWith('Đã sửa')", timeout=15000)

        article.write_text(text.replace("date: 2023-12-01", "date: 2023-12-41"), encoding="utf-8")
        error = "content/2023/2023-12-01-trung-du-bac-bo.md:3: date: cần một ngày có thật dạng YYYY-MM-DD, nhưng ghi '2023-12-41' (không có ngày này)"
        assert wait_for(lambda: any(error in line for line in lines), 30), "".join(lines)
        page.reload()
        assert page.locator("h1").inner_text() == "Đã sửa, Hội nghị tổng kết cụm Trung du Bắc Bộ"
    finally:
        server.terminate()
        server.wait(timeout=STOP_WAIT)
        reader.join(timeout=10)
        server.stdout.close()


def _answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except urllib.error.HTTPError as error:
        error.close()  # (its connection, else left for the collector to close, with a warning)
        return False
    except OSError:
        return False

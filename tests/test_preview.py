"""What the live preview shows an editor and the published site never does: drafts, marked; the
last build's problems in a panel over the page; the site's own 404 page; one terminal line per
rebuild. The panel is tested in Debian's Chromium."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import watchfiles

from archive.common.problems import Problem
from archive.preview.serve import _Board, _saved_or_deleted, _what_changed
from conftest import ARTICLE, ScratchSite, free_port, new_site, snapshot
from test_serve import STOP_WAIT, _wait_until_serving, raw_get

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 30_000  # ms: the most a browser test waits for the preview to take a save in

ARTICLE_PATH = "content/2023/2023-12-01-trung-du-bac-bo.md"
DRAFT_PATH = "content/2023/2023-12-05-ban-nhap.md"
DRAFT = """\
---
title: Hội nghị còn là bản nháp
date: 2023-12-05
cluster: hai-phong
kind: khac
draft: true
---
Nội dung chưa duyệt.
"""


class Preview:
    """build.py serve in a scratch site, on a free port, its terminal's lines collected."""

    def __init__(self, site: ScratchSite):
        self.site = site
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(self.port)],
                                       cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.server.stdout), daemon=True)
        self.reader.start()
        _wait_until_serving(self.server, self.port, 60, lambda: "".join(self.lines))

    def get(self, path: str) -> tuple[int, str]:
        status, body = raw_get(self.port, path)
        return status, body.decode("utf-8", "replace")

    def printed(self, pattern: str, seconds: float = 30) -> str:
        """The first line the terminal printed that matches pattern (waiting for it)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [line for line in list(self.lines) if re.search(pattern, line)]
            if found:
                return found[0]
            time.sleep(0.05)
        pytest.fail(f"the preview did not print {pattern!r}:\n" + "".join(self.lines))

    def stop(self) -> None:
        if self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=STOP_WAIT)
        self.reader.join(timeout=10)
        self.server.stdout.close()


def _site(root: Path) -> ScratchSite:
    site = new_site(root)  # (its ARTICLE at ARTICLE_PATH)
    site.write(DRAFT_PATH, DRAFT)
    return site


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """A preview nobody edits: an article and a draft."""
    server = Preview(_site(tmp_path_factory.mktemp("preview") / "site"))
    yield server
    server.stop()


@pytest.fixture
def edited(tmp_path):
    """A preview of its own, for a test that edits the articles."""
    server = Preview(_site(tmp_path / "site"))
    yield server
    server.stop()


# --- Drafts --------------------------------------------------------------------------------------

@pytest.mark.slow  # starts build.py serve (and the form's Node backend)
def test_the_preview_shows_a_draft_with_a_band_and_marks_it_in_lists(preview):
    status, page = preview.get("/2023/ban-nhap/")
    assert status == 200 and "Hội nghị còn là bản nháp" in page
    assert re.search(r'<p class="draft-band"[^>]*>Bản nháp\b', page)
    status, published = preview.get("/2023/trung-du-bac-bo/")
    assert status == 200 and "draft-band" not in published
    for listing in ("/", "/nam/2023/", "/cum/hai-phong/"):
        body = preview.get(listing)[1]
        assert re.search(r'Hội nghị còn là bản nháp</a> <span class="draft-mark">Bản nháp</span>', body), listing
        assert body.count("draft-mark") == 1, listing  # the published article is not marked


@pytest.mark.slow  # starts build.py serve (and the form's Node backend)
def test_the_published_build_never_writes_a_draft_even_after_the_preview(tmp_path):
    site = _site(tmp_path / "site")
    server = Preview(site)
    try:
        assert (site.output / "2023/ban-nhap/index.html").is_file()  # the preview wrote it into output/
    finally:
        server.stop()
    result = site.run()
    assert result.returncode == 0, result.stderr
    published = snapshot(site.output)
    assert published and not any(path.startswith("2023/ban-nhap") for path in published)
    for path, data in published.items():
        assert "Hội nghị còn là bản nháp".encode() not in data, path  # not in lists, feeds, search or sitemap
        assert b'class="draft-band"' not in data and b'class="draft-mark"' not in data, path
    # and the draft still builds when asked for
    assert site.run("--drafts", "--output", "with-drafts").returncode == 0
    assert (site.root / "with-drafts/2023/ban-nhap/index.html").is_file()


def _panel_state(port: int) -> dict:
    """What the panel is told first on connecting to /_preview/events (the current state)."""
    import asyncio

    from tornado.websocket import websocket_connect

    async def first() -> str:
        connection = await websocket_connect(f"ws://127.0.0.1:{port}/_preview/events")
        message = await connection.read_message()
        connection.close()
        # Until the server has answered the close, after which tornado closes the socket (ended here
        # by asyncio.run instead, the socket was left for the collector, with a ResourceWarning).
        while await connection.read_message() is not None:
            pass
        return message

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's may be running in this thread
        return json.loads(thread.submit(asyncio.run, first()).result(timeout=30))


@pytest.mark.slow  # starts build.py serve (and the form's Node backend)
def test_an_unfinished_draft_stops_no_edit_from_showing_and_its_problems_are_warnings(edited):
    unfinished = edited.site.write("content/2023/2023-12-09-nhap-do-dang.md", DRAFT.replace("cluster: hai-phong\n", "")
                                   .replace("title: Hội nghị còn là bản nháp", "title: Bản nháp dở dang"))
    edited.printed(rf"^Đã lưu {unfinished.relative_to(edited.site.root)}: vẽ lại")
    assert edited.get("/2023/nhap-do-dang/")[0] == 404
    warnings = _panel_state(edited.port)["warnings"]
    assert [(w["path"], w["field"]) for w in warnings] == [(str(unfinished.relative_to(edited.site.root)),
                                                             "trường cluster")]
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("title: ", "title: Vẫn cập nhật ", 1), encoding="utf-8")
    assert edited.printed(rf"^Đã lưu {ARTICLE_PATH}: vẽ lại")
    assert "Vẫn cập nhật" in edited.get("/2023/trung-du-bac-bo/")[1]
    assert "Hội nghị còn là bản nháp" in edited.get("/2023/ban-nhap/")[1]  # the finished draft still shows
    result = edited.site.run("check", "--drafts")  # asked for, drafts must be whole
    assert result.returncode == 1 and "nhap-do-dang.md" in result.stderr and "cluster" in result.stderr


# --- The published build holds no trace of the preview ---------------------------------------------

@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_the_published_build_holds_no_trace_of_the_panel(scratch):
    scratch.write(ARTICLE_PATH, ARTICLE.replace("loans_vnd: 226000000000", "loans_vnd: 185"))  # a warning
    result = scratch.run()
    assert result.returncode == 0 and "185 đồng" in result.stderr, result.stderr
    for path, data in scratch.snapshot().items():
        if path.startswith("static/decap/"):  # the web form's own script (its own preview pane's words)
            assert b"/_preview/" not in data and b"panel.js" not in data, path
            continue
        for trace in (b"_preview", b"panel.js", b"preview-", b"EventSource"):
            assert trace not in data, f"{path} holds {trace!r}"


# --- The 404 page ----------------------------------------------------------------------------------

@pytest.mark.slow  # starts build.py serve (and the form's Node backend)
@pytest.mark.parametrize("missing", ["/khong-co/", "/2023/khong-co-bai-nay/", "/a/b/c.html", "/static/khong-co.css"])
def test_a_missing_path_gets_the_site_s_own_404_page_with_status_404(preview, missing):
    status, body = preview.get(missing)
    assert status == 404
    page = (preview.site.output / "404.html").read_text(encoding="utf-8")
    assert "<h1>Không tìm thấy trang</h1>" in body
    assert body.startswith(page.split("</head>")[0])  # the page itself, and the preview's scripts
    for stylesheet in re.findall(r'<link rel="stylesheet" href="([^"]+)"', body):
        assert preview.get(stylesheet)[0] == 200  # its links work at any depth


# --- The terminal ----------------------------------------------------------------------------------

def _html_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*.html"))


def test_the_terminal_shows_one_line_per_rebuild_counting_pages(edited, page):
    _listening(page, edited.url)  # a tab connects: livereload would say so
    assert edited.get("/khong-co/")[0] == 404  # tornado would log it
    first = edited.printed(r"trang")
    pages = _html_files(edited.site.output)
    assert pages < len(snapshot(edited.site.output))  # the search index's files are not pages
    assert re.fullmatch(rf"Đã xây dựng bản xem trước \(có cả bản nháp\): {pages} trang, \d+(,\d+)? s\n", first)
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("title: ", "title: Sửa ", 1), encoding="utf-8")
    line = edited.printed(r"^Đã lưu")
    match = re.fullmatch(rf"Đã lưu {ARTICLE_PATH}: vẽ lại (\d+)/{pages} trang, \d+(,\d+)? s\n", line)
    assert match, line
    assert 0 < int(match.group(1)) < pages  # the pages that show the article, not all
    assert edited.lines == [first, f"Xem trước tại {edited.url} (Ctrl+C để dừng)\n",
                            f"Biểu mẫu biên tập bài viết: {edited.url}admin/\n", line]  # nothing else
    result = edited.site.run("--output", "published")  # the command line counts pages too
    assert re.fullmatch(rf"{_html_files(edited.site.root / 'published')} trang, \d+(,\d+)? s\n", result.stdout)


@pytest.mark.slow  # starts build.py serve (and the form's Node backend)
def test_a_failed_rebuild_prints_its_problems_and_one_line(edited):
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("date: 2023-12-01", "date: 2023-12-41"), encoding="utf-8")
    line = edited.printed(r"lỗi; trang xem trước")
    assert line == f"Đã lưu {ARTICLE_PATH}: 1 lỗi; trang xem trước vẫn là bản tốt gần nhất\n"
    problem = [text for text in edited.lines if text.startswith(f"{ARTICLE_PATH}:3: date:")]
    assert len(problem) == 1 and len(edited.lines) == 5, edited.lines  # (the first build, the addresses)


@pytest.mark.parametrize("changes, shown", [
    ({"content/2023/a.md": "modified"}, "Đã lưu content/2023/a.md"),
    ({"content/2023/a.md": "modified", "content/2023/.a.md.swp": "modified"}, "Đã lưu content/2023/a.md"),
    ({"content/2023/b.md": "modified", "templates/base.html": "modified", "content/2023/a.md": "modified"},
     "Đã lưu content/2023/a.md và 2 tệp khác"),
    ({"content/2023/a.md": "deleted"}, "Đã xoá content/2023/a.md"),
    ({"content/2023/a.md": "deleted", "content/2023/b.md": "modified"}, "Đã lưu content/2023/a.md và 1 tệp khác"),
])
def test_the_rebuild_line_names_what_changed(changes, shown):
    assert _what_changed({Path(path): watchfiles.Change[kind] for path, kind in changes.items()}) == shown


def test_a_file_that_came_and_went_changed_nothing(tmp_path):
    saved, gone, temporary = tmp_path / "a.md", tmp_path / "b.md", tmp_path / "sedAb12Cd"
    saved.write_text("x")
    changes = {(watchfiles.Change.added, str(temporary)), (watchfiles.Change.deleted, str(temporary)),
               (watchfiles.Change.deleted, str(saved)), (watchfiles.Change.added, str(saved)),
               (watchfiles.Change.deleted, str(gone))}
    assert _saved_or_deleted(changes) == {saved: watchfiles.Change.modified, gone: watchfiles.Change.deleted}


# --- The problems panel -----------------------------------------------------------------------------

def test_the_panel_s_state_lists_each_problem_in_vietnamese():
    board = _Board()
    board.post([Problem("content/2023/x.md", 4, "cluster", "expected one of …, got 'trung-du'", suggestion="trung-du-bac-bo"),
                Problem("content/2023/y.md", 0, "results", "185 đồng is very little", warning=True)])
    state = json.loads(board.state())
    assert state["errors"] == [{"path": "content/2023/x.md", "line": "dòng 4", "field": "trường cluster",
                                "message": "expected one of …, got 'trung-du'", "suggestion": "Gợi ý: trung-du-bac-bo"}]
    assert state["warnings"] == [{"path": "content/2023/y.md", "line": "", "field": "trường results",
                                  "message": "185 đồng is very little", "suggestion": ""}]
    assert state["text"]["errors"] == "Bản sửa có 1 lỗi, chưa được đưa lên"
    assert state["text"]["warnings"] == "1 cảnh báo"
    board.post([])
    assert json.loads(board.state())["errors"] == [] and json.loads(board.state())["warnings"] == []


def _listening(page, url: str) -> None:
    """Open url and wait until livereload and the panel are both listening to the server."""
    hello: list[str] = []

    def heard(socket) -> None:  # (attached as the socket opens, so no frame is missed)
        if socket.url.endswith("/livereload"):
            socket.on("framereceived", lambda frame: hello.append(str(frame)) if '"hello"' in str(frame) else None)

    page.on("websocket", heard)
    page.goto(url)
    deadline = time.monotonic() + WAIT / 1000
    while not hello:  # Playwright hands the frames over while it waits
        assert time.monotonic() < deadline, "livereload did not answer the tab's hello"
        page.wait_for_timeout(20)
    page.remove_listener("websocket", heard)
    expect_told(page)


def expect_told(page) -> None:
    """The panel has been told the state once (its live regions are no longer busy)."""
    from playwright.sync_api import expect

    expect(page.locator(".preview-live[role=status]:not([aria-busy])")).to_be_attached(timeout=WAIT)


def test_a_broken_save_shows_its_errors_over_the_last_good_page_until_fixed(edited, page):
    from playwright.sync_api import expect

    _listening(page, edited.url + "2023/trung-du-bac-bo/")
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("date: 2023-12-01", "date: 2023-12-41"), encoding="utf-8")
    panel = page.get_by_role("alert").get_by_role("region", name="Bản sửa có 1 lỗi, chưa được đưa lên")
    expect(panel).to_be_visible(timeout=WAIT)
    problem = panel.get_by_role("listitem")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text(f"{ARTICLE_PATH} · dòng 3 · trường date")
    expect(problem).to_contain_text("cần một ngày có thật dạng YYYY-MM-DD, nhưng ghi '2023-12-41'")
    expect(panel).to_contain_text("Trang bên dưới là bản tốt gần nhất")
    assert page.locator("h1").first.inner_text() == "Hội nghị tổng kết cụm Trung du Bắc Bộ"  # the last good page
    box = panel.bounding_box()
    assert box and box["y"] == 0 and box["width"] == 360  # over the page, across it

    page.reload()  # a tab opened (or reloaded) while the edit is broken shows the errors too
    expect(panel).to_be_visible(timeout=WAIT)

    article.write_text(ARTICLE.replace("title: ", "title: Đã sửa, ", 1), encoding="utf-8")
    expect(page.locator("h1").first).to_have_text("Đã sửa, Hội nghị tổng kết cụm Trung du Bắc Bộ", timeout=WAIT)
    expect(page.locator(".preview-panel")).to_have_count(0)


def test_a_fix_that_restores_the_last_good_file_closes_the_panel_without_a_reload(edited, page):
    from playwright.sync_api import expect

    _listening(page, edited.url + "2023/trung-du-bac-bo/")
    page.evaluate("window.notReloaded = true")
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("cluster: trung-du-bac-bo", "cluster: trung-du"), encoding="utf-8")
    expect(page.locator(".preview-errors")).to_be_visible(timeout=WAIT)
    article.write_text(ARTICLE, encoding="utf-8")  # the same pages as before: nothing to reload
    expect(page.locator(".preview-errors")).to_have_count(0, timeout=WAIT)
    assert page.evaluate("window.notReloaded") is True


def test_warnings_show_in_a_smaller_panel_that_the_keyboard_dismisses(edited, page):
    from playwright.sync_api import expect

    _listening(page, edited.url + "2023/trung-du-bac-bo/")
    article = edited.site.root / ARTICLE_PATH
    article.write_text(ARTICLE.replace("loans_vnd: 226000000000", "loans_vnd: 185"), encoding="utf-8")
    warnings = page.get_by_role("status").get_by_role("region", name="1 cảnh báo")
    expect(warnings).to_be_visible(timeout=WAIT)
    expect(warnings.get_by_role("listitem")).to_contain_text("185 đồng là quá ít cho 'Vốn vay giải ngân'")
    expect(warnings).to_contain_text(f"{ARTICLE_PATH} · dòng 11 · trường results.figures.loans_vnd")
    expect(page.locator("section.results")).to_contain_text("185 đồng")  # rebuilt: a warning stops nothing
    box = warnings.bounding_box()
    assert box and box["width"] < 360 and box["height"] < 780 * 0.45  # smaller, in a corner

    page.keyboard.press("Escape")
    expect(warnings).to_have_count(0)
    page.reload()  # dismissed stays dismissed while the warnings are the same
    expect_told(page)
    assert page.get_by_role("status").get_by_role("region").count() == 0

    article.write_text(ARTICLE.replace("loans_vnd: 226000000000", "loans_vnd: 186"), encoding="utf-8")
    expect(warnings).to_be_visible(timeout=WAIT)  # a new warning shows again
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Shift+Tab")  # the panel's button is the last control of the page
    close = warnings.get_by_role("button", name="Đóng bảng cảnh báo (phím Esc)")
    expect(close).to_be_focused()
    expect(close).to_have_text("Đóng")
    page.keyboard.press("Enter")
    expect(warnings).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == "noi-dung"  # focus goes on to the page, not lost


HOSTILE = "<img src=x onerror=\"window.hacked=1\">"
CRAFTED = {
    "errors": [{"path": "content/2023/x.md", "line": "dòng 4", "field": "trường cluster",
                "message": f"expected a cluster, got {HOSTILE}", "suggestion": "Gợi ý: trung-du-bac-bo"}] * 2,
    "warnings": [{"path": "content/2023/y.md", "line": "dòng 9", "field": "trường results.figures.loans_vnd",
                  "message": "185 đồng is very little", "suggestion": ""}],
    "text": {"errors": "Bản sửa có 2 lỗi, chưa được đưa lên", "errors_note": "Trang bên dưới là bản tốt gần nhất.",
             "warnings": "1 cảnh báo", "close": "Đóng", "close_label": "Đóng bảng cảnh báo (phím Esc)"},
}


def _crafted(page) -> None:
    """The panel's events, answered with CRAFTED: both panels, a suggestion and hostile text."""
    page.route_web_socket("**/_preview/events", lambda socket: socket.send(json.dumps(CRAFTED)))


def test_the_panel_shows_suggestions_and_never_runs_a_message_as_html(preview, page):
    from playwright.sync_api import expect

    _crafted(page)
    page.goto(preview.url + "2023/trung-du-bac-bo/")
    errors = page.locator(".preview-errors")
    expect(errors.get_by_role("listitem").first).to_contain_text("Gợi ý: trung-du-bac-bo")
    expect(errors.get_by_role("listitem").first).to_contain_text(HOSTILE)  # shown as text
    assert errors.locator("img").count() == 0 and page.evaluate("window.hacked") is None


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_in_either_panel(preview, page, scheme):
    from playwright.sync_api import expect

    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing; run 'npm ci' (make test does)")
    page.emulate_media(color_scheme=scheme)
    _crafted(page)
    page.goto(preview.url + "2023/ban-nhap/")  # a draft: its band is checked too
    expect(page.locator(".preview-warnings")).to_be_visible()
    expect(page.locator(".preview-errors")).to_be_visible()
    page.wait_for_function("getComputedStyle(document.querySelector('.preview-errors')).position === 'fixed'")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run({include: [['.preview-live'], ['.draft-band']]},
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
             resultTypes: ['violations']})
        .then(r => ({violations: r.violations.map(v => v.id + ': ' + v.help + ' at ' +
                     v.nodes.map(n => n.target.join(' ')).slice(0, 3)), passes: r.passes.map(p => p.id)}))""")
    assert result["violations"] == []
    assert "color-contrast" in result["passes"]

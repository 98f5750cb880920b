"""Only the preview's own page may talk to the local servers, and what the form saves is never lost
or torn (issue 25): the real `build.py serve` and its real form backend (preview/admin_server.js)
on a scratch site, called with forged Host and Origin headers, without the session's key, with
bad bodies and through symbolic links; a page of another origin in Chromium; a hand edit made
while the form has the article open; hand saves racing form saves.

Every refused call must get 403 (or 400/409/422), print one line, and change nothing: the whole
site folder is compared before and after. A refusal is proved by the line it prints, waited for
(a marker call sent after the others prints its own line last), never by sleeping."""
from __future__ import annotations

import asyncio
import base64
import functools
import http.client
import http.server
import json
import os
import re
import socket
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from archive.preview.access import new_token
from archive.preview.backend import start_backend, stop_backend
from conftest import ARTICLE, CHROMIUM, CHROMIUM_ARGS, new_site, wait_for
from test_admin import Preview, _free_pair, _open_form

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_PATH = "content/2023/2023-12-01-trung-du-bac-bo.md"
OTHERS = ["content/2023/2023-12-02-hai.md", "content/2023/2023-12-03-ba.md"]  # three 2023 articles in all


# --- Helpers ---------------------------------------------------------------------------------------

def _call(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request exactly as given (its Host too): status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def _tree(root: Path) -> dict[str, object]:
    """Every file, folder and link under root but output/ and .cache/ (what the form may change), with
    its bytes or its link's target."""
    found: dict[str, object] = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if Path(folder, name) not in (root / "output", root / ".cache")]
        for name in folders + files:
            path = Path(folder, name)
            key = str(path.relative_to(root))
            found[key] = ("link", os.readlink(path)) if path.is_symlink() else (
                "folder" if path.is_dir() else path.read_bytes())
    return found


class Servers:
    """The preview (Preview of test_admin) and how the form's page calls its backend."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.port = preview.port
        self.backend = preview.port + 1
        self.token_path = urllib.parse.urlsplit(preview.api).path  # /api/v1/<key>
        self.origin = preview.origin
        self.host = f"127.0.0.1:{self.backend}"

    def post(self, action: str, params: dict, headers: dict[str, str] | None = None, path: str = ""
             ) -> tuple[int, dict[str, str], bytes]:
        """A call to the backend: as the form's page makes it, but for the headers given."""
        sent = {"Host": self.host, "Origin": self.origin, "Content-Type": "application/json"}
        sent.update(headers or {})
        sent = {name: value for name, value in sent.items() if value is not None}
        return _call(self.backend, "POST", path or self.token_path, sent,
                     json.dumps({"action": action, "params": params}).encode())

    def lines_during(self, call) -> list[str]:
        """The refusals the servers printed while call() ran, each a line: a marker request refused by
        each server afterwards prints its line last, and is waited for. (Picked out of the terminal's
        text: a rebuild's message printed by the preview at the same moment may hold the backend's
        line, which node writes whole, in the middle of its own.)"""
        before = len(self.preview.lines)
        call()
        markers = []
        for port in (self.port, self.backend):
            marker = f"m{uuid.uuid4().hex}.example:{port}"
            status, _, _ = _call(port, "GET", "/", {"Host": marker})
            assert status == 403
            markers.append(marker)
        assert wait_for(lambda: all(m in "".join(self.preview.lines[before:]) for m in markers), 30), \
            self.preview.lines[before:]
        printed = REFUSAL.findall("".join(self.preview.lines[before:]))
        return [line for line in printed if not any(m in line for m in markers)]


# How each refusal of the servers begins (archive/common/messages.py: form.backend.*, preview.refused_*)
REFUSAL = re.compile(r"(?:Biểu mẫu từ chối|Bản xem trước từ chối|Từ chối: |Chưa lưu: |Biểu mẫu không làm được)"
                     r"[^\n]*\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    made = new_site(tmp_path_factory.mktemp("local") / "site")
    for number, path in enumerate(OTHERS, start=2):
        made.write(path, ARTICLE.replace("date: 2023-12-01", f"date: 2023-12-0{number}")
                   .replace("title: Hội nghị tổng kết cụm Trung du Bắc Bộ", f"title: Hội nghị thứ {number} của cụm"))
    return made


@pytest.fixture(scope="module")
def servers(site):
    running = Preview(site)
    yield Servers(running)
    running.stop()


def _write_params(path: str, raw: str = "---\ntitle: Ghi đè\n---\n") -> dict:
    return {"branch": "main", "dataFiles": [{"path": path, "raw": raw, "slug": "x"}], "assets": [],
            "options": {"commitMessage": "x", "useWorkflow": False, "status": ""}}


# What a stranger would send: to write a new article, overwrite one, delete one, read them all.
ATTEMPTS = {
    "write": ("persistEntry", _write_params("content/2023/2023-12-09-la.md")),
    "overwrite": ("persistEntry", _write_params(ARTICLE_PATH)),
    "delete": ("deleteFile", {"branch": "main", "path": ARTICLE_PATH, "options": {"commitMessage": "x"}}),
    "delete files": ("deleteFiles", {"branch": "main", "paths": [ARTICLE_PATH], "options": {"commitMessage": "x"}}),
    "move": ("persistEntry", {**_write_params(ARTICLE_PATH), "dataFiles": [
        {"path": ARTICLE_PATH, "raw": "x", "slug": "x", "newPath": "content/2022/2022-12-01-x.md"}]}),
    "read": ("entriesByFolder", {"branch": "main", "folder": "content", "extension": "md", "depth": 2}),
    "read one": ("getEntry", {"branch": "main", "path": ARTICLE_PATH}),
    "media": ("getMedia", {"branch": "main", "mediaFolder": "content/2023"}),
}


# --- The preview ----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/", "/admin/", "/admin/config.yml", "/2023/trung-du-bac-bo/",
                                    "/_preview/panel.js", "/livereload.js", "/forcereload", "/khong-co/"])
def test_the_preview_refuses_a_host_that_is_not_its_own(servers, target):
    forged = f"evil{uuid.uuid4().hex[:8]}.example:{servers.port}"  # what a page on a re-binding domain sends
    answers = []
    lines = servers.lines_during(lambda: answers.append(_call(servers.port, "GET", target, {"Host": forged})))
    status, _, body = answers[0]
    assert status == 403 and b"Trung du" not in body and b"api/v1" not in body
    assert lines == [f"Bản xem trước từ chối một yêu cầu gửi tới Host '{forged}': đó không phải địa chỉ của nó "
                     "(một trang lạ có thể đang thử đọc nó)\n"]


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
def test_the_preview_answers_its_own_addresses(servers, name):
    status, _, body = _call(servers.port, "GET", "/2023/trung-du-bac-bo/", {"Host": f"{name}:{servers.port}"})
    assert status == 200 and "Trung du Bắc Bộ".encode() in body


def _websocket(port: int, path: str, headers: dict[str, str]) -> str:
    """Open a websocket to the preview with these headers: its first message ('' for livereload's,
    which speaks first only when spoken to), or the HTTP status it was refused with."""
    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    async def open_it() -> str:
        try:
            connection = await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{port}{path}", headers=headers))
        except HTTPClientError as error:
            return str(error.code)
        try:
            if path == "/livereload":
                connection.write_message(json.dumps({"command": "hello"}))
            return await connection.read_message() or ""
        finally:
            connection.close()
            # until the server has answered the close, after which tornado closes the socket (else
            # it is left for the collector, with a ResourceWarning)
            while await connection.read_message() is not None:
                pass

    with ThreadPoolExecutor(1) as thread:  # a loop of its own: Playwright's may be running in this thread
        return thread.submit(asyncio.run, open_it()).result(timeout=30)


def _websocket_into(answers: list[str], port: int, path: str, headers: dict[str, str]) -> None:
    answers.append(_websocket(port, path, headers))


@pytest.mark.parametrize("path", ["/_preview/events", "/livereload"])
def test_the_previews_websockets_take_its_own_pages_only(servers, path):
    own = {"Host": f"127.0.0.1:{servers.port}", "Origin": servers.origin}
    assert _websocket(servers.port, path, own).startswith("{")  # the panel's state, livereload's hello
    other = f"http://127.0.0.1:{_free_pair()}"
    for headers, line in [
        ({"Host": f"evil.example:{servers.port}", "Origin": f"http://evil.example:{servers.port}"},
         f"Host 'evil.example:{servers.port}'"),
        ({"Host": f"127.0.0.1:{servers.port}", "Origin": "http://evil.example"}, "trang 'http://evil.example'"),
        ({"Host": f"127.0.0.1:{servers.port}", "Origin": other}, f"trang '{other}'"),
    ]:
        answers: list[str] = []
        lines = servers.lines_during(functools.partial(_websocket_into, answers, servers.port, path, headers))
        assert answers == ["403"]
        assert len(lines) == 1 and line in lines[0] and lines[0].startswith("Bản xem trước từ chối"), lines


# --- The form's backend: who may call ------------------------------------------------------------

def _forged(servers: Servers) -> dict[str, dict[str, str | None]]:
    """Headers (and a path) of calls that must be refused, each as some page or program would send them."""
    other = _free_pair()
    return {
        # a page on a domain that re-binds to 127.0.0.1: its own name as Host and Origin, even with the key
        "rebinding": {"Host": f"evil.example:{servers.backend}", "Origin": f"http://evil.example:{servers.backend}"},
        "another site": {"Origin": "http://evil.example"},
        "another local app": {"Origin": f"http://127.0.0.1:{other}"},
        "localhost, another port": {"Origin": f"http://localhost:{other}"},
        "the backend's own origin": {"Origin": f"http://127.0.0.1:{servers.backend}"},
        "an opaque origin": {"Origin": "null"},
        "no origin": {"Origin": None},
        "another site's referer": {"Origin": None, "Referer": "http://evil.example/page.html"},
        "no key": {"path": "/api/v1"},
        "a wrong key": {"path": "/api/v1/" + new_token()},
        "the key and more": {"path": servers.token_path + "x"},
        "the key in a query": {"path": "/api/v1?" + servers.token_path.rsplit("/", 1)[1]},
    }


FORGED_CASES = ["rebinding", "another site", "another local app", "localhost, another port",
                "the backend's own origin", "an opaque origin", "no origin", "another site's referer", "no key",
                "a wrong key", "the key and more", "the key in a query"]


@pytest.mark.parametrize("case", FORGED_CASES)
def test_the_backend_refuses_every_call_not_from_the_previews_form(servers, site, case):
    headers = dict(_forged(servers)[case])
    path = str(headers.pop("path", "") or "")
    before = _tree(site.root)
    answers = []

    def attempt() -> None:
        for action, params in ATTEMPTS.values():
            answers.append(servers.post(action, params, headers, path))
        sent = {"Host": servers.host, "Origin": servers.origin, "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type"} | headers
        answers.append(_call(servers.backend, "OPTIONS", path or servers.token_path,
                             {name: value for name, value in sent.items() if value is not None}))

    lines = servers.lines_during(attempt)
    assert _tree(site.root) == before
    for status, answered, body in answers:
        assert status == 403
        assert "access-control-allow-origin" not in answered  # a browser lets no page read it
        assert b"Trung du" not in body and b"title" not in body
    assert len(lines) == len(ATTEMPTS) + 1, lines
    assert all(line.startswith("Biểu mẫu từ chối một yêu cầu") and len(line) < 300 for line in lines), lines


def test_the_backend_answers_the_previews_form_with_cors_for_it_alone(servers):
    status, answered, _ = _call(servers.backend, "OPTIONS", servers.token_path, {
        "Host": servers.host, "Origin": servers.origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and answered["access-control-allow-origin"] == servers.origin
    status, answered, body = servers.post("info", {})
    assert status == 200 and answered["access-control-allow-origin"] == servers.origin
    assert json.loads(body)["type"] == "local_fs"
    # a page opened as localhost:PORT is the preview too; a Referer stands for a missing Origin
    localhost = f"http://localhost:{servers.port}"
    assert servers.post("info", {}, {"Origin": localhost})[1]["access-control-allow-origin"] == localhost
    assert servers.post("info", {}, {"Origin": None, "Referer": servers.origin + "/admin/"})[0] == 200
    assert servers.post("info", {}, {"Host": f"localhost:{servers.backend}"})[0] == 200


def test_the_sessions_key_is_in_the_served_form_page_only_never_in_output(servers, site):
    key = servers.token_path.rsplit("/", 1)[1].encode()
    assert len(key) >= 40
    for path in site.output.rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes(), path
    published = site.run("--output", "published")  # and a published build has no backend of this machine's
    assert published.returncode == 0, published.stderr
    page = (site.root / "published/admin/index.html").read_text(encoding="utf-8")
    assert "api/v1" not in page and "127.0.0.1" not in page and "ARCHIVE_LOCAL_BACKEND = " not in page
    for path in (site.root / "published").rglob("*"):
        if path.is_file():
            assert key not in path.read_bytes(), path


# --- The form's backend: bodies -------------------------------------------------------------------

def _raw_post(servers: Servers, body: bytes) -> tuple[int, dict]:
    status, _, answered = _call(servers.backend, "POST", servers.token_path, {
        "Host": servers.host, "Origin": servers.origin, "Content-Type": "application/json"}, body)
    return status, json.loads(answered)


SECRET = "NOI-DUNG-KHONG-DUOC-IN-RA"  # in each bad body: the terminal must never show it


@pytest.mark.parametrize("body, error", [
    (b"[" * 200_000, "Biểu mẫu từ chối một yêu cầu: JSON lồng sâu hơn 20 tầng"),
    (b'{"action": "persistEntry", "params": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001,
     "Biểu mẫu từ chối một yêu cầu: JSON lồng sâu hơn 20 tầng"),
    (('{"action": "persistEntry", "params": {"raw": "' + SECRET + '"').encode(),
     "Biểu mẫu từ chối một yêu cầu: nội dung không phải JSON hợp lệ"),
    (b'{"action": "info", "x": "\xff\xfe' + SECRET.encode() + b'"}',
     "Biểu mẫu từ chối một yêu cầu: nội dung không phải JSON hợp lệ"),
    (json.dumps([SECRET]).encode(), "Biểu mẫu từ chối một yêu cầu: thiếu hay sai action"),
    (json.dumps({"action": "persistEntry", "params": {"dataFiles": SECRET}}).encode(),
     "Biểu mẫu từ chối một yêu cầu: thiếu hay sai dataFiles"),
    (json.dumps({"action": "persistEntry", "params": {"dataFiles": [{"path": ARTICLE_PATH, "raw": 5}],
                                                      "assets": []}}).encode(),
     "Biểu mẫu từ chối một yêu cầu: thiếu hay sai raw"),
    (json.dumps({"action": "persistMedia", "params": {"asset": {"path": "content/2023/a.png", "content": SECRET,
                                                                "encoding": "hex"}}}).encode(),
     "Biểu mẫu từ chối một yêu cầu: thiếu hay sai encoding"),
    (json.dumps({"action": "getEntry", "params": None}).encode(), "Biểu mẫu từ chối một yêu cầu: thiếu hay sai path"),
])
def test_a_bad_body_gets_400_and_one_line_never_a_trace_or_the_body(servers, site, body, error):
    before = _tree(site.root)
    answers = []
    lines = servers.lines_during(lambda: answers.append(_raw_post(servers, body)))
    assert answers == [(400, {"error": error})]
    assert lines == [error + "\n"]
    assert _tree(site.root) == before


def test_an_unknown_action_and_a_huge_name_get_one_short_line(servers, site):
    before = _tree(site.root)
    long_name = "a" * 5000
    answers = []

    def attempt() -> None:
        answers.append(servers.post("x" * 5000 + SECRET, {}))
        answers.append(servers.post("persistMedia", {"branch": "main", "asset": {
            "path": f"content/2023/{long_name}.png", "content": base64.b64encode(SECRET.encode() * 5000).decode(),
            "encoding": "base64"}, "options": {"commitMessage": "x"}}))

    lines = servers.lines_during(attempt)
    assert [status for status, _, _ in answers] == [422, 422]
    assert len(lines) == 2 and all(len(line) < 300 and SECRET not in line for line in lines), lines
    assert lines[1].startswith("Từ chối: tên 'content/2023/aaaa") and "dài quá" in lines[1]
    assert _tree(site.root) == before


def test_a_body_over_50_mb_is_refused_before_it_is_sent(servers):
    with socket.create_connection(("127.0.0.1", servers.backend), timeout=30) as connection:
        connection.sendall(f"POST {servers.token_path} HTTP/1.1\r\nHost: {servers.host}\r\nOrigin: {servers.origin}"
                           f"\r\nContent-Type: application/json\r\nContent-Length: {60 * 1024 * 1024}\r\n\r\n"
                           .encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413 ") and "lớn hơn 50 MB".encode() in answer


# --- The form's backend: paths ------------------------------------------------------------------

@pytest.fixture
def links(site):
    """Links under content/ that lead out of it (to the templates, the config, nowhere), removed after."""
    made = [site.content / "t", site.content / "2023/link.md", site.content / "2023/nowhere.md",
            site.content / "2023/img"]
    made[0].symlink_to("../templates", target_is_directory=True)
    made[1].symlink_to("../../site_config.yaml")
    made[2].symlink_to("../../khong-co.md")
    made[3].symlink_to("../../templates/static", target_is_directory=True)
    yield
    for link in made:
        link.unlink()


def _asset(path: str) -> dict:
    return {"path": path, "content": base64.b64encode(b"x").decode(), "encoding": "base64"}


LINKED = [
    ("persistEntry", _write_params("content/t/x.md")),
    ("persistEntry", _write_params("content/t/base.md")),
    ("persistEntry", _write_params("content/2023/link.md")),
    ("persistEntry", _write_params("content/2023/nowhere.md")),
    ("persistEntry", {**_write_params("content/2023/2023-12-09-x.md"), "assets": [_asset("content/t/x.png")]}),
    ("persistMedia", {"branch": "main", "asset": _asset("content/t/x.png"), "options": {"commitMessage": "x"}}),
    ("persistMedia", {"branch": "main", "asset": _asset("content/2023/img/x.png"), "options": {"commitMessage": "x"}}),
    ("persistMedia", {"branch": "main", "asset": _asset("content/2023/img/new/x.png"),
                      "options": {"commitMessage": "x"}}),
    ("getEntry", {"branch": "main", "path": "content/t/base.html"}),
    ("getEntry", {"branch": "main", "path": "content/2023/link.md"}),
    ("getMediaFile", {"branch": "main", "path": "content/2023/img/chia-se.png"}),
    ("entriesByFolder", {"branch": "main", "folder": "content/t", "extension": "html", "depth": 1}),
    ("getMedia", {"branch": "main", "mediaFolder": "content/2023/img"}),
    ("deleteFile", {"branch": "main", "path": "content/t/base.html", "options": {"commitMessage": "x"}}),
    ("deleteFiles", {"branch": "main", "paths": ["content/2023/link.md"], "options": {"commitMessage": "x"}}),
    ("deleteFiles", {"branch": "main", "paths": ["content/2023/nowhere.md"], "options": {"commitMessage": "x"}}),
]


@pytest.mark.parametrize("action, params", LINKED)
def test_nothing_the_form_reads_or_writes_leaves_content_through_a_link(servers, site, links, action, params):
    before = _tree(site.root)
    answers = []
    lines = servers.lines_during(lambda: answers.append(servers.post(action, params)))
    status, _, body = answers[0]
    assert status == 422, body
    assert json.loads(body)["error"].startswith("Từ chối: đường dẫn '") and "nằm ngoài thư mục content/" in \
        json.loads(body)["error"]
    assert len(lines) == 1 and lines[0].startswith("Từ chối: đường dẫn '"), lines
    assert _tree(site.root) == before


def test_a_listing_leaves_out_links_that_lead_out_of_content(servers, links):
    status, _, body = servers.post(*ATTEMPTS["read"])
    listed = [entry["file"]["path"] for entry in json.loads(body)]
    assert status == 200 and sorted(listed) == sorted([ARTICLE_PATH, *OTHERS])


@pytest.mark.parametrize("params, error", [
    # the form never moves an entry of this collection: a forged newPath would (decap-server moved
    # every article of the folder with it)
    ({**_write_params(ARTICLE_PATH), "dataFiles": [{"path": ARTICLE_PATH, "raw": "x", "slug": "x",
                                                    "newPath": "content/2022/2022-12-01-x.md"}]},
     "Từ chối: biểu mẫu không chuyển bài 'content/2023/2023-12-01-trung-du-bac-bo.md' sang "
     "'content/2022/2022-12-01-x.md'; đổi tên hay chuyển thư mục một bài thì làm bằng tay."),
    ({**_write_params(ARTICLE_PATH), "dataFiles": [{"path": ARTICLE_PATH, "raw": "x", "slug": "x",
                                                    "newPath": "content/2023/2023-12-01-khac.md"}]},
     "Từ chối: biểu mẫu không chuyển bài 'content/2023/2023-12-01-trung-du-bac-bo.md' sang "
     "'content/2023/2023-12-01-khac.md'; đổi tên hay chuyển thư mục một bài thì làm bằng tay."),
    (_write_params("content/2023/ghi-chu.txt"),
     "Từ chối: 'content/2023/ghi-chu.txt' không phải chỗ của một bài viết (content/<năm>/<tên>.md); biểu mẫu chỉ "
     "lưu bài ở đó."),
    (_write_params("content/2023/a/b.md"),
     "Từ chối: 'content/2023/a/b.md' không phải chỗ của một bài viết (content/<năm>/<tên>.md); biểu mẫu chỉ lưu "
     "bài ở đó."),
    (_write_params("content/2023/.an.md"),
     "Từ chối: 'content/2023/.an.md' là tên ẩn (bắt đầu bằng dấu chấm); biểu mẫu không ghi tệp ẩn."),
    ({**_write_params("content/2023/2023-12-09-x.md"), "assets": [_asset(ARTICLE_PATH)]},
     "Từ chối: ảnh không được ghi thành 'content/2023/2023-12-01-trung-du-bac-bo.md'; tệp .md là bài viết."),
    ({**_write_params("content/2023/2023-12-09-x.md"), "assets": [_asset("site_config.yaml")]},
     "Từ chối: đường dẫn 'site_config.yaml' nằm ngoài thư mục content/; biểu mẫu chỉ ghi bài viết và ảnh vào "
     "content/."),
])
def test_the_backend_never_moves_an_entry_nor_writes_where_the_form_would_not(servers, site, params, error):
    before = _tree(site.root)
    answers = []
    lines = servers.lines_during(lambda: answers.append(servers.post("persistEntry", params)))
    assert [(status, json.loads(body)) for status, _, body in answers] == [(422, {"error": error})]
    assert lines == [error + "\n"]
    assert _tree(site.root) == before


# --- The form's backend: conflicts ----------------------------------------------------------------

CONFLICT = ("Chưa lưu: '{path}' trên đĩa đã khác bản biểu mẫu mở ra (có người sửa bên ngoài biểu mẫu); bản trên "
            "đĩa được giữ nguyên. Tải lại trang (F5) để mở bản mới nhất rồi sửa lại.")


def test_a_save_over_a_hand_edit_is_refused_with_409_and_the_hand_edit_stays(servers, site):
    path = OTHERS[0]
    article = site.root / path
    status, _, body = servers.post("getEntry", {"branch": "main", "path": path})  # the form opens it
    assert status == 200 and json.loads(body)["data"] == article.read_text(encoding="utf-8")
    by_hand = article.read_text(encoding="utf-8").replace("location: TP Hải Dương", "location: Sửa tay")
    article.write_text(by_hand, encoding="utf-8")
    answers = []
    from_form = by_hand.replace("Sửa tay", "Sửa trong biểu mẫu")
    lines = servers.lines_during(lambda: answers.append(servers.post("persistEntry", _write_params(path, from_form))))
    assert [(status, json.loads(body)) for status, _, body in answers] == [
        (409, {"error": CONFLICT.format(path=path)})]
    assert lines == [CONFLICT.format(path=path) + "\n"]
    assert article.read_text(encoding="utf-8") == by_hand
    # deleting it is refused the same way
    status, _, _ = servers.post("deleteFiles", {"branch": "main", "paths": [path], "options": {"commitMessage": "x"}})
    assert status == 409 and article.read_text(encoding="utf-8") == by_hand
    # opened again (the editor reloads), it saves
    assert json.loads(servers.post("getEntry", {"branch": "main", "path": path})[2])["data"] == by_hand
    assert servers.post("persistEntry", _write_params(path, from_form))[0] == 200
    assert article.read_text(encoding="utf-8") == from_form
    assert servers.post("persistEntry", _write_params(path, by_hand))[0] == 200  # its own save is no conflict
    assert article.read_text(encoding="utf-8") == by_hand


def test_a_file_the_form_never_opened_is_never_replaced(servers, site):
    path = site.write("content/2023/2023-12-20-chua-mo.md", ARTICLE.replace("2023-12-01", "2023-12-20"))
    relative = str(path.relative_to(site.root))
    status, _, body = servers.post("persistEntry", _write_params(relative))
    assert status == 409 and json.loads(body)["error"] == CONFLICT.format(path=relative)
    assert path.read_text(encoding="utf-8") == ARTICLE.replace("2023-12-01", "2023-12-20")
    path.unlink()


def _hash(text: str | bytes) -> str:
    import hashlib

    return hashlib.sha256(text if isinstance(text, bytes) else text.encode()).hexdigest()


def test_a_new_article_and_its_photo_are_written_whole_with_no_temporary_file_left(servers, site):
    path = "content/2023/2023-12-21-moi.md"
    entry = json.loads(servers.post("getEntry", {"branch": "main", "path": path})[2])  # Decap: is the slug free?
    assert entry == {"data": None, "file": {"path": path, "id": None}}
    photo = (ROOT / "templates/static/chia-se.png").read_bytes()
    params = {**_write_params(path, ARTICLE.replace("2023-12-01", "2023-12-21")), "assets": [
        {"path": "content/2023/anh-moi.png", "content": base64.b64encode(photo).decode(), "encoding": "base64"}]}
    assert servers.post("persistEntry", params)[0] == 200
    assert (site.root / path).read_text(encoding="utf-8") == ARTICLE.replace("2023-12-01", "2023-12-21")
    assert (site.root / "content/2023/anh-moi.png").read_bytes() == photo
    assert not [p for p in site.content.rglob(".*")]  # no temporary file left beside them
    listed = {e["file"]["path"]: e["file"]["id"] for e in json.loads(servers.post(*ATTEMPTS["read"])[2])}
    assert listed[path] == _hash(ARTICLE.replace("2023-12-01", "2023-12-21"))
    media = json.loads(servers.post("getMedia", {"branch": "main", "mediaFolder": "content/2023"})[2])
    assert [m["name"] for m in media if m["name"].endswith(".png")] == ["anh-moi.png"]
    assert servers.post("deleteFiles", {"branch": "main", "paths": [path, "content/2023/anh-moi.png"],
                                        "options": {"commitMessage": "x"}})[0] == 200
    assert not (site.root / path).exists() and not (site.content / "2023/anh-moi.png").exists()


# --- Saves never tear ----------------------------------------------------------------------------

@pytest.fixture
def backend(tmp_path):
    """The form's backend alone (no preview: its rebuilds would only slow the race), on a content/ of its own."""
    content = tmp_path / "content"
    (content / "2023").mkdir(parents=True)
    port = _free_pair()
    token = new_token()
    origin = f"http://127.0.0.1:{port - 1}"
    process = start_backend(content, port, token, [origin])
    assert process is not None
    headers = {"Host": f"127.0.0.1:{port}", "Origin": origin, "Content-Type": "application/json"}

    def post(action: str, params: dict) -> int:
        return _call(port, "POST", f"/api/v1/{token}", headers,
                     json.dumps({"action": action, "params": params}).encode())[0]

    assert wait_for(lambda: _answers(post), 30)
    yield content, post
    stop_backend(process, time.monotonic() + 5)


def _answers(post) -> bool:
    try:
        return post("info", {}) == 200
    except OSError:
        return False


def _race(start: threading.Barrier, save_by_hand) -> None:
    start.wait()
    for _ in range(3):
        save_by_hand()  # the same text again: the form's save is no conflict, and races it


def test_hand_saves_racing_form_saves_always_leave_one_whole_version(backend):
    content, post = backend
    path = "content/2023/2023-12-01-dua.md"
    article = content / "2023/2023-12-01-dua.md"
    by_hand = ARTICLE + "Sửa tay. " * 100_000  # 1 MB: a torn write would be seen
    from_form = ARTICLE + "Biểu mẫu. " * 120_000
    whole = {by_hand.encode(), from_form.encode()}
    seen: list[int] = []
    stop = threading.Event()

    def save_by_hand() -> None:  # as an editor saves: a whole new file renamed over the old one
        temporary = article.with_name(".tay.tmp")
        temporary.write_text(by_hand, encoding="utf-8")
        os.replace(temporary, article)

    def read() -> None:
        while not stop.is_set():
            data = article.read_bytes()
            if data not in whole:
                seen.append(len(data))

    save_by_hand()
    reader = threading.Thread(target=read)
    reader.start()
    statuses = []
    try:
        for _ in range(25):
            save_by_hand()
            assert post("getEntry", {"branch": "main", "path": path}) == 200  # the form opens the hand's version
            start = threading.Barrier(2)
            racer = threading.Thread(target=_race, args=(start, save_by_hand))
            racer.start()
            start.wait()
            statuses.append(post("persistEntry", _write_params(path, from_form)))
            racer.join()
            assert article.read_bytes() in whole
    finally:
        stop.set()
        reader.join()
    assert statuses == [200] * 25
    assert seen == [], f"torn files read, of {sorted(set(seen))} bytes"
    assert [p.name for p in (content / "2023").iterdir()] == [article.name]  # no temporary file left


# --- In Chromium: the form itself, and a page of another origin ----------------------------------

@pytest.mark.browser
def test_the_editor_sees_the_conflict_in_vietnamese_in_the_form_and_can_reload(page, servers, site):
    path = OTHERS[1]
    article = site.root / path
    original = article.read_text(encoding="utf-8")
    _open_form(page, servers.preview)
    page.get_by_text("Hội nghị thứ 3 của cụm").click()
    place = page.get_by_label("Địa điểm (không bắt buộc)", exact=True)
    place.wait_for()
    assert place.input_value() == "TP Hải Dương"
    by_hand = original.replace("location: TP Hải Dương", "location: Sửa tay")
    article.write_text(by_hand, encoding="utf-8")  # while the form has it open
    place.fill("Sửa trong biểu mẫu")
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay", exact=True).click()
    page.get_by_text(re.compile("Chưa lưu: '" + re.escape(path) + "' trên đĩa đã khác bản biểu mẫu mở ra")).wait_for()
    assert article.read_text(encoding="utf-8") == by_hand
    # reloaded, the form shows the hand's edit, and saves over it
    # leaving with the unsaved edit: yes; Decap's offer of that unsaved copy back on reopening: not taken
    page.on("dialog", lambda dialog: dialog.accept() if dialog.type == "beforeunload" else dialog.dismiss())
    page.reload()
    place = page.get_by_label("Địa điểm (không bắt buộc)", exact=True)
    place.wait_for()
    assert wait_for(lambda: place.input_value() == "Sửa tay", 30)
    place.fill("Sửa sau khi tải lại")
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_text("Công bố ngay", exact=True).click()
    page.get_by_text("THAY ĐỔI ĐÃ ĐƯỢC LƯU").wait_for()
    assert "location: Sửa sau khi tải lại" in article.read_text(encoding="utf-8")
    article.write_text(original, encoding="utf-8")


class _AttackerPage(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: object) -> None:
        pass


ATTACK = """<!doctype html><title>x</title><script>
window.results = {};
async function attempt(name, url, init) {
  try {
    const response = await fetch(url, init);
    results[name] = "read " + response.status + " " + (await response.text()).slice(0, 100);
  } catch (error) {
    results[name] = "blocked";
  }
}
(async () => {
  const write = JSON.stringify({action: "persistEntry", params: PARAMS});
  const read = JSON.stringify({action: "entriesByFolder", params: {branch: "main", folder: "content",
                                                                   extension: "md", depth: 2}});
  const json = {"Content-Type": "application/json"};
  await attempt("write", API, {method: "POST", headers: json, body: write});
  await attempt("write, no-cors", API, {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
                                         body: write});
  await attempt("read", API, {method: "POST", headers: json, body: read});
  await attempt("the form page", PREVIEW + "admin/", {});
  await attempt("the site", PREVIEW, {});
  window.done = true;
})();
</script>"""


@pytest.mark.browser
def test_a_page_of_another_origin_in_chromium_can_neither_write_nor_read(page, servers, site):
    """Even knowing the session's key (the worst case): the backend refuses its origin, the browser
    keeps the preview's answers from it."""
    params = _write_params(ARTICLE_PATH, "---\ntitle: Bị ghi đè\n---\n")
    _AttackerPage.page = (ATTACK.replace("PARAMS", json.dumps(params)).replace("API", json.dumps(servers.preview.api))
                          .replace("PREVIEW", json.dumps(servers.preview.url))).encode()
    attacker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AttackerPage)
    thread = threading.Thread(target=attacker.serve_forever)
    thread.start()
    origin = f"http://127.0.0.1:{attacker.server_address[1]}"
    before = _tree(site.root)
    try:
        def attack() -> None:
            page.goto(origin + "/")
            page.wait_for_function("window.done === true", timeout=30_000)

        lines = servers.lines_during(attack)
    finally:
        attacker.shutdown()
        attacker.server_close()
        thread.join()
    results = page.evaluate("window.results")
    assert results == {"write": "blocked", "write, no-cors": "read 0 ", "read": "blocked",
                       "the form page": "blocked", "the site": "blocked"}  # (no-cors: an opaque answer, unread)
    assert _tree(site.root) == before
    # the preflights of the two CORS calls and the no-cors call itself reached the backend, and were refused
    assert lines == [f"Biểu mẫu từ chối một yêu cầu từ trang '{origin}': chỉ trang /admin/ của bản xem trước được "
                     "đọc và ghi bài\n"] * 3


def _serving(body: str):
    """A route handler answering with this page."""
    return lambda route: route.fulfill(content_type="text/html", body=body)


@pytest.mark.browser
def test_a_rebinding_page_in_chromium_is_refused_by_both_servers(browser, servers, site):
    """A page of http://evil.example:PORT (served by the attacker, then re-bound to 127.0.0.1) is
    same-origin with the servers' ports: the browser lets it read, so the servers' Host check must
    refuse it. Run in a Chromium of its own beside the shared one: its resolver mapped, and its own
    guard against this (Private Network Access: a page of a public address may not fetch from
    127.0.0.1) turned off, as a browser without it would (Firefox; an older Chromium; an attacker's
    page over HTTPS, which that guard only asks a preflight of), so that the requests reach the
    servers and their refusal is what is tested."""
    script = ("""<!doctype html><script>
window.results = {};
(async () => {
  for (const [name, url, init] of [["site", "/", {}], ["form page", "/admin/", {}], ["backend", API, INIT]]) {
    try {
      const response = await fetch(url, init);
      results[name] = response.status + " " + (await response.text()).slice(0, 60);
    } catch (error) {
      results[name] = "blocked";
    }
  }
  window.done = true;
})();
</script>""")
    params = _write_params(ARTICLE_PATH, "---\ntitle: Bị ghi đè\n---\n")
    init = {"method": "POST", "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"action": "persistEntry", "params": params})}
    before = _tree(site.root)
    found: dict[int, dict] = {}
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1",
        "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,"
        "PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks"])
    try:
        for port in (servers.port, servers.backend):
            api = f"http://evil.example:{servers.backend}{servers.token_path}" if port == servers.backend else "/x"
            body = script.replace("API", json.dumps(api)).replace("INIT", json.dumps(init))
            context = chromium.new_context()
            tab = context.new_page()
            # the attacker's page, as their server sent it before the name was re-bound
            tab.route(f"http://evil.example:{port}/attack.html", _serving(body))

            def attack(tab=tab, port=port) -> None:
                tab.goto(f"http://evil.example:{port}/attack.html")
                tab.wait_for_function("window.done === true", timeout=30_000)

            lines = servers.lines_during(attack)
            found[port] = {"results": tab.evaluate("window.results"), "lines": lines}
            context.close()
    finally:
        chromium.close()
    preview, backend = found[servers.port], found[servers.backend]
    assert all(result.startswith("403 ") and "Trung du" not in result for result in preview["results"].values()), \
        preview
    assert all(result.startswith("403 ") for result in backend["results"].values()), backend
    assert _tree(site.root) == before
    assert len(preview["lines"]) == 3 and all(f"Host 'evil.example:{servers.port}'" in line
                                              for line in preview["lines"]), preview["lines"]
    assert len(backend["lines"]) == 3 and all(f"Host 'evil.example:{servers.backend}'" in line
                                              for line in backend["lines"]), backend["lines"]

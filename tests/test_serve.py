"""The live preview listens on 127.0.0.1 unless told otherwise and never serves a file outside output/.

Requests are sent over raw sockets so that '..', '%2e%2e' and friends reach
the server exactly as written, unnormalised by any client.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.cli import _parser
from conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # each test runs build.py serve (and the form's Node backend) or signals one
SECRET = "bí mật ngoài output"
# s: the most a test waits for a preview to stop after SIGTERM. It stops within a second
# (test_the_preview_stops_within_a_second_and_each_part_with_it); a preview that does not fails.
STOP_WAIT = 5


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """GET target exactly as given; the status code and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def _wait_until_serving(server: subprocess.Popen, port: int, seconds: float, output) -> None:
    """Until the preview server answers on port; a failure with its output when it ends or takes longer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if raw_get(port, "/")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail("the preview server did not start:\n" + output())
        time.sleep(0.1)


def _listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on port, from /proc/net/tcp{,6}."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if int(local_port, 16) == port and state == "0A":  # LISTEN
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    words = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, 32, 8))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """build.py serve on a free port in a scratch site, with secrets beside output/."""
    from conftest import new_site

    site = new_site(tmp_path_factory.mktemp("serve") / "site")
    site.write("secret.txt", SECRET)
    site.write("content/secret.txt", SECRET)
    port = free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                              cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        def output() -> str:
            server.kill()
            return server.communicate()[0]

        _wait_until_serving(server, port, 20, output)
        yield site, port
    finally:
        server.terminate()
        server.communicate(timeout=STOP_WAIT)


def test_serve_listens_on_loopback_only_by_default(preview):
    scratch, port = preview
    assert _listening_addresses(port) == {"127.0.0.1"}
    assert _parser().parse_args(["serve"]).host == "127.0.0.1"


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/../content/secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt", "/static/../../secret.txt", "/static/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt",
    "/%2e%2e%5csecret.txt", "//../secret.txt", "/./../secret.txt", "/%252e%252e/secret.txt",
    "/" + str(Path("/etc/hostname")), "/%2fetc%2fhostname", "/....//secret.txt",
])
def test_serve_never_serves_a_file_outside_output(preview, target):
    scratch, port = preview
    status, body = raw_get(port, target)
    assert SECRET.encode() not in body, f"{target} leaked a file outside output/"
    assert status in (400, 403, 404), f"{target}: HTTP {status}"
    assert b"Traceback" not in body


@pytest.mark.parametrize("target", ["/a%00b", "/%00", "/index.html%00.txt", "/a\x00b", "/%zz", "/%", "/abc%4",
                                    "/%c3%28", "/%ff%fe/index.html"])
def test_serve_answers_an_impossible_path_with_400(preview, target):
    scratch, port = preview
    status, body = raw_get(port, target)
    assert status == 400, f"{target!r}: HTTP {status}"
    assert b"Traceback" not in body
    assert raw_get(port, "/")[0] == 200  # and goes on serving


def test_serve_refuses_symlinks_out_of_output(preview):
    scratch, port = preview
    (scratch.output / "lien-ket.txt").symlink_to(scratch.root / "secret.txt")
    (scratch.output / "thu-muc").symlink_to(scratch.root / "content", target_is_directory=True)
    for target in ("/lien-ket.txt", "/thu-muc/secret.txt"):
        status, body = raw_get(port, target)
        assert SECRET.encode() not in body, f"{target} followed a symlink out of output/"
        assert status in (403, 404), f"{target}: HTTP {status}"
    assert raw_get(port, "/2023/trung-du-bac-bo/")[0] == 200  # real pages still served


# --- Live edits: what the open tab sees ---------------------------------------------------------

EDIT_WAIT = 60  # s: the most a test waits for the server to take an edit in


class _Tab:
    """What livereload.js does in a browser tab: a websocket to /livereload, told when to reload."""

    def __init__(self, port: int, page: str):
        import asyncio
        import json
        import queue

        from tornado.websocket import websocket_connect

        self.messages: queue.Queue = queue.Queue()
        self.loop = asyncio.new_event_loop()
        self.closed = threading.Event()
        self.hellos = 0  # sent to the server; it answers each with a hello of its own
        ready = threading.Event()

        async def listen() -> None:
            self.connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
            self.hello()
            self.connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}{page}"}))
            ready.set()
            answered = 0
            try:
                # until the connection is closed, by the test (close()) or by the server going away:
                # read_message() gives None once the closing handshake is done and the socket closed
                while (message := await self.connection.read_message()) is not None:
                    message = json.loads(message)
                    if message.get("command") == "hello":
                        answered += 1
                        message["answer"] = answered
                    self.messages.put(message)
            finally:
                self.connection.close()

        def run() -> None:
            try:
                self.loop.run_until_complete(listen())
            except BaseException:  # the server went away before the handshake
                pass
            self.closed.set()

        threading.Thread(target=run, daemon=True).start()
        assert ready.wait(10)

    def hello(self) -> int:
        """Say hello (from any thread, as livereload.js does on connecting); which hello it is."""
        import json

        self.hellos += 1
        message = json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        self.loop.call_soon_threadsafe(self.connection.write_message, message)
        return self.hellos

    def reloads(self) -> dict:
        """The next reload the tab is told to do."""
        import queue

        deadline = time.monotonic() + EDIT_WAIT
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            if message.get("command") == "reload":
                return message
        pytest.fail("the tab was not told to reload")

    def told_nothing_yet(self) -> bool:
        """No reload is on its way to the tab for anything the server did before now: the server
        answers a hello sent now with none before its answer. (It sends in order, and a reload is
        queued in its loop from the rebuild thread before the build prints its line.)"""
        hello = self.hello()
        deadline = time.monotonic() + EDIT_WAIT
        while (message := self.messages.get(timeout=max(0, deadline - time.monotonic()))).get("answer") != hello:
            if message.get("command") == "reload":
                return False
        return True

    def close(self) -> None:
        """Close the connection with the closing handshake, so that its socket is closed, then the loop."""
        if not self.closed.is_set():
            self.loop.call_soon_threadsafe(self.connection.close)
        assert self.closed.wait(10), "the tab's connection did not close"
        self.loop.close()


def _get(port: int, path: str) -> tuple[int, str]:
    status, body = raw_get(port, path)
    return status, body.decode("utf-8", "replace")


def _shows(port: int, path: str, text: str) -> bool:
    """The page comes to show text (an editor's save may take the server more than one rebuild)."""
    deadline = time.monotonic() + EDIT_WAIT
    while time.monotonic() < deadline:
        status, body = _get(port, path)
        if status == 200 and text in body:
            return True
        time.sleep(0.05)
    return False


def _gone(port: int, path: str) -> bool:
    deadline = time.monotonic() + EDIT_WAIT
    while _get(port, path)[0] != 404:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@contextlib.contextmanager
def _preview(site: Path, port: int) -> Iterator[tuple[subprocess.Popen, list[str]]]:
    """build.py serve in site, once it serves on port: (the process, its output lines so far).
    Stopped on leaving (SIGTERM, then SIGKILL past STOP_WAIT), unless the test stopped it first."""
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                              cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        _wait_until_serving(server, port, 60, lambda: "".join(lines))
        yield server, lines
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        reader.join(timeout=10)
        server.stdout.close()


@pytest.fixture
def live_preview(tmp_path):
    """build.py serve on a 30-article corpus; yields (site folder, port, tab, output lines so far)."""
    from bench.corpus import write_corpus

    site = tmp_path / "site"
    write_corpus(30, site)
    port = free_port()
    with _preview(site, port) as (_, lines):
        tab = _Tab(port, "/")
        try:
            yield site, port, tab, lines
        finally:
            tab.close()


def _article_url(article: Path) -> str:
    return f"/{article.parent.name}/{article.stem[11:]}/"


def test_an_edited_article_reloads_the_tab_with_it_and_the_pages_listing_it(live_preview):
    site, port, tab, lines = live_preview
    article = sorted((site / "content").rglob("*.md"))[-1]
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Tiêu đề đã sửa ", 1),
                       encoding="utf-8")
    assert tab.reloads()["path"] == "*"
    for page in (_article_url(article), "/", "/feed.xml", f"/nam/{article.parent.name}/"):
        status, body = _get(port, page)  # right as soon as the tab is told to reload
        assert status == 200 and "Tiêu đề đã sửa" in body, page


def test_an_article_in_a_new_folder_shows_up_and_a_deleted_one_goes(live_preview):
    site, port, tab, lines = live_preview
    articles = sorted((site / "content").rglob("*.md"))
    added = site / "content" / "2026" / "2026-03-02-hoi-nghi-moi.md"
    added.parent.mkdir()
    added.write_text(articles[0].read_text(encoding="utf-8").replace("date: '", "date: '2026-03-02' #", 1)
                     .replace("title: ", "title: Bài mới ", 1), encoding="utf-8")
    tab.reloads()
    assert _shows(port, "/2026/hoi-nghi-moi/", "Bài mới")
    assert _shows(port, "/nam/2026/", "Bài mới")
    articles[1].unlink()
    tab.reloads()
    assert _gone(port, _article_url(articles[1]))


def test_template_and_config_edits_are_picked_up(live_preview):
    site, port, tab, lines = live_preview
    article = sorted((site / "content").rglob("*.md"))[5]
    template = site / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("Ngày họp", "Ngày diễn ra hội nghị"),
                        encoding="utf-8")
    tab.reloads()
    assert _shows(port, _article_url(article), "Ngày diễn ra hội nghị")
    config = site / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: ", "title: Kho lưu trữ mới · ", 1),
                      encoding="utf-8")
    tab.reloads()
    assert _shows(port, "/", "Kho lưu trữ mới")
    assert _shows(port, _article_url(article), "Kho lưu trữ mới")


def test_a_broken_edit_prints_its_error_and_keeps_the_last_good_site(live_preview):
    site, port, tab, lines = live_preview
    article = sorted((site / "content").rglob("*.md"))[7]
    good = _get(port, _article_url(article))[1]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("cluster: ", "cluster: khong-co-cum-nay-", 1), encoding="utf-8")
    deadline = time.monotonic() + EDIT_WAIT
    while not any("khong-co-cum-nay" in line for line in lines):
        assert time.monotonic() < deadline, "the error was not printed:\n" + "".join(lines)
        time.sleep(0.1)
    assert any(line.startswith(str(article.relative_to(site))) and "cluster" in line for line in lines)
    assert tab.told_nothing_yet()  # nothing to reload: the tab keeps the last good page
    assert _get(port, _article_url(article)) == (200, good)
    article.write_text(text.replace("title: ", "title: Đã sửa lỗi ", 1), encoding="utf-8")
    tab.reloads()
    assert _shows(port, _article_url(article), "Đã sửa lỗi")


def test_a_stylesheet_edit_swaps_the_stylesheet_in_place(live_preview):
    site, port, tab, lines = live_preview
    style = site / "templates" / "static" / "style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\n.moi { color: #123456; }\n", encoding="utf-8")
    assert tab.reloads()["path"] == "style.css"  # livereload.js reloads that stylesheet, not the page
    assert _shows(port, "/static/style.css", "#123456")


def test_content_deleted_and_restored_is_watched_again(live_preview):
    import shutil

    site, port, tab, lines = live_preview
    content = site / "content"
    backup = site.parent / "content-backup"
    shutil.copytree(content, backup)
    shutil.rmtree(content)
    deadline = time.monotonic() + EDIT_WAIT
    while not any("không tìm thấy thư mục" in line for line in lines):  # the build after the deletion failed
        assert time.monotonic() < deadline, "the deletion was not noticed:\n" + "".join(lines)
        time.sleep(0.1)
    shutil.copytree(backup, content)  # restored: a folder of its own, which no watch knew
    while not any(line.startswith("Đã lưu content: vẽ lại") for line in lines):  # built again once it is back
        assert time.monotonic() < deadline, "the restored folder was not noticed:\n" + "".join(lines)
        time.sleep(0.1)
    article = sorted(content.rglob("*.md"))[3]
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Sửa sau khi khôi phục ", 1),
                       encoding="utf-8")
    tab.reloads()
    assert _shows(port, _article_url(article), "Sửa sau khi khôi phục")


# --- Stopping ------------------------------------------------------------------------------------

def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _cache_files(site: Path) -> dict[str, tuple[int, int]]:
    return {str(path): (path.stat().st_mtime_ns, path.stat().st_size)
            for path in sorted((site / ".cache").rglob("*")) if path.is_file()}


def test_the_preview_stops_within_a_second_and_each_part_with_it(tmp_path):
    """SIGTERM (as Ctrl+C) with a tab open after an edit: the preview ends within a second (it takes
    about a tenth), its form backend reaped before it, the caches of the edit saved, the tab's
    connection closed, the lock free and no temporary folder left. (1 s: what an editor notices.)"""
    from conftest import new_site
    from test_admin import _free_pair
    from test_interrupted_build import _locked

    site = new_site(tmp_path / "site")
    port = _free_pair()  # (the form's backend at the next port)
    with _preview(site.root, port) as (server, lines):
        assert any(line.startswith("Biểu mẫu biên tập") for line in lines), lines  # the backend started
        backend = _children(server.pid)
        assert len(backend) == 1, backend
        tab = _Tab(port, "/")
        try:
            article = site.content / "2023/2023-12-01-trung-du-bac-bo.md"
            article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Sửa ", 1),
                               encoding="utf-8")
            tab.reloads()
            deadline = time.monotonic() + EDIT_WAIT
            while not any(line.startswith("Đã lưu") for line in lines):  # the whole rebuild done
                assert time.monotonic() < deadline, "".join(lines)
                time.sleep(0.05)
            cached = _cache_files(site.root)  # as the first build saved them: the edit is in memory only
            started = time.monotonic()
            server.terminate()
            returncode = server.wait(timeout=30)
            took = time.monotonic() - started
            closed_by_the_preview = tab.closed.wait(5)  # (before the test's own close() below)
        finally:
            tab.close()
    assert took < 1.0, f"the preview took {took:.2f} s to stop"
    assert returncode == 0, "".join(lines)
    assert not any(Path(f"/proc/{pid}").exists() for pid in backend), "the form's backend was not reaped"
    assert _cache_files(site.root) != cached, "the caches were not saved"
    assert closed_by_the_preview, "the tab's connection was left open"
    assert not _locked(site.root) and not list(site.root.glob(".output.*.tmp"))
    assert "Traceback" not in "".join(lines) and "Error" not in "".join(lines), "".join(lines)


_SIGNAL_IN_A_BARE_EXCEPT = """
import asyncio, os, signal, sys
from livereload.handlers import LiveReloadHandler
from archive.cli import _stop_on_signals
from archive.preview.serve import _stopped_by_signals

class Tab:  # being written to when SIGTERM comes, inside livereload's bare except
    def write_message(self, message):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(200_000):
            pass

_stop_on_signals()  # as build.py serve runs: cli.py's handlers first
loop = asyncio.new_event_loop()
loop.call_soon(LiveReloadHandler.send_message, Tab(), "{}")
loop.call_later(10, lambda: (print("deaf to SIGTERM"), loop.stop()))
with _stopped_by_signals(loop):
    loop.run_forever()
print("stopped")
"""


def test_a_signal_that_comes_while_a_tab_is_written_to_stops_the_preview():
    """The signal stops the loop between callbacks: raised inside one (cli.py's Stopped), it was
    lost in livereload's `except:` around write_message, and the preview never stopped."""
    result = subprocess.run([sys.executable, "-c", _SIGNAL_IN_A_BARE_EXCEPT], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout) == (0, "stopped\n"), result.stdout + result.stderr
    assert "Error sending message" not in result.stderr, result.stderr


def test_stopping_gives_each_part_of_the_preview_until_one_deadline(tmp_path):
    """A backend deaf to SIGTERM, a build that goes on and a watcher that does not look up: the
    stop still ends within its bound, the backend killed, the caches left as they were."""
    import signal

    from archive.make.pipeline import Caches, Memory, Options
    from archive.preview.serve import _STOP_SIGNALS, _STOP_WITHIN, _Board, _Rebuilder, _stop, _Tabs

    deaf = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                             "print('deaf', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    release = threading.Event()
    watcher = threading.Thread(target=release.wait, daemon=True)
    watcher.start()
    rebuilder = _Rebuilder(Options(), Memory(Caches(tmp_path / "cache")), _Tabs(), _Board())
    rebuilder.building.acquire()  # a build, running
    handlers = {signum: signal.getsignal(signum) for signum in _STOP_SIGNALS}
    try:
        assert deaf.stdout.readline() == "deaf\n"
        started = time.monotonic()
        _stop(deaf, watcher, threading.Event(), rebuilder)
        took = time.monotonic() - started
    finally:
        for signum, handler in handlers.items():  # (_stop ignores them, for the rest of the preview's life)
            signal.signal(signum, handler)
        release.set()
        rebuilder.building.release()
        if deaf.poll() is None:
            deaf.kill()
        deaf.wait()
        deaf.stdout.close()
    assert _STOP_WITHIN <= took < 1.0, took
    assert deaf.returncode == -signal.SIGKILL
    assert rebuilder.stopping and not (tmp_path / "cache").exists()

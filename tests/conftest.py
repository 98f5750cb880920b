"""Shared fixtures: scratch sites in tmp_path, the built sample archive, a real browser."""
from __future__ import annotations

import contextlib
import functools
import gc
import http.server
import os
import random
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Every run tries the same examples (Hypothesis's own "ci" profile: derandomized, no database of
# failing examples found before), so that whether the suite passes depends on the code alone, as
# it already did in CI. HYPOTHESIS_PROFILE=default explores anew each run, to hunt for new bugs.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ARTICLE = """\
---
title: Hội nghị tổng kết cụm Trung du Bắc Bộ
date: 2023-12-01
cluster: trung-du-bac-bo
kind: tong-ket
provinces: [Hải Dương, Bắc Ninh]
location: TP Hải Dương
results:
  figures:
    member_cooperatives: 2177
    loans_vnd: 226000000000
---
Sáng 1/12, tại TP Hải Dương, Liên minh Hợp tác xã các tỉnh cụm Trung du Bắc Bộ họp tổng kết.

![Toàn cảnh hội nghị]()
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a built site, path -> bytes ({} when there is none), to compare two builds."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class ScratchSite:
    """A small site in a temporary folder: the real config and templates, articles of the test's own."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """python build.py ARGS in the site's folder, as an editor would run it."""
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=self.root,
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})

    def snapshot(self) -> dict[str, bytes]:
        """Every file of output/, to compare before and after a build."""
        return snapshot(self.output)


def new_site(root: Path) -> ScratchSite:
    """A scratch site at root (made here): the real config and templates, and ARTICLE."""
    site = ScratchSite(root)
    site.root.mkdir()
    shutil.copy(ROOT / "site_config.yaml", site.root / "site_config.yaml")
    shutil.copytree(ROOT / "templates", site.root / "templates")
    site.write("content/2023/2023-12-01-trung-du-bac-bo.md", ARTICLE)
    return site


def free_port() -> int:
    """A free port whose next is free too (the preview's form backend listens there), below the
    system's range of ephemeral ports. A port the system picks, as bind(0) does, lies in that range,
    and its next could go to a connection another test opened meanwhile: the preview then said
    its form could not start (one run of the suite in several)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as ranges:
            ephemeral = int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32768
    while True:
        port = random.SystemRandom().randrange(10000, max(ephemeral, 12000) - 1)  # (no seed a test set)
        with contextlib.ExitStack() as probes:
            try:
                for number in (port, port + 1):
                    probe = probes.enter_context(socket.socket())
                    probe.bind(("127.0.0.1", number))
            except OSError:
                continue
        return port


def wait_for(predicate, seconds: float) -> bool:
    """Until predicate() holds, polled (for what a server answers or prints, outside any page)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session", autouse=True)
def cache_key_folder(tmp_path_factory):
    """The key .cache/ files are signed with (archive/make/cache.py) is made in a folder of the
    test run's own, never in the user's ~/.cache: XDG_CACHE_HOME, for the builds in this process
    and the ones it starts."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


def waits_for_lock(lock: Path, pid: int) -> bool:
    """Whether process pid (a thread of it, or itself) is blocked in flock() on the lock file, as
    /proc/locks lists a waiter ("->"): proof that a build is waiting, not merely slow to finish."""
    info = lock.stat()
    file = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if fields[1:3] == ["->", "FLOCK"] and fields[5] == str(pid) and fields[6] == file:
            return True
    return False


_OPEN_BEFORE = pytest.StashKey[set]()


def _open_files() -> set[tuple[str, str]] | None:
    """This process's open file descriptors with what each is (a socket's inode, a file's path); None off Linux."""
    try:
        numbers = os.listdir("/proc/self/fd")
    except OSError:
        return None
    found = set()
    for number in numbers:
        try:
            found.add((number, os.readlink(f"/proc/self/fd/{number}")))
        except OSError:  # (the listing's own, closed by now)
            pass
    return found


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    item.stash[_OPEN_BEFORE] = _open_files()
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """After each test and its fixtures: fail the test that left an unclosed socket or file for the
    collector, rather than whichever test the collector happens to close it in later (there, under
    filterwarnings = error, it broke an unrelated test). Such a leak holds a descriptor open, so the
    garbage is collected (walking every object: up to a second with a large heap) only after a test
    that left one open that was not open before it."""
    result = yield
    before, after = item.stash.get(_OPEN_BEFORE, None), _open_files()
    if before is not None and after is not None and after <= before:
        return result
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    leaks = [warning for warning in caught if issubclass(warning.category, ResourceWarning)]
    for warning in caught:
        if warning not in leaks:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    if leaks:
        pytest.fail(f"{item.nodeid} left {len(leaks)} resource(s) unclosed:\n" + "\n".join(map(_allocated, leaks)),
                    pytrace=False)
    return result


def _allocated(warning: warnings.WarningMessage) -> str:
    """A ResourceWarning, with where the object was made when tracemalloc traces (-X tracemalloc=20: unlike
    PYTHONTRACEMALLOC, not passed on to the builds and servers the tests start, which it slows many times)."""
    made = tracemalloc.get_object_traceback(warning.source) if warning.source is not None else None
    if made is None:
        return f"{warning.message}\n  (run python -X tracemalloc=20 -m pytest to see where it was made)"
    frames = [f'  File "{frame.filename}", line {frame.lineno}' for frame in made
              if not any(part in frame.filename for part in ("/_pytest/", "/pluggy/"))]
    return "\n".join([str(warning.message), *frames])


@pytest.fixture
def scratch(tmp_path: Path) -> ScratchSite:
    return new_site(tmp_path / "site")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The real sample archive of content/, built once into a temporary output folder."""
    out = tmp_path_factory.mktemp("sample") / "output"
    result = subprocess.run([sys.executable, "build.py", "--output", str(out)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. In CI a missing browser fails, never skips."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 780})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def served(sample_site, tmp_path_factory):
    """The sample archive on a loopback port, under a sub-path as a real host might put it."""
    host_root = tmp_path_factory.mktemp("host")
    (host_root / "luu-tru").symlink_to(sample_site, target_is_directory=True)
    handler = functools.partial(_QuietHandler, directory=str(host_root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/luu-tru/"
    server.shutdown()
    server.server_close()


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # (a tab closed mid-answer: not news)
            super().handle_error(request, client_address)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# Module fixtures that build a corpus of a thousand articles or more (seconds each): their tests go
# to one worker together (make test: --dist loadgroup), so each corpus is built once, not on every core.
BUILT_ONCE = ("reader_site", "ranking_site", "common_phrase_site")


@pytest.hookimpl(tryfirst=True)  # (before pytest-xdist reads the groups)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium (marked, or given the browser or page fixture) is a browser
    test, and a slow one: make quick (pytest -m "not slow") leaves it out."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("browser") or {"browser", "page"} & fixtures:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
        for corpus in fixtures.intersection(BUILT_ONCE):
            item.add_marker(pytest.mark.xdist_group(corpus))

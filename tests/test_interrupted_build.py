"""A build killed with SIGKILL at any moment leaves the previous output/ whole; the next build succeeds;
builds that overlap wait for each other; a signal ends a build's workers and removes its temporary folder.

Real `python build.py` processes on a 200-article corpus (bench/corpus.py)
are killed while loading, while rendering, as the temporary folder appears,
part-way through writing it and around the swap; after each kill output/ is
exactly the previous site or exactly the new one, never a mix.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from conftest import snapshot, waits_for_lock

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # signals and killed builds, each a whole corpus build



def _as_from_a_terminal() -> None:
    # Ctrl+C reaches a command typed in a terminal; a shell's background job (`make test &`, a CI
    # runner's) ignores SIGINT, and so would every build started from it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _at_low_priority() -> None:
    _as_from_a_terminal()
    os.nice(19)


def _start(root: Path, *args: str, stderr=subprocess.PIPE, cache: bool = False, preexec_fn=_as_from_a_terminal,
           **popen) -> subprocess.Popen:
    # --no-cache: every build does all its work, so the kill points fall inside it (with the
    # cache, after a build of its own, a build makes only what changed).
    # ARCHIVE_WORKERS=2: the pages are drawn by worker processes even on one core.
    flags = [] if cache else ["--no-cache"]
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), *flags, *args], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=preexec_fn,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "ARCHIVE_WORKERS": "2"}, **popen)


def _build(root: Path, *args: str, cache: bool = False) -> float:
    started = time.monotonic()
    process = _start(root, *args, cache=cache)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def _staging(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.name.startswith(".output.") and p.is_dir()]


def _written(folders: list[Path]) -> int:
    return sum(len(files) for folder in folders for _, _, files in os.walk(folder))


def _kill_when(process: subprocess.Popen, ready, limit: float) -> str:
    """SIGKILL the build once ready() holds (or at limit seconds); what happened."""
    deadline = time.monotonic() + limit
    while process.poll() is None:
        if ready() or time.monotonic() > deadline:
            process.send_signal(signal.SIGKILL)
            # Its worker processes end with it: none keeps its output open (that would hang here).
            process.communicate(timeout=30)
            return "killed"
        time.sleep(0.002)
    process.communicate()
    return "finished first"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("interrupted") / "site"
    write_corpus(200, root)
    return root


def test_a_killed_build_leaves_the_previous_site_or_the_new_one_never_a_mix(corpus, tmp_path):
    output = corpus / "output"
    seconds = _build(corpus)
    old = snapshot(output)
    assert len(old) > 400

    # The next build differs in every page that lists the changed article, and in the search index.
    article = sorted((corpus / "content").rglob("*.md"))[-1]
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Đã sửa ", 1), encoding="utf-8")
    _build(corpus, "--output", str(tmp_path / "expected"))
    new = snapshot(tmp_path / "expected")
    assert new != old

    total = len(new)

    def site() -> str:
        after = snapshot(output) if output.exists() else {}
        return "old site" if after == old else "new site" if after == new else "a mix of the old and new site"

    # Frozen at the point, then killed: each of these is reached in every run, however loaded the machine.
    frozen = {
        "as the temporary folder appears": lambda fresh: bool(fresh),
        "with a quarter written": lambda fresh: _written(fresh) >= total // 4,
        "with most written": lambda fresh: _written(fresh) >= total * 9 // 10,
    }
    outcomes = {}
    for name, ready in frozen.items():
        process = _frozen_before_the_swap(corpus, set(_staging(corpus)), ready)
        process.send_signal(signal.SIGKILL)
        # A worker frozen before it could ask to die with the build sees, once thawed, that the
        # build is gone, and ends (parallel._bound_to); none keeps the build's output open.
        os.killpg(process.pid, signal.SIGCONT)
        process.communicate(timeout=30)
        outcomes[name] = f"killed, {site()}"
    # Killed at a share of a clean build's time, or once every file is written: wherever the build
    # then is, before the swap or after it (or it finished first).
    def all_written(leftovers: set[Path]) -> bool:
        return _written([folder for folder in _staging(corpus) if folder not in leftovers]) >= total

    timed = {"while loading (10%)": 0.1, "while rendering (50%)": 0.5, "with every file written": 2.0,
             "around the swap (95%)": 0.95, "around the swap (100%)": 1.0}
    for name, share in timed.items():
        ready = functools.partial(all_written, set(_staging(corpus))) if name == "with every file written" \
            else (lambda: False)
        outcomes[name] = f"{_kill_when(_start(corpus), ready, seconds * share)}, {site()}"
    assert all(outcomes[name] == "killed, old site" for name in frozen), outcomes
    assert all(outcome.endswith(("old site", "new site")) for outcome in outcomes.values()), outcomes

    _build(corpus)
    assert snapshot(output) == new
    # (it deletes the killed builds' folders in the background, as the previous site after a swap)
    assert _wait_for(lambda: _staging(corpus) == [], 10), "the next build left temporary folders behind"


def test_a_killed_build_of_the_changes_leaves_the_previous_site(tmp_path):
    """A build with the cache after one of its own makes only what changed and links the rest
    from output/ into its temporary folder: killed there, output/ is the previous site, whole."""
    root = tmp_path / "site"
    write_corpus(200, root)
    output = root / "output"
    _build(root, cache=True)
    old = snapshot(output)
    article = sorted((root / "content").rglob("*.md"))[7]
    article.write_text(article.read_text(encoding="utf-8") + "\nMột câu thêm vào.\n", encoding="utf-8")
    _build(root, "--output", str(tmp_path / "expected"))
    new = snapshot(tmp_path / "expected")
    assert new != old

    frozen = {
        "as the temporary folder appears": bool,
        "with part of the site linked": lambda fresh: _written(fresh) >= 50,
    }
    for name, ready in frozen.items():
        process = _frozen_before_the_swap(root, set(_staging(root)), ready, cache=True)
        process.send_signal(signal.SIGKILL)
        os.killpg(process.pid, signal.SIGCONT)
        process.communicate(timeout=30)
        assert snapshot(output) == old, f"killed {name}: output/ is not the previous site"

    _build(root, cache=True)
    assert snapshot(output) == new
    assert _wait_for(lambda: _staging(root) == [], 10), "the next build left temporary folders behind"


def _locked(root: Path) -> bool:
    """Whether a build holds output/'s lock."""
    lock = root / ".output.lock"
    if not lock.exists():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _wait_for(ready, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while not ready():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


PAUSES = ["holding the lock, while loading", "as its temporary folder appears", "with half its files written"]


@pytest.mark.parametrize("pause", PAUSES)
def test_overlapping_builds_wait_for_each_other_and_leave_a_clean_build(corpus, tmp_path, pause):
    output = corpus / "output"
    _build(corpus, "--output", str(tmp_path / "clean"))
    clean = snapshot(tmp_path / "clean")
    leftovers = set(_staging(corpus))
    points = {
        PAUSES[0]: lambda: _locked(corpus),
        PAUSES[1]: lambda: bool(set(_staging(corpus)) - leftovers),
        PAUSES[2]: lambda: _written(list(set(_staging(corpus)) - leftovers)) >= len(clean) // 2,
    }
    first = _start(corpus)
    assert _wait_for(points[pause], 60), f"the first build never got {pause}"
    first.send_signal(signal.SIGSTOP)
    try:
        log = tmp_path / "second.err"
        with log.open("w") as err:
            second = _start(corpus, stderr=err)
        assert _wait_for(lambda: "Đang chờ" in log.read_text(encoding="utf-8"), 30), log.read_text()
        # and it is blocked on the lock the paused build holds (not merely slow to finish)
        lock = corpus / ".output.lock"
        assert _wait_for(lambda: waits_for_lock(lock, second.pid) or second.poll() is not None, 30)
        assert second.poll() is None, "the second build did not wait for the paused one"
    finally:
        first.send_signal(signal.SIGCONT)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    assert second.wait(timeout=300) == 0, log.read_text()
    assert snapshot(output) == clean
    assert _staging(corpus) == [] or set(_staging(corpus)) <= leftovers


def _alive(group: int) -> list[str]:
    """The processes of a process group that still run (zombies waiting to be reaped do not)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(stat.parent.name)
    return found


def _frozen_before_the_swap(corpus: Path, leftovers: set[Path], ready, cache: bool = False) -> subprocess.Popen:
    """A build in a session of its own, frozen (SIGSTOP to its whole group) once ready(its new
    temporary folders) holds and while output/ is still the previous site: a signal or a kill sent
    now lands at that point of the build, however loaded the machine. (The temporary folder
    outlives the swap: it is exchanged with output/ and then holds the previous site while that is
    deleted; so output/'s own inode says whether the swap happened. Frozen too late, the build
    finished: start another.)"""
    def fresh() -> list[Path]:
        return list(set(_staging(corpus)) - leftovers)

    output = corpus / "output"
    for _ in range(5):
        previous = output.stat().st_ino
        kept = corpus / ".kept-output"  # the previous site, hard-linked, to put back if the build finishes first
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(output, kept, copy_function=os.link)
        # At the lowest priority: on a loaded machine the test's watch runs first, and freezes it in time.
        process = _start(corpus, start_new_session=True, cache=cache, preexec_fn=_at_low_priority)
        reached = functools.partial(lambda build: ready(fresh()) or build.poll() is not None, process)
        assert _wait_for(reached, 60), "the build never got there"
        with contextlib.suppress(ProcessLookupError):  # (ended already: the group is gone)
            os.killpg(process.pid, signal.SIGSTOP)
        if process.poll() is None and ready(fresh()) and output.stat().st_ino == previous:
            shutil.rmtree(kept)
            return process
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGCONT)
        process.communicate(timeout=300)
        if output.stat().st_ino != previous:  # it swapped in the new site: the previous one back, and again
            shutil.rmtree(output)
            kept.rename(output)
    raise AssertionError("five builds in a row ended before they could be stopped there")


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_ends_the_workers_and_removes_the_temporary_folder(corpus, signame):
    output = corpus / "output"
    _build(corpus)
    before = snapshot(output)
    leftovers = set(_staging(corpus))
    process = _frozen_before_the_swap(corpus, leftovers, lambda fresh: _written(fresh) >= 50)
    if signame == "SIGINT":  # Ctrl+C in a terminal: the whole process group, workers included
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(getattr(signal, signame))
    os.killpg(process.pid, signal.SIGCONT)
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0, err.decode()
    assert "Traceback" not in err.decode(), err.decode()
    assert _wait_for(lambda: not _alive(process.pid), 10), f"still running: {_alive(process.pid)}"
    assert set(_staging(corpus)) <= leftovers, "the temporary folder was left behind"
    assert snapshot(output) == before

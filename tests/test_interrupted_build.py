"""A build killed with SIGKILL at any moment leaves the previous output/ whole; the next build succeeds.

Real `python build.py` processes on a 200-article corpus (bench/corpus.py)
are killed while loading, while rendering, as the temporary folder appears,
part-way through writing it and around the swap; after each kill output/ is
exactly the previous site or exactly the new one, never a mix.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent



def _start(root: Path, *args: str) -> subprocess.Popen:
    # --no-cache: every build does all its work, so the kill points fall inside it.
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--no-cache", *args], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _build(root: Path, *args: str) -> float:
    started = time.monotonic()
    process = _start(root, *args)
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
    leftovers: set[Path] = set()  # a killed build's folder, which the next build removes

    def fresh() -> list[Path]:
        return [folder for folder in _staging(corpus) if folder not in leftovers]

    points = {
        "while loading (10%)": lambda: False, "while rendering (50%)": lambda: False,
        "as the temporary folder appears": lambda: bool(fresh()),
        "with a quarter written": lambda: _written(fresh()) >= total // 4,
        "with most written": lambda: _written(fresh()) >= total * 9 // 10,
        "with every file written": lambda: _written(fresh()) >= total,
        "around the swap (95%)": lambda: False, "around the swap (100%)": lambda: False,
    }
    limits = {"while loading (10%)": 0.1, "while rendering (50%)": 0.5, "around the swap (95%)": 0.95,
              "around the swap (100%)": 1.0}
    outcomes = {}
    for name, ready in points.items():
        leftovers = set(_staging(corpus))
        process = _start(corpus)
        outcomes[name] = _kill_when(process, ready, seconds * limits.get(name, 2.0))
        after = snapshot(output) if output.exists() else {}
        assert after in (old, new), f"killed {name}: output/ is a mix of the old and new site"
        outcomes[name] += ", old site" if after == old else ", new site"
    assert sum(outcome.startswith("killed") for outcome in outcomes.values()) >= 5, outcomes

    _build(corpus)
    assert snapshot(output) == new
    assert _staging(corpus) == [], "the next build left temporary folders behind"

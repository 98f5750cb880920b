"""Build speed on real-shaped articles, paired with Hugo and Pelican in one run.

    python bench/build.py [--sizes 1000 10000] [--runs 3] [--code DIR ...] [--pelican PATH] [--preview]

For each size it writes one corpus of real-shaped articles (bench/articles.py) in the format of
each tool (this project's, Hugo's, Pelican's: the same articles), into bench/peers-N/ (deleted at
the end), and then, in rounds, times whole processes:

- cold: every tool builds the whole site afresh (this project with --no-cache) into a new
  folder; the tools take turns within a round (A B C, A B C, ...), so that a change in the
  machine's load falls on all of them alike; a first round warms the disk cache up and is
  not counted;
- this project only, with its cache: nothing changed; one article's text edited; one article
  added; the article template (drawn by every article page) edited; each once a round;
- reload (--preview): in `python build.py serve`, from saving an edited article to the open
  browser tab (headless Chromium) showing it, by the tab's own clock (the reloaded page's
  DOMContentLoaded, its heading in place).

Each figure is the median of the rounds: wall seconds, CPU seconds (user and system, of the
process and of every worker it waited for: os.wait4), peak memory (the largest resident size
among them), and of the last cold build the pages (HTML files) and the output's size; ratios
are to each peer. --code DIR (repeatable) times the build.py of other checkouts of this project
beside this one's, in the same rounds: a change measured before and after, same machine, same
run. Hugo is found on the PATH (Debian: apt-get install hugo), Pelican with --pelican (in a
virtual environment of the bench's own: python3 -m venv bench-venv; bench-venv/bin/pip install
pelican); a peer that is not installed is left out.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "bench" / "articles.py"


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds, user and system, with the workers
    peak: float  # MB, the largest resident size


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One process, waited for with os.wait4: its wall and CPU time and peak memory (with its children's)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(command)} failed in {cwd}:\n{errors.read().decode(errors='replace')[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def write_articles(size: int, folder: Path, kind: str) -> None:
    subprocess.run([sys.executable, str(ARTICLES), "--n", str(size), "--out", str(folder), "--format", kind],
                   check=True)


@dataclass
class Tool:
    """One builder of the corpus: a checkout of this project, Hugo or Pelican."""

    name: str
    site: Path  # the corpus in its format
    cold: Callable[[Path], list[str]]  # the command that builds the whole site into a folder
    env: dict[str, str] | None = None
    project: Path | None = None  # a checkout of this project: its root

    def build(self, output: Path) -> Run:
        return timed(self.cold(output), self.site, self.env)


def project_tool(name: str, code: Path, site: Path) -> Tool:
    env = {**os.environ, "PYTHONPATH": str(code)}
    return Tool(name, site, lambda output: [sys.executable, str(code / "build.py"), "--no-cache", "--templates",
                                            str(code / "templates"), "--output", str(output)], env, code)


def tools(size: int, folder: Path, codes: list[Path], pelican: str | None) -> list[Tool]:
    """The tools of this run, each with the corpus written in its format."""
    found = []
    for number, code in enumerate(codes):
        site = folder / f"archive-{number}"
        write_articles(size, site, "archive")
        found.append(project_tool("project" if number == 0 else f"project {code.name}", code, site))
    hugo = shutil.which("hugo")
    if hugo:
        write_articles(size, folder / "hugo", "hugo")
        found.append(Tool("Hugo", folder / "hugo", lambda output: [hugo, "--quiet", "-d", str(output)]))
    if pelican and shutil.which(pelican):
        write_articles(size, folder / "pelican", "pelican")
        found.append(Tool("Pelican", folder / "pelican", lambda output: [pelican, "content", "-s", "pelicanconf.py",
                                                                        "-o", str(output), "-q"]))
    return found


def pages_and_mb(output: Path) -> tuple[int, float]:
    files = [path for path in output.rglob("*") if path.is_file()]
    return sum(1 for path in files if path.suffix == ".html"), sum(path.stat().st_size for path in files) / 2**20


# --- This project's incremental builds ---------------------------------------------------------------

def incremental(tool: Tool, number: int) -> dict[str, Run]:
    """The builds with a cache that follow a first one, on tool's corpus (changed by them: each
    round edits and adds articles of its own)."""
    assert tool.project is not None
    site, code = tool.site, tool.project

    def build() -> Run:
        return timed([sys.executable, str(code / "build.py"), "--templates", str(site / "templates")], site, tool.env)

    if not (site / "templates").exists():
        shutil.copytree(code / "templates", site / "templates")
        build()  # fills the cache
    runs = {"nothing changed": build()}
    articles = sorted((site / "content").rglob("*.md"))
    edited = articles[len(articles) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + f"\nMột câu thêm vào lần {number}.\n", encoding="utf-8")
    runs["one article edited"] = build()
    source = articles[-1].read_text(encoding="utf-8")
    added = site / "content" / "2026" / f"2026-12-{number + 1:02d}-hoi-nghi-them-{number}.md"
    added.parent.mkdir(exist_ok=True)
    added.write_text(re.sub(r"^date: .*$", f"date: 2026-12-{number + 1:02d}",
                            source.replace("title: ", f"title: Thêm {number} ", 1).replace(".vn/", f".vn/them-{number}-", 1), count=1, flags=re.MULTILINE),
                     encoding="utf-8")
    runs["one article added"] = build()
    template = site / "templates" / "article.html"
    template.write_text(template.read_text(encoding="utf-8") + f"\n{{# lần {number} #}}\n", encoding="utf-8")
    runs["article template edited"] = build()
    runs["nothing changed, again"] = build()
    return runs


def reload_seconds(tool: Tool) -> float:
    """From saving an article to the open tab showing it, in the live preview, by the tab's own clock."""
    from playwright.sync_api import sync_playwright

    assert tool.project is not None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    article = sorted((tool.site / "content").rglob("*.md"))[-2]
    server = subprocess.Popen([sys.executable, str(tool.project / "build.py"), "serve", "--port", str(port),
                               "--templates", str(tool.site / "templates")], cwd=tool.site, env=tool.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page()
            url = f"http://127.0.0.1:{port}/{article.parent.name}/{article.stem[11:]}/"
            for _ in range(600):
                try:
                    page.goto(url)
                    break
                except Exception:
                    time.sleep(0.5)
            time.sleep(2)  # the tab's livereload connection opens
            title = page.locator("h1").inner_text()
            saved = time.time()  # (the page's clock, performance.timeOrigin, counts from the same epoch)
            article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Đã sửa ", 1),
                               encoding="utf-8")
            page.wait_for_function(f"document.querySelector('h1').textContent !== {title!r}", timeout=120_000)
            shown = page.evaluate("performance.timeOrigin + "
                                  "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return float(shown - saved)


# --- One size ------------------------------------------------------------------------------------------

def measure(size: int, runs: int, codes: list[Path], pelican: str | None, preview: bool) -> dict[str, object]:
    folder = ROOT / "bench" / f"peers-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        found = tools(size, folder, codes, pelican)
        cold: dict[str, list[Run]] = {tool.name: [] for tool in found}
        shape: dict[str, tuple[int, float]] = {}
        for round_ in range(runs + 1):  # the first round warms up
            for tool in found:
                output = folder / f"out-{tool.name.replace(' ', '-')}"
                shutil.rmtree(output, ignore_errors=True)
                run = tool.build(output)
                if round_:
                    cold[tool.name].append(run)
                shape[tool.name] = pages_and_mb(output)
            print(f"  {size}: round {round_} of {runs} done", file=sys.stderr, flush=True)
        later: dict[str, dict[str, list[Run]]] = {}
        for number in range(runs):
            for tool in found:
                if tool.project is not None:
                    for name, run in incremental(tool, number).items():
                        later.setdefault(tool.name, {}).setdefault(name, []).append(run)
        reloads = {tool.name: [reload_seconds(tool) for _ in range(runs)]
                   for tool in found if preview and tool.project is not None}
        return {"cold": cold, "shape": shape, "later": later, "reloads": reloads}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def report(size: int, runs: int, result: dict) -> None:
    cold, shape, later, reloads = result["cold"], result["shape"], result["later"], result["reloads"]
    names = list(cold)
    peers = [name for name in names if not name.startswith("project")]
    print(f"\n{size} articles, median of {runs} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print("| tool | cold wall s | cold cpu s | peak MB | pages | output MB | "
          + " | ".join(f"wall, cpu × {peer}" for peer in peers) + " |")
    print("| --- " * (6 + len(peers)) + "|")
    for name in names:
        wall, cpu, peak = (median(cold[name], field) for field in ("wall", "cpu", "peak"))
        ratios = [f"{wall / median(cold[peer], 'wall'):.2f}, {cpu / median(cold[peer], 'cpu'):.2f}" for peer in peers]
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {shape[name][0]} | {shape[name][1]:.1f} | "
              + " | ".join(ratios) + " |")
    for name, figures in later.items():
        print(f"\n| {name}, with its cache | wall s | cpu s | peak MB | × cold wall |")
        print("| --- | --- | --- | --- | --- |")
        for what, rounds in figures.items():
            wall = median(rounds, "wall")
            print(f"| {what} | {wall:.2f} | {median(rounds, 'cpu'):.2f} | {median(rounds, 'peak'):.0f} | "
                  f"{wall / median(cold[name], 'wall'):.2f} |")
    for name, seconds in reloads.items():
        print(f"\n{name}: save → reload {statistics.median(seconds):.2f} s "
              f"({', '.join(f'{s:.2f}' for s in seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="another checkout of this project to time beside this one")
    parser.add_argument("--pelican", default="pelican", help="Pelican's command (e.g. bench-venv/bin/pelican)")
    parser.add_argument("--preview", action="store_true", help="also the live preview's save → reload (Chromium)")
    args = parser.parse_args()
    codes = [ROOT, *(code.resolve() for code in args.code)]
    for size in args.sizes:
        report(size, args.runs, measure(size, args.runs, codes, args.pelican, args.preview))


if __name__ == "__main__":
    main()

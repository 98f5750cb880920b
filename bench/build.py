"""Build speed at scale: cold, warm and incremental builds, live-preview reload, memory, sizes.

    python bench/build.py [--sizes 1000 10000] [--runs 3]

For each size it writes the synthetic corpus (bench/corpus.py) to
bench/corpus-N-RUN/ (a fresh folder each run, all deleted at the end) and
times whole `python build.py` processes, median of the runs (every cold
build first, see measure):

- cold: no cache (--no-cache), no output/ yet;
- warm: nothing changed since the last build;
- one article edited, the year template edited, one article added (each
  after a warm build, with the cache);
- reload: in `python build.py serve`, from saving an edited article to the
  open browser tab (headless Chromium) holding the change (the reloaded page's
  DOMContentLoaded), by the tab's own clock;
  reload noticed: the same, until this script sees the new heading (Playwright's
  polling adds a quarter of a second or so);
- peak memory: the largest resident size of the build and its workers (cold);
- output size and search index size on disk.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.corpus import write_corpus  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(site: Path, *args: str) -> tuple[float, float]:
    """Seconds and peak resident MB (of the process and its workers) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=site, check=True, env=ENV,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def reload_seconds(site: Path, article: Path) -> tuple[float, float]:
    """From saving an article to the open tab showing it, in the live preview: as the tab's own
    clock has it (the reloaded page's DOMContentLoaded: its heading is in place), and as this
    script notices it (Playwright polls the heading in the new page once its scripts have run,
    a quarter of a second or so later)."""
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], cwd=site,
                              env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-background-networking"])
            page = browser.new_page()
            url = f"http://127.0.0.1:{port}/"
            for _ in range(600):
                try:
                    page.goto(url + article_url(article))
                    break
                except Exception:
                    time.sleep(0.5)
            time.sleep(2)  # the tab's livereload connection opens
            title = page.locator("h1").inner_text()
            saved = time.time()  # (the page's clock, performance.timeOrigin, counts from the same epoch)
            edit(article, "title: ", "title: Đã sửa ")
            page.wait_for_function(f"document.querySelector('h1').textContent !== {title!r}", timeout=120_000)
            noticed = time.time() - saved
            shown = page.evaluate("performance.timeOrigin + "
                                  "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd") / 1000
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return shown - saved, noticed


def article_url(article: Path) -> str:
    return f"{article.parent.name}/{article.stem[11:]}/"


NAMES = ("cold", "warm", "edit article", "edit template", "add article", "reload", "reload noticed")


def cold(size: int, number: int) -> tuple[Path, float, float]:
    """A fresh corpus and its first build: seconds and peak MB."""
    site = ROOT / "bench" / f"corpus-{size}-{number}"
    write_corpus(size, site)
    return site, *run(site, "--no-cache")


def after(site: Path, size: int, number: int, figures: dict[str, list[float]]) -> None:
    """The builds that follow a first one, on the same corpus."""
    run(site)  # fills the cache
    figures["warm"].append(run(site)[0])
    articles = sorted((site / "content").rglob("*.md"))
    edit(articles[size // 2], "Liên minh", "Liên minh Hợp tác xã")
    figures["edit article"].append(run(site)[0])
    edit(site / "templates" / "year.html", "hội nghị</p>", "hội nghị trong năm</p>")
    figures["edit template"].append(run(site)[0])
    added = site / "content" / "2025" / f"2025-12-31-them-{number}.md"  # another conference: another day
    added.write_text(re.sub(r"^date: .*$", "date: '2025-12-31'", articles[-1].read_text(encoding="utf-8"),
                            count=1, flags=re.MULTILINE), encoding="utf-8")
    figures["add article"].append(run(site)[0])
    shown, noticed = reload_seconds(site, articles[-1])
    figures["reload"].append(shown)
    figures["reload noticed"].append(noticed)


def measure(sizes: list[int], runs: int) -> dict[int, dict]:
    """Every cold build first, each on a fresh corpus, then the other builds on those corpora;
    the corpora are deleted after the last timing. On ext4, creating files is several times
    slower for a minute or more after thousands were deleted (the allocator skips recently
    freed inodes one by one), and every build that replaces output/ deletes the last one's
    folders: done in another order, a cold build would time the clean-up of the builds
    before it rather than itself."""
    results = {size: {"figures": {name: [] for name in NAMES}, "peaks": []} for size in sizes}
    sites: dict[tuple[int, int], Path] = {}
    try:
        for size in sizes:
            for number in range(runs):
                site, seconds, peak = cold(size, number)
                sites[size, number] = site
                results[size]["figures"]["cold"].append(seconds)
                results[size]["peaks"].append(peak)
        for size in sizes:
            for number in range(runs):
                after(sites[size, number], size, number, results[size]["figures"])
            output = sites[size, runs - 1] / "output"
            results[size].update(peak=max(results[size]["peaks"]), output=folder_mb(output),
                                 search=folder_mb(output / "search"),
                                 pages=sum(1 for _ in output.rglob("*.html")))
    finally:
        for site in sites.values():
            shutil.rmtree(site, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = measure(args.sizes, args.runs)
    names = NAMES
    print(f"\nmedian seconds of {args.runs} runs, {os.cpu_count()} cores")
    print(f"{'articles':>9} " + " ".join(f"{name:>14}" for name in names) +
          f" {'peak MB':>8} {'pages':>7} {'output MB':>10} {'search MB':>10}")
    for size, result in results.items():
        print(f"{size:>9} " + " ".join(f"{statistics.median(result['figures'][name]):>14.2f}" for name in names) +
              f" {result['peak']:>8.0f} {result['pages']:>7} {result['output']:>10.1f} {result['search']:>10.1f}")
    if len(results) > 1:
        small, large = min(results), max(results)
        ratio = statistics.median(results[large]["figures"]["cold"]) / statistics.median(results[small]["figures"]["cold"])
        print(f"cold {large} / cold {small}: {ratio:.1f} (size ratio {large / small:.0f})")


if __name__ == "__main__":
    main()

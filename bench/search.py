"""Search at scale: first-result time, download and memory of a query, in headless Chromium;
and how well it ranks, beside Pagefind.

    python bench/search.py [--sizes 1000 10000] [--runs 5] [--pagefind PATH]

Ranking: the corpus of tests/ranking_corpus.py (1,100 articles with known
answers to 35 queries) is built into bench/ranking/ and indexed a second
time by Pagefind with its defaults, over the same article pages
(node_modules/.bin/pagefind, a dev dependency in package.json, or --pagefind;
skipped when neither is there). A query scores when its top three results
(all of them when fewer are right) are right answers.

For each size it writes the synthetic corpus (bench/corpus.py) to
bench/corpus-N/, builds it, serves output/ on a loopback port and, in a new
browser context each run (empty cache), opens the search page and runs each
query as a reader would (type, Enter). It reports medians over the runs:

- first results: from Enter to the first result on screen (or the no-match message);
- downloaded: what the query fetched until then, and until every group was read,
  counted as gzip (what a server sends);
- JS heap: the page's JavaScript memory after all queries;
- found: whether the oldest article, the only one with a word in its body, was found.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.corpus import MARKER, write_corpus  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
import ranking_corpus  # noqa: E402

QUERIES = ["hop tac xa", "Nghệ An", '"kinh tế tập thể"', MARKER]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def build(size: int) -> tuple[Path, float]:
    site = ROOT / "bench" / f"corpus-{size}"
    write_corpus(size, site)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=site, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return site / "output", time.perf_counter() - started


def gzip_size(output: Path, url: str, cache: dict) -> int:
    path = output / unquote(urlsplit(url).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0
    return cache[path]


def measure(output: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/tim-kiem/index.html"
    sizes: dict = {}
    figures: dict[str, dict[str, list]] = {q: {"ms": [], "first_kb": [], "kb": [], "count": []} for q in QUERIES}
    heap, page_kb, found = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda request, into=fetched: into.append(request.url))
            page.goto(base)
            page.wait_for_load_state("load")
            page_kb.append(sum(gzip_size(output, url, sizes) for url in fetched) / 1024)
            for query in QUERIES:
                fetched.clear()
                elapsed = page.evaluate("""(query) => new Promise((resolve) => {
                    const list = document.getElementById('search-results');
                    const status = document.getElementById('search-status');
                    const input = document.getElementById('q');
                    input.value = query;
                    const start = performance.now();
                    list.textContent = '';
                    const done = () => !status.textContent.startsWith('Đang') &&
                        (list.children.length > 0 || status.textContent.startsWith('Không tìm thấy'));
                    const observer = new MutationObserver(() => {
                        if (done()) { observer.disconnect(); resolve(performance.now() - start); }
                    });
                    observer.observe(document.getElementById('main') || document.body, {childList: true, subtree: true, characterData: true});
                    input.form.requestSubmit();
                })""", query)
                first_kb = sum(gzip_size(output, url, sizes) for url in list(fetched)) / 1024
                page.wait_for_function("""() => {
                    const text = document.getElementById('search-status').textContent;
                    return !text.startsWith('Đang') && !text.includes('đang tìm thêm');
                }""")
                figures[query]["ms"].append(elapsed)
                figures[query]["first_kb"].append(first_kb)
                figures[query]["kb"].append(sum(gzip_size(output, url, sizes) for url in fetched) / 1024)
                count = page.evaluate("document.getElementById('search-status').textContent")  # final
                figures[query]["count"].append(count)
                if query == MARKER:
                    found.append(page.locator("#search-results h2").count() == 1 and
                                 "(số 1)" in page.locator("#search-results h2").first.inner_text())
            client = context.new_cdp_session(page)
            client.send("Performance.enable")
            client.send("HeapProfiler.collectGarbage")
            metrics = {m["name"]: m["value"] for m in client.send("Performance.getMetrics")["metrics"]}
            heap.append(metrics["JSHeapUsedSize"] / 1024 / 1024)
            context.close()
        browser.close()
    server.shutdown()
    server.server_close()
    return {"figures": figures, "heap": heap, "page_kb": page_kb, "found": found}


def _serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _slug(url: str) -> str:
    return url.rstrip("/").removesuffix("/index.html").rsplit("/", 1)[-1]


def ranking(pagefind: Path | None) -> dict[str, list[bool]]:
    """Each engine's verdict on each of ranking_corpus.QUERIES: are its top results right answers?"""
    from playwright.sync_api import sync_playwright

    site = ROOT / "bench" / "ranking"
    corpus = ranking_corpus.write(site)
    subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=site, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    output = site / "output"
    engines = {"this archive": _ours}
    if pagefind:
        subprocess.run([str(pagefind), "--site", str(output), "--glob", "[0-9][0-9][0-9][0-9]/*/index.html"],
                       check=True, stdout=subprocess.DEVNULL)
        engines["Pagefind (default index)"] = _pagefind
    server, base = _serve(output)
    verdicts: dict[str, list[bool]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        for name, engine in engines.items():
            verdicts[name] = []
            for query, test in ranking_corpus.QUERIES:
                right = ranking_corpus.answers(corpus, test)
                top = [_slug(url) for url in engine(page, base, query)][:min(3, len(right))]
                verdicts[name].append(len(top) == min(3, len(right)) and set(top) <= right)
        browser.close()
    server.shutdown()
    server.server_close()
    return verdicts


def _ours(page, base: str, query: str) -> list[str]:
    page.goto(base + "tim-kiem/index.html?" + urlencode({"q": query}))
    page.wait_for_function("""() => {
        const text = document.getElementById('search-status').textContent;
        return text && !text.startsWith('Đang');
    }""")
    return page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.href)")


def _pagefind(page, base: str, query: str) -> list[str]:
    if not page.url.startswith(base):
        page.goto(base)
    return page.evaluate("""async (query) => {
        const pagefind = await import('/pagefind/pagefind.js');
        const search = await pagefind.search(query);
        const found = await Promise.all(search.results.slice(0, 3).map((result) => result.data()));
        return found.map((data) => data.url);
    }""", query)


def _print_ranking(verdicts: dict[str, list[bool]]) -> None:
    queries = [query for query, _ in ranking_corpus.QUERIES]
    print(f"\nranking: queries whose top 3 are right answers (tests/ranking_corpus.py, {len(queries)} queries)")
    for name, results in verdicts.items():
        missed = [query for query, good in zip(queries, results) if not good]
        print(f"{name:<26} {sum(results):>2}/{len(results)}" + (f"  missed: {', '.join(missed)}" if missed else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],
                        help="corpus sizes to measure speed on (none: the ranking only)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true", help="measure the corpus already built in bench/corpus-N/")
    parser.add_argument("--pagefind", type=Path, default=ROOT / "node_modules" / ".bin" / "pagefind",
                        help="Pagefind's command, to rank the same pages with (default: the npm dev dependency)")
    args = parser.parse_args()
    pagefind = args.pagefind if args.pagefind.exists() else None
    if pagefind is None:
        print(f"Pagefind not found at {args.pagefind} (npm install): ranking this archive's search only")
    _print_ranking(ranking(pagefind))
    rows = []
    for size in args.sizes:
        if args.no_build:
            output, seconds = ROOT / "bench" / f"corpus-{size}" / "output", float("nan")
        else:
            output, seconds = build(size)
        index_files = list((output / "search").glob("*.js"))
        index_mb = sum(p.stat().st_size for p in index_files) / 1024 / 1024
        largest_kb = max(len(gzip.compress(p.read_bytes(), 6)) for p in index_files) / 1024
        result = measure(output, args.runs)
        print(f"\n{size} articles: build {seconds:.1f} s; search files {len(index_files)}, {index_mb:.1f} MB raw, "
              f"largest {largest_kb:.0f} KB gzip; search page {statistics.median(result['page_kb']):.0f} KB gzip; "
              f"JS heap after the queries {statistics.median(result['heap']):.1f} MB (median of {args.runs}); "
              f"body-only word found in {sum(result['found'])}/{len(result['found'])} runs")
        print(f"{'query':<22} {'first results (ms)':>18} {'KB gzip until then':>19} {'KB gzip in all':>15}  final status")
        for query, numbers in result["figures"].items():
            print(f"{query:<22} {statistics.median(numbers['ms']):>18.0f} {statistics.median(numbers['first_kb']):>19.0f} "
                  f"{statistics.median(numbers['kb']):>15.0f}  {numbers['count'][-1]}")
        rows.append(result)


if __name__ == "__main__":
    main()

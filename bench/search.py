"""Search at scale: first-result time, download and memory of a query, in headless Chromium;
and how well it ranks, beside Pagefind.

    python bench/search.py [--sizes 1000 10000] [--runs 3] [--no-ranking] [--pagefind PATH]

Ranking: the corpus of tests/ranking_corpus.py (1,100 articles with known
answers to 35 queries) is built into bench/ranking/ and indexed a second
time by Pagefind with its defaults, over the same article pages
(node_modules/.bin/pagefind, a dev dependency in package.json, or --pagefind;
skipped when neither is there). A query scores when its top three results
(all of them when fewer are right) are right answers.

For each size it writes the synthetic corpus (bench/corpus.py) to
bench/corpus-N/, builds it, indexes the same article pages with Pagefind,
serves output/ on a loopback port and measures both engines in headless
Chromium, medians over the runs (each run a new browser context, so an
empty cache):

- first results: from Enter to the first results on screen (or the
  no-match message), typed in a page already open; for Pagefind, from
  search() to the data of its first 20 results (what the page shows);
- KB gz typed: what that query downloaded; KB gz from URL: everything a
  shared link to the query downloads in a new tab, the page and its
  scripts included (counted as gzip, what a server sends);
- JS heap after 30 queries in one tab (HEAP_QUERIES);
- the search files: how many, their bytes, and the space they take on disk;
- found: whether the oldest article, the only one with a word in its body, was found.

It ends with a summary of each target (issue 15, at 10.000 articles) beside
both engines' figures.
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
from archive.make.search import fold  # noqa: E402
from bench.corpus import MARKER, write_corpus  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
import ranking_corpus  # noqa: E402

QUERIES = ["hop tac xa", "Nghệ An", '"kinh tế tập thể"', MARKER]
# 30 queries in one tab before its heap is read: the four above and province names, with and without diacritics
HEAP_PROVINCES = ["Thanh Hóa", "Hòa Bình", "Khánh Hòa", "Đà Nẵng", "Quảng Ninh", "Hải Dương", "Cần Thơ", "Lào Cai",
                  "Bắc Ninh", "Gia Lai", "Sơn La", "Phú Thọ", "Hà Tĩnh"]
HEAP_QUERIES = QUERIES + [name for province in HEAP_PROVINCES for name in (province, fold(province).lower())]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# The targets of issue 15 at 10.000 articles, which the summary prints beside each figure
TARGETS = {"files_mb": 50, "url_kb": 400, "heap_mb": 30, "first_ms": 500}


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


def folder_size(folder: Path) -> tuple[int, float, float]:
    """A folder's files: how many, their bytes (MB) and the space they take on disk (MB, whole blocks)."""
    files = [path.stat() for path in folder.rglob("*") if path.is_file()]
    return (len(files), sum(info.st_size for info in files) / 1e6,
            sum(info.st_blocks * 512 for info in files) / 1e6)


class Engine:
    """How a bench drives one search engine in a page: open it, run a query, tell when it is done."""

    name = ""
    folder = ""  # its files, under output/

    def open(self, page, base: str) -> None:
        raise NotImplementedError

    def query(self, page, query: str) -> float:
        """Run query as a reader would; ms until the first results (or no-match message) show."""
        raise NotImplementedError

    def from_url(self, page, base: str, query: str) -> None:
        """Open the engine with query already asked, as a shared link does, and wait for its results."""
        raise NotImplementedError

    def settle(self, page) -> None:
        """Wait until the query has read all it reads."""

    def count(self, page) -> str:
        return ""


class Ours(Engine):
    name = "this archive"
    folder = "search"

    def open(self, page, base: str) -> None:
        page.goto(base + "tim-kiem/index.html")
        page.wait_for_load_state("load")

    def query(self, page, query: str) -> float:
        return page.evaluate("""(query) => new Promise((resolve) => {
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

    def from_url(self, page, base: str, query: str) -> None:
        page.goto(base + "tim-kiem/index.html?" + urlencode({"q": query}))
        self.settle(page)

    def settle(self, page) -> None:
        page.wait_for_function("""() => {
            const text = document.getElementById('search-status').textContent;
            return text && !text.startsWith('Đang') &&
                document.getElementById('search-results').getAttribute('aria-busy') !== 'true';
        }""")

    def count(self, page) -> str:
        return page.evaluate("document.getElementById('search-status').textContent")


class Pagefind(Engine):
    """Pagefind's own API (the default UI draws the same): search, then the first 20 results' data."""

    name = "Pagefind"
    folder = "pagefind"

    def open(self, page, base: str) -> None:
        page.goto(base + "tim-kiem/index.html")
        page.wait_for_load_state("load")
        page.evaluate("async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); }")

    def query(self, page, query: str) -> float:
        return page.evaluate("""async (query) => {
            const start = performance.now();
            const search = await window.pf.search(query);
            window.pfCount = search.results.length;
            await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
            return performance.now() - start;
        }""", query)

    def from_url(self, page, base: str, query: str) -> None:
        self.open(page, base)
        self.query(page, query)

    def count(self, page) -> str:
        return f"{page.evaluate('window.pfCount')} results"


def measure(output: Path, runs: int, engine: Engine) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = _serve(output)
    sizes: dict = {}
    figures: dict[str, dict[str, list]] = {q: {"ms": [], "kb": [], "url_kb": [], "count": []} for q in QUERIES}
    heap, found = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            # a shared link: a new context (empty cache) per query, everything it downloads
            for query in QUERIES:
                context = browser.new_context()
                page = context.new_page()
                fetched: list[str] = []
                page.on("requestfinished", lambda request, into=fetched: into.append(request.url))
                engine.from_url(page, base, query)
                figures[query]["url_kb"].append(sum(gzip_size(output, url, sizes) for url in fetched) / 1024)
                context.close()
            # a reader in one tab: type, Enter; thirty queries, then the heap
            context = browser.new_context()
            page = context.new_page()
            fetched = []
            page.on("requestfinished", lambda request, into=fetched: into.append(request.url))
            engine.open(page, base)
            for query in HEAP_QUERIES:
                fetched.clear()
                elapsed = engine.query(page, query)
                engine.settle(page)
                if query not in figures:
                    continue
                figures[query]["ms"].append(elapsed)
                figures[query]["kb"].append(sum(gzip_size(output, url, sizes) for url in fetched) / 1024)
                figures[query]["count"].append(engine.count(page))
                if query == MARKER and isinstance(engine, Ours):
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
    return {"figures": figures, "heap": heap, "found": found}


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


def _summary(size: int, results: dict[str, dict]) -> None:
    """Each target beside each engine's figure: the worst query's median for speed and download."""
    print(f"\n{size} articles, against the targets (medians over the runs; worst query)")
    print(f"{'':<34}{'target':>10}" + "".join(f"{name:>16}" for name in results))
    rows = [("search files, MB", "files_mb", lambda r: f"{r['files'][1]:.1f}"),
            ("search files on disk, MB", "files_mb", lambda r: f"{r['files'][2]:.1f}"),
            ("search files, count", None, lambda r: f"{r['files'][0]}"),
            ("largest query from its URL, KB gz", "url_kb",
             lambda r: f"{max(statistics.median(f['url_kb']) for f in r['figures'].values()):.0f}"),
            ("JS heap after 30 queries, MB", "heap_mb", lambda r: f"{statistics.median(r['heap']):.1f}"),
            ("slowest first results, ms", "first_ms",
             lambda r: f"{max(statistics.median(f['ms']) for f in r['figures'].values()):.0f}")]
    for label, target, figure in rows:
        limit = f"≤ {TARGETS[target]}" if target else ""
        print(f"{label:<34}{limit:>10}" + "".join(f"{figure(r):>16}" for r in results.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000],
                        help="corpus sizes to measure speed on (none: the ranking only)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="measure the corpus already built in bench/corpus-N/")
    parser.add_argument("--no-ranking", action="store_true", help="skip the ranking of tests/ranking_corpus.py")
    parser.add_argument("--pagefind", type=Path, default=ROOT / "node_modules" / ".bin" / "pagefind",
                        help="Pagefind's command, to compare with (default: the npm dev dependency)")
    args = parser.parse_args()
    pagefind = args.pagefind if args.pagefind.exists() else None
    if pagefind is None:
        print(f"Pagefind not found at {args.pagefind} (npm install): measuring this archive's search only")
    if not args.no_ranking:
        _print_ranking(ranking(pagefind))
    for size in args.sizes:
        if args.no_build:
            output, seconds = ROOT / "bench" / f"corpus-{size}" / "output", float("nan")
        else:
            output, seconds = build(size)
        engines: list[Engine] = [Ours()]
        if pagefind:
            if not args.no_build or not (output / "pagefind").is_dir():
                subprocess.run([str(pagefind), "--site", str(output), "--glob", "[0-9][0-9][0-9][0-9]/*/index.html"],
                               check=True, stdout=subprocess.DEVNULL)
            engines.append(Pagefind())
        results = {}
        for engine in engines:
            result = measure(output, args.runs, engine)
            result["files"] = folder_size(output / engine.folder)
            results[engine.name] = result
            print(f"\n{size} articles, {engine.name}: search files {result['files'][0]}, {result['files'][1]:.1f} MB "
                  f"({result['files'][2]:.1f} MB on disk); JS heap after {len(HEAP_QUERIES)} queries "
                  f"{statistics.median(result['heap']):.1f} MB" +
                  (f"; build {seconds:.1f} s; body-only word found in {sum(result['found'])}/{len(result['found'])} runs"
                   if isinstance(engine, Ours) else ""))
            print(f"{'query':<22} {'first results (ms)':>18} {'KB gz typed':>12} {'KB gz from URL':>15}  final")
            for query, numbers in result["figures"].items():
                print(f"{query:<22} {statistics.median(numbers['ms']):>18.0f} {statistics.median(numbers['kb']):>12.0f} "
                      f"{statistics.median(numbers['url_kb']):>15.0f}  {numbers['count'][-1]}")
        _summary(size, results)


if __name__ == "__main__":
    main()

"""A build from the command line, once the articles are loaded: the search index, every
page and the downloads, made by one forked worker per core, each worker writing what it
makes straight into the new site's folder (output.Staging) while this process writes the
rest; then the new site is swapped in whole.

One pool does all of it, the large search groups first and the pages after in small
spans, so both cores stay busy to the end and nothing waits for a slower stage; the
files never travel back through a pipe (only the search groups do, when there is a cache
to keep them in). The search page, which lists the search index's partitions, is drawn
last, here.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Callable

from . import render, results, search
from .cache import Store
from .model import Site
from .output import Staging

SPAN = 40  # pages a worker draws at a time
PARALLEL_FROM = 400  # pages; a smaller site is built in this process alone
BACKGROUND_DELETE_FROM = 3000  # pages; the previous site of a larger one is deleted in the background

_WORK: tuple = ()  # what the forked workers read: set just before the pool starts


def _index(n: int) -> tuple[int, list[str], dict[str, bytes] | None]:
    """Search group n, written; its files handed back only to be cached."""
    staging, conferences, _, _, keep = _WORK[:5]
    keys, files = search.index_group(conferences, n)
    for path, data in files.items():
        staging.put(path, data)
    return n, keys, files if keep else None


def _draw(start: int) -> int:
    """Pages start… of the plan, drawn and written."""
    staging, _, pages, env, _, templates, shared = _WORK
    span = pages[start: start + SPAN]
    for page in span:
        staging.put(page.path, render.draw(page, env, templates, shared))
    return len(span)


def build_all(site: Site, templates: Path, out_dir: Path, store: Store, copies: dict[str, Path],
              progress: Callable[[str, int, int], None]) -> int:
    """Write the whole site into out_dir (swapped in at the end); the number of files."""
    global _WORK
    env = render.environment(templates)
    planned = search.plan(site, store)
    pages = render.plan_pages(site, {})
    search_page = next(page for page in pages if page.template == "search.html")
    pages = [page for page in pages if page is not search_page]
    shared = render.shared_values(site)
    missing = [n for n in range(len(planned.keys)) if n not in planned.cached]
    groups = {n: keys for n, (keys, _) in planned.cached.items()}
    staging = Staging(out_dir)
    written = 0
    try:
        _WORK = (staging, planned.conferences, pages, env, store.path is not None, templates, shared)
        workers = min(os.cpu_count() or 1, 8)
        pool = None
        if len(pages) >= PARALLEL_FROM and workers > 1:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        with pool or _Here() as runner:
            futures = {runner.submit(_index, n) for n in missing}
            futures |= {runner.submit(_draw, start) for start in range(0, len(pages), SPAN)}
            # This process's share, while the workers draw and index.
            extra = {**results.downloads(site), **search.result_files(site, planned.conferences)}
            for path, data in extra.items():
                staging.put(path, data)
            for path, source in copies.items():
                staging.copy(path, source)
            for n, (_, files) in planned.cached.items():
                for path, data in files.items():
                    staging.put(path, data)
            written += len(extra) + sum(len(files) for _, files in planned.cached.values())
            drawn = 0
            while futures:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    if future.exception() is not None:  # a worker's BuildFailed: stop the rest
                        for other in futures:
                            other.cancel()
                    outcome = future.result()
                    if isinstance(outcome, int):
                        drawn += outcome
                        progress("Vẽ trang", drawn, len(pages))
                    else:
                        n, keys, files = outcome
                        groups[n] = keys
                        written += len(keys)  # one file a partition
                        if files is not None:
                            store.put(planned.keys[n], (keys, files))
        search_page.context["manifest"] = search.manifest([groups[n] for n in range(len(planned.keys))])
        staging.put(search_page.path, render.draw(search_page, env, templates, shared))
        staging.commit(background=len(pages) >= BACKGROUND_DELETE_FROM)
    except BaseException:
        staging.abandon()
        raise
    finally:
        _WORK = ()
    return written + len(pages) + 1


class _Here:
    """A pool of no workers: the tasks run in this process as they are submitted."""

    def __enter__(self) -> "_Here":
        return self

    def __exit__(self, *_) -> None:
        return None

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:  # noqa: BLE001 - handed on by future.result()
            future.set_exception(error)
        return future

"""Run a stage's tasks on every core, or one after another in this process: one rule decides.

Tasks go to worker processes when there are at least PARALLEL_FROM of them to share, the machine
has more than one core, the system can fork, and this process runs no other thread (a fork taken
while another thread holds a lock can deadlock the child; the live preview, which runs threads,
therefore rebuilds in process). Everywhere else, Windows included, the same tasks run here, one
after another. ARCHIVE_WORKERS=N in the environment sets the number of workers instead of the
rule (1: always in process; 2 or more: workers whenever the system can fork and no thread runs).

A task is a module-level function called as task(shared, item): shared is given once to each
worker when the pool starts (a forked worker inherits it, nothing is copied), item travels
with the task, and the return value travels back.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Generic, TypeVar

from ..common.system import end_with_parent

PARALLEL_FROM = 300  # tasks' worth of work (articles to read, pages to draw) before workers pay off
MAX_WORKERS = 8

_shared: Any = None  # in a worker: what the pool was started with (the Runner's shared, of the task's type)

Shared = TypeVar("Shared")  # what every task of a stage is given
Item = TypeVar("Item")  # what one task is given
Result = TypeVar("Result")  # what one task gives back


def _receive(shared: object, parent: int) -> None:
    global _shared
    _shared = shared
    _bound_to(parent)


def _bound_to(parent: int) -> None:
    """A worker ends with the build: SIGTERM and SIGHUP end it at once, Ctrl+C is the build's to
    handle (it stops the pool), and on Linux the system sends it SIGKILL when the build ends
    first, however it ends (killed with SIGKILL, a worker would otherwise wait for tasks forever,
    holding the caller's output open)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()
    if os.getppid() != parent:  # the build ended before the request took effect
        os._exit(1)


def _call(task: Callable[[Shared, Item], Result], item: Item) -> Result:
    return task(_shared, item)


def worker_count(work: int) -> int:
    """How many worker processes a stage with this much work gets; 0: it runs in this process."""
    can_fork = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    chosen = os.environ.get("ARCHIVE_WORKERS", "")
    if chosen.strip().isdigit():
        workers = int(chosen)
        return workers if workers > 1 and can_fork else 0
    cores = min(os.cpu_count() or 1, MAX_WORKERS)
    return cores if work >= PARALLEL_FROM and cores > 1 and can_fork else 0


class _Deferred(Future[Result], Generic[Shared, Item, Result]):
    """A task to run in this process when its result is first asked for: the caller submits in
    the order that keeps workers busy, and asks for results in the order it needs them."""

    def __init__(self, task: Callable[[Shared, Item], Result], shared: Shared, item: Item) -> None:
        super().__init__()
        self.task, self.shared, self.item = task, shared, item

    def result(self, timeout: float | None = None) -> Result:
        if not self.done():
            try:
                self.set_result(self.task(self.shared, self.item))
            except Exception as error:  # raised below, as a worker's would be
                self.set_exception(error)
        return super().result(timeout)


class Runner(Generic[Shared]):
    """Where one stage's tasks run: `with Runner(work, shared) as runner: runner.submit(task, item)`.
    In process, a task runs when its result is first asked for (see _Deferred)."""

    def __init__(self, work: int, shared: Shared) -> None:
        self.shared = shared
        self.workers = worker_count(work)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Runner[Shared]:
        if self.workers:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_receive, initargs=(self.shared, os.getpid()))
        return self

    def __exit__(self, kind: type | None, *_: object) -> None:
        if self._pool is not None:
            # On an error, queued tasks are dropped; the running ones end with the pool.
            self._pool.shutdown(wait=True, cancel_futures=kind is not None)

    def submit(self, task: Callable[[Shared, Item], Result], item: Item) -> Future[Result]:
        if self._pool is not None:
            return self._pool.submit(_call, task, item)
        return _Deferred(task, self.shared, item)

    def map(self, task: Callable[[Shared, Item], Result], items: list[Item]) -> list[Result]:
        """Every item's result, in order."""
        return [future.result() for future in [self.submit(task, item) for item in items]]

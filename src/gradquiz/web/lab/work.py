"""Where a lab page's work runs, and how fast a worker starts lab pages.

A lab page costs up to about 50 ms of CPU and needs no sign-in. Worked out in the worker's
own threads, a client keeping 8 lab requests in flight held the GIL against learners' saves
(bench/lab_flood.py: save p99 10 ms alone, 321 ms flooded). Now:

- the work runs in a process of the worker's own at niceness 10, so it takes the CPU the
  workers leave and holds no GIL a save needs;
- a worker starts at most GRADQUIZ_LAB_PAGES_PER_SECOND lab pages in any second (the
  `limits` package's moving window); later ones wait their turn without a thread, so a
  flood costs the worker no more than that many renders a second (about 2 ms each);
- beyond MAX_WAITING lab pages in flight a worker answers 503 at once, with Retry-After.

With all three, save p99 under the same flood was 1.08x to 2.88x of the class alone
(median 1.31x over three rounds on this shared two-core machine).
"""

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, ParamSpec, TypeVar

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from gradquiz.errors import GradquizError

NICENESS = 10
MAX_WAITING = 64
RETRY_SECONDS = 2

P = ParamSpec("P")
T = TypeVar("T")


class LabBusy(GradquizError):
    """More lab pages are in flight than the worker takes at once."""

    status = 503

    @property
    def headers(self) -> dict[str, str]:
        """When to try again."""
        return {"Retry-After": str(RETRY_SECONDS)}


class LabWork:
    """Runs lab work in `processes` processes at lower priority (0: in the worker's threads)."""

    def __init__(self, processes: int, pages_per_second: int) -> None:
        self.processes = processes
        self.in_flight = 0
        self._pool: Executor | None = None
        self._starting = threading.Lock()
        self._pace = RateLimitItemPerSecond(pages_per_second)
        self._turns = MovingWindowRateLimiter(MemoryStorage())

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work(*args)` where lab work runs; LabBusy when too much is in flight already."""
        if self.in_flight >= MAX_WAITING:
            raise LabBusy(
                "The lab is busy with other requests; try again in a few seconds. "
                "Nothing you typed is lost: reload this page."
            )
        self.in_flight += 1
        try:
            await self._wait_for_a_turn()
            if not self.processes:
                return await run_in_threadpool(work, *args, **kwargs)
            return await self._in_pool(work, *args, **kwargs)
        finally:
            self.in_flight -= 1

    async def _in_pool(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        pool = self._pool
        if pool is None:
            pool = await run_in_threadpool(self._start)
        try:
            return await asyncio.wrap_future(pool.submit(work, *args, **kwargs))
        except BrokenProcessPool:
            # A lab process died (killed, out of memory): start afresh next time.
            self._pool = None
            raise LabBusy("The lab restarted; try again in a few seconds.") from None

    async def _wait_for_a_turn(self) -> None:
        """Start at most so many lab pages in any second; later ones wait their turn."""
        while not self._turns.hit(self._pace, "lab"):
            reset = self._turns.get_window_stats(self._pace, "lab").reset_time
            await asyncio.sleep(max(0.001, reset - time.time()))

    def _start(self) -> Executor:
        with self._starting:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=get_context("spawn"),  # a fork would copy the worker's threads
                    initializer=_lower_priority,
                )
            return self._pool

    def close(self) -> None:
        """Stop the lab's processes (the app is shutting down)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _lower_priority() -> None:
    os.nice(NICENESS)

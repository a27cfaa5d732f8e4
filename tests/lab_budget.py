"""The CPU a lab request may take (issue 27), and the allowance the tests give CI's noise."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

BUDGET_SECONDS = 0.1  # on the two-core machine the figures in bench/RESULTS.md come from
NOISE_ALLOWANCE = 4  # a shared CI machine's CPU time varies; a runaway costs seconds
LIMIT_SECONDS = BUDGET_SECONDS * NOISE_ALLOWANCE


def cpu_seconds(
    work: Callable[[], T], clock: Callable[[], float] = time.thread_time
) -> tuple[T, float]:
    """What `work` returns and the CPU time it took (this thread's, unless `clock` says)."""
    began = clock()
    result = work()
    return result, clock() - began

"""Time the item statistics of a large class against per-item facility alone, in one run.

A class of 2,000 learners answers 15 and then 40 items drawn from a two-parameter logistic
model (fixed seed). `analyse_items` (checking every response, groups, point-biserials, option
counts, KR-20) is timed against a baseline that reads the same rows into a numpy array and
takes each column's mean. Run by hand: `.venv/bin/python bench/item_stats.py`.
"""

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from gradquiz.core.item_stats import Item, Response, analyse_items

OPTIONS = ("key", "m1", "m2", "m3")
Table = Sequence[dict[str, Response]]


def simulated_class(
    learners: int, items: int, seed: int
) -> tuple[list[Item], list[dict[str, Response]]]:
    """First attempts of a class: 2PL right/wrong, a random distractor when wrong."""
    rng = np.random.default_rng(seed)
    ids = [f"q{j:02d}" for j in range(items)]
    theta = rng.standard_normal((learners, 1))
    difficulty = rng.uniform(-2, 2, items)
    right = rng.random((learners, items)) < 1 / (1 + np.exp(-1.5 * (theta - difficulty)))
    wrong = rng.choice(OPTIONS[1:], size=(learners, items))
    table = [
        {
            ids[j]: Response("key", True) if right[i, j] else Response(str(wrong[i, j]), False)
            for j in range(items)
        }
        for i in range(learners)
    ]
    return [Item(id=i, options=OPTIONS, key="key") for i in ids], table


def facility_only(items: Sequence[Item], table: Table) -> None:
    """The baseline: the rows into an array, each column's mean."""
    ids = [item.id for item in items]
    np.array([[row[i].correct for i in ids] for row in table], dtype=np.float64).mean(axis=0)


def seconds(
    run: Callable[[Sequence[Item], Table], object],
    items: Sequence[Item],
    table: Table,
    repeats: int,
) -> list[float]:
    """Wall time of each of `repeats` runs of `run(items, table)`."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run(items, table)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}; {args.learners} learners, median of {args.repeats} runs"
    )
    for items_count in (15, 40):
        items, table = simulated_class(args.learners, items_count, seed=items_count)
        full = seconds(analyse_items, items, table, args.repeats)
        base = seconds(facility_only, items, table, args.repeats)
        full_ms, base_ms = statistics.median(full) * 1000, statistics.median(base) * 1000
        print(
            f"{items_count:>3} items: analyse_items {full_ms:7.2f} ms (p90 "
            f"{sorted(full)[int(0.9 * len(full))] * 1000:.2f}), facility only {base_ms:6.2f} ms, "
            f"ratio {full_ms / base_ms:.1f}x"
        )


if __name__ == "__main__":
    main()

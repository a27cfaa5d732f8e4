"""Variant generation speed per generator, against the time to render a question page, and
the latency of starting an attempt with parametrized questions (their variants taken from
the install's pool, held in memory as the shipped files were until 2026-12-07, or drawn by
the generators) and without them, in one run.

Run by hand: `.venv/bin/python bench/variants.py`.
"""

import argparse
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.packs import Pack
from gradquiz.core.variants import Variant, VariantSource, draw_variant
from gradquiz.services.exam import ExamService
from gradquiz.services.variant_pool import VariantPool, fill_in_background
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app


def variants_per_second(pack: Pack, count: int) -> dict[str, float]:
    """Fresh (uncached) variants per second for each generator."""
    rates = {}
    for question in sorted(pack.questions.values(), key=lambda q: q.id):
        if question.generator is None:
            continue
        began = time.perf_counter()
        for seed in range(1_000_000, 1_000_000 + count):
            draw_variant(question.generator.generate, seed)
        rates[question.generator.name] = count / (time.perf_counter() - began)
    return rates


def page_render_seconds(service: ExamService, count: int) -> float:
    """Median time to serve one question page in-process."""
    app = create_app(Settings(database_url=str(service.database.url)), service=service)
    with TestClient(app) as client:
        location = client.post("/attempts", follow_redirects=False).headers["location"]
        times = []
        for n in range(count):
            began = time.perf_counter()
            client.get(location.replace("/questions/1", f"/questions/{n % 15 + 1}"))
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def start_latencies(service: ExamService, count: int) -> list[float]:
    """Seconds per POST /api/v1/attempts, in-process: drawing, storing and rendering the
    attempt's 15 questions. Each start comes from a new browser, so nothing is reused; all
    come from one address, so its start limit is lifted."""
    settings = Settings(
        database_url=str(service.database.url), start_limit_per_address="1000000/minute"
    )
    app = create_app(settings, service=service)
    times = []
    with TestClient(app) as client:
        for _ in range(count):
            client.cookies.clear()
            began = time.perf_counter()
            response = client.post("/api/v1/attempts")
            times.append(time.perf_counter() - began)
            assert response.status_code == 201
    return sorted(times)


class HeldInMemory:
    """Variants drawn ahead and held in memory, looked up by seed: what a server did while
    the package shipped each generator's variants for seeds 0 to 99 (the baseline)."""

    def __init__(self, source: VariantSource, count: int) -> None:
        self.variants: dict[int, Variant] = {
            seed: draw_variant(source.generate, seed) for seed in range(count)
        }
        self.seeds = list(self.variants)
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.seeds[self.next % len(self.seeds)]

    def get(self, seed: int) -> Variant | None:
        return self.variants.get(seed)


def with_reserves(pack: Pack, reserve: Callable[[VariantSource], object] | None) -> Pack:
    """The pack with each generator given `reserve(source)` (None: drawn on the spot)."""
    return replace(
        pack,
        questions={
            k: replace(
                q,
                generator=replace(q.generator, reserve=reserve(q.generator) if reserve else None),
            )
            if q.generator
            else q
            for k, q in pack.questions.items()
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=300, help="variants per generator")
    parser.add_argument("--starts", type=int, default=300, help="attempts started per pack")
    args = parser.parse_args()

    pack = load_pack(builtin_pack_dir())
    static_only = replace(
        pack, questions={k: q for k, q in pack.questions.items() if not q.parametrized}
    )
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.migrate()
        # Enough for every start below (about 3.3 variants each) without running short.
        pool = VariantPool(database, size=args.starts)
        pooled = with_reserves(pack, lambda source: pool.reserve(source.name))
        full = ExamService(database=database, pack=pooled, variant_pool=pool)
        began = time.perf_counter()
        pool.fill()
        filled = time.perf_counter() - began
        held = with_reserves(pack, lambda source: HeldInMemory(source, 100))
        # As in a server: a thread of its own tops up the process's reserves.
        stop = threading.Event()
        topping_up = threading.Thread(target=fill_in_background, args=(pool, stop, {}))
        topping_up.start()
        baseline = ExamService(database=database, pack=static_only)
        render = page_render_seconds(full, 200)
        rates = variants_per_second(pack, args.variants)
        # Alternating rounds, so a slower minute of the machine falls on every kind alike.
        kinds = {
            "parametrized, pooled": full,
            "parametrized, in memory": ExamService(database=database, pack=held),
            "parametrized, drawn": ExamService(database=database, pack=with_reserves(pack, None)),
            "static only": baseline,
        }
        times: dict[str, list[float]] = {label: [] for label in kinds}
        for _ in range(5):
            for label, service in kinds.items():
                times[label].extend(start_latencies(service, args.starts // 5))
        drawn = sum(
            1
            for number in range(200)
            for s in ExamService(database=database, pack=held)
            .start(learner=f"bench-counter-{number:09d}")
            .slots
            if s.seed is not None
        )
        stop.set()
        pool.wanted.set()
        topping_up.join()
        database.dispose()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"question page render (median, in-process): {render * 1000:.2f} ms")
    print(f"{'generator':34} {'variants/s':>10} {'ms/variant':>10} {'x page render':>14}")
    for name, rate in rates.items():
        print(f"{name:34} {rate:10.0f} {1000 / rate:10.2f} {1 / rate / render:14.2f}")
    print(f"pool filled: {pool.size} variants x {len(rates)} generators in {filled:.1f} s")
    for label, found in times.items():
        found.sort()
        p50 = statistics.median(found) * 1000
        p99 = found[int(0.99 * (len(found) - 1))] * 1000
        print(f"start attempt, {label:24}: p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    medians = {label: statistics.median(found) for label, found in times.items()}
    for label in ("parametrized, pooled", "parametrized, drawn"):
        ratio = medians[label] / medians["parametrized, in memory"]
        print(f"start latency ratio {label} / in memory (the shipped files): {ratio:.2f}x")
    for label in ("parametrized, pooled", "parametrized, in memory", "parametrized, drawn"):
        ratio = medians[label] / medians["static only"]
        print(f"start latency ratio {label} / static only: {ratio:.2f}x")
    print(f"parametrized questions per exam: {drawn / 200:.2f} on average")


if __name__ == "__main__":
    main()

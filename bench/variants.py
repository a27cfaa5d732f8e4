"""Variant generation speed per generator, against the time to render a question page, and
the latency of starting an attempt with parametrized questions (their variants stored, or
drawn by the generators) and without them, in one run.

Run by hand: `.venv/bin/python bench/variants.py`.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.packs import Pack
from gradquiz.core.variants import draw_variant
from gradquiz.services.exam import ExamService
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=300, help="variants per generator")
    parser.add_argument("--starts", type=int, default=300, help="attempts started per pack")
    args = parser.parse_args()

    pack = load_pack(builtin_pack_dir())
    static_only = replace(
        pack, questions={k: q for k, q in pack.questions.items() if not q.parametrized}
    )
    unstored = replace(
        pack,
        questions={
            k: replace(q, generator=replace(q.generator, stored=None)) if q.generator else q
            for k, q in pack.questions.items()
        },
    )
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        database.migrate()
        full = ExamService(database=database, pack=pack)
        baseline = ExamService(database=database, pack=static_only)
        drawing = ExamService(database=database, pack=unstored)
        render = page_render_seconds(full, 200)
        rates = variants_per_second(pack, args.variants)
        with_generated = start_latencies(full, args.starts)
        with_drawn = start_latencies(drawing, args.starts)
        without = start_latencies(baseline, args.starts)
        drawn = sum(
            1
            for number in range(200)
            for s in full.start(learner=f"bench-counter-{number:09d}").slots
            if s.seed is not None
        )
        database.dispose()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"question page render (median, in-process): {render * 1000:.2f} ms")
    print(f"{'generator':34} {'variants/s':>10} {'ms/variant':>10} {'x page render':>14}")
    for name, rate in rates.items():
        print(f"{name:34} {rate:10.0f} {1000 / rate:10.2f} {1 / rate / render:14.2f}")
    starts = (
        ("parametrized, stored", with_generated),
        ("parametrized, drawn", with_drawn),
        ("static only", without),
    )
    for label, times in starts:
        p50 = statistics.median(times) * 1000
        p99 = times[int(0.99 * (len(times) - 1))] * 1000
        print(f"start attempt, {label:20}: p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    for label, times in starts[:2]:
        ratio = statistics.median(times) / statistics.median(without)
        print(f"start latency ratio {label} / static only: {ratio:.2f}x")
    print(f"parametrized questions per exam: {drawn / 200:.2f} on average")


if __name__ == "__main__":
    main()

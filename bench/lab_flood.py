"""A class saves its answers while one client floods the lab with its dearest requests.

The same class (class_run.py's learners: start, read each question, save an answer with
think time, submit) sits twice against a fresh `gradquiz serve` with the README's defaults
(SQLite, one worker per core, the variant pool filled ahead): once alone, once while a
flooding client keeps `--flood` lab requests in flight, each the most expensive the lab
allows and each with new numbers, so that no cache answers it: flow pages of 2**20 weights,
expressions of 60 parts and of 20 levels of nesting, 'your turn' on them, gradient checks.
The flooding client is a process of its own, so that reading its pages does not delay the
loop that times the saves. It prints save p99 in both runs and their ratio (the target is
within 2x), and what the flood got.

    .venv/bin/python bench/lab_flood.py --learners 500 --minutes 1 --flood 8
"""

import argparse
import asyncio
import itertools
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from class_run import (  # noqa: E402
    Tally,
    cpu_seconds,
    fill_pool,
    percentile,
    quick_pack,
    run_class,
)
from http_load import free_port, wait_for  # noqa: E402

SIXTY_PARTS = "-x*y" + "+x*y" * 13 + "+w*b"  # exactly 60 parts, the most the lab takes


@dataclass
class Flood:
    """What the flooding client got back."""

    latency: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)


def dearest_requests() -> Iterator[str]:
    """The lab's most expensive allowed requests, round and round, never twice the same."""
    for n in itertools.count(1):
        jitter = f"{1 + n * 1e-9:.12f}"  # new numbers each time: no cache can answer
        nested = "sigmoid(" * 20 + f"x*{jitter}" + ")" * 20
        init = ("small", "xavier", "he")[n % 3]
        yield f"/lab/flow?{urlencode({'init': init, 'depth': 50 - n % 40, 'width': 144})}"
        yield f"/lab/expression?{urlencode({'f': nested, 'x': '0.3', 'step': n % 21})}"
        yield f"/lab/expression?{urlencode({'f': SIXTY_PARTS, 'x': jitter, 'y': '-0.7'})}"
        answers = {"f": nested, "x": jitter, "grad-f": "1", "grad-x": "0.01"}
        yield f"/lab/expression/your-turn?{urlencode(answers)}"
        yield f"/lab/gradient-check?{urlencode({'w': jitter, 'x': '2', 'b': '-1', 'y': '1'})}"


async def flood(base: str, connections: int, stop: asyncio.Event, result: Flood) -> None:
    """`connections` requests in flight until `stop`, each sent as soon as one returns."""
    requests = dearest_requests()
    headers = {"X-Forwarded-For": "192.0.2.66"}  # one client, not one of the class
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base, headers=headers, timeout=timeout) as http:

        async def one_connection() -> None:
            while not stop.is_set():
                began = time.perf_counter()
                async with http.get(next(requests)) as reply:
                    await reply.read()
                result.latency.append(time.perf_counter() - began)
                result.statuses[reply.status] = result.statuses.get(reply.status, 0) + 1

        await asyncio.gather(*(one_connection() for _ in range(connections)))


def flooding_client(base: str, connections: int, stop: Any, results: Any) -> None:
    """The flood, in a process of its own: its reading of pages must not hold up the event
    loop that times the class's saves."""

    async def until_stopped() -> Flood:
        stopping, flooded = asyncio.Event(), Flood()
        task = asyncio.create_task(flood(base, connections, stopping, flooded))
        while not stop.is_set():
            await asyncio.sleep(0.2)
        stopping.set()
        await task
        return flooded

    results.put(asyncio.run(until_stopped()))


async def sitting(
    base: str, learners: int, seconds: float, connections: int
) -> tuple[Tally, Flood]:
    """The class's sitting, with `connections` flooding the lab throughout (0: none)."""
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    flooder = context.Process(target=flooding_client, args=(base, connections, stop, results))
    if connections:
        flooder.start()
    await asyncio.sleep(5)  # the flood (if any) is at full strength before the class arrives
    tally = await run_class(base, learners, seconds)
    stop.set()
    flooded = results.get() if connections else Flood()
    if connections:
        flooder.join()
    return tally, flooded


def run(learners: int, minutes: int, connections: int) -> tuple[Tally, Flood, list[float]]:
    """One sitting against a fresh server; also the workers' CPU seconds."""
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        env = {
            **os.environ,
            "GRADQUIZ_DATABASE_URL": f"sqlite:///{folder / 'class.db'}",
            "GRADQUIZ_PACK_DIR": str(quick_pack(folder, minutes)),
            "GRADQUIZ_LOG_LEVEL": "warning",
        }
        fill_pool(env)  # as before any real class: no fill competes with either sitting
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gradquiz", "serve", "--port", str(port)], env=env
        )
        try:
            wait_for(port, server)
            time.sleep(3)  # the server's start-up work (warming generators) is done
            base = f"http://127.0.0.1:{port}"
            tally, flooded = asyncio.run(sitting(base, learners, minutes * 60, connections))
            return tally, flooded, cpu_seconds(server.pid)
        finally:
            server.terminate()
            server.wait()


def milliseconds(values: list[float], share: float) -> float:
    return percentile(values, share) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--minutes", type=int, default=1)
    parser.add_argument("--flood", type=int, default=8, help="lab requests kept in flight")
    parser.add_argument("--rounds", type=int, default=2, help="pairs of sittings, alternated")
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores, SQLite, gradquiz serve with the README's defaults; a class of "
        f"{args.learners} (exam of {args.minutes} min), then the same class while "
        f"{args.flood} lab requests are kept in flight"
    )
    print(
        "| round | run | saves | save p50 ms | save p99 ms | page p99 ms | 5xx | workers' CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    ratios, lab = [], Flood()
    for round_number in range(1, args.rounds + 1):
        p99 = {}
        for name, connections in (("alone", 0), ("flooded", args.flood)):
            tally, flooded, cpu = run(args.learners, args.minutes, connections)
            saves = tally.latency.get("save", [])
            p99[name] = percentile(saves, 0.99)
            errors = sum(n for status, n in tally.statuses.items() if status >= 500)
            print(
                f"| {round_number} | {name} | {len(saves)} | {milliseconds(saves, 0.5):.0f} "
                f"| {p99[name] * 1000:.0f} | {milliseconds(tally.latency['page'], 0.99):.0f} "
                f"| {errors} | {', '.join(f'{c:.0f}' for c in cpu if c >= 1)} |",
                flush=True,
            )
            lab.latency += flooded.latency
            for status, count in flooded.statuses.items():
                lab.statuses[status] = lab.statuses.get(status, 0) + count
        ratios.append(p99["flooded"] / p99["alone"])
    print(
        f"save p99 flooded / alone: {', '.join(f'{r:.2f}x' for r in ratios)} "
        f"(median {statistics.median(ratios):.2f}x; the target is within 2x)"
    )
    print(
        f"the flood: {len(lab.latency)} lab requests, median "
        f"{milliseconds(lab.latency, 0.5):.0f} ms, p99 {milliseconds(lab.latency, 0.99):.0f} ms, "
        f"statuses {dict(sorted(lab.statuses.items()))}"
    )


if __name__ == "__main__":
    random.seed(27)
    main()

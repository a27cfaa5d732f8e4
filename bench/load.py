"""Load benchmark: gradquiz against a bare Starlette app, both on loopback, in one run.

Simulated learners start attempts together, save an answer to every question and submit.
Prints requests/s and p50/p99 latency per operation, and gradquiz's save throughput as a
ratio to the bare app's. Run by hand: `make bench` or `.venv/bin/python bench/load.py`.
"""

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).resolve().parent


@dataclass
class Timings:
    """Latencies (seconds) per operation and the wall time each phase took."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    walls: dict[str, float] = field(default_factory=dict)
    errors: int = 0

    def add(self, operation: str, seconds: float) -> None:
        self.latencies.setdefault(operation, []).append(seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    app: str, port: int, env: dict[str, str], factory: bool, workers: int = 1
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log"]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env=env, cwd=HERE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server {app} did not start on port {port}")


async def learner(
    base: str, timings: Timings, barrier: asyncio.Barrier, rng: random.Random
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await barrier.wait()
        began = time.perf_counter()
        response = await client.post("/api/v1/attempts")
        timings.add("start", time.perf_counter() - began)
        if response.status_code != 201:
            timings.errors += 1
            return
        attempt = response.json()
        await barrier.wait()
        for question in attempt["questions"]:
            url = f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}"
            body = {"option": rng.choice("ABCD"), "marked": False}
            began = time.perf_counter()
            saved = await client.put(url, json=body)
            timings.add("save", time.perf_counter() - began)
            timings.errors += saved.status_code != 200
        await barrier.wait()
        began = time.perf_counter()
        submitted = await client.post(f"/api/v1/attempts/{attempt['id']}/submit")
        timings.add("submit", time.perf_counter() - began)
        timings.errors += submitted.status_code != 200


async def drive(base: str, learners: int) -> Timings:
    """Run every learner; the phases (start, save, submit) begin together at barriers."""
    timings = Timings()
    barrier = asyncio.Barrier(learners + 1)
    tasks = [
        asyncio.create_task(learner(base, timings, barrier, random.Random(n)))
        for n in range(learners)
    ]
    phases = ("start", "save", "submit")
    began = {}
    for phase in phases:
        await barrier.wait()
        began[phase] = time.perf_counter()
    await asyncio.gather(*tasks)
    ended = [began["save"], began["submit"], time.perf_counter()]
    timings.walls = {phase: end - began[phase] for phase, end in zip(phases, ended, strict=True)}
    return timings


def summarise(name: str, timings: Timings) -> dict[str, tuple[float, float, float]]:
    rows = {}
    for operation, values in timings.latencies.items():
        values.sort()
        rate = len(values) / timings.walls[operation]
        p50 = statistics.median(values) * 1000
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))] * 1000
        rows[operation] = (rate, p50, p99)
        print(
            f"  {name:9} {operation:7} {len(values):6d} req  {rate:8.0f} req/s  "
            f"p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
        )
    if timings.errors:
        print(f"  {name}: {timings.errors} failed requests")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=40, help="simulated learners at once")
    parser.add_argument("--rounds", type=int, default=3, help="repeat and keep the best round")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--workers", type=int, default=1, help="gradquiz worker processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        env = {**os.environ, "GRADQUIZ_DATABASE_URL": url, "GRADQUIZ_LOG_LEVEL": "warning"}
        subprocess.run(
            [sys.executable, "-m", "gradquiz", "migrate"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        ports = {"gradquiz": free_port(), "bare": free_port()}
        servers = [
            start_server(
                "gradquiz.web.asgi:create_default_app", ports["gradquiz"], env, True, args.workers
            ),
            start_server("bare_app:app", ports["bare"], env, False),
        ]
        try:
            best: dict[str, dict[str, tuple[float, float, float]]] = {}
            for round_number in range(1, args.rounds + 1):
                print(f"round {round_number}: {args.learners} learners, 15 saves each")
                for name, port in ports.items():
                    rows = summarise(
                        name, asyncio.run(drive(f"http://127.0.0.1:{port}", args.learners))
                    )
                    if name not in best or rows["save"][0] > best[name]["save"][0]:
                        best[name] = rows
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=10)

    ratio = best["gradquiz"]["save"][0] / best["bare"]["save"][0]
    backend = url.split(":", 1)[0]
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {backend}"
    )
    for operation in ("start", "save", "submit"):
        rate, p50, p99 = best["gradquiz"][operation]
        print(f"gradquiz {operation:7} {rate:7.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
    print(f"bare     save    {best['bare']['save'][0]:7.0f} req/s")
    print(f"save throughput ratio gradquiz / bare Starlette: {ratio:.3f}x")


if __name__ == "__main__":
    main()

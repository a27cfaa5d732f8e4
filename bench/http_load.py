"""Throughput of gradquiz's hot routes against a bare Starlette twin, driven by wrk.

Starts gradquiz (`gradquiz serve`) and the twin (bench/bare_app.py, fixed bodies of the same
sizes) with the same number of worker processes, prepares learners and attempts over HTTP,
then runs wrk (bench/wrk/replay.lua) on each route against each server in the same run and
prints requests/s, p50/p99 latency, non-2xx answers and the ratio gradquiz / twin.

    .venv/bin/python bench/http_load.py                        # SQLite, one worker
    .venv/bin/python bench/http_load.py --workers 2 --database-url postgresql://…

The client is wrk (C, event loop), far faster than either server, so it measures them and
not itself. Access logs are off in both servers. On PostgreSQL the run works in a schema of
its own, dropped at the end, so the database is left as it was found.
"""

import argparse
import concurrent.futures
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).resolve().parent
ROUTES = ("save", "page", "start", "submit", "result")
TARGETS = {"save": 0.10, "page": 0.15, "start": 0.10, "submit": 0.05, "result": 0.05}


@dataclass(frozen=True)
class Run:
    """What wrk measured for one route on one server."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def start_gradquiz(
    port: int, workers: int, database_url: str, pool: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GRADQUIZ_DATABASE_URL": database_url,
        "GRADQUIZ_VARIANT_POOL_SIZE": str(pool),
        "GRADQUIZ_LOG_LEVEL": "warning",
        "GRADQUIZ_ACCESS_LOG": "false",
        "GRADQUIZ_START_LIMIT_PER_ADDRESS": "100000000/minute",
        "GRADQUIZ_START_LIMIT_PER_IDENTITY": "100000000/minute",
    }
    command = [sys.executable, "-m", "gradquiz", "serve", "--port", str(port)]
    process = subprocess.Popen([*command, "--workers", str(workers)], env=env)
    wait_for(port, process)
    return process


def start_twin(port: int, workers: int, sizes: dict[str, int]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BARE_SIZES": json.dumps(sizes)}
    command = [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, env=env, cwd=HERE)
    wait_for(port, process)
    return process


def new_attempt(base: str) -> tuple[str, str]:
    """A new learner's attempt: its cookie header and its id."""
    with httpx.Client(base_url=base, timeout=30) as client:
        response = client.post("/api/v1/attempts")
        response.raise_for_status()
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        return cookie, str(response.json()["id"])


def attempts(base: str, count: int) -> list[tuple[str, str]]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda _: new_attempt(base), range(count)))


def write_requests(path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines))
    return path


def prepare(
    base: str, folder: Path, submits: int
) -> tuple[dict[str, tuple[Path, str]], dict[str, int]]:
    """Request files per route (and their wrk mode), and gradquiz's body size per route."""
    learners = attempts(base, 100)
    to_submit = attempts(base, submits)
    finished = attempts(base, 50)
    sizes: dict[str, int] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        cookie, attempt = learners[0]
        headers = {"Cookie": cookie}
        page = client.get(f"/attempts/{attempt}/questions/3", headers=headers)
        saved = client.put(
            f"/api/v1/attempts/{attempt}/answers/3", json={"option": "B"}, headers=headers
        )
        for done_cookie, done_id in finished:
            client.post(f"/api/v1/attempts/{done_id}/submit", headers={"Cookie": done_cookie})
        done_cookie, done_id = finished[0]
        submitted = client.get(
            f"/api/v1/attempts/{done_id}/result", headers={"Cookie": done_cookie}
        )
        result = client.get(f"/attempts/{done_id}/result", headers={"Cookie": done_cookie})
        for name, response in (
            ("page", page),
            ("save", saved),
            ("submit", submitted),
            ("result", result),
        ):
            response.raise_for_status()
            sizes[name] = len(response.content)
    body = '{"option": "%s", "marked": false}'
    files = {
        "save": (
            [
                ("PUT", f"/api/v1/attempts/{a}/answers/{n}", c, body % "ABC"[n % 3])
                for c, a in learners
                for n in range(1, 16)
            ],
            "cycle",
        ),
        "page": (
            [
                ("GET", f"/attempts/{a}/questions/{n}", c, "-")
                for c, a in learners
                for n in range(1, 16)
            ],
            "cycle",
        ),
        "start": ([("POST", "/attempts", "-", "-")], "cycle"),
        "submit": (
            [("POST", f"/api/v1/attempts/{a}/submit", c, "-") for c, a in to_submit],
            "once",
        ),
        "result": ([("GET", f"/attempts/{a}/result", c, "-") for c, a in finished], "cycle"),
    }
    return {
        route: (write_requests(folder / f"{route}.tsv", lines), mode)
        for route, (lines, mode) in files.items()
    }, sizes


def wrk(port: int, requests: Path, mode: str, seconds: int, connections: int) -> Run:
    threads = 2
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(HERE / "wrk" / "replay.lua"), f"http://127.0.0.1:{port}"]
    command += ["--", str(requests), mode, str(threads)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    return Run(
        requests_per_second=figures["requests"] / seconds_run,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        non_2xx=figures["status_errors"],
        socket_errors=figures["socket_errors"],
    )


@contextmanager
def bench_database(url: str, folder: Path) -> Iterator[str]:
    """The database URL the run uses: a fresh SQLite file, or a fresh schema on the given
    PostgreSQL server that is dropped afterwards."""
    if not url:
        yield f"sqlite:///{folder / 'bench.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"gq_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--submits", type=int, default=2500, help="attempts prepared for submit")
    parser.add_argument("--routes", default=",".join(ROUTES))
    parser.add_argument(
        "--pool",
        type=int,
        default=3000,
        help="variants per generator filled before serving: more than the run takes, so no "
        "fill runs while wrk measures",
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder_name,
        bench_database(args.database_url, Path(folder_name)) as database_url,
    ):
        folder = Path(folder_name)
        for step in (["migrate"], ["variants", "fill", "--size", str(args.pool)]):
            subprocess.run(
                [sys.executable, "-m", "gradquiz", *step],
                env={**os.environ, "GRADQUIZ_DATABASE_URL": database_url},
                check=True,
                capture_output=True,
            )
        ours, twins = free_port(), free_port()
        gradquiz = start_gradquiz(ours, args.workers, database_url, args.pool)
        try:
            requests, sizes = prepare(f"http://127.0.0.1:{ours}", folder, args.submits)
            twin = start_twin(twins, args.workers, sizes)
            try:
                rows = []
                for route in args.routes.split(","):
                    path, mode = requests[route]
                    seconds = min(args.seconds, 5) if route == "submit" else args.seconds
                    mine = wrk(ours, path, mode, seconds, args.connections)
                    bare = wrk(twins, path, "cycle", seconds, args.connections)
                    rows.append((route, mine, bare))
            finally:
                twin.terminate()
                twin.wait()
        finally:
            gradquiz.terminate()
            gradquiz.wait()
    backend = "PostgreSQL" if "postgres" in database_url else "SQLite"
    print(
        f"\n{platform.machine()}, {os.cpu_count()} cores, {backend}, {args.workers} worker(s), "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s (submit: 5 s, each attempt once)"
    )
    print(
        "| route | gradquiz req/s | p50 ms | p99 ms | non-2xx | socket errors "
        "| twin req/s | ratio | target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for route, mine, bare in rows:
        ratio = mine.requests_per_second / bare.requests_per_second
        print(
            f"| {route} | {mine.requests_per_second:,.0f} | {mine.p50_ms:.1f} | {mine.p99_ms:.1f} "
            f"| {mine.non_2xx} | {mine.socket_errors} | {bare.requests_per_second:,.0f} "
            f"| {ratio:.3f}× "
            f"| ≥ {TARGETS[route]}× |"
        )
    print(f"body sizes (bytes): {sizes}")


if __name__ == "__main__":
    main()

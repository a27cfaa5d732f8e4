"""The floor under every route: what a request costs before any of gradquiz's own work.

Calls each ASGI app in-process (no server, no sockets) with the same GET of a route that
returns a fixed 900-byte body, and prints microseconds per request and the ratio to a bare
Starlette app, the baseline `bench/http_load.py`'s twin is built on:

- bare Starlette;
- bare FastAPI (the same endpoint through FastAPI's request handling);
- gradquiz's app (its middleware: security headers, gzip, body limit, cross-origin check;
  its exception handlers and route table) with the route placed first, and placed last.

With `--http` each app is served by uvicorn (one worker, no access log) and driven by wrk
(32 connections) instead, with a body the size of a question page: requests/s and the
ratio to bare Starlette, what the stack alone leaves of the twin's throughput.

    .venv/bin/python bench/stack_floor.py
    .venv/bin/python bench/stack_floor.py --http
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = b"x" * int(os.environ.get("FLOOR_BODY_BYTES", "900"))
PATH = "/floor-constant"

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def constant(_request: Request) -> Response:
    """The same fixed answer in every app."""
    return Response(BODY, media_type="text/plain")


def gradquiz_app(folder: str, *, first: bool) -> FastAPI:
    """gradquiz's app on a fresh SQLite file, with the constant route first or last."""
    os.environ["GRADQUIZ_DATABASE_URL"] = f"sqlite:///{folder}/floor-{first}.db"
    os.environ["GRADQUIZ_LOG_LEVEL"] = "warning"
    from gradquiz.config import Settings
    from gradquiz.storage.database import Database
    from gradquiz.web.app import create_app

    settings = Settings()
    Database(settings.database_url).migrate()
    app = create_app(settings)
    app.router.add_api_route(PATH, constant)
    if first:
        app.router.routes.insert(0, app.router.routes.pop())
    return app


def bare_starlette() -> Starlette:
    """The baseline: the constant route and nothing else."""
    return Starlette(routes=[Route(PATH, constant)])


def bare_fastapi() -> FastAPI:
    """The same route through FastAPI's request handling."""
    app = FastAPI()
    app.add_api_route(PATH, constant)
    return app


def gradquiz_first() -> FastAPI:
    """gradquiz's app on a fresh database in FLOOR_FOLDER, route first."""
    return gradquiz_app(os.environ["FLOOR_FOLDER"], first=True)


def gradquiz_last() -> FastAPI:
    """gradquiz's app on a fresh database in FLOOR_FOLDER, route last."""
    return gradquiz_app(os.environ["FLOOR_FOLDER"], first=False)


def served_per_second(factory: str, folder: str, body_bytes: int, seconds: int) -> float:
    """Requests/s wrk gets from the app `factory` makes, served by uvicorn with one worker."""
    from http_load import free_port, wait_for

    port = free_port()
    env = {**os.environ, "FLOOR_FOLDER": folder, "FLOOR_BODY_BYTES": str(body_bytes)}
    command = [sys.executable, "-m", "uvicorn", f"stack_floor:{factory}", "--factory"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=env, cwd=os.path.dirname(os.path.abspath(__file__)))
    try:
        wait_for(port, server)
        url = f"http://127.0.0.1:{port}{PATH}"
        runs = []
        for duration in (2, seconds):  # the first warms the server up and is not counted
            out = subprocess.run(
                ["wrk", "-t2", "-c32", f"-d{duration}s", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if "Non-2xx" in out:
                raise RuntimeError(f"{factory} answered errors:\n{out}")
            runs.append(float(out.split("Requests/sec:")[1].split()[0]))
        return runs[-1]
    finally:
        server.terminate()
        server.wait()


# Each app, by the name its row carries; in-process and over HTTP alike.
APPS: dict[str, Callable[[], Any]] = {
    "bare Starlette (baseline)": bare_starlette,
    "bare FastAPI": bare_fastapi,
    "gradquiz stack, route first": gradquiz_first,
    "gradquiz stack, route last": gradquiz_last,
}


def http_table(body_bytes: int, seconds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rates = {
            name: served_per_second(make.__name__, folder, body_bytes, seconds)
            for name, make in APPS.items()
        }
    base = rates["bare Starlette (baseline)"]
    print(f"| app, over HTTP ({body_bytes:,}-byte body) | req/s | µs a request | app ÷ Starlette |")
    print("|---|---|---|---|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {1e6 / rate:.0f} | {rate / base:.2f}× |")


def get_scope(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    """An ASGI scope for a GET of `path` from a local client, with any extra headers."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"floor"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def per_request(app: App, requests: int, scopes: list[dict[str, Any]] | None = None) -> float:
    """Best of five runs of `requests` calls, in microseconds per request, cycling through
    `scopes` (a GET of the constant route unless given); every answer must be a 200."""
    scopes = scopes or [get_scope(PATH)]
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for n in range(500):
        await app(dict(scopes[n % len(scopes)]), receive, send)
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for n in range(requests):
            await app(dict(scopes[n % len(scopes)]), receive, send)
        best = min(best, (time.perf_counter() - began) / requests * 1e6)
    if set(statuses) != {200}:
        raise RuntimeError(f"the route answered {sorted(set(statuses))}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--http", action="store_true", help="serve with uvicorn, drive with wrk")
    parser.add_argument("--body-bytes", type=int, default=22_000, help="with --http")
    parser.add_argument("--seconds", type=int, default=10, help="with --http")
    args = parser.parse_args()
    if args.http:
        http_table(args.body_bytes, args.seconds)
        return
    with tempfile.TemporaryDirectory() as folder:
        os.environ["FLOOR_FOLDER"] = folder
        apps = {name: make() for name, make in APPS.items()}
        times = {name: asyncio.run(per_request(app, args.requests)) for name, app in apps.items()}
    base = times["bare Starlette (baseline)"]
    print("| app | µs per request | Starlette ÷ app |")
    print("|---|---|---|")
    for name, micros in times.items():
        print(f"| {name} | {micros:.1f} | {base / micros:.2f}× |")


if __name__ == "__main__":
    main()

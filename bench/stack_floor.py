"""The floor under every route: what a request costs before any of gradquiz's own work.

Calls each ASGI app in-process (no server, no sockets) with the same GET of a route that
returns a fixed 900-byte body, and prints microseconds per request and the ratio to a bare
Starlette app, the baseline `bench/http_load.py`'s twin is built on:

- bare Starlette;
- bare FastAPI (the same endpoint through FastAPI's request handling);
- gradquiz's app (its middleware: security headers, gzip, body limit, cross-origin check;
  its exception handlers and route table) with the route placed first, and placed last.

    .venv/bin/python bench/stack_floor.py
"""

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = b"x" * 900
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


async def per_request(app: App, requests: int) -> float:
    """Best of five runs of `requests` calls, in microseconds per request."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"floor")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(500):
        await app(dict(scope), receive, send)
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(requests):
            await app(dict(scope), receive, send)
        best = min(best, (time.perf_counter() - began) / requests * 1e6)
    if set(statuses) != {200}:
        raise RuntimeError(f"the constant route answered {sorted(set(statuses))}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=4000)
    args = parser.parse_args()
    bare = FastAPI()
    bare.add_api_route(PATH, constant)
    with tempfile.TemporaryDirectory() as folder:
        apps: dict[str, Any] = {
            "bare Starlette (baseline)": Starlette(routes=[Route(PATH, constant)]),
            "bare FastAPI": bare,
            "gradquiz stack, route first": gradquiz_app(folder, first=True),
            "gradquiz stack, route last": gradquiz_app(folder, first=False),
        }
        times = {name: asyncio.run(per_request(app, args.requests)) for name, app in apps.items()}
    base = times["bare Starlette (baseline)"]
    print("| app | µs per request | Starlette ÷ app |")
    print("|---|---|---|")
    for name, micros in times.items():
        print(f"| {name} | {micros:.1f} | {base / micros:.2f}× |")


if __name__ == "__main__":
    main()

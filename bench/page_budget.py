"""Where a question page's time goes, in-process, against the floor under it.

In one run, with no server and no sockets: a constant GET through bare Starlette (the
twin's baseline); through gradquiz's whole stack (route first); through the stack with the
page's path parameters and learner dependency (still a constant body); the real question
page over 100 attempts × 15 pages; and, called alone in tight loops, the page's three
parts: reading the attempt, building its view, rendering the template. Prints
microseconds, each as a multiple of bare Starlette's, and the page's own work in the stack
beside the sum of its parts alone. `stack_floor.py --http` gives the same floor over HTTP.

    .venv/bin/python bench/page_budget.py
"""

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from stack_floor import BODY, bare_starlette, get_scope, gradquiz_app, per_request

from gradquiz.web.identity import Learner

ATTEMPTS = 100
PARAMETERS_PATH = "/floor-parameters/{attempt_id}/questions/{number}"


async def with_parameters(
    request: Request, attempt_id: str, number: int, learner: Learner
) -> Response:
    """The question page's signature, answering the constant body."""
    return Response(BODY, media_type="text/plain")


def learner_get(path: str, cookie: str) -> dict[str, Any]:
    """An ASGI scope for a GET of `path` by the learner whose cookie header is `cookie`."""
    return get_scope(path, [(b"cookie", cookie.encode())])


async def new_attempt(app: Any) -> tuple[str, str]:
    """A new learner's exam, started through the API: (cookie header, attempt id)."""
    scope = {**get_scope("/api/v1/attempts"), "method": "POST"}
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    head, body = messages[0], b"".join(m.get("body", b"") for m in messages[1:])
    if head["status"] != 201:
        raise RuntimeError(f"starting an attempt answered {head['status']}: {body!r}")
    cookies = [v.decode().split(";")[0] for k, v in head["headers"] if k == b"set-cookie"]
    return "; ".join(cookies), json.loads(body)["id"]


def alone(call: Callable[[], object], times: int) -> float:
    """Best of five runs of `times` calls, in microseconds per call."""
    for _ in range(200):
        call()
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(times):
            call()
        best = min(best, (time.perf_counter() - began) / times * 1e6)
    return best


async def parts(app: Any, cookie: str, attempt_id: str, times: int) -> dict[str, float]:
    """The question page's three steps, each alone, for question 4 of one attempt."""
    from gradquiz.web.exam.pages import _view
    from gradquiz.web.identity import current_learner
    from gradquiz.web.templating import render_html

    path = f"/attempts/{attempt_id}/questions/4"
    request = Request({**learner_get(path, cookie), "app": app})
    service = app.state.service
    learner = await current_learner(request)
    attempt = service.attempt(learner=learner, attempt_id=attempt_id)
    view = _view(request, attempt)
    question = view.questions[3]
    return {
        "reading the attempt": alone(
            lambda: service.attempt(learner=learner, attempt_id=attempt_id), times
        ),
        "building its view": alone(lambda: _view(request, attempt), times),
        "rendering the page": alone(
            lambda: render_html(request, "exam/question.html", attempt=view, question=question),
            times,
        ),
    }


async def measure(folder: str, requests: int) -> tuple[dict[str, float], dict[str, float]]:
    """Microseconds per request through each app and route, and per call of each part."""
    app = gradquiz_app(folder, first=True)
    app.router.add_api_route(PARAMETERS_PATH, with_parameters)
    app.router.routes.insert(0, app.router.routes.pop())
    async with app.router.lifespan_context(app):
        learners = [await new_attempt(app) for _ in range(ATTEMPTS)]
        pages = [
            learner_get(f"/attempts/{attempt}/questions/{n}", cookie)
            for cookie, attempt in learners
            for n in range(1, 16)
        ]
        cookie, attempt = learners[0]
        parameters = PARAMETERS_PATH.format(attempt_id=attempt, number=4)
        routes = {
            "bare Starlette, constant (baseline)": await per_request(bare_starlette(), requests),
            "gradquiz stack, constant route first": await per_request(app, requests),
            "gradquiz stack, the page's parameters and learner, constant": await per_request(
                app, requests, [learner_get(parameters, cookie)]
            ),
            "question page, whole": await per_request(app, requests, pages),
        }
        return routes, await parts(app, cookie, attempt, times=requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    os.environ["GRADQUIZ_START_LIMIT_PER_ADDRESS"] = "100000000/minute"  # 100 starts, one address
    with tempfile.TemporaryDirectory() as folder:
        routes, steps = asyncio.run(measure(folder, args.requests))
    base = routes["bare Starlette, constant (baseline)"]
    floor = routes["gradquiz stack, the page's parameters and learner, constant"]
    print("| in-process | µs | ÷ bare Starlette's µs |")
    print("|---|---|---|")
    for name, micros in {**routes, **steps}.items():
        print(f"| {name} | {micros:.1f} | {micros / base:.1f} |")
    print(
        f"\nThe page's own work: {routes['question page, whole'] - floor:.0f} µs in the stack "
        f"(the whole page less the constant with its parameters), "
        f"{sum(steps.values()):.0f} µs in its three parts called alone."
    )


if __name__ == "__main__":
    main()

"""The baseline: a bare Starlette app answering gradquiz's routes with fixed bodies.

Each body has the size gradquiz's answer to the same route has (BARE_SIZES, a JSON object
set by bench/http_load.py), so the two differ only in the work behind the answer.
"""

import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SIZES: dict[str, int] = json.loads(os.environ.get("BARE_SIZES", "{}"))


def _filler(route: str) -> str:
    return "x" * SIZES.get(route, 100)


async def start(_request: Request) -> Response:
    """Stand-in for starting an attempt: a redirect with a new cookie."""
    response = RedirectResponse("/attempts/bare/questions/1", status_code=303)
    response.set_cookie("gradquiz_id", "x" * 90, httponly=True, samesite="lax")
    return response


async def page(_request: Request) -> HTMLResponse:
    """Stand-in for a question page."""
    return HTMLResponse(_filler("page"))


async def save(request: Request) -> JSONResponse:
    """Stand-in for saving an answer: parse the body, answer with a fixed object."""
    body = await request.json()
    return JSONResponse({"option": body.get("option"), "pad": _filler("save")})


async def submit(_request: Request) -> JSONResponse:
    """Stand-in for submitting."""
    return JSONResponse({"pad": _filler("submit")})


async def result(_request: Request) -> HTMLResponse:
    """Stand-in for a result page."""
    return HTMLResponse(_filler("result"))


app = Starlette(
    routes=[
        Route("/attempts", start, methods=["POST"]),
        Route("/attempts/{attempt_id}/questions/{number}", page),
        Route("/api/v1/attempts/{attempt_id}/answers/{number}", save, methods=["PUT"]),
        Route("/api/v1/attempts/{attempt_id}/submit", submit, methods=["POST"]),
        Route("/attempts/{attempt_id}/result", result),
    ]
)

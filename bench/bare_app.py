"""The baseline: a bare Starlette app answering the same routes with fixed JSON, no storage."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def start(_request: Request) -> JSONResponse:
    """Stand-in for starting an attempt."""
    return JSONResponse({"id": "bare", "questions": [{"id": f"q{n}"} for n in range(15)]}, 201)


async def save(request: Request) -> JSONResponse:
    """Stand-in for saving an answer: parse the body, echo it."""
    body = await request.json()
    return JSONResponse({"question_id": request.path_params["question_id"], **body})


async def submit(_request: Request) -> JSONResponse:
    """Stand-in for submitting."""
    return JSONResponse({"score": 0, "total": 15})


app = Starlette(
    routes=[
        Route("/api/v1/attempts", start, methods=["POST"]),
        Route("/api/v1/attempts/{attempt_id}/answers/{question_id}", save, methods=["PUT"]),
        Route("/api/v1/attempts/{attempt_id}/submit", submit, methods=["POST"]),
    ]
)

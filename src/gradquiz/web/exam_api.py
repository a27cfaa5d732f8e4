"""The JSON API under /api/v1."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from gradquiz.services.exam import ExamService
from gradquiz.web.identity import Identity, ensure_identity
from gradquiz.web.schemas import AnswerIn, AttemptOut, ErrorOut, ResultOut, SavedOut
from gradquiz.web.views import attempt_view, result_view

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "The body could not be read as JSON text.",
        404: "No such attempt (or not yours).",
        409: "The attempt is closed, or not yet submitted.",
        422: "Invalid input.",
    }.items()
}

router = APIRouter(prefix="/api/v1", tags=["attempts"], responses=_ERRORS)

AttemptId = Annotated[str, Path(min_length=1, max_length=64)]


def _service(request: Request) -> ExamService:
    service: ExamService = request.app.state.service
    return service


def _attempt_out(request: Request, identity: str | None, attempt_id: str) -> AttemptOut:
    service = _service(request)
    attempt = service.attempt(identity=identity, attempt_id=attempt_id)
    view = attempt_view(attempt, service.pack, request.app.state.rendered, service.clock())
    return AttemptOut.of(view)


@router.post("/attempts", status_code=201, response_model=AttemptOut)
def start_attempt(request: Request, response: Response, identity: Identity) -> AttemptOut:
    """Start a new exam attempt for this browser."""
    token = ensure_identity(request, response, identity)
    attempt = _service(request).start(identity=token)
    response.headers["Location"] = f"/api/v1/attempts/{attempt.id}"
    return _attempt_out(request, token, attempt.id)


@router.get("/attempts/{attempt_id}", response_model=AttemptOut)
def read_attempt(request: Request, attempt_id: AttemptId, identity: Identity) -> AttemptOut:
    """The attempt's questions, options, saved answers and time left. No key."""
    return _attempt_out(request, identity, attempt_id)


@router.put("/attempts/{attempt_id}/answers/{question_id}", response_model=SavedOut)
def save_answer(
    request: Request,
    attempt_id: AttemptId,
    question_id: Annotated[str, Path(min_length=1, max_length=128)],
    body: AnswerIn,
    identity: Identity,
) -> SavedOut:
    """Save (or clear) the answer to one question; saving the same answer twice is harmless."""
    attempt = _service(request).save_answer(
        identity=identity,
        attempt_id=attempt_id,
        question_id=question_id,
        letter=body.option,
        marked=body.marked,
    )
    answer = attempt.answers[question_id]
    return SavedOut(
        question_id=question_id,
        option=attempt.slot(question_id).letter_of(answer.option_id),
        marked=answer.marked,
        saved_at=answer.saved_at,
        answered=len(attempt.slots) - len(attempt.unanswered()),
    )


@router.post("/attempts/{attempt_id}/submit", response_model=ResultOut)
def submit_attempt(request: Request, attempt_id: AttemptId, identity: Identity) -> ResultOut:
    """Submit the attempt and return its result."""
    _service(request).submit(identity=identity, attempt_id=attempt_id)
    return read_result(request, attempt_id, identity)


@router.get("/attempts/{attempt_id}/result", response_model=ResultOut)
def read_result(request: Request, attempt_id: AttemptId, identity: Identity) -> ResultOut:
    """Score, breakdowns, and for each question the choice, key, feedback and explanation."""
    service = _service(request)
    attempt, result = service.result(identity=identity, attempt_id=attempt_id)
    return ResultOut.of(result_view(attempt, result, service.pack, request.app.state.rendered))

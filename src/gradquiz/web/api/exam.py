"""The exam's JSON API under /api/v1. Questions are known by their number in the attempt."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from gradquiz.core.attempts import Attempt
from gradquiz.core.scoring import Result
from gradquiz.errors import AttemptInProgress, Withheld
from gradquiz.services.exam import ExamService
from gradquiz.web import rate_limits
from gradquiz.web.api.schemas import (
    NO_CONTROL_CHARACTERS,
    AnswerIn,
    AttemptOut,
    ResultOut,
    SavedOut,
    WithheldOut,
    documented_errors,
)
from gradquiz.web.errors import error_response
from gradquiz.web.exam.views import attempt_view, result_view
from gradquiz.web.exam.withheld import withheld_out
from gradquiz.web.identity import Learner, ensure_learner
from gradquiz.web.private_json import NO_STORE, PrivateJSONResponse
from gradquiz.web.rate_limits import Action

_ERRORS = documented_errors(
    {
        400: "The body could not be read as JSON text.",
        403: "The request came from a page of another site.",
        404: "No such attempt (or not yours).",
        409: "The attempt is closed, not yet submitted, or another is in progress.",
        413: "The request body is too large.",
        422: "Invalid input.",
        429: "Too many attempts started; see Retry-After.",
    }
)


def _router() -> APIRouter:
    return APIRouter(
        prefix="/api/v1",
        tags=["attempts"],
        responses=_ERRORS,
        default_response_class=PrivateJSONResponse,
    )


# Handlers are coroutines that call the (synchronous) services directly: each holds the event
# loop for a fraction of a millisecond, which costs less than handing every request to a
# worker thread and back (bench/RESULTS.md, "Event loop or thread pool").
router = _router()
# Saving an answer, the busiest route, on a router of its own that the app includes before
# every other: each route of a router included earlier is tried first (bench/RESULTS.md).
saves = _router()

AttemptId = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_CONTROL_CHARACTERS)]
Number = Annotated[int, Path(ge=1, le=100, description="The question's number in this attempt.")]


def _service(request: Request) -> ExamService:
    service: ExamService = request.app.state.service
    return service


def _attempt_out(request: Request, learner: str | None, attempt_id: str) -> AttemptOut:
    service = _service(request)
    attempt = service.attempt(learner=learner, attempt_id=attempt_id)
    view = attempt_view(
        attempt,
        service.shown.of_slot,
        service.pack,
        request.app.state.rendered,
        service.clock(),
    )
    return AttemptOut.of(view)


@router.post(
    "/attempts",
    status_code=201,
    response_model=AttemptOut,
    summary="Start an exam attempt",
    operation_id="startAttempt",
)
async def start_attempt(
    request: Request,
    response: Response,
    learner: Learner,
    replacing: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=NO_CONTROL_CHARACTERS,
            description="Abandon this attempt in progress and start anew.",
        ),
    ] = None,
) -> AttemptOut | Response:
    """Start a new exam attempt for this browser (409 while another is in progress)."""
    rate_limits.check(request, Action.START, learner)
    new = learner is None
    learner = ensure_learner(request, response, learner)
    try:
        attempt = _service(request).start(learner=learner, replacing=replacing, new=new)
    except AttemptInProgress as error:
        location = {"Location": f"/api/v1/attempts/{error.attempt_id}"}
        return error_response(request, error.status, error.message, location)
    response.headers["Location"] = f"/api/v1/attempts/{attempt.id}"
    return _attempt_out(request, learner, attempt.id)


@router.get(
    "/attempts/{attempt_id}",
    response_model=AttemptOut,
    summary="Read an attempt",
    operation_id="readAttempt",
)
async def read_attempt(request: Request, attempt_id: AttemptId, learner: Learner) -> AttemptOut:
    """The attempt's questions, options, saved answers and time left. No key."""
    return _attempt_out(request, learner, attempt_id)


@saves.put(
    "/attempts/{attempt_id}/answers/{number}",
    response_model=SavedOut,
    summary="Save an answer",
    operation_id="saveAnswer",
)
async def save_answer(
    request: Request, attempt_id: AttemptId, number: Number, body: AnswerIn, learner: Learner
) -> Response:
    """Save (or clear) the answer to question `number`.

    Give each save of a question a higher `seq` than the last: a save whose `seq` is lower
    than the one held changes nothing, and the reply carries the answer held, with
    `applied` false, so the page can show it; so does the held save sent again (the same
    `seq`, option and mark). Without `seq` a save counts as the newest.
    """
    outcome = _service(request).save_answer(
        learner=learner,
        attempt_id=attempt_id,
        number=number,
        letter=body.option,
        marked=body.marked,
        seq=body.seq,
        device_time=body.device_time,
    )
    saved = outcome.saved
    held = SavedOut(
        number=number,
        option=outcome.slot.letter_of(saved.answer.option_id),
        marked=saved.answer.marked,
        seq=saved.answer.seq,
        applied=saved.applied,
        saved_at=saved.answer.saved_at,
        answered=outcome.answered,
    )
    # Encoded once by the model it was built as (response_model still documents it);
    # returning the model had FastAPI validate it again and encode it in two steps.
    return Response(held.model_dump_json(), media_type="application/json", headers=NO_STORE)


@router.post(
    "/attempts/{attempt_id}/submit",
    response_model=ResultOut | WithheldOut,
    summary="Submit an attempt",
    operation_id="submitAttempt",
)
async def submit_attempt(
    request: Request, attempt_id: AttemptId, learner: Learner
) -> ResultOut | WithheldOut | Response:
    """Submit the attempt and return its result."""
    service = _service(request)
    submitted = service.submit(learner=learner, attempt_id=attempt_id)
    return _result(request, attempt_id, learner, lambda: service.graded(submitted))


@router.get(
    "/attempts/{attempt_id}/result",
    response_model=ResultOut | WithheldOut,
    summary="Read a result",
    operation_id="readResult",
)
async def read_result(
    request: Request, attempt_id: AttemptId, learner: Learner
) -> ResultOut | WithheldOut | Response:
    """Score, breakdowns, and for each question the choice, key, feedback and explanation.

    A class exam's attempt gives only what its review policy shows now (WithheldOut).
    """
    service = _service(request)
    return _result(
        request, attempt_id, learner, lambda: service.result(learner=learner, attempt_id=attempt_id)
    )


def _result(
    request: Request,
    attempt_id: str,
    learner: str | None,
    graded: Callable[[], tuple[Attempt, Result]],
) -> WithheldOut | Response:
    """The result JSON, rendered once per process and kept (FinishedResults)."""
    service = _service(request)

    def render() -> tuple[str, str, str]:
        attempt, result = graded()
        held = service.held_back(attempt)
        late = service.late_answers(attempt)
        view = result_view(attempt, result, service.pack, request.app.state.rendered, held, late)
        return attempt.owner, "application/json", ResultOut.of(view).model_dump_json()

    late = str(service.late_count(attempt_id))
    key = (attempt_id, "json", service.windows.now().token, late)  # see exam_pages.result
    try:
        response: Response = request.app.state.finished.response(request, key, learner, render)
    except Withheld as withheld:
        return withheld_out(withheld, service.held_back(withheld.attempt))
    return response

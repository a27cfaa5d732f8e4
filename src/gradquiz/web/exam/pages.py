"""The exam's pages; every action works as a plain form post, JavaScript only enhances."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.attempts import Attempt
from gradquiz.errors import (
    AttemptClosed,
    AttemptInProgress,
    InvalidInput,
    NotSubmitted,
    Withheld,
)
from gradquiz.services.exam import ExamService
from gradquiz.web import rate_limits
from gradquiz.web.exam.views import AttemptView, LateSummary, attempt_view, result_view
from gradquiz.web.exam.withheld import withheld_out
from gradquiz.web.identity import Learner, ensure_learner
from gradquiz.web.rate_limits import Action
from gradquiz.web.templating import render_html, render_page, see_other

# Coroutines calling the synchronous services directly, as in exam_api (see there).
router = APIRouter(include_in_schema=False)

# Where a question page's buttons may lead, besides a question number.
_PLACES = {"next", "prev", "review", "home", "clear"}


def _service(request: Request) -> ExamService:
    service: ExamService = request.app.state.service
    return service


def _view(request: Request, attempt: Attempt) -> AttemptView:
    service = _service(request)
    return attempt_view(
        attempt,
        service.shown.of_slot,
        service.pack,
        request.app.state.rendered,
        service.clock(),
    )


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request, learner: Learner) -> HTMLResponse:
    """The pack's page: intro, topics, glossary, worked example, interview prep, Start."""
    service = _service(request)
    open_attempt = service.open_attempt(learner=learner)
    return render_page(
        request,
        "landing.html",
        rendered=request.app.state.rendered.page,
        interview=request.app.state.interview.responses(learner=learner),
        open_attempt=_view(request, open_attempt) if open_attempt else None,
        history=service.history(learner=learner),
        due=request.app.state.review.summary(learner=learner),
        refusal=None if open_attempt else service.start_refusal(),
    )


@router.post("/attempts")
async def start(
    request: Request,
    learner: Learner,
    replacing: Annotated[str | None, Form(max_length=64)] = None,
) -> Response:
    """Start an exam and go to its first question; offer Resume while one is in progress."""
    response = see_other("/")
    rate_limits.check(request, Action.START, learner)
    new = learner is None
    learner = ensure_learner(request, response, learner)
    service = _service(request)
    try:
        attempt = service.start(learner=learner, replacing=replacing, new=new)
    except AttemptInProgress as error:
        in_progress = service.attempt(learner=learner, attempt_id=error.attempt_id)
        return render_page(
            request, "exam/in_progress.html", status=409, attempt=_view(request, in_progress)
        )
    response.headers["Location"] = f"/attempts/{attempt.id}/questions/1"
    return response


@router.get("/attempts/{attempt_id}")
async def resume(request: Request, attempt_id: str, learner: Learner) -> Response:
    """Go back into an attempt: its first unanswered question, or the result if it is over."""
    attempt = _service(request).attempt(learner=learner, attempt_id=attempt_id)
    if attempt.is_submitted:
        return see_other(f"/attempts/{attempt_id}/result")
    unanswered = attempt.unanswered()
    if not unanswered:
        return see_other(f"/attempts/{attempt_id}/review")
    number = [s.question_id for s in attempt.slots].index(unanswered[0]) + 1
    return see_other(f"/attempts/{attempt_id}/questions/{number}")


@router.get("/attempts/{attempt_id}/questions/{number}", response_class=HTMLResponse)
async def question(request: Request, attempt_id: str, number: int, learner: Learner) -> Response:
    """One question of the exam, with the palette and the countdown."""
    attempt = _service(request).attempt(learner=learner, attempt_id=attempt_id)
    if attempt.is_submitted:
        return see_other(f"/attempts/{attempt_id}/result")
    attempt.slot_at(number)  # NotFound outside 1..15
    view = _view(request, attempt)
    current = view.questions[number - 1]
    return render_page(request, "exam/question.html", attempt=view, question=current)


@router.post("/attempts/{attempt_id}/questions/{number}")
async def answer(
    request: Request,
    attempt_id: str,
    number: int,
    learner: Learner,
    option: Annotated[str | None, Form(max_length=8)] = None,
    marked: Annotated[str | None, Form(max_length=8)] = None,
    seq: Annotated[int | None, Form(ge=0, le=2**31 - 1)] = None,
    go: Annotated[str, Form(max_length=16)] = "next",
) -> Response:
    """Save the choice on a question page, then go where the learner asked.

    Every button that leaves a question page belongs to its form, so leaving always saves.
    """
    service = _service(request)
    attempt = service.attempt(learner=learner, attempt_id=attempt_id)
    if attempt.is_submitted:
        return see_other(f"/attempts/{attempt_id}/result?closed=1")
    attempt.slot_at(number)
    destination = _destination(attempt_id, number, len(attempt.slots), go)
    try:
        service.save_answer(
            learner=learner,
            attempt_id=attempt_id,
            number=number,
            letter=None if go == "clear" else option,
            marked=bool(marked),
            seq=seq,
        )
    except AttemptClosed:
        return render_page(request, "exam/closed.html", status=409, attempt_id=attempt_id)
    return see_other(destination)


def _destination(attempt_id: str, number: int, total: int, go: str) -> str:
    """Where `go` leads from question `number`; InvalidInput for anything else."""
    base = f"/attempts/{attempt_id}"
    if go == "home":
        return "/"
    if go == "review":
        return f"{base}/review"
    if go == "clear":
        return f"{base}/questions/{number}"
    if go not in _PLACES and not (go.isascii() and go.isdigit() and 1 <= int(go) <= total):
        raise InvalidInput(
            f"'{go}' is not a place to go: use next, prev, review, home, clear or 1 to {total}."
        )
    steps = {"next": number + 1, "prev": number - 1}
    target = steps[go] if go in steps else int(go)
    if target > total:
        return f"{base}/review"
    return f"{base}/questions/{max(target, 1)}"


@router.get("/attempts/{attempt_id}/review", response_class=HTMLResponse)
async def review(request: Request, attempt_id: str, learner: Learner) -> Response:
    """Overview before submitting: answered, unanswered and marked questions."""
    attempt = _service(request).attempt(learner=learner, attempt_id=attempt_id)
    if attempt.is_submitted:
        return see_other(f"/attempts/{attempt_id}/result")
    confirm = request.query_params.get("confirm") == "1" and bool(attempt.unanswered())
    return render_page(
        request, "exam/review.html", attempt=_view(request, attempt), confirm=confirm
    )


@router.get("/attempts/{attempt_id}/submit")
async def submit_page(attempt_id: str) -> Response:
    """Reloading the confirmation shows the review page it came from."""
    return see_other(f"/attempts/{attempt_id}/review")


@router.post("/attempts/{attempt_id}/submit")
async def submit(
    request: Request,
    attempt_id: str,
    learner: Learner,
    confirm: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Submit; with unanswered questions, ask once more (on the review page) before submitting."""
    service = _service(request)
    attempt = service.attempt(learner=learner, attempt_id=attempt_id)
    if not attempt.is_submitted:
        if attempt.unanswered() and confirm != "yes":
            return see_other(f"/attempts/{attempt_id}/review?confirm=1#confirm-box")
        service.submit(learner=learner, attempt_id=attempt_id)
    return see_other(f"/attempts/{attempt_id}/result")


@router.get("/attempts/{attempt_id}/result", response_class=HTMLResponse)
async def result(request: Request, attempt_id: str, learner: Learner) -> Response:
    """Score, breakdowns, and every question with the choice, key, feedback and explanation."""
    service = _service(request)
    only_wrong = request.query_params.get("only") == "wrong"
    closed = request.query_params.get("closed") == "1"

    def render() -> tuple[str, str, str]:
        attempt, graded = service.result(learner=learner, attempt_id=attempt_id)
        held = service.held_back(attempt)
        late = service.late_answers(attempt)
        view = result_view(attempt, graded, service.pack, request.app.state.rendered, held, late)
        shown = [q for q in view.questions if not (only_wrong and q.correct)]
        html = render_html(
            request,
            "exam/result.html",
            result=view,
            shown=shown,
            only_wrong=only_wrong,
            closed=closed,
        )
        return attempt.owner, "text/html; charset=utf-8", html

    # What class windows hold back is part of the page: a window opening or closing makes it
    # another page.
    # So is a late answer that arrived after the page was first drawn.
    held = service.windows.now().token
    late = str(service.late_count(attempt_id))
    key = (attempt_id, "page", str(only_wrong), str(closed), held, late)
    try:
        response: Response = request.app.state.finished.response(request, key, learner, render)
    except NotSubmitted:
        return see_other(f"/attempts/{attempt_id}/review")
    except Withheld as withheld:
        held_back = service.held_back(withheld.attempt)
        shown = withheld_out(withheld, held_back)
        held_rows = {
            number: held_back[slot.question_id]
            for number, slot in enumerate(withheld.attempt.slots, 1)
            if slot.question_id in held_back
        }
        summary = LateSummary.of(withheld.attempt, service.late_answers(withheld.attempt))
        return render_page(
            request,
            "classes/withheld.html",
            withheld=shown,
            held_rows=held_rows,
            result=summary,
        )
    return response

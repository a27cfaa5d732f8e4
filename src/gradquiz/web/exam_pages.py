"""The exam's pages; every action works as a plain form post, JavaScript only enhances."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from gradquiz.content.render import pygments_css
from gradquiz.core.attempts import Attempt
from gradquiz.errors import AttemptClosed, NotSubmitted
from gradquiz.services.exam import ExamService
from gradquiz.web.identity import Identity, ensure_identity
from gradquiz.web.templating import render_page
from gradquiz.web.views import AttemptView, attempt_view, result_view

router = APIRouter(include_in_schema=False)

_PYGMENTS_CSS = pygments_css()


def _service(request: Request) -> ExamService:
    service: ExamService = request.app.state.service
    return service


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _view(request: Request, attempt: Attempt) -> AttemptView:
    service = _service(request)
    return attempt_view(attempt, service.pack, request.app.state.rendered, service.clock())


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, identity: Identity) -> HTMLResponse:
    """The pack's page: intro, topics, glossary, worked example, interview prep, Start."""
    interview = request.app.state.interview.responses(identity=identity)
    return render_page(
        request, "landing.html", rendered=request.app.state.rendered.page, interview=interview
    )


@router.get("/static-generated/pygments.css")
def code_style() -> Response:
    """Colours for highlighted code."""
    return PlainTextResponse(
        _PYGMENTS_CSS, media_type="text/css", headers={"Cache-Control": "max-age=86400"}
    )


@router.post("/attempts")
def start(request: Request, identity: Identity) -> Response:
    """Start an exam and go to its first question."""
    response = RedirectResponse("/", status_code=303)
    token = ensure_identity(request, response, identity)
    attempt = _service(request).start(identity=token)
    response.headers["Location"] = f"/attempts/{attempt.id}/questions/1"
    return response


@router.get("/attempts/{attempt_id}")
def resume(request: Request, attempt_id: str, identity: Identity) -> Response:
    """Go back into an attempt: its first unanswered question, or the result if it is over."""
    attempt = _service(request).attempt(identity=identity, attempt_id=attempt_id)
    if attempt.is_submitted:
        return _see_other(f"/attempts/{attempt_id}/result")
    unanswered = attempt.unanswered()
    if not unanswered:
        return _see_other(f"/attempts/{attempt_id}/review")
    number = [s.question_id for s in attempt.slots].index(unanswered[0]) + 1
    return _see_other(f"/attempts/{attempt_id}/questions/{number}")


@router.get("/attempts/{attempt_id}/questions/{number}", response_class=HTMLResponse)
def question(request: Request, attempt_id: str, number: int, identity: Identity) -> Response:
    """One question of the exam, with the palette and the countdown."""
    attempt = _service(request).attempt(identity=identity, attempt_id=attempt_id)
    if attempt.is_submitted:
        return _see_other(f"/attempts/{attempt_id}/result")
    attempt.slot_at(number)  # NotFound outside 1..15
    view = _view(request, attempt)
    current = view.questions[number - 1]
    return render_page(request, "exam/question.html", attempt=view, question=current)


@router.post("/attempts/{attempt_id}/questions/{number}")
def answer(
    request: Request,
    attempt_id: str,
    number: int,
    identity: Identity,
    option: Annotated[str | None, Form(max_length=8)] = None,
    marked: Annotated[str | None, Form(max_length=8)] = None,
    go: Annotated[str, Form(max_length=16)] = "next",
) -> Response:
    """Save the choice on a question page, then move where the learner asked to go."""
    service = _service(request)
    attempt = service.attempt(identity=identity, attempt_id=attempt_id)
    if attempt.is_submitted:
        return _see_other(f"/attempts/{attempt_id}/result?closed=1")
    slot = attempt.slot_at(number)
    try:
        service.save_answer(
            identity=identity,
            attempt_id=attempt_id,
            question_id=slot.question_id,
            letter=option,
            marked=bool(marked),
        )
    except AttemptClosed:
        return render_page(request, "exam/closed.html", status=409, attempt_id=attempt_id)
    return _see_other(_destination(attempt_id, number, len(attempt.slots), go))


def _destination(attempt_id: str, number: int, total: int, go: str) -> str:
    base = f"/attempts/{attempt_id}"
    if go == "review":
        return f"{base}/review"
    if go == "prev":
        target = number - 1
    elif go == "next":
        target = number + 1
    elif go.isdigit():
        target = int(go)
    else:
        target = number
    if target > total:
        return f"{base}/review"
    return f"{base}/questions/{min(max(target, 1), total)}"


@router.get("/attempts/{attempt_id}/review", response_class=HTMLResponse)
def review(request: Request, attempt_id: str, identity: Identity) -> Response:
    """Overview before submitting: answered, unanswered and marked questions."""
    attempt = _service(request).attempt(identity=identity, attempt_id=attempt_id)
    if attempt.is_submitted:
        return _see_other(f"/attempts/{attempt_id}/result")
    return render_page(request, "exam/review.html", attempt=_view(request, attempt), confirm=False)


@router.post("/attempts/{attempt_id}/submit")
def submit(
    request: Request,
    attempt_id: str,
    identity: Identity,
    confirm: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Submit; with unanswered questions, ask once more before submitting."""
    service = _service(request)
    attempt = service.attempt(identity=identity, attempt_id=attempt_id)
    if not attempt.is_submitted:
        if attempt.unanswered() and confirm != "yes":
            view = _view(request, attempt)
            return render_page(request, "exam/review.html", attempt=view, confirm=True)
        service.submit(identity=identity, attempt_id=attempt_id)
    return _see_other(f"/attempts/{attempt_id}/result")


@router.get("/attempts/{attempt_id}/result", response_class=HTMLResponse)
def result(request: Request, attempt_id: str, identity: Identity) -> Response:
    """Score, breakdowns, and every question with the choice, key, feedback and explanation."""
    service = _service(request)
    try:
        attempt, graded = service.result(identity=identity, attempt_id=attempt_id)
    except NotSubmitted:
        return _see_other(f"/attempts/{attempt_id}/review")
    view = result_view(attempt, graded, service.pack, request.app.state.rendered)
    closed = request.query_params.get("closed") == "1"
    return render_page(request, "exam/result.html", result=view, closed=closed)

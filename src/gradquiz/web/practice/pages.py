"""Practice pages: choose topics and difficulties, answer one question at a time, see the
feedback at once. Review sets and "practise what I missed" sets are shown here too.
Every action is a plain form post; static/practice.js only keeps choice and typing apart."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.lab.numbers import MAX_CHARS
from gradquiz.core.practice import PracticeSession
from gradquiz.core.questions import Difficulty
from gradquiz.errors import InvalidInput
from gradquiz.services.exam import ExamService
from gradquiz.services.practice import SET_SIZES, PracticeService, Shortfall
from gradquiz.services.review import ReviewService
from gradquiz.web import rate_limits
from gradquiz.web.identity import Learner, ensure_learner
from gradquiz.web.practice.views import (
    AnswerForm,
    PracticeQuestionView,
    SetView,
    feedback_view,
    question_view,
    refused_field,
    set_summary,
    set_view,
)
from gradquiz.web.rate_limits import Action
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)
# A refused typed number is shown again in its box, cut to what the box holds (its
# maxlength, the longest number read): 64 kept in a box of 32 disagreed with the message.
KEPT_CHARS = MAX_CHARS


def _practice(request: Request) -> PracticeService:
    practice: PracticeService = request.app.state.practice
    return practice


@router.get("/practice", response_class=HTMLResponse)
def practice_home(request: Request, learner: Learner) -> HTMLResponse:
    """Choose topics, difficulties and how many questions; or continue a set."""
    review: ReviewService = request.app.state.review
    return render_page(
        request,
        "practice/index.html",
        difficulties=list(Difficulty),
        set_sizes=SET_SIZES,
        unfinished=_unfinished(request, learner),
        due=review.summary(learner=learner),
    )


def _unfinished(request: Request, learner: str | None) -> SetView | None:
    practice = _practice(request).unfinished(learner=learner)
    return set_view(practice) if practice else None


@router.post("/practice")
def start_practice(
    request: Request,
    learner: Learner,
    topic: Annotated[list[str] | None, Form(max_length=64)] = None,
    difficulty: Annotated[list[str] | None, Form(max_length=16)] = None,
    count: Annotated[str, Form(max_length=8)] = str(SET_SIZES[0]),
) -> Response:
    """Start a set of the chosen topics and difficulties and go to its first question."""
    rate_limits.check(request, Action.PRACTICE, learner)
    response = see_other("/practice")
    learner = ensure_learner(request, response, learner)
    size = _set_size(count)
    practice = _practice(request).start(
        learner=learner, topics=topic or [], difficulties=difficulty or [], count=size
    )
    response.headers["Location"] = f"/practice/{practice.id}"
    if size is not None and practice.chosen < size:
        # The first question says why the set is smaller, from what was asked for.
        asked = [("asked", str(size))] + [("topic", t) for t in topic or []]
        asked += [("difficulty", d) for d in difficulty or []]
        response.headers["Location"] += "?" + urlencode(asked)
    return response


# What a question page reads of `?asked=…&topic=…&difficulty=…`; past these, nothing.
ASKED_TOPICS = 64
ASKED_DIFFICULTIES = 8


def _shortfall(request: Request, practice: PracticeSession) -> Shortfall | None:
    """Why the set is smaller than asked for, from the query its start left on its URL."""
    query = request.query_params
    asked = query.get("asked")
    topics, difficulties = query.getlist("topic"), query.getlist("difficulty")
    if (
        asked is None
        or asked not in {str(size) for size in SET_SIZES}
        or len(topics) > ASKED_TOPICS
        or len(difficulties) > ASKED_DIFFICULTIES
    ):
        return None
    return _practice(request).shortfall(
        practice, asked=int(asked), topics=topics, difficulties=difficulties
    )


def _set_size(count: str) -> int | None:
    if count == "all":
        return None
    if count.isascii() and count.isdigit() and int(count) in SET_SIZES:
        return int(count)
    sizes = ", ".join(str(size) for size in SET_SIZES)
    raise InvalidInput(f"A set holds {sizes} or all questions, not {count[:8]!r}.")


@router.post("/practice/missed")
def practise_missed(
    request: Request, learner: Learner, attempt: Annotated[str, Form(max_length=64)]
) -> Response:
    """A set of one submitted exam's wrong and unanswered questions, as that exam showed them."""
    rate_limits.check(request, Action.PRACTICE, learner)
    exam: ExamService = request.app.state.service
    submitted, result = exam.result(learner=learner, attempt_id=attempt)
    assert learner is not None  # result() refuses an attempt without its owner
    practice = _practice(request).start_missed(learner=learner, attempt=submitted, result=result)
    return see_other(f"/practice/{practice.id}")


@router.get("/practice/{session_id}")
def continue_set(request: Request, session_id: str, learner: Learner) -> Response:
    """Go to the set's next question, or its summary once every question is answered."""
    practice = _practice(request).session(learner=learner, session_id=session_id)
    current = practice.current
    if current is None:
        return see_other(f"/practice/{session_id}/done")
    query = f"?{request.url.query}" if request.url.query else ""
    return see_other(f"/practice/{session_id}/{current.number}{query}")


@router.get("/practice/{session_id}/done", response_class=HTMLResponse)
def set_done(request: Request, session_id: str, learner: Learner) -> Response:
    """How the set went: right out of answered, by topic, question by question; answers a
    class window holds back are listed as such and counted nowhere."""
    service = _practice(request)
    practice = service.session(learner=learner, session_id=session_id)
    held = service.windows.now().questions
    summary = set_summary(
        practice, lambda number: service.question(practice, number), service.pack, held
    )
    review: ReviewService = request.app.state.review
    return render_page(
        request,
        "practice/done.html",
        set=set_view(practice),
        score=summary.score,
        held=summary.held,
        rows=summary.rows,
        by_topic=summary.by_topic,
        finished=practice.current is None,
        due=review.summary(learner=learner),
    )


@router.get("/practice/{session_id}/{number}", response_class=HTMLResponse)
def set_question(request: Request, session_id: str, number: int, learner: Learner) -> Response:
    """A question waiting for its answer, or, once answered, its feedback."""
    service = _practice(request)
    practice = service.session(learner=learner, session_id=session_id)
    item = practice.item(number)
    question = service.question(practice, number)
    rendered = request.app.state.rendered
    held_until = service.held_until(item.slot.question_id)
    if item.answer is not None:
        feedback = feedback_view(practice, item, question, service.pack, rendered, held_until)
        return render_page(
            request, "practice/feedback.html", set=set_view(practice), feedback=feedback
        )
    if item is not practice.current:
        return see_other(f"/practice/{session_id}")
    if held_until is not None:
        return render_page(
            request, "practice/held.html", set=set_view(practice), held_until=held_until
        )
    service.present(practice, number)
    show_options = request.query_params.get("show") == "options"
    page = question_view(item, question, service.pack, rendered, show_options=show_options)
    return _question_page(
        request, practice, page, AnswerForm(), shortfall=_shortfall(request, practice)
    )


def _question_page(
    request: Request,
    practice: PracticeSession,
    question: PracticeQuestionView,
    form: AnswerForm,
    status: int = 200,
    shortfall: Shortfall | None = None,
) -> HTMLResponse:
    """A question's page, with what was sent and why it was refused, if it was, and why the
    set is smaller than asked for, if it is."""
    return render_page(
        request,
        "practice/question.html",
        status=status,
        set=set_view(practice),
        question=question,
        form=form,
        shortfall=shortfall,
    )


@router.post("/practice/{session_id}/{number}")
def answer_question(
    request: Request,
    session_id: str,
    number: int,
    learner: Learner,
    option: Annotated[str | None, Form(max_length=8)] = None,
    # No length limit here (a longer one was a bare "Invalid input"): the body's size is bounded
    # by the request guard, and read_number refuses more than 32 characters beside the field.
    typed: Annotated[str | None, Form()] = None,
    confidence: Annotated[str | None, Form(max_length=16)] = None,
    show: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    """Mark the answer (a chosen letter or a typed number), then show its feedback; a refused
    answer shows the question again (422) with the reason beside the field and the input kept."""
    service = _practice(request)
    try:
        service.answer(
            learner=learner,
            session_id=session_id,
            number=number,
            letter=option,
            typed=typed,
            confidence=confidence,
        )
    except InvalidInput as error:
        practice = service.session(learner=learner, session_id=session_id)
        item = practice.item(number)
        if item is not practice.current:
            raise
        page = question_view(
            item,
            service.question(practice, number),
            service.pack,
            request.app.state.rendered,
            show_options=show == "options",
        )
        field = refused_field(option, typed, confidence)
        message = error.message
        if page.typed_only and field == "option":
            field, message = "typed", "Type a number to check your answer."
        elif field == "typed" and not page.takes_typed:
            field = "option"  # no number box on this page: the note goes by the options
        kept = typed or ""
        if len(kept) > KEPT_CHARS:
            kept = kept[:KEPT_CHARS]
            message += f" The box holds {KEPT_CHARS}, so it keeps the first {KEPT_CHARS}."
        form = AnswerForm(message, field, option or "", kept, confidence or "")
        return _question_page(request, practice, page, form, status=422)
    return see_other(f"/practice/{session_id}/{number}#feedback")

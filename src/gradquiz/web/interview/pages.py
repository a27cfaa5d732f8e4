"""Interview practice pages: answer first, then compare with the model answer and self-assess."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.interview import MAX_ANSWER_CHARS
from gradquiz.services.interview import InterviewPractice
from gradquiz.web.identity import Learner, ensure_learner
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)


def _practice(request: Request) -> InterviewPractice:
    practice: InterviewPractice = request.app.state.interview
    return practice


@router.get("/interview/{question_id}", response_class=HTMLResponse)
def interview_question(request: Request, question_id: str, learner: Learner) -> Response:
    """Write an answer; once written, the model answer and its key points appear beside it."""
    practice = _practice(request)
    question = practice.question(question_id)
    questions = practice.pack.page.interview_questions
    position = [q.id for q in questions].index(question_id)
    return render_page(
        request,
        "interview/question.html",
        question=question,
        response=practice.responses(learner=learner).get(question_id),
        rendered=request.app.state.rendered.page,
        previous=questions[position - 1] if position > 0 else None,
        following=questions[position + 1] if position + 1 < len(questions) else None,
        max_chars=MAX_ANSWER_CHARS,
    )


@router.post("/interview/{question_id}/answer")
def save_interview_answer(
    request: Request,
    question_id: str,
    learner: Learner,
    answer: Annotated[str, Form(max_length=MAX_ANSWER_CHARS * 2)] = "",
) -> Response:
    """Keep the learner's own answer, then show the model answer."""
    response = see_other(f"/interview/{question_id}#compare")
    learner = ensure_learner(request, response, learner)
    _practice(request).save_answer(learner=learner, question_id=question_id, text=answer)
    return response


@router.post("/interview/{question_id}/points")
def save_interview_points(
    request: Request,
    question_id: str,
    learner: Learner,
    covered: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Record which key points the learner's answer made."""
    _practice(request).save_points(learner=learner, question_id=question_id, covered=covered or [])
    return see_other(f"/interview/{question_id}#assessment")

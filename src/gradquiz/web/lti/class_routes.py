"""A linked class exam's LMS side, for its instructor: the course roster with who has not
started, and posting a score to the course again."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.accounts import require_instructor
from gradquiz.core.classes import ClassExam
from gradquiz.services.classes import ClassService, Standing
from gradquiz.services.lti_grades import LtiGrades
from gradquiz.web.sessions import required_account
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)
ClassId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/classes/{class_id}/roster", response_class=HTMLResponse)
def roster(request: Request, class_id: ClassId) -> Response:
    """The learners of the course that links to the class exam, pulled from the LMS now,
    each with where they stand: not started, joined, in progress or submitted."""
    exam = _owned(request, class_id)
    grades = _grades(request)
    owner_subs = grades.subs(exam.id)
    standings = {
        owner_subs[s.member.owner]: _standing(s)
        for s in _classes(request).standings(exam)
        if s.member.owner in owner_subs
    }
    error = None
    try:
        entries = grades.roster(exam.id, standings)
    except Exception as failure:  # the LMS is down or refuses: said on the page
        entries, error = [], f"The course roster could not be pulled: {failure}"[:400]
    return render_page(
        request, "lti/roster.html", exam=exam, entries=entries, error=error, current="roster"
    )


@router.post("/classes/{class_id}/scores/{score_id}/post-again")
def post_again(request: Request, class_id: ClassId, score_id: int) -> Response:
    """Put a score back in line for the course; posted within seconds."""
    exam = _owned(request, class_id)
    _grades(request).post_again(class_id=exam.id, score_id=score_id)
    return see_other(f"/classes/{exam.id}/results")


def _standing(standing: Standing) -> str:
    latest = standing.latest
    if latest is None:
        return "joined, not started"
    return "in progress" if latest.submitted_at is None else "submitted"


def _owned(request: Request, class_id: str) -> ClassExam:
    account = require_instructor(required_account(request, "Sign in to see your class."))
    return _classes(request).owned(instructor=account, class_id=class_id)


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service


def _grades(request: Request) -> LtiGrades:
    grades: LtiGrades = request.app.state.lti_grades
    return grades

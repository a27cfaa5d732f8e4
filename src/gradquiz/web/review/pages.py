"""Spaced review: how many questions are due and when the next one is; a review set of
the questions due now, answered in the practice format."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.scheduling import FAST_SECONDS
from gradquiz.services.review import REVIEW_SET_SIZE, ReviewService
from gradquiz.web import rate_limits
from gradquiz.web.identity import Learner
from gradquiz.web.rate_limits import Action
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)


def _review(request: Request) -> ReviewService:
    review: ReviewService = request.app.state.review
    return review


@router.get("/review", response_class=HTMLResponse)
def review_home(request: Request, learner: Learner) -> HTMLResponse:
    """The review queue: due now, the next due time, and how answers are scheduled."""
    return render_page(
        request,
        "review/index.html",
        due=_review(request).summary(learner=learner),
        set_size=REVIEW_SET_SIZE,
        fast_seconds={level.value: seconds for level, seconds in FAST_SECONDS.items()},
    )


@router.post("/review")
def start_review(request: Request, learner: Learner) -> Response:
    """Start a review set of the questions due now; with none due, back to the queue."""
    rate_limits.check(request, Action.PRACTICE, learner)
    practice = _review(request).start(learner=learner) if learner else None
    target = f"/practice/{practice.id}" if practice else "/review"
    return see_other(target)

"""Spaced review: how an answer rates, and when its card is due next, by FSRS.

The `fsrs` package does the scheduling; this module only chooses the rating and keeps the
clock out: every function takes `now`, and the scheduler never fuzzes, so the same history
always gives the same due dates.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from gradquiz.core.answers import AnsweredQuestion, Confidence
from gradquiz.core.questions import Difficulty

# A right answer given with "sure" within this many seconds of the question appearing is
# rated Easy: quick recall, no working needed.
FAST_SECONDS = {Difficulty.EASY: 30, Difficulty.MEDIUM: 45, Difficulty.HARD: 60}

_SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(answer: AnsweredQuestion) -> Rating:
    """Wrong → Again; right but unsure or guessing → Hard; right → Good; right, sure and
    fast → Easy."""
    if not answer.correct:
        return Rating.Again
    if answer.confidence in (Confidence.UNSURE, Confidence.GUESSING):
        return Rating.Hard
    if answer.confidence is Confidence.SURE and is_fast(answer):
        return Rating.Easy
    return Rating.Good


def is_fast(answer: AnsweredQuestion) -> bool:
    """Whether the answer came within FAST_SECONDS of the question appearing."""
    return answer.seconds is not None and answer.seconds <= FAST_SECONDS[answer.difficulty]


@dataclass(frozen=True)
class ReviewCard:
    """One question's place in a learner's review: FSRS's memory state and the next due time.

    `state`, `step`, `stability` and `difficulty` are FSRS's own; `reviews` and `lapses`
    count every answer and every wrong one.
    """

    question_id: str
    due: datetime
    state: int = State.Learning.value
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None
    reviews: int = 0
    lapses: int = 0


def new_card(question_id: str, now: datetime) -> ReviewCard:
    """A card for a question answered for the first time, due at once until reviewed."""
    return ReviewCard(question_id=question_id, due=now)


def review(card: ReviewCard, answer: AnsweredQuestion) -> tuple[ReviewCard, Rating]:
    """The card after `answer`, scheduled by FSRS at the time the answer was given.

    An answer recorded out of order (an exam settled after a later practice answer) counts
    at the card's last review instead, so time never runs backwards for the scheduler.
    """
    rating = rating_for(answer)
    when = answer.answered_at.astimezone(UTC)
    if card.last_review is not None:
        when = max(when, card.last_review.astimezone(UTC))
    scheduled, _ = _SCHEDULER.review_card(_fsrs_card(card), rating, review_datetime=when)
    reviewed = ReviewCard(
        question_id=card.question_id,
        due=scheduled.due,
        state=scheduled.state.value,
        step=scheduled.step,
        stability=scheduled.stability,
        difficulty=scheduled.difficulty,
        last_review=scheduled.last_review,
        reviews=card.reviews + 1,
        lapses=card.lapses + (rating is Rating.Again),
    )
    return reviewed, rating


def _fsrs_card(card: ReviewCard) -> Card:
    return Card(
        card_id=0,  # fsrs would otherwise read the clock to make one
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )


def due_now(cards: Iterable[ReviewCard], now: datetime) -> list[ReviewCard]:
    """The cards due at `now`, the longest overdue first."""
    return sorted((c for c in cards if c.due <= now), key=lambda c: (c.due, c.question_id))


def next_due(cards: Iterable[ReviewCard], now: datetime) -> datetime | None:
    """When the first card not yet due falls due, if any."""
    return min((c.due for c in cards if c.due > now), default=None)


def due_by_day(dues: Iterable[datetime], now: datetime, days: int = 14) -> list[tuple[date, int]]:
    """Cards falling due on each of the `days` UTC days from today; today includes the overdue."""
    today = now.astimezone(UTC).date()
    counts = Counter(max(due.astimezone(UTC).date(), today) for due in dues)
    return [(today + timedelta(days=n), counts[today + timedelta(days=n)]) for n in range(days)]

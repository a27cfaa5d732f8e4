from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Rating

from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.core.questions import Difficulty
from gradquiz.core.scheduling import (
    ReviewCard,
    due_by_day,
    due_now,
    new_card,
    next_due,
    rating_for,
    review,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def answer(
    correct: bool,
    *,
    at: datetime = T0,
    confidence: Confidence | None = None,
    seconds: float | None = None,
    difficulty: Difficulty = Difficulty.MEDIUM,
    question: str = "q",
) -> AnsweredQuestion:
    return AnsweredQuestion(
        question_id=question,
        topic="chain-rule",
        difficulty=difficulty,
        correct=correct,
        answered_at=at,
        source=Source.PRACTICE,
        confidence=confidence,
        seconds=seconds,
    )


@pytest.mark.parametrize(
    ("correct", "confidence", "seconds", "rating"),
    [
        (False, Confidence.SURE, 5, Rating.Again),
        (False, None, None, Rating.Again),
        (True, Confidence.GUESSING, 5, Rating.Hard),
        (True, Confidence.UNSURE, 5, Rating.Hard),
        (True, None, 5, Rating.Good),
        (True, Confidence.SURE, None, Rating.Good),  # an exam answer: time unknown
        (True, Confidence.SURE, 46, Rating.Good),  # medium: fast is 45 s or less
        (True, Confidence.SURE, 45, Rating.Easy),
    ],
)
def test_rating_mapping(
    correct: bool, confidence: Confidence | None, seconds: float | None, rating: Rating
) -> None:
    assert rating_for(answer(correct, confidence=confidence, seconds=seconds)) == rating


def test_fast_depends_on_difficulty() -> None:
    sure = {"confidence": Confidence.SURE, "seconds": 40.0}
    assert rating_for(answer(True, difficulty=Difficulty.EASY, **sure)) == Rating.Good  # type: ignore[arg-type]
    assert rating_for(answer(True, difficulty=Difficulty.HARD, **sure)) == Rating.Easy  # type: ignore[arg-type]


def test_a_missed_card_is_due_before_a_correct_one() -> None:
    missed, _ = review(new_card("missed", T0), answer(False, question="missed"))
    right, _ = review(new_card("right", T0), answer(True, question="right"))
    easy, _ = review(
        new_card("easy", T0), answer(True, confidence=Confidence.SURE, seconds=3, question="easy")
    )
    assert missed.due < right.due < easy.due
    assert missed.due - T0 == timedelta(minutes=1)  # FSRS's first learning step
    assert (missed.reviews, missed.lapses) == (1, 1)
    assert (right.reviews, right.lapses) == (1, 0)


def test_the_same_history_always_gives_the_same_schedule() -> None:
    def replay() -> ReviewCard:
        card = new_card("q", T0)
        for day, correct in enumerate([False, True, True, True, False, True]):
            card, _ = review(card, answer(correct, at=T0 + timedelta(days=day * 3)))
        return card

    assert replay() == replay()


def test_good_answers_space_the_card_out() -> None:
    card, gaps = new_card("q", T0), []
    now = T0
    for _ in range(5):
        card, _ = review(card, answer(True, at=now))
        gaps.append(card.due - now)
        now = card.due
    assert gaps == sorted(gaps) and gaps[-1] > timedelta(days=20)


def test_an_answer_recorded_out_of_order_never_moves_time_back() -> None:
    card, _ = review(new_card("q", T0), answer(True, at=T0 + timedelta(days=2)))
    late, _ = review(card, answer(False, at=T0))
    assert late.last_review == T0 + timedelta(days=2)
    assert late.due > late.last_review  # type: ignore[operator]


def test_due_lists_under_a_frozen_clock() -> None:
    cards = [
        ReviewCard("later", due=T0 + timedelta(hours=5)),
        ReviewCard("now", due=T0),
        ReviewCard("overdue", due=T0 - timedelta(days=1)),
        ReviewCard("tomorrow", due=T0 + timedelta(days=1)),
    ]
    assert [c.question_id for c in due_now(cards, T0)] == ["overdue", "now"]
    assert next_due(cards, T0) == T0 + timedelta(hours=5)
    assert [c.question_id for c in due_now(cards, T0 + timedelta(hours=6))] == [
        "overdue",
        "now",
        "later",
    ]
    assert next_due(cards, T0 + timedelta(days=2)) is None


def test_due_by_day_counts_overdue_cards_today() -> None:
    dues = [T0 - timedelta(days=3), T0, T0 + timedelta(hours=20), T0 + timedelta(days=13)]
    days = due_by_day(dues, T0 + timedelta(hours=1))
    assert len(days) == 14
    assert days[0] == (date(2026, 1, 5), 2)
    assert days[1] == (date(2026, 1, 6), 1)
    assert days[13] == (date(2026, 1, 18), 1)
    assert sum(count for _, count in days) == 4
    assert due_by_day([T0 + timedelta(days=30)], T0)[-1][1] == 0  # beyond two weeks

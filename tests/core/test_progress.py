from datetime import UTC, datetime, timedelta

import pytest

from gradquiz.content.question_file import MAX_OPTIONS, MIN_OPTIONS
from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.core.progress import calibration, mastery, mastery_trend
from gradquiz.core.questions import Difficulty
from gradquiz.core.scoring import Tally

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def history(*answers: tuple[str, bool, int, Confidence | None]) -> list[AnsweredQuestion]:
    """Answers as (topic, correct, days before NOW, confidence), oldest first."""
    return [
        AnsweredQuestion(
            question_id=f"q{n}",
            topic=topic,
            difficulty=Difficulty.EASY,
            correct=correct,
            answered_at=NOW - timedelta(days=days_ago),
            source=Source.PRACTICE,
            confidence=confidence,
        )
        for n, (topic, correct, days_ago, confidence) in enumerate(answers)
    ]


def test_mastery_is_the_share_right_among_the_last_n_answers_per_topic() -> None:
    answers = history(
        ("chain", False, 9, None),
        ("chain", False, 8, None),
        ("chain", True, 7, None),
        ("chain", True, 6, None),
        ("chain", True, 5, None),
        ("graph", True, 4, None),
        ("graph", False, 3, None),
    )
    assert mastery(answers, last=3) == {"chain": Tally(3, 3), "graph": Tally(1, 2)}
    assert mastery(answers, last=4) == {"chain": Tally(3, 4), "graph": Tally(1, 2)}
    assert mastery(answers, last=20) == {"chain": Tally(3, 5), "graph": Tally(1, 2)}
    assert mastery([]) == {}


def test_the_trend_shows_mastery_at_the_end_of_each_week() -> None:
    answers = history(
        ("chain", False, 20, None),  # in the week ending 14 days before NOW
        ("chain", True, 10, None),  # week ending 7 days before
        ("chain", True, 9, None),
        ("graph", True, 2, None),  # this week
        ("chain", False, 1, None),
    )
    trend = mastery_trend(answers, NOW, weeks=4, last=2)
    assert trend.week_ends == (
        NOW - timedelta(weeks=3),
        NOW - timedelta(weeks=2),
        NOW - timedelta(weeks=1),
        NOW,
    )
    assert trend.by_topic == {
        "chain": (None, Tally(0, 1), Tally(2, 2), Tally(1, 2)),
        "graph": (None, None, None, Tally(1, 1)),
    }


def test_calibration_counts_right_answers_per_confidence_level() -> None:
    answers = history(
        ("chain", True, 5, Confidence.SURE),
        ("chain", True, 5, Confidence.SURE),
        ("chain", True, 5, Confidence.SURE),
        ("chain", False, 5, Confidence.SURE),
        ("graph", True, 4, Confidence.GUESSING),
        ("graph", False, 4, Confidence.GUESSING),
        ("graph", False, 4, Confidence.GUESSING),
        ("graph", True, 4, None),  # no confidence given: not in the picture
    )
    points = calibration(answers)
    assert [(p.confidence, p.stated, p.tally) for p in points] == [
        (Confidence.GUESSING, 0.25, Tally(1, 3)),
        (Confidence.UNSURE, 0.6, Tally(0, 0)),
        (Confidence.SURE, 0.9, Tally(3, 4)),
    ]
    assert [p.observed for p in points] == [1 / 3, None, 0.75]


@pytest.mark.parametrize("options", range(MIN_OPTIONS, MAX_OPTIONS + 1))
def test_a_guess_claims_one_in_the_number_of_options(options: int) -> None:
    # Before: 1 in 4 whatever the question, so a guess among three options that came out
    # right a third of the time read as better than chance.
    answers = history(("graph", True, 2, Confidence.GUESSING), ("graph", False, 1, None))
    guessing = calibration(answers, {"q0": options})[0]
    assert guessing.confidence is Confidence.GUESSING
    assert guessing.stated == pytest.approx(1 / options)


def test_guesses_on_questions_of_different_sizes_claim_their_average_chance() -> None:
    answers = history(
        ("graph", True, 3, Confidence.GUESSING),  # q0: 3 options
        ("graph", False, 2, Confidence.GUESSING),  # q1: 5 options
        ("graph", False, 1, Confidence.GUESSING),  # q2: not given, so four
    )
    guessing = calibration(answers, {"q0": 3, "q1": 5})[0]
    assert guessing.stated == pytest.approx((1 / 3 + 1 / 5 + 1 / 4) / 3)
    assert calibration([], {"q0": 3})[0].stated == 0.25  # no guesses yet: four options


def test_a_typed_guess_claims_0_and_a_chosen_one_one_in_the_options() -> None:
    # A typed guess saw no options, yet claimed 1 in 4.
    answers = history(
        ("graph", True, 2, Confidence.GUESSING),  # q0: typed
        ("graph", False, 1, Confidence.GUESSING),  # q1: chosen among 4
    )
    typed = {(answers[0].question_id, answers[0].answered_at)}
    assert calibration(answers, {"q1": 4}, typed)[0].stated == pytest.approx((0 + 1 / 4) / 2)
    assert calibration(answers[:1], {}, typed)[0].stated == 0
    assert calibration(answers[:1], {"q0": 4})[0].stated == 0.25

"""Class exam rules, windows, deadlines and review policy, without a clock or a database."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gradquiz.core.classes import (
    CODE_ALPHABET,
    ClassExam,
    Disclosure,
    Window,
    checked_multiplier,
    checked_rules,
    class_questions,
    join_code,
    next_change,
    normal_code,
    withholding,
)
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty
from gradquiz.errors import InvalidInput
from tests.factories import class_rules

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def exam(**changes: object) -> ClassExam:
    return ClassExam(
        id="c1",
        code="ABC234",
        pack_id="backprop",
        instructor="i1",
        rules=class_rules(T0, **changes),
        question_ids=("q",),
        created_at=T0,
    )


def test_the_deadline_is_the_earlier_of_the_learners_time_and_the_close() -> None:
    e = exam()  # open 09:00 to 11:00, 25 min
    assert e.deadline(T0, 1.0, timedelta(0)) == T0 + timedelta(minutes=25)
    assert e.deadline(T0, 1.5, timedelta(0)) == T0 + timedelta(minutes=37.5)
    assert e.deadline(T0, 1.25, timedelta(minutes=5)) == T0 + timedelta(minutes=36.25)
    late = T0 + timedelta(minutes=110)
    assert e.deadline(late, 1.0, timedelta(0)) == T0 + timedelta(hours=2)
    closed = replace(e, closed_early_at=T0 + timedelta(minutes=10))
    assert closed.deadline(T0, 4.0, timedelta(0)) == T0 + timedelta(minutes=10)


def test_the_window_and_what_a_learner_sees_move_with_the_clock() -> None:
    e = exam()
    assert e.window(T0 - timedelta(seconds=1)) is Window.UPCOMING
    assert e.window(T0) is Window.OPEN
    assert e.window(T0 + timedelta(hours=2)) is Window.CLOSED
    assert e.disclosure(T0 + timedelta(minutes=30)) is Disclosure.SCORE
    assert e.disclosure(T0 + timedelta(hours=2)) is Disclosure.EVERYTHING
    early = replace(e, closed_early_at=T0 + timedelta(minutes=30))
    assert early.closes == T0 + timedelta(minutes=30)
    assert early.disclosure(T0 + timedelta(minutes=31)) is Disclosure.EVERYTHING


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "title"),
        ({"closes_at": T0}, "close after it opens"),
        ({"minutes": 0}, "time limit"),
        ({"attempts_allowed": 0}, "attempts"),
        ({"counts": {Difficulty.EASY: 0}}, "at least one question"),
        (
            {"counts": {Difficulty.EASY: 99}},
            r"The pack has \d+ easy questions, not 99: ask for fewer",
        ),
        ({"at_submit": Disclosure.EVERYTHING, "after_close": Disclosure.SCORE}, "at least"),
    ],
)
def test_rules_that_make_no_exam_are_refused_with_the_reason(
    pack: Pack, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        checked_rules(class_rules(T0, **changes), pack)


def test_an_extra_time_multiplier_is_between_one_and_four() -> None:
    assert checked_multiplier(1.5) == 1.5
    for wrong in (0.5, 4.5):
        with pytest.raises(InvalidInput):
            checked_multiplier(wrong)


def test_join_codes_avoid_look_alike_characters_and_typing_is_forgiving() -> None:
    codes = {join_code(random.Random(seed)) for seed in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert normal_code(" abc-234 ") == "ABC234"


def test_the_class_draws_the_blueprint_and_can_prefer_generated_questions(pack: Pack) -> None:
    rules = class_rules(T0)
    drawn = class_questions(pack, rules, random.Random(1))
    assert [q.difficulty for q in drawn].count(Difficulty.EASY) == 5
    assert len({q.id for q in drawn}) == 15
    assert {q.topic for q in drawn} >= set(pack.blueprint.required_topics)
    preferred = replace(rules, prefer_parametrized=True)
    for seed in range(20):
        plain = class_questions(pack, rules, random.Random(seed))
        generated = class_questions(pack, preferred, random.Random(seed))
        by_difficulty = {
            d: sum(q.parametrized for q in pack.questions.values() if q.difficulty == d)
            for d in Difficulty
        }
        # Every cell takes generated questions first, as many as the bank has (the topic
        # anchors may cost one per topic).
        floor = sum(min(n, by_difficulty[d]) for d, n in rules.counts.items()) - 4
        assert sum(q.parametrized for q in generated) >= max(floor, 1)
        assert sum(q.parametrized for q in generated) >= sum(q.parametrized for q in plain)


def test_a_short_exam_draws_even_when_it_cannot_cover_every_topic(pack: Pack) -> None:
    rules = class_rules(T0, counts={Difficulty.HARD: 2})
    drawn = class_questions(pack, rules, random.Random(3))
    assert [q.difficulty for q in drawn] == [Difficulty.HARD, Difficulty.HARD]


GRACE = timedelta(seconds=15)


def test_an_open_window_holds_its_questions_from_opening_to_close_and_grace() -> None:
    held = replace(exam(), id="held", question_ids=("q1", "q2"))  # open 09:00 to 11:00
    later = replace(
        exam(opens_at=T0 + timedelta(hours=1), closes_at=T0 + timedelta(hours=3)),
        id="later",
        question_ids=("q2", "q3"),
    )
    at = {
        "before": T0 - timedelta(seconds=1),
        "open": T0,
        "both": T0 + timedelta(hours=1),
        "grace": T0 + timedelta(hours=2, seconds=14),
        "after": T0 + timedelta(hours=2, seconds=15),
    }
    found = {name: withholding([held, later], now, GRACE).questions for name, now in at.items()}
    assert found == {
        "before": frozenset(),
        "open": {"q1", "q2"},
        "both": {"q1", "q2", "q3"},
        "grace": {"q1", "q2", "q3"},
        "after": {"q2", "q3"},  # the later window is open until noon
    }
    early = replace(held, closed_early_at=T0 + timedelta(minutes=30))
    assert withholding([early], T0 + timedelta(minutes=31), GRACE).questions == frozenset()
    assert next_change([held, later], T0, GRACE) == T0 + timedelta(hours=1)
    assert next_change([held, later], T0 + timedelta(hours=4), GRACE) is None


def test_a_class_sees_only_what_other_classes_hold_and_until_when() -> None:
    mine = replace(exam(), id="mine", question_ids=("q1", "q2"))
    other = replace(exam(closes_at=T0 + timedelta(hours=3)), id="other", question_ids=("q2",))
    held = withholding([mine, other], T0, GRACE)
    assert held.apart_from("mine") == {"q2": T0 + timedelta(hours=3) + GRACE}
    assert held.apart_from(None) == {
        "q1": T0 + timedelta(hours=2) + GRACE,
        "q2": T0 + timedelta(hours=3) + GRACE,
    }
    assert held.token and held.token != withholding([mine], T0, GRACE).token
    assert withholding([], T0, GRACE).token == ""


EAST, WEST = timezone(timedelta(hours=14)), timezone(-timedelta(hours=14))


@pytest.mark.parametrize(
    ("opens", "closes", "named"),
    [
        (datetime(1999, 12, 31, 23, 59, tzinfo=UTC), T0, "The opening time"),
        (datetime(1, 1, 1, tzinfo=EAST), T0, "The opening time"),
        (T0, datetime(3000, 1, 1, tzinfo=UTC), "The closing time"),
        (T0, datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "The closing time"),
        (T0, datetime.max.replace(tzinfo=WEST), "The closing time"),
    ],
)
def test_window_times_past_the_years_a_class_may_use_are_refused(
    pack: Pack, opens: datetime, closes: datetime, named: str
) -> None:
    with pytest.raises(InvalidInput, match=f"{named} must fall in the years 2000 to 2999"):
        checked_rules(class_rules(opens, closes_at=closes), pack)


def test_window_times_at_the_ends_of_the_range_are_accepted(pack: Pack) -> None:
    first = datetime(2000, 1, 1, tzinfo=UTC)
    last = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert checked_rules(class_rules(first), pack).opens_at == first
    assert checked_rules(class_rules(last - timedelta(hours=2), closes_at=last), pack)
    assert checked_rules(class_rules(datetime(2999, 12, 31, 7, tzinfo=WEST)), pack)

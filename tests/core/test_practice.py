import random
from datetime import UTC, datetime, timedelta

import pytest

from gradquiz.core.answers import Confidence, Source
from gradquiz.core.attempts import Slot, slot_for
from gradquiz.core.packs import Pack
from gradquiz.core.practice import (
    LIKE_IT_PER_QUESTION,
    MAX_ITEMS,
    PracticeSession,
    SessionKind,
    answered_question,
    draw_practice,
    mark_choice,
    mark_typed,
    nearest_options,
    sign_flipped_option,
    takes_typed,
)
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.errors import InvalidInput, NotFound

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def numeric_question(values: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0), key: str = "o1") -> Question:
    return Question(
        id="typed",
        topic="chain-rule",
        difficulty=Difficulty.MEDIUM,
        stem="?",
        options=tuple(
            Option(f"o{i}", f"${v}$", f"mistake {i}", value=v) for i, v in enumerate(values)
        ),
        key=key,
        explanation="why",
        reference="ref",
        shuffle=False,
    )


def test_draws_only_the_chosen_topics_and_difficulties_unanswered_first(pack: Pack) -> None:
    answered = {q.id for q in pack.questions.values() if q.topic == "chain-rule"}
    drawn = draw_practice(
        pack.questions.values(),
        topics={"chain-rule", "gradient-descent"},
        difficulties={Difficulty.EASY, Difficulty.HARD},
        count=None,
        rng=random.Random(1),
        answered=answered,
    )
    assert drawn and {q.topic for q in drawn} == {"chain-rule", "gradient-descent"}
    assert {q.difficulty for q in drawn} == {Difficulty.EASY, Difficulty.HARD}
    seen = [q.id in answered for q in drawn]
    assert seen == sorted(seen)  # never-answered ones come first
    limited = draw_practice(
        pack.questions.values(),
        topics={"chain-rule"},
        difficulties=set(Difficulty),
        count=3,
        rng=random.Random(1),
    )
    assert len(limited) == 3


def test_a_typed_number_counts_as_the_option_it_matches() -> None:
    question = numeric_question()
    for typed in (1.009, 0.991, 1.0):
        assert mark_typed(question, typed).correct
        assert mark_typed(question, typed).option_id == "o1"
    assert mark_typed(question, 1.02).option_id is None  # 2 % off: no option
    distractor = mark_typed(question, 3.99)
    assert (distractor.option_id, distractor.correct, distractor.typed) == ("o3", False, 3.99)
    assert not mark_typed(question, -1.0).correct  # a flipped sign is not near


@pytest.mark.parametrize(
    ("values", "key", "at", "inside", "past"),
    [
        # sgd-step-numeric seed 92: options 0.49 and 0.5; 0.495 is exactly 1 % below 0.5.
        ((0.49, 0.5, 2.0), "o1", 0.495, 0.4951, 0.4949),
        # momentum-step-generated seed 396: −1.0 and −0.98; −0.99 is exactly 1 % of −1.0 off.
        ((-1.0, -0.98, 3.0), "o0", -0.99, -0.9901, -0.9899),
        ((0.5, 1.0, 2.0), "o1", 0.99, 0.9901, 0.9899),
    ],
)
def test_a_typed_number_exactly_one_percent_off_counts(
    values: tuple[float, ...], key: str, at: float, inside: float, past: float
) -> None:
    # relative_error(0.495, 0.5) is 0.010000000000000009
    # in floats, so a number exactly 1 % off was marked "not within 1 % of any option".
    question = numeric_question(values=values, key=key)
    assert takes_typed(question)
    assert mark_typed(question, at).option_id == key
    assert mark_typed(question, inside).option_id == key
    assert mark_typed(question, past).option_id != key


@pytest.mark.parametrize(
    ("values", "key", "typed", "nearest", "flipped"),
    [
        # −1.16 (the key 1.16, sign flipped) was told
        # "the nearest is option D, 2.78", the farthest; 1 against −0.675 named −2.825.
        ((0.9, 1.16, 1.88, 2.78), "o1", -1.16, "o0", "o1"),
        ((-2.825, -1.7, -0.725, -0.675), "o3", 1.0, "o3", None),
        ((-2.825, -1.7, -0.725, -0.675), "o3", 0.675, "o3", "o3"),
        ((-3.09, -2.51, 0.4, 1.2), "o1", 1.0, "o3", None),
        ((0.9, 1.16, 1.88, 2.78), "o1", -2.8, "o0", "o3"),  # 0.7 % off −2.78
    ],
)
def test_the_nearest_option_is_nearest_on_the_number_line_and_a_sign_flip_is_named(
    values: tuple[float, ...], key: str, typed: float, nearest: str, flipped: str | None
) -> None:
    question = numeric_question(values=values, key=key)
    assert mark_typed(question, typed).option_id is None
    found = nearest_options(question, typed)
    assert [o.id for o in found] == [nearest]
    sign = sign_flipped_option(question, typed)
    assert (sign.id if sign else None) == flipped


def test_typing_is_refused_where_two_options_are_closer_than_the_spacing() -> None:
    # 1.0 and 1.015: 1.012 is within 1 % of both (a set made before the spacing rule).
    crowded = numeric_question(values=(1.0, 1.015, 3.0), key="o0")
    assert crowded.numeric and not takes_typed(crowded)
    with pytest.raises(InvalidInput, match="too close together"):
        mark_typed(crowded, 1.012)
    spaced = numeric_question(values=(1.0, 1.0205, 3.0), key="o0")  # 2.01 % apart
    assert takes_typed(spaced)
    assert mark_typed(spaced, 1.0101).option_id == "o0"  # within 1 % of 1.0 only
    assert mark_typed(spaced, 1.0104).option_id == "o1"


def test_typing_is_refused_for_a_question_without_numbers(pack: Pack) -> None:
    static = next(q for q in pack.questions.values() if not q.parametrized)
    with pytest.raises(InvalidInput, match="takes no typed number"):
        mark_typed(static, 1.0)
    assert mark_choice(static, static.key).correct
    with pytest.raises(InvalidInput):
        mark_choice(static, "no-such-option")


def test_typing_is_refused_without_calling_written_number_options_not_numbers(
    pack: Pack,
) -> None:
    # A written question whose options are numbers ($-2.99$, $-1.99$, $0.025$, $3.01$) carries
    # no values to match: the refusal says it takes a choice, not that its options are not
    # numbers (which they plainly are).
    written = pack.questions["input-scale-weight-step"]
    assert not written.parametrized and not written.numeric
    assert [o.text for o in written.options] == ["$-2.99$", "$-1.99$", "$0.025$", "$3.01$"]
    with pytest.raises(InvalidInput) as refused:
        mark_typed(written, 3.01)
    assert str(refused.value) == "This question takes no typed number: choose one of its options."


def session_of(pack: Pack, count: int = 3) -> PracticeSession:
    rng = random.Random(3)
    questions = list(pack.questions.values())[:count]
    session = PracticeSession("s", "owner", pack.id, SessionKind.PRACTICE, T0)
    for question in questions:
        session.add(slot_for(question, rng))
    return session


def test_questions_are_answered_in_turn(pack: Pack) -> None:
    session = session_of(pack)
    first = session.item(1)
    question = pack.questions[first.slot.question_id].resolve(first.slot.seed)
    with pytest.raises(InvalidInput, match="Answer question 1 first"):
        session.answer(2, mark_choice(question, question.key), None, now=T0)
    session.answer(1, mark_choice(question, question.key), Confidence.SURE, now=T0)
    with pytest.raises(InvalidInput, match="answered already"):
        session.answer(1, mark_choice(question, question.key), None, now=T0)
    assert session.current is session.item(2)
    assert (session.score.correct, session.score.total) == (1, 1)
    with pytest.raises(NotFound):
        session.item(4)


def test_an_answered_item_counts_its_time_and_source(pack: Pack) -> None:
    session = session_of(pack)
    item = session.item(1)
    question = pack.questions[item.slot.question_id].resolve(item.slot.seed)
    item.presented_at = T0
    wrong = next(o for o in question.option_ids if o != question.key)
    session.answer(
        1, mark_choice(question, wrong), Confidence.GUESSING, now=T0 + timedelta(seconds=12)
    )
    answered = answered_question(item, question, SessionKind.REVIEW)
    assert (answered.correct, answered.seconds, answered.source) == (False, 12.0, Source.REVIEW)
    assert answered.confidence is Confidence.GUESSING


def test_a_set_stops_growing() -> None:
    session = PracticeSession("s", "owner", "p", SessionKind.PRACTICE, T0)
    slot = Slot("q", ("a", "b"))
    for _ in range(MAX_ITEMS):
        assert session.add(slot) is not None
    assert session.add(slot) is None


def test_another_like_it_comes_at_most_once_per_question_and_keeps_the_chosen_count() -> None:
    session = PracticeSession("s", "owner", "p", SessionKind.PRACTICE, T0)
    for name in ("q1", "q2", "q3"):
        session.add(Slot(name, ("a", "b")))
    assert (session.chosen, session.like_of(2)) == (3, None)
    added = session.add_like(Slot("q2", ("b", "a"), seed=9))
    assert added is not None and added.number == 4
    assert [session.add_like(Slot("q2", ("a", "b"), seed=s)) for s in range(5)] == [None] * 5
    assert session.add_like(Slot("q3", ("a", "b"), seed=1)) is not None
    assert len(session.items) == 5 and session.chosen == 3
    assert [session.like_of(n) for n in range(1, 6)] == [None, None, None, 2, 3]
    assert LIKE_IT_PER_QUESTION == 1


def test_a_set_draws_none_of_the_questions_held_back(pack: Pack) -> None:
    held = frozenset(sorted(pack.questions)[1::3])
    drawn = draw_practice(
        pack.questions.values(),
        topics={q.topic for q in pack.questions.values()},
        difficulties=set(Difficulty),
        count=None,
        rng=random.Random(2),
        held=held,
    )
    assert {q.id for q in drawn} == set(pack.questions) - held


def test_a_number_equally_near_two_options_names_both() -> None:
    # 0 typed for options −0.566, −0.203, −0.0486, 0.0486 (key D) was told
    # "the nearest is option C", the first listed, though the key is as near.
    question = numeric_question(values=(-0.566, -0.203, -0.0485706044, 0.0485706044), key="o3")
    assert mark_typed(question, 0.0).option_id is None
    assert [o.id for o in nearest_options(question, 0.0)] == ["o2", "o3"]
    assert [o.id for o in nearest_options(question, 0.001)] == ["o3"]


def test_a_midpoint_typed_to_15_figures_is_equally_near_both() -> None:
    question = numeric_question(values=(0.1234567890123, 0.2345678901234, 3.0, 4.0), key="o0")
    middle = float(f"{(0.1234567890123 + 0.2345678901234) / 2:.15g}")
    assert [o.id for o in nearest_options(question, middle)] == ["o0", "o1"]
    assert [o.id for o in nearest_options(question, middle * 1.0001)] == ["o1"]

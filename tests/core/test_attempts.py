import random
from datetime import timedelta

import pytest

from gradquiz.core.attempts import Attempt, SubmitReason, start_attempt
from gradquiz.core.packs import Pack
from gradquiz.errors import AttemptClosed, InvalidInput, NotFound
from tests.factories import FrozenClock

GRACE = timedelta(seconds=15)


@pytest.fixture
def attempt(pack: Pack, clock: FrozenClock) -> Attempt:
    return start_attempt(attempt_id="a1", owner="o", pack=pack, rng=random.Random(3), now=clock())


def test_start_draws_the_blueprint_and_sets_the_deadline(attempt: Attempt, pack: Pack) -> None:
    assert len(attempt.slots) == 15
    assert attempt.deadline - attempt.started_at == timedelta(minutes=25)
    for slot in attempt.slots:
        shown = pack.questions[slot.question_id].resolve(slot.seed)
        assert sorted(slot.option_order) == sorted(shown.option_ids)
        assert (slot.seed is not None) == pack.questions[slot.question_id].parametrized


def test_options_are_shuffled_unless_the_question_fixes_their_order(pack: Pack) -> None:
    shuffled, fixed = set(), set()
    for seed in range(40):
        drawn = start_attempt(
            attempt_id="x", owner="o", pack=pack, rng=random.Random(seed), now=FrozenClock()()
        )
        for slot in drawn.slots:
            question = pack.questions[slot.question_id].resolve(slot.seed)
            target = shuffled if question.shuffle else fixed
            target.add(slot.option_order != question.option_ids)
    assert True in shuffled
    assert fixed == {False}


def test_answers_can_change_and_clear(attempt: Attempt, clock: FrozenClock) -> None:
    slot = attempt.slots[0]
    first, second = slot.option_order[:2]
    attempt.record_answer(slot.question_id, first, False, now=clock(), grace=GRACE)
    attempt.record_answer(slot.question_id, second, True, now=clock(), grace=GRACE)
    assert attempt.chosen(slot.question_id) == second
    assert attempt.answers[slot.question_id].marked
    attempt.record_answer(slot.question_id, None, True, now=clock(), grace=GRACE)
    assert attempt.chosen(slot.question_id) is None
    assert slot.question_id in attempt.unanswered()


def test_unknown_question_or_option_is_invalid(attempt: Attempt, clock: FrozenClock) -> None:
    with pytest.raises(InvalidInput, match="not part of this attempt"):
        attempt.record_answer("nope", None, False, now=clock(), grace=GRACE)
    with pytest.raises(InvalidInput, match="has no option 'zz'"):
        attempt.record_answer(attempt.slots[0].question_id, "zz", False, now=clock(), grace=GRACE)


def test_save_within_grace_counts_and_after_it_is_refused(
    attempt: Attempt, clock: FrozenClock
) -> None:
    slot = attempt.slots[0]
    clock.now = attempt.deadline + timedelta(seconds=10)
    attempt.record_answer(slot.question_id, slot.option_order[0], False, now=clock(), grace=GRACE)
    clock.advance(seconds=6)
    with pytest.raises(AttemptClosed, match="Time is up"):
        attempt.record_answer(
            slot.question_id, slot.option_order[1], False, now=clock(), grace=GRACE
        )
    assert attempt.chosen(slot.question_id) == slot.option_order[0]


def test_submit_closes_the_attempt(attempt: Attempt, clock: FrozenClock) -> None:
    attempt.submit(now=clock(), grace=GRACE)
    assert attempt.submitted_by is SubmitReason.LEARNER
    with pytest.raises(AttemptClosed, match="submitted"):
        attempt.record_answer(attempt.slots[0].question_id, None, False, now=clock(), grace=GRACE)
    with pytest.raises(AttemptClosed, match="already been submitted"):
        attempt.submit(now=clock(), grace=GRACE)


def test_overdue_attempt_settles_at_its_deadline(attempt: Attempt, clock: FrozenClock) -> None:
    assert not attempt.settle(now=clock(), grace=GRACE)
    clock.now = attempt.deadline + timedelta(minutes=3)
    assert attempt.settle(now=clock(), grace=GRACE)
    assert attempt.submitted_at == attempt.deadline
    assert attempt.submitted_by is SubmitReason.DEADLINE


def test_late_submit_is_recorded_as_the_deadline(attempt: Attempt, clock: FrozenClock) -> None:
    clock.now = attempt.deadline + timedelta(minutes=1)
    attempt.submit(now=clock(), grace=GRACE)
    assert attempt.submitted_by is SubmitReason.DEADLINE


def test_slot_at_counts_from_one_and_refuses_positions_outside(attempt: Attempt) -> None:
    assert attempt.slot_at(1) == attempt.slots[0]
    assert attempt.slot_at(15) == attempt.slots[14]
    for number in (0, 16, -1):
        with pytest.raises(NotFound, match="questions 1 to 15"):
            attempt.slot_at(number)


def test_an_attempt_draws_none_of_the_questions_held_back(pack: Pack, clock: FrozenClock) -> None:
    held = frozenset(sorted(pack.questions)[::2])  # every other question of the bank
    for seed in range(20):
        attempt = start_attempt(
            attempt_id="a",
            owner="o",
            pack=pack,
            rng=random.Random(seed),
            now=clock(),
            held=held,
        )
        assert not {s.question_id for s in attempt.slots} & held

from datetime import timedelta

import pytest

from gradquiz.core.attempts import SubmitReason
from gradquiz.errors import AttemptClosed, NotFound, NotSubmitted
from gradquiz.services.exam import ExamService
from gradquiz.services.identity import owner_key
from tests.factories import FrozenClock


def test_start_stores_the_attempt_under_a_hashed_owner(service: ExamService) -> None:
    attempt = service.start(identity="browser-one-token-xxxxxxxx")
    assert attempt.owner == owner_key("browser-one-token-xxxxxxxx") != "browser-one-token-xxxxxxxx"
    again = service.attempt(identity="browser-one-token-xxxxxxxx", attempt_id=attempt.id)
    assert again.slots == attempt.slots
    assert len(attempt.id) >= 22


def test_another_identity_cannot_see_or_touch_the_attempt(service: ExamService) -> None:
    attempt = service.start(identity="owner-token-aaaaaaaaaaaa")
    qid = attempt.slots[0].question_id
    for call in (
        lambda: service.attempt(identity="intruder-token-bbbbbbbbbbb", attempt_id=attempt.id),
        lambda: service.save_answer(
            identity="intruder-token-bbbbbbbbbbb",
            attempt_id=attempt.id,
            question_id=qid,
            letter=None,
        ),
        lambda: service.submit(identity="intruder-token-bbbbbbbbbbb", attempt_id=attempt.id),
        lambda: service.attempt(identity="owner-token-aaaaaaaaaaaa", attempt_id="no-such-id"),
    ):
        with pytest.raises(NotFound):
            call()


def test_answers_survive_a_new_service_over_the_same_database(service: ExamService) -> None:
    attempt = service.start(identity="learner-token-cccccccccccc")
    slot = attempt.slots[3]
    service.save_answer(
        identity="learner-token-cccccccccccc",
        attempt_id=attempt.id,
        question_id=slot.question_id,
        letter="C",
        marked=True,
    )
    restarted = ExamService(database=service.database, pack=service.pack, clock=service.clock)
    loaded = restarted.attempt(identity="learner-token-cccccccccccc", attempt_id=attempt.id)
    assert loaded.chosen(slot.question_id) == slot.option_order[2]
    assert loaded.answers[slot.question_id].marked


def test_late_save_is_refused_and_earlier_answers_are_kept(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "learner-token-dddddddddddd"
    attempt = service.start(identity=identity)
    first, second = attempt.slots[0], attempt.slots[1]
    service.save_answer(
        identity=identity,
        attempt_id=attempt.id,
        question_id=first.question_id,
        letter="A",
    )
    clock.now = attempt.deadline + timedelta(seconds=10)
    service.save_answer(
        identity=identity,
        attempt_id=attempt.id,
        question_id=second.question_id,
        letter="A",
    )
    clock.advance(seconds=10)
    with pytest.raises(AttemptClosed, match="Time is up"):
        service.save_answer(
            identity=identity,
            attempt_id=attempt.id,
            question_id=first.question_id,
            letter="B",
        )
    closed, result = service.result(identity=identity, attempt_id=attempt.id)
    assert closed.submitted_by is SubmitReason.DEADLINE
    assert closed.chosen(first.question_id) == first.option_order[0]
    assert closed.chosen(second.question_id) == second.option_order[0]
    assert result.score.total == 15


def test_abandoned_attempt_is_submitted_on_next_access(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "learner-token-eeeeeeeeeeee"
    attempt = service.start(identity=identity)
    with pytest.raises(NotSubmitted):
        service.result(identity=identity, attempt_id=attempt.id)
    clock.advance(hours=3)
    loaded = service.attempt(identity=identity, attempt_id=attempt.id)
    assert loaded.is_submitted and loaded.submitted_at == attempt.deadline


def test_sweep_submits_every_overdue_attempt_and_only_those(
    service: ExamService, clock: FrozenClock
) -> None:
    old = [service.start(identity=f"learner-token-old-{n:08d}") for n in range(3)]
    clock.advance(minutes=20)
    fresh = service.start(identity="learner-token-fresh-00000")
    clock.advance(minutes=6)
    assert service.sweep() == 3
    assert service.sweep() == 0
    for n, attempt in enumerate(old):
        assert service.attempt(
            identity=f"learner-token-old-{n:08d}", attempt_id=attempt.id
        ).is_submitted
    assert not service.attempt(
        identity="learner-token-fresh-00000", attempt_id=fresh.id
    ).is_submitted


def test_submit_twice_is_refused(service: ExamService) -> None:
    attempt = service.start(identity="learner-token-ffffffffffff")
    service.submit(identity="learner-token-ffffffffffff", attempt_id=attempt.id)
    with pytest.raises(AttemptClosed):
        service.submit(identity="learner-token-ffffffffffff", attempt_id=attempt.id)


def test_a_retake_draws_questions_the_learner_has_not_seen(service: ExamService) -> None:
    identity = "retake-learner-token-000000"
    first = service.start(identity=identity)
    second = service.start(identity=identity)
    stranger = service.start(identity="another-learner-token-00000")
    first_ids = {s.question_id for s in first.slots}
    assert not first_ids & {s.question_id for s in second.slots}
    assert len(stranger.slots) == 15

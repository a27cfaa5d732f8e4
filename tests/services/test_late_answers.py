"""Late answers: a save refused because time ran out is kept, with the device's time, and the
result and the class pages list it; on SQLite and PostgreSQL."""

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from gradquiz.core.accounts import Role
from gradquiz.core.late_answers import LATE_ANSWERS_PER_ATTEMPT
from gradquiz.core.scoring import grade_attempt
from gradquiz.errors import AttemptClosed
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.learner_data import LearnerData
from gradquiz.web.exam.views import late_answer_views
from tests.factories import FrozenClock, account, class_rules

DEVICE = datetime(2026, 1, 5, 9, 24, 50, tzinfo=UTC)


def test_a_save_after_deadline_and_grace_is_refused_and_kept_as_late(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    service.save_answer(learner="alice", attempt_id=attempt.id, number=1, letter="A", seq=1)
    clock.now = attempt.deadline + service.grace + timedelta(seconds=1)
    with pytest.raises(AttemptClosed):
        service.save_answer(
            learner="alice",
            attempt_id=attempt.id,
            number=1,
            letter="B",
            seq=2,
            device_time=DEVICE,
        )
    with pytest.raises(AttemptClosed):  # the same save sent again is kept once
        service.save_answer(
            learner="alice", attempt_id=attempt.id, number=1, letter="B", seq=2, device_time=DEVICE
        )
    late = service.late_answers(attempt)
    assert len(late) == 1
    assert late[0].untrusted_device_time == DEVICE and late[0].received_at == clock.now
    assert late[0].seq == 2 and late[0].option_id == attempt.slots[0].option_order[1]
    graded = service.attempt(learner="alice", attempt_id=attempt.id)
    # Graded on what was held at the deadline: A, not the late B.
    assert graded.chosen(attempt.slots[0].question_id) == attempt.slots[0].option_order[0]
    assert graded.submitted_at == attempt.deadline


def test_a_save_within_the_grace_counts_and_is_not_late(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    clock.now = attempt.deadline + service.grace
    outcome = service.save_answer(
        learner="alice", attempt_id=attempt.id, number=2, letter="C", seq=1, device_time=DEVICE
    )
    assert outcome.saved.applied
    assert service.late_answers(attempt) == []


def test_a_save_after_the_learner_submitted_is_refused_and_not_late(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    service.submit(learner="alice", attempt_id=attempt.id)
    clock.now = attempt.deadline + timedelta(minutes=5)
    with pytest.raises(AttemptClosed):
        service.save_answer(learner="alice", attempt_id=attempt.id, number=1, letter="A", seq=1)
    assert service.late_answers(attempt) == []


def test_late_answers_stop_being_kept_at_the_limit(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    clock.now = attempt.deadline + timedelta(hours=1)
    for seq in range(1, LATE_ANSWERS_PER_ATTEMPT + 2):
        with pytest.raises(AttemptClosed):
            service.save_answer(
                learner="alice",
                attempt_id=attempt.id,
                number=1 + seq % len(attempt.slots),
                letter="A",
                seq=seq,
            )
    assert len(service.late_answers(attempt)) == LATE_ANSWERS_PER_ATTEMPT
    assert service.late_count(attempt.id) == LATE_ANSWERS_PER_ATTEMPT


def test_the_result_says_which_answers_counted_and_which_came_late(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    for number in (1, 2, 3):
        service.save_answer(learner="alice", attempt_id=attempt.id, number=number, letter="A")
    clock.now = attempt.deadline + timedelta(minutes=2)
    for number, letter in ((3, "B"), (4, "B"), (4, "C")):
        with pytest.raises(AttemptClosed):
            service.save_answer(
                learner="alice",
                attempt_id=attempt.id,
                number=number,
                letter=letter,
                seq=5 if letter != "C" else 6,
            )
    done, result = service.result(learner="alice", attempt_id=attempt.id)
    views = late_answer_views(done, service.late_answers(done))
    assert [(v.number, v.chosen, v.counted) for v in views] == [(3, "B", "A"), (4, "C", None)]
    assert [o.chosen is not None for o in result.outcomes][:5] == [True, True, True, False, False]
    assert grade_attempt(done, service.shown.of(done)).score == result.score


def test_a_closed_class_exam_keeps_later_saves_as_late_for_its_instructor(
    service: ExamService, clock: FrozenClock
) -> None:
    classes = ClassService(exam=service)
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    learner = account(service.database, "learner", Role.LEARNER, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    service.save_answer(learner=learner.owner, attempt_id=sitting.id, number=1, letter="B")
    clock.advance(minutes=3)
    classes.close_now(instructor=teacher, class_id=exam.id)
    clock.advance(seconds=30)
    with pytest.raises(AttemptClosed):
        service.save_answer(
            learner=learner.owner,
            attempt_id=sitting.id,
            number=2,
            letter="A",
            seq=3,
            device_time=DEVICE,
        )
    (found,) = classes.late_answers(exam)
    assert found[0].id == sitting.id
    assert [(a.seq, a.untrusted_device_time) for a in found[1]] == [(3, DEVICE)]


def test_the_download_holds_the_learners_late_answers_and_deleting_removes_them(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt = service.start(learner="alice")
    clock.now = attempt.deadline + timedelta(minutes=1)
    with pytest.raises(AttemptClosed):
        service.save_answer(
            learner="alice", attempt_id=attempt.id, number=4, letter="C", seq=2, device_time=DEVICE
        )
    data = LearnerData(service)
    with zipfile.ZipFile(io.BytesIO(data.export(learner="alice"))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("late_answers.csv").decode())))
    assert [(r["attempt_id"], r["number"], r["chosen"], r["seq"]) for r in rows] == [
        (attempt.id, "4", "C", "2")
    ]
    assert rows[0]["untrusted_device_time"].startswith("2026-01-05T09:24:50")
    data.delete(learner="alice")
    assert service.late_count(attempt.id) == 0

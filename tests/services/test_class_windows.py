"""While a class window is open its questions are drawn in nobody's practice, review or
self-study exam, and no result or feedback shows their keys; the held set is cached per
process and read again every few seconds, on SQLite and PostgreSQL."""

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta

import pytest

from gradquiz.core.accounts import Role
from gradquiz.core.classes import ClassExam
from gradquiz.core.questions import Difficulty
from gradquiz.errors import HeldBack
from gradquiz.services.class_windows import REREAD
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.practice import PracticeService
from gradquiz.services.review import ReviewService
from gradquiz.storage.classes import insert_class_exam
from tests.factories import FrozenClock, account, class_rules, statements_run

HOUR = timedelta(hours=1)


def held_class(
    service: ExamService, question_ids: Collection[str], opens: datetime, closes: datetime
) -> ClassExam:
    """A class exam asking exactly these questions, stored as another process would."""
    now = service.clock()
    teacher = account(service.database, f"t-{secrets.token_hex(4)}", Role.INSTRUCTOR, now)
    exam = ClassExam(
        id=secrets.token_hex(16),
        code=secrets.token_hex(3).upper(),
        pack_id=service.pack.id,
        instructor=teacher.id,
        rules=class_rules(opens, closes_at=closes),
        question_ids=tuple(question_ids),
        created_at=now,
    )
    with service.database.write() as session:
        insert_class_exam(session=session, exam=exam)
    return exam


def drawn_by_exams(service: ExamService, starts: int) -> set[str]:
    """Every question a number of fresh learners' self-study exams drew."""
    return {
        slot.question_id
        for n in range(starts)
        for slot in service.start(learner=f"anyone-{n}", new=True).slots
    }


def drawn_by_practice(practice: PracticeService) -> set[str]:
    """Every question a set of "all that match" holds."""
    every = practice.start(learner=f"practising-{secrets.token_hex(4)}", count=None)
    return {item.slot.question_id for item in every.items}


def test_while_a_window_is_open_nobody_draws_its_questions(
    service: ExamService, classes: ClassService, practice: PracticeService, clock: FrozenClock
) -> None:
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock(), prefer_parametrized=True))
    asked = set(exam.question_ids)
    assert any(service.pack.questions[q].parametrized for q in asked)  # held too
    assert not drawn_by_exams(service, 30) & asked
    assert drawn_by_practice(practice) == set(service.pack.questions) - asked
    clock.advance(hours=2, seconds=14)  # closed, but a late save still counts
    assert not drawn_by_practice(practice) & asked
    clock.advance(seconds=1)
    assert drawn_by_practice(practice) == set(service.pack.questions)
    assert drawn_by_exams(service, 30) & asked


def test_a_window_not_yet_open_holds_nothing_back(
    service: ExamService, classes: ClassService, practice: PracticeService, clock: FrozenClock
) -> None:
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock() + HOUR))
    assert drawn_by_practice(practice) == set(service.pack.questions)
    clock.advance(hours=1)
    assert not drawn_by_practice(practice) & set(exam.question_ids)


def test_closing_early_gives_the_questions_back_at_once(
    service: ExamService, classes: ClassService, practice: PracticeService, clock: FrozenClock
) -> None:
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    assert not drawn_by_practice(practice) & set(exam.question_ids)
    classes.close_now(instructor=teacher, class_id=exam.id)
    clock.advance(seconds=15)
    assert drawn_by_practice(practice) == set(service.pack.questions)


def test_review_leaves_the_held_questions_due_and_says_how_many(
    service: ExamService, practice: PracticeService, review: ReviewService, clock: FrozenClock
) -> None:
    learner = "reviewing-learner"
    answered = practice.start(learner=learner, count=10)
    for item in answered.items:
        practice.answer(learner=learner, session_id=answered.id, number=item.number, letter="A")
    questions = sorted({item.slot.question_id for item in answered.items})
    clock.advance(days=400)  # every card is due
    held_class(service, questions[:3], clock(), clock() + HOUR)
    service.windows.forget()
    summary = review.summary(learner=learner)
    assert (summary.due, summary.held) == (len(questions) - 3, 3)
    started = review.start(learner=learner)
    assert started is not None
    assert {item.slot.question_id for item in started.items} == set(questions[3:])


def test_a_set_drawn_before_the_window_waits_at_a_held_question(
    service: ExamService, practice: PracticeService, clock: FrozenClock
) -> None:
    learner = "practising-learner"
    drawn = practice.start(learner=learner, count=10)
    first = drawn.item(1).slot.question_id
    exam = held_class(service, [first], clock(), clock() + HOUR)
    service.windows.forget()
    assert practice.held_until(first) == exam.closes + service.grace
    with pytest.raises(HeldBack, match="cannot be answered here") as refused:
        practice.answer(learner=learner, session_id=drawn.id, number=1, letter="A")
    assert refused.value.status == 409
    assert practice.session(learner=learner, session_id=drawn.id).item(1).answer is None
    clock.advance(hours=1, seconds=15)
    answered = practice.answer(learner=learner, session_id=drawn.id, number=1, letter="A")
    assert answered.item(1).answer is not None


def test_what_i_missed_leaves_out_the_held_questions(
    service: ExamService, practice: PracticeService, clock: FrozenClock
) -> None:
    learner = "missing-learner"
    attempt = service.start(learner=learner)
    submitted = service.submit(learner=learner, attempt_id=attempt.id)  # all unanswered
    ids = [slot.question_id for slot in attempt.slots]
    held_class(service, ids[:4], clock(), clock() + HOUR)
    service.windows.forget()
    _, result = service.result(learner=learner, attempt_id=submitted.id)
    missed = practice.start_missed(learner=learner, attempt=submitted, result=result)
    assert [item.slot.question_id for item in missed.items] == ids[4:]
    held_class(service, ids[4:], clock(), clock() + HOUR)
    service.windows.forget()
    with pytest.raises(HeldBack, match="practise them then"):
        practice.start_missed(learner=learner, attempt=submitted, result=result)


def test_a_result_holds_back_what_other_windows_hold_but_not_its_own_class(
    service: ExamService, classes: ClassService, clock: FrozenClock
) -> None:
    own = service.start(learner="self-study")
    ids = [slot.question_id for slot in own.slots]
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    other = held_class(service, ids[:2], clock(), clock() + 3 * HOUR)
    service.windows.forget()
    until = other.closes + service.grace
    assert service.held_back(own) == {
        **{q: until for q in ids[:2]},
        **{q: exam.closes + service.grace for q in set(exam.question_ids) & set(ids[2:])},
    }
    learner = account(service.database, "member", Role.LEARNER, clock())
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    shared = set(other.question_ids) & set(exam.question_ids)
    assert service.held_back(sitting) == dict.fromkeys(shared, until)


def test_when_the_rest_cannot_fill_an_exam_starting_says_so(
    service: ExamService, clock: FrozenClock
) -> None:
    hard = [q.id for q in service.pack.questions.values() if q.difficulty is Difficulty.HARD]
    exam = held_class(service, hard[2:], clock(), clock() + HOUR)
    service.windows.forget()
    refusal = service.start_refusal()
    assert refusal is not None and refusal.until == exam.closes + service.grace
    with pytest.raises(HeldBack, match="cannot make a full exam") as refused:
        service.start(learner="too-early")
    assert refused.value.status == 409 and "closes at" in refused.value.message
    clock.advance(hours=1, seconds=15)
    assert service.start_refusal() is None
    assert service.start(learner="in-time").slots


def test_another_process_sees_a_new_window_within_the_reread(
    service: ExamService, classes: ClassService, clock: FrozenClock
) -> None:
    ticks = [0.0]
    other = ExamService(database=service.database, pack=service.pack, clock=clock)
    other.windows.ticks = lambda: ticks[0]
    assert other.windows.now().questions == frozenset()
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    assert service.windows.now().questions == set(exam.question_ids)  # this process: at once
    ticks[0] = REREAD - 0.01
    assert other.windows.now().questions == frozenset()  # kept
    ticks[0] = REREAD
    assert other.windows.now().questions == set(exam.question_ids)


def test_windows_open_and_close_on_the_clock_without_a_query(
    service: ExamService, classes: ClassService, clock: FrozenClock
) -> None:
    service.windows.ticks = lambda: 0.0  # no rereading during this test
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock() + HOUR))
    assert service.windows.now().questions == frozenset()
    with statements_run(service.database.engine) as statements:
        clock.advance(hours=1)
        assert service.windows.now().questions == set(exam.question_ids)
        for _ in range(50):
            service.windows.now()
        clock.advance(hours=2, seconds=15)  # the close and its grace
        assert service.windows.now().questions == frozenset()
    assert statements == []

"""Class exams under a frozen clock: joining, windows, deadlines, extra time, early close,
attempts allowed, the review policy and item statistics, on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gradquiz.core.accounts import Account, Role
from gradquiz.core.attempts import SubmitReason
from gradquiz.core.classes import ClassExam, Disclosure, Window
from gradquiz.core.questions import Difficulty
from gradquiz.errors import AttemptClosed, InvalidInput, NotFound, Withheld
from gradquiz.services.classes import KEY, ClassRefused, ClassService
from gradquiz.services.exam import ExamService
from gradquiz.storage.models import ReviewCardRow, ReviewLogRow
from tests.factories import FrozenClock, account, class_rules


@pytest.fixture
def teacher(service: ExamService, clock: FrozenClock) -> Account:
    return account(service.database, "teacher", Role.INSTRUCTOR, clock())


def learners(service: ExamService, clock: FrozenClock, n: int) -> list[Account]:
    return [account(service.database, f"learner{i}", Role.LEARNER, clock()) for i in range(n)]


def make(classes: ClassService, teacher: Account, clock: FrozenClock, **rules: object) -> ClassExam:
    return classes.create(instructor=teacher, rules=class_rules(clock(), **rules))


def test_members_sit_the_same_questions_with_their_own_option_order(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    sittings = []
    for learner in learners(service, clock, 4):
        classes.join(learner=learner, code=exam.code.lower())
        sittings.append(classes.start(learner=learner, class_id=exam.id))
    assert all(tuple(s.question_id for s in a.slots) == exam.question_ids for a in sittings)
    assert len({tuple(s.option_order for s in a.slots) for a in sittings}) > 1
    assert all(a.class_exam_id == exam.id for a in sittings)


def test_the_deadline_is_min_of_start_plus_limit_times_multiplier_and_the_close(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock, closes_at=clock() + timedelta(minutes=60))
    plain, slow, late = learners(service, clock, 3)
    for learner in (plain, slow, late):
        classes.join(learner=learner, code=exam.code)
    classes.give_time(
        instructor=teacher, class_id=exam.id, username="learner1", multiplier=1.5, extra_minutes=0
    )
    start = clock()
    assert classes.start(learner=plain, class_id=exam.id).deadline == start + timedelta(minutes=25)
    assert classes.start(learner=slow, class_id=exam.id).deadline == start + timedelta(minutes=37.5)
    clock.advance(minutes=50)
    assert classes.start(learner=late, class_id=exam.id).deadline == start + timedelta(minutes=60)


def test_extra_time_moves_an_open_sitting_and_is_logged(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    (learner,) = learners(service, clock, 1)
    classes.join(learner=learner, code=exam.code)
    attempt = classes.start(learner=learner, class_id=exam.id)
    clock.advance(minutes=20)
    classes.give_time(
        instructor=teacher, class_id=exam.id, username="LEARNER0", multiplier=1.0, extra_minutes=10
    )
    moved = service.attempt(learner=learner.owner, attempt_id=attempt.id)
    assert moved.deadline == attempt.started_at + timedelta(minutes=35)
    clock.advance(minutes=10)  # past the old deadline, inside the new one
    service.save_answer(learner=learner.owner, attempt_id=attempt.id, number=1, letter="A")
    (_created, extra) = classes.events(exam)
    assert (extra.actor, extra.action) == ("teacher", "extra time")
    assert "learner0" in extra.detail and "+10 min" in extra.detail


def test_closing_early_submits_each_open_sitting_once_and_stops_starts(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    a, b, c, d = learners(service, clock, 4)
    for learner in (a, b, c, d):
        classes.join(learner=learner, code=exam.code)
    done = classes.start(learner=a, class_id=exam.id)
    service.submit(learner=a.owner, attempt_id=done.id)
    open_ones = [classes.start(learner=x, class_id=exam.id) for x in (b, c)]
    clock.advance(minutes=5)
    assert classes.close_now(instructor=teacher, class_id=exam.id) == 2
    with pytest.raises(ClassRefused):
        classes.close_now(instructor=teacher, class_id=exam.id)
    assert service.sweep() == 0
    for attempt in open_ones:
        ended = service.attempt(learner=attempt.owner, attempt_id=attempt.id)
        assert ended.submitted_by is SubmitReason.CLOSED and ended.submitted_at == clock()
        with pytest.raises(AttemptClosed):
            service.save_answer(learner=attempt.owner, attempt_id=attempt.id, number=1, letter="A")
    with pytest.raises(ClassRefused, match="closed"):
        classes.start(learner=d, class_id=exam.id)
    assert [e.action for e in classes.events(exam)] == ["created", "closed"]
    assert classes.events(exam)[-1].detail == "closed early, with 2 attempts in progress"
    assert classes.in_progress(exam) == 0


def test_the_window_and_the_attempts_allowed_bound_starting(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock, opens_at=clock() + timedelta(hours=1))
    twice = make(classes, teacher, clock, attempts_allowed=2)
    (learner,) = learners(service, clock, 1)
    classes.join(learner=learner, code=exam.code)
    classes.join(learner=learner, code=twice.code)
    with pytest.raises(ClassRefused, match="not opened"):
        classes.start(learner=learner, class_id=exam.id)
    first = classes.start(learner=learner, class_id=twice.id)
    assert classes.start(learner=learner, class_id=twice.id).id == first.id  # resumes
    service.submit(learner=learner.owner, attempt_id=first.id)
    second = classes.start(learner=learner, class_id=twice.id)
    assert second.id != first.id
    service.submit(learner=learner.owner, attempt_id=second.id)
    with pytest.raises(ClassRefused, match="every attempt"):
        classes.start(learner=learner, class_id=twice.id)


def test_a_class_sitting_and_the_learners_own_exam_may_be_open_together(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    (learner,) = learners(service, clock, 1)
    own = service.start(learner=learner.owner)
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    assert service.open_attempt(learner=learner.owner).id == own.id  # type: ignore[union-attr]
    service.submit(learner=learner.owner, attempt_id=sitting.id)
    assert [p.id for p in service.history(learner=learner.owner)] == []


def test_only_members_and_the_owning_instructor_see_a_class(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    outsider, member = learners(service, clock, 2)
    other_teacher = account(service.database, "teacher2", Role.INSTRUCTOR, clock())
    with pytest.raises(NotFound):
        classes.create(instructor=outsider, rules=class_rules(clock()))
    with pytest.raises(NotFound):
        classes.owned(instructor=other_teacher, class_id=exam.id)
    with pytest.raises(NotFound):
        classes.for_learner(learner=outsider, class_id=exam.id)
    with pytest.raises(NotFound):
        classes.start(learner=outsider, class_id=exam.id)
    with pytest.raises(NotFound):
        classes.join(learner=member, code="NOPE22")
    classes.join(learner=member, code=exam.code)
    assert classes.for_learner(learner=member, class_id=exam.id).exam.id == exam.id


@pytest.mark.parametrize("at_submit", list(Disclosure))
def test_the_review_policy_withholds_keys_until_it_allows_them(
    classes: ClassService,
    teacher: Account,
    clock: FrozenClock,
    service: ExamService,
    at_submit: Disclosure,
) -> None:
    exam = make(classes, teacher, clock, at_submit=at_submit)
    (learner,) = learners(service, clock, 1)
    classes.join(learner=learner, code=exam.code)
    attempt = classes.start(learner=learner, class_id=exam.id)
    service.save_answer(learner=learner.owner, attempt_id=attempt.id, number=1, letter="B")
    service.submit(learner=learner.owner, attempt_id=attempt.id)
    if at_submit is Disclosure.EVERYTHING:
        service.result(learner=learner.owner, attempt_id=attempt.id)
    else:
        with pytest.raises(Withheld) as withheld:
            service.result(learner=learner.owner, attempt_id=attempt.id)
        assert withheld.value.shown is at_submit
    clock.advance(hours=2)
    _, result = service.result(learner=learner.owner, attempt_id=attempt.id)
    assert len(result.outcomes) == 15
    with service.database.read() as session:  # a class sitting stays out of spaced review
        for table in (ReviewCardRow, ReviewLogRow):
            assert session.scalar(select(func.count()).select_from(table)) == 0


def test_statistics_count_first_sittings_and_agree_with_the_answers(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock, attempts_allowed=2)
    people = learners(service, clock, 6)
    keyed = 0
    for index, learner in enumerate(people):
        classes.join(learner=learner, code=exam.code)
        attempt = classes.start(learner=learner, class_id=exam.id)
        first = attempt.slots[0]
        question = service.shown.of_slot(first)
        if index < 4:  # four choose the key of question 1, two leave it blank
            letter = first.letter_of(question.key)
            service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=1, letter=letter
            )
            keyed += 1
        service.submit(learner=learner.owner, attempt_id=attempt.id)
    clock.advance(minutes=1)
    again = classes.start(learner=people[5], class_id=exam.id)  # a second sitting: not counted
    first = again.slots[0]
    key_letter = first.letter_of(service.shown.of_slot(first).key)
    service.save_answer(learner=people[5].owner, attempt_id=again.id, number=1, letter=key_letter)
    service.submit(learner=people[5].owner, attempt_id=again.id)
    analysis = classes.statistics(exam)
    assert analysis.exam.learners == 6 and analysis.exam.items == 15
    item = analysis.items[0]
    assert item.item == exam.question_ids[0]
    assert item.facility == pytest.approx(keyed / 6)
    assert item.omitted == 2
    assert sum(o.count for o in item.options) == 4
    assert analysis.exam.mean == pytest.approx(keyed / 6)


def test_statistics_judge_a_generated_option_among_the_learners_shown_it(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock, prefer_parametrized=True)
    rng = random.Random(28)
    shown: list[list[tuple[str, tuple[str, ...]]]] = []  # per learner: (key, option ids)
    for learner in learners(service, clock, 10):
        classes.join(learner=learner, code=exam.code)
        attempt = classes.start(learner=learner, class_id=exam.id)
        questions = [service.shown.of_slot(slot) for slot in attempt.slots]
        shown.append([(q.key, q.option_ids) for q in questions])
        for number, slot in enumerate(attempt.slots, start=1):
            letter = slot.letter_of(rng.choice(slot.option_order))
            service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter=letter
            )
        service.submit(learner=learner.owner, attempt_id=attempt.id)
    analysis = classes.statistics(exam)
    generated = [q for q in exam.question_ids if service.pack.questions[q].parametrized]
    assert generated
    for column, item in enumerate(analysis.items):
        variants = [sitting[column] for sitting in shown]
        varying = len({key for key, _ in variants}) > 1
        for option in item.options:
            if option.option == KEY:
                expected = len(variants)  # every learner was shown the right answer
            else:
                expected = sum(
                    option.option in ids and not (varying and option.option == key)
                    for key, ids in variants
                )
            assert option.shown == expected, (item.item, option.option)
            assert option.exposure == pytest.approx(expected / len(variants))
            if option.shown == 0:
                assert option.upper is None and option.option not in item.unchosen_distractors


def test_extra_time_is_given_by_username_in_either_case_and_never_to_a_look_alike(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    kelvin = account(service.database, "kelvin", Role.LEARNER, clock())
    classes.join(learner=kelvin, code=exam.code)
    with pytest.raises(InvalidInput, match="No member of this class is named"):
        classes.give_time(
            instructor=teacher,
            class_id=exam.id,
            username="\u212aelvin",
            multiplier=2,
            extra_minutes=0,
        )
    given = classes.give_time(
        instructor=teacher, class_id=exam.id, username=" KELVIN ", multiplier=2, extra_minutes=0
    )
    assert given.owner == kelvin.owner and given.multiplier == 2


def test_instructors_promote_and_learners_cannot(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    from gradquiz.services.accounts import AccountService

    accounts = AccountService(exam=service, clock=clock)
    learner, _other = learners(service, clock, 2)
    with pytest.raises(NotFound):
        accounts.promote(by=learner, username="learner1")
    promoted = accounts.promote(by=teacher, username="Learner1")
    assert promoted.role is Role.INSTRUCTOR
    assert classes.taught(instructor=promoted) == []


def test_archiving_closes_for_good_and_every_learner_keeps_their_sitting_and_result(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    done, sitting_now, joined_only = learners(service, clock, 3)
    for learner in (done, sitting_now, joined_only):
        classes.join(learner=learner, code=exam.code)
    submitted = classes.start(learner=done, class_id=exam.id)
    service.save_answer(learner=done.owner, attempt_id=submitted.id, number=1, letter="A")
    service.submit(learner=done.owner, attempt_id=submitted.id)
    in_progress = classes.start(learner=sitting_now, class_id=exam.id)
    assert classes.running(teacher) == [exam]
    archived = classes.archive(instructor=teacher, class_id=exam.id)
    assert archived.archived_at == clock() and archived.window(clock()) is Window.CLOSED
    assert classes.running(teacher) == [] and classes.taught(instructor=teacher) == [archived]
    assert classes.archive(instructor=teacher, class_id=exam.id) == archived  # once is enough
    ended = service.attempt(learner=sitting_now.owner, attempt_id=in_progress.id)
    assert ended.submitted_by is SubmitReason.CLOSED
    for learner, sitting in ((done, submitted), (sitting_now, ended)):
        view = classes.for_learner(learner=learner, class_id=exam.id)
        assert [s.id for s in view.sittings] == [sitting.id]
        _, result = service.result(learner=learner.owner, attempt_id=sitting.id)  # everything
        assert len(result.outcomes) == 15
    with pytest.raises(ClassRefused):
        classes.start(learner=joined_only, class_id=exam.id)
    assert [e.action for e in classes.events(archived)][-2:] == ["closed", "archived"]


def test_an_upcoming_class_exam_archived_never_opens(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock, opens_at=clock() + timedelta(hours=1))
    [learner] = learners(service, clock, 1)
    classes.join(learner=learner, code=exam.code)
    classes.archive(instructor=teacher, class_id=exam.id)
    clock.advance(hours=1, minutes=1)
    with pytest.raises(ClassRefused, match="closed"):
        classes.start(learner=learner, class_id=exam.id)


def test_a_class_exam_goes_only_to_another_instructor_named_exactly(
    classes: ClassService, teacher: Account, clock: FrozenClock, service: ExamService
) -> None:
    exam = make(classes, teacher, clock)
    [learner] = learners(service, clock, 1)
    colleague = account(service.database, "colleague", Role.INSTRUCTOR, clock())
    for name, refusal in (
        ("nobody", "There is no instructor named nobody"),
        ("learner0", "There is no instructor named learner0"),
        ("\u212aolleague", "There is no instructor named"),
        ("TEACHER", "You run this class exam already"),
        ("coll\x00eague", "control character"),
    ):
        with pytest.raises(InvalidInput, match=refusal):
            classes.hand_over(instructor=teacher, class_id=exam.id, username=name)
    with pytest.raises(NotFound):  # a learner has no class exam to give
        classes.hand_over(instructor=learner, class_id=exam.id, username="colleague")
    assert classes.hand_over(instructor=teacher, class_id=exam.id, username=" Colleague ") == (
        colleague
    )
    assert classes.owned(instructor=colleague, class_id=exam.id).id == exam.id
    with pytest.raises(NotFound):
        classes.owned(instructor=teacher, class_id=exam.id)
    assert classes.running(teacher) == [] and [e.id for e in classes.running(colleague)] == [
        exam.id
    ]
    assert classes.events(exam)[-1].detail == "to colleague"


SHORT_BANK = {"easy": 5, "medium": 6, "hard": 4}


@pytest.mark.parametrize("short", ["easy", "medium", "hard"])
def test_a_bank_that_cannot_fill_the_blueprint_is_refused_naming_the_difficulty(
    classes: ClassService, teacher: Account, clock: FrozenClock, short: str
) -> None:
    from gradquiz.services.banks import BankService

    counts = {**SHORT_BANK, short: SHORT_BANK[short] - 1}
    rows = [f"Stem {d} {n}?,a,b,c,d,A,{d}\n" for d, count in counts.items() for n in range(count)]
    csv = "question,a,b,c,d,key,difficulty\n" + "".join(rows)
    banks = BankService(classes.exam.database, clock=clock)
    bank = banks.import_file(instructor=teacher, bank_name="Short", data=csv.encode())
    assert bank.report.summary() == f"{sum(counts.values())} imported, 0 skipped, 0 refused"
    with pytest.raises(InvalidInput) as refused:
        classes.create(instructor=teacher, rules=class_rules(clock()), bank_id=bank.bank.id)
    have = SHORT_BANK[short] - 1
    assert refused.value.message == (
        f"The bank has {have} {short} questions, not {have + 1}: ask for fewer, or choose "
        "another source."
    )
    at_most = {Difficulty(d): n for d, n in counts.items()}
    fewer = class_rules(clock(), counts=at_most)
    made = classes.create(instructor=teacher, rules=fewer, bank_id=bank.bank.id)
    assert len(made.question_ids) == sum(counts.values())

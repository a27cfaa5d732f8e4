import random
import threading
from datetime import timedelta

import pytest

from gradquiz.core.attempts import Saved, SubmitReason
from gradquiz.errors import AttemptClosed, AttemptInProgress, NotFound, NotSubmitted
from gradquiz.services import exam as exam_module
from gradquiz.services.exam import ExamService, KnownSlots
from gradquiz.storage import attempts as store
from tests.factories import FrozenClock


def test_start_stores_the_attempt_under_its_learner(service: ExamService) -> None:
    attempt = service.start(learner="browser-one-token-xxxxxxxx")
    assert attempt.owner == "browser-one-token-xxxxxxxx"
    again = service.attempt(learner="browser-one-token-xxxxxxxx", attempt_id=attempt.id)
    assert again.slots == attempt.slots
    assert len(attempt.id) >= 22


def test_another_identity_cannot_see_or_touch_the_attempt(service: ExamService) -> None:
    attempt = service.start(learner="owner-token-aaaaaaaaaaaa")
    for call in (
        lambda: service.attempt(learner="intruder-token-bbbbbbbbbbb", attempt_id=attempt.id),
        lambda: service.save_answer(
            learner="intruder-token-bbbbbbbbbbb",
            attempt_id=attempt.id,
            number=1,
            letter=None,
        ),
        lambda: service.submit(learner="intruder-token-bbbbbbbbbbb", attempt_id=attempt.id),
        lambda: service.attempt(learner="owner-token-aaaaaaaaaaaa", attempt_id="no-such-id"),
    ):
        with pytest.raises(NotFound):
            call()


def test_answers_survive_a_new_service_over_the_same_database(service: ExamService) -> None:
    attempt = service.start(learner="learner-token-cccccccccccc")
    slot = attempt.slots[3]
    service.save_answer(
        learner="learner-token-cccccccccccc",
        attempt_id=attempt.id,
        number=4,
        letter="C",
        marked=True,
    )
    restarted = ExamService(database=service.database, pack=service.pack, clock=service.clock)
    loaded = restarted.attempt(learner="learner-token-cccccccccccc", attempt_id=attempt.id)
    assert loaded.chosen(slot.question_id) == slot.option_order[2]
    assert loaded.answers[slot.question_id].marked


def test_late_save_is_refused_and_earlier_answers_are_kept(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "learner-token-dddddddddddd"
    attempt = service.start(learner=identity)
    first, second = attempt.slots[0], attempt.slots[1]
    service.save_answer(learner=identity, attempt_id=attempt.id, number=1, letter="A")
    clock.now = attempt.deadline + timedelta(seconds=10)
    service.save_answer(learner=identity, attempt_id=attempt.id, number=2, letter="A")
    clock.advance(seconds=10)
    with pytest.raises(AttemptClosed, match="Time is up"):
        service.save_answer(learner=identity, attempt_id=attempt.id, number=1, letter="B")
    closed, result = service.result(learner=identity, attempt_id=attempt.id)
    assert closed.submitted_by is SubmitReason.DEADLINE
    assert closed.chosen(first.question_id) == first.option_order[0]
    assert closed.chosen(second.question_id) == second.option_order[0]
    assert result.score.total == 15


def test_abandoned_attempt_is_submitted_on_next_access(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "learner-token-eeeeeeeeeeee"
    attempt = service.start(learner=identity)
    with pytest.raises(NotSubmitted):
        service.result(learner=identity, attempt_id=attempt.id)
    clock.advance(hours=3)
    loaded = service.attempt(learner=identity, attempt_id=attempt.id)
    assert loaded.is_submitted and loaded.submitted_at == attempt.deadline


def test_sweep_submits_every_overdue_attempt_and_only_those(
    service: ExamService, clock: FrozenClock
) -> None:
    old = [service.start(learner=f"learner-token-old-{n:08d}") for n in range(3)]
    clock.advance(minutes=20)
    fresh = service.start(learner="learner-token-fresh-00000")
    clock.advance(minutes=6)
    assert service.sweep() == 3
    assert service.sweep() == 0
    for n, attempt in enumerate(old):
        assert service.attempt(
            learner=f"learner-token-old-{n:08d}", attempt_id=attempt.id
        ).is_submitted
    assert not service.attempt(
        learner="learner-token-fresh-00000", attempt_id=fresh.id
    ).is_submitted


def test_submit_twice_is_refused(service: ExamService) -> None:
    attempt = service.start(learner="learner-token-ffffffffffff")
    service.submit(learner="learner-token-ffffffffffff", attempt_id=attempt.id)
    with pytest.raises(AttemptClosed):
        service.submit(learner="learner-token-ffffffffffff", attempt_id=attempt.id)


def test_a_retake_draws_questions_the_learner_has_not_seen(service: ExamService) -> None:
    identity = "retake-learner-token-000000"
    first = service.start(learner=identity)
    service.submit(learner=identity, attempt_id=first.id)
    second = service.start(learner=identity)
    stranger = service.start(learner="another-learner-token-00000")
    first_ids = {s.question_id for s in first.slots}
    assert not first_ids & {s.question_id for s in second.slots}
    assert len(stranger.slots) == 15


def test_one_open_attempt_per_learner_unless_it_is_abandoned(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "one-open-learner-token-0000"
    first = service.start(learner=identity)
    service.save_answer(learner=identity, attempt_id=first.id, number=1, letter="B")
    with pytest.raises(AttemptInProgress) as refused:
        service.start(learner=identity)
    assert refused.value.attempt_id == first.id and refused.value.status == 409
    with pytest.raises(AttemptInProgress):
        service.start(learner=identity, replacing="some-other-attempt")
    open_attempt = service.open_attempt(learner=identity)
    assert open_attempt is not None and open_attempt.id == first.id
    clock.advance(minutes=3)
    second = service.start(learner=identity, replacing=first.id)
    ended = service.attempt(learner=identity, attempt_id=first.id)
    assert ended.submitted_by is SubmitReason.ABANDONED and ended.submitted_at == clock()
    history = service.history(learner=identity)
    assert [(h.id, h.score, h.submitted_by) for h in history] == [
        (
            first.id,
            service.result(learner=identity, attempt_id=first.id)[1].score.correct,
            SubmitReason.ABANDONED,
        )
    ]
    assert service.open_attempt(learner=identity).id == second.id  # type: ignore[union-attr]
    assert service.start(learner="someone-else-token-00000000").id != second.id


def test_an_overdue_open_attempt_does_not_block_a_new_one(
    service: ExamService, clock: FrozenClock
) -> None:
    identity = "overdue-learner-token-00000"
    first = service.start(learner=identity)
    clock.advance(minutes=30)
    second = service.start(learner=identity)
    assert service.attempt(learner=identity, attempt_id=first.id).submitted_by is (
        SubmitReason.DEADLINE
    )
    assert second.id != first.id


def test_an_older_save_never_overwrites_a_later_one(service: ExamService) -> None:
    identity = "ordered-saves-token-000000"
    attempt = service.start(learner=identity)

    def save(letter: str | None, seq: int | None) -> Saved:
        return service.save_answer(
            learner=identity, attempt_id=attempt.id, number=2, letter=letter, seq=seq
        ).saved

    later = save("C", 6)
    older = save("A", 5)
    assert later.applied and not older.applied
    assert older.answer.option_id == attempt.slots[1].option_order[2] and older.answer.seq == 6
    # The held save sent again (a device that never heard the reply) is not applied again:
    # the answer keeps the time it was saved at.
    replayed = save("C", 6)
    assert not replayed.applied and replayed.answer == later.answer
    # The same seq with another choice (two windows drawn alike) is a new save: the last wins.
    other = save("A", 6)
    assert other.applied and other.answer.seq == 6
    unnumbered = save("B", None)  # every question has at least three options
    assert unnumbered.applied and unnumbered.answer.seq == 7
    held = service.attempt(learner=identity, attempt_id=attempt.id)
    assert held.chosen(attempt.slots[1].question_id) == attempt.slots[1].option_order[1]


def test_starting_reads_no_more_after_many_earlier_attempts(service: ExamService) -> None:
    from sqlalchemy import event

    identity = "prolific-learner-token-0000"
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    def start_and_submit() -> list[str]:
        statements.clear()
        attempt = service.start(learner=identity)
        # Whether the draw shows a question version not stored yet is chance (a static
        # question kept by an earlier attempt needs no insert; new numbers do).
        recorded = [s for s in statements if "INTO question_versions" not in s]
        service.submit(learner=identity, attempt_id=attempt.id)
        return recorded

    event.listen(service.database.engine, "after_cursor_execute", record)
    try:
        first = start_and_submit()
        for _ in range(30):
            start_and_submit()
        later = start_and_submit()
    finally:
        event.remove(service.database.engine, "after_cursor_execute", record)

    # Storing the versions of freshly drawn variants takes one statement or none, by draw;
    # the class windows are read every few seconds (ClassWindows), however many attempts.
    def counted(statements: list[str]) -> int:
        return sum("question_versions" not in s and "class_exams" not in s for s in statements)

    assert counted(later) == counted(first)
    assert not any("layout" in s and s.lstrip().upper().startswith("SELECT") for s in later)


def test_abandoning_grades_the_open_attempt_once(service: ExamService) -> None:
    learner = "learner-token-abandoning-01"
    attempt = service.start(learner=learner)
    service.save_answer(learner=learner, attempt_id=attempt.id, number=1, letter="A")
    ended = service.abandon(learner=learner, attempt_id=attempt.id)
    assert ended.submitted_by == SubmitReason.ABANDONED
    [past] = service.history(learner=learner)
    assert past.submitted_by == SubmitReason.ABANDONED and past.score is not None
    again = service.abandon(learner=learner, attempt_id=attempt.id)
    assert again.submitted_at == ended.submitted_at
    with pytest.raises(NotFound):
        service.abandon(learner="someone-else-token-0002", attempt_id=attempt.id)


def test_a_save_of_an_attempt_already_seen_is_one_statement(service: ExamService) -> None:
    from sqlalchemy import event

    identity = "one-statement-token-0000000"
    attempt = service.start(learner=identity)
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(service.database.engine, "after_cursor_execute", record)
    try:
        first = service.save_answer(learner=identity, attempt_id=attempt.id, number=3, letter="B")
    finally:
        event.remove(service.database.engine, "after_cursor_execute", record)
    assert len(statements) == 1 and statements[0].startswith("INSERT INTO answers")
    assert first.saved.applied and first.answered == 1 and first.saved.answer.seq == 1
    assert first.slot == attempt.slots[2]
    held = service.attempt(learner=identity, attempt_id=attempt.id)
    assert held.chosen(attempt.slots[2].question_id) == attempt.slots[2].option_order[1]


def test_one_statement_saves_agree_with_loaded_saves(
    service: ExamService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same saves, with the slots known (one statement) and unknown (the attempt loaded),
    leave the same answers, seqs and counts."""
    written = []
    save_if_open = store.save_if_open

    def counted(**arguments):  # type: ignore[no-untyped-def]
        held = save_if_open(**arguments)
        written.append(held is not None)
        return held

    monkeypatch.setattr(exam_module.store, "save_if_open", counted)
    loading = ExamService(database=service.database, pack=service.pack, clock=service.clock)
    loading.known = KnownSlots(size=0)
    fast = service.start(learner="agree-fast-token-000000000")
    slow = loading.start(learner="agree-slow-token-000000000")
    rng = random.Random(20261206)
    for _ in range(120):
        number = rng.randint(1, 15)
        letter = rng.choice(["A", "B", "C", None])
        marked = rng.random() < 0.3
        seq = rng.choice([None, rng.randint(0, 12)])
        outcomes = [
            exam.save_answer(
                learner=attempt.owner,
                attempt_id=attempt.id,
                number=number,
                letter=letter,
                marked=marked,
                seq=seq,
            )
            for exam, attempt in ((service, fast), (loading, slow))
        ]
        seen = [
            (
                o.saved.applied,
                o.slot.letter_of(o.saved.answer.option_id),
                o.saved.answer.marked,
                o.saved.answer.seq,
                o.answered,
            )
            for o in outcomes
        ]
        assert seen[0] == seen[1], (number, letter, marked, seq)
    kept = [
        [
            (s.letter_of(answer.option_id), answer.marked, answer.seq)
            for s in held.slots
            if (answer := held.answers.get(s.question_id)) is not None
        ]
        for held in (
            exam.attempt(learner=attempt.owner, attempt_id=attempt.id)
            for exam, attempt in ((service, fast), (loading, slow))
        )
    ]
    assert kept[0] == kept[1] and len(kept[0]) > 10
    # Most saves went through the statement; the rest (older seqs) fell back to loading.
    assert len(written) == 120 and sum(written) > 60


def test_a_save_during_a_submit_waits_for_it_and_is_refused(service: ExamService) -> None:
    identity = "save-during-submit-token-00"
    attempt = service.start(learner=identity)
    outcome: list[object] = []

    def save() -> None:
        try:
            outcome.append(
                service.save_answer(learner=identity, attempt_id=attempt.id, number=1, letter="A")
            )
        except AttemptClosed as error:
            outcome.append(error)

    saver = threading.Thread(target=save)
    with service.database.writing() as session:
        submitting = store.load_attempt(session=session, attempt_id=attempt.id, lock=True)
        assert submitting is not None
        saver.start()
        saver.join(timeout=0.5)
        assert saver.is_alive()  # waiting for the submit to finish
        submitting.submit(now=service.clock(), grace=service.grace)
        store.record_submission(session=session, attempt=submitting, score=0)
    saver.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], AttemptClosed)
    assert service.attempt(learner=identity, attempt_id=attempt.id).answers == {}

"""Every exam answer becomes a review card, on every way an attempt can end, exactly once."""

from datetime import timedelta

from sqlalchemy import func, select

from gradquiz.core.scheduling import ReviewCard
from gradquiz.services.cards import record_answers
from gradquiz.services.exam import ExamService
from gradquiz.storage import review as store
from gradquiz.storage.database import Database
from gradquiz.storage.models import ReviewLogRow
from tests.core.test_scheduling import answer
from tests.factories import FrozenClock

LEARNER = "card-learner-owner-key"


def cards(service: ExamService, learner: str = LEARNER) -> dict[str, ReviewCard]:
    with service.database.read() as session:
        return store.load_cards(session=session, owner=learner, pack_id=service.pack.id)


def log_size(database: Database) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(ReviewLogRow)) or 0)


def answer_two(service: ExamService) -> tuple[str, str, str]:
    """Start an attempt, answer question 1 right and question 2 wrong; return the attempt id
    and those two questions' ids."""
    attempt = service.start(learner=LEARNER)
    shown = service.shown.of(attempt)
    for number, right in ((1, True), (2, False)):
        slot, question = attempt.slots[number - 1], shown[number - 1]
        option = question.key if right else next(o for o in slot.option_order if o != question.key)
        service.save_answer(
            learner=LEARNER, attempt_id=attempt.id, number=number, letter=slot.letter_of(option)
        )
    return attempt.id, attempt.slots[0].question_id, attempt.slots[1].question_id


def test_a_submitted_exam_schedules_its_answered_questions(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt_id, right, wrong = answer_two(service)
    service.submit(learner=LEARNER, attempt_id=attempt_id)
    scheduled = cards(service)
    assert set(scheduled) == {right, wrong}  # the 13 unanswered questions make no card
    assert scheduled[wrong].due < scheduled[right].due
    assert scheduled[wrong].lapses == 1 and scheduled[right].lapses == 0
    assert log_size(service.database) == 2
    assert service.attempt(learner=LEARNER, attempt_id=attempt_id).is_submitted


def test_the_deadline_and_abandoning_schedule_too_and_only_once(
    service: ExamService, clock: FrozenClock
) -> None:
    attempt_id, _, _ = answer_two(service)
    clock.advance(minutes=30)
    assert service.sweep() == 1
    assert service.sweep() == 0
    service.attempt(learner=LEARNER, attempt_id=attempt_id)  # settling again records nothing
    assert log_size(service.database) == 2
    answer_two(service)
    service.start(learner=LEARNER, replacing=service.open_attempt(learner=LEARNER).id)  # type: ignore[union-attr]
    assert log_size(service.database) == 4


def test_fsrs_state_survives_a_restart(database: Database) -> None:
    history = [answer(False, question="a"), answer(True, question="b")]
    with database.write() as session:
        record_answers(session, owner=LEARNER, pack_id="backprop", answers=history)
        record_answers(
            session,
            owner=LEARNER,
            pack_id="backprop",
            answers=[answer(True, question="a", at=history[0].answered_at + timedelta(days=1))],
        )
    with database.read() as session:
        before = store.load_cards(session=session, owner=LEARNER, pack_id="backprop")
    url = database.url.render_as_string(hide_password=False)
    database.dispose()
    restarted = Database(url)
    with restarted.read() as session:
        after = store.load_cards(session=session, owner=LEARNER, pack_id="backprop")
    restarted.dispose()
    assert after == before
    assert after["a"].reviews == 2 and after["a"].stability is not None
    assert after["a"].due.tzinfo is not None

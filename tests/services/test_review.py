"""Review: what is due, under a frozen clock stepped forward, comes back as a set."""

from datetime import timedelta

from gradquiz.core.practice import SessionKind
from gradquiz.services.practice import PracticeService
from gradquiz.services.review import ReviewService
from tests.factories import FrozenClock
from tests.services.test_practice import LEARNER, right_letter, wrong_letter


def test_a_missed_question_is_due_before_a_right_one_and_comes_back(
    practice: PracticeService, review: ReviewService, clock: FrozenClock
) -> None:
    assert review.summary(learner=None).due == 0
    assert review.start(learner=LEARNER) is None
    session = practice.start(learner=LEARNER, count=2)
    missed = session.item(1).slot.question_id
    practice.answer(
        learner=LEARNER, session_id=session.id, number=1, letter=wrong_letter(practice, session, 1)
    )
    practice.answer(
        learner=LEARNER, session_id=session.id, number=2, letter=right_letter(practice, session, 2)
    )
    summary = review.summary(learner=LEARNER)
    # The miss is due after FSRS's first learning step (1 min), the right one after 10.
    assert summary.due == 0 and summary.next_due == clock.now + timedelta(minutes=1)

    clock.advance(minutes=2)
    assert review.summary(learner=LEARNER).due == 1
    again = review.start(learner=LEARNER)
    assert again is not None and again.kind is SessionKind.REVIEW
    assert [item.slot.question_id for item in again.items] == [missed]

    practice.answer(
        learner=LEARNER, session_id=again.id, number=1, letter=right_letter(practice, again, 1)
    )
    after = review.summary(learner=LEARNER)
    assert after.due == 0 and after.next_due is not None and after.next_due > clock.now

    clock.advance(days=60)  # long enough for both to be due again
    due = review.start(learner=LEARNER)
    assert due is not None and len(due.items) == 2
    assert missed in {item.slot.question_id for item in due.items}


def test_a_review_set_takes_the_longest_overdue_first_up_to_its_size(
    review: ReviewService, clock: FrozenClock
) -> None:
    from gradquiz.services.cards import record_answers
    from gradquiz.services.review import REVIEW_SET_SIZE
    from tests.core.test_scheduling import answer

    questions = list(review.pack.questions)[: REVIEW_SET_SIZE + 5]
    with review.database.write() as session:
        for minutes, question in enumerate(questions):
            wrong = answer(False, question=question, at=clock.now + timedelta(minutes=minutes))
            record_answers(session, owner=LEARNER, pack_id=review.pack.id, answers=[wrong])
    clock.advance(hours=1)
    assert review.summary(learner=LEARNER).due == REVIEW_SET_SIZE + 5
    due = review.start(learner=LEARNER)
    assert due is not None
    assert [item.slot.question_id for item in due.items] == questions[:REVIEW_SET_SIZE]


def test_the_next_review_time_is_shown_rounded_up_to_a_whole_minute() -> None:
    # "Next one due 13:42" for 13:42:40 read as
    # already due at 13:42:10.
    from datetime import UTC, datetime

    from gradquiz.services.review import DueSummary

    def at(second: int, micro: int = 0) -> datetime:
        return datetime(2026, 12, 7, 13, 42, second, micro, tzinfo=UTC)

    assert DueSummary(0, at(40)).next_due_minute == datetime(2026, 12, 7, 13, 43, tzinfo=UTC)
    assert DueSummary(0, at(0, 1)).next_due_minute == datetime(2026, 12, 7, 13, 43, tzinfo=UTC)
    assert DueSummary(0, at(0)).next_due_minute == at(0)
    assert DueSummary(0, None).next_due_minute is None

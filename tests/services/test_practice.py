"""Practice sets: drawn by topic, answered in turn, typed numbers, another like it, misses."""

import random

import pytest

from gradquiz.core.attempts import slot_for
from gradquiz.core.practice import PracticeSession, SessionKind
from gradquiz.core.questions import Question
from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.exam import ExamService
from gradquiz.services.practice import PracticeService
from gradquiz.storage import review as review_store
from tests.factories import FrozenClock

LEARNER = "practice-learner-owner-key"


def numeric_set(practice: PracticeService, question_id: str = "neuron-dl-dw") -> PracticeSession:
    slot = slot_for(practice.pack.questions[question_id], random.Random(5))
    return practice.begin(learner=LEARNER, kind=SessionKind.PRACTICE, slots=[slot])


def wrong_letter(practice: PracticeService, session: PracticeSession, number: int) -> str:
    item, question = session.item(number), practice.question(session, number)
    wrong = next(o for o in item.slot.option_order if o != question.key)
    return item.slot.letter_of(wrong) or ""


def right_letter(practice: PracticeService, session: PracticeSession, number: int) -> str:
    return session.item(number).slot.letter_of(practice.question(session, number).key) or ""


def test_a_set_holds_the_chosen_topics_and_difficulties(practice: PracticeService) -> None:
    chosen = practice.start(learner=LEARNER, topics=["vanishing-gradient"], difficulties=["hard"])
    questions = [practice.question(chosen, item.number) for item in chosen.items]
    assert questions and len(questions) <= 10
    assert {(q.topic, q.difficulty.value) for q in questions} == {("vanishing-gradient", "hard")}
    everything = practice.start(learner=LEARNER, count=None)
    assert len(everything.items) == len(practice.pack.questions)
    with pytest.raises(InvalidInput, match="no topic"):
        practice.start(learner=LEARNER, topics=["astrology"])
    with pytest.raises(InvalidInput, match="not a difficulty"):
        practice.start(learner=LEARNER, difficulties=["brutal"])


def test_answers_are_marked_kept_and_make_cards(
    practice: PracticeService, clock: FrozenClock
) -> None:
    session = practice.start(learner=LEARNER, count=3)
    practice.present(session, 1)
    clock.advance(seconds=20)
    letter = right_letter(practice, session, 1)
    marked = practice.answer(
        learner=LEARNER, session_id=session.id, number=1, letter=letter, confidence="sure"
    )
    again = practice.answer(learner=LEARNER, session_id=session.id, number=1, letter="A")
    assert again.item(1).answer == marked.item(1).answer  # a resent answer changes nothing
    reloaded = practice.session(learner=LEARNER, session_id=session.id)
    answer = reloaded.item(1).answer
    assert answer is not None and answer.correct and answer.confidence.value == "sure"  # type: ignore[union-attr]
    assert reloaded.current is reloaded.item(2)
    with practice.database.read() as db:
        history = review_store.load_history(session=db, owner=LEARNER, pack_id=practice.pack.id)
    assert [(h.correct, h.seconds, h.source.value) for h in history] == [(True, 20.0, "practice")]


def test_bad_answers_are_refused_clearly(practice: PracticeService) -> None:
    session = practice.start(learner=LEARNER, count=2)
    for fields, message in [
        ({}, "Choose an option"),
        ({"letter": "A", "typed": "1"}, "not both"),
        ({"letter": "Q"}, "not an option"),
        ({"letter": "A", "confidence": "cocky"}, "not a level of confidence"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            practice.answer(learner=LEARNER, session_id=session.id, number=1, **fields)
    with pytest.raises(InvalidInput, match="Answer question 1 first"):
        practice.answer(learner=LEARNER, session_id=session.id, number=2, letter="A")
    with pytest.raises(NotFound):
        practice.session(learner="someone-else", session_id=session.id)
    with pytest.raises(NotFound):
        practice.answer(learner="someone-else", session_id=session.id, number=1, letter="A")


def key_and_distractor(question: Question) -> tuple[float, float, str]:
    key = question.option(question.key)
    other = next(o for o in question.options if o.id != question.key)
    assert key.value is not None and other.value is not None
    return key.value, other.value, other.id


def test_a_typed_number_near_the_key_is_right(practice: PracticeService) -> None:
    session = numeric_set(practice)
    key, _, _ = key_and_distractor(practice.question(session, 1))
    done = practice.answer(
        learner=LEARNER, session_id=session.id, number=1, typed=f"{key * 1.004:.6g}"
    )
    answer = done.item(1).answer
    assert (
        answer is not None
        and answer.correct
        and answer.typed == pytest.approx(key * 1.004, rel=1e-5)
    )
    assert len(done.items) == 1  # right: nothing added


def test_a_typed_distractor_gets_its_feedback_and_another_like_it(
    practice: PracticeService,
) -> None:
    session = numeric_set(practice)
    question = practice.question(session, 1)
    _, distractor, distractor_id = key_and_distractor(question)
    done = practice.answer(learner=LEARNER, session_id=session.id, number=1, typed=repr(distractor))
    answer = done.item(1).answer
    assert answer is not None and not answer.correct and answer.option_id == distractor_id
    assert len(done.items) == 2
    fresh = done.item(2).slot
    assert fresh.question_id == "neuron-dl-dw" and fresh.seed != done.item(1).slot.seed
    assert practice.question(done, 2).stem != question.stem  # new numbers
    with pytest.raises(InvalidInput, match="not a number"):
        practice.answer(learner=LEARNER, session_id=session.id, number=2, typed="twelve")


def test_missing_the_same_generated_question_again_adds_no_more_like_it(
    practice: PracticeService,
) -> None:
    # It once grew a set of 10 to 23, 14 of them the same clipping question.
    session = numeric_set(practice)
    for number in (1, 2):
        session = practice.answer(
            learner=LEARNER,
            session_id=session.id,
            number=number,
            letter=wrong_letter(practice, session, number),
        )
    assert len(session.items) == 2 and session.current is None and session.chosen == 1
    kept = practice.session(learner=LEARNER, session_id=session.id)
    assert len(kept.items) == 2 and kept.like_of(2) == 1


def test_a_missed_static_question_does_not_come_back_in_the_set(practice: PracticeService) -> None:
    static = next(q for q in practice.pack.questions.values() if not q.parametrized)
    slot = slot_for(static, random.Random(1))
    session = practice.begin(learner=LEARNER, kind=SessionKind.PRACTICE, slots=[slot])
    done = practice.answer(
        learner=LEARNER, session_id=session.id, number=1, letter=wrong_letter(practice, session, 1)
    )
    assert len(done.items) == 1 and done.current is None
    with pytest.raises(InvalidInput, match="takes no typed number"):
        practice.answer(
            learner=LEARNER, session_id=numeric_set(practice, static.id).id, number=1, typed="3"
        )


def test_practise_what_i_missed_shows_the_exams_misses_as_shown(
    practice: PracticeService, service: ExamService
) -> None:
    attempt = service.start(learner=LEARNER)
    shown = service.shown.of(attempt)
    for number in (1, 2):
        slot = attempt.slots[number - 1]
        service.save_answer(
            learner=LEARNER,
            attempt_id=attempt.id,
            number=number,
            letter=slot.letter_of(shown[number - 1].key),
        )
    service.submit(learner=LEARNER, attempt_id=attempt.id)
    attempt, result = service.result(learner=LEARNER, attempt_id=attempt.id)
    missed = practice.start_missed(learner=LEARNER, attempt=attempt, result=result)
    assert [item.slot for item in missed.items] == list(attempt.slots[2:])
    assert missed.kind is SessionKind.MISSED and missed.source_attempt == attempt.id
    assert practice.unfinished(learner=LEARNER) is not None

"""What "download my data" says of exams and practice: only what their pages show now.

A stored attempt or practice item knows its bank question, the version digest, the seed of
its numbers and its option ids in display order. A generated question's right option has the
id `key` and its distractors are named after their errors, so any of these, with the public
pack, answers the question. The download names a question by its number and a choice by its
letter, as the pages do; the bank question, the key's letter and right or wrong come only
where the learner's result pages show them (and never seeds, digests or option ids).
"""

from collections.abc import Collection, Sequence
from typing import Any

from gradquiz.core.attempts import Attempt, Slot
from gradquiz.core.classes import Disclosure
from gradquiz.core.late_answers import LateAnswer
from gradquiz.core.practice import PracticeSession
from gradquiz.core.questions import Question

Row = tuple[Any, ...]

ATTEMPT_COLUMNS = (
    "id",
    "pack_id",
    "class_exam_id",
    "started_at",
    "deadline",
    "submitted_at",
    "submitted_by",
    "score",
    "total",
)
EXAM_ANSWER_COLUMNS = (
    "attempt_id",
    "number",
    "chosen",
    "marked",
    "saved_at",
    "seq",
    "correct",
    "question_id",
    "key",
)
# Saves that reached the server after their attempt's time ran out (they did not count).
LATE_ANSWER_COLUMNS = (
    "attempt_id",
    "number",
    "chosen",
    "marked",
    "seq",
    "received_at",
    "untrusted_device_time",
)
PRACTICE_ANSWER_COLUMNS = (
    "session_id",
    "number",
    "presented_at",
    "answered_at",
    "chosen",
    "typed",
    "confidence",
    "correct",
    "question_id",
    "key",
)


def attempt_row(attempt: Attempt, score: int | None) -> Row:
    """An attempt's line: when, how it ended and its score; nothing of its questions."""
    return (
        attempt.id,
        attempt.pack_id,
        attempt.class_exam_id,
        attempt.started_at,
        attempt.deadline,
        attempt.submitted_at,
        attempt.submitted_by.value if attempt.submitted_by else None,
        score,
        len(attempt.slots),
    )


def exam_answer_rows(
    attempt: Attempt,
    shown: Sequence[Question],
    disclosure: Disclosure,
    sealed: Collection[str],
) -> list[Row]:
    """Each saved answer of the attempt, with as much as its result shows now.

    `disclosure` is what the attempt's pages show (SCORE for an open attempt); a question in
    `sealed` shows no more than SCORE whatever the policy (a class window holds it back).
    """
    rows: list[Row] = []
    for number, (slot, question) in enumerate(zip(attempt.slots, shown, strict=True), 1):
        answer = attempt.answers.get(slot.question_id)
        if answer is None:
            continue
        level = Disclosure.SCORE if slot.question_id in sealed else disclosure
        told = _told(slot, question, answer.option_id, level)
        mine = (attempt.id, number, slot.letter_of(answer.option_id), answer.marked)
        rows.append((*mine, answer.saved_at, answer.seq, *told))
    return rows


def late_answer_rows(attempt: Attempt, late: Sequence[LateAnswer]) -> list[Row]:
    """Each late save of the attempt, by question number and the letter the learner saw."""
    numbers = {slot.question_id: n for n, slot in enumerate(attempt.slots, 1)}
    return [
        (
            attempt.id,
            numbers[answer.question_id],
            attempt.slot(answer.question_id).letter_of(answer.option_id),
            answer.marked,
            answer.seq,
            answer.received_at,
            answer.untrusted_device_time,
        )
        for answer in late
        if answer.question_id in numbers
    ]


def practice_answer_rows(
    practice: PracticeSession, shown: Sequence[Question], sealed: Collection[str]
) -> list[Row]:
    """Each question of the set by number with its times; once answered, the choice, and
    outside `sealed` what its feedback page shows."""
    rows: list[Row] = []
    for item, question in zip(practice.items, shown, strict=True):
        answer = item.answer
        if answer is None:
            rows.append((practice.id, item.number, item.presented_at, *[None] * 7))
            continue
        level = Disclosure.SCORE if item.slot.question_id in sealed else Disclosure.EVERYTHING
        sureness = answer.confidence.value if answer.confidence else None
        given = (_letter(item.slot, answer.option_id), answer.typed, sureness)
        told = _told(item.slot, question, answer.option_id, level)
        rows.append(
            (practice.id, item.number, item.presented_at, answer.answered_at, *given, *told)
        )
    return rows


def sealed_id(question_id: str, sealed: Collection[str]) -> str | None:
    """A question id as the download may name it: None while it is sealed."""
    return None if question_id in sealed else question_id


def _told(
    slot: Slot, question: Question, chosen: str | None, level: Disclosure
) -> tuple[bool | None, str | None, str | None]:
    """(right or wrong, bank question, key's letter) as far as `level` shows them."""
    if level is Disclosure.SCORE or not question.key:
        return None, None, None
    correct = chosen == question.key
    if level is Disclosure.MARKS:
        return correct, None, None
    return correct, slot.question_id, _letter(slot, question.key)


def _letter(slot: Slot, option_id: str | None) -> str | None:
    """The letter an option had on screen (None for none, or one the slot never showed)."""
    return slot.letter_of(option_id) if option_id in slot.option_order else None

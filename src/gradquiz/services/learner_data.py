"""A learner's data: all of it as CSV files in one zip, or deleted for good."""

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gradquiz.core.attempts import Attempt
from gradquiz.core.classes import ClassExam, Disclosure, Withholding
from gradquiz.core.learner_export import (
    ATTEMPT_COLUMNS,
    EXAM_ANSWER_COLUMNS,
    LATE_ANSWER_COLUMNS,
    PRACTICE_ANSWER_COLUMNS,
    Row,
    attempt_row,
    exam_answer_rows,
    late_answer_rows,
    practice_answer_rows,
    sealed_id,
)
from gradquiz.core.practice import PracticeSession
from gradquiz.services.exam import ExamService
from gradquiz.storage import attempts as attempts_store
from gradquiz.storage import classes as classes_store
from gradquiz.storage import late_answers as late_store
from gradquiz.storage import practice as practice_store
from gradquiz.storage.export import EXPORTS, learner_rows
from gradquiz.storage.ownership import delete_owner

# A cell starting with one of these is a formula to a spreadsheet; a quote makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Kinds exported as stored whose `question_id` names a bank question.
_NAMING_BANK_QUESTIONS = ("review_cards", "review_log", "seen_questions")

Table = tuple[Sequence[str], Sequence[Row]]


@dataclass
class LearnerData:
    """Exports and deletes everything one learner owns."""

    exam: ExamService

    def export(self, *, learner: str | None) -> bytes:
        """A zip with one CSV per kind of data (only headers for a learner with none).

        It says of exams and practice what their pages show now (learner_export). No file
        names a question of an attempt still open, nor one an open class window holds back
        (but a class's own sittings say what its review policy shows).
        """
        owner = learner or ""
        with self.exam.database.read() as session:
            stored = learner_rows(session=session, owner=owner)
            attempts = attempts_store.owner_attempts(session=session, owner=owner)
            sets = practice_store.owner_sessions(session=session, owner=owner)
            late = late_store.owner_late_answers(session=session, owner=owner)
            class_ids = {a.class_exam_id for a, _ in attempts if a.class_exam_id}
            exams = {
                class_id: classes_store.load_class_exam(session=session, class_id=class_id)
                for class_id in class_ids
            }
        open_now = frozenset(
            s.question_id for a, _ in attempts if not a.is_submitted for s in a.slots
        )
        held = self.exam.windows.now()
        sealed = open_now | held.questions
        tables: dict[str, Table] = {
            **self._exams(attempts, exams, open_now, held),
            "practice_answers": self._practice(sets, sealed),
            "late_answers": (
                LATE_ANSWER_COLUMNS,
                [row for a, _ in attempts for row in late_answer_rows(a, late.get(a.id, []))],
            ),
        }
        for name, (names, values) in stored.items():
            sealing = name in _NAMING_BANK_QUESTIONS
            tables[name] = (names, _sealing(names, values, sealed) if sealing else values)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in EXPORTS:
                columns, rows = tables[name]
                archive.writestr(f"{name}.csv", _csv(columns, rows))
        return buffer.getvalue()

    def delete(self, *, learner: str | None) -> None:
        """Delete every row the learner owns, in every table, at once."""
        if learner:
            with self.exam.database.write() as session:
                delete_owner(session=session, owner=learner)

    def _exams(
        self,
        attempts: Sequence[tuple[Attempt, int | None]],
        exams: dict[str, ClassExam | None],
        open_now: frozenset[str],
        held: Withholding,
    ) -> dict[str, Table]:
        now = self.exam.clock()
        shown = self.exam.shown.of_all([attempt for attempt, _ in attempts])
        answers: list[Row] = []
        for (attempt, _), questions in zip(attempts, shown, strict=True):
            level = _disclosure(attempt, exams, now)
            sealed = open_now | held.apart_from(attempt.class_exam_id).keys()
            answers += exam_answer_rows(attempt, questions, level, sealed)
        return {
            "attempts": (ATTEMPT_COLUMNS, [attempt_row(a, score) for a, score in attempts]),
            "exam_answers": (EXAM_ANSWER_COLUMNS, answers),
        }

    def _practice(self, sets: Sequence[PracticeSession], sealed: frozenset[str]) -> Table:
        rows: list[Row] = []
        for practice in sets:
            shown = [self.exam.shown.of_slot(item.slot) for item in practice.items]
            rows += practice_answer_rows(practice, shown, sealed)
        return PRACTICE_ANSWER_COLUMNS, rows


def _disclosure(attempt: Attempt, exams: dict[str, ClassExam | None], now: datetime) -> Disclosure:
    """What the attempt's result shows now: nothing while open, a class's policy, or all."""
    if not attempt.is_submitted:
        return Disclosure.SCORE
    if attempt.class_exam_id is None:
        return Disclosure.EVERYTHING
    exam = exams.get(attempt.class_exam_id)
    return exam.disclosure(now) if exam is not None else Disclosure.SCORE


# What a sealed question's row may still say: when, where from, and nothing of how it went.
_NEUTRAL = frozenset({"id", "pack_id", "source", "answered_at", "seconds", "seen_at"})


def _sealing(columns: Sequence[str], rows: Sequence[Row], sealed: frozenset[str]) -> list[Row]:
    """The rows with every sealed question's id left blank, and all it says of the outcome
    (mark, rating, topic, card state) too: a review log's `correct` would give its mark."""
    at = list(columns).index("question_id")
    kept = [name in _NEUTRAL for name in columns]
    return [
        row
        if sealed_id(row[at], sealed) is not None
        else tuple(value if keep else None for value, keep in zip(row, kept, strict=True))
        for row in rows
    ]


def _csv(columns: Sequence[str], rows: Any) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return text.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value

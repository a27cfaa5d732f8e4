"""Reading and writing attempts and answers. Every function takes the session explicitly.

The exam's busy routes pass bare connections (Database.reading/writing); statements are
built once here rather than on every call, and the two that nearly every request runs
(loading an attempt, saving an answer) go straight to the driver (DriverStatement).
"""

import json
import sys
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)

from gradquiz.core.attempts import Answer, Attempt, Slot, SubmitReason
from gradquiz.storage.database import Executor
from gradquiz.storage.driver_statement import DriverStatement
from gradquiz.storage.models import AnswerRow, AttemptRow, SeenQuestionRow, UtcDateTime
from gradquiz.storage.upserts import dialect_of, insert_for, insert_or_ignore, upsert

_ATTEMPTS = AttemptRow.__table__
_ANSWERS = AnswerRow.__table__
_INSERT_ATTEMPT = DriverStatement(
    insert(AttemptRow),
    keys=("id", "owner", "pack_id", "started_at", "deadline", "layout", "total", "class_exam_id"),
)
# The layout is read as its stored text: it never changes once stored, so its slots are
# built once per process (`_slots`) rather than decoded again on every save and page.
_COLUMNS = (
    *(column for column in _ATTEMPTS.c if column.name != "layout"),
    cast(_ATTEMPTS.c.layout, Text).label("layout"),
)
# The driver's rows are plain tuples; named like SQLAlchemy's rows, `_attempt` reads both.
_AttemptFields = namedtuple("_AttemptFields", [column.name for column in _COLUMNS])  # type: ignore[misc]
_LOAD = select(*_COLUMNS).where(_ATTEMPTS.c.id == bindparam("attempt_id"))
_READ = DriverStatement(_LOAD)
# Asked before every result a process serves from its cache.
_READ_OWNER = DriverStatement(
    select(_ATTEMPTS.c.owner).where(_ATTEMPTS.c.id == bindparam("attempt_id"))
)
_READ_LOCKED = DriverStatement(_LOAD.with_for_update())
# Answers are read on their own (joined, each would carry the attempt's columns again), as
# plain tuples in this order: unpacking them is cheaper than a Row's attribute lookups.
_ANSWER_FIELDS = (
    _ANSWERS.c.question_id,
    _ANSWERS.c.option_id,
    _ANSWERS.c.marked,
    _ANSWERS.c.saved_at,
    _ANSWERS.c.seq,
)
_READ_ANSWERS = DriverStatement(
    select(*_ANSWER_FIELDS).where(_ANSWERS.c.attempt_id == bindparam("attempt_id"))
)
_SAVE_ANSWER = {
    dialect: DriverStatement(
        upsert(
            AnswerRow,
            dialect,
            keys=("attempt_id", "question_id"),
            updated=("option_id", "marked", "saved_at", "seq"),
        ),
        keys=("attempt_id", "question_id", "option_id", "marked", "saved_at", "seq"),
    )
    for dialect in ("sqlite", "postgresql")
}


def _save_if_open(dialect: str) -> DriverStatement:
    """A save in one statement, for an attempt whose slots are known already.

    The answer goes in only while the attempt is its owner's, in the pack, not submitted and
    before its deadline, and only if no save of the question as late (the same seq) or later
    is held: a save with the seq held, which may be the same save sent again, is for the
    attempt's own rules to sort out.
    It returns the seq now held and how many other questions have a chosen option; no row
    means one of those conditions failed. On PostgreSQL it shares the attempt's row lock, so a save
    arriving during a submit waits for it and then finds the attempt closed.
    """
    # Constants are written into the SQL, so every parameter is one the caller passes.
    one = literal_column("1", Integer())
    attempt, question = bindparam("attempt", type_=String()), bindparam("question", type_=String())
    now, seq = bindparam("now", type_=UtcDateTime()), bindparam("seq", type_=Integer())
    source = (
        select(
            attempt,
            question,
            bindparam("option", type_=String()),
            bindparam("mark", type_=Boolean()),
            now,
            func.coalesce(seq, one),
        )
        .where(
            _ATTEMPTS.c.id == attempt,
            _ATTEMPTS.c.owner == bindparam("owner", type_=String()),
            _ATTEMPTS.c.pack_id == bindparam("pack", type_=String()),
            _ATTEMPTS.c.submitted_at.is_(None),
            _ATTEMPTS.c.deadline >= now,
        )
        .with_for_update(read=True)
    )
    names = ["attempt_id", "question_id", "option_id", "marked", "saved_at", "seq"]
    statement = insert_for(dialect)(AnswerRow).from_select(names, source)
    statement = statement.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={
            "option_id": statement.excluded.option_id,
            "marked": statement.excluded.marked,
            "saved_at": statement.excluded.saved_at,
            "seq": case((seq.is_(None), _ANSWERS.c.seq + one), else_=statement.excluded.seq),
        },
        where=or_(seq.is_(None), _ANSWERS.c.seq < statement.excluded.seq),
    )
    # Counted without this question: SQLite's subquery sees the row just written,
    # PostgreSQL's the table as it was before the statement.
    others = (
        select(func.count())
        .where(
            _ANSWERS.c.attempt_id == attempt,
            _ANSWERS.c.question_id != question,
            _ANSWERS.c.option_id.is_not(None),
        )
        .scalar_subquery()
    )
    return DriverStatement(statement.returning(_ANSWERS.c.seq, others))


_SAVE_IF_OPEN = {dialect: _save_if_open(dialect) for dialect in ("sqlite", "postgresql")}
_MARK_SEEN = {
    dialect: DriverStatement(
        insert_or_ignore(SeenQuestionRow, dialect), keys=("owner", "pack_id", "question_id")
    )
    for dialect in ("sqlite", "postgresql")
}
_RECORD_SUBMISSION = (
    update(AttemptRow)
    .where(AttemptRow.id == bindparam("attempt_id"), AttemptRow.submitted_at.is_(None))
    .values(
        submitted_at=bindparam("submitted_at"),
        submitted_by=bindparam("submitted_by"),
        score=bindparam("score"),
    )
)
_SEEN = select(SeenQuestionRow.question_id).where(
    SeenQuestionRow.owner == bindparam("owner"), SeenQuestionRow.pack_id == bindparam("pack_id")
)
_OPEN = select(AttemptRow.id).where(
    AttemptRow.owner == bindparam("owner"),
    AttemptRow.pack_id == bindparam("pack_id"),
    AttemptRow.submitted_at.is_(None),
    AttemptRow.class_exam_id.is_(None),
)


def insert_attempt(*, session: Executor, attempt: Attempt) -> None:
    """Store a newly started attempt with its drawn questions and option order.

    Raises IntegrityError when the owner already has an open attempt at the pack.
    """
    layout = [
        {
            "question": s.question_id,
            "options": list(s.option_order),
            "seed": s.seed,
            "version": s.version,
        }
        for s in attempt.slots
    ]
    _INSERT_ATTEMPT.execute(
        session,
        {
            "id": attempt.id,
            "owner": attempt.owner,
            "pack_id": attempt.pack_id,
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "layout": layout,
            "total": len(attempt.slots),
            "class_exam_id": attempt.class_exam_id,
        },
    )
    _MARK_SEEN[dialect_of(session)].execute_many(
        session,
        [
            {"owner": attempt.owner, "pack_id": attempt.pack_id, "question_id": s.question_id}
            for s in attempt.slots
        ],
    )


def load_attempt(*, session: Executor, attempt_id: str, lock: bool = False) -> Attempt | None:
    """The attempt with its saved answers, or None; `lock` holds its row until commit."""
    key = {"attempt_id": attempt_id}
    rows = (_READ_LOCKED if lock else _READ).rows(session, key)
    if not rows:
        return None
    return _attempt(_AttemptFields._make(rows[0]), _READ_ANSWERS.rows(session, key))


def submitted_class_attempts(*, session: Executor, class_id: str) -> list[Attempt]:
    """Every submitted sitting of the class exam with its answers, oldest first (two queries)."""
    sittings = (_ATTEMPTS.c.class_exam_id == class_id, _ATTEMPTS.c.submitted_at.is_not(None))
    return [attempt for attempt, _ in _attempts_where(session, *sittings)]


def owner_attempts(*, session: Executor, owner: str) -> list[tuple[Attempt, int | None]]:
    """Every attempt of the owner's (any pack, own or a class's) with its answers and its
    recorded score, oldest first (two queries)."""
    return _attempts_where(session, _ATTEMPTS.c.owner == owner)


def _attempts_where(session: Executor, *where: Any) -> list[tuple[Attempt, int | None]]:
    rows = session.execute(
        select(*_COLUMNS).where(*where).order_by(_ATTEMPTS.c.started_at, _ATTEMPTS.c.id)
    ).all()
    answers: dict[str, list[Any]] = {}
    for attempt_id, *answer in session.execute(
        select(_ANSWERS.c.attempt_id, *_ANSWER_FIELDS)
        .join(_ATTEMPTS, _ATTEMPTS.c.id == _ANSWERS.c.attempt_id)
        .where(*where)
    ):
        answers.setdefault(attempt_id, []).append(answer)
    return [(_attempt(row, answers.get(row.id, ())), row.score) for row in rows]


def _attempt(row: Any, answers: Iterable[Any]) -> Attempt:
    return Attempt(
        id=row.id,
        owner=row.owner,
        pack_id=row.pack_id,
        started_at=row.started_at,
        deadline=row.deadline,
        slots=_slots(row.layout),
        answers={
            question_id: Answer(option_id=option_id, marked=marked, saved_at=saved_at, seq=seq)
            for question_id, option_id, marked, saved_at, seq in answers
        },
        submitted_at=row.submitted_at,
        submitted_by=SubmitReason(row.submitted_by) if row.submitted_by else None,
        class_exam_id=row.class_exam_id,
    )


@lru_cache(maxsize=2048)
def _slots(layout: str) -> tuple[Slot, ...]:
    """The slots a stored layout describes (kept by the layout's text, which never changes)."""
    return tuple(_slot(item) for item in json.loads(layout))


def _slot(item: dict[str, Any]) -> Slot:
    # Question ids, option ids and a static question's version recur in every attempt:
    # interned, the cached layouts share one copy of each (about 2.4 KB less per attempt).
    version = item.get("version")
    return Slot(
        question_id=sys.intern(item["question"]),
        option_order=tuple(map(sys.intern, item["options"])),
        seed=item.get("seed"),
        version=None if version is None else sys.intern(version),
    )


def save_answer(*, session: Executor, attempt_id: str, question_id: str, answer: Answer) -> None:
    """Insert or replace the answer to one question; saving the same answer twice is harmless."""
    _SAVE_ANSWER[dialect_of(session)].execute(
        session,
        {
            "attempt_id": attempt_id,
            "question_id": question_id,
            "option_id": answer.option_id,
            "marked": answer.marked,
            "saved_at": answer.saved_at,
            "seq": answer.seq,
        },
    )


def save_if_open(
    *,
    session: Executor,
    attempt_id: str,
    owner: str,
    pack_id: str,
    question_id: str,
    option_id: str | None,
    marked: bool,
    now: datetime,
    seq: int | None,
) -> tuple[Answer, int] | None:
    """Save the answer in one statement if the attempt is open and the save not overtaken.

    The answer held and how many questions have a chosen option; None when the owner,
    pack, submission, deadline or a later save stood in the way (load the attempt to
    learn which).
    """
    rows = _SAVE_IF_OPEN[dialect_of(session)].rows(
        session,
        {
            "attempt": attempt_id,
            "question": question_id,
            "option": option_id,
            "mark": marked,
            "now": now,
            "seq": seq,
            "owner": owner,
            "pack": pack_id,
        },
    )
    if not rows:
        return None
    held_seq, others = rows[0]
    answer = Answer(option_id=option_id, marked=marked, saved_at=now, seq=held_seq)
    return answer, others + (option_id is not None)


def record_submission(*, session: Executor, attempt: Attempt, score: int) -> bool:
    """Mark the attempt submitted unless another process got there first; True if this did."""
    result = session.execute(
        _RECORD_SUBMISSION,
        {
            "attempt_id": attempt.id,
            "submitted_at": attempt.submitted_at,
            "submitted_by": attempt.submitted_by.value if attempt.submitted_by else None,
            "score": score,
        },
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def seen_question_ids(*, session: Executor, owner: str, pack_id: str) -> set[str]:
    """Every question id drawn in this owner's earlier attempts at the pack."""
    return set(session.scalars(_SEEN, {"owner": owner, "pack_id": pack_id}))


def attempt_owner(*, session: Executor, attempt_id: str) -> str | None:
    """Who owns the attempt now (an account takes a browser's; deletion ends it), or None."""
    found = _READ_OWNER.rows(session, {"attempt_id": attempt_id})
    return str(found[0][0]) if found else None


def open_attempt_id(*, session: Executor, owner: str, pack_id: str) -> str | None:
    """The id of the owner's own attempt at the pack not yet submitted (not a class one)."""
    return session.scalars(_OPEN, {"owner": owner, "pack_id": pack_id}).first()


@dataclass(frozen=True)
class PastAttempt:
    """One line of a learner's exam history."""

    id: str
    started_at: datetime
    submitted_at: datetime
    submitted_by: SubmitReason
    score: int | None
    total: int


def past_attempts(
    *, session: Executor, owner: str, pack_id: str, limit: int = 50
) -> list[PastAttempt]:
    """The owner's own submitted attempts at the pack (not class sittings), newest first."""
    rows = session.execute(
        select(
            AttemptRow.id,
            AttemptRow.started_at,
            AttemptRow.submitted_at,
            AttemptRow.submitted_by,
            AttemptRow.score,
            AttemptRow.total,
        )
        .where(
            AttemptRow.owner == owner,
            AttemptRow.pack_id == pack_id,
            AttemptRow.submitted_at.is_not(None),
            AttemptRow.class_exam_id.is_(None),
        )
        .order_by(AttemptRow.started_at.desc())
        .limit(limit)
    )
    return [
        PastAttempt(
            id=row.id,
            started_at=row.started_at,
            submitted_at=row.submitted_at,
            submitted_by=SubmitReason(row.submitted_by),
            score=row.score,
            total=row.total,
        )
        for row in rows
    ]


def overdue_attempt_ids(*, session: Executor, cutoff: datetime) -> list[str]:
    """Ids of open attempts whose deadline is before `cutoff`."""
    query = select(AttemptRow.id).where(
        AttemptRow.submitted_at.is_(None), AttemptRow.deadline < cutoff
    )
    return list(session.scalars(query))

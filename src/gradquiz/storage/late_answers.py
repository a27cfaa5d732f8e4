"""Late answers: saves refused because their attempt's time had run out, kept as they came.

Keyword-only functions that take the session explicitly, as in storage/attempts.py.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from gradquiz.core.late_answers import LATE_ANSWERS_PER_ATTEMPT, LateAnswer
from gradquiz.storage.database import Executor
from gradquiz.storage.models import AttemptRow, LateAnswerRow
from gradquiz.storage.upserts import dialect_of, insert_or_ignore

_LATE = LateAnswerRow.__table__
_FIELDS = (
    _LATE.c.question_id,
    _LATE.c.option_id,
    _LATE.c.marked,
    _LATE.c.seq,
    _LATE.c.received_at,
    _LATE.c.untrusted_device_time,
)


def keep_late_answer(
    *, session: Executor, attempt_id: str, answer: LateAnswer, limit: int = LATE_ANSWERS_PER_ATTEMPT
) -> bool:
    """Keep a late save unless the attempt holds `limit` already or holds this one (the
    same question and seq, sent again); True if it was kept."""
    held = session.execute(
        select(func.count()).select_from(_LATE).where(_LATE.c.attempt_id == attempt_id)
    ).scalar_one()
    if held >= limit:
        return False
    result = session.execute(
        insert_or_ignore(LateAnswerRow, dialect_of(session)),
        {
            "attempt_id": attempt_id,
            "question_id": answer.question_id,
            "seq": answer.seq,
            "option_id": answer.option_id,
            "marked": answer.marked,
            "received_at": answer.received_at,
            "untrusted_device_time": answer.untrusted_device_time,
        },
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def late_answers(*, session: Executor, attempt_id: str) -> list[LateAnswer]:
    """The attempt's late saves in the order they arrived."""
    rows = session.execute(
        select(*_FIELDS)
        .where(_LATE.c.attempt_id == attempt_id)
        .order_by(_LATE.c.received_at, _LATE.c.question_id, _LATE.c.seq)
    )
    return [_late(row) for row in rows]


def late_count(*, session: Executor, attempt_id: str) -> int:
    """How many late saves the attempt holds."""
    query = select(func.count()).select_from(_LATE).where(_LATE.c.attempt_id == attempt_id)
    return int(session.execute(query).scalar_one())


def owner_late_answers(*, session: Executor, owner: str) -> dict[str, list[LateAnswer]]:
    """Every late save of the owner's attempts, by attempt, in the order they arrived."""
    return _by_attempt(session, AttemptRow.owner == owner)


def class_late_answers(*, session: Executor, class_id: str) -> dict[str, list[LateAnswer]]:
    """Every late save of the class exam's sittings, by attempt, in the order they arrived."""
    return _by_attempt(session, AttemptRow.class_exam_id == class_id)


def _by_attempt(session: Executor, where: Any) -> dict[str, list[LateAnswer]]:
    rows = session.execute(
        select(_LATE.c.attempt_id, *_FIELDS)
        .join(AttemptRow, AttemptRow.id == _LATE.c.attempt_id)
        .where(where)
        .order_by(_LATE.c.received_at, _LATE.c.question_id, _LATE.c.seq)
    )
    found: dict[str, list[LateAnswer]] = {}
    for attempt_id, *fields in rows:
        found.setdefault(attempt_id, []).append(_late(fields))
    return found


def _late(row: tuple[object, ...] | list[object]) -> LateAnswer:
    question_id, option_id, marked, seq, received_at, device_time = row
    assert isinstance(received_at, datetime)
    return LateAnswer(
        question_id=str(question_id),
        option_id=None if option_id is None else str(option_id),
        marked=bool(marked),
        seq=int(seq),  # type: ignore[call-overload]
        received_at=received_at,
        untrusted_device_time=device_time if isinstance(device_time, datetime) else None,
    )

"""Reading and writing practice and review sets. Every function takes the session explicitly."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gradquiz.core.answers import Confidence
from gradquiz.core.attempts import Slot
from gradquiz.core.practice import ItemAnswer, PracticeItem, PracticeSession, SessionKind
from gradquiz.storage.models import PracticeItemRow, PracticeSessionRow


def insert_session(*, session: Session, practice: PracticeSession) -> None:
    """Store a new set with its questions."""
    session.add(
        PracticeSessionRow(
            id=practice.id,
            owner=practice.owner,
            pack_id=practice.pack_id,
            kind=practice.kind.value,
            started_at=practice.started_at,
            source_attempt=practice.source_attempt,
        )
    )
    session.flush()
    add_items(session=session, practice=practice, items=practice.items)


def add_items(*, session: Session, practice: PracticeSession, items: list[PracticeItem]) -> None:
    """Store questions added to a set."""
    session.add_all(
        PracticeItemRow(
            session_id=practice.id,
            number=item.number,
            owner=practice.owner,
            question_id=item.slot.question_id,
            seed=item.slot.seed,
            option_order=list(item.slot.option_order),
            version=item.slot.version,
        )
        for item in items
    )


def load_session(
    *, session: Session, session_id: str, lock: bool = False
) -> PracticeSession | None:
    """The set with its questions and answers, or None; `lock` holds its row until commit."""
    query = select(PracticeSessionRow).where(PracticeSessionRow.id == session_id)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).one_or_none()
    if row is None:
        return None
    items = session.scalars(
        select(PracticeItemRow)
        .where(PracticeItemRow.session_id == session_id)
        .order_by(PracticeItemRow.number)
    )
    return _session(row, [_item(item) for item in items])


def owner_sessions(*, session: Session, owner: str) -> list[PracticeSession]:
    """Every set of the owner's (any pack) with its questions and answers, oldest first."""
    rows = session.scalars(
        select(PracticeSessionRow)
        .where(PracticeSessionRow.owner == owner)
        .order_by(PracticeSessionRow.started_at, PracticeSessionRow.id)
    ).all()
    items: dict[str, list[PracticeItem]] = {}
    for item in session.scalars(
        select(PracticeItemRow)
        .join(PracticeSessionRow, PracticeSessionRow.id == PracticeItemRow.session_id)
        .where(PracticeSessionRow.owner == owner)
        .order_by(PracticeItemRow.session_id, PracticeItemRow.number)
    ):
        items.setdefault(item.session_id, []).append(_item(item))
    return [_session(row, items.get(row.id, [])) for row in rows]


def _session(row: PracticeSessionRow, items: list[PracticeItem]) -> PracticeSession:
    return PracticeSession(
        id=row.id,
        owner=row.owner,
        pack_id=row.pack_id,
        kind=SessionKind(row.kind),
        started_at=row.started_at,
        items=items,
        source_attempt=row.source_attempt,
    )


def _item(row: PracticeItemRow) -> PracticeItem:
    answer = None
    if row.answered_at is not None:
        answer = ItemAnswer(
            option_id=row.option_id,
            typed=row.typed,
            confidence=Confidence(row.confidence) if row.confidence else None,
            correct=bool(row.correct),
            answered_at=row.answered_at,
        )
    return PracticeItem(
        number=row.number,
        slot=Slot(row.question_id, tuple(row.option_order), row.seed, row.version),
        presented_at=row.presented_at,
        answer=answer,
    )


def save_answer(*, session: Session, session_id: str, number: int, answer: ItemAnswer) -> None:
    """Record the answer to one question of a set."""
    session.execute(
        update(PracticeItemRow)
        .where(PracticeItemRow.session_id == session_id, PracticeItemRow.number == number)
        .values(
            answered_at=answer.answered_at,
            option_id=answer.option_id,
            typed=answer.typed,
            confidence=answer.confidence.value if answer.confidence else None,
            correct=answer.correct,
        )
    )


def mark_presented(*, session: Session, session_id: str, number: int, now: datetime) -> None:
    """Note when a question was first shown (later showings keep the first time)."""
    session.execute(
        update(PracticeItemRow)
        .where(
            PracticeItemRow.session_id == session_id,
            PracticeItemRow.number == number,
            PracticeItemRow.presented_at.is_(None),
        )
        .values(presented_at=now)
    )


def unfinished_session_id(*, session: Session, owner: str, pack_id: str) -> str | None:
    """The owner's newest set at the pack that still has a question to answer, if any."""
    query = (
        select(PracticeSessionRow.id)
        .join(PracticeItemRow, PracticeItemRow.session_id == PracticeSessionRow.id)
        .where(
            PracticeSessionRow.owner == owner,
            PracticeSessionRow.pack_id == pack_id,
            PracticeItemRow.answered_at.is_(None),
        )
        .order_by(PracticeSessionRow.started_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()

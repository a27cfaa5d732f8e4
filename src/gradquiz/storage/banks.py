"""Instructors' private question banks: rows of questions by version, images and shares."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from gradquiz.storage.models import (
    AccountRow,
    BankFileRow,
    BankQuestionRow,
    BankShareRow,
    QuestionBankRow,
    QuestionVersionRow,
)


@dataclass(frozen=True)
class Bank:
    """A bank as its list shows it."""

    id: str
    instructor_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    questions: int


def _bank(row: QuestionBankRow, questions: int) -> Bank:
    return Bank(row.id, row.instructor_id, row.name, row.created_at, row.updated_at, questions)


def bank_named(*, session: Session, instructor_id: str, name: str) -> Bank | None:
    """The instructor's own bank of that name, if any."""
    row = session.scalar(
        select(QuestionBankRow).where(
            QuestionBankRow.instructor_id == instructor_id, QuestionBankRow.name == name
        )
    )
    return (
        None if row is None else _bank(row, len(question_versions(session=session, bank_id=row.id)))
    )


def insert_bank(
    *, session: Session, bank_id: str, instructor_id: str, name: str, now: datetime
) -> None:
    """A new, empty bank."""
    session.add(
        QuestionBankRow(
            id=bank_id, instructor_id=instructor_id, name=name, created_at=now, updated_at=now
        )
    )
    session.flush()


def touch_bank(*, session: Session, bank_id: str, now: datetime) -> None:
    """Mark the bank changed now."""
    session.execute(
        update(QuestionBankRow).where(QuestionBankRow.id == bank_id).values(updated_at=now)
    )


def banks_for(*, session: Session, account_id: str) -> list[Bank]:
    """The banks an instructor owns or has been given, by name."""
    shared = select(BankShareRow.bank_id).where(BankShareRow.account_id == account_id)
    rows = session.scalars(
        select(QuestionBankRow)
        .where(or_(QuestionBankRow.instructor_id == account_id, QuestionBankRow.id.in_(shared)))
        .order_by(QuestionBankRow.name, QuestionBankRow.id)
    ).all()
    return [_bank(row, len(question_versions(session=session, bank_id=row.id))) for row in rows]


def question_versions(*, session: Session, bank_id: str) -> dict[str, str]:
    """Each question id of the bank and its current version digest, in bank order."""
    rows = session.execute(
        select(BankQuestionRow.question_id, BankQuestionRow.version)
        .where(BankQuestionRow.bank_id == bank_id)
        .order_by(BankQuestionRow.position)
    )
    return {row.question_id: row.version for row in rows}


def put_question(
    *, session: Session, bank_id: str, question_id: str, position: int, version: str
) -> None:
    """Add the question, or point it at a new version."""
    row = session.get(BankQuestionRow, (bank_id, question_id))
    if row is None:
        session.add(
            BankQuestionRow(
                bank_id=bank_id, question_id=question_id, position=position, version=version
            )
        )
    else:
        row.version = version
    session.flush()


def put_file(*, session: Session, bank_id: str, name: str, mime: str, data: bytes) -> bool:
    """Keep an image under its name; whether anything changed."""
    row = session.get(BankFileRow, (bank_id, name))
    if row is not None and row.data == data and row.mime == mime:
        return False
    if row is None:
        session.add(BankFileRow(bank_id=bank_id, name=name, mime=mime, data=data))
    else:
        row.mime, row.data = mime, data
    session.flush()
    return True


def bank_file(*, session: Session, bank_id: str, name: str) -> tuple[str, bytes] | None:
    """An image's type and bytes."""
    row = session.get(BankFileRow, (bank_id, name))
    return None if row is None else (row.mime, row.data)


def may_use(*, session: Session, bank_id: str, account_id: str) -> Bank | None:
    """The bank, if the account owns it or it was shared with the account."""
    row = session.get(QuestionBankRow, bank_id)
    if row is None:
        return None
    if row.instructor_id != account_id and session.get(BankShareRow, (bank_id, account_id)) is None:
        return None
    return _bank(row, len(question_versions(session=session, bank_id=bank_id)))


def share_bank(*, session: Session, bank_id: str, account_id: str) -> bool:
    """Let another instructor use the bank; False if it was shared with them already."""
    if session.get(BankShareRow, (bank_id, account_id)) is not None:
        return False
    session.add(BankShareRow(bank_id=bank_id, account_id=account_id))
    session.flush()
    return True


def unshare_bank(*, session: Session, bank_id: str, account_id: str) -> bool:
    """Stop sharing the bank with an instructor; False if it was not shared with them."""
    removed = session.execute(
        delete(BankShareRow).where(
            BankShareRow.bank_id == bank_id, BankShareRow.account_id == account_id
        )
    )
    return bool(getattr(removed, "rowcount", 0))


def shared_with(*, session: Session, bank_id: str) -> list[str]:
    """The usernames of the instructors the bank is shared with, in order."""
    names = session.scalars(
        select(AccountRow.username)
        .join(BankShareRow, BankShareRow.account_id == AccountRow.id)
        .where(BankShareRow.bank_id == bank_id)
        .order_by(AccountRow.username_key)
    )
    return list(names)


def banks_owned(*, session: Session, instructor_id: str) -> int:
    """How many banks the instructor owns."""
    counted = session.scalar(
        select(func.count())
        .select_from(QuestionBankRow)
        .where(QuestionBankRow.instructor_id == instructor_id)
    )
    return int(counted or 0)


def delete_bank(*, session: Session, bank_id: str) -> None:
    """Delete the bank, its questions' rows, images and shares (kept versions stay for attempts)."""
    for model in (BankShareRow, BankFileRow, BankQuestionRow):
        session.execute(delete(model).where(model.bank_id == bank_id))
    session.execute(delete(QuestionBankRow).where(QuestionBankRow.id == bank_id))


def difficulty_counts(*, session: Session, bank_ids: Collection[str]) -> dict[str, dict[str, int]]:
    """For each bank, how many of its current questions there are of each difficulty (read
    from the kept records in the database, not loaded one by one)."""
    difficulty = QuestionVersionRow.body["difficulty"].as_string()
    rows = session.execute(
        select(BankQuestionRow.bank_id, difficulty, func.count())
        .join(QuestionVersionRow, QuestionVersionRow.digest == BankQuestionRow.version)
        .where(BankQuestionRow.bank_id.in_(list(bank_ids)))
        .group_by(BankQuestionRow.bank_id, difficulty)
    )
    counts: dict[str, dict[str, int]] = {bank_id: {} for bank_id in bank_ids}
    for bank_id, level, count in rows:
        counts[bank_id][str(level)] = int(count)
    return counts

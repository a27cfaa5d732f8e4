"""Reading and writing class exams, their members, their log and their attempts."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update

from gradquiz.core.attempts import SubmitReason
from gradquiz.core.classes import ClassExam, ClassRules, Disclosure
from gradquiz.core.questions import Difficulty
from gradquiz.storage.database import Executor
from gradquiz.storage.models import (
    AccountRow,
    AnswerRow,
    AttemptRow,
    ClassEventRow,
    ClassExamRow,
    ClassMemberRow,
)
from gradquiz.storage.upserts import dialect_of, insert_or_ignore

DELETED_ACTOR = "a deleted account"


@dataclass(frozen=True)
class Member:
    """A learner in a class exam: their account name and the extra time they are given."""

    owner: str
    username: str
    joined_at: datetime
    multiplier: float
    extra: timedelta


@dataclass(frozen=True)
class Sitting:
    """One class attempt as the instructor's pages see it."""

    id: str
    owner: str
    started_at: datetime
    deadline: datetime
    submitted_at: datetime | None
    submitted_by: SubmitReason | None
    score: int | None
    total: int
    answered: int


@dataclass(frozen=True)
class Event:
    """One line of a class exam's log."""

    at: datetime
    actor: str
    action: str
    detail: str


def insert_class_exam(*, session: Executor, exam: ClassExam) -> None:
    """Store a new class exam; IntegrityError if its join code is taken."""
    rules = exam.rules
    session.execute(
        insert(ClassExamRow),
        {
            "id": exam.id,
            "code": exam.code,
            "title": rules.title,
            "pack_id": exam.pack_id,
            "instructor_id": exam.instructor,
            "opens_at": rules.opens_at,
            "closes_at": rules.closes_at,
            "closed_early_at": None,
            "minutes": rules.minutes,
            "counts": {d.value: n for d, n in rules.counts.items()},
            "prefer_parametrized": rules.prefer_parametrized,
            "at_submit": rules.at_submit.value,
            "after_close": rules.after_close.value,
            "attempts_allowed": rules.attempts_allowed,
            "question_ids": list(exam.question_ids),
            "created_at": exam.created_at,
            "bank_id": exam.bank_id,
            "versions": list(exam.versions) if exam.bank_id else None,
        },
    )


_EXAMS = ClassExamRow.__table__


def load_class_exam(*, session: Executor, class_id: str) -> ClassExam | None:
    """The class exam with this id, or None."""
    row = session.execute(select(_EXAMS).where(_EXAMS.c.id == class_id)).one_or_none()
    return None if row is None else _class_exam(row)


def class_exam_by_code(*, session: Executor, code: str) -> ClassExam | None:
    """The class exam with this join code, or None."""
    row = session.execute(select(_EXAMS).where(_EXAMS.c.code == code)).one_or_none()
    return None if row is None else _class_exam(row)


def instructor_class_exams(*, session: Executor, instructor_id: str) -> list[ClassExam]:
    """The instructor's class exams, newest first."""
    query = select(_EXAMS).where(_EXAMS.c.instructor_id == instructor_id)
    rows = session.execute(query.order_by(_EXAMS.c.created_at.desc()))
    return [_class_exam(row) for row in rows]


def joined_class_exams(*, session: Executor, owner: str) -> list[ClassExam]:
    """The class exams this learner joined, newest first."""
    query = (
        select(_EXAMS)
        .join(ClassMemberRow, ClassMemberRow.class_exam_id == _EXAMS.c.id)
        .where(ClassMemberRow.owner == owner)
        .order_by(_EXAMS.c.created_at.desc())
    )
    return [_class_exam(row) for row in session.execute(query)]


def class_exams_closing_after(
    *, session: Executor, pack_id: str, after: datetime
) -> list[ClassExam]:
    """The pack's class exams whose window (open or still to open) closes after `after`."""
    query = select(_EXAMS).where(
        _EXAMS.c.pack_id == pack_id,
        _EXAMS.c.closes_at > after,
        or_(_EXAMS.c.closed_early_at.is_(None), _EXAMS.c.closed_early_at > after),
    )
    return [_class_exam(row) for row in session.execute(query)]


def close_early(*, session: Executor, class_id: str, at: datetime) -> None:
    """Record that the instructor closed the window at `at`."""
    session.execute(
        update(ClassExamRow).where(ClassExamRow.id == class_id).values(closed_early_at=at)
    )


def archive(*, session: Executor, class_id: str, at: datetime) -> None:
    """Record that the class exam was archived at `at` (it stays, with every sitting)."""
    session.execute(update(ClassExamRow).where(ClassExamRow.id == class_id).values(archived_at=at))


def hand_over(*, session: Executor, class_id: str, instructor_id: str) -> None:
    """Give the class exam to another instructor."""
    session.execute(
        update(ClassExamRow).where(ClassExamRow.id == class_id).values(instructor_id=instructor_id)
    )


def hand_over_all(*, session: Executor, from_instructor: str, to_instructor: str) -> None:
    """Give every class exam of one instructor to another (an account linked into another)."""
    session.execute(
        update(ClassExamRow)
        .where(ClassExamRow.instructor_id == from_instructor)
        .values(instructor_id=to_instructor)
    )


def add_member(*, session: Executor, class_id: str, owner: str, at: datetime) -> None:
    """Make the learner a member (joining twice changes nothing)."""
    session.execute(
        insert_or_ignore(ClassMemberRow, dialect_of(session)),
        {
            "class_exam_id": class_id,
            "owner": owner,
            "joined_at": at,
            "multiplier": 1.0,
            "extra_seconds": 0,
        },
    )


_MEMBERS = (
    select(
        ClassMemberRow.owner,
        AccountRow.username,
        ClassMemberRow.joined_at,
        ClassMemberRow.multiplier,
        ClassMemberRow.extra_seconds,
    )
    .join(AccountRow, AccountRow.owner_key == ClassMemberRow.owner)
    .order_by(AccountRow.username_key)
)


def member(*, session: Executor, class_id: str, owner: str) -> Member | None:
    """The learner's membership of the class exam, or None."""
    query = _MEMBERS.where(ClassMemberRow.class_exam_id == class_id, ClassMemberRow.owner == owner)
    row = session.execute(query).one_or_none()
    return None if row is None else _member(row)


def member_by_username(*, session: Executor, class_id: str, username_key: str) -> Member | None:
    """The member with this username, or None."""
    query = _MEMBERS.where(
        ClassMemberRow.class_exam_id == class_id, AccountRow.username_key == username_key
    )
    row = session.execute(query).one_or_none()
    return None if row is None else _member(row)


def members(*, session: Executor, class_id: str) -> list[Member]:
    """Every member of the class exam, by username."""
    rows = session.execute(_MEMBERS.where(ClassMemberRow.class_exam_id == class_id))
    return [_member(row) for row in rows]


def set_extra_time(
    *, session: Executor, class_id: str, owner: str, multiplier: float, extra: timedelta
) -> None:
    """Give the member a new time multiplier and extension."""
    session.execute(
        update(ClassMemberRow)
        .where(ClassMemberRow.class_exam_id == class_id, ClassMemberRow.owner == owner)
        .values(multiplier=multiplier, extra_seconds=int(extra.total_seconds()))
    )


def set_deadline(*, session: Executor, attempt_id: str, deadline: datetime) -> None:
    """Move an open attempt's deadline."""
    session.execute(
        update(AttemptRow)
        .where(AttemptRow.id == attempt_id, AttemptRow.submitted_at.is_(None))
        .values(deadline=deadline)
    )


def sittings(*, session: Executor, class_id: str, owner: str | None = None) -> list[Sitting]:
    """The class exam's attempts (one learner's, if `owner` is given), oldest first, each with
    how many questions it has an answer to."""
    chosen = (
        select(AnswerRow.attempt_id, func.count().label("answered"))
        .join(AttemptRow, AttemptRow.id == AnswerRow.attempt_id)
        .where(AttemptRow.class_exam_id == class_id, AnswerRow.option_id.is_not(None))
    )
    if owner is not None:  # count only this learner's answers, not the whole class's
        chosen = chosen.where(AttemptRow.owner == owner)
    answered = chosen.group_by(AnswerRow.attempt_id).subquery()
    query = (
        select(
            AttemptRow.id,
            AttemptRow.owner,
            AttemptRow.started_at,
            AttemptRow.deadline,
            AttemptRow.submitted_at,
            AttemptRow.submitted_by,
            AttemptRow.score,
            AttemptRow.total,
            func.coalesce(answered.c.answered, 0).label("answered"),
        )
        .outerjoin(answered, answered.c.attempt_id == AttemptRow.id)
        .where(AttemptRow.class_exam_id == class_id)
        .order_by(AttemptRow.started_at, AttemptRow.id)
    )
    if owner is not None:
        query = query.where(AttemptRow.owner == owner)
    return [
        Sitting(
            id=row.id,
            owner=row.owner,
            started_at=row.started_at,
            deadline=row.deadline,
            submitted_at=row.submitted_at,
            submitted_by=SubmitReason(row.submitted_by) if row.submitted_by else None,
            score=row.score,
            total=row.total,
            answered=row.answered,
        )
        for row in session.execute(query)
    ]


def open_sitting_ids(*, session: Executor, class_id: str, owner: str | None = None) -> list[str]:
    """Ids of the class exam's attempts not yet submitted (one learner's, if given)."""
    query = select(AttemptRow.id).where(
        and_(AttemptRow.class_exam_id == class_id, AttemptRow.submitted_at.is_(None))
    )
    if owner is not None:
        query = query.where(AttemptRow.owner == owner)
    return list(session.scalars(query.order_by(AttemptRow.id)))


def log_event(
    *, session: Executor, class_id: str, at: datetime, actor: str, action: str, detail: str
) -> None:
    """Add a line to the class exam's log."""
    session.execute(
        insert(ClassEventRow),
        {
            "class_exam_id": class_id,
            "at": at,
            "actor": actor,
            "action": action,
            "detail": detail[:256],
        },
    )


def forget_actor(*, session: Executor, username: str) -> None:
    """Name a deleted account in every class exam's log as such, not by its username."""
    session.execute(
        update(ClassEventRow).where(ClassEventRow.actor == username).values(actor=DELETED_ACTOR)
    )


def events(*, session: Executor, class_id: str) -> list[Event]:
    """The class exam's log, oldest first."""
    query = (
        select(ClassEventRow.at, ClassEventRow.actor, ClassEventRow.action, ClassEventRow.detail)
        .where(ClassEventRow.class_exam_id == class_id)
        .order_by(ClassEventRow.id)
    )
    return [Event(r.at, r.actor, r.action, r.detail) for r in session.execute(query)]


def _member(row: Any) -> Member:
    return Member(
        owner=row.owner,
        username=row.username,
        joined_at=row.joined_at,
        multiplier=row.multiplier,
        extra=timedelta(seconds=row.extra_seconds),
    )


def _class_exam(row: Any) -> ClassExam:
    counts: dict[str, int] = row.counts
    return ClassExam(
        id=row.id,
        code=row.code,
        pack_id=row.pack_id,
        instructor=row.instructor_id,
        rules=ClassRules(
            title=row.title,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            minutes=row.minutes,
            counts={Difficulty(d): n for d, n in counts.items()},
            prefer_parametrized=row.prefer_parametrized,
            at_submit=Disclosure(row.at_submit),
            after_close=Disclosure(row.after_close),
            attempts_allowed=row.attempts_allowed,
        ),
        question_ids=tuple(row.question_ids),
        created_at=row.created_at,
        closed_early_at=row.closed_early_at,
        archived_at=row.archived_at,
        bank_id=row.bank_id,
        versions=tuple(row.versions or ()),
    )


def submitted_fingerprint(*, session: Executor, class_id: str) -> tuple[int, datetime | None]:
    """How many sittings are submitted and the latest submission: when neither changed, the
    first sittings (and so the class's statistics) are the same."""
    row = session.execute(
        select(func.count(), func.max(AttemptRow.submitted_at)).where(
            AttemptRow.class_exam_id == class_id, AttemptRow.submitted_at.is_not(None)
        )
    ).one()
    return int(row[0]), row[1]

"""Everything one learner owns, across tables: moved to another owner, or deleted for good.

Every table holding a learner's rows is listed in OWNED, with its owner column and its
primary key. A browser's history is carried into an account by `transfer_owner`; "delete
my data" and "delete my account" call `delete_owner`. A new table of learner data must be
added to OWNED, and the tests check that nothing is left behind.
"""

from dataclasses import dataclass

from sqlalchemy import Table, delete, exists, select, update
from sqlalchemy.orm import Session

from gradquiz.storage.models import (
    AttemptRow,
    Base,
    ClassMemberRow,
    InterviewResponseRow,
    PracticeItemRow,
    PracticeSessionRow,
    ReviewCardRow,
    ReviewLogRow,
    SeenQuestionRow,
)


@dataclass(frozen=True)
class Owned:
    """A table of learner data: its owner column and the key columns that make a row unique."""

    table: Table
    owner: str
    key: tuple[str, ...]


def _owned(model: type[Base], owner: str = "owner") -> Owned:
    table = Base.metadata.tables[model.__tablename__]
    return Owned(table, owner, tuple(c.name for c in table.primary_key.columns))


# Answers belong to attempts and go with them (ON DELETE CASCADE; attempt ids never change).
# Practice items carry their owner as well as their set's id, so the per-learner queries
# (progress, export) need no join.
OWNED: list[Owned] = [
    _owned(AttemptRow),
    _owned(SeenQuestionRow),
    _owned(InterviewResponseRow),
    _owned(PracticeSessionRow),
    _owned(PracticeItemRow),
    _owned(ReviewCardRow),
    _owned(ReviewLogRow),
    _owned(ClassMemberRow),
]


def transfer_owner(*, session: Session, source: str, target: str) -> None:
    """Give `target` every row `source` owns; where both hold the same row, `target`'s stays.

    Callers resolve conflicts that are not row-for-row first (such as two open attempts at
    one pack, which the attempts table refuses).
    """
    for owned in OWNED:
        table, column = owned.table, owned.table.c[owned.owner]
        others = [c for c in owned.key if c != owned.owner]
        if others:
            # Rows the target already has under the same key win; the source's twins go.
            theirs = table.alias("theirs")
            taken = select(theirs).where(
                theirs.c[owned.owner] == target, *(theirs.c[c] == table.c[c] for c in others)
            )
            session.execute(delete(table).where(column == source, exists(taken)))
        session.execute(update(table).where(column == source).values({owned.owner: target}))


def delete_owner(*, session: Session, owner: str) -> None:
    """Delete every row `owner` has, in every table of learner data."""
    for owned in OWNED:
        session.execute(delete(owned.table).where(owned.table.c[owned.owner] == owner))


def rows_owned(*, session: Session, owner: str) -> dict[str, int]:
    """How many rows `owner` has in each table of learner data (for tests and exports)."""
    counts = {}
    for owned in OWNED:
        column = owned.table.c[owned.owner]
        found = session.execute(select(column).where(column == owner)).all()
        counts[owned.table.name] = len(found)
    return counts

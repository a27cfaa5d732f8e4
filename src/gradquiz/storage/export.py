"""A learner's rows, kind by kind, for "download my data". Every function takes the session.

Each kind is named here on purpose rather than read off OWNED: a table that holds secrets
(a password hash, a session token) must never be exported by accident. A test checks that
every table in OWNED is either exported or listed in NOT_EXPORTED with its reason.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, select
from sqlalchemy.orm import Session

from gradquiz.storage.models import (
    AnswerRow,
    AttemptRow,
    Base,
    ClassMemberRow,
    InterviewResponseRow,
    LateAnswerRow,
    PracticeItemRow,
    PracticeSessionRow,
    ReviewCardRow,
    ReviewLogRow,
    SeenQuestionRow,
)

# Tables of learner data that are deliberately not part of the download, and why.
NOT_EXPORTED: dict[str, str] = {}


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


def _own_rows(model: type[Base], owner: str) -> Select[Any]:
    table = _table(model)
    columns = [column for column in table.columns if column.name != "owner"]
    return select(*columns).where(table.c.owner == owner)


# File name → the table its rows come from; the answer log is the "review log".
EXPORTS = {
    "attempts": AttemptRow,
    "exam_answers": AnswerRow,
    "late_answers": LateAnswerRow,
    "practice_sets": PracticeSessionRow,
    "practice_answers": PracticeItemRow,
    "review_cards": ReviewCardRow,
    "review_log": ReviewLogRow,
    "interview_answers": InterviewResponseRow,
    "seen_questions": SeenQuestionRow,
    "class_memberships": ClassMemberRow,
}
# The kinds whose rows are exported as stored (without the owner). Attempts, exam answers,
# late answers and practice answers are not: their rows hold the questions' layout (bank ids, seeds,
# digests and option ids in display order), so services/learner_data.py writes them from
# what their pages show.
AS_STORED = (
    "practice_sets",
    "review_cards",
    "review_log",
    "interview_answers",
    "seen_questions",
    "class_memberships",
)


def learner_rows(
    *, session: Session, owner: str
) -> dict[str, tuple[list[str], Sequence[tuple[Any, ...]]]]:
    """Each kind of the owner's data exported as stored: its column names and its rows."""
    kinds: dict[str, tuple[list[str], Sequence[tuple[Any, ...]]]] = {}
    for name in AS_STORED:
        result = session.execute(_own_rows(EXPORTS[name], owner))
        kinds[name] = (list(result.keys()), [tuple(row) for row in result])
    return kinds

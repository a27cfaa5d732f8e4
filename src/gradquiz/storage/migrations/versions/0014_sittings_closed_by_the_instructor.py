"""Sittings that an instructor's early close submitted say so: `submitted_by` 'closed'.

Until now they were recorded as submitted at the deadline, and their learners were told their
time had run out. A sitting submitted at its deadline has `submitted_at` equal to it; one that
the close submitted was submitted before it, in a class exam closed early.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

attempts = sa.table(
    "attempts",
    sa.column("class_exam_id", sa.String),
    sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("deadline", sa.DateTime(timezone=True)),
    sa.column("submitted_by", sa.String),
)
class_exams = sa.table(
    "class_exams", sa.column("id", sa.String), sa.column("closed_early_at", sa.DateTime)
)


def upgrade() -> None:
    closed_early = sa.select(class_exams.c.id).where(class_exams.c.closed_early_at.is_not(None))
    op.execute(
        attempts.update()
        .where(
            attempts.c.submitted_by == "deadline",
            attempts.c.class_exam_id.in_(closed_early),
            attempts.c.submitted_at < attempts.c.deadline,
        )
        .values(submitted_by="closed")
    )


def downgrade() -> None:
    op.execute(
        attempts.update().where(attempts.c.submitted_by == "closed").values(submitted_by="deadline")
    )

"""Class exams, their members and their log; attempts may be sittings of a class exam.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWN_OPEN = sa.text("submitted_at IS NULL AND class_exam_id IS NULL")
CLASS_OPEN = sa.text("submitted_at IS NULL AND class_exam_id IS NOT NULL")
OPEN = sa.text("submitted_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "class_exams",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column(
            "instructor_id",
            sa.String(32),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("opens_at", UtcDateTime(), nullable=False),
        sa.Column("closes_at", UtcDateTime(), nullable=False),
        sa.Column("closed_early_at", UtcDateTime(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("prefer_parametrized", sa.Boolean(), nullable=False),
        sa.Column("at_submit", sa.String(16), nullable=False),
        sa.Column("after_close", sa.String(16), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_class_exams_instructor_id", "class_exams", ["instructor_id"])
    op.create_table(
        "class_members",
        sa.Column(
            "class_exam_id",
            sa.String(32),
            sa.ForeignKey("class_exams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("joined_at", UtcDateTime(), nullable=False),
        sa.Column("multiplier", sa.Float(), nullable=False),
        sa.Column("extra_seconds", sa.Integer(), nullable=False),
    )
    op.create_index("ix_class_members_owner", "class_members", ["owner"])
    op.create_table(
        "class_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "class_exam_id",
            sa.String(32),
            sa.ForeignKey("class_exams.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(256), nullable=False),
    )
    op.create_index("ix_class_events_class_exam_id", "class_events", ["class_exam_id"])
    # The one-open-attempt index is rebuilt around the new column; SQLite rebuilds the table.
    op.drop_index("uq_attempts_one_open", table_name="attempts")
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("class_exam_id", sa.String(32), nullable=True))
        batch.create_foreign_key(
            "fk_attempts_class_exam_id",
            "class_exams",
            ["class_exam_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index("ix_attempts_class_exam", "attempts", ["class_exam_id", "owner"])
    _one_open("uq_attempts_one_open", ["owner", "pack_id"], OWN_OPEN)
    _one_open("uq_attempts_one_open_per_class", ["owner", "class_exam_id"], CLASS_OPEN)


def downgrade() -> None:
    op.drop_index("uq_attempts_one_open_per_class", table_name="attempts")
    op.drop_index("uq_attempts_one_open", table_name="attempts")
    op.drop_index("ix_attempts_class_exam", table_name="attempts")
    op.execute("DELETE FROM attempts WHERE class_exam_id IS NOT NULL")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_constraint("fk_attempts_class_exam_id", type_="foreignkey")
        batch.drop_column("class_exam_id")
    _one_open("uq_attempts_one_open", ["owner", "pack_id"], OPEN)
    op.drop_table("class_events")
    op.drop_table("class_members")
    op.drop_table("class_exams")


def _one_open(name: str, columns: list[str], where: sa.TextClause) -> None:
    op.create_index(
        name, "attempts", columns, unique=True, sqlite_where=where, postgresql_where=where
    )

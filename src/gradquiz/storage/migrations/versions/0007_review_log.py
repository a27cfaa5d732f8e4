"""Every answer a learner gives, with its rating: the history progress and calibration read.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("difficulty", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.String(16), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
        sa.Column("due_after", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_review_log_owner", "review_log", ["owner", "pack_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_review_log_owner", table_name="review_log")
    op.drop_table("review_log")

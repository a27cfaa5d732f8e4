"""Learners' own answers to the interview questions and the key points they covered.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interview_responses",
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("pack_id", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(128), primary_key=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("covered", sa.JSON(), nullable=False),
        sa.Column("saved_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("interview_responses")

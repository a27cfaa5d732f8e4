"""Practice and review sets: their questions as shown and the answers given.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("source_attempt", sa.String(32), nullable=True),
    )
    op.create_index(
        "ix_practice_sessions_owner", "practice_sessions", ["owner", "pack_id", "started_at"]
    )
    op.create_table(
        "practice_items",
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("practice_sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("option_order", sa.JSON(), nullable=False),
        sa.Column("version", sa.String(32), nullable=True),
        sa.Column("presented_at", UtcDateTime(), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("option_id", sa.String(64), nullable=True),
        sa.Column("typed", sa.Float(), nullable=True),
        sa.Column("confidence", sa.String(16), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=True),
    )
    op.create_index("ix_practice_items_owner", "practice_items", ["owner"])


def downgrade() -> None:
    op.drop_index("ix_practice_items_owner", table_name="practice_items")
    op.drop_table("practice_items")
    op.drop_index("ix_practice_sessions_owner", table_name="practice_sessions")
    op.drop_table("practice_sessions")

"""Saves that arrive after an attempt's time ran out are refused but kept, as late answers.

A learner who lost the network sends the choices kept on the device when it returns; those
that reach the server after the deadline and its grace do not count, and are stored here
with the device's (untrusted) time, for the instructor to see.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "late_answers",
        sa.Column(
            "attempt_id",
            sa.String(32),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("question_id", sa.String(128), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("option_id", sa.String(64), nullable=True),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("untrusted_device_time", UtcDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("late_answers")

"""Instructors' private banks of imported questions, their images and who they are shared
with; class exams drawn from a bank.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_banks",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "instructor_id",
            sa.String(32),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_question_banks_instructor_id", "question_banks", ["instructor_id"])
    op.create_index(
        "ux_question_banks_name", "question_banks", ["instructor_id", "name"], unique=True
    )
    op.create_table(
        "bank_questions",
        sa.Column(
            "bank_id",
            sa.String(32),
            sa.ForeignKey("question_banks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("question_id", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
    )
    op.create_table(
        "bank_files",
        sa.Column(
            "bank_id",
            sa.String(32),
            sa.ForeignKey("question_banks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("mime", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "bank_shares",
        sa.Column(
            "bank_id",
            sa.String(32),
            sa.ForeignKey("question_banks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "account_id",
            sa.String(32),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_bank_shares_account_id", "bank_shares", ["account_id"])
    with op.batch_alter_table("class_exams") as table:
        table.add_column(sa.Column("bank_id", sa.String(32), nullable=True))
        table.add_column(sa.Column("versions", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("class_exams") as table:
        table.drop_column("versions")
        table.drop_column("bank_id")
    op.drop_table("bank_shares")
    op.drop_table("bank_files")
    op.drop_table("bank_questions")
    op.drop_table("question_banks")

"""Ordered saves, one open attempt per learner and pack, seen questions, shared secrets.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("submitted_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "seen_questions",
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("pack_id", sa.String(64), primary_key=True),
        sa.Column("question_id", sa.String(128), primary_key=True),
    )
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    _fill_seen_questions()
    _close_all_but_the_newest_open_attempt()
    op.create_index("ix_attempts_owner_pack", "attempts", ["owner", "pack_id", "started_at"])
    op.create_index(
        "uq_attempts_one_open",
        "attempts",
        ["owner", "pack_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def _fill_seen_questions() -> None:
    attempts = sa.table(
        "attempts", sa.column("owner"), sa.column("pack_id"), sa.column("layout", sa.JSON())
    )
    connection = op.get_bind()
    seen = {
        (row.owner, row.pack_id, item["question"])
        for row in connection.execute(sa.select(attempts))
        for item in row.layout
    }
    if seen:
        op.bulk_insert(
            sa.table(
                "seen_questions",
                sa.column("owner"),
                sa.column("pack_id"),
                sa.column("question_id"),
            ),
            [{"owner": o, "pack_id": p, "question_id": q} for o, p, q in sorted(seen)],
        )


def _close_all_but_the_newest_open_attempt() -> None:
    # Earlier versions let a learner hold several open attempts; the newest stays open.
    attempts = sa.table(
        "attempts",
        sa.column("id"),
        sa.column("owner"),
        sa.column("pack_id"),
        sa.column("started_at", UtcDateTime()),
        sa.column("submitted_at", UtcDateTime()),
        sa.column("submitted_by"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(attempts.c.id, attempts.c.owner, attempts.c.pack_id)
        .where(attempts.c.submitted_at.is_(None))
        .order_by(attempts.c.started_at.desc())
    )
    newest: set[tuple[str, str]] = set()
    older = []
    for row in rows:
        if (row.owner, row.pack_id) in newest:
            older.append(row.id)
        newest.add((row.owner, row.pack_id))
    if older:
        connection.execute(
            attempts.update()
            .where(attempts.c.id.in_(older))
            .values(submitted_at=datetime.now(UTC), submitted_by="abandoned")
        )


def downgrade() -> None:
    op.drop_index("uq_attempts_one_open", table_name="attempts")
    op.drop_index("ix_attempts_owner_pack", table_name="attempts")
    op.drop_table("server_secrets")
    op.drop_table("seen_questions")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("seq")

"""Variants drawn ahead per install for secret seeds; seeds of 63 bits in practice sets.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "variant_pool",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("generator", sa.String(128), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("digests", sa.Text(), nullable=False),
    )
    op.create_index("ix_variant_pool_generator", "variant_pool", ["generator", "id"])
    with op.batch_alter_table("practice_items") as table:
        table.alter_column("seed", type_=sa.BigInteger(), existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("practice_items") as table:
        table.alter_column("seed", type_=sa.Integer(), existing_nullable=True)
    op.drop_table("variant_pool")

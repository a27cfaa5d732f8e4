"""LTI platforms name the origins, besides their issuer's and login's, that frame gradquiz
and post its launches (a Canvas school's own host): `lti_platforms.frame_origins`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lti_platforms") as table:
        table.add_column(sa.Column("frame_origins", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("lti_platforms") as table:
        table.drop_column("frame_origins")

"""LTI links name the course (context) they are in, and each course keeps which of a
platform's users launched from it, so a class exam linked from two courses posts each
learner's score to the course they launched from only: `lti_links.context_id` and
`lti_course_members`.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lti_links") as table:
        table.add_column(sa.Column("context_id", sa.String(255), nullable=True))
    op.create_table(
        "lti_course_members",
        sa.Column(
            "platform_id",
            sa.String(32),
            sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("context_id", sa.String(255), primary_key=True),
        sa.Column("sub", sa.String(255), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("lti_course_members")
    with op.batch_alter_table("lti_links") as table:
        table.drop_column("context_id")

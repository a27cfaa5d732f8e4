"""LTI 1.3: registered platforms and their deployments, the tool's key pairs, server-side
login state, accounts bound to a platform's users, resource links, and scores to post.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _platform(primary_key: bool) -> sa.Column[str]:
    return sa.Column(
        "platform_id",
        sa.String(32),
        sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("auth_login_url", sa.String(1000), nullable=False),
        sa.Column("auth_token_url", sa.String(1000), nullable=False),
        sa.Column("jwks_url", sa.String(1000), nullable=False),
        sa.Column("auth_audience", sa.String(1000), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "uq_lti_platforms_issuer_client", "lti_platforms", ["issuer", "client_id"], unique=True
    )
    op.create_table(
        "lti_deployments",
        _platform(True),
        sa.Column("deployment_id", sa.String(255), primary_key=True),
    )
    op.create_table(
        "lti_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("served_until", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "lti_launch_data",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_lti_launch_data_expires_at", "lti_launch_data", ["expires_at"])
    op.create_table(
        "lti_users",
        _platform(True),
        sa.Column("sub", sa.String(255), primary_key=True),
        sa.Column(
            "account_id",
            sa.String(32),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "lti_links",
        _platform(True),
        sa.Column("resource_link_id", sa.String(255), primary_key=True),
        sa.Column(
            "class_exam_id",
            sa.String(32),
            sa.ForeignKey("class_exams.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("deployment_id", sa.String(255), nullable=False),
        sa.Column("line_item_url", sa.String(1000), nullable=True),
        sa.Column("ags_scopes", sa.JSON(), nullable=False),
        sa.Column("memberships_url", sa.String(1000), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_lti_links_class_exam_id", "lti_links", ["class_exam_id"])
    op.create_table(
        "lti_scores",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "attempt_id",
            sa.String(32),
            sa.ForeignKey("attempts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("line_item_url", sa.String(1000), nullable=False),
        _platform(False),
        sa.Column("class_exam_id", sa.String(32), nullable=False),
        sa.Column("user_sub", sa.String(255), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("maximum", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", UtcDateTime(), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("posted_at", UtcDateTime(), nullable=True),
    )
    op.create_index(
        "uq_lti_scores_attempt_line_item",
        "lti_scores",
        ["attempt_id", "line_item_url"],
        unique=True,
    )
    op.create_index("ix_lti_scores_state_next", "lti_scores", ["state", "next_try_at"])
    op.create_index("ix_lti_scores_class_exam_id", "lti_scores", ["class_exam_id"])


def downgrade() -> None:
    for table in (
        "lti_scores",
        "lti_links",
        "lti_users",
        "lti_launch_data",
        "lti_keys",
        "lti_deployments",
        "lti_platforms",
    ):
        op.drop_table(table)

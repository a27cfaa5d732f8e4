"""Class exams outlive their instructor's account: archived, or handed to another instructor.

Deleting an instructor's account deleted their class exams and, through them, every
learner's sittings and answers. The instructor is now optional (ON DELETE SET NULL), and a
class exam records when it was archived.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gradquiz.storage.models import UtcDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_class_exams_instructor_id"
# What 0010's unnamed key is called: PostgreSQL names it itself; SQLite's is reflected
# without a name and gets this convention's.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s"}


def _old_key() -> str:
    return "class_exams_instructor_id_fkey" if _on_postgresql() else FOREIGN_KEY


def _on_postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("class_exams", naming_convention=NAMING) as batch:
        batch.add_column(sa.Column("archived_at", UtcDateTime(), nullable=True))
        batch.drop_constraint(_old_key(), type_="foreignkey")
        batch.alter_column("instructor_id", existing_type=sa.String(32), nullable=True)
        batch.create_foreign_key(
            FOREIGN_KEY, "accounts", ["instructor_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    # A class exam without an instructor has nobody to go back to.
    op.execute("DELETE FROM class_exams WHERE instructor_id IS NULL")
    with op.batch_alter_table("class_exams", naming_convention=NAMING) as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.alter_column("instructor_id", existing_type=sa.String(32), nullable=False)
        batch.create_foreign_key(
            _old_key(),
            "accounts",
            ["instructor_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_column("archived_at")

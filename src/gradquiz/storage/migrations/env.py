"""Alembic environment: runs on the connection gradquiz hands it, or on its configured URL."""

from alembic import context
from sqlalchemy import Connection

from gradquiz.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("gradquiz migrations need a connection: use `gradquiz migrate`.")
    _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("gradquiz migrations run online only: use `gradquiz migrate`.")
run_migrations_online()

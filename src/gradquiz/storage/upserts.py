"""INSERT … ON CONFLICT for the two backends, built once per table and dialect."""

from collections.abc import Callable
from functools import cache

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.dml import Insert


def insert_for(dialect: str) -> Callable[..., postgresql.Insert | sqlite.Insert]:
    """The INSERT construct that can say ON CONFLICT in `dialect`."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def upsert(
    model: type[DeclarativeBase], dialect: str, keys: tuple[str, ...], updated: tuple[str, ...]
) -> Insert:
    """A statement that inserts a row of `model`, or updates `updated` where `keys` match."""
    statement = insert_for(dialect)(model)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in updated}
    )


@cache
def insert_or_ignore(model: type[DeclarativeBase], dialect: str) -> Insert:
    """A statement that inserts a row of `model` unless its primary key is taken."""
    return insert_for(dialect)(model).on_conflict_do_nothing()


def dialect_of(executor: Session | Connection) -> str:
    """The dialect name ("sqlite", "postgresql") a session or connection talks to."""
    if isinstance(executor, Session):
        return executor.get_bind().dialect.name
    return executor.dialect.name

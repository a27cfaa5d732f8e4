"""The busiest reads, run on the driver's cursor with SQLAlchemy's SQL and conversions.

Through `Connection.execute` a statement costs about 35 µs of SQLAlchemy's own work and a
row about 2 µs more (execution context, events, Result and Row objects); reading an attempt
with its answers, which every save, question page and submit does, spent three times as
long there as in the driver (bench/RESULTS.md, 2026-12-01). A DriverQuery keeps what
SQLAlchemy is for: the SQL text is the Core statement compiled for the connection's
dialect, and each value is converted by its column type's own result processor.
"""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

Convert = Callable[[Any], Any] | None


class DriverQuery:
    """A Core SELECT compiled once per dialect and executed on the DB-API cursor."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, tuple[Convert, ...]]] = {}

    def rows(
        self, executor: Session | Connection, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """Every row, each a tuple of the selected columns' values as SQLAlchemy gives them."""
        connection = executor.connection() if isinstance(executor, Session) else executor
        sql, order, converts = self._for(connection.dialect)
        arguments = params if order is None else tuple(params[name] for name in order)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, arguments)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        return [
            tuple(
                value if convert is None else convert(value)
                for convert, value in zip(converts, row, strict=True)
            )
            for row in fetched
        ]

    def _for(self, dialect: Dialect) -> tuple[str, tuple[str, ...] | None, tuple[Convert, ...]]:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            statement = self.statement.compile(dialect=dialect)
            order = tuple(statement.positiontup or ()) if dialect.positional else None
            converts = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            compiled = self._compiled[dialect.name] = (statement.string, order, converts)
        return compiled

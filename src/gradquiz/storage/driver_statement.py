"""The busiest statements, run on the driver's cursor with SQLAlchemy's SQL and conversions.

Through `Connection.execute` a statement costs about 35 µs of SQLAlchemy's own work and a
row about 2 µs more (execution context, events, Result and Row objects). Reading an attempt
with its answers, which every save, question page and submit does, spent three times as
long there as in the driver, and a save's upsert six times (bench/RESULTS.md, 2026-12-01).
A DriverStatement keeps what SQLAlchemy is for: the SQL text is the Core statement compiled
for the connection's dialect, and each value goes through its column type's own bind and
result processors.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler

Convert = Callable[[Any], Any] | None


class _Compiled:
    """One statement compiled for one dialect, with its parameters' and columns' processors."""

    def __init__(self, statement: ClauseElement, keys: tuple[str, ...], dialect: Dialect) -> None:
        compiled = cast(
            SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys) or None)
        )
        self.sql = compiled.string
        self.order = tuple(compiled.positiontup or ()) if dialect.positional else None
        self.binds: dict[str, Convert] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        columns = statement.selected_columns if isinstance(statement, Select) else ()
        converts = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        # Only the columns whose type converts the driver's value (dates, booleans on SQLite).
        self.converts: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (index, convert) for index, convert in enumerate(converts) if convert is not None
        )

    def arguments(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        bound = {
            name: value if (bind := self.binds.get(name)) is None else bind(value)
            for name, value in params.items()
        }
        return bound if self.order is None else tuple(bound[name] for name in self.order)


class DriverStatement:
    """A Core statement compiled once per dialect and executed on the DB-API cursor.

    `keys` names the parameters an INSERT is executed with (its compiled columns).
    """

    def __init__(self, statement: ClauseElement, *, keys: tuple[str, ...] = ()) -> None:
        self.statement = statement
        self.keys = keys
        self._compiled: dict[str, _Compiled] = {}

    def rows(
        self, executor: Session | Connection, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """Every row, each a tuple of the selected columns' values as SQLAlchemy gives them."""
        compiled, cursor = self._run(executor, params)
        try:
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        converts = compiled.converts
        rows = []
        for row in fetched:
            values = list(row)
            for index, convert in converts:
                values[index] = convert(values[index])
            rows.append(tuple(values))
        return rows

    def execute(self, executor: Session | Connection, params: Mapping[str, Any]) -> None:
        """Run a statement that returns no rows."""
        cursor = self._run(executor, params)[1]
        cursor.close()

    def execute_many(
        self, executor: Session | Connection, params: Sequence[Mapping[str, Any]]
    ) -> None:
        """Run a statement that returns no rows once for each set of parameters."""
        if params:
            cursor = self._run(executor, params)[1]
            cursor.close()

    def _run(
        self,
        executor: Session | Connection,
        params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    ) -> tuple[_Compiled, Any]:
        connection = executor.connection() if isinstance(executor, Session) else executor
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, self.keys, dialect)
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        arguments: Any
        if isinstance(params, Mapping):
            many, arguments = False, compiled.arguments(params)
        else:
            many, arguments = True, [compiled.arguments(row) for row in params]
        # Listeners on the engine's cursor events (statement logs, tracing, tests) see these
        # statements too; without listeners this costs two attribute checks.
        events = connection.dispatch
        try:
            if events.before_cursor_execute:
                events.before_cursor_execute(
                    connection, cursor, compiled.sql, arguments, None, many
                )
            (cursor.executemany if many else cursor.execute)(compiled.sql, arguments)
            if events.after_cursor_execute:
                events.after_cursor_execute(connection, cursor, compiled.sql, arguments, None, many)
        except dialect.loaded_dbapi.Error as error:
            cursor.close()
            # The driver's error as SQLAlchemy raises it (IntegrityError, OperationalError…).
            raise DBAPIError.instance(
                compiled.sql, arguments, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error
        except BaseException:
            cursor.close()
            raise
        return compiled, cursor

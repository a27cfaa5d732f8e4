"""Connections, and checkpoints of SQLite's write-ahead log off the request path."""

import sqlite3
from pathlib import Path

from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, text

from gradquiz.storage.database import SQLITE_CHECKPOINT_AT_PAGES, Database
from tests.factories import filler_rows


def _autocheckpoint(database: Database) -> int:
    with database.writing() as connection:
        return int(connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def test_a_server_leaves_checkpoints_to_its_own_thread_and_others_keep_sqlites(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'gradquiz.db'}"
    Database(url).migrate()
    assert _autocheckpoint(Database(url)) == 1000
    assert _autocheckpoint(Database(url, background_checkpoints=True)) == (
        SQLITE_CHECKPOINT_AT_PAGES
    )


def test_checkpoint_copies_the_whole_log_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "gradquiz.db"
    database = Database(f"sqlite:///{path}", background_checkpoints=True)
    database.migrate()
    filler_rows(database, 50)
    size_before = path.stat().st_size

    pages = database.checkpoint()

    assert pages is not None
    in_log, copied = pages
    assert in_log > 0 and copied == in_log
    assert path.stat().st_size > size_before + 50 * 2000
    with database.reading() as connection:
        stored = connection.execute(text("SELECT count(*) FROM server_secrets")).scalar_one()
    assert stored >= 50


def test_checkpoint_is_sqlites_alone(database: Database) -> None:
    assert (database.checkpoint() is None) is (not database.is_sqlite)
    url = database.url.render_as_string(hide_password=False)
    opened = Database(url, background_checkpoints=True)
    assert opened.background_checkpoints is database.is_sqlite
    opened.dispose()


def _in_transaction(connection: Connection) -> bool:
    """Whether the driver's connection holds a transaction open."""
    driver = connection.connection.dbapi_connection
    if isinstance(driver, sqlite3.Connection):
        return driver.in_transaction
    return driver.info.transaction_status != TransactionStatus.IDLE  # type: ignore[union-attr]


def test_reads_run_outside_a_transaction_and_writes_inside_one(database: Database) -> None:
    with database.reading() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert not _in_transaction(connection)
    with database.writing() as connection:
        connection.execute(text("SELECT 1"))
        assert _in_transaction(connection)

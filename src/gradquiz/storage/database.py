"""Engine set-up per backend, connections and sessions for reading and writing, migrations."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from gradquiz.storage.write_lock import ProcessWriteLock

SQLITE_BUSY_TIMEOUT_MS = 10_000
# With checkpoints in the background, a commit copies the write-ahead log into the database
# file (and waits for its fsync) only once the log holds this many pages (about 40 MB): a
# safety net should the background checkpoints stop.
SQLITE_CHECKPOINT_AT_PAGES = 10_000
# The advisory lock PostgreSQL migrations take ("gradquiz" in ASCII, as a bigint key).
MIGRATION_LOCK = {"key": int.from_bytes(b"gradquiz", "big") >> 1}

# Storage functions accept either: hot paths use bare connections, the rest sessions.
Executor: TypeAlias = Session | Connection


class Database:
    """One database: connections and sessions for reading and writing, and the migrations.

    `reading()` and `writing()` hand out SQLAlchemy Core connections, the lean path the
    exam's busy routes take; `read()` and `write()` hand out ORM sessions. `reading()` runs
    outside a transaction (without BEGIN on SQLite, in autocommit on PostgreSQL, which
    saves the BEGIN and ROLLBACK round trips), so each of its statements reads the latest
    committed state. On SQLite writers queue first for a lock in this process and then for a
    file lock shared by every process using the database, so they wait in line instead of
    polling SQLite's busy handler, which sleeps in growing steps and makes convoys.
    """

    def __init__(
        self,
        url: str,
        *,
        engine_options: dict[str, Any] | None = None,
        background_checkpoints: bool = False,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        # Whoever opened it checkpoints SQLite's log from a thread (see checkpoint()).
        self.background_checkpoints = background_checkpoints and self.is_sqlite
        options = dict(engine_options or {})
        if self.is_sqlite:
            _ensure_parent_folder(self.url.database)
            # Every transaction ends in COMMIT or ROLLBACK and reads run in autocommit, so a
            # connection going back to the pool needs no rollback of its own.
            options.setdefault("pool_reset_on_return", None)
        elif self.url.get_backend_name() == "postgresql":
            self.url = self.url.set(drivername="postgresql+psycopg")
            options.setdefault("pool_pre_ping", True)
        self.engine: Engine = create_engine(self.url, **options)
        if self.is_sqlite:
            _configure_sqlite(self.engine, background_checkpoints=self.background_checkpoints)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._process_lock = ProcessWriteLock.beside(self.url.database) if self.is_sqlite else None
        self._reader_bind = self.engine.execution_options(
            **({"sqlite_begin": None} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"})
        )
        self._writer_bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(self._writer_bind, expire_on_commit=False)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for queries only; each statement reads the latest committed state."""
        with self._reader_bind.connect() as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A connection whose statements are committed together, or rolled back on error."""
        with self._queue_for_writing(), self._writer_bind.begin() as connection:
            yield connection

    @contextmanager
    def writing_alone(self) -> Iterator[Connection]:
        """A connection for a write that is a single statement, committed on its own.

        On PostgreSQL in autocommit, which saves the BEGIN and COMMIT round trips. On SQLite
        as writing(): queued, and in BEGIN IMMEDIATE, so the statement never finds that
        another writer got in between its read and its write.
        """
        if self.is_sqlite:
            with self.writing() as connection:
                yield connection
            return
        with self._reader_bind.connect() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries only."""
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose changes are committed together, or rolled back on error."""
        with self._queue_for_writing(), self._writer.begin() as session:
            yield session

    @contextmanager
    def _queue_for_writing(self) -> Iterator[None]:
        if self._write_lock is None or self._process_lock is None:
            yield
            return
        with self._write_lock, self._process_lock:
            yield

    def checkpoint(self) -> tuple[int, int] | None:
        """Copy what SQLite's write-ahead log holds into the database file, without waiting
        for readers or writers; (pages in the log, pages copied), or None off SQLite.

        A server opened with `background_checkpoints` calls this from a thread of its own,
        so a commit on the request path does not copy the log and wait for its fsync.
        """
        if not self.is_sqlite:
            return None
        with self._reader_bind.connect() as connection:
            row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return int(row[1]), int(row[2])

    def migrate(self) -> None:
        """Bring the schema up to the newest migration.

        A database already at the newest one is recognised with one query, without loading
        Alembic and every migration script (0.17 s of a server's start). Several processes
        may call this at once (the workers of one server): they migrate one at a time, under
        the SQLite write lock or a PostgreSQL advisory lock, and the later ones find the work
        done.
        """
        if self._at_newest_migration():
            return
        from alembic import command  # imported here: serving without migrating never needs it

        with (
            self._queue_for_writing(),
            self.engine.connect() as connection,
            _foreign_key_actions_off(connection),
            connection.begin(),
        ):
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), MIGRATION_LOCK)
            if _stored_versions(connection) == {newest_migration()}:
                return
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            _check_foreign_keys(connection)

    def _at_newest_migration(self) -> bool:
        with self.engine.connect() as connection:
            return _stored_versions(connection) == {newest_migration()}

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


@contextmanager
def _foreign_key_actions_off(connection: Connection) -> Iterator[None]:
    """SQLite's foreign keys off while migrations run on `connection` (before its BEGIN).

    To change a table, SQLite rebuilds it (Alembic's batch mode): the old one is dropped,
    and with foreign keys on, that DROP first deletes every row, with each ON DELETE action:
    rebuilding `attempts` deleted every answer. The migration checks the keys itself.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")  # takes effect only outside a transaction
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    """On SQLite, fail the migration (and roll it back) if a row refers to nothing."""
    if connection.dialect.name == "sqlite":
        dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        if dangling is not None:
            raise RuntimeError(f"a migration left a row referring to nothing: {tuple(dangling)}")


def _stored_versions(connection: Connection) -> set[str]:
    """The revisions the database records; none for a new database."""
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def newest_migration() -> str:
    """The newest revision: migration files are named after their revision, in order."""
    scripts = files("gradquiz") / "storage" / "migrations" / "versions"
    names = [p.name for p in scripts.iterdir() if p.name[:4].isdigit() and p.name.endswith(".py")]
    return max(names)[:4]


def alembic_config() -> Any:
    """Alembic configuration pointing at gradquiz's migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("gradquiz") / "storage" / "migrations"))
    return config


def _ensure_parent_folder(database: str | None) -> None:
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, *, background_checkpoints: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN, so writers can take the lock up front
        # and readers can skip it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The busy timeout first: switching a new file to WAL takes a lock, and a worker that
        # connects while another migrates must wait for it rather than fail at once.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        if background_checkpoints:
            cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_CHECKPOINT_AT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        mode = options.get("sqlite_begin", "DEFERRED")
        if mode is not None:
            # Straight to the driver: through exec_driver_sql this one statement cost a
            # twentieth of a save.
            connection.connection.dbapi_connection.execute(f"BEGIN {mode}")

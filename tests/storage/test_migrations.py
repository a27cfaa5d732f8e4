"""Upgrading a database that earlier versions filled."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from gradquiz.storage.database import Database, alembic_config, newest_migration
from gradquiz.storage.models import AttemptRow, Base, SeenQuestionRow
from tests.conftest import postgres_url

T0 = datetime(2026, 1, 5, 9, 0)


def test_upgrade_keeps_the_newest_open_attempt_and_records_seen_questions(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        for n, question in enumerate(("q-a", "q-b", "q-c")):
            connection.execute(
                text(
                    "INSERT INTO attempts (id, owner, pack_id, started_at, deadline, layout, total)"
                    " VALUES (:id, 'o', 'backprop', :start, :end, :layout, 1)"
                ),
                {
                    "id": f"old-{n}",
                    "start": T0 + timedelta(minutes=n),
                    "end": T0 + timedelta(minutes=25 + n),
                    "layout": f'[{{"question": "{question}", "options": ["a", "b"]}}]',
                },
            )
    database.migrate()
    with database.read() as session:
        open_ids = session.scalars(select(AttemptRow.id).where(AttemptRow.submitted_at.is_(None)))
        closed = session.scalars(
            select(AttemptRow.submitted_by).where(AttemptRow.submitted_at.is_not(None))
        )
        seen = session.scalars(select(SeenQuestionRow.question_id))
        assert list(open_ids) == ["old-2"]
        assert list(closed) == ["abandoned", "abandoned"]
        assert sorted(seen) == ["q-a", "q-b", "q-c"]
    database.dispose()


def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_account_tables_come_and_go_with_their_migrations(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'accounts.db'}")
    database.migrate()
    account_tables = {"accounts", "account_sessions", "sign_in_failures"}
    assert account_tables <= set(inspect(database.engine).get_table_names())
    with database.engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    assert not account_tables & set(inspect(database.engine).get_table_names())
    database.migrate()
    assert account_tables <= set(inspect(database.engine).get_table_names())
    database.dispose()


def test_the_newest_migration_by_file_name_is_alembics_head(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from gradquiz.storage.database import alembic_config, newest_migration

    assert newest_migration() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    database = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert not database._at_newest_migration()  # a new file: Alembic must run
    database.migrate()
    assert database._at_newest_migration()
    database.dispose()


def _migrate_together(urls: list[str]) -> None:
    """Each URL's migrate() at once, from its own Database (as each worker has its own)."""
    import threading
    import traceback

    databases = [Database(url) for url in urls]
    errors: list[str] = []
    start = threading.Barrier(len(databases))

    def run(database: Database) -> None:
        start.wait()
        try:
            database.migrate()
        except BaseException:
            errors.append(traceback.format_exc())  # where it failed, not only what

    threads = [threading.Thread(target=run, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a migration is stuck"
    for database in databases:
        database.dispose()
    assert errors == []


def test_workers_migrating_a_new_sqlite_database_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    _migrate_together([url] * 3)
    database = Database(url)
    with database.engine.connect() as connection:
        assert {"attempts", "answers", "alembic_version"} <= set(
            inspect(connection).get_table_names()
        )
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [newest_migration()]
    database.dispose()


def test_workers_migrating_a_new_postgresql_schema_at_once_all_succeed() -> None:
    import uuid

    import pytest
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from tests.conftest import postgres_url

    url = postgres_url()
    if url is None:
        pytest.skip("GRADQUIZ_TEST_DATABASE_URL is not set (CI sets it; see .ci/run)")
    schema = f"gq_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        _migrate_together([scoped.render_as_string(hide_password=False)] * 3)
        with admin.connect() as connection:
            versions = connection.execute(
                text(f'SELECT version_num FROM "{schema}".alembic_version')
            ).scalars()
            assert list(versions) == [newest_migration()]
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database_at(backend: str, revision: str, tmp_path: Path) -> Iterator[Database]:
    """A new database on `backend` migrated up to `revision` only (a PostgreSQL one in a
    schema of its own, dropped afterwards)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        cleanup = None
    else:
        server = postgres_url()
        if server is None:
            pytest.skip("GRADQUIZ_TEST_DATABASE_URL is not set (CI sets it; see .ci/run)")
        schema = f"gq_upgrade_{uuid.uuid4().hex[:10]}"
        admin = create_engine(make_url(server).set(drivername="postgresql+psycopg"))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
        cleanup = (admin, schema)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        yield database
    finally:
        database.dispose()
        if cleanup is not None:
            admin, schema = cleanup
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


ATTEMPT = (
    "INSERT INTO attempts (id, owner, pack_id, started_at, deadline, layout, total{extra})"
    " VALUES (:id, 'learner', 'backprop', :start, :end, '[]', 1{values})"
)
ANSWER = (
    "INSERT INTO answers (attempt_id, question_id, option_id, marked, saved_at, seq)"
    " VALUES (:id, 'q', 'b', false, :start, 1)"
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_from_0009_keeps_every_saved_answer(backend: str, tmp_path: Path) -> None:
    with database_at(backend, "0009", tmp_path) as database:
        with database.engine.begin() as connection:
            stamp = {"id": "old-1", "start": T0, "end": T0 + timedelta(minutes=25)}
            connection.execute(text(ATTEMPT.format(extra="", values="")), stamp)
            connection.execute(text(ANSWER), stamp)
        database.migrate()  # 0010 rebuilds the attempts table on SQLite
        assert (_count(database, "attempts"), _count(database, "answers")) == (1, 1)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_from_0010_keeps_class_exams_their_sittings_members_and_log(
    backend: str, tmp_path: Path
) -> None:
    with database_at(backend, "0010", tmp_path) as database:
        stamp = {"id": "sitting-1", "start": T0, "end": T0 + timedelta(minutes=25)}
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO accounts (id, username, username_key, password_hash, owner_key,"
                    " role, created_at) VALUES ('t', 'teacher', 'teacher', 'x', 'teacher-owner',"
                    " 'instructor', :start)"
                ),
                stamp,
            )
            connection.execute(
                text(
                    "INSERT INTO class_exams (id, code, title, pack_id, instructor_id, opens_at,"
                    " closes_at, minutes, counts, prefer_parametrized, at_submit, after_close,"
                    " attempts_allowed, question_ids, created_at) VALUES ('c', 'ABCDEF', 'Quiz',"
                    " 'backprop', 't', :start, :end, 25, '{}', false, 'score', 'everything', 1,"
                    " '[]', :start)"
                ),
                stamp,
            )
            connection.execute(
                text(
                    "INSERT INTO class_members (class_exam_id, owner, joined_at, multiplier,"
                    " extra_seconds) VALUES ('c', 'learner', :start, 1, 0)"
                ),
                stamp,
            )
            connection.execute(
                text(
                    "INSERT INTO class_events (class_exam_id, at, actor, action, detail)"
                    " VALUES ('c', :start, 'teacher', 'created', 'code ABCDEF')"
                ),
                stamp,
            )
            connection.execute(text(ATTEMPT.format(extra=", class_exam_id", values=", 'c'")), stamp)
            connection.execute(text(ANSWER), stamp)
        database.migrate()  # 0011 rebuilds the class exams table on SQLite
        tables = ("class_exams", "class_members", "class_events", "attempts", "answers")
        assert [_count(database, table) for table in tables] == [1] * 5
        with database.engine.connect() as connection:
            kept = connection.execute(text("SELECT instructor_id, archived_at FROM class_exams"))
            assert kept.one() == ("t", None)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_to_0014_names_the_sittings_an_early_close_submitted(
    backend: str, tmp_path: Path
) -> None:
    end = T0 + timedelta(minutes=25)
    with database_at(backend, "0012", tmp_path) as database:
        with database.engine.begin() as connection:
            for exam, closed_early in (("early", T0 + timedelta(minutes=10)), ("on-time", None)):
                connection.execute(
                    text(
                        "INSERT INTO class_exams (id, code, title, pack_id, instructor_id,"
                        " opens_at, closes_at, closed_early_at, minutes, counts,"
                        " prefer_parametrized, at_submit, after_close, attempts_allowed,"
                        " question_ids, created_at) VALUES (:id, :code, 'Quiz', 'backprop',"
                        " NULL, :start, :end, :early, 25, '{}', false, 'score', 'everything', 1,"
                        " '[]', :start)"
                    ),
                    {
                        "id": exam,
                        "code": exam[:6].upper(),
                        "start": T0,
                        "end": end + timedelta(hours=1),
                        "early": closed_early,
                    },
                )
            # (id, class exam, submitted at, submitted by): the close ended "cut" before its
            # deadline; "timed" reached its deadline first; the rest are not the close's.
            for attempt_id, exam, at, by in (
                ("cut", "early", T0 + timedelta(minutes=10), "deadline"),
                ("timed", "early", end, "deadline"),
                ("done", "early", T0 + timedelta(minutes=5), "learner"),
                ("other-class", "on-time", T0 + timedelta(minutes=10), "deadline"),
                ("self-study", None, T0 + timedelta(minutes=10), "deadline"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO attempts (id, owner, pack_id, started_at, deadline, layout,"
                        " total, class_exam_id, submitted_at, submitted_by) VALUES (:id,"
                        " 'learner', 'backprop', :start, :end, '[]', 1, :exam, :at, :by)"
                    ),
                    {"id": attempt_id, "start": T0, "end": end, "exam": exam, "at": at, "by": by},
                )
        database.migrate()
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT id, submitted_by FROM attempts"))
            assert dict(rows.all()) == {
                "cut": "closed",
                "timed": "deadline",
                "done": "learner",
                "other-class": "deadline",
                "self-study": "deadline",
            }
        with database.engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        with database.engine.connect() as connection:
            rows = connection.execute(text("SELECT submitted_by FROM attempts WHERE id = 'cut'"))
            assert rows.scalar_one() == "deadline"

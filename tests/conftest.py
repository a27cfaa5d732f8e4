"""Fixtures: a frozen clock, a migrated database per backend, the service, the app and clients."""

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.packs import Pack
from gradquiz.services import lti as lti_service
from gradquiz.services.accounts import AccountService
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.services.practice import PracticeService
from gradquiz.services.review import ReviewService
from gradquiz.storage.database import Database
from gradquiz.storage.models import Base
from gradquiz.web.app import create_app
from tests.factories import CHEAP_HASHER, FrozenClock
from tests.rsa_keys import TOOL_KEYS

POSTGRES_ENV = "GRADQUIZ_TEST_DATABASE_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_url() -> str | None:
    """The PostgreSQL server to test against, if one is configured."""
    url = os.environ.get(POSTGRES_ENV)
    if not url and IN_CI:
        raise pytest.UsageError(f"CI=true but {POSTGRES_ENV} is not set: .ci/run sets it.")
    return url


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str | None]:
    """A fresh schema for this test session on the PostgreSQL server, dropped afterwards."""
    url = postgres_url()
    if url is None:
        yield None
        return
    schema = f"gq_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # A commit need not wait for its write-ahead log to reach the disk here (a test database
    # is thrown away; what each test reads back is the same): 0.6 ms a commit against 3.9 ms.
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    scoped = make_url(url).update_query_dict({"options": options})
    migrator = Database(scoped.render_as_string(hide_password=False))
    migrator.migrate()
    migrator.dispose()
    yield scoped.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per test process, which each test's database copies (the
    14 migrations take 0.1 s of CPU and, with their commits, 0.2–0.8 s; a copy 5 ms)."""
    path = tmp_path_factory.mktemp("template") / "gradquiz.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()  # the last connection to close folds the write-ahead log into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_schema: str | None,
    sqlite_template: Path,
) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "gradquiz.db"
        shutil.copyfile(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        db.migrate()  # finds the copy at the newest migration with one query
    else:
        if postgres_schema is None:
            pytest.skip(f"{POSTGRES_ENV} is not set (CI sets it; see .ci/run)")
        db = Database(postgres_schema)
        # Children before parents, so no foreign key is broken on the way. DELETE of the few
        # rows a test leaves takes a tenth of TRUNCATE's time, which makes new files for
        # every table (0.05–0.2 s against 0.5–0.7 s per test, measured on the shared server).
        with db.engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def pooled_tool_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The LTI tool's key pairs come from a pool made once per process (tests/rsa_keys.py)."""
    monkeypatch.setattr(lti_service, "new_private_key", TOOL_KEYS.take)


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at a fixed instant; tests advance it."""
    return FrozenClock()


@pytest.fixture(scope="session")
def pack() -> Pack:
    """The built-in backprop pack."""
    return load_pack(builtin_pack_dir())


@pytest.fixture
def service(database: Database, pack: Pack, clock: FrozenClock) -> ExamService:
    """The exam service on the test database with the frozen clock."""
    return ExamService(database=database, pack=pack, grace=timedelta(seconds=15), clock=clock)


@pytest.fixture
def accounts(service: ExamService, clock: FrozenClock) -> AccountService:
    """Accounts over the test service, with argon2id at its cheapest."""
    return AccountService(exam=service, passwords=Passwords(CHEAP_HASHER), clock=clock)


@pytest.fixture
def classes(service: ExamService) -> ClassService:
    """Class exams over the test service."""
    return ClassService(exam=service)


@pytest.fixture
def practice(service: ExamService) -> PracticeService:
    """The practice service sharing the exam service's database, pack and clock."""
    return PracticeService(
        database=service.database,
        pack=service.pack,
        shown=service.shown,
        windows=service.windows,
        clock=service.clock,
    )


@pytest.fixture
def review(practice: PracticeService) -> ReviewService:
    """The review service over the practice service."""
    return ReviewService(
        database=practice.database, pack=practice.pack, practice=practice, clock=practice.clock
    )


def app_settings(database: Database, **overrides: object) -> Settings:
    """Settings for a test app: its database, rate limits no single test reaches, no variant
    pool to fill in a process of its own (tests/services/test_variant_pool.py), and lab
    pages worked out in the test's own process."""
    unreached = {
        f"{action}_limit_per_{who}": "10000/minute"
        for action in ("start", "practice", "sign_up", "join")
        for who in ("identity", "address")
    }
    values: dict[str, object] = {
        "database_url": database.url.render_as_string(hide_password=False),
        "variant_pool_size": 0,
        "lab_processes": 0,
        "lab_pages_per_second": 10_000,
        **unreached,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def app(service: ExamService) -> FastAPI:
    """The web app around the test service."""
    return create_app(app_settings(service.database), service=service)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser: keeps its own cookies."""
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def other_client(app: FastAPI) -> Iterator[TestClient]:
    """A second browser with its own identity."""
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as test_client:
        yield test_client


# The longest test files (wall time, from the per-file profile in bench/RESULTS.md), first.
# Under `make test` pytest-xdist (`--dist loadfile`) hands out the files with most tests
# first and keeps this order only among files with as many tests; handing them out in this
# order instead (`--no-loadscope-reorder`) was measured slower (bench/RESULTS.md, 2026-12-08).
LONGEST_FILES = (
    "tests/web/exam/test_exam_offline_browser.py",
    "tests/cli/test_check.py",
    "tests/web/test_phone_pages.py",
    "tests/web/lab/test_lab_bound.py",
    "tests/cli/test_serve.py",
    "tests/web/accounts/test_account_browser.py",
    "tests/web/classes/test_class_flows_browser.py",
    "tests/web/exam/test_exam_browser.py",
    "tests/web/lab/test_lab_browser.py",
    "tests/web/banks/test_bank_browser.py",
    "tests/web/lti/test_lti_launch.py",
    "tests/web/classes/test_class_browser.py",
    "tests/web/api/test_api_fuzz.py",
    "tests/web/test_browser.py",
    "tests/web/banks/test_bank_class_exams.py",
    "tests/web/classes/test_class_pages.py",
    "tests/web/practice/test_practice_browser.py",
    "tests/web/test_response_headers.py",
    "tests/cli/test_admin.py",
    "tests/web/lti/test_lti_fuzz.py",
    "tests/web/lti/test_lti_grades.py",
    "tests/web/lti/test_lti_browser.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest files first, the rest in their usual order (a stable sort)."""
    rank = {path: n for n, path in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))

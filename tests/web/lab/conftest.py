"""The lab's test app, shared by the lab's test modules."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app


@pytest.fixture(scope="module")
def lab_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on SQLite: the lab itself stores nothing. Its pages' work runs in the test's
    own process (no lab processes), where their CPU time can be measured."""
    path = tmp_path_factory.mktemp("lab") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    settings = Settings(
        database_url=f"sqlite:///{path}",
        lab_processes=0,
        lab_pages_per_second=10_000,
        variant_pool_size=0,
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        yield client

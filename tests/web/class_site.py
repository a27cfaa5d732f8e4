"""The app on the built-in pack (rendered Markdown and formulas), with helpers for the class
pages' tests: accounts, a class exam made through its form, learners who join and sit it."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.accounts import Role
from gradquiz.core.packs import Pack
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, FrozenClock
from tests.web.classes.test_class_pages import PASSWORD, Site, new_class

__all__ = ["PASSWORD", "Site", "built_in_site", "new_class", "seated", "site"]


@pytest.fixture
def site(database: Database, clock: FrozenClock, pack: Pack) -> Iterator[Site]:
    """The app on the built-in pack, on each database, with a frozen clock."""
    yield from built_in_site(database, clock, pack)


def built_in_site(database: Database, clock: FrozenClock, pack: Pack) -> Iterator[Site]:
    """The app on `pack` (the built-in one, loaded once per test process: 0.36 s of CPU a
    load), served through a test client while the caller iterates."""
    service = ExamService(
        database=database,
        pack=pack,
        grace=timedelta(seconds=15),
        clock=clock,
    )
    app = create_app(app_settings(database), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    with TestClient(app, follow_redirects=False) as client:
        yield Site(client, service, clock)


def seated(site: Site, code: str, class_id: str, name: str, *, submit: bool) -> str:
    """A learner who joins with `code`, starts, answers the first question and submits if
    asked; returns their session token."""
    token = site.person(name)
    client = site.as_(token)
    assert client.post("/classes/join", data={"code": code}).status_code == 303
    started = client.post(f"/api/v1/classes/{class_id}/attempts")
    attempt_id = started.json()["attempt_id"]
    saved = client.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "A"})
    assert saved.status_code == 200
    if submit:
        assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    return token


def instructor(site: Site, name: str = "teacher") -> str:
    """An instructor's session token."""
    return site.person(name, Role.INSTRUCTOR)

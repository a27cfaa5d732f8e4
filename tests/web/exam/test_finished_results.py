"""Rendered results kept per process: never served once the attempt is deleted, anywhere."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER

PASSWORD = "correct horse battery"
RESULTS = (
    "/api/v1/attempts/{id}/result",
    "/attempts/{id}/result",
    "/attempts/{id}/result?only=wrong",
)


def process(service: ExamService) -> FastAPI:
    """An app process of its own (its own caches) over the test service's database."""
    own = ExamService(
        database=service.database, pack=service.pack, grace=service.grace, clock=service.clock
    )
    app = create_app(app_settings(service.database), service=own)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    return app


@pytest.fixture
def two_processes(service: ExamService) -> Iterator[tuple[TestClient, TestClient]]:
    """One browser's view of two app processes behind a load balancer."""
    with (
        TestClient(process(service), follow_redirects=False) as first,
        TestClient(process(service), follow_redirects=False) as second,
    ):
        yield first, second


def submitted_and_read_through_both(first: TestClient, second: TestClient) -> str:
    attempt_id = str(first.post("/api/v1/attempts").json()["id"])
    first.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": "A"})
    assert first.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    second.cookies = first.cookies
    for client in (first, second):
        for path in RESULTS:  # twice each: rendered, then served from the process's cache
            for _ in range(2):
                assert client.get(path.format(id=attempt_id)).status_code == 200, path
    return attempt_id


@pytest.mark.parametrize("signed_in", [False, True])
def test_what_one_process_deletes_no_process_serves_from_its_cache(
    two_processes: tuple[TestClient, TestClient], signed_in: bool
) -> None:
    first, second = two_processes
    if signed_in:
        made = first.post(
            "/account/sign-up",
            data={"username": "ada", "password": PASSWORD, "repeated": PASSWORD},
        )
        assert made.status_code == 303
    attempt_id = submitted_and_read_through_both(first, second)
    deleted = first.post("/progress/delete-my-data", data={"confirm": "yes"})
    assert deleted.headers["location"] == "/progress?deleted=1"
    for client in (second, first):
        for path in RESULTS:
            assert client.get(path.format(id=attempt_id)).status_code == 404, path


def test_a_copy_of_the_cookie_reads_no_cached_result_once_sign_in_took_the_attempt(
    two_processes: tuple[TestClient, TestClient],
) -> None:
    browser, copy = two_processes
    attempt_id = submitted_and_read_through_both(browser, copy)
    copy.cookies = dict(browser.cookies)  # kept by whoever copied it, before the sign-up
    made = browser.post(
        "/account/sign-up", data={"username": "ada", "password": PASSWORD, "repeated": PASSWORD}
    )
    assert made.status_code == 303
    for path in RESULTS:
        assert copy.get(path.format(id=attempt_id)).status_code == 404, path
        assert browser.get(path.format(id=attempt_id)).status_code == 200, path

"""Practice sets, sign-ups and class joins are limited per browser or account and per address,
at and past each limit: a 429 page (JSON under /api) with Retry-After; a wrong class code
counts; every limit is a setting; counters are shared through one store across processes."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from starlette.requests import Request

from gradquiz.config import Settings
from gradquiz.core.accounts import Role
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.models import AccountRow
from gradquiz.web.app import create_app
from gradquiz.web.sessions import SESSION_COOKIE
from tests.cli.test_serve import REDIS_URL, redis_or_skip
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, FrozenClock, class_rules
from tests.web.exam.test_exam_pages import page_text

PASSWORD = "a long enough password"
LIMITED = [
    *(
        f"{a}_limit_per_{w}"
        for a in ("practice", "sign_up", "join")
        for w in ("identity", "address")
    ),
    "lti_limit_per_address",
]


@contextmanager
def limited(service: ExamService, **limits: str) -> Iterator[TestClient]:
    """The app with these limits (and cheap password hashes), as one browser."""
    app = create_app(app_settings(service.database, **limits), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def refused(response: Any, message: str) -> bool:
    """Whether `response` is a 429 saying `message`, with a Retry-After of a second or more."""
    if response.status_code != 429 or int(response.headers.get("retry-after", "0")) < 1:
        return False
    if response.headers.get("x-frame-options") != "DENY":
        return False  # a refusal carries the security headers as every answer does
    if response.headers["content-type"].startswith("application/json"):
        return message in response.json()["error"]["message"]
    return message in page_text(response.text)


def signed_in_as(client: TestClient, username: str) -> TestClient:
    """The client with a fresh session of a new account `username` (made without a limit)."""
    accounts = client.app.state.accounts  # type: ignore[attr-defined]
    accounts.create_account(username=username, password=PASSWORD, role=Role.LEARNER)
    session = accounts.sign_in(
        username=username, password=PASSWORD, address="test", browser=None, ending=None
    )
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, session.token)
    return client


def test_practice_sets_are_limited_per_address(service: ExamService) -> None:
    with limited(service, practice_limit_per_address="3/hour") as anyone:
        codes = []
        for _ in range(3):
            anyone.cookies.clear()  # a new browser each time, as a script would
            codes.append(anyone.post("/practice", data={"count": "10"}).status_code)
        assert codes == [303, 303, 303]
        anyone.cookies.clear()
        fourth = anyone.post("/practice", data={"count": "10"})
        assert refused(fourth, "Too many practice sets made from this network address")
        assert refused(anyone.post("/review"), "Too many practice sets")
        assert refused(anyone.post("/practice/missed", data={"attempt": "x"}), "Too many")


def test_practice_sets_are_limited_per_browser(service: ExamService) -> None:
    with limited(service, practice_limit_per_identity="2/hour") as browser:
        first = browser.post("/practice", data={"count": "10"})  # gives it an identity
        codes = [browser.post("/practice", data={"count": "10"}).status_code for _ in range(2)]
        assert first.status_code == 303 and codes == [303, 303]
        past = browser.post("/practice", data={"count": "10"})
        assert refused(past, "Too many practice sets made from this browser")
        assert "try again in" in page_text(past.text)
        browser.cookies.clear()  # another browser at the same address is not held back
        assert browser.post("/practice", data={"count": "10"}).status_code == 303


def accounts_made(service: ExamService) -> int:
    with service.database.read() as session:
        return int(session.scalar(select(func.count()).select_from(AccountRow)) or 0)


def sign_up(client: TestClient, name: str, repeated: str = PASSWORD) -> Any:
    form = {"username": name, "password": PASSWORD, "repeated": repeated}
    return client.post("/account/sign-up", data=form)


def test_sign_ups_are_limited_per_address(service: ExamService) -> None:
    with limited(service, sign_up_limit_per_address="3/hour") as anyone:
        codes = []
        for n in range(3):
            anyone.cookies.clear()
            codes.append(sign_up(anyone, f"learner{n}").status_code)
        assert codes == [303, 303, 303]
        anyone.cookies.clear()
        fourth = sign_up(anyone, "learner3")
        assert refused(fourth, "Too many accounts made from this network address")
        assert 'value="learner3"' in fourth.text  # the form comes back filled in
    assert accounts_made(service) == 3


def test_sign_ups_are_limited_per_browser_refused_forms_included(service: ExamService) -> None:
    with limited(service, sign_up_limit_per_identity="2/hour") as browser:
        assert browser.post("/api/v1/attempts").status_code == 201  # gives it an identity
        mistyped = [sign_up(browser, "ada", repeated="other").status_code for _ in range(2)]
        assert mistyped == [422, 422]
        assert refused(sign_up(browser, "ada"), "Too many accounts made from this browser")
        browser.cookies.clear()
        assert sign_up(browser, "ada").status_code == 303
    assert accounts_made(service) == 1


@pytest.fixture
def class_code(service: ExamService, clock: FrozenClock) -> str:
    """The join code of an open class exam."""
    from gradquiz.services.classes import ClassService
    from tests.factories import account

    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    return ClassService(exam=service).create(instructor=teacher, rules=class_rules(clock())).code


def test_class_codes_are_limited_per_account_and_wrong_codes_count(
    service: ExamService, class_code: str
) -> None:
    wrong = "WRONG2" if class_code != "WRONG2" else "WRONG3"
    with limited(service, join_limit_per_identity="3/hour") as client:
        guesser = signed_in_as(client, "guesser")
        guesses = [guesser.post("/classes/join", data={"code": wrong}) for _ in range(2)]
        guesses.append(guesser.post("/api/v1/classes/join", json={"code": wrong}))
        assert [g.status_code for g in guesses] == [404, 404, 404]
        page = guesser.post("/classes/join", data={"code": class_code})
        assert refused(page, "Too many class codes tried from this account")
        api = guesser.post("/api/v1/classes/join", json={"code": class_code})
        assert refused(api, "Too many class codes tried from this account")
        learner = signed_in_as(client, "learner")
        assert learner.post("/classes/join", data={"code": class_code}).status_code == 303


def test_class_codes_are_limited_per_address(service: ExamService, class_code: str) -> None:
    with limited(service, join_limit_per_address="3/hour") as client:
        codes = [
            signed_in_as(client, f"learner{n}").post("/api/v1/classes/join", json={"code": code})
            for n, code in enumerate(["WRONG2", "WRONG3", class_code])
        ]
        assert [c.status_code for c in codes] == [404, 404, 200]
        late = signed_in_as(client, "late").post("/api/v1/classes/join", json={"code": class_code})
        assert refused(late, "Too many class codes tried from this network address")


@pytest.mark.parametrize("name", LIMITED)
def test_each_limit_is_a_setting_with_a_default_and_help(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    field = Settings.model_fields[name]
    assert field.description and isinstance(field.default, str) and "/" in field.default
    monkeypatch.setenv(f"GRADQUIZ_{name.upper()}", "7/day")
    assert getattr(Settings(), name) == "7/day"
    with pytest.raises(ValidationError, match="limits notation"):
        Settings(**{name: "seven a day"})  # type: ignore[arg-type]


def request_from(address: str) -> Request:
    return Request(
        {"type": "http", "method": "POST", "path": "/", "headers": [], "client": (address, 1)}
    )


@pytest.mark.parametrize("action", ["start", "practice", "sign-up", "join"])
def test_every_limit_counts_across_processes_through_a_shared_store(action: str) -> None:
    from gradquiz.errors import TooManyRequests
    from gradquiz.web.rate_limits import Action, RateLimits

    redis_or_skip()
    limits = {f"{a.value.replace('-', '_')}_limit_per_address": "10000/hour" for a in Action}
    limits[f"{action.replace('-', '_')}_limit_per_address"] = "4/hour"
    settings = Settings(rate_limit_storage=REDIS_URL, rate_limit_prefix=uuid.uuid4().hex, **limits)  # type: ignore[arg-type]
    workers = [RateLimits(settings), RateLimits(settings)]  # as two processes would hold them
    for n in range(4):
        workers[n % 2].check(request_from("10.0.0.1"), Action(action), None)
    for worker in workers:
        with pytest.raises(TooManyRequests):
            worker.check(request_from("10.0.0.1"), Action(action), None)

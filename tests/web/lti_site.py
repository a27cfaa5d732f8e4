"""The app on the built-in pack with the simulated LMS registered, and helpers that run an
OIDC login and a launch through both, as a browser would."""

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import func, select

from gradquiz.core.accounts import Role
from gradquiz.core.classes import ClassExam
from gradquiz.core.packs import Pack
from gradquiz.services.lti import KeySets, LtiService
from gradquiz.storage.accounts import account_by_id
from gradquiz.storage.database import Database
from gradquiz.storage.lti import Platform as RegisteredPlatform
from gradquiz.storage.models import AccountRow
from gradquiz.web.lti.adapter import fetch_json
from tests.factories import FrozenClock, account, class_rules
from tests.web.class_site import Site, built_in_site
from tests.web.lti_platform import Platform, login_redirect, serve_platform


@dataclass
class LtiSite:
    """The tool (a test client) and the simulated platform it trusts."""

    site: Site
    platform: Platform
    _shared: ClassExam | None = None

    def __repr__(self) -> str:  # short: hypothesis prints it with a failing example
        return f"LtiSite(platform at {self.platform.base})"

    @property
    def lti(self) -> LtiService:
        lti: LtiService = self.site.client.app.state.lti  # type: ignore[attr-defined]
        return lti

    @property
    def database(self) -> Database:
        return self.site.service.database

    def registered(self) -> RegisteredPlatform:
        """The simulated platform as the tool registered it."""
        found = self.lti.platform(self.platform.issuer, self.platform.registration()["client_id"])
        assert found is not None
        return found

    def initiate(self, *, client_id: str | None = None, **more: str) -> httpx.Response:
        """The tool's answer to an OIDC login initiation (with `more` parameters)."""
        self.site.client.cookies.clear()
        return self.site.client.get(
            "/lti/login",
            params={
                "iss": self.platform.issuer,
                "login_hint": "hint",
                "target_link_uri": "http://testserver/lti/launch",
                "client_id": client_id or self.platform.registration()["client_id"],
                **more,
            },
        )

    def login(self, *, client_id: str | None = None) -> dict[str, str]:
        """The OIDC login initiation; the state and nonce the tool sent to the platform."""
        answer = self.initiate(client_id=client_id)
        assert answer.status_code == 302, answer.text
        sent = login_redirect(answer.headers["location"])
        assert answer.headers["location"].startswith(f"{self.platform.base}/auth?")
        return sent

    def launch(self, token_of: Any = None, **claims: Any) -> httpx.Response:
        """A login, then the launch the platform posts back; `token_of` signs differently."""
        sent = self.login()
        body = self.platform.claims(nonce=sent["nonce"], **claims)
        token = token_of(body) if token_of else self.platform.sign(body)
        return self.post_launch(token, sent["state"])

    def post_launch(self, token: str, state: str) -> httpx.Response:
        """The platform's form post of an id_token and state to the tool."""
        return self.site.client.post(
            "/lti/launch",
            data={"id_token": token, "state": state},
            headers={"Origin": self.platform.base, "Sec-Fetch-Site": "cross-site"},
        )

    def follow(self, launched: httpx.Response) -> httpx.Response:
        """On from a launch in a browser that keeps the frame's cookies: the destination."""
        assert launched.status_code == 303, launched.text
        went = self.site.client.get(launched.headers["location"])
        assert went.status_code == 303, went.text
        return went

    def accounts(self) -> int:
        with self.database.read() as session:
            return int(session.scalar(select(func.count()).select_from(AccountRow)) or 0)

    def class_exam(self, username: str = "prof", **rules: Any) -> ClassExam:
        """A class exam of a (username) instructor's, open now."""
        teacher = account(self.database, username, Role.INSTRUCTOR, self.site.clock())
        return self.site.classes.create(
            instructor=teacher, rules=class_rules(self.site.clock(), **rules)
        )

    def shared_exam(self) -> ClassExam:
        """One class exam for every example of a property test (drawing one takes time)."""
        if self._shared is None:
            self._shared = self.class_exam()
        return self._shared

    def instructor_token(self, exam: ClassExam) -> str:
        """A session token of the class exam's instructor."""
        with self.database.read() as session:
            found = account_by_id(session=session, account_id=str(exam.instructor))
        assert found is not None
        return self.site.accounts.vouched_session(found).token


@pytest.fixture
def lti_site(database: Database, clock: FrozenClock, pack: Pack) -> Iterator[LtiSite]:
    """The tool on each database with the simulated platform registered."""
    for platform in serve_platform():
        for site in built_in_site(database, clock, pack):
            app = site.client.app
            app.state.key_sets = KeySets(fetch_json, refresh_seconds=0)  # type: ignore[attr-defined]
            made = LtiSite(site, platform)
            registered = made.lti.add_platform(**platform.registration())
            platform.link_class = functools.partial(made.lti.class_claim, registered)
            platform.tool_jwks = made.lti.jwks()
            yield made

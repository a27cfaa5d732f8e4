"""One of everything a route can name (an instructor, a class, a learner in it with an open and
a submitted exam and a practice set), and every route of the app with a request it accepts.

Tests that must cover every route (NUL bytes, headers, limits) walk `requests(ids)`, and
`test_request_guard` checks that it names every route the app has and every field each reads.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from gradquiz.core.accounts import Role
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.web.app import create_app
from gradquiz.web.sessions import SESSION_COOKIE
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, FrozenClock, class_rules

PASSWORD = "a long enough password"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
NEW_CLASS = {
    "title": "Week 4 quiz",
    "opens_at": "2031-01-01T09:00",
    "closes_at": "2031-01-01T11:00",
    "minutes": "25",
    "easy": "5",
    "medium": "6",
    "hard": "4",
    "prefer_parametrized": "on",
    "at_submit": "score",
    "after_close": "everything",
    "attempts_allowed": "1",
    "bank": "",
}


SCENE_GIFT = "::Scene::Which gate copies the gradient? {=add ~max#It routes. ~mul#It scales.}"


@dataclass(frozen=True)
class Case:
    """One route: who sends it, and a body it would accept."""

    method: str
    route: str  # the route's path, placeholders and all
    who: str  # "learner", "instructor" or "anonymous"
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    ids: dict[str, str] = field(default_factory=dict)  # placeholder: which of the scene's ids

    def path(self, ids: dict[str, str]) -> str:
        """The route's path with the scene's ids (and question 2) in its placeholders."""
        values = {"number": 2, "question_id": "chain-rule", "graph": "neuron", "change": "share"}
        values |= LTI_IDS | ids
        values |= {name: ids[key] for name, key in self.ids.items()}
        return self.route.format(**values)

    @property
    def fields(self) -> list[str]:
        """The fields of the body."""
        return list(self.json if self.json is not None else self.form)

    def send(self, scene: "Scene", **body: Any) -> Any:
        """Send the request as `who`, with this body unless another is given."""
        client = scene.as_(self.who)
        if not body:
            body = {"json": self.json} if self.json is not None else {"data": self.form}
        return client.request(self.method, self.path(scene.ids), **body)


@dataclass
class Scene:
    """The app, the tokens to act as each person, and the ids of what they made."""

    client: TestClient
    tokens: dict[str, str]
    ids: dict[str, str]

    @property
    def app(self) -> FastAPI:
        """The app under test."""
        app: FastAPI = self.client.app  # type: ignore[assignment]
        return app

    def as_(self, who: str) -> TestClient:
        """The client, signed in as `who` ("anonymous": no cookies at all)."""
        self.client.cookies.clear()
        if who in self.tokens:
            self.client.cookies.set(SESSION_COOKIE, self.tokens[who])
        return self.client


@contextmanager
def open_scene(
    service: ExamService,
    clock: FrozenClock,
    base_url: str = "http://testserver",
    **settings: object,
) -> Iterator[Scene]:
    """The app on the test database with one of each thing a route can name."""
    app = create_app(app_settings(service.database, **settings), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    accounts = app.state.accounts
    tokens = {}
    for name, role in (("instructor", Role.INSTRUCTOR), ("learner", Role.LEARNER)):
        accounts.create_account(username=name, password=PASSWORD, role=role)
        tokens[name] = accounts.sign_in(
            username=name, password=PASSWORD, address="test", browser=None, ending=None
        ).token
    # A 500 is answered as a page here, as a server would, so that every case is seen.
    with TestClient(
        app, base_url=base_url, follow_redirects=False, raise_server_exceptions=False
    ) as client:
        scene = Scene(client, tokens, {})
        teacher = accounts.signed_in(tokens["instructor"])
        exam = app.state.classes.create(instructor=teacher, rules=class_rules(clock()))
        scene.ids |= {"class_id": exam.id, "code": exam.code}
        bank = app.state.banks.import_file(
            instructor=teacher, bank_name="Scene bank", data=SCENE_GIFT.encode(), file_name="s.gift"
        )
        scene.ids |= {"bank_id": bank.bank.id, "name": "figure.png"}
        learner = scene.as_("learner")
        assert learner.post("/classes/join", data={"code": exam.code}).status_code == 303
        sitting = learner.post(f"/api/v1/classes/{exam.id}/attempts").json()["attempt_id"]
        done = learner.post("/api/v1/attempts").json()["id"]
        assert learner.post(f"/api/v1/attempts/{done}/submit").status_code == 200
        assert learner.post(f"/api/v1/attempts/{sitting}/submit").status_code == 200
        scene.ids |= {"submitted": done, "sitting": sitting}
        scene.ids["attempt_id"] = learner.post("/api/v1/attempts").json()["id"]
        saved = learner.put(
            f"/api/v1/attempts/{scene.ids['attempt_id']}/answers/1", json={"option": "A"}
        )
        assert saved.status_code == 200
        started = learner.post("/practice", data={"count": "10"})
        assert started.status_code == 303, started.text
        scene.ids["session_id"] = started.headers["location"].rsplit("/", 1)[1]
        yield scene


# What the LTI routes' placeholders hold in the scene: nothing that exists (no LMS is
# registered), so each answers its refusal.
LTI_IDS = {"launch_id": "no-such-choice", "ticket": "no-such-ticket", "score_id": 1}


def state_changing(ids: dict[str, str]) -> list[Case]:
    """Every route that changes state, with a body it would accept from `who`."""
    done, code = ids["submitted"], ids["code"]
    exam = "/attempts/{attempt_id}"
    return [
        Case("PUT", "/api/v1" + exam + "/answers/{number}", "learner", json={"option": "B"}),
        Case(
            "PUT",
            "/api/v1" + exam + "/answers/{number}",
            "learner",
            json={
                "option": "B",
                "marked": True,
                "seq": 5,
                "device_time": "2026-12-07T10:00:00Z",
            },
        ),
        Case("POST", "/api/v1/attempts", "learner"),
        Case("POST", "/api/v1" + exam + "/submit", "learner"),
        Case("POST", "/attempts", "learner", form={"replacing": ids["attempt_id"]}),
        Case(
            "POST",
            exam + "/questions/{number}",
            "learner",
            form={"option": "B", "marked": "on", "seq": "7", "go": "next"},
        ),
        Case("POST", exam + "/submit", "learner", form={"confirm": "no"}),
        Case("POST", "/interview/{question_id}/answer", "learner", form={"answer": "chain rule"}),
        Case("POST", "/interview/{question_id}/points", "learner", form={"covered": "0"}),
        Case(
            "POST",
            "/account/sign-up",
            "anonymous",
            form={
                "username": "newcomer",
                "password": PASSWORD,
                "repeated": PASSWORD,
                "next": f"/join/{code}",
            },
        ),
        Case(
            "POST",
            "/account/sign-in",
            "anonymous",
            form={"username": "learner", "password": PASSWORD, "next": "/progress"},
        ),
        Case("POST", "/account/sign-out", "learner"),
        Case(
            "POST",
            "/account/password",
            "learner",
            form={"current": PASSWORD, "new": PASSWORD + "!", "repeated": PASSWORD + "!"},
        ),
        Case(
            "POST",
            "/account/delete",
            "learner",
            form={"password": PASSWORD, "archive_classes": "on"},
        ),
        Case(
            "POST",
            "/practice",
            "learner",
            form={"topic": "chain-rule", "difficulty": "easy", "count": "10"},
        ),
        Case("POST", "/practice/missed", "learner", form={"attempt": done}),
        Case(
            "POST",
            "/practice/{session_id}/{number}",
            "learner",
            form={"option": "A", "typed": "", "confidence": "sure", "show": "options"},
        ),
        Case("POST", "/review", "learner"),
        Case("POST", "/progress/delete-my-data", "learner", form={"confirm": "yes"}),
        Case("POST", "/classes/join", "learner", form={"code": code}),
        Case("POST", "/classes/new", "instructor", form=NEW_CLASS),
        Case("POST", "/classes/{class_id}/start", "learner"),
        Case("POST", "/instructors", "instructor", form={"username": "learner"}),
        Case(
            "POST",
            "/classes/{class_id}/time",
            "instructor",
            form={"username": "learner", "multiplier": "1.5", "extra_minutes": "5"},
        ),
        Case("POST", "/classes/{class_id}/close", "instructor", form={"confirm": "yes"}),
        Case("POST", "/api/v1/classes/join", "learner", json={"code": code}),
        Case("POST", "/api/v1/classes/{class_id}/attempts", "learner"),
        Case(
            "POST",
            "/account/classes/{class_id}/hand-over",
            "instructor",
            form={"username": "learner"},
        ),
        Case("POST", "/account/classes/{class_id}/archive", "instructor"),
        Case(
            "POST",
            "/classes/banks",
            "instructor",
            form={
                "file": SCENE_GIFT,
                "bank": "Another",
                "topic": "gates",
                "difficulty": "easy",
                "format": "gift",
            },
        ),
        Case("POST", "/classes/banks/{bank_id}/delete", "instructor", form={"confirm": "yes"}),
        Case("POST", "/classes/banks/{bank_id}/{change}", "instructor", form={"username": "x"}),
        Case(
            "POST",
            "/lti/login",
            "anonymous",
            form={"iss": "https://lms.example", "login_hint": "h"},
        ),
        Case("POST", "/lti/launch", "anonymous", form={"id_token": "a.b.c", "state": "s"}),
        Case(
            "POST",
            "/lti/deep-link/{launch_id}",
            "instructor",
            form={"class_id": ids["class_id"], "title": "Week 5"},
        ),
        Case("POST", "/lti/link", "learner", form={"username": "instructor", "password": PASSWORD}),
        Case("POST", "/classes/{class_id}/scores/{score_id}/post-again", "instructor"),
    ]


def reading(ids: dict[str, str]) -> list[Case]:
    """Every route that only reads, as the person who may read it."""
    learner = [
        "/",
        "/attempts/{attempt_id}",
        "/attempts/{attempt_id}/questions/{number}",
        "/attempts/{attempt_id}/review",
        "/attempts/{attempt_id}/submit",
        "/api/v1/attempts/{attempt_id}",
        "/static-generated/pygments.css",
        "/favicon.ico",
        "/exam-sw.js",
        "/exam-network-dropped",
        "/api/docs",
        "/openapi.json",
        "/interview/{question_id}",
        "/lab",
        "/lab/flow",
        "/lab/gradient-check",
        "/lab/{graph}",
        "/lab/{graph}/your-turn",
        "/account/sign-up",
        "/account/sign-in",
        "/account",
        "/account/deleted",
        "/practice",
        "/practice/{session_id}",
        "/practice/{session_id}/done",
        "/practice/{session_id}/{number}",
        "/review",
        "/progress",
        "/progress/my-data.zip",
        "/classes",
        "/join/{code}",
        "/classes/{class_id}",
        "/classes/{class_id}/media/{name}",
        "/lti/jwks",
        "/lti/login",
        "/lti/storage-fallback",
        "/lti/config",
        "/lti/config.json",
        "/lti/continue/{ticket}",
        "/lti/window/{ticket}",
        "/lti/link",
    ]
    instructor = [
        "/classes/new",
        "/classes/{class_id}/live",
        "/classes/{class_id}/live.json",
        "/classes/{class_id}/results",
        "/classes/{class_id}/results.csv",
        "/classes/{class_id}/answers.csv",
        "/classes/{class_id}/stats",
        "/classes/banks",
        "/classes/banks/{bank_id}",
        "/classes/banks/{bank_id}/media/{name}",
        "/classes/{class_id}/close",
        "/classes/{class_id}/preview",
        "/classes/{class_id}/roster",
        "/lti/deep-link/{launch_id}",
    ]
    submitted = {"attempt_id": "submitted"}
    return [
        *(Case("GET", route, "learner") for route in learner),
        *(Case("GET", route, "instructor") for route in instructor),
        Case("GET", "/attempts/{attempt_id}/result", "learner", ids=submitted),
        Case("GET", "/api/v1/attempts/{attempt_id}/result", "learner", ids=submitted),
        Case(
            "GET",
            "/classes/{class_id}/sittings/{attempt_id}",
            "instructor",
            ids={"attempt_id": "sitting"},
        ),
    ]


def app_routes(app: FastAPI) -> dict[tuple[str, str], set[str]]:
    """Every route of the app, (method, path), with the body fields it declares."""
    routes: dict[tuple[str, str], set[str]] = {}
    for included in app.routes:
        candidates = getattr(included, "effective_candidates", lambda: [])()
        for candidate in candidates:
            route = candidate.original_route
            if not isinstance(route, APIRoute):
                continue
            declared: set[str] = set()
            for param in route.dependant.body_params:
                model = param.field_info.annotation
                if isinstance(model, type) and issubclass(model, BaseModel):
                    declared |= set(model.model_fields)
                else:
                    declared.add(param.alias)
            for method in route.methods - {"HEAD"}:
                routes[(method, candidate.path)] = declared
    return routes

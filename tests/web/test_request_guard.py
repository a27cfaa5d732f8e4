"""Every field of every form and JSON body, on both databases: a NUL byte is a 422 naming the
field, never a 500, and nothing already saved is lost."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
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
from tests.web.test_exam_pages import page_text

PASSWORD = "a long enough password"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Case:
    """One state-changing route: who sends it, and a body it would otherwise accept."""

    method: str
    route: str  # the route's path, placeholders and all
    who: str  # "learner", "instructor" or "anonymous"
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None

    def path(self, ids: dict[str, str]) -> str:
        """The route's path with the scene's ids (and question 2) in its placeholders."""
        return self.route.format(**ids, number=2, question_id="chain-rule")

    @property
    def fields(self) -> list[str]:
        """The fields of the body, each of which gets a NUL in turn."""
        return list(self.json if self.json is not None else self.form)


@dataclass
class Scene:
    """An instructor with a class, a learner in it with an open and a submitted exam and a
    practice set, and the tokens to act as each."""

    client: TestClient
    tokens: dict[str, str]
    ids: dict[str, str]

    def as_(self, who: str) -> TestClient:
        self.client.cookies.clear()
        if who in self.tokens:
            self.client.cookies.set(SESSION_COOKIE, self.tokens[who])
        return self.client


def cases(ids: dict[str, str]) -> list[Case]:
    """Every route that changes state, with a body it would accept from `who`."""
    done, code = ids["submitted"], ids["code"]
    new_class = {
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
    }
    return [
        Case(
            "PUT", "/api/v1/attempts/{attempt_id}/answers/{number}", "learner", json={"option": "B"}
        ),
        Case(
            "PUT",
            "/api/v1/attempts/{attempt_id}/answers/{number}",
            "learner",
            json={"option": "B", "marked": True, "seq": 5},
        ),
        Case("POST", "/api/v1/attempts", "learner"),
        Case("POST", "/api/v1/attempts/{attempt_id}/submit", "learner"),
        Case("POST", "/attempts", "learner", form={"replacing": ids["attempt_id"]}),
        Case(
            "POST",
            "/attempts/{attempt_id}/questions/{number}",
            "learner",
            form={"option": "B", "marked": "on", "seq": "7", "go": "next"},
        ),
        Case("POST", "/attempts/{attempt_id}/submit", "learner", form={"confirm": "no"}),
        Case(
            "POST", "/interview/{question_id}/answer", "learner", form={"answer": "the chain rule"}
        ),
        Case("POST", "/interview/{question_id}/points", "learner", form={"covered": "0"}),
        Case(
            "POST",
            "/account/sign-up",
            "anonymous",
            form={"username": "newcomer", "password": PASSWORD, "repeated": PASSWORD},
        ),
        Case(
            "POST",
            "/account/sign-in",
            "anonymous",
            form={"username": "learner", "password": PASSWORD},
        ),
        Case("POST", "/account/sign-out", "learner"),
        Case(
            "POST",
            "/account/password",
            "learner",
            form={"current": PASSWORD, "new": PASSWORD + "!", "repeated": PASSWORD + "!"},
        ),
        Case("POST", "/account/delete", "learner", form={"password": PASSWORD}),
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
            form={"option": "A", "typed": "", "confidence": "sure"},
        ),
        Case("POST", "/review", "learner"),
        Case("POST", "/progress/delete-my-data", "learner", form={"confirm": "yes"}),
        Case("POST", "/classes/join", "learner", form={"code": code}),
        Case("POST", "/classes/new", "instructor", form=new_class),
        Case("POST", "/classes/{class_id}/start", "learner"),
        Case("POST", "/instructors", "instructor", form={"username": "learner"}),
        Case(
            "POST",
            "/classes/{class_id}/time",
            "instructor",
            form={"username": "learner", "multiplier": "1.5", "extra_minutes": "5"},
        ),
        Case("POST", "/classes/{class_id}/close", "instructor"),
        Case("POST", "/api/v1/classes/join", "learner", json={"code": code}),
        Case("POST", "/api/v1/classes/{class_id}/attempts", "learner"),
    ]


def route_shapes(app: FastAPI) -> dict[tuple[str, str], set[str]]:
    """Every state-changing route of the app (method, path) and the body fields it declares."""
    shapes: dict[tuple[str, str], set[str]] = {}
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
            for method in route.methods & STATE_CHANGING:
                shapes[(method, candidate.path)] = declared
    return shapes


@pytest.fixture
def scene(service: ExamService, clock: FrozenClock) -> Iterator[Scene]:
    """The app with one of each thing a form can name, on the test database."""
    app = create_app(app_settings(service.database), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    accounts = app.state.accounts
    tokens = {}
    for name, role in (("instructor", Role.INSTRUCTOR), ("learner", Role.LEARNER)):
        accounts.create_account(username=name, password=PASSWORD, role=role)
        tokens[name] = accounts.sign_in(
            username=name, password=PASSWORD, address="test", browser=None, ending=None
        ).token
    # A 500 is answered as a page here, as a server would, so that every case is seen.
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as client:
        scene = Scene(client, tokens, {})
        teacher = accounts.signed_in(tokens["instructor"])
        exam = app.state.classes.create(instructor=teacher, rules=class_rules(clock()))
        scene.ids |= {"class_id": exam.id, "code": exam.code}
        learner = scene.as_("learner")
        assert learner.post("/classes/join", data={"code": exam.code}).status_code == 303
        done = learner.post("/api/v1/attempts").json()["id"]
        assert learner.post(f"/api/v1/attempts/{done}/submit").status_code == 200
        scene.ids["submitted"] = done
        scene.ids["attempt_id"] = learner.post("/api/v1/attempts").json()["id"]
        saved = learner.put(
            f"/api/v1/attempts/{scene.ids['attempt_id']}/answers/1", json={"option": "A"}
        )
        assert saved.status_code == 200
        started = learner.post("/practice", data={"count": "10"})
        assert started.status_code == 303, page_text(started.text)
        scene.ids["session_id"] = started.headers["location"].rsplit("/", 1)[1]
        yield scene


def test_the_cases_cover_every_state_changing_route_and_every_field(scene: Scene) -> None:
    shapes = route_shapes(scene.client.app)  # type: ignore[arg-type]
    covered: dict[tuple[str, str], set[str]] = {}
    for case in cases(scene.ids):
        key = (case.method, case.route)
        covered.setdefault(key, set()).update(case.fields)
    assert set(covered) == set(shapes)
    for key, declared in shapes.items():
        assert declared <= covered[key], key
    assert len(covered[("POST", "/classes/new")]) == 11  # read from the form by hand


def nul_in(case: Case, name: str) -> dict[str, Any]:
    """The case's request with a NUL byte put into field `name`."""
    if case.json is not None:
        body = {**case.json, name: f"{case.json[name]}\x00"}
        return {"content": json.dumps(body), "headers": {"content-type": "application/json"}}
    return {"data": {**case.form, name: f"{case.form[name]}\x00"}}


def refusal_text(response: Any) -> str:
    if response.headers.get("content-type", "").startswith("application/json"):
        return str(response.json().get("error", {}).get("message", ""))
    return page_text(response.text)


def test_a_nul_byte_in_any_field_is_a_422_naming_it(scene: Scene) -> None:
    wrong = []
    for case in cases(scene.ids):
        for name in case.fields:
            client = scene.as_(case.who)
            response = client.request(case.method, case.path(scene.ids), **nul_in(case, name))
            message = refusal_text(response)
            if response.status_code != 422 or f'"{name}"' not in message:
                wrong.append((case.method, case.route, name, response.status_code, message[:120]))
    assert wrong == []
    learner = scene.as_("learner")
    held = learner.get(f"/api/v1/attempts/{scene.ids['attempt_id']}").json()
    assert not held["submitted"] and held["questions"][0]["chosen"] == "A"


@pytest.mark.parametrize(
    "body",
    [
        {"option": "A", "extra": {"deep": ["x\x00"]}},
        {"option\x00": "A"},
        {"option": "A\x00"},
    ],
)
def test_a_nul_anywhere_in_json_is_refused_with_its_place(scene: Scene, body: Any) -> None:
    learner = scene.as_("learner")
    refused = learner.put(f"/api/v1/attempts/{scene.ids['attempt_id']}/answers/2", json=body)
    assert refused.status_code == 422
    assert "U+0000" in refused.json()["error"]["message"]


def test_a_nul_in_a_multipart_form_is_refused_too(scene: Scene) -> None:
    learner = scene.as_("learner")
    refused = learner.post(
        "/interview/chain-rule/answer", files={"answer": (None, "chain\x00rule")}
    )
    assert refused.status_code == 422 and '"answer"' in page_text(refused.text)


def test_text_that_only_looks_like_a_nul_is_accepted(scene: Scene) -> None:
    learner = scene.as_("learner")
    written = learner.post("/interview/chain-rule/answer", data={"answer": "%00 and \\u0000"})
    assert written.status_code == 303
    saved = learner.put(
        f"/api/v1/attempts/{scene.ids['attempt_id']}/answers/2",
        content=json.dumps({"option": "B"}).replace("B", "\\u0042"),
        headers={"content-type": "application/json"},
    )
    assert saved.status_code == 200 and saved.json()["option"] == "B"

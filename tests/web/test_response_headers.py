"""Every response of every route, refusals and 500s included, carries the security headers;
HSTS with secure cookies; the API's description is not kept by caches."""

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from gradquiz.core.variants import GeneratorFailed
from gradquiz.services.exam import ExamService
from gradquiz.web.security import security_headers
from tests.factories import FrozenClock
from tests.web.exam.test_exam_pages import page_text
from tests.web.scene import Case, Scene, open_scene, reading, state_changing

HSTS = "Strict-Transport-Security"
# These end the learner's session or data, so they go last.
ENDING = ("/account/sign-out", "/account/password", "/account/delete", "/progress/delete-my-data")


def every_request(scene: Scene) -> list[Case]:
    """Every route, then the ones that end the learner's session or data."""
    cases = reading(scene.ids) + state_changing(scene.ids)
    return sorted(cases, key=lambda case: case.route in ENDING)


def refusals(scene: Scene) -> dict[str, Any]:
    """One answer of each kind of refusal the app gives."""
    client = scene.as_("learner")
    exam = scene.ids["attempt_id"]
    return {
        "404 page": client.get("/no/such/page"),
        "404 api": client.get("/api/v1/attempts/nope"),
        "405": client.get("/account/sign-out"),
        "400 nul": client.get("/attempts/a%00b"),
        "403 cross-site": client.post("/attempts", headers={"Sec-Fetch-Site": "cross-site"}),
        "413": client.post("/attempts", content=b"x" * 70_000),
        "422 form": client.post("/practice", data={"count": "7"}),
        "422 nul": client.put(f"/api/v1/attempts/{exam}/answers/2", json={"option": "\x00"}),
        "409": client.post("/api/v1/attempts"),
        "static": client.get("/static/style.css"),
        "openapi": client.get("/openapi.json"),
    }


def missing_headers(response: Any, expected: Mapping[str, str]) -> list[str]:
    return [name for name, value in expected.items() if response.headers.get(name) != value]


@pytest.fixture
def scene(service: ExamService, clock: FrozenClock) -> Iterator[Scene]:
    with open_scene(service, clock) as opened:
        yield opened


def break_the_database(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way of reaching the database raises from now on: each route that needs it 500s."""

    def down(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database is down")

    database = scene.app.state.service.database
    for name in ("read", "write", "reading", "writing", "writing_alone"):
        monkeypatch.setattr(database, name, down)


def test_every_answer_of_every_route_carries_the_security_headers(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = security_headers().headers
    answers = {f"{c.method} {c.route}": c.send(scene) for c in every_request(scene)}
    answers |= refusals(scene)
    break_the_database(scene, monkeypatch)
    failed = {f"500 {c.method} {c.route}": c.send(scene) for c in every_request(scene)}
    server_errors = [name for name, answer in failed.items() if answer.status_code == 500]
    assert len(server_errors) >= 40, server_errors  # most routes need the database
    wrong = {
        name: missing_headers(answer, expected)
        for name, answer in (answers | failed).items()
        if missing_headers(answer, expected) or HSTS in answer.headers
    }
    assert wrong == {}
    for name in server_errors:
        assert failed[name].headers["cache-control"] == "no-store", name


def test_hsts_is_sent_on_every_answer_when_cookies_are_secure(
    service: ExamService, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {**security_headers().headers, HSTS: "max-age=31536000"}
    with open_scene(service, clock, secure_cookies=True, base_url="https://testserver") as scene:
        answers = {f"{c.method} {c.route}": c.send(scene) for c in every_request(scene)}
        answers |= refusals(scene)
        break_the_database(scene, monkeypatch)
        answers |= {f"500 {c.route}": c.send(scene) for c in reading(scene.ids)}
    wrong = {name: missing_headers(a, expected) for name, a in answers.items()}
    assert {name: missing for name, missing in wrong.items() if missing} == {}


def test_the_api_description_is_not_kept_by_caches(scene: Scene) -> None:
    described = scene.as_("anonymous").get("/openapi.json")
    assert described.status_code == 200 and described.json()["info"]["title"] == "gradquiz"
    assert described.headers["cache-control"] == "no-store"
    assert "/api/v1/attempts" in described.json()["paths"]


def test_a_500_is_the_sites_own_page_with_the_headers(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(**kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(scene.app.state.review, "summary", fails)
    page = scene.as_("learner").get("/review")
    assert page.status_code == 500 and "nothing you saved was lost" in page.text
    assert "Your account, learner" in page_text(page.text)  # the full page, header and all
    assert missing_headers(page, security_headers().headers) == []


def test_a_failing_generator_names_neither_itself_nor_its_seed_to_the_learner(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(**kwargs: object) -> None:
        raise GeneratorFailed("Generator 'neuron.dl_dw' gave no usable variant for seed 1234567")

    monkeypatch.setattr(scene.app.state.review, "summary", fails)
    for path in ("/review", "/api/v1/attempts/none/result"):
        monkeypatch.setattr(scene.app.state.service, "result", fails)
        answer = scene.as_("learner").get(path)
        assert answer.status_code == 500 and "nothing you saved was lost" in answer.text
        assert "1234567" not in answer.text and "dl_dw" not in answer.text

"""Every field of every form and JSON body, on both databases: a NUL byte is a 422 naming the
field, never a 500, and nothing already saved is lost."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from gradquiz.services.exam import ExamService
from tests.factories import FrozenClock
from tests.web.exam.test_exam_pages import page_text
from tests.web.scene import (
    STATE_CHANGING,
    Case,
    Scene,
    app_routes,
    open_scene,
    reading,
    state_changing,
)


@pytest.fixture
def scene(service: ExamService, clock: FrozenClock) -> Iterator[Scene]:
    with open_scene(service, clock) as opened:
        yield opened


def test_the_scene_names_every_route_and_every_field_it_reads(scene: Scene) -> None:
    routes = app_routes(scene.app)
    covered: dict[tuple[str, str], set[str]] = {}
    for case in state_changing(scene.ids) + reading(scene.ids):
        covered.setdefault((case.method, case.route), set()).update(case.fields)
    assert set(covered) == set(routes)
    for key, declared in routes.items():
        assert declared <= covered[key], key
    assert len(covered[("POST", "/classes/new")]) == 12  # read from the form by hand
    assert all(method in STATE_CHANGING | {"GET"} for method, _ in routes)


def nul_in(case: Case, name: str) -> dict[str, Any]:
    """The case's body with a NUL byte put into field `name`."""
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
    for case in state_changing(scene.ids):
        for name in case.fields:
            response = case.send(scene, **nul_in(case, name))
            message = refusal_text(response)
            if response.status_code != 422 or f'"{name}"' not in message:
                wrong.append((case.method, case.route, name, response.status_code, message[:80]))
    assert wrong == []
    learner = scene.as_("learner")
    held = learner.get(f"/api/v1/attempts/{scene.ids['attempt_id']}").json()
    assert not held["submitted"] and held["questions"][0]["chosen"] == "A"


def test_a_nul_anywhere_in_json_is_refused_with_its_place(scene: Scene) -> None:
    learner = scene.as_("learner")
    save = f"/api/v1/attempts/{scene.ids['attempt_id']}/answers/2"
    for body, place in [
        ({"option": "A", "extra": {"deep": ["x", "x\x00"]}}, "extra.deep[1]"),
        ({"option\x00": "A"}, "option\\x00"),
        ({"option": "A\x00"}, "option"),
        (["A", "\x00"], "body[1]"),
        ("\x00", "body"),
        ({"a\x00.b": 1}, "a\\x00.b"),
        ([[[["\x00"]] * 2]], "body[0][0][0][0]"),
    ]:
        refused = learner.put(save, json=body)
        assert refused.status_code == 422, body
        assert f'"{place[:40]}' in refusal_text(refused)
        assert "contains a control character (U+0000)" in refusal_text(refused)
    json_text = {"content-type": "application/json"}
    deep = "[" * 500 + '"\\u0000"' + "]" * 500
    refused = learner.put(save, content=deep, headers=json_text)
    assert refused.status_code == 422 and '"body[0][0]' in refusal_text(refused)
    too_deep = "[" * 5000 + '"\\u0000"' + "]" * 5000  # deeper than json.loads reads
    assert learner.put(save, content=too_deep, headers=json_text).status_code == 400


def test_a_nul_in_a_multipart_form_is_refused_too(scene: Scene) -> None:
    learner = scene.as_("learner")
    raw = learner.post("/interview/chain-rule/answer", files={"answer": (None, "chain\x00rule")})
    # UTF-7 spells NUL without a NUL byte: the form's declared charset is honoured.
    part = (
        b'--B\r\nContent-Disposition: form-data; name="answer"\r\n\r\nchain+AAA-rule\r\n--B--\r\n'
    )
    utf7 = learner.post(
        "/interview/chain-rule/answer",
        content=part,
        headers={"content-type": "multipart/form-data; boundary=B; charset=utf-7"},
    )
    for refused in (raw, utf7):
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

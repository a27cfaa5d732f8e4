"""The canary: nothing that gives the answer away leaves the server before submission."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from gradquiz.config import Settings
from gradquiz.content.pack_loader import load_pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.factories import FrozenClock, write_pack

KEY_ID = "canarykey"
CANARIES = ("CANARY-EXPLANATION-7f3a", "CANARY-FEEDBACK-7f3a", "CANARY-KEYFEEDBACK-7f3a", KEY_ID)


CANARY_GENERATOR = f"""
import random
from gradquiz.generators import Choice, KeyCheck, centred_difference, text_variant

def slope(rng: random.Random):
    x = rng.randint(2, 9)
    return text_variant(
        stem=f"What is the slope of $x^2$ at $x = {{x}}$?",
        key=Choice("{KEY_ID}", f"${{2 * x}}$", "{CANARIES[2]} says why."),
        distractors=[
            Choice("half", f"${{x}}$", "{CANARIES[1]} names the error."),
            Choice("value", f"${{x * x + 1}}$", "{CANARIES[1]} names the error."),
            Choice("sign", f"$-{{2 * x}}$", "{CANARIES[1]} names the error."),
        ],
        explanation="{CANARIES[0]} explains it.",
        checks=[KeyCheck("slope", 2 * x, centred_difference(lambda p: p[0] ** 2, [x], 0))],
    )
"""


@pytest.fixture
def canary_client(tmp_path: Path, database: Database, clock: FrozenClock) -> Iterator[TestClient]:
    folder = write_pack(
        tmp_path / "canary",
        explanation=f"{CANARIES[0]} explains it.",
        feedback=f"{CANARIES[1]} names the error.",
        key=KEY_ID,
        key_feedback=f"{CANARIES[2]} says why.",
    )
    (folder / "generators").mkdir()
    (folder / "generators" / "canary.py").write_text(CANARY_GENERATOR)
    for n in range(4):  # enough that most exams draw one
        (folder / "questions" / f"generated-{n}.txt").write_text(
            f"id: generated-{n}\ntopic: chain-rule\ndifficulty: easy\n"
            "reference: Nielsen, ch. 2\ngenerator: canary.slope\n"
        )
    service = ExamService(
        database=database, pack=load_pack(folder), grace=timedelta(seconds=15), clock=clock
    )
    app = create_app(Settings(database_url=str(database.url)), service=service)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def leaks(response: Response) -> list[str]:
    raw = response.content.decode("utf-8", "replace") + repr(dict(response.headers))
    return [c for c in CANARIES if c.lower() in raw.lower()]


def test_no_key_feedback_or_explanation_before_submit(canary_client: TestClient) -> None:
    client = canary_client
    seen: list[Response] = [client.get("/"), client.get("/openapi.json"), client.get("/api/docs")]
    for _ in range(30):  # until an attempt includes a generated question
        started = client.post("/attempts")
        seen.append(started)
        attempt_id = started.headers["location"].split("/")[2]
        api_attempt = client.get(f"/api/v1/attempts/{attempt_id}")
        seen.append(api_attempt)
        questions = api_attempt.json()["questions"]
        if any(q["id"].startswith("generated-") for q in questions):
            break
    assert any(q["id"].startswith("generated-") for q in questions), "no generated question drawn"
    for q in questions:
        seen.append(client.get(f"/attempts/{attempt_id}/questions/{q['number']}"))
        url = f"/api/v1/attempts/{attempt_id}/answers/{q['id']}"
        for label in ("A", "B", "C", "D"):
            seen.append(client.put(url, json={"option": label, "marked": q["number"] % 2 == 0}))
        seen.append(client.put(url, json={"option": "Z"}))  # error responses count too
        seen.append(
            client.post(f"/attempts/{attempt_id}/questions/{q['number']}", data={"option": "B"})
        )
    seen.append(
        client.put(
            f"/api/v1/attempts/{attempt_id}/answers/{questions[0]['id']}", json={"option": None}
        )
    )
    seen += [
        client.get(f"/attempts/{attempt_id}"),
        client.get(f"/attempts/{attempt_id}/review"),
        client.post(f"/attempts/{attempt_id}/submit"),  # the confirm page
        client.get(f"/attempts/{attempt_id}/result"),  # redirect while open
        client.get(f"/api/v1/attempts/{attempt_id}/result"),  # 409 while open
        client.get("/static/exam.js"),
        client.get("/static/style.css"),
        client.post("/api/v1/attempts"),
    ]
    assert len(seen) > 100
    found = {f"{r.request.method} {r.request.url.path}": leaks(r) for r in seen if leaks(r)}
    assert found == {}

    # The canary is live: after submitting, the same server does send all of it.
    result = client.post(f"/api/v1/attempts/{attempt_id}/submit")
    assert result.status_code == 200
    page = client.get(f"/attempts/{attempt_id}/result")
    for canary in CANARIES[:3]:
        assert canary in page.text and canary in result.text

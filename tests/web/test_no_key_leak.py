"""The canary: nothing that gives the answer away leaves the server before submission."""

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from gradquiz.core.packs import Pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.attempts import load_attempt
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.factories import FrozenClock, write_pack
from tests.web.exam.test_parametrized_pages import parametrized_numbers

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


def write_canary_pack(folder: Path) -> Path:
    """A pack whose keys, feedback and explanations are canaries, with generated questions."""
    write_pack(
        folder,
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
    return folder


@pytest.fixture
def canary_client(
    canary_pack: Pack, database: Database, clock: FrozenClock
) -> Iterator[TestClient]:
    service = ExamService(
        database=database, pack=canary_pack, grace=timedelta(seconds=15), clock=clock
    )
    app = create_app(app_settings(database), service=service)
    app.state.test_service = service
    with TestClient(app, follow_redirects=False) as client:
        yield client


def leaks(response: Response, canaries: tuple[str, ...] = CANARIES) -> list[str]:
    raw = response.content.decode("utf-8", "replace") + repr(dict(response.headers))
    return [c for c in canaries if c.lower() in raw.lower()]


def test_no_key_feedback_or_explanation_before_submit(canary_client: TestClient) -> None:
    client = canary_client
    service: ExamService = client.app.state.test_service  # type: ignore[attr-defined]
    # Before submit nothing may name a bank question either: an id is a hint.
    canaries = CANARIES + tuple(service.pack.questions)
    seen: list[Response] = [client.get("/"), client.get("/openapi.json"), client.get("/api/docs")]
    replacing: dict[str, str] = {}
    for _ in range(30):  # until an attempt includes a generated question
        started = client.post("/attempts", data=replacing)
        seen.append(started)
        attempt_id = started.headers["location"].split("/")[2]
        api_attempt = client.get(f"/api/v1/attempts/{attempt_id}")
        seen.append(api_attempt)
        questions = api_attempt.json()["questions"]
        if parametrized_numbers(service, attempt_id):
            break
        replacing = {"replacing": attempt_id}
    assert parametrized_numbers(service, attempt_id), "no generated question drawn"
    for q in questions:
        seen.append(client.get(f"/attempts/{attempt_id}/questions/{q['number']}"))
        url = f"/api/v1/attempts/{attempt_id}/answers/{q['number']}"
        for label in ("A", "B", "C", "D"):
            seen.append(client.put(url, json={"option": label, "marked": q["number"] % 2 == 0}))
        seen.append(client.put(url, json={"option": "Z"}))  # error responses count too
        seen.append(
            client.post(f"/attempts/{attempt_id}/questions/{q['number']}", data={"option": "B"})
        )
    seen.append(client.put(f"/api/v1/attempts/{attempt_id}/answers/1", json={"option": None}))
    seen += [
        client.get(f"/attempts/{attempt_id}"),
        client.get(f"/attempts/{attempt_id}/review"),
        client.post(f"/attempts/{attempt_id}/submit"),  # asks to confirm
        client.get(f"/attempts/{attempt_id}/review?confirm=1"),  # the confirm box
        client.get(f"/attempts/{attempt_id}/result"),  # redirect while open
        client.get(f"/api/v1/attempts/{attempt_id}/result"),  # 409 while open
        client.get("/static/exam.js"),
        client.get("/static/style.css"),
        client.post("/api/v1/attempts"),  # 409: one is in progress
        client.post("/attempts"),  # the resume-or-abandon page
    ]
    assert len(seen) > 100
    found = {
        f"{r.request.method} {r.request.url.path}": leaked
        for r in seen
        if (leaked := leaks(r, canaries))
    }
    assert found == {}

    # The canary is live: after submitting, the same server does send all of it.
    result = client.post(f"/api/v1/attempts/{attempt_id}/submit")
    assert result.status_code == 200
    page = client.get(f"/attempts/{attempt_id}/result")
    for canary in CANARIES[:3]:
        assert canary in page.text and canary in result.text


def test_practice_shows_nothing_of_the_answer_before_it_is_given(
    canary_client: TestClient,
) -> None:
    client = canary_client
    service: ExamService = client.app.state.test_service  # type: ignore[attr-defined]
    canaries = CANARIES + tuple(service.pack.questions)
    before: list[Response] = [client.get("/practice"), client.get("/review")]
    after: list[Response] = []
    started = client.post("/practice", data={"count": "all"})
    url = started.headers["location"]
    before += [started, client.get(url)]
    for number in range(1, len(service.pack.questions) + 1):
        question = f"{url}/{number}"
        before += [
            client.get(question),
            client.post(question, data={"option": "Z"}),  # refused: still unanswered
            client.post(question, data={"typed": "4"}),  # refused: not a numeric question
            client.get(f"{url}/{number + 1}"),  # a later question redirects to this one
            client.get(f"{url}/done"),
        ]
        before.append(client.post(question, data={"option": "B", "confidence": "sure"}))
        after.append(client.get(question))
    assert len(before) > 100
    found = {
        f"{r.request.method} {r.request.url.path}": leaked
        for r in before
        if (leaked := leaks(r, canaries))
    }
    assert found == {}
    # The canary is live: once answered, the feedback does carry it.
    assert all(canary in after[0].text for canary in CANARIES[:3])


def test_the_download_names_nothing_of_the_attempt_in_progress(canary_client: TestClient) -> None:
    client = canary_client
    service: ExamService = client.app.state.test_service  # type: ignore[attr-defined]
    attempt = client.post("/api/v1/attempts").json()
    while not parametrized_numbers(service, attempt["id"]):  # a key named "canarykey"
        attempt = client.post("/api/v1/attempts", params={"replacing": attempt["id"]}).json()
    for q in attempt["questions"]:
        client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['number']}", json={"option": "A"})
    with service.database.read() as session:
        stored = load_attempt(session=session, attempt_id=attempt["id"])
    assert stored is not None
    secrets = {KEY_ID} | {
        str(part)
        for slot in stored.slots
        for part in (slot.question_id, slot.seed, slot.version)
        if part is not None
    }
    download = client.get("/progress/my-data.zip")
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        text = "".join(archive.read(name).decode() for name in archive.namelist())
    words = set(re.findall(r"[\w-]+", text))
    assert download.status_code == 200 and attempt["id"] in words
    assert words & (secrets - {""}) == set()

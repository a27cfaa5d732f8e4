from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gradquiz.storage import attempts as store
from tests.factories import FrozenClock, statements_run


def start(client: TestClient) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/v1/attempts")
    assert response.status_code == 201, response.text
    return response.json()


def test_start_sets_a_private_identity_cookie_and_returns_15_questions(client: TestClient) -> None:
    response = client.post("/api/v1/attempts")
    assert response.status_code == 201
    cookie = response.headers["set-cookie"]
    assert "gradquiz_id=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    body = response.json()
    assert response.headers["location"] == f"/api/v1/attempts/{body['id']}"
    assert len(body["questions"]) == 15
    assert body["remaining_seconds"] == 25 * 60
    assert {o["label"] for o in body["questions"][0]["options"]} <= set("ABCDE")
    assert [q["difficulty"] for q in body["questions"]] == ["easy"] * 5 + ["medium"] * 6 + [
        "hard"
    ] * 4


def test_save_read_submit_result(client: TestClient) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    saved = client.put(url, json={"option": "B", "marked": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["option"] == "B" and saved.json()["answered"] == 1
    again = client.put(url, json={"option": "B", "marked": True})
    assert again.status_code == 200 and again.json()["answered"] == 1
    read = client.get(f"/api/v1/attempts/{attempt['id']}").json()
    assert read["questions"][0]["chosen"] == "B" and read["questions"][0]["marked"]
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert result.status_code == 200
    body = result.json()
    assert body["total"] == 15 and body["submitted_by"] == "learner"
    graded = body["questions"][0]
    assert graded["chosen"] == "B"
    assert graded["correct"] == (graded["key"] == "B")
    assert sum(o["key"] for o in graded["options"]) == 1
    assert graded["explanation_html"]
    assert client.get(f"/api/v1/attempts/{attempt['id']}/result").json() == body


def test_submit_reads_the_attempt_once_and_answers_as_a_later_read(
    app: FastAPI, client: TestClient
) -> None:
    attempt = start(client)
    client.put(f"/api/v1/attempts/{attempt['id']}/answers/1", json={"option": "A"})
    with statements_run(app.state.service.database.engine) as statements:
        submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    # Loaded (and locked) once to submit it; the result is built from that same attempt. The
    # background sweep of overdue attempts (its own query, on a timer) may run meanwhile.
    reads = [s for s in statements if "FROM attempts" in s and "attempts.deadline <" not in s]
    assert len(reads) == 1, reads
    app.state.finished._entries.clear()  # rendered again, from what the database holds
    assert client.get(f"/api/v1/attempts/{attempt['id']}/result").json() == submitted.json()


def test_a_new_browser_starts_without_looking_up_questions_it_has_seen(
    app: FastAPI, client: TestClient
) -> None:
    engine = app.state.service.database.engine
    with statements_run(engine) as statements:
        first = client.post("/api/v1/attempts")
    assert first.status_code == 201, first.text
    assert not any("FROM seen_questions" in s for s in statements), statements
    # Once it has an identity, its next start prefers questions it has not met.
    client.post(f"/api/v1/attempts/{first.json()['id']}/submit")
    with statements_run(engine) as statements:
        second = client.post("/api/v1/attempts")
    assert second.status_code == 201, second.text
    assert sum("FROM seen_questions" in s for s in statements) == 1
    database = app.state.service.database
    with database.reading() as session:
        drawn = [
            store.load_attempt(session=session, attempt_id=a.json()["id"]) for a in (first, second)
        ]
    assert {s.question_id for s in drawn[0].slots}.isdisjoint(s.question_id for s in drawn[1].slots)


def test_clearing_an_answer(client: TestClient) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/2"
    client.put(url, json={"option": "A"})
    cleared = client.put(url, json={"option": None})
    assert cleared.status_code == 200 and cleared.json()["answered"] == 0


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"option": "Z"}, "'Z' is not an option of this question"),
        ({"option": 5}, "option"),
        ({"marked": True}, "option: Field required"),
        ({"option": "A", "extra": 1}, "extra"),
        ([], "body"),
    ],
)
def test_bad_answer_bodies_get_422_with_a_message(
    client: TestClient, body: object, fragment: str
) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    response = client.put(url, json=body)
    assert response.status_code == 422
    assert fragment in response.json()["error"]["message"]


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    response = client.put(url, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("The request is not valid")


def test_unknown_question_and_unknown_attempt(client: TestClient) -> None:
    attempt = start(client)
    response = client.put(f"/api/v1/attempts/{attempt['id']}/answers/16", json={"option": "A"})
    assert response.status_code == 404
    assert "questions 1 to 15" in response.json()["error"]["message"]
    named = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/sgd-update-sign", json={"option": "A"}
    )
    assert named.status_code == 422
    missing = client.get("/api/v1/attempts/does-not-exist")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"status": 404, "message": "No such attempt."}}


def test_another_browser_gets_404_for_every_route(
    client: TestClient, other_client: TestClient
) -> None:
    attempt = start(client)
    base = f"/api/v1/attempts/{attempt['id']}"
    other_client.post("/api/v1/attempts")  # the other browser has an identity of its own
    assert other_client.get(base).status_code == 404
    assert other_client.put(f"{base}/answers/1", json={"option": "A"}).status_code == 404
    assert other_client.post(f"{base}/submit").status_code == 404
    assert other_client.get(f"{base}/result").status_code == 404
    assert other_client.get(f"/attempts/{attempt['id']}/questions/1").status_code == 404
    assert client.get(base).status_code == 200


def test_late_save_is_refused_with_409_and_a_message(
    client: TestClient, clock: FrozenClock
) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    assert client.put(url, json={"option": "A"}).status_code == 200
    clock.advance(minutes=25, seconds=16)
    late = client.put(url, json={"option": "B"})
    assert late.status_code == 409
    assert (
        "Time is up" in late.json()["error"]["message"]
        or "submitted" in late.json()["error"]["message"]
    )
    result = client.get(f"/api/v1/attempts/{attempt['id']}/result").json()
    assert result["submitted_by"] == "deadline"
    assert result["questions"][0]["chosen"] == "A"


def test_save_in_the_grace_window_counts(client: TestClient, clock: FrozenClock) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/1"
    clock.advance(minutes=25, seconds=5)
    assert client.put(url, json={"option": "C"}).status_code == 200


def test_result_before_submit_is_409(client: TestClient) -> None:
    attempt = start(client)
    response = client.get(f"/api/v1/attempts/{attempt['id']}/result")
    assert response.status_code == 409
    assert "once the attempt has been submitted" in response.json()["error"]["message"]


def test_unknown_api_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404


def test_openapi_document_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) == {
        "/api/v1/attempts",
        "/api/v1/attempts/{attempt_id}",
        "/api/v1/attempts/{attempt_id}/answers/{number}",
        "/api/v1/attempts/{attempt_id}/submit",
        "/api/v1/attempts/{attempt_id}/result",
        "/api/v1/classes/join",
        "/api/v1/classes/{class_id}/attempts",
    }
    assert "404" in paths["/api/v1/attempts/{attempt_id}"]["get"]["responses"]


def test_overdue_attempts_are_swept_at_start_up(app, service, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    attempt = service.start(learner="sweep-token-0000000000000")
    clock.advance(hours=1)
    with TestClient(app):
        assert app.state.ready.wait(timeout=30)
    with service.database.read() as session:
        from gradquiz.storage.attempts import load_attempt

        loaded = load_attempt(session=session, attempt_id=attempt.id)
    assert loaded is not None and loaded.is_submitted
    assert clock() - loaded.submitted_at > timedelta(minutes=30)  # type: ignore[operator]


def test_saves_that_arrive_out_of_order_end_with_the_last_choice(client: TestClient) -> None:
    attempt = start(client)
    url = f"/api/v1/attempts/{attempt['id']}/answers/3"
    seq = attempt["questions"][2]["next_seq"]
    assert seq == 1
    later = client.put(url, json={"option": "C", "marked": False, "seq": seq + 1}).json()
    older = client.put(url, json={"option": "A", "marked": True, "seq": seq}).json()
    assert later["applied"] and later["option"] == "C"
    assert not older["applied"]
    assert (older["option"], older["marked"], older["seq"]) == ("C", False, seq + 1)
    # The held save sent again changes nothing (it is not applied twice).
    replayed = client.put(url, json={"option": "C", "marked": False, "seq": seq + 1}).json()
    assert not replayed["applied"] and replayed["answered"] == 1
    assert replayed["saved_at"] == later["saved_at"]
    read = client.get(f"/api/v1/attempts/{attempt['id']}").json()["questions"][2]
    assert (read["chosen"], read["next_seq"]) == ("C", seq + 2)
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit").json()
    assert result["questions"][2]["chosen"] == "C"


def test_a_second_start_is_refused_while_one_is_in_progress(client: TestClient) -> None:
    first = start(client)
    again = client.post("/api/v1/attempts")
    assert again.status_code == 409
    assert again.headers["location"] == f"/api/v1/attempts/{first['id']}"
    assert "in progress" in again.json()["error"]["message"]
    replaced = client.post("/api/v1/attempts", params={"replacing": first["id"]})
    assert replaced.status_code == 201 and replaced.json()["id"] != first["id"]
    old = client.get(f"/api/v1/attempts/{first['id']}/result").json()
    assert old["submitted_by"] == "abandoned"


def test_nothing_before_submit_names_a_bank_question(client: TestClient, pack) -> None:  # type: ignore[no-untyped-def]
    attempt = start(client)
    read = client.get(f"/api/v1/attempts/{attempt['id']}")
    saved = client.put(f"/api/v1/attempts/{attempt['id']}/answers/1", json={"option": "A"})
    pages = [client.get(f"/attempts/{attempt['id']}/questions/{n}") for n in (1, 8, 15)]
    review = client.get(f"/attempts/{attempt['id']}/review")
    for response in (read, saved, review, *pages):
        for question_id in pack.questions:
            assert question_id not in response.text, question_id


def test_a_result_read_before_by_its_owner_is_still_nobody_elses(
    client: TestClient, other_client: TestClient
) -> None:
    attempt = start(client)
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    mine = client.get(f"/api/v1/attempts/{attempt['id']}/result")
    page = client.get(f"/attempts/{attempt['id']}/result")
    assert mine.status_code == 200 and page.status_code == 200
    other_client.post("/api/v1/attempts")
    assert other_client.get(f"/api/v1/attempts/{attempt['id']}/result").status_code == 404
    assert other_client.get(f"/attempts/{attempt['id']}/result").status_code == 404
    assert client.get(f"/api/v1/attempts/{attempt['id']}/result").json() == mine.json()


def test_pages_and_json_over_a_kilobyte_go_out_compressed(client: TestClient) -> None:
    import gzip

    attempt = start(client)
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    for path in (
        "/",
        f"/api/v1/attempts/{attempt['id']}",
        f"/attempts/{attempt['id']}/result",
        f"/api/v1/attempts/{attempt['id']}/result",
    ):
        raw = client.get(path, headers={"Accept-Encoding": "gzip"})
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        assert raw.headers.get("content-encoding") == "gzip", path
        assert "content-encoding" not in plain.headers, path
        assert raw.content == plain.content  # httpx undoes the gzip; the bodies agree
        assert int(raw.headers.get("content-length", len(gzip.compress(raw.content)))) < len(
            plain.content
        )
    font = client.get(
        "/static/fonts/noto-sans-math-subset.woff2", headers={"Accept-Encoding": "gzip"}
    )
    assert font.status_code == 200 and len(font.content) > 1024
    assert "content-encoding" not in font.headers  # compressed already

"""Late answers over HTTP: a save after the deadline is refused (409) and kept with the
device's time; the learner's result says which answers counted and which came late; the
class's live and results pages list them for the instructor. SQLite and PostgreSQL."""

import re

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.accounts import Role
from tests.factories import FrozenClock
from tests.web.classes.test_class_pages import Site, new_class, site  # noqa: F401 (a fixture)


def start(client: TestClient) -> str:
    response = client.post("/api/v1/attempts")
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_result_says_which_answers_counted_and_lists_the_late_ones(
    client: TestClient, clock: FrozenClock
) -> None:
    attempt = start(client)
    answers = f"/api/v1/attempts/{attempt}/answers"
    for number in (1, 2):
        assert client.put(f"{answers}/{number}", json={"option": "A", "seq": 1}).status_code == 200
    clock.advance(minutes=25, seconds=16)
    first = client.get(f"/api/v1/attempts/{attempt}/result").json()  # kept by the process
    assert first["counted"] == [1, 2] and first["late_answers"] == []
    body = {"option": "B", "seq": 2, "device_time": "2026-01-05T09:24:58+00:00"}
    for _ in range(2):  # sent twice (a retry): kept once
        refused = client.put(f"{answers}/2", json=body)
        assert refused.status_code == 409 and "Time is up" in refused.json()["error"]["message"]
    assert client.put(f"{answers}/7", json={"option": "C", "seq": 1}).status_code == 409
    result = client.get(f"/api/v1/attempts/{attempt}/result").json()
    assert result["counted"] == [1, 2]
    assert [(a["number"], a["chosen"], a["counted"]) for a in result["late_answers"]] == [
        (2, "B", "A"),
        (7, "C", None),
    ]
    assert result["late_answers"][0]["device_time"].startswith("2026-01-05T09:24:58")
    assert result["late_answers"][1]["device_time"] is None
    assert result["questions"][1]["chosen"] == "A"
    page = client.get(f"/attempts/{attempt}/result").text
    assert "Which answers counted" in page
    assert "Counted: the answers to questions 1, 2." in page
    assert "2 answers reached the server after the deadline and did not count" in page
    table = page[page.index('id="late-answers"') :]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)
    assert len(rows) == 2 and "Question 2" in rows[0] and "Question 7" in rows[1]


@pytest.mark.parametrize(
    ("device_time", "status", "kept"),
    [
        ("2000-01-01T00:00:00Z", 409, "2000-01-01T00:00:00Z"),
        ("2999-12-31T23:59:59Z", 409, "2999-12-31T23:59:59Z"),
        ("2000-01-01T00:30:00+01:00", 409, None),  # 1999 in UTC
        ("1999-12-31T23:59:59Z", 409, None),
        ("3000-01-01T00:00:00Z", 409, None),
        ("9999-12-31T23:59:59-14:00", 409, None),  # past the calendar in UTC
        ("0001-01-01T00:00:00+14:00", 409, None),
        ("2026-01-05T09:24:58", 422, None),  # no offset: whose clock?
        ("yesterday", 422, None),
        ("2026-01-05T09:24:58+00:00" + "0" * 5000, 422, None),
    ],
)
def test_the_device_time_is_checked_at_and_past_its_limits(
    client: TestClient, clock: FrozenClock, device_time: str, status: int, kept: str | None
) -> None:
    attempt = start(client)
    clock.advance(minutes=30)
    url = f"/api/v1/attempts/{attempt}/answers/1"
    response = client.put(url, json={"option": "A", "seq": 1, "device_time": device_time})
    assert response.status_code == status, response.text
    if status == 422:
        assert "device_time" in response.text
    late = client.get(f"/api/v1/attempts/{attempt}/result").json()["late_answers"]
    assert len(late) == (status == 409)
    if late:  # a time no clock should show is kept as not given
        given = late[0]["device_time"]
        assert (given and given.replace("+00:00", "Z")) == kept


def test_the_class_live_and_results_pages_list_late_answers_per_learner(
    site: Site,  # noqa: F811
) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher, minutes=10)
    learners = {name: site.person(name) for name in ("ada", "bob")}
    sittings = {}
    for name, token in learners.items():
        client = site.as_(token)
        assert client.post("/api/v1/classes/join", json={"code": code}).status_code == 200
        started = client.post(f"/api/v1/classes/{class_id}/attempts")
        assert started.status_code == 201, started.text
        sittings[name] = started.json()["attempt_id"]
        url = f"/api/v1/attempts/{sittings[name]}/answers/1"
        assert client.put(url, json={"option": "A", "seq": 1}).status_code == 200
    site.clock.advance(minutes=11)
    client = site.as_(learners["ada"])
    for number, letter in ((1, "B"), (3, "C")):
        url = f"/api/v1/attempts/{sittings['ada']}/answers/{number}"
        body = {"option": letter, "seq": 2, "device_time": "2026-01-05T09:09:30Z"}
        assert client.put(url, json=body).status_code == 409
    # The class shows the score only, and still says which answers counted and which came late.
    withheld = client.get(f"/attempts/{sittings['ada']}/result").text
    assert "Counted: the answer to question 1." in withheld
    assert (
        len(re.findall(r'<tr><th scope="row">', withheld[withheld.index('id="late-answers"') :]))
        == 2
    )
    instructor = site.as_(teacher)
    live = instructor.get(f"/classes/{class_id}/live").text
    results = instructor.get(f"/classes/{class_id}/results").text
    for page in (live, results):
        table = page[page.index('id="late-answers"') :]
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S)
        assert len(rows) == 2, rows
        assert all(row.startswith("ada") for row in rows)
        assert "Question 1" in rows[0] and ">B<" in rows[0] and ">A<" in rows[0]
        assert "Question 3" in rows[1] and ">C<" in rows[1] and "no answer" in rows[1]
        assert "its own clock, not checked" in page
    data = instructor.get(f"/classes/{class_id}/live.json").json()
    late = {row["username"]: row["late"] for row in data["rows"]}
    assert late == {"ada": 2, "bob": 0}

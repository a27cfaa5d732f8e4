"""Closing a class exam early: a confirmation that counts the attempts in progress, and
learners told that their instructor closed it (not that their time ran out), on both
databases."""

from sqlalchemy import select

from gradquiz.core.classes import Disclosure
from gradquiz.storage.models import AttemptRow
from tests.web.class_site import Site, instructor, new_class, seated
from tests.web.class_site import site as site  # the fixture


def test_closing_asks_first_with_the_number_in_progress(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher)
    for name in ("ada", "alan"):
        seated(site, code, class_id, name, submit=False)
    seated(site, code, class_id, "grace", submit=True)
    client = site.as_(teacher)
    live = client.get(f"/classes/{class_id}/live")
    assert "every attempt in progress (2 now)" in live.text
    assert f'href="/classes/{class_id}/close"' in live.text
    unconfirmed = client.post(f"/classes/{class_id}/close")
    assert unconfirmed.status_code == 303
    assert unconfirmed.headers["location"] == f"/classes/{class_id}/close"
    assert '<span id="window-state">open</span>' in client.get(f"/classes/{class_id}/live").text
    confirm = client.get(f"/classes/{class_id}/close")
    assert confirm.status_code == 200
    assert "<strong>2 attempts in progress</strong> are submitted" in confirm.text
    assert "Close and submit 2 attempts</button>" in confirm.text
    closed = client.post(f"/classes/{class_id}/close", data={"confirm": "yes"})
    assert closed.headers["location"] == f"/classes/{class_id}/live?notice=closed"
    page = client.get(closed.headers["location"])
    assert "Closed: closed early, with 2 attempts in progress." in page.text
    assert "told that you closed the exam" in page.text
    assert client.get(f"/classes/{class_id}/close").headers["location"].endswith("/live")


def test_learners_are_told_their_instructor_closed_the_exam(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher)
    sitting = seated(site, code, class_id, "ada", submit=False)
    finished = seated(site, code, class_id, "grace", submit=True)
    site.clock.advance(minutes=5)
    site.as_(teacher).post(f"/classes/{class_id}/close", data={"confirm": "yes"})
    with site.service.database.read() as session:
        rows = session.execute(select(AttemptRow).where(AttemptRow.class_exam_id == class_id))
        by = {row.owner: row.submitted_by for row in rows.scalars()}
    assert sorted(by.values()) == ["closed", "learner"]

    learner = site.as_(sitting)
    attempt_id = learner.get(f"/classes/{class_id}").text.split("/attempts/")[1].split("/")[0]
    result = learner.get(f"/attempts/{attempt_id}/result")
    assert result.status_code == 200
    assert "when your instructor closed the exam" in result.text
    assert "time ran out" not in result.text
    api = learner.get(f"/api/v1/attempts/{attempt_id}/result").json()
    assert api["submitted_by"] == "closed"
    late = learner.put(f"/api/v1/attempts/{attempt_id}/answers/2", json={"option": "B"})
    assert late.status_code == 409
    assert "Your instructor has closed the exam" in late.json()["error"]["message"]
    results = site.as_(teacher).get(f"/classes/{class_id}/results")
    assert "when you closed the exam" in results.text and "by the learner" in results.text
    live = site.as_(teacher).get(f"/classes/{class_id}/live.json").json()
    assert sorted(r["state"] for r in live["rows"]) == ["submitted", "submitted at the close"]
    other = site.as_(finished).get(f"/classes/{class_id}")
    assert other.status_code == 200


def test_a_withheld_result_says_the_instructor_closed_it(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher, after_close=Disclosure.SCORE)
    sitting = seated(site, code, class_id, "ada", submit=False)
    site.as_(teacher).post(f"/classes/{class_id}/close", data={"confirm": "yes"})
    learner = site.as_(sitting)
    attempt_id = learner.get(f"/classes/{class_id}").text.split("/attempts/")[1].split("/")[0]
    page = learner.get(f"/attempts/{attempt_id}/result")
    assert page.status_code == 200 and "Your instructor closed the exam" in page.text
    api = learner.get(f"/api/v1/attempts/{attempt_id}/result").json()
    assert api["submitted_by"] == "closed" and api["disclosure"] == "score"

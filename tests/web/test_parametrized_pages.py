"""A parametrized question shows the same numbers on every request of its attempt."""

from fastapi.testclient import TestClient

from gradquiz.services.exam import ExamService
from tests.web.test_exam_pages import page_text


def start_with_generated(client: TestClient, service: ExamService) -> tuple[dict, dict]:  # type: ignore[type-arg]
    for _ in range(40):
        attempt = client.post("/api/v1/attempts").json()
        for question in attempt["questions"]:
            if service.pack.questions[question["id"]].parametrized:
                return attempt, question
    raise AssertionError("no attempt drew a parametrized question")


def test_variant_is_stable_across_reads_pages_and_the_result(
    client: TestClient, service: ExamService
) -> None:
    attempt, question = start_with_generated(client, service)
    again = client.get(f"/api/v1/attempts/{attempt['id']}").json()
    same = next(q for q in again["questions"] if q["id"] == question["id"])
    assert same["stem_html"] == question["stem_html"]
    assert same["options"] == question["options"]
    page = client.get(f"/attempts/{attempt['id']}/questions/{question['number']}")
    assert question["stem_html"] in page.text
    chosen = question["options"][0]["label"]
    client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}", json={"option": chosen}
    )
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit").json()
    graded = next(q for q in result["questions"] if q["id"] == question["id"])
    assert graded["stem_html"] == question["stem_html"]
    assert [o["html"] for o in graded["options"]] == [o["html"] for o in question["options"]]
    assert graded["chosen"] == chosen and sum(o["key"] for o in graded["options"]) == 1
    assert "Explanation" in page_text(client.get(f"/attempts/{attempt['id']}/result").text)


def test_two_attempts_draw_different_numbers(client: TestClient, service: ExamService) -> None:
    stems = set()
    for _ in range(8):
        _, question = start_with_generated(client, service)
        stems.add(question["stem_html"])
    assert len(stems) > 1

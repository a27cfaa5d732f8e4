"""A parametrized question shows the same numbers on every request of its attempt."""

from fastapi.testclient import TestClient

from gradquiz.services.exam import ExamService
from gradquiz.storage.attempts import load_attempt
from tests.web.exam.test_exam_pages import page_text


def parametrized_numbers(service: ExamService, attempt_id: str) -> list[int]:
    """Which questions of the attempt are parametrized: the server knows, the client may not."""
    with service.database.read() as session:
        attempt = load_attempt(session=session, attempt_id=attempt_id)
    assert attempt is not None
    return [
        number
        for number, slot in enumerate(attempt.slots, start=1)
        if service.pack.questions[slot.question_id].parametrized
    ]


def start_with_generated(client: TestClient, service: ExamService) -> tuple[dict, dict]:  # type: ignore[type-arg]
    replacing: dict[str, str] = {}
    for _ in range(40):
        attempt = client.post("/api/v1/attempts", params=replacing).json()
        numbers = parametrized_numbers(service, attempt["id"])
        if numbers:
            return attempt, attempt["questions"][numbers[0] - 1]
        replacing = {"replacing": attempt["id"]}
    raise AssertionError("no attempt drew a parametrized question")


def test_variant_is_stable_across_reads_pages_and_the_result(
    client: TestClient, service: ExamService
) -> None:
    attempt, question = start_with_generated(client, service)
    number = question["number"]
    again = client.get(f"/api/v1/attempts/{attempt['id']}").json()
    same = again["questions"][number - 1]
    assert same["stem_html"] == question["stem_html"]
    assert same["options"] == question["options"]
    page = client.get(f"/attempts/{attempt['id']}/questions/{number}")
    assert question["stem_html"] in page.text
    chosen = question["options"][0]["label"]
    client.put(f"/api/v1/attempts/{attempt['id']}/answers/{number}", json={"option": chosen})
    result = client.post(f"/api/v1/attempts/{attempt['id']}/submit").json()
    graded = result["questions"][number - 1]
    assert graded["stem_html"] == question["stem_html"]
    assert [o["html"] for o in graded["options"]] == [o["html"] for o in question["options"]]
    assert graded["chosen"] == chosen and sum(o["key"] for o in graded["options"]) == 1
    assert "Explanation" in page_text(client.get(f"/attempts/{attempt['id']}/result").text)


def test_two_attempts_draw_different_numbers(client: TestClient, service: ExamService) -> None:
    stems = set()
    for _ in range(8):
        attempt, question = start_with_generated(client, service)
        stems.add(question["stem_html"])
        client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert len(stems) > 1


def test_a_graph_question_opens_in_the_lab_with_its_numbers_and_its_key(
    client: TestClient, service: ExamService
) -> None:
    """The lab computes, at the question's numbers, the very gradient its key gives."""
    import re
    from html import unescape

    from gradquiz.services.lab import open_graph

    checked = set()
    for question in service.pack.questions.values():
        for seed in range(30) if question.parametrized else ():
            shown = question.resolve(seed)
            if shown.lab is None:
                continue
            page = open_graph(shown.lab.graph, {k: str(v) for k, v in shown.lab.values})
            asked = re.findall(r"\\partial [Lf]\}\{\\partial (\w+)\}", shown.stem)[-1]
            key = next(o.value for o in shown.options if o.id == shown.key)
            assert key is not None
            assert abs(page.graph.gradients[asked] - key) <= 1e-9 * max(1.0, abs(key)), (
                question.id,
                seed,
            )
            checked.add(question.id)
    assert {"neuron-dl-dw", "fanout-graph-numeric", "gate-routing-numeric"} <= checked
    replacing: dict[str, str] = {}
    for _ in range(40):  # until an attempt draws a question the lab computes
        attempt_id = client.post("/api/v1/attempts", params=replacing).json()["id"]
        with service.database.reading() as session:
            drawn = load_attempt(session=session, attempt_id=attempt_id)
        assert drawn is not None
        in_lab = sum(1 for q in service.shown.of(drawn) if q.lab is not None)
        if in_lab:
            break
        replacing = {"replacing": attempt_id}
    assert in_lab, "no attempt drew a question the lab computes"
    client.post(f"/api/v1/attempts/{attempt_id}/submit")
    result = client.get(f"/attempts/{attempt_id}/result").text
    links = re.findall(r'<a href="(/lab/[^"]+)">Open this in the backprop lab', result)
    assert len(links) == in_lab  # one link for every such question, and no other
    for link in links:
        assert client.get(unescape(link)).status_code == 200

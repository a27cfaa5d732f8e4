"""Pages and API answers while a class window holds questions back: results and practice
feedback show no key of them, a set waits at one, and a start the rest cannot fill is a
clear 409, never a 500."""

import re
from datetime import datetime, timedelta

import lxml.html
from fastapi.testclient import TestClient

from gradquiz.core.practice import PracticeSession
from gradquiz.core.questions import Difficulty
from gradquiz.services.exam import ExamService
from gradquiz.services.practice import PracticeService
from gradquiz.storage.attempts import load_attempt
from tests.factories import FrozenClock
from tests.services.test_class_windows import HOUR, held_class
from tests.web.exam.test_exam_pages import page_text
from tests.web.practice.test_practice_pages import learner_of, start


def hold(service: ExamService, question_ids: list[str], clock: FrozenClock) -> None:
    """Open a class window asking these questions, for an hour from now."""
    held_class(service, question_ids, clock(), clock() + HOUR)
    service.windows.forget()


def started(client: TestClient) -> tuple[str, PracticeService, PracticeSession]:
    """A new set of 10: its address, the practice service and the set as drawn."""
    url = start(client, count="10")
    practice: PracticeService = client.app.state.practice  # type: ignore[attr-defined]
    return url, practice, practice.session(learner=learner_of(client), session_id=url.split("/")[2])


def test_a_result_read_during_the_window_shows_no_key_of_its_questions(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    attempt = client.post("/api/v1/attempts").json()
    for q in attempt["questions"]:
        client.put(f"/api/v1/attempts/{attempt['id']}/answers/{q['number']}", json={"option": "A"})
    before = client.post(f"/api/v1/attempts/{attempt['id']}/submit").json()
    page = client.get(f"/attempts/{attempt['id']}/result").text  # kept rendered, with keys
    assert all(q["key"] for q in before["questions"]) and page.count("Correct answer") == 15
    with service.database.read() as session:
        stored = load_attempt(session=session, attempt_id=attempt["id"])
    assert stored is not None
    hold(service, [stored.slots[n].question_id for n in (0, 4)], clock)

    during = client.get(f"/api/v1/attempts/{attempt['id']}/result").json()
    held = [q for q in during["questions"] if q["held_until"]]
    assert [q["number"] for q in held] == [1, 5]
    assert all(q["key"] == "" and q["correct"] is None for q in held)
    assert all(not o["key"] and not o["feedback_html"] for q in held for o in q["options"])
    assert all(q["explanation_html"] == "" for q in held)
    assert all(q["key"] for q in during["questions"] if not q["held_until"])
    text = page_text(client.get(f"/attempts/{attempt['id']}/result").text)
    assert text.count("Correct answer") == 13 and text.count("held back until it closes") == 2

    clock.advance(hours=1, seconds=15)  # the window closed: everything again
    after = client.get(f"/api/v1/attempts/{attempt['id']}/result").json()
    assert after == before


def test_when_no_exam_can_start_the_landing_page_says_so_and_start_is_409(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    hard = [q.id for q in service.pack.questions.values() if q.difficulty is Difficulty.HARD]
    hold(service, hard[1:], clock)
    landing = page_text(client.get("/").text)
    assert "No exam can start now" in landing and "Start exam" not in landing
    refused = client.post("/attempts")
    assert refused.status_code == 409 and "cannot make a full exam" in refused.text
    api = client.post("/api/v1/attempts")
    assert api.status_code == 409 and "class exam closes at" in api.json()["error"]["message"]
    clock.advance(hours=1, seconds=15)
    assert "Start exam" in page_text(client.get("/").text)
    assert client.post("/attempts").status_code == 303


def test_a_practice_set_waits_at_a_held_question_and_hides_a_held_answer(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    url, _, drawn = started(client)
    assert client.post(url + "/1", data={"option": "B"}).status_code == 303
    hold(service, [drawn.item(1).slot.question_id, drawn.item(2).slot.question_id], clock)

    feedback = page_text(client.get(url + "/1").text)
    assert "Answer held back" in feedback and "You chose B" in feedback
    assert "Correct answer" not in feedback and "the answer is" not in feedback
    assert "Explanation" not in feedback
    waiting = client.get(url + "/2")
    assert waiting.status_code == 200 and "waits for a class exam to close" in waiting.text
    refused = client.post(url + "/2", data={"option": "A"})
    assert refused.status_code == 409 and "cannot be answered here" in refused.text
    done = page_text(client.get(url + "/done").text)
    assert "held back while a class exam that asks it is open" in done

    clock.advance(hours=1, seconds=15)
    assert "Correct answer" in page_text(client.get(url + "/1").text)
    assert client.post(url + "/2", data={"option": "A"}).status_code == 303


def test_a_set_summary_counts_only_the_answers_it_shows_as_right_or_wrong(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    url, practice, drawn = started(client)
    right = {1: True, 2: False, 3: True, 4: False}
    for number, correct in right.items():
        slot = drawn.item(number).slot
        key = practice.question(drawn, number).key
        letter = slot.letter_of(key if correct else next(o for o in slot.option_order if o != key))
        assert client.post(f"{url}/{number}", data={"option": letter}).status_code == 303
    hold(service, [drawn.item(n).slot.question_id for n in (1, 2, 5)], clock)

    markup = client.get(url + "/done").text
    done = page_text(markup)
    # Before: "So far: 2 of 4 right (50%)", the two held answers counted (and the topic table
    # with them), though the list beside it says only that they are held back.
    assert "So far: 1 of 2 right (50%)" in done
    assert "2 of 4" not in done
    assert "2 more answers are held back while a class exam that asks them is open" in done
    assert done.count("held back while a class exam that asks it is open") == 2
    shown = lxml.html.fromstring(markup)
    assert len(shown.xpath("//ol[@class='done-list']/li[@class='correct']")) == 1
    assert len(shown.xpath("//ol[@class='done-list']/li[@class='wrong']")) == 1
    topics = [
        td.text_content() for td in shown.xpath("//table[@class='breakdown']//tbody/tr/td[1]")
    ]
    counted = [tuple(int(n) for n in t.split(" of ")) for t in topics]
    assert (sum(r for r, _ in counted), sum(t for _, t in counted)) == (1, 2), topics

    clock.advance(hours=1, seconds=15)  # the window closed: all four count again
    assert "So far: 2 of 4 right (50%)" in page_text(client.get(url + "/done").text)


def test_a_summary_whose_every_answer_is_held_says_none_is_counted_yet(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    url, _, drawn = started(client)
    assert client.post(url + "/1", data={"option": "A"}).status_code == 303
    hold(service, [drawn.item(1).slot.question_id], clock)
    done = page_text(client.get(url + "/done").text)
    assert "So far: 0 of 0 right" in done and "1 answer is held back" in done
    assert "more answer" not in done and "Right answers by topic" not in done


def test_with_several_class_exams_open_the_landing_page_says_how_many_and_what_to_do(
    client: TestClient, service: ExamService, clock: FrozenClock
) -> None:
    hard = [q.id for q in service.pack.questions.values() if q.difficulty is Difficulty.HARD]
    hold(service, hard[1:2], clock)
    held_class(service, hard[2:], clock(), clock() + 2 * HOUR)
    service.windows.forget()
    markup = client.get("/").text
    text = page_text(markup)
    assert "No exam can start now" in text and "2 class exams are open" in text
    times = re.findall(r'<time datetime="([^"]+)"', markup.split('id="refusal-title"')[1])
    first, last = (datetime.fromisoformat(t) for t in times[:2])  # each close, with grace
    assert timedelta(0) <= first - (clock() + HOUR) < timedelta(minutes=1)
    assert timedelta(0) <= last - (clock() + 2 * HOUR) < timedelta(minutes=1)
    for link in ('href="/practice"', 'href="/lab"', 'href="/classes"'):
        assert link in markup.split('id="refusal-title"')[1].split("</div>")[0], link

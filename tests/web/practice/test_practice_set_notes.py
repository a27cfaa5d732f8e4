"""What a practice set says of its own size: a set smaller than asked says why (only so many
matched, some held back by an open class exam), and its summary names the questions added as
"another like" one as the question pages do, saying how they count."""

import re
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from gradquiz.services.exam import ExamService
from gradquiz.services.practice import PracticeService
from tests.factories import FrozenClock
from tests.web.exam.test_exam_pages import page_text
from tests.web.practice.test_held_pages import hold
from tests.web.practice.test_practice_pages import learner_of, numeric_and_static_set, start

# Words of the short-set note that no question's text holds ("Only" alone is in some options).
NOTE = "of the topics and difficulties you chose"


def first_page(client: TestClient, url: str) -> str:
    """The text of the page the set's URL leads to."""
    response = client.get(url)
    assert response.status_code == 303
    return page_text(client.get(response.headers["location"]).text)


def test_a_set_smaller_than_asked_says_only_so_many_matched(client: TestClient) -> None:
    # gradient-checking, hard: one question in the pack.
    url = start(client, topic="gradient-checking", difficulty="hard", count="20")
    text = first_page(client, url)
    assert "question 1 of 1" in text
    # Before: "question 1 of 1" and nothing else.
    assert (
        "Only 1 question of the topics and difficulties you chose matches, so this set has 1, "
        "not the 20 you asked for." in text
    )
    # autodiff, every difficulty: five questions, ten asked for.
    url = start(client, topic="autodiff", count="10")
    assert (
        "Only 5 questions of the topics and difficulties you chose match, so this set has 5, not the 10 you asked for."
        in first_page(client, url)
    )


def test_a_set_that_holds_every_match_says_nothing_of_its_size(client: TestClient) -> None:
    url = start(client, topic="chain-rule", count="10")
    assert "?" not in url  # 17 match: the set is as asked
    assert NOTE not in first_page(client, url)
    url = start(client, topic="autodiff", count="all")
    assert "?" not in url and NOTE not in first_page(client, url)


def test_a_set_smaller_because_a_class_exam_holds_questions_says_so(
    client: TestClient, service: ExamService, practice: PracticeService, clock: FrozenClock
) -> None:
    autodiff = [q.id for q in practice.pack.questions.values() if q.topic == "autodiff"]
    hold(service, autodiff[:2], clock)
    url = start(client, topic="autodiff", count="10")
    text = first_page(client, url)
    assert (
        "Only 3 questions of the topics and difficulties you chose can be practised now, so "
        "this set has 3, not the 10 you asked for: 2 more are in a class exam that is open "
        "now, and kept out of practice until it closes." in text
    )


def test_the_note_is_said_only_of_the_set_it_is_true_of(
    client: TestClient, practice: PracticeService
) -> None:
    url = start(client, count="10")  # every topic: ten of many
    forged = urlencode({"asked": "20", "topic": "autodiff"})
    assert NOTE not in page_text(client.get(f"{url}/1?{forged}").text)
    short = start(client, topic="autodiff", count="10").split("?")[0]
    # A set of five autodiff questions, but another choice named: nothing is said.
    other = urlencode({"asked": "10", "topic": "autodiff", "difficulty": "hard"})
    assert NOTE not in page_text(client.get(f"{short}/1?{other}").text)
    # The query is bounded: past ASKED_TOPICS topics or with a size not offered, nothing.
    many = urlencode([("asked", "10")] + [("topic", "autodiff")] * 65)
    page = client.get(f"{short}/1?{many}")
    assert page.status_code == 200 and NOTE not in page_text(page.text)
    at_limit = urlencode([("asked", "10")] + [("topic", "autodiff")] * 64)
    assert "Only 5 questions" in page_text(client.get(f"{short}/1?{at_limit}").text)
    for asked in ("7", "abc", "1" * 5000, ""):
        page = client.get(f"{short}/1?" + urlencode({"asked": asked, "topic": "autodiff"}))
        assert page.status_code == 200 and NOTE not in page_text(page.text)
    huge = urlencode({"asked": "10", "topic": "x" * 20_000})
    page = client.get(f"{short}/1?{huge}")
    assert page.status_code == 200 and NOTE not in page_text(page.text)


def _miss_the_first(client: TestClient, practice: PracticeService) -> str:
    """A set whose question 1 is answered wrong and 2 answered: 3 is another like 1."""
    url = numeric_and_static_set(client, practice)
    made = practice.session(learner=learner_of(client), session_id=url.rsplit("/", 1)[1])
    question = practice.question(made, 1)
    wrong = next(o for o in question.option_ids if o != question.key)
    letter = made.item(1).slot.letter_of(wrong)
    assert client.post(f"{url}/1", data={"option": letter, "show": "options"}).status_code == 303
    client.post(f"{url}/2", data={"option": "A"})
    return url


def test_the_summary_names_added_questions_as_the_question_pages_do(
    client: TestClient, practice: PracticeService
) -> None:
    url = _miss_the_first(client, practice)
    assert "another like question 1" in page_text(client.get(f"{url}/3").text)
    made = practice.session(learner=learner_of(client), session_id=url.rsplit("/", 1)[1])
    again = practice.question(made, 3)
    key = made.item(3).slot.letter_of(again.key)
    assert client.post(f"{url}/3", data={"option": key, "show": "options"}).status_code == 303
    done = page_text(client.get(f"{url}/done").text)
    # Before: "Question 3 · … · wrong" beside pages that said "another like question 1".
    assert "Question 3" not in done
    assert "Question 1 of 2" in done and "Question 2 of 2" in done
    assert "Another like question 1" in done
    assert (
        "The set holds the 2 questions it was made with and 1 more, each added as another "
        'like one you got wrong (listed as "another like question 1"); every answer counts '
        "once in the score, those included." in done
    )


def test_an_added_question_is_called_another_like_it_everywhere_on_its_pages(
    client: TestClient, practice: PracticeService
) -> None:
    # The heading said "another like question 1" while the card said
    # "Question 3", the tab title "…: question 3, wrong", the legend "…to question 3".
    url = _miss_the_first(client, practice)
    asking = client.get(f"{url}/3?show=options").text
    assert "Choose one answer to another like question 1</legend>" in asking
    assert "question 3" not in page_text(asking).lower()
    client.post(f"{url}/3", data={"option": "A", "show": "options"})
    answered = client.get(f"{url}/3").text
    assert re.search(r"<title>[^<]*: another like question 1, (right|wrong)", answered)
    assert "question 3" not in page_text(answered).lower()
    assert "Another like question 1" in page_text(answered)

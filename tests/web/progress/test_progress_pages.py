"""The progress page: charts with tables, exam history, what is due; download and delete."""

import io
import re
import zipfile
from fractions import Fraction

from fastapi.testclient import TestClient

from gradquiz.services.exam import ExamService
from gradquiz.services.practice import PracticeService
from tests.web.accounts.test_account_pages import accounts_app, sign_up
from tests.web.exam.test_exam_pages import page_text
from tests.web.practice.test_practice_pages import learner_of, start


def answer_some(client: TestClient) -> str:
    """Three practice answers (sure, unsure, guessing) and a submitted exam; the practice
    set's URL."""
    url = start(client, count="10")
    for number, confidence in ((1, "sure"), (2, "unsure"), (3, "guessing")):
        client.post(f"{url}/{number}", data={"option": "A", "confidence": confidence})
    attempt_id = client.post("/attempts").headers["location"].split("/")[2]
    client.post(f"/attempts/{attempt_id}/questions/1", data={"option": "A"})
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    return url


def test_a_new_browser_sees_an_empty_progress_page(client: TestClient) -> None:
    response = client.get("/progress")
    assert response.status_code == 200
    text = page_text(response.text)
    assert "Nothing to show yet" in text and "No exam of your own submitted yet" in text
    assert "<svg" not in response.text


def test_every_chart_has_its_table_and_the_exam_is_listed(
    client: TestClient, practice: PracticeService
) -> None:
    url = answer_some(client)
    session = practice.session(learner=learner_of(client), session_id=url.rsplit("/", 1)[1])
    options = len(practice.question(session, 3).options)  # the guessed question's, as drawn
    response = client.get("/progress")
    markup = response.text
    # Every answer is from this week: no trend to draw yet, a sentence says so.
    assert markup.count('<svg class="chart-svg" role="img"') == 3
    assert "once you have answers from two different weeks" in markup
    assert markup.count('role="region"') >= 5  # a table beside each chart, and the exams
    text = page_text(markup)
    for heading in (
        "Mastery per topic",
        "Trend over the last eight weeks",
        "Your exams",
        "Due for review, the next two weeks",
        "How sure against how right",
    ):
        assert heading in text
    assert "4 answers so far" in text
    assert re.search(r"\d+ of 15 \(\d+%\) 0:00 Result", text)  # date, score, time used, link
    assert "Today: due now, later today or overdue" in text
    # The due line counts this moment, the chart the whole day: the page says which is which.
    assert "the chart and table count by day (UTC), so today's bar also holds" in text
    assert re.search(r"Sure ?90% ?(100|0)% \((1|0) of 1\)", text)
    # A guess claims one in the question's options (four: 25 %, three: 33 %, five: 20 %, as
    # the draw gives); before, 25 % whatever the question.
    claimed = int(Fraction(100, options) + Fraction(1, 2))  # whole percent, halves up
    assert re.search(rf"Guessing ?{claimed}% ?(100|0)% \((1|0) of 1\)", text), (options, text)
    # Some generated questions have five options.
    assert "a blind guess among the question's options (1 in n with n options;" in text
    assert "1 in 4 with four options" not in text
    assert "<script>" not in markup and " onclick=" not in markup


def test_download_my_data_is_a_zip_of_csv_files(client: TestClient) -> None:
    answer_some(client)
    response = client.get("/progress/my-data.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        log = archive.read("review_log.csv").decode().splitlines()
    assert {"attempts.csv", "exam_answers.csv", "review_log.csv"} <= names
    assert len(log) == 1 + 4


def test_delete_my_data_asks_first_then_removes_everything(
    client: TestClient, other_client: TestClient
) -> None:
    answer_some(client)
    answer_some(other_client)
    refused = client.post("/progress/delete-my-data")
    assert refused.status_code == 422 and "Tick the box" in refused.text
    done = client.post("/progress/delete-my-data", data={"confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/progress?deleted=1"
    text = page_text(client.get("/progress?deleted=1").text)
    assert "Your data is deleted" in text and "0 answers so far" in text
    assert "4 answers so far" in page_text(other_client.get("/progress").text)


def test_mastery_percentages_round_half_up(client: TestClient, practice: PracticeService) -> None:
    # 1, 5 and 3 of 8 right: round half to even showed 12 %, 62 % and 38 %.
    for topic, right in (("chain-rule", 1), ("gradient-descent", 5), ("vanishing-gradient", 3)):
        url = start(client, topic=topic, count="10")
        session = practice.session(learner=learner_of(client), session_id=url.rsplit("/", 1)[1])
        for number in range(1, 9):
            item, question = session.item(number), practice.question(session, number)
            wrong = next(o for o in question.option_ids if o != question.key)
            chosen = question.key if number <= right else wrong
            client.post(f"{url}/{number}", data={"option": item.slot.letter_of(chosen)})
    text = page_text(client.get("/progress").text)
    for shown in ("1 of 8 ?13%", "5 of 8 ?63%", "3 of 8 ?38%"):
        assert re.search(shown, text), shown


def test_a_typed_guess_claims_about_0_not_one_in_the_options(
    client: TestClient, practice: PracticeService
) -> None:
    # A typed number given as a guess showed
    # "Guessing | Claims 25% | 100% (1 of 1)", though no options were shown.
    url = start(client, topic="chain-rule", count="all")
    session = practice.session(learner=learner_of(client), session_id=url.rsplit("/", 1)[1])
    item = next(
        item
        for item in session.items
        if item.slot.seed is not None and practice.question(session, item.number).numeric
    )
    for earlier in range(1, item.number):  # answered in order, with no confidence given
        client.post(f"{url}/{earlier}", data={"option": "A"})
    question = practice.question(session, item.number)
    key = question.option(question.key)
    answered = client.post(
        f"{url}/{item.number}", data={"typed": repr(key.value), "confidence": "guessing"}
    )
    assert answered.status_code == 303, answered.text[-3000:]
    text = page_text(client.get("/progress").text)
    assert re.search(r"Guessing ?0% ?100% \(1 of 1\)", text), text
    assert "a number typed as a guess saw no options and claims about 0" in text
    # "9 in 10 when sure, 6 in 10 when unsure" are gradquiz's own anchors.
    assert "What the words mean is gradquiz's own choice, not a fact about calibration" in text
    # A chosen option given as a guess still claims one in the options.
    chosen = client.post(f"{url}/{item.number + 1}", data={"option": "A", "confidence": "guessing"})
    assert chosen.status_code == 303
    text = page_text(client.get("/progress").text)
    # (0 + 1/k) / 2 for a question of k options, 2 to 6: 25 %, 17 %, 13 %, 10 % or 8 %.
    assert re.search(r"Guessing ?(25|17|13|12|10|8)% ?(50|100)% \((1|2) of 2\)", text), text


def test_a_signed_in_learner_reads_this_account_not_this_browser(service: ExamService) -> None:
    # A signed-in learner was told the charts and the data were "this
    # browser"'s, though they follow the account to any browser.
    app = accounts_app(service)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        answer_some(client)
        anonymous = page_text(client.get("/progress").text)
        assert "everything you answered with this browser" in anonymous
        assert "Everything gradquiz keeps about this browser" in anonymous
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        sign_up(client)
        answer_some(client)
        text = page_text(client.get("/progress").text)
        assert "everything you answered with this account" in text
        assert "Everything gradquiz keeps about this account" in text
        assert "this browser" not in text
        client.post("/progress/delete-my-data", data={"confirm": "yes"})
        deleted = page_text(client.get("/progress?deleted=1").text)
        assert "review card this account had is gone" in deleted


def test_with_no_guesses_the_guessing_row_claims_nothing(client: TestClient) -> None:
    # Claims is "the average over your guesses", and with none it said
    # 25 %.
    url = start(client, count="10")
    for number, confidence in ((1, "sure"), (2, "unsure")):
        client.post(f"{url}/{number}", data={"option": "A", "confidence": confidence})
    text = page_text(client.get("/progress").text)
    assert re.search(r"Guessing ?– \(no guesses: nothing to average\) ?no answers yet", text), text
    assert re.search(r"Sure ?90%", text)

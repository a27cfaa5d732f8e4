"""/classes/banks: an instructor uploads a file, reads the report, previews every question as
learners will see it, and deletes the bank; nobody else sees any of it."""

import base64
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gradquiz.core.accounts import Role
from gradquiz.services.passwords import Passwords
from gradquiz.web.sessions import SESSION_COOKIE
from tests.content.formats.samples import BILLION_LAUGHS, PNG, answer, moodle_quiz
from tests.factories import CHEAP_HASHER
from tests.web.test_exam_pages import page_text

PASSWORD = "a long enough password"
GIFT = (
    "$CATEGORY: $course$/top/Backprop/Chain rule/hard\n\n"
    "::Secret one::Which CANARY-STEM gate copies the gradient? {\n"
    "=add#CANARY-FEEDBACK right\n~max#It routes.\n~mul#It scales.\n"
    "####CANARY-EXPLANATION\n}\n\n"
    "::Essay::Explain. {}\n\n"
    "::Bad::Two keys {=a =b ~c#x}\n"
)


@dataclass
class People:
    client: TestClient
    tokens: dict[str, str]

    def as_(self, who: str) -> TestClient:
        self.client.cookies.clear()
        if who in self.tokens:
            self.client.cookies.set(SESSION_COOKIE, self.tokens[who])
        return self.client


@pytest.fixture
def people(app: FastAPI) -> Iterator[People]:
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    tokens = {}
    for name, role in (
        ("prof", Role.INSTRUCTOR),
        ("other", Role.INSTRUCTOR),
        ("pupil", Role.LEARNER),
    ):
        app.state.accounts.create_account(username=name, password=PASSWORD, role=role)
        tokens[name] = app.state.accounts.sign_in(
            username=name, password=PASSWORD, address="test", browser=None, ending=None
        ).token
    with TestClient(app, follow_redirects=False) as client:
        yield People(client, tokens)


def upload(client: TestClient, name: str, data: bytes, **form: str) -> object:
    return client.post(
        "/classes/banks", files={"file": (name, data)}, data={"bank": "Week 3", **form}
    )


def test_an_upload_shows_the_report_and_the_bank(people: People) -> None:
    prof = people.as_("prof")
    response = upload(prof, "week3.gift", GIFT.encode())
    assert response.status_code == 200
    text = page_text(response.text)
    assert "1 imported, 1 skipped (1 essay), 1 refused" in text
    assert "line 10: skipped essay question 'Essay'" in text
    assert "line 12: refused 'Bad': 2 right answers; one is needed" in text
    assert "bank 'Week 3': 1 new, 0 changed (a new version), 0 unchanged" in text
    again = page_text(upload(prof, "week3.gift", GIFT.encode()).text)
    assert "0 new, 0 changed (a new version), 1 unchanged" in again
    listing = page_text(prof.get("/classes/banks").text)
    assert "Week 3 · 1 question" in listing


def bank_id(app: FastAPI, who: str = "prof") -> str:
    banks = app.state.banks
    owner = banks.instructor_named(who)
    return str(banks.banks(instructor=owner)[0].id)


def test_the_preview_shows_every_question_as_learners_see_it(people: People) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    page = prof.get(f"/classes/banks/{bank_id(prof.app)}")  # type: ignore[arg-type]
    assert page.status_code == 200
    text = page_text(page.text)
    for canary in ("CANARY-STEM", "CANARY-FEEDBACK right", "CANARY-EXPLANATION"):
        assert canary in text
    assert "Correct answer" in text and "chain-rule" in text and "Hard" in text


def test_nobody_else_sees_a_bank_or_its_text(people: People) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    for who in ("other", "pupil", "anonymous"):
        client = people.as_(who)
        for path in (f"/classes/banks/{bank}", f"/classes/banks/{bank}/media/x.png"):
            response = client.get(path)
            assert response.status_code in (403, 404), (who, path)
            assert "CANARY" not in response.text
        assert "CANARY" not in client.get("/classes/banks").text
        deleted = client.post(f"/classes/banks/{bank}/delete", data={"confirm": "yes"})
        assert deleted.status_code in (403, 404)
    for path in ("/", "/practice", "/classes", "/api/v1/attempts"):
        assert "CANARY" not in people.as_("pupil").get(path).text


def test_an_image_is_served_to_its_instructor(people: People) -> None:
    xml = moodle_quiz(
        '<question type="multichoice"><name><text>Img</text></name>'
        '<questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/g.png" alt="graph"&gt;'
        f'Which?</text><file name="g.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}'
        "</file></questiontext>" + answer("100", "a") + answer("0", "b", "no") + "</question>"
    )
    prof = people.as_("prof")
    upload(prof, "quiz.xml", xml)
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    page = prof.get(f"/classes/banks/{bank}")
    assert f'src="/classes/banks/{bank}/media/g.png"' in page.text
    image = prof.get(f"/classes/banks/{bank}/media/g.png")
    assert (image.status_code, image.headers["content-type"], image.content) == (
        200,
        "image/png",
        PNG,
    )
    assert image.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("quiz.xml", BILLION_LAUGHS, "entity expansion and external entities are refused"),
        (
            "bank.csv",
            "Q?,a,b,c,d,A\nCafé?,a,b,c,d,B\n".encode("cp1252"),
            "Line 2, column 4: byte 0xE9 is not UTF-8",
        ),
        ("bank.gift", b"::A::ok {=a ~b}\n\n::B::broken } {=a ~b}\n", "Not GIFT: line 3, column"),
    ],
)
def test_a_bad_file_is_a_422_naming_the_fault(
    people: People, name: str, data: bytes, message: str
) -> None:
    response = upload(people.as_("prof"), name, data)
    assert response.status_code == 422
    assert message in page_text(response.text)


def test_a_file_over_the_limit_is_refused(people: People) -> None:
    people.client.app.state.banks.max_bytes = 2048  # type: ignore[attr-defined]
    response = upload(people.as_("prof"), "big.gift", GIFT.encode() * 20)
    assert response.status_code == 422
    size = len(GIFT.encode() * 20) / 1000
    assert f"The file is {size:.1f} kB; imports take at most 2.0 kB" in page_text(response.text)


def test_an_upload_larger_than_the_route_allows_is_a_413_unread(people: People) -> None:
    limit = people.client.app.state.settings.import_max_bytes  # type: ignore[attr-defined]
    response = people.as_("prof").post(
        "/classes/banks",
        content=b"x" * (limit + 70 * 1024),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413


def test_other_posts_keep_their_small_limit(people: People) -> None:
    response = people.as_("prof").post("/classes/join", content=b"x" * 70_000)
    assert response.status_code == 413


def test_deleting_needs_the_box_and_then_the_bank_is_gone(people: People) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    refused = prof.post(f"/classes/banks/{bank}/delete")
    assert refused.status_code == 422 and "Tick the box" in page_text(refused.text)
    done = prof.post(f"/classes/banks/{bank}/delete", data={"confirm": "yes"})
    assert (done.status_code, done.headers["location"]) == (303, "/classes/banks?deleted=1")
    assert prof.get(f"/classes/banks/{bank}").status_code == 404


def test_a_refused_upload_keeps_the_bank_topic_difficulty_and_format(people: People) -> None:
    response = upload(
        people.as_("prof"),
        "bank.gift",
        b"no answer block here\n",
        topic="attention",
        difficulty="hard",
        format="gift",
    )
    assert response.status_code == 422
    assert 'name="bank" type="text" maxlength="120" autocomplete="off" value="Week 3"' in (
        response.text
    )
    assert 'value="attention"' in response.text
    assert '<option value="hard" selected>' in response.text
    assert '<option value="medium" selected>' not in response.text
    assert '<option value="gift" selected>' in response.text
    assert 'aria-invalid="true"' in response.text and "form-error" in response.text


@pytest.mark.parametrize(
    ("gift", "line"),
    [
        ("::A::ok {=a ~b}\n::B::next? {=a ~b}\n", "line 2 starts a new question"),
        ("// c\n::A::ok {\n=a\n~b\n}\nWhat next? {=a ~b}\n", "line 6 starts a new question"),
    ],
)
def test_two_gift_questions_run_together_are_named_as_such(
    people: People, gift: str, line: str
) -> None:
    response = upload(people.as_("prof"), "bank.gift", gift.encode())
    assert response.status_code == 422
    text = page_text(response.text)
    assert line in text and "put a blank line between questions" in text
    assert "unexpected" not in text

"""/classes/banks: an instructor uploads a file, reads the report, previews every question as
learners will see it, and deletes the bank; nobody else sees any of it."""

import base64
import re
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
from tests.web.exam.test_exam_pages import page_text

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
        ("third", Role.INSTRUCTOR),
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


def test_the_owner_shares_a_bank_by_username_and_stops_sharing(people: People) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    assert "Only you can use this bank." in page_text(prof.get(f"/classes/banks/{bank}").text)
    shared = prof.post(f"/classes/banks/{bank}/share", data={"username": " Other "})
    assert shared.status_code == 303
    assert shared.headers["location"] == f"/classes/banks/{bank}#sharing"
    page = page_text(prof.get(f"/classes/banks/{bank}").text)
    assert "Stop sharing with other" in page and "Only you can use this bank." not in page
    other = people.as_("other")
    seen = other.get(f"/classes/banks/{bank}")
    assert seen.status_code == 200 and "CANARY-STEM" in seen.text
    assert "Share the bank" not in seen.text and "Delete the bank" not in seen.text
    assert "Week 3 · 1 question" in page_text(other.get("/classes/banks").text)
    for action in ("share", "unshare"):  # only the owner changes who may use it
        refused = other.post(f"/classes/banks/{bank}/{action}", data={"username": "third"})
        assert refused.status_code == 404 and "CANARY" not in refused.text
    assert people.as_("third").get(f"/classes/banks/{bank}").status_code == 404
    stopped = people.as_("prof").post(f"/classes/banks/{bank}/unshare", data={"username": "other"})
    assert stopped.status_code == 303
    gone = people.as_("other").get(f"/classes/banks/{bank}")
    assert gone.status_code == 404 and "CANARY" not in gone.text


@pytest.mark.parametrize(
    ("action", "username", "message"),
    [
        ("share", "nobody", "There is no account named nobody."),
        ("share", "pupil", "pupil is not an instructor; only instructors share banks."),
        ("share", "PROF", "The bank is yours already; share it with another instructor."),
        ("share", "   ", "Type the username of the instructor to share the bank with."),
        ("share", "other", "The bank is already shared with other."),
        ("share", "x" * 32, f"There is no account named {'x' * 32}."),
        ("share", "x" * 400, f"There is no account named {'x' * 32}."),
        ("unshare", "third", "The bank is not shared with third."),
        ("unshare", "nobody", "There is no account named nobody."),
    ],
)
def test_a_refused_share_names_the_fault_on_the_bank_page_and_keeps_the_name(
    people: People, action: str, username: str, message: str
) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    assert prof.post(f"/classes/banks/{bank}/share", data={"username": "other"}).status_code == 303
    refused = prof.post(f"/classes/banks/{bank}/{action}", data={"username": username})
    assert refused.status_code == 422
    text = page_text(refused.text)
    assert message in text and "CANARY-STEM" in text  # the same page, the bank still shown
    assert f'value="{username[:64]}"' in refused.text
    assert "<title>Error:" in refused.text
    assert "Stop sharing with other" in text


def test_a_username_past_the_forms_limit_is_refused_unread(people: People) -> None:
    prof = people.as_("prof")
    upload(prof, "week3.gift", GIFT.encode())
    bank = bank_id(prof.app)  # type: ignore[arg-type]
    refused = prof.post(f"/classes/banks/{bank}/share", data={"username": "x" * 401})
    assert refused.status_code == 422 and "username" in page_text(refused.text)
    assert "Traceback" not in refused.text


def csv_rows(first: int, count: int) -> bytes:
    return "".join(
        f"Stem {n}?,a{n},b{n},c{n},d{n},B\n" for n in range(first, first + count)
    ).encode()


@pytest.mark.parametrize("limit", [1, 4])
def test_an_upload_past_a_banks_question_limit_is_refused_on_the_page_with_the_form_kept(
    people: People, limit: int
) -> None:
    people.client.app.state.banks.max_questions = limit  # type: ignore[attr-defined]
    prof = people.as_("prof")
    form = {"bank": "Week 3", "topic": "Chain rule", "difficulty": "hard", "format": "csv"}
    refused = prof.post(
        "/classes/banks", files={"file": ("w.csv", csv_rows(0, limit + 1))}, data=form
    )
    assert refused.status_code == 422
    text = page_text(refused.text)
    assert (
        f"The bank 'Week 3' would hold {limit + 1} questions; a bank holds at most {limit}. "
        "Nothing was imported."
    ) in text
    assert "No banks yet." in text
    assert 'value="Week 3"' in refused.text and 'value="Chain rule"' in refused.text
    assert '<option value="hard" selected>' in refused.text
    assert '<option value="csv" selected>' in refused.text
    at_limit = prof.post("/classes/banks", files={"file": ("w.csv", csv_rows(0, limit))}, data=form)
    assert at_limit.status_code == 200
    assert f"{limit} imported, 0 skipped, 0 refused" in page_text(at_limit.text)


def test_an_upload_past_the_instructors_bank_limit_is_refused_on_the_page(
    people: People,
) -> None:
    people.client.app.state.banks.max_banks = 2  # type: ignore[attr-defined]
    prof = people.as_("prof")
    for name in ("One", "Two"):
        made = prof.post(
            "/classes/banks", files={"file": ("w.csv", csv_rows(0, 1))}, data={"bank": name}
        )
        assert made.status_code == 200
    refused = prof.post(
        "/classes/banks", files={"file": ("w.csv", csv_rows(0, 1))}, data={"bank": "Three"}
    )
    assert refused.status_code == 422
    assert (
        "You have 2 banks, the most one instructor may have; import into one of them or "
        "delete one. Nothing was imported."
    ) in page_text(refused.text)
    assert "A bank holds at most 2,000 questions, and you may own 2 banks." in page_text(
        refused.text
    )


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
    assert re.search(r'<input id="bank" name="bank" [^>]*value="Week 3"', response.text)
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

"""Class exams over HTTP: every review policy before and after the close (the canary), a
class of 40 learners through the API, results and CSV against the database, and refusals."""

import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from gradquiz.core.accounts import Role
from gradquiz.core.attempts import LETTERS
from gradquiz.core.classes import Disclosure
from gradquiz.core.item_flags import FEW_LEARNERS
from gradquiz.core.packs import Pack
from gradquiz.services.accounts import AccountService
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.database import Database
from gradquiz.storage.models import AnswerRow, AttemptRow
from gradquiz.web.app import create_app
from gradquiz.web.sessions import SESSION_COOKIE
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, FrozenClock, class_rules
from tests.web.test_no_key_leak import CANARIES, leaks

PASSWORD = "a long enough password"


@dataclass
class Site:
    client: TestClient
    service: ExamService
    clock: FrozenClock

    @property
    def accounts(self) -> AccountService:
        accounts: AccountService = self.client.app.state.accounts  # type: ignore[attr-defined]
        return accounts

    @property
    def classes(self) -> ClassService:
        classes: ClassService = self.client.app.state.classes  # type: ignore[attr-defined]
        return classes

    def person(self, username: str, role: Role = Role.LEARNER) -> str:
        """Make an account and return a session token for it."""
        self.accounts.create_account(username=username, password=PASSWORD, role=role)
        return self.accounts.sign_in(
            username=username, password=PASSWORD, address="test", browser=None, ending=None
        ).token

    def as_(self, token: str) -> TestClient:
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, token)
        return self.client


@pytest.fixture
def site(canary_pack: Pack, database: Database, clock: FrozenClock) -> Iterator[Site]:
    """The app on a pack whose keys, feedback and explanations are canaries."""
    service = ExamService(
        database=database, pack=canary_pack, grace=timedelta(seconds=15), clock=clock
    )
    app = create_app(app_settings(database), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    with TestClient(app, follow_redirects=False) as client:
        yield Site(client, service, clock)


def new_class(site: Site, teacher: str, **rules: object) -> tuple[str, str]:
    """Create a class exam through the form; return its id and join code."""
    client = site.as_(teacher)
    now = site.clock()
    rule = class_rules(now, **rules)
    form = {
        "title": rule.title,
        "opens_at": rule.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": rule.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(rule.minutes),
        **{d.value: str(n) for d, n in rule.counts.items()},
        "at_submit": rule.at_submit.value,
        "after_close": rule.after_close.value,
        "attempts_allowed": str(rule.attempts_allowed),
    }
    created = client.post("/classes/new", data=form)
    assert created.status_code == 303, created.text
    class_id = created.headers["location"].split("/")[2]
    live = client.get(f"/classes/{class_id}/live")
    assert live.status_code == 200
    code = site.classes.owned(instructor=site.accounts.signed_in(teacher), class_id=class_id).code
    assert code in live.text
    return class_id, code


POLICIES = [
    (Disclosure.SCORE, Disclosure.SCORE),
    (Disclosure.SCORE, Disclosure.MARKS),
    (Disclosure.SCORE, Disclosure.EVERYTHING),
    (Disclosure.MARKS, Disclosure.EVERYTHING),
    (Disclosure.EVERYTHING, Disclosure.EVERYTHING),
]


@pytest.mark.parametrize(("at_submit", "after_close"), POLICIES)
def test_each_policy_shows_exactly_what_it_allows_before_and_after_the_close(
    site: Site, at_submit: Disclosure, after_close: Disclosure
) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher, at_submit=at_submit, after_close=after_close)
    learner = site.as_(site.person("learner"))
    seen: list[Response] = [
        learner.get("/classes"),
        learner.post("/classes/join", data={"code": code}),
    ]
    seen.append(learner.get(f"/classes/{class_id}"))
    started = learner.post(f"/classes/{class_id}/start")
    attempt_id = started.headers["location"].split("/")[2]
    seen += [started, learner.get(f"/api/v1/attempts/{attempt_id}")]
    for number in range(1, 16):
        seen.append(learner.get(f"/attempts/{attempt_id}/questions/{number}"))
        seen.append(
            learner.put(f"/api/v1/attempts/{attempt_id}/answers/{number}", json={"option": "A"})
        )
    bank_ids = tuple(site.service.pack.questions)
    assert all(not leaks(r, CANARIES + bank_ids) for r in seen), "leak before submit"

    after_submit = [
        learner.post(f"/api/v1/attempts/{attempt_id}/submit"),
        learner.get(f"/attempts/{attempt_id}/result"),
        learner.get(f"/attempts/{attempt_id}/result?only=wrong"),
        learner.get(f"/api/v1/attempts/{attempt_id}/result"),
        learner.get(f"/attempts/{attempt_id}/questions/1"),
        learner.post("/practice/missed", data={"attempt": attempt_id}),
        learner.get(f"/classes/{class_id}"),
    ]
    check_disclosure(after_submit, at_submit)

    site.clock.advance(hours=2, seconds=1)
    after_close_responses = [
        learner.get(f"/attempts/{attempt_id}/result"),
        learner.get(f"/api/v1/attempts/{attempt_id}/result"),
    ]
    check_disclosure(after_close_responses, after_close)


def check_disclosure(responses: list[Response], shown: Disclosure) -> None:
    everything = [r for r in responses if r.status_code == 200 and leaks(r)]
    if shown is Disclosure.EVERYTHING:
        assert everything, "the keys were not shown though the policy allows them"
        return
    assert not any(leaks(r) for r in responses), [r.url for r in responses if leaks(r)]
    api = next(r for r in responses if r.url.path.startswith("/api/") and r.status_code == 200)
    body = api.json()
    assert body["disclosure"] == shown.value and body["total"] == 15
    assert len(body["marks"]) == (15 if shown is Disclosure.MARKS else 0)
    page = next(r for r in responses if r.url.path.endswith("/result"))
    assert ("wrong or not answered" in page.text or "right</td>" in page.text) == (
        shown is Disclosure.MARKS
    )


# Enough learners for the statistics page's full reading (FEW_LEARNERS and up), for some to
# leave their attempt open for the close to submit, and for every page and export to list
# them all; each learner takes the same API path, so more of them would prove nothing more.
CLASS_SIZE = 40


def test_a_class_through_the_api_agrees_with_the_database(site: Site) -> None:
    assert CLASS_SIZE >= FEW_LEARNERS
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher)
    rng = random.Random(7)
    chosen: dict[str, dict[int, str]] = {}
    leavers = set()
    for n in range(CLASS_SIZE):
        client = site.as_(site.person(f"learner{n:03d}"))
        joined = client.post("/api/v1/classes/join", json={"code": code.lower()})
        assert joined.status_code == 200 and joined.json()["id"] == class_id
        started = client.post(f"/api/v1/classes/{class_id}/attempts")
        assert started.status_code == 201, started.text
        attempt_id = started.json()["attempt_id"]
        chosen[attempt_id] = {}
        for number in range(1, 16):
            if rng.random() < 0.9:
                letter = rng.choice(LETTERS[:4])
                saved = client.put(
                    f"/api/v1/attempts/{attempt_id}/answers/{number}", json={"option": letter}
                )
                assert saved.status_code == 200
                chosen[attempt_id][number] = letter
        if n % 10 == 9:
            leavers.add(attempt_id)  # walks away; the close submits it
        else:
            submitted = client.post(f"/api/v1/attempts/{attempt_id}/submit")
            assert submitted.status_code == 200 and submitted.json()["disclosure"] == "score"
            again = client.post(f"/api/v1/attempts/{attempt_id}/submit")
            assert again.status_code == 409
    instructor = site.as_(teacher)
    closed = instructor.post(f"/classes/{class_id}/close", data={"confirm": "yes"})
    assert closed.headers["location"].endswith("notice=closed")
    log = instructor.get(closed.headers["location"]).text
    assert f"Closed: closed early, with {CLASS_SIZE // 10} attempts in progress." in log

    expected = {}
    with site.service.database.read() as session:
        rows = session.execute(select(AttemptRow).where(AttemptRow.class_exam_id == class_id))
        attempts = {row.id: row for row in rows.scalars()}
        answers = session.execute(select(AnswerRow)).scalars().all()
    assert set(attempts) == set(chosen) and all(a.submitted_at for a in attempts.values())
    stored: dict[str, dict[str, str | None]] = {}
    for answer in answers:
        stored.setdefault(answer.attempt_id, {})[answer.question_id] = answer.option_id
    for attempt_id, row in attempts.items():
        attempt = site.service.attempt(learner=row.owner, attempt_id=attempt_id)
        right = 0
        for number, slot in enumerate(attempt.slots, start=1):
            letter = chosen[attempt_id].get(number)
            assert slot.letter_of(stored.get(attempt_id, {}).get(slot.question_id)) == letter
            right += (
                letter is not None
                and slot.option_for_letter(letter) == site.service.shown.of_slot(slot).key
            )
        assert row.score == right
        expected[attempt_id] = (right, "closed" if attempt_id in leavers else "learner")
        assert row.submitted_by == expected[attempt_id][1]

    table = list(
        csv.DictReader(io.StringIO(instructor.get(f"/classes/{class_id}/results.csv").text))
    )
    assert len(table) == CLASS_SIZE
    assert {r["attempt"]: (int(r["score"]), r["submitted_by"]) for r in table} == expected
    page = instructor.get(f"/classes/{class_id}/results")
    assert page.text.count(f"/classes/{class_id}/sittings/") == CLASS_SIZE
    answers_csv = list(
        csv.DictReader(io.StringIO(instructor.get(f"/classes/{class_id}/answers.csv").text))
    )
    assert len(answers_csv) == CLASS_SIZE * 15
    per_attempt: dict[str, int] = {}
    for r in answers_csv:
        per_attempt[r["attempt"]] = per_attempt.get(r["attempt"], 0) + int(r["correct"])
    assert per_attempt == {a: score for a, (score, _) in expected.items()}
    names = {r["attempt"]: r["username"] for r in table}
    assert all(names[r["attempt"]] and r["username"] == names[r["attempt"]] for r in answers_csv)
    one = next(iter(expected))
    sitting = instructor.get(f"/classes/{class_id}/sittings/{one}")
    assert sitting.status_code == 200 and f"{names[one]}'s result" in sitting.text
    stats = instructor.get(f"/classes/{class_id}/stats")
    assert stats.status_code == 200 and f"<strong>{CLASS_SIZE}</strong> learners" in stats.text
    assert (
        f"It rests on {CLASS_SIZE} learners." in stats.text and "internal consistency" in stats.text
    )
    assert stats.text.count('<th scope="col">Shown to</th>') == 15  # exposure, every question
    assert "poor from 0.20" not in stats.text and "marginal from 0.20" in stats.text
    live = instructor.get(f"/classes/{class_id}/live.json").json()
    everyone = {"joined": CLASS_SIZE, "started": CLASS_SIZE, "submitted": CLASS_SIZE}
    assert live["counts"] == {**everyone, "in_progress": 0}


def test_learners_cannot_reach_instructor_pages_and_bad_input_is_a_clear_error(
    site: Site,
) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher)
    learner = site.as_(site.person("learner"))
    for path in ("live", "live.json", "results", "results.csv", "answers.csv", "stats"):
        assert learner.get(f"/classes/{class_id}/{path}").status_code == 404
    assert learner.post(f"/classes/{class_id}/close").status_code == 404
    assert learner.get("/classes/new").status_code == 404
    refused = learner.post("/classes/join", data={"code": "WRONG9"})
    assert refused.status_code == 404 and "No class exam has that code" in refused.text
    assert learner.get(f"/classes/{class_id}").status_code == 404  # not a member yet
    site.client.cookies.clear()
    assert site.client.get(f"/classes/{class_id}").status_code == 403
    teacher_client = site.as_(teacher)
    bad = teacher_client.post(
        "/classes/new",
        data={"title": "x", "opens_at": "tomorrow", "closes_at": "", "minutes": "25"},
    )
    assert bad.status_code == 422 and "must be a date and time" in bad.text
    assert 'value="x"' in bad.text  # the form comes back filled in
    time = teacher_client.post(
        f"/classes/{class_id}/time", data={"username": "learner", "multiplier": "9"}
    )
    assert time.status_code == 422 and "multiplier" in time.text
    own = teacher_client.get("/join/" + code)  # their own class's join link: its live page
    assert own.headers["location"] == f"/classes/{class_id}/live"


def test_marks_held_back_by_another_open_class_are_rows_that_say_so(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher, at_submit=Disclosure.MARKS)
    new_class(site, teacher, at_submit=Disclosure.MARKS)  # open too, asking the same bank
    learner = site.as_(site.person("learner"))
    assert learner.post("/classes/join", data={"code": code}).status_code == 303
    started = learner.post(f"/api/v1/classes/{class_id}/attempts")
    attempt_id = started.json()["attempt_id"]
    assert learner.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    page = learner.get(f"/attempts/{attempt_id}/result")
    assert page.status_code == 200
    rows = re.findall(
        r'<th scope="row">(\d+)</th><td>([^<]*(?:<span[^>]*>[^<]*</span>[^<]*)?)', page.text
    )
    assert [int(n) for n, _ in rows] == list(range(1, 16))
    held = [n for n, cell in rows if cell.startswith("Held back")]
    api = learner.get(f"/api/v1/attempts/{attempt_id}/result").json()
    assert held and len(held) == 15 - len(api["marks"])
    assert "another class exam that asks this question is open" in page.text


def _new_class_form(site: Site) -> dict[str, str]:
    rule = class_rules(site.clock())
    return {
        "title": rule.title,
        "time_zone": "UTC",
        "opens_at": rule.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": rule.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(rule.minutes),
        **{d.value: str(n) for d, n in rule.counts.items()},
        "at_submit": rule.at_submit.value,
        "after_close": rule.after_close.value,
        "attempts_allowed": str(rule.attempts_allowed),
    }


# Every refusal the new-class-exam form gives, and the field it must land beside.
NEW_CLASS_REFUSALS = [
    ({"title": " "}, "title"),
    ({"bank": "no-such-bank"}, "bank"),
    ({"opens_at": "soon"}, "opens_at"),
    ({"opens_at": "1800-01-01T00:00"}, "opens_at"),
    ({"closes_at": "later"}, "closes_at"),
    ({"closes_at": "2000-01-01T00:00"}, "closes_at"),
    ({"minutes": "ten"}, "minutes"),
    ({"minutes": "0"}, "minutes"),
    ({"easy": "x"}, "count-easy"),
    ({"medium": "-1"}, "count-easy"),
    ({"hard": "999"}, "count-hard"),
    ({"at_submit": "all"}, "at_submit"),
    ({"at_submit": "everything", "after_close": "score"}, "after_close"),
    ({"attempts_allowed": "many"}, "attempts_allowed"),
    ({"attempts_allowed": "0"}, "attempts_allowed"),
]


@pytest.mark.parametrize(("change", "field"), NEW_CLASS_REFUSALS)
def test_a_refused_new_class_field_is_marked_focused_and_explained_beside_it(
    site: Site, change: dict[str, str], field: str
) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    form = {**_new_class_form(site), **change}
    refused = site.as_(teacher).post("/classes/new", data=form)
    assert refused.status_code in (404, 422), refused.text
    html = refused.text
    tag = re.search(rf'<(?:input|select) id="{field}"[^>]*>', html)
    assert tag, field
    assert 'aria-invalid="true"' in tag.group(0) and "autofocus" in tag.group(0)
    assert f'aria-describedby="error-{field}' in tag.group(0)
    assert html.count('aria-invalid="true"') == 1
    message = re.search(
        r'<div class="alert error" role="alert" id="form-error"><p>([^<]+)</p>', html
    )
    assert message and f'<p class="field-error" id="error-{field}">{message.group(1)}</p>' in html
    for name, value in change.items():
        if name not in ("bank", "at_submit", "after_close") and value.strip():
            assert f'value="{value}"' in html, name  # kept as typed


def test_the_results_page_gives_time_used_as_the_timer_does(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code = new_class(site, teacher)
    learner = site.as_(site.person("learner"))
    assert learner.post("/classes/join", data={"code": code}).status_code == 303
    attempt_id = learner.post(f"/api/v1/classes/{class_id}/attempts").json()["attempt_id"]
    site.clock.advance(seconds=84)
    assert learner.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    page = site.as_(teacher).get(f"/classes/{class_id}/results").text
    assert "<td>1:24</td>" in page and " min</td>" not in page
    csv_text = site.as_(teacher).get(f"/classes/{class_id}/results.csv").text
    assert ",1.4," in csv_text  # the download keeps decimal minutes, for a spreadsheet

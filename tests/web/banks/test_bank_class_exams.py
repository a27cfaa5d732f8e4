"""A class exam drawn from a private bank: each review policy shows exactly what it allows,
and no page or API answer outside the class attempt shows any of the bank's text, before,
during or after the window (the policy canary, extended to a private bank)."""

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from gradquiz.core.accounts import Role
from gradquiz.core.classes import Disclosure
from gradquiz.core.packs import Pack
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.factories import CHEAP_HASHER, FrozenClock, class_rules
from tests.web.classes.test_class_pages import POLICIES, Site, check_disclosure
from tests.web.classes.test_class_questions_pages import FORM
from tests.web.exam.test_exam_pages import page_text
from tests.web.test_no_key_leak import CANARIES, leaks


@pytest.fixture
def site(canary_pack: Pack, database: Database, clock: FrozenClock) -> Iterator[Site]:
    """The app on the canary pack (as the class policy tests use)."""
    service = ExamService(
        database=database,
        pack=canary_pack,
        grace=timedelta(seconds=15),
        clock=clock,
    )
    app = create_app(app_settings(database), service=service)
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    with TestClient(app, follow_redirects=False) as client:
        yield Site(client, service, clock)


STEMS = tuple(f"BANKSTEM{n:02d}X" for n in range(15))
DIFFICULTIES = ["easy"] * 5 + ["medium"] * 6 + ["hard"] * 4


def canary_gift() -> str:
    """Fifteen questions whose stems, key feedback, wrong feedback and explanations are canaries."""
    parts = []
    for n, difficulty in enumerate(DIFFICULTIES):
        parts.append(
            f"$CATEGORY: $course$/top/Private/Bank topic/{difficulty}\n\n"
            f"::bank-q{n}::[markdown]{STEMS[n]} which option? {{\n"
            f"=right {n}#{CANARIES[2]} says why.\n"
            f"~wrong {n}#{CANARIES[1]} names the error.\n"
            f"~other {n}#{CANARIES[1]} names the error.\n"
            f"####{CANARIES[0]} explains it.\n}}\n"
        )
    return "\n".join(parts)


def bank_class(site: Site, teacher: str, **rules: object) -> tuple[str, str, str]:
    """Import the canary bank and create a class exam from it through the form."""
    instructor = site.accounts.signed_in(teacher)
    bank = site.client.app.state.banks.import_file(  # type: ignore[attr-defined]
        instructor=instructor, bank_name="Private", data=canary_gift().encode(), file_name="p.gift"
    )
    assert bank.report.summary() == "15 imported, 0 skipped, 0 refused"
    rule = class_rules(site.clock(), **rules)
    form = {
        "title": rule.title,
        "bank": bank.bank.id,
        "opens_at": rule.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": rule.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(rule.minutes),
        **{d.value: str(n) for d, n in rule.counts.items()},
        "at_submit": rule.at_submit.value,
        "after_close": rule.after_close.value,
        "attempts_allowed": str(rule.attempts_allowed),
    }
    client = site.as_(teacher)
    created = client.post("/classes/new", data=form)
    assert created.status_code == 303, created.text
    class_id = created.headers["location"].split("/")[2]
    exam = site.classes.owned(instructor=instructor, class_id=class_id)
    assert exam.bank_id == bank.bank.id and len(exam.versions) == 15
    return class_id, exam.code, bank.bank.id


def exam_form(site: Site, bank_id: str, title: str) -> dict[str, str]:
    """The new-class form for a 5/6/4 exam from the bank, open now."""
    rule = class_rules(site.clock())
    return {
        **FORM,
        "title": title,
        "bank": bank_id,
        "opens_at": rule.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": rule.closes_at.strftime("%Y-%m-%dT%H:%M"),
    }


def outside_pages(site: Site, token: str) -> list[Response]:
    """Every page and API answer a learner reaches outside a class attempt."""
    client = site.as_(token)
    seen = [client.get(path) for path in ("/", "/practice", "/review", "/progress", "/lab")]
    seen.append(client.get("/progress/my-data.zip"))
    started = client.post("/practice", data={"count": "all"})
    seen.append(started)
    if started.status_code == 303:
        practice = started.headers["location"]
        for number in range(1, 200):
            page = client.get(f"{practice}/{number}")
            if page.status_code != 200:
                break
            seen.append(page)
            seen.append(client.post(f"{practice}/{number}", data={"option": "A"}))
    exam = client.post("/attempts", data={"replacing": ""})
    seen.append(exam)
    if exam.status_code == 303:
        seen.append(client.get(exam.headers["location"]))
    seen.append(client.post("/review"))
    return seen


def texts(responses: list[Response]) -> str:
    parts = []
    for response in responses:
        if response.headers.get("content-type", "").startswith("application/zip"):
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        else:
            parts.append(response.text)
    return "\n".join(parts)


# Every policy on SQLite; on PostgreSQL the two that close most at submit and differ after
# the close (what a policy shows is decided above the storage, which the other tests of this
# file run on both databases; a PostgreSQL case costs 3-4 times a SQLite one).
POLICY_CASES = [
    *(pytest.param("sqlite", *policy, id=f"sqlite-{policy[0]}-{policy[1]}") for policy in POLICIES),
    *(
        pytest.param("postgresql", *policy, id=f"postgresql-{policy[0]}-{policy[1]}")
        for policy in POLICIES
        if policy[0] is Disclosure.SCORE and policy[1] is not Disclosure.MARKS
    ),
]


@pytest.mark.parametrize(
    ("database", "at_submit", "after_close"), POLICY_CASES, indirect=["database"]
)
def test_a_bank_class_exam_shows_what_its_policy_allows_and_nothing_else_shows_it(
    site: Site, at_submit: Disclosure, after_close: Disclosure
) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code, _ = bank_class(site, teacher, at_submit=at_submit, after_close=after_close)
    member = site.person("learner")
    stranger = site.person("stranger")
    learner = site.as_(member)
    assert learner.post("/classes/join", data={"code": code}).status_code == 303
    started = learner.post(f"/classes/{class_id}/start")
    attempt_id = started.headers["location"].split("/")[2]
    seen = [learner.get(f"/api/v1/attempts/{attempt_id}")]
    for number in range(1, 16):
        seen.append(learner.get(f"/attempts/{attempt_id}/questions/{number}"))
        seen.append(
            learner.put(f"/api/v1/attempts/{attempt_id}/answers/{number}", json={"option": "A"})
        )
    shown = texts(seen)
    assert all(stem in shown for stem in STEMS), "the class attempt shows the bank's questions"
    assert not any(leaks(r) for r in seen), "a key, feedback or explanation before submit"

    for token in (member, stranger):
        outside = texts(outside_pages(site, token))
        assert not [s for s in (*STEMS, *CANARIES[:3]) if s in outside], "outside, window open"

    learner = site.as_(member)  # one client: sign the member in again
    after_submit = [
        learner.post(f"/api/v1/attempts/{attempt_id}/submit"),
        learner.get(f"/attempts/{attempt_id}/result"),
        learner.get(f"/attempts/{attempt_id}/result?only=wrong"),
        learner.get(f"/api/v1/attempts/{attempt_id}/result"),
        learner.get(f"/classes/{class_id}"),
    ]
    check_disclosure(after_submit, at_submit)
    missed = learner.post("/practice/missed", data={"attempt": attempt_id})
    assert missed.status_code in (403, 422) and not leaks(missed)
    assert 'action="/practice/missed"' not in learner.get(f"/attempts/{attempt_id}/result").text

    site.clock.advance(hours=2, seconds=1)
    learner = site.as_(member)
    check_disclosure(
        [
            learner.get(f"/attempts/{attempt_id}/result"),
            learner.get(f"/api/v1/attempts/{attempt_id}/result"),
        ],
        after_close,
    )
    for token in (member, stranger):
        outside = texts(outside_pages(site, token))
        assert not [s for s in (*STEMS, *CANARIES[:3]) if s in outside], "outside, after close"


def test_a_bank_class_exam_keeps_its_questions_when_the_bank_changes_or_goes(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code, bank_id = bank_class(site, teacher)
    instructor = site.accounts.signed_in(teacher)
    banks = site.client.app.state.banks  # type: ignore[attr-defined]
    edited = canary_gift().replace("which option?", "which option, now edited?")
    assert banks.import_file(
        instructor=instructor, bank_name="Private", data=edited.encode(), file_name="p.gift"
    ).changed
    banks.delete(instructor=instructor, bank_id=bank_id)
    learner = site.as_(site.person("learner"))
    learner.post("/classes/join", data={"code": code})
    attempt_id = learner.post(f"/classes/{class_id}/start").headers["location"].split("/")[2]
    page = learner.get(f"/attempts/{attempt_id}/questions/1")
    assert page.status_code == 200
    assert "which option?" in page.text and "now edited" not in page.text


def test_only_the_banks_instructors_can_make_a_class_exam_of_it(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    _, _, bank_id = bank_class(site, teacher)
    other = site.person("other", Role.INSTRUCTOR)
    form = exam_form(site, bank_id, "Not mine")
    refused = site.as_(other).post("/classes/new", data=form)
    assert refused.status_code == 404 and STEMS[0] not in refused.text
    too_many = site.as_(teacher).post("/classes/new", data={**form, "easy": "6"})
    assert (
        too_many.status_code == 422
        and "The bank has 5 easy questions, not 6: ask for fewer" in too_many.text
    )


def test_an_instructor_the_bank_is_shared_with_can_make_a_class_exam_of_it(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    _, _, bank_id = bank_class(site, teacher)
    colleague = site.person("colleague", Role.INSTRUCTOR)
    stranger = site.person("stranger", Role.INSTRUCTOR)
    shared = site.as_(teacher).post(
        f"/classes/banks/{bank_id}/share", data={"username": "colleague"}
    )
    assert shared.status_code == 303
    form = exam_form(site, bank_id, "From a colleague's bank")
    new_form = site.as_(colleague).get("/classes/new")
    assert f'value="{bank_id}"' in new_form.text
    assert f'value="{bank_id}"' not in site.as_(stranger).get("/classes/new").text
    created = site.as_(colleague).post("/classes/new", data=form)
    assert created.status_code == 303, created.text
    class_id = created.headers["location"].split("/")[2]
    exam = site.classes.owned(instructor=site.accounts.signed_in(colleague), class_id=class_id)
    assert exam.bank_id == bank_id and len(exam.versions) == 15
    refused = site.as_(stranger).post("/classes/new", data=form)
    assert refused.status_code == 404 and STEMS[0] not in refused.text
    stopped = site.as_(teacher).post(
        f"/classes/banks/{bank_id}/unshare", data={"username": "colleague"}
    )
    assert stopped.status_code == 303
    again = site.as_(colleague).post("/classes/new", data={**form, "title": "Again"})
    assert again.status_code == 404 and STEMS[0] not in again.text


def test_the_new_class_form_counts_each_sources_questions_and_names_what_it_cannot_fill(
    site: Site,
) -> None:
    from gradquiz.core.classes import by_difficulty

    teacher = site.person("teacher", Role.INSTRUCTOR)
    _, _, full = bank_class(site, teacher)
    short_gift = canary_gift().split("\n\n$CATEGORY")[0] + "\n\n::e2::Easy too? {=a ~b}\n"
    instructor = site.accounts.signed_in(teacher)
    short = site.client.app.state.banks.import_file(  # type: ignore[attr-defined]
        instructor=instructor, bank_name="Short", data=short_gift.encode(), file_name="s.gift"
    )
    assert short.report.summary() == "2 imported, 0 skipped, 0 refused"
    page = site.as_(teacher).get("/classes/new")
    assert page.status_code == 200
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [page_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", page.text, re.S)
        )
    }
    held = by_difficulty(site.service.pack.questions.values())
    pack_cells = [str(n) for n in held.values()]
    assert rows[f"The {site.service.pack.title} pack"] == [*pack_cells, "Fills it"]
    assert rows["Your bank: Private"] == ["5", "6", "4", "Fills it"]
    assert rows["Your bank: Short"] == [
        "2",
        "0",
        "0",
        "Cannot fill it: 2 easy of 5; 0 medium of 6; 0 hard of 4",
    ]
    options = page_text(page.text)
    assert "Your bank: Short (2 easy, 0 medium, 0 hard): cannot fill 5 easy, 6 medium, 4 hard" in (
        options
    )
    assert f'<option value="{full}" >Your bank: Private (5 easy, 6 medium, 4 hard)</option>' in (
        page.text
    )


def test_a_bank_image_is_served_to_members_who_started_and_to_the_instructor(site: Site) -> None:
    import base64

    from tests.content.formats.samples import PNG, answer, moodle_quiz

    teacher = site.person("teacher", Role.INSTRUCTOR)
    instructor = site.accounts.signed_in(teacher)
    xml = moodle_quiz(
        '<question type="category"><category><text>$course$/top/P/easy</text></category>'
        '</question><question type="multichoice"><name><text>Img</text></name>'
        '<questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/g.png" alt="graph"&gt;'
        f'Which?</text><file name="g.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}'
        "</file></questiontext>" + answer("100", "a") + answer("0", "b", "no") + "</question>"
    )
    bank = site.client.app.state.banks.import_file(  # type: ignore[attr-defined]
        instructor=instructor, bank_name="Images", data=xml, file_name="q.xml"
    )
    rule = class_rules(site.clock())
    created = site.as_(teacher).post(
        "/classes/new",
        data={
            "title": "Images",
            "bank": bank.bank.id,
            "opens_at": rule.opens_at.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": rule.closes_at.strftime("%Y-%m-%dT%H:%M"),
            "minutes": "25",
            "easy": "1",
            "medium": "0",
            "hard": "0",
            "at_submit": "score",
            "after_close": "everything",
            "attempts_allowed": "1",
        },
    )
    class_id = created.headers["location"].split("/")[2]
    image = f"/classes/{class_id}/media/g.png"
    code = site.classes.owned(instructor=instructor, class_id=class_id).code
    member = site.person("learner")
    learner = site.as_(member)
    learner.post("/classes/join", data={"code": code})
    assert learner.get(image).status_code == 404  # not before the member has started
    attempt_id = learner.post(f"/classes/{class_id}/start").headers["location"].split("/")[2]
    page = learner.get(f"/attempts/{attempt_id}/questions/1")
    assert f'src="{image}"' in page.text
    served = learner.get(image)
    assert (served.status_code, served.content) == (200, PNG)
    assert learner.get(f"/classes/{class_id}/media/other.png").status_code == 404
    assert site.as_(site.person("stranger")).get(image).status_code == 404
    assert site.as_(teacher).get(image).status_code == 200


def test_the_instructors_pages_of_a_bank_class_exam_name_its_questions(site: Site) -> None:
    teacher = site.person("teacher", Role.INSTRUCTOR)
    class_id, code, _ = bank_class(site, teacher)
    learner = site.as_(site.person("learner"))
    learner.post("/classes/join", data={"code": code})
    attempt_id = learner.post(f"/classes/{class_id}/start").headers["location"].split("/")[2]
    for number in range(1, 16):
        learner.put(f"/api/v1/attempts/{attempt_id}/answers/{number}", json={"option": "A"})
    assert learner.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    instructor = site.as_(teacher)
    for page in ("live", "results", "stats", "results.csv", "answers.csv"):
        response = instructor.get(f"/classes/{class_id}/{page}")
        assert response.status_code == 200, (page, response.text[-500:])
    stats = instructor.get(f"/classes/{class_id}/stats").text
    assert "bank-q0" in stats or STEMS[0] in stats

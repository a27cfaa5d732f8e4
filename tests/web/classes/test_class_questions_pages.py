"""The instructor's views of a class exam's questions: the window entered in a time zone of
the instructor's choosing (stored in UTC), a preview of the drawn questions as learners see
them without starting an attempt, and item statistics that name questions and options by
their rendered text, not by ids or raw LaTeX."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from gradquiz.core.accounts import Role
from gradquiz.storage.models import AttemptRow
from gradquiz.web.classes.time_zones import zone_names
from tests.web.class_site import Site, instructor, new_class, seated
from tests.web.class_site import site as site  # the fixture

FORM = {
    "title": "Week 3",
    "minutes": "25",
    "easy": "5",
    "medium": "6",
    "hard": "4",
    "at_submit": "score",
    "after_close": "everything",
    "attempts_allowed": "1",
}
# Local wall-clock times and what they are in UTC (the frozen clock is in January).
ZONES = [
    ("UTC", "2026-01-05T10:00", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
    ("Europe/Berlin", "2026-01-05T10:00", datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
    ("America/New_York", "2026-01-05T10:00", datetime(2026, 1, 5, 15, 0, tzinfo=UTC)),
    ("America/New_York", "2026-07-05T10:00", datetime(2026, 7, 5, 14, 0, tzinfo=UTC)),
    ("Asia/Kolkata", "2026-01-05T10:00", datetime(2026, 1, 5, 4, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("zone", "typed", "utc"), ZONES)
def test_the_window_is_typed_in_the_chosen_time_zone_and_stored_in_utc(
    site: Site, zone: str, typed: str, utc: datetime
) -> None:
    teacher = instructor(site)
    client = site.as_(teacher)
    form = {**FORM, "time_zone": zone, "opens_at": typed, "closes_at": "2026-12-31T10:00"}
    created = client.post("/classes/new", data=form)
    assert created.status_code == 303, created.text
    class_id = created.headers["location"].split("/")[2]
    exam = site.classes.owned(instructor=site.accounts.signed_in(teacher), class_id=class_id)
    assert exam.rules.opens_at == utc


def test_the_form_names_its_time_zone_and_keeps_it_when_refused(site: Site) -> None:
    client = site.as_(instructor(site))
    fresh = client.get("/classes/new")
    assert 'Window, in <span id="zone-named">UTC</span> time' in fresh.text
    assert "(UTC)" not in fresh.text  # no field says UTC alone any more
    assert fresh.text.count("<option") >= len(zone_names()) > 300
    assert 'value="2026-01-05T09:00"' in fresh.text  # now, in UTC
    refused = client.post(
        "/classes/new",
        data={**FORM, "time_zone": "Europe/Berlin", "opens_at": "soon", "closes_at": ""},
    )
    assert refused.status_code == 422
    assert "(YYYY-MM-DD HH:MM, Europe/Berlin time)" in refused.text
    assert "<option selected>Europe/Berlin</option>" in refused.text
    assert 'value="soon"' in refused.text
    unknown = client.post(
        "/classes/new",
        data={
            **FORM,
            "time_zone": "Mars/Olympus",
            "opens_at": "2026-01-05T10:00",
            "closes_at": "2026-01-06T10:00",
        },
    )
    assert unknown.status_code == 422 and "Choose the time zone from the list." in unknown.text


def test_the_preview_shows_the_drawn_questions_rendered_without_an_attempt(site: Site) -> None:
    teacher = instructor(site)
    class_id, _ = new_class(site, teacher, prefer_parametrized=True)
    client = site.as_(teacher)
    page = client.get(f"/classes/{class_id}/preview")
    assert page.status_code == 200
    exam = site.classes.owned(instructor=site.accounts.signed_in(teacher), class_id=class_id)
    assert page.text.count('<section class="question-card"') == len(exam.question_ids) == 15
    for number in range(1, 16):
        assert f'<h2 id="preview-{number}">Question {number} ' in page.text
    assert "<math" in page.text and not re.search(r"\$\\[a-z]", page.text)
    # "details vary", not only numbers; one chip per generated one.
    generated = [q for q in exam.question_ids if site.service.pack.questions[q].parametrized]
    assert page.text.count("Generated: details vary") == len(generated)
    assert page.text.count("<summary>Key</summary>") == 15
    with site.service.database.read() as session:
        assert session.scalar(select(func.count()).select_from(AttemptRow)) == 0
    learner = site.as_(site.person("ada"))
    assert learner.get(f"/classes/{class_id}/preview").status_code == 404
    other = site.as_(site.person("prof2", Role.INSTRUCTOR))
    assert other.get(f"/classes/{class_id}/preview").status_code == 404


def test_statistics_name_questions_and_options_by_their_rendered_text(site: Site) -> None:
    teacher = instructor(site)
    class_id, code = new_class(site, teacher, prefer_parametrized=True)
    for n in range(4):
        seated(site, code, class_id, f"learner{n}", submit=True)
    page = site.as_(teacher).get(f"/classes/{class_id}/stats")
    assert page.status_code == 200
    exam = site.classes.owned(instructor=site.accounts.signed_in(teacher), class_id=class_id)
    text = page.text
    assert not re.search(r"\$\\[a-zA-Z]", text), "raw LaTeX on the page"
    assert "<math" in text
    for question_id in exam.question_ids:
        # The bank id appears only as a code reference under the question's own words.
        assert f"bank id <code>{question_id}</code>" in text
        assert f"<td>{question_id}" not in text and f". {question_id}</h2>" not in text
    pack = site.service.pack
    rendered = site.client.app.state.rendered  # type: ignore[attr-defined]
    static = [pack.questions[q] for q in exam.question_ids if not pack.questions[q].parametrized]
    for question in static:
        for option in question.options:  # whole, not cut at 60 characters
            assert rendered.of(question).options[option.id] in text

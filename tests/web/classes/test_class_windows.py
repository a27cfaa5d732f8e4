"""A class exam's window times from the form: any time the calendar or a database cannot hold
is a 422 naming the field, on both databases, and no class is made."""

from collections.abc import Iterator

import pytest

from gradquiz.services.exam import ExamService
from tests.factories import FrozenClock
from tests.web.exam.test_exam_pages import page_text
from tests.web.scene import NEW_CLASS, Scene, open_scene

FORM = {**NEW_CLASS, "prefer_parametrized": ""}
NAMES = {"opens_at": "The opening time", "closes_at": "The closing time"}
# Past either end of Python's calendar once moved to UTC; at the calendar's ends (which a
# PostgreSQL session in another time zone reads back past them); and just outside the years
# a window may use.
OUT_OF_RANGE = [
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-14:00",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "1999-12-31T23:59",
    "2999-12-31T23:59-00:01",
    "3000-01-01T00:00",
]


@pytest.fixture
def scene(service: ExamService, clock: FrozenClock) -> Iterator[Scene]:
    with open_scene(service, clock) as opened:
        yield opened


def taught(scene: Scene) -> int:
    teacher = scene.app.state.accounts.signed_in(scene.tokens["instructor"])
    return len(scene.app.state.classes.taught(instructor=teacher))


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_window_time_out_of_range_is_a_422_naming_the_field(scene: Scene, name: str) -> None:
    before = taught(scene)
    instructor = scene.as_("instructor")
    wrong = []
    for value in OUT_OF_RANGE:
        refused = instructor.post("/classes/new", data={**FORM, name: value})
        text = page_text(refused.text)
        if refused.status_code != 422 or f"{NAMES[name]} must fall in the years" not in text:
            wrong.append((value, refused.status_code))
        elif f'value="{value}"' not in refused.text:
            wrong.append((value, "the form did not come back filled in"))
    assert wrong == []
    assert taught(scene) == before


def test_the_first_and_last_minutes_of_the_range_are_accepted(scene: Scene) -> None:
    instructor = scene.as_("instructor")
    for opens, closes in (
        ("2000-01-01T00:00", "2000-01-01T02:00"),
        ("2999-12-31T21:59", "2999-12-31T23:59"),
        ("2999-12-31T09:00-12:00", "2999-12-31T11:00-12:00"),
    ):
        made = instructor.post(
            "/classes/new", data={**FORM, "opens_at": opens, "closes_at": closes}
        )
        assert made.status_code == 303, page_text(made.text)
        live = instructor.get(made.headers["location"])
        assert live.status_code == 200

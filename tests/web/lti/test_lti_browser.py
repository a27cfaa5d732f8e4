"""Real Chromium with third-party cookies blocked: the simulated LMS's course page (on
127.0.0.1) frames gradquiz (on localhost, another site); the launch runs in the frame, the
frame cannot keep gradquiz's cookies, so the learner opens gradquiz in a new window and
finishes the exam there; the score reaches the LMS's line item."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Playwright, expect

from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.accounts import Role
from gradquiz.core.classes import ClassExam
from gradquiz.services.exam import ExamService
from gradquiz.services.lti import KeySets
from gradquiz.services.lti_grades import LtiGrades
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from gradquiz.web.lti.adapter import fetch_json
from tests.conftest import app_settings
from tests.factories import account, class_rules
from tests.web.browsing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ShiftedClock,
    fits_width,
    serious_violations,
    serving,
)
from tests.web.lti_platform import Platform, serve_platform

pytestmark = pytest.mark.browser
# Chromium's switch that blocks third-party cookies as its coming default does.
BLOCK_THIRD_PARTY_COOKIES = "--test-third-party-cookie-phaseout"


@pytest.fixture
def tool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('lti') / 'gradquiz.db'}")
    database.migrate()
    service = ExamService(
        database=database,
        pack=load_pack(builtin_pack_dir()),
        grace=timedelta(seconds=1),
        clock=ShiftedClock(),
    )
    app = create_app(app_settings(database), service=service)
    app.state.key_sets = KeySets(fetch_json, refresh_seconds=0)
    app.state.lti_grades.background = False
    yield app
    database.dispose()


@pytest.fixture
def blocking_browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, BLOCK_THIRD_PARTY_COOKIES]
    )
    yield launched
    launched.close()


def offer_path(page: Page) -> str:
    """The framed page's own address (the new-window offer), without its origin."""
    frame = next(f for f in page.frames if "/lti/continue/" in f.url)
    return "/" + frame.url.split("/", 3)[3]


def linked_exam(tool: FastAPI, lms: Platform, sub: str) -> ClassExam:
    """The LMS registered with the tool, and a class exam its next launch (as `sub`) opens,
    named as deep linking gave it."""
    registered = tool.state.lti.add_platform(**lms.registration())
    tool.framing.forget()
    lms.tool_jwks = tool.state.lti.jwks()
    clock = tool.state.service.clock
    teacher = account(tool.state.service.database, "prof", Role.INSTRUCTOR, clock())
    exam: ClassExam = tool.state.classes.create(instructor=teacher, rules=class_rules(clock()))
    custom = tool.state.lti.class_claim(registered, exam.id)
    lms.next_launch = {"custom_class": custom, "sub": sub}
    return exam


def test_a_framed_launch_without_third_party_cookies_finishes_the_exam_in_a_new_window(
    tool: FastAPI, blocking_browser: Browser
) -> None:
    lms: Platform
    for lms in serve_platform():
        with serving(tool) as served:
            base = served.replace("127.0.0.1", "localhost")  # another site than the LMS
            lms.tool = base
            exam = linked_exam(tool, lms, "learner-b")
            context = blocking_browser.new_context(viewport={"width": 1100, "height": 900})
            page = context.new_page()
            page.goto(f"{lms.base}/course")
            frame = page.frame_locator("iframe")
            offer = frame.get_by_role("link", name="Open gradquiz in a new window")
            expect(offer).to_be_visible(timeout=15_000)
            problems = []
            for path in ("/lti/config", offer_path(page)):
                checked = context.new_page()
                checked.goto(f"{base}{path}")
                checked.set_viewport_size({"width": 320, "height": 700})
                problems += [f"{path}: {v}" for v in serious_violations(checked)]
                if not fits_width(checked):
                    problems.append(f"{path} scrolls sideways at 320 px")
                checked.close()
            assert not problems, problems
            with context.expect_page() as opened:
                offer.click()
            window = opened.value
            window.wait_for_url(f"{base}/classes/{exam.id}")
            window.get_by_role("button", name="Start the exam").click()
            window.wait_for_url("**/questions/1")
            for number in range(1, 16):
                window.locator("label[for=option-A]").click()
                leave = "Save, review and submit" if number == 15 else "Save and next"
                window.get_by_role("button", name=leave).click()
                window.wait_for_url("**/review" if number == 15 else f"**/questions/{number + 1}")
            window.get_by_role("button", name="Submit exam").click()
            window.wait_for_url("**/result")
            context.close()
            grades: LtiGrades = tool.state.lti_grades
            assert grades.sync() == 1
            [score] = lms.scores
            assert score["userId"] == "learner-b" and score["scoreMaximum"] == 15
            assert score["activityProgress"] == "Completed"

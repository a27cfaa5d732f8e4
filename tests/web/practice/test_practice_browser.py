"""Real Chromium: a keyboard-only practice round with typed numbers, review after the clock
moves, the progress page on a desktop and a phone, and axe on every new page."""

import random
import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.core.attempts import slot_for
from gradquiz.core.practice import PracticeSession, SessionKind
from gradquiz.services.cards import record_answers
from gradquiz.services.identity import owner_key
from gradquiz.services.practice import PracticeService
from gradquiz.web.identity import COOKIE
from tests.web.browsing import ShiftedClock, fits_width, serious_violations, tab_to

pytestmark = pytest.mark.browser


def practice_of(app: FastAPI) -> PracticeService:
    service: PracticeService = app.state.practice
    return service


def learner_of(page: Page, app: FastAPI) -> str:
    """The owner key of the browser's identity (made by starting a set if it has none)."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    if COOKIE not in cookies:
        raise AssertionError("the browser has no identity yet")
    return owner_key(app.state.identity_signer.unsign(cookies[COOKIE]).decode())


def start_from_the_page(page: Page, base: str) -> str:
    """Start a default set with the mouse, its first question's options shown; return its URL."""
    page.goto(base + "/practice")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/practice/*/1")
    url = page.url.rsplit("/", 1)[0]
    show_the_options(page)
    return url


def show_the_options(page: Page) -> None:
    """Where the question asks for a typed number (options hidden), show the options."""
    if not page.locator("input[name=option]").count():
        page.get_by_role("link", name="Show the options instead").click()
        page.wait_for_url("**?show=options")


def set_of(app: FastAPI, learner: str, *question_ids: str) -> PracticeSession:
    rng = random.Random(7)
    practice = practice_of(app)
    slots = [slot_for(practice.pack.questions[q], rng) for q in question_ids]
    return practice.begin(learner=learner, kind=SessionKind.PRACTICE, slots=slots)


def press(page: Page, name: str) -> None:
    """Tab to the button or link called `name` and press Enter."""
    tab_to(page, f"el.textContent.trim() === {name!r}")
    page.keyboard.press("Enter")


def test_a_keyboard_only_round_with_typed_numbers_and_feedback(
    page: Page, live_server: str, live_app: FastAPI
) -> None:
    page.goto(live_server + "/practice")
    press(page, "Start practising")
    page.wait_for_url("**/practice/*/1")
    show_the_options(page)
    tab_to(page, "el.name === 'option'")
    page.keyboard.press("Space")
    tab_to(page, "el.id === 'confidence-sure'")
    page.keyboard.press("Space")
    press(page, "Check my answer")
    page.wait_for_url("**/1#feedback")
    expect(page.locator("#verdict-heading")).to_have_text(re.compile("^(✓ Right|✗ Not right)$"))
    expect(page.locator(".explanation")).to_be_visible()
    expect(page.locator(".reference")).to_be_visible()
    press(page, "Next question")
    page.wait_for_url("**/practice/*/2")

    practice = practice_of(live_app)
    numeric = set_of(
        live_app, learner_of(page, live_app), "neuron-dl-dw", "chain-rule-outer-at-inner"
    )
    numeric = set_of(live_app, learner_of(page, live_app), "neuron-dl-dw", "neuron-dl-db")
    page.goto(f"{live_server}/practice/{numeric.id}/1")
    expect(page.locator(".typed-answer .hint")).to_contain_text("within 1 %")
    question = practice.question(numeric, 1)
    key = question.option(question.key)
    tab_to(page, "el.id === 'typed'")
    page.keyboard.type(f"{key.value:.5g}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/1#feedback")
    expect(page.locator("#verdict-heading")).to_have_text("✓ Right")
    letter = numeric.item(1).slot.letter_of(key.id)
    expect(page.locator("#feedback")).to_contain_text(
        f"that is within 1 % of the exact value of option {letter}, "
    )
    expect(page.locator("#feedback")).to_contain_text(", the answer.")
    press(page, "Next question")
    page.wait_for_url("**/2")

    question = practice.question(numeric, 2)
    mistake = next(o for o in question.options if o.id != question.key)
    assert not page.locator("input[name=option]").count()  # typed, not picked from a list
    tab_to(page, "el.id === 'typed'")
    page.keyboard.type(f"{mistake.value:.5g}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/2#feedback")
    expect(page.locator("#verdict-heading")).to_have_text("✗ Not right")
    chosen = page.locator("li.chosen")
    expect(chosen.locator(".tag.chosen-tag")).to_have_text("Your answer")
    expect(chosen.locator(".feedback")).to_be_visible()  # that mistake's own feedback
    expect(page.locator("#feedback")).to_contain_text("Try another like it")
    expect(page.locator("#feedback .eyebrow")).to_contain_text("question 2 of 2")
    press(page, "Next question")
    expect(page.locator("h1")).to_contain_text("Practice: another like question 2")


def test_a_missed_question_comes_back_for_review_once_the_clock_moves(
    page: Page, live_server: str, live_app: FastAPI, shifted_clock: ShiftedClock
) -> None:
    base = start_from_the_page(page, live_server)
    practice = practice_of(live_app)
    learner = learner_of(page, live_app)
    session = practice.session(learner=learner, session_id=base.rsplit("/", 1)[1])
    question = practice.question(session, 1)
    slot = session.item(1).slot
    wrong = next(o for o in slot.option_order if o != question.key)
    page.locator(f"label[for=option-{slot.letter_of(wrong)}]").click()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#verdict-heading")).to_have_text("✗ Not right")
    page.goto(live_server + "/review")
    expect(page.locator(".due-line")).to_contain_text("Nothing is due for review now")

    shifted_clock.shift += timedelta(minutes=2)
    try:
        page.reload()
        expect(page.locator(".due-line")).to_contain_text("1 question due for review now")
        page.get_by_role("button", name="Review now").click()
        page.wait_for_url("**/practice/*/1")
        expect(page.locator("h1")).to_contain_text("Review: question 1 of 1")
        show_the_options(page)  # a generated question asks for its number typed
        review = practice.session(learner=learner, session_id=page.url.split("/")[4])
        assert review.item(1).slot.question_id == slot.question_id
        again = practice.question(review, 1)
        letter = review.item(1).slot.letter_of(again.key)
        page.locator(f"label[for=option-{letter}]").click()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#verdict-heading")).to_have_text("✓ Right")
        page.goto(live_server + "/review")
        expect(page.locator(".due-line")).to_contain_text("Nothing is due for review now")
    finally:
        shifted_clock.shift -= timedelta(minutes=2)


def fill_history(app: FastAPI, learner: str, answers: int = 60) -> None:
    """A few weeks of answers on every topic, some with each level of confidence."""
    practice = practice_of(app)
    questions = list(practice.pack.questions.values())
    now = app.state.service.clock()
    history = [
        AnsweredQuestion(
            question_id=questions[n % len(questions)].id,
            topic=questions[n % len(questions)].topic,
            difficulty=questions[n % len(questions)].difficulty,
            correct=n % 3 != 0,
            answered_at=now - timedelta(days=answers - n),
            source=Source.PRACTICE,
            confidence=list(Confidence)[n % 3],
            seconds=20,
        )
        for n in range(answers)
    ]
    with practice.database.write() as session:
        record_answers(session, owner=learner, pack_id=practice.pack.id, answers=history)


def test_the_progress_page_fits_a_desktop_and_a_phone_with_or_without_javascript(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    for scripts in (True, False):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=scripts
        )
        page = context.new_page()
        start_from_the_page(page, live_server)
        fill_history(live_app, learner_of(page, live_app))
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server + "/progress")
            charts = page.locator("svg.chart-svg")
            expect(charts).to_have_count(4)
            for index in range(4):
                box = charts.nth(index).bounding_box()
                assert box and 250 <= box["width"] <= width, (width, index, box)
            assert page.locator("table").count() == 4  # one beside each chart
            assert fits_width(page), f"the progress page scrolls sideways at {width} px"
        context.close()


def test_every_new_page_passes_axe(page: Page, live_server: str, live_app: FastAPI) -> None:
    problems = {}
    page.goto(live_server + "/progress")
    problems["progress, empty"] = serious_violations(page)
    page.goto(live_server + "/review")
    problems["review, nothing due"] = serious_violations(page)
    page.goto(live_server + "/practice")
    problems["practice"] = serious_violations(page)
    base = start_from_the_page(page, live_server)
    problems["question"] = serious_violations(page)
    page.locator("label[for=option-A]").click()
    page.locator("label[for=confidence-unsure]").click()
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_url("**#feedback")
    problems["feedback"] = serious_violations(page)
    page.goto(base + "/done")
    problems["set so far"] = serious_violations(page)
    numeric = set_of(live_app, learner_of(page, live_app), "neuron-dl-da")
    page.goto(f"{live_server}/practice/{numeric.id}/1")
    problems["question with typed number"] = serious_violations(page)
    page.locator("#typed").fill("12345")
    page.get_by_role("button", name="Check my answer").click()
    page.wait_for_url("**#feedback")
    problems["feedback, typed number matching nothing"] = serious_violations(page)
    fill_history(live_app, learner_of(page, live_app))
    page.goto(live_server + "/progress")
    problems["progress with history"] = serious_violations(page)
    page.goto(live_server + "/review")
    problems["review, questions due"] = serious_violations(page)
    page.goto(live_server + "/")
    problems["landing with review line"] = serious_violations(page)
    page.get_by_role("button", name="Start exam").first.click()
    attempt = page.url.split("/")[4]
    page.goto(f"{live_server}/attempts/{attempt}/review?confirm=1")
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    problems["result with practise what I missed"] = serious_violations(page)
    page.get_by_role("button", name="Practise what I missed").click()
    page.wait_for_url("**/practice/*/1")
    problems["what I missed, question"] = serious_violations(page)
    assert {name: found for name, found in problems.items() if found} == {}

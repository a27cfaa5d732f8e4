"""Real Chromium: take a whole exam with the keyboard, reload midway, and audit accessibility."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.web.browsing import ShiftedClock, serious_violations, tab_to

pytestmark = pytest.mark.browser


def test_take_the_whole_exam_with_the_keyboard(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    expect(page.get_by_role("heading", name="Backpropagation deep dive")).to_be_visible()
    expect(page.get_by_text("Backprop glossary – key concepts")).to_be_visible()
    assert page.locator(".glossary .term").count() == 6
    assert page.locator(".interview li").count() == 6

    tab_to(page, "el.textContent.trim() === 'Start exam'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/questions/1")

    chosen: dict[int, str] = {}
    for number in range(1, 16):
        expect(page.get_by_role("heading", name=f"Question {number} of 15")).to_be_visible()
        tab_to(page, "el.name === 'option'")
        page.keyboard.press("Space")  # checks the focused option
        page.keyboard.press("ArrowDown")  # moves to and checks the next one
        label = page.evaluate("document.querySelector('input[name=option]:checked').value")
        chosen[number] = label
        expect(page.locator("#save-status")).to_contain_text(f"Answer {label} saved")
        if number == 7:
            page.reload()
            assert page.locator(f"#option-{label}").is_checked(), "answer lost on reload"
            expect(page.locator("#progress-text")).to_have_text("7 of 15 answered")
            tab_to(page, "el.name === 'option'")
        page.keyboard.press("Enter")  # the form's default button: Save and next
        page.wait_for_url(f"**/{'questions/' + str(number + 1) if number < 15 else 'review'}")

    expect(page.locator("#progress-text")).to_have_text("15 of 15 answered")
    page.goto(page.url.replace("/review", "/questions/3"))
    assert page.locator(f"#option-{chosen[3]}").is_checked()
    page.goto(page.url.replace("/questions/3", "/review"))
    tab_to(page, "el.textContent.trim() === 'Submit exam'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result")
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.locator(".score-text")).to_contain_text("of 15")
    assert page.locator("article.reviewed").count() == 15
    assert page.locator(".reviewed .explanation").count() == 15
    for number, label in chosen.items():
        card = page.locator("article.reviewed").nth(number - 1)
        expect(card.locator("li.chosen .letter")).to_have_text(label)
        assert card.locator("li.key").count() == 1


def test_countdown_ticks_and_palette_marks(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start exam").first.click()
    page.wait_for_url("**/questions/1")
    first = page.locator("#timer-value").text_content()
    assert first
    # Waits for the next tick (at most a second away) rather than a fixed 2.1 s.
    expect(page.locator("#timer-value")).not_to_have_text(first, timeout=5000)
    page.get_by_label("Mark for review").check()
    marked = page.locator(".palette .cell.current")
    expect(marked).to_have_class(re.compile(r"\bmarked\b"))
    expect(marked).to_have_attribute("aria-label", "Question 1, not answered, marked for review")
    expect(page.locator("#progress-text")).to_have_text("0 of 15 answered, 1 marked for review")


def test_no_serious_accessibility_violations(page: Page, live_server: str) -> None:
    page.goto(live_server + "/interview/chain-rule")
    page.get_by_label("Your answer").fill("Multiply the local derivatives from the output back.")
    page.get_by_role("button", name="Compare with the model answer").click()
    page.get_by_label(re.compile("composition of functions")).check()
    page.get_by_role("button", name="Save my self-assessment").click()
    expect(page.locator("#assessment")).to_contain_text("You marked 1 of 6 as covered.")
    problems = {"interview": serious_violations(page)}
    page.goto(live_server + "/")
    problems["landing"] = serious_violations(page)
    page.get_by_role("button", name="Start exam").first.click()
    page.wait_for_url("**/questions/1")
    problems["question"] = serious_violations(page)
    page.locator("label[for=option-A]").click()
    expect(page.locator("#save-status")).to_contain_text("saved")
    page.goto(page.url.replace("/questions/1", "/review"))
    problems["review"] = serious_violations(page)
    page.get_by_role("button", name="Submit exam").click()
    problems["confirm"] = serious_violations(page)
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    problems["result"] = serious_violations(page)
    assert problems == {name: [] for name in problems}


def test_countdown_is_announced_and_time_up_submits(
    page: Page, live_server: str, shifted_clock: ShiftedClock
) -> None:
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start exam").first.click()
    page.wait_for_url("**/questions/1")
    page.locator("label[for=option-B]").click()
    expect(page.locator("#save-status")).to_contain_text("Answer B saved")
    announcer = page.locator("#timer-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    try:
        shifted_clock.shift = timedelta(minutes=25) - timedelta(seconds=33)
        page.reload()
        expect(announcer).to_have_text("30 seconds left", timeout=8000)
        shifted_clock.shift = timedelta(minutes=25) - timedelta(seconds=3)
        page.reload()
        expect(announcer).to_have_text(re.compile("Time is up"), timeout=8000)
        page.wait_for_url("**/result", timeout=10000)
    finally:
        shifted_clock.shift = timedelta(0)
    expect(page.locator(".score-card")).to_contain_text("Submitted automatically when time ran out")
    expect(page.locator("article.reviewed").first.locator("li.chosen .letter")).to_have_text("B")

"""Real Chromium: an anonymous history carried into an account and seen from a second browser."""

import os
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, expect

from gradquiz.core.accounts import Role
from tests.factories import class_rules
from tests.web.browsing import fits_width, serious_violations, tab_to
from tests.web.exam.test_exam_browser import start_exam

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
# Screenshots of the account pages land here when set (for looking at them, not for the tests).
SHOTS = os.environ.get("GRADQUIZ_SCREENSHOTS")


def unique_name(stem: str) -> str:
    """A username no other test of this module's shared database has taken."""
    return f"{stem}-{uuid.uuid4().hex[:8]}"


def new_page(browser: Browser, width: int = 1280) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    return context, context.new_page()


def look(page: Page, name: str) -> list[str]:
    """axe-core's serious findings on the page, which must also fit its width; a screenshot."""
    if SHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    problems = serious_violations(page)
    return problems + ([] if fits_width(page) else [f"{name} scrolls sideways"])


def take_an_exam_and_answer_an_interview_question(page: Page, base: str) -> None:
    start_exam(page, base)
    page.locator("label[for=option-A]").click()
    expect(page.locator("#save-status")).to_contain_text("saved")
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit exam").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    page.goto(base + "/interview/chain-rule")
    page.get_by_label("Your answer").fill("Multiply the local derivatives from the output back.")
    page.get_by_role("button", name="Compare with the model answer").click()
    expect(page.locator("#compare")).to_be_visible()


def sign_up_with_the_keyboard(page: Page, base: str, name: str) -> None:
    page.goto(base + "/")
    tab_to(page, "el.textContent.trim() === 'Sign in'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/sign-in")
    tab_to(page, "el.textContent.trim() === 'Create an account'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/account/sign-up")
    tab_to(page, "el.id === 'username'")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/account?done=welcome")


def sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(base + "/account/sign-in")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_anonymous_history_goes_into_the_account_and_to_a_second_browser(
    browser: Browser, live_server: str
) -> None:
    name = unique_name("Ada")
    first_context, first = new_page(browser)
    take_an_exam_and_answer_an_interview_question(first, live_server)
    sign_up_with_the_keyboard(first, live_server, name)
    expect(first.get_by_role("status")).to_contain_text("Your account is ready")
    expect(first.get_by_role("row", name="Exam attempts 1")).to_be_visible()
    expect(first.get_by_role("row", name="Interview answers 1")).to_be_visible()
    expect(first.locator("header .account-link")).to_have_text(f"Your account, {name}")

    second_context, second = new_page(browser)
    second.goto(live_server + "/")
    expect(second.locator(".history")).to_have_count(0)
    sign_in(second, live_server, name.upper())  # usernames compare without case
    second.wait_for_url(live_server + "/")
    expect(second.locator(".history-table tbody tr")).to_have_count(1)
    expect(second.locator(".interview-list")).to_contain_text("0 of 6 key points")
    for path in ("/progress", "/review"):  # the same progress and review queue in both
        first.goto(live_server + path)
        second.goto(live_server + path)
        mine, theirs = first.locator("main").inner_text(), second.locator("main").inner_text()
        assert mine == theirs, path
    second.goto(live_server + "/progress")  # …and not because both are empty
    expect(second.get_by_role("region", name="Your exams").locator("tbody tr")).to_have_count(1)
    second.goto(live_server + "/")
    second.get_by_role("link", name="See result").click()
    expect(second.get_by_role("heading", name="Your result")).to_be_visible()
    start_exam(second, live_server)  # its saves go through the API as the account's
    second.locator("label[for=option-B]").click()
    expect(second.locator("#save-status")).to_contain_text("Answer B saved")
    first.goto(live_server + "/")
    expect(first.get_by_role("region", name="Exam in progress")).to_contain_text("1 of 15")

    second.goto(live_server + "/")  # a question page shows no site navigation
    second.get_by_role("button", name="Sign out").click()
    second.wait_for_url(live_server + "/")
    expect(second.locator("header")).to_contain_text("Sign in")
    expect(second.locator(".history")).to_have_count(0)
    first.goto(live_server + "/")
    expect(first.locator(".history-table tbody tr")).to_have_count(1)  # still signed in there
    first_context.close()
    second_context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_account_pages_pass_axe_and_fit_the_screen(
    browser: Browser, live_server: str, width: int
) -> None:
    context, page = new_page(browser, width)
    name = unique_name("Grace")
    problems: dict[str, list[str]] = {}
    page.goto(live_server + "/account/sign-up")
    problems["sign up"] = look(page, "sign-up")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill("x" * 10 + "y")
    page.get_by_label("The same password again").fill("x" * 10 + "z")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")
    problems["sign up, refused"] = look(page, "sign-up-refused")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/account?done=welcome")
    problems["account"] = look(page, "account")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password", exact=True).fill(PASSWORD + "!")
    page.get_by_label("The new password again").fill(PASSWORD + "!")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("current password is not right")
    problems["account, refused"] = look(page, "account-refused")
    page.goto(live_server + "/")
    problems["landing, signed in"] = look(page, "landing-signed-in")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, name, "a wrong password")
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password.")
    problems["sign in, refused"] = look(page, "sign-in-refused")
    sign_in(page, live_server, name)
    page.goto(live_server + "/account")
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all its data").click()
    page.wait_for_url("**/account/deleted")
    problems["deleted"] = look(page, "deleted")
    page.goto(live_server + "/account/sign-in")
    problems["sign in"] = look(page, "sign-in")
    assert problems == {page_name: [] for page_name in problems}
    context.close()


def look_at_copy(checker: Page, page: Page, name: str) -> list[str]:
    """`look` at what a page without JavaScript shows, copied into a page with it (axe-core
    runs as a script), at the same address and width."""
    checker.goto(page.url)
    checker.set_content(page.content())
    return look(checker, name)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_instructors_class_exams_on_the_account_page_work_without_javascript_and_fit(
    browser: Browser, live_server: str, live_app: FastAPI, width: int
) -> None:
    viewport = {"width": width, "height": 900}
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    checking, checker = new_page(browser, width)
    name, colleague = unique_name("Ines"), unique_name("Tomas")
    accounts, classes = live_app.state.accounts, live_app.state.classes
    teacher = accounts.create_account(username=name, password=PASSWORD, role=Role.INSTRUCTOR)
    accounts.create_account(username=colleague, password=PASSWORD, role=Role.INSTRUCTOR)
    learner = accounts.create_account(
        username=unique_name("Lea"), password=PASSWORD, role=Role.LEARNER
    )
    long_title = "Backpropagation through a two-layer network with shared weights, week 11"
    exams = {}
    for title in ("Week 3 backprop quiz", long_title, "Week 12 retake"):
        exams[title] = classes.create(
            instructor=teacher, rules=class_rules(classes.now(), title=title)
        )
        classes.join(learner=learner, code=exams[title].code)
    sign_in(page, live_server, name)
    problems: dict[str, list[str]] = {}
    page.goto(live_server + "/account")
    problems["account with class exams"] = look_at_copy(checker, page, "account-classes")
    keeping = page.locator(".class-keeping").filter(has_text="Week 12 retake")
    keeping.get_by_label("Hand it to the instructor named").fill("nobody-at-all")
    keeping.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("alert")).to_contain_text("There is no instructor named")
    problems["account, hand-over refused"] = look_at_copy(checker, page, "account-refused")
    keeping = page.locator(".class-keeping").filter(has_text="Week 12 retake")
    keeping.get_by_label("Hand it to the instructor named").fill(colleague)
    keeping.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_contain_text("The class exam is handed over")
    page.get_by_role("button", name="Archive “Week 3 backprop quiz”").click()
    expect(page.get_by_role("status")).to_contain_text("The class exam is archived")
    problems["account, one archived"] = look_at_copy(checker, page, "account-archived")
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and all its data").click()
    expect(page.get_by_role("alert")).to_contain_text("Archive my class exams")
    problems["account, deletion asks first"] = look_at_copy(checker, page, "account-asks")
    page.goto(live_server + "/classes")
    problems["classes, one archived"] = look_at_copy(checker, page, "classes-archived")
    page.goto(live_server + "/account")
    page.get_by_label("Your password, to confirm").fill(PASSWORD)
    page.get_by_label("Archive my class exams").check()
    page.get_by_role("button", name="Delete my account and all its data").click()
    page.wait_for_url("**/account/deleted")
    sign_in(page, live_server, learner.username)
    page.goto(f"{live_server}/classes/{exams[long_title].id}")  # archived with the account
    expect(page.get_by_text("Your instructor has archived this class exam")).to_be_visible()
    problems["a learner's archived class"] = look_at_copy(checker, page, "learner-archived")
    assert problems == {page_name: [] for page_name in problems}
    context.close()
    checking.close()


@pytest.mark.parametrize("scripts", (True, False))
def test_a_refused_sign_up_or_sign_in_puts_focus_on_the_field_to_mend(
    browser: Browser, live_server: str, scripts: bool
) -> None:
    context = browser.new_context(java_script_enabled=scripts)
    page = context.new_page()
    page.goto(live_server + "/account/sign-up")
    page.get_by_label("Username").fill(unique_name("ada"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD + "!")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_focused()
    page.goto(live_server + "/account/sign-in")
    page.get_by_label("Username").fill(unique_name("nobody"))
    page.get_by_label("Password").fill("a wrong password here")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_focused()
    context.close()

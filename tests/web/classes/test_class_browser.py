"""Real Chromium: an instructor creates a class exam, a learner joins by code and sits it, the
live page shows them, the window closes, the learner sees the keys, the instructor reads the
statistics; axe-core finds nothing serious on any class page, at desktop and phone width."""

import uuid

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from gradquiz.core.accounts import Role
from tests.web.accounts.test_account_browser import PASSWORD, look, new_page

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/account/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def audit(page: Page, name: str, problems: list[str]) -> None:
    """axe and width at 1280 px, then at 390 px, then back."""
    problems += look(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    problems += look(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_instructor_runs_a_class_exam_for_a_learner(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    base, suffix = live_server, uuid.uuid4().hex[:6]
    teacher_name, learner_name = f"prof-{suffix}", f"ada-{suffix}"
    live_app.state.accounts.create_account(
        username=teacher_name, password=PASSWORD, role=Role.INSTRUCTOR
    )
    problems: list[str] = []
    teacher_context, teacher = new_page(browser)
    learner_context, learner = new_page(browser)

    sign_in(teacher, base, teacher_name)
    teacher.get_by_role("link", name="Classes").first.click()
    teacher.wait_for_url("**/classes")
    audit(teacher, "classes-instructor", problems)
    teacher.get_by_role("link", name="New class exam").click()
    teacher.wait_for_url("**/classes/new")
    audit(teacher, "class-new", problems)
    teacher.get_by_label("Title").fill(f"Week 3 quiz {suffix}")
    teacher.get_by_label("At submit, learners see").select_option("score")
    teacher.get_by_role("button", name="Create class exam").click()
    teacher.wait_for_url("**/live")
    code = teacher.locator(".join-code").inner_text()
    audit(teacher, "class-live", problems)

    learner.goto(base + "/account/sign-up")
    learner.get_by_label("Username").fill(learner_name)
    learner.get_by_label("Password", exact=True).fill(PASSWORD)
    learner.get_by_label("The same password again").fill(PASSWORD)
    learner.get_by_role("button", name="Create account").click()
    learner.goto(f"{base}/join/{code}")
    expect(learner.locator(".join-code")).to_have_text(code)  # the class shown, by name
    audit(learner, "classes-learner", problems)
    learner.get_by_role("button", name=f"Join Week 3 quiz {suffix}").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(f"Week 3 quiz {suffix}")
    audit(learner, "class-learner", problems)
    learner.get_by_role("button", name="Start the exam").click()
    learner.wait_for_url("**/questions/1")
    for number in range(1, 16):
        learner.locator("label[for=option-A]").click()
        leave = "Save, review and submit" if number == 15 else "Save and next"
        learner.get_by_role("button", name=leave).click()
        learner.wait_for_url("**/review" if number == 15 else f"**/questions/{number + 1}")

    teacher.reload()
    row = teacher.locator("#live-rows tr", has_text=learner_name)
    expect(row).to_contain_text("in progress")
    expect(row).to_contain_text("15 of 15")

    learner.get_by_role("button", name="Submit exam").click()
    learner.wait_for_url("**/result")
    expect(learner.locator("body")).to_contain_text(
        "Your instructor shows this exam's answers later"
    )
    expect(learner.locator("#answers-title")).to_have_count(0)
    audit(learner, "class-withheld", problems)

    teacher.reload()
    expect(row).to_contain_text("submitted")
    teacher.get_by_role("link", name="Close the exam now…").click()
    expect(teacher.locator("main")).to_contain_text("no attempt is in progress")
    teacher.get_by_role("button", name="Close the exam").click()
    expect(teacher.locator("[role=status]")).to_contain_text("Closed: closed early")

    learner.reload()
    expect(learner.locator("#answers-title")).to_have_text("Question by question")
    expect(learner.locator(".reviewed").first).to_be_visible()

    teacher.get_by_role("link", name="Results").click()
    teacher.wait_for_url("**/results")
    expect(teacher.locator("tbody tr", has_text=learner_name)).to_contain_text("by the learner")
    audit(teacher, "class-results", problems)
    teacher.locator("tbody tr", has_text=learner_name).get_by_role("link").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"{learner_name}'s result")
    teacher.go_back()
    teacher.get_by_role("link", name="Item statistics").click()
    teacher.wait_for_url("**/stats")
    expect(teacher.locator("main")).to_contain_text("KR-20")
    audit(teacher, "class-stats", problems)

    teacher_context.close()
    learner_context.close()
    assert not problems, problems

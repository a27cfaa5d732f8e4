"""Real Chromium on the class flows of issue 29: a join link through sign-up into the class,
closing early with a confirmation and the learner told why, the live table's search and
sort with and without JavaScript, and axe-core with no violation of any impact on every
page these touch, at 1280 and 390 px (screenshots of each at 390 px when
GRADQUIZ_SCREENSHOTS names a folder)."""

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from gradquiz.core.accounts import Account, Role
from gradquiz.services.passwords import Passwords
from tests.factories import CHEAP_HASHER, class_rules
from tests.web.accounts.test_account_browser import PASSWORD, SHOTS, new_page
from tests.web.browsing import fits_width
from tests.web.classes.test_class_browser import sign_in

pytestmark = pytest.mark.browser


@dataclass
class Class:
    id: str
    code: str
    teacher: str
    learners: list[str]


def make_class(app: FastAPI, learners: int = 0, submitted: int = 0) -> Class:
    """A class exam open now, with `learners` members, the first `submitted` of whom have
    submitted, the rest with a sitting in progress."""
    app.state.accounts.passwords = Passwords(CHEAP_HASHER)
    suffix = uuid.uuid4().hex[:6]
    teacher = app.state.accounts.create_account(
        username=f"prof-{suffix}", password=PASSWORD, role=Role.INSTRUCTOR
    )
    classes = app.state.classes
    exam = classes.create(
        instructor=teacher,
        rules=class_rules(app.state.service.clock(), title=f"Week 3 quiz {suffix}"),
    )
    names = []
    for n in range(learners):
        learner: Account = app.state.accounts.create_account(
            username=f"l{n}-{suffix}", password=PASSWORD, role=Role.LEARNER
        )
        classes.join(learner=learner, code=exam.code)
        attempt = classes.start(learner=learner, class_id=exam.id)
        if n < submitted:
            app.state.service.submit(learner=learner.owner, attempt_id=attempt.id)
        names.append(learner.username)
    return Class(exam.id, exam.code, teacher.username, names)


def violations(page: Page) -> list[str]:
    """Every axe-core violation on the page, of any impact, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def audit(page: Page, name: str, *, fit: bool = True) -> list[str]:
    """axe at 1280 px and at 390 px (with a screenshot there), and no sideways scroll
    unless `fit` is false."""
    problems = [f"{name} @1280: {v}" for v in violations(page)]
    page.set_viewport_size({"width": 390, "height": 844})
    problems += [f"{name} @390: {v}" for v in violations(page)]
    if fit and not fits_width(page):
        problems.append(f"{name} scrolls sideways at 390 px")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    return problems


def test_a_join_link_takes_a_signed_out_learner_through_sign_up_into_the_class(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    exam = make_class(live_app)
    context, page = new_page(browser)
    page.goto(f"{live_server}/join/{exam.code}")
    expect(page.locator("main .join-code").first).to_have_text(exam.code)
    problems = audit(page, "i29-classes-join-signed-out")
    page.get_by_role("link", name="Create an account to join").click()
    expect(page.locator("#joining")).to_contain_text(exam.code)
    problems += audit(page, "i29-classes-sign-up-to-join")
    name = f"ada-{uuid.uuid4().hex[:6]}"
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"**/classes/{exam.id}?notice=joined")
    expect(page.get_by_role("status")).to_have_text("You have joined this class exam.")
    expect(page.get_by_role("button", name="Start the exam")).to_be_visible()
    problems += audit(page, "i29-classes-joined")
    context.close()
    assert not problems, problems


def test_closing_early_is_confirmed_and_the_learner_is_told_why(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    exam = make_class(live_app, learners=2, submitted=1)
    learner_context, learner = new_page(browser, 390)
    sign_in(learner, live_server, exam.learners[1])
    learner.goto(f"{live_server}/classes/{exam.id}")
    learner.get_by_role("button", name="Resume your attempt").click()
    learner.wait_for_url("**/questions/1")

    teacher_context, teacher = new_page(browser)
    sign_in(teacher, live_server, exam.teacher)
    teacher.goto(f"{live_server}/classes/{exam.id}/live")
    teacher.get_by_role("link", name="Close the exam now…").click()
    teacher.wait_for_url(f"**/classes/{exam.id}/close")
    expect(teacher.locator("main")).to_contain_text("1 attempt in progress is submitted")
    problems = audit(teacher, "i29-classes-close-confirm")
    teacher.get_by_role("button", name="Close and submit 1 attempt").click()
    teacher.wait_for_url("**/live?notice=closed")
    expect(teacher.get_by_role("status").first).to_contain_text(
        "Closed: closed early, with 1 attempt in progress."
    )

    learner.locator("label[for=option-B]").click()
    expect(learner.locator("#save-status")).to_contain_text("Your instructor has closed the exam")
    learner.wait_for_url("**/result")
    expect(learner.locator("main")).to_contain_text("when your instructor closed the exam")
    expect(learner.locator("main")).not_to_contain_text("time ran out")
    # Whether a result page fits 390 px depends on the draw's long formulas: issue 29's
    # phone item, tested on every question by the exam pages' own tests.
    problems += audit(learner, "i29-classes-result-closed", fit=False)
    teacher_context.close()
    learner_context.close()
    assert not problems, problems


def rows(page: Page) -> list[str]:
    return [t.strip().split(" ")[0] for t in page.locator("#live-rows th").all_inner_texts()]


def test_the_live_table_searches_and_sorts_with_and_without_javascript(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    exam = make_class(live_app, learners=6, submitted=3)
    context, page = new_page(browser)
    sign_in(page, live_server, exam.teacher)
    page.goto(f"{live_server}/classes/{exam.id}/live")
    assert rows(page) == exam.learners
    page.get_by_label("Username contains").fill("l4-")
    expect(page.locator("#live-rows tr")).to_have_count(1)
    expect(page.locator("#count-shown")).to_have_text("1")
    assert "q=l4-" in page.url  # the address keeps the view, for a reload or a link
    page.get_by_label("Username contains").fill("")
    page.get_by_label("Show").select_option("submitted")
    expect(page.locator("#live-rows tr")).to_have_count(3)
    page.get_by_role("link", name="Learner", exact=True).click()  # sort by name, descending
    expect(page.locator("#live-rows th").first).to_contain_text(exam.learners[2])
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Learner")
    problems = audit(page, "i29-classes-live")
    page.locator("#live-rows tr").first.get_by_role("link", name="Extra time").click()
    expect(page.get_by_label("Username", exact=True)).to_have_value(exam.learners[2])
    context.close()

    still = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = still.new_page()
    sign_in(page, live_server, exam.teacher)
    page.goto(f"{live_server}/classes/{exam.id}/live")
    page.get_by_label("Show").select_option("in-progress")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url("**show=in-progress**")
    assert rows(page) == exam.learners[3:]
    page.get_by_role("link", name="Time left").click()
    page.wait_for_url("**sort=left**")
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Time left")
    page.get_by_label("Time multiplier").fill("1.25")
    page.get_by_label("Username", exact=True).fill("nobody")
    page.get_by_role("button", name="Set time").click()
    expect(page.locator("#time-error")).to_contain_text("No member of this class is named")
    expect(page.get_by_label("Username", exact=True)).to_have_value("nobody")
    expect(page.get_by_label("Time multiplier")).to_have_value("1.25")
    expect(page.locator(".alert.success")).to_have_count(0)
    still.close()
    assert not problems, problems


def test_the_instructor_and_learner_pages_have_no_axe_violations(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    exam = make_class(live_app, learners=3, submitted=3)
    context, page = new_page(browser)
    sign_in(page, live_server, exam.teacher)
    problems: list[str] = []
    for name, path in (
        ("i29-classes-results", f"/classes/{exam.id}/results"),
        ("i29-classes-stats", f"/classes/{exam.id}/stats"),
        ("i29-classes-preview", f"/classes/{exam.id}/preview"),
        ("i29-classes-new", "/classes/new"),
        ("i29-classes-progress", "/progress"),
        ("i29-classes-api-docs", "/api/docs"),
    ):
        page.goto(live_server + path)
        if name.endswith("api-docs"):
            page.locator("#swagger-ui .opblock").first.wait_for()
        problems += audit(page, name)
    expect(page.locator("#swagger-ui")).to_contain_text("Join a class exam")
    expect(page.locator("#swagger-ui")).not_to_contain_text("Api Join")
    page.goto(f"{live_server}/classes/new")
    expect(page.locator("#zone-named")).not_to_be_empty()
    context.close()
    assert not problems, problems


def test_on_a_phone_the_live_table_says_it_scrolls_sideways(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    exam = make_class(live_app, learners=2, submitted=1)
    context, page = new_page(browser)
    sign_in(page, live_server, exam.teacher)
    page.goto(f"{live_server}/classes/{exam.id}/live")
    hint = page.locator("#live-scroll-hint")
    wider = "b => b.scrollWidth > b.clientWidth"
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        scrolls = page.locator(".table-box").first.evaluate(wider)
        assert hint.is_visible() == scrolls, (width, scrolls)
        if width < 1280:
            assert scrolls, width  # the case the hint is for
    expect(page.get_by_role("region", name="Table of learners, scrollable")).to_have_attribute(
        "aria-describedby", "live-scroll-hint"
    )
    context.close()

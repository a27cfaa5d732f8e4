"""Real Chromium: an instructor uploads a GIFT file, previews it, creates a class exam from
it, a learner sits it, and no page outside that class attempt shows any of its text; while
the window is open the member's practice set never holds a class question."""

import uuid

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from gradquiz.core.accounts import Role
from tests.web.accounts.test_account_browser import PASSWORD, new_page
from tests.web.banks.test_bank_class_exams import STEMS, canary_gift
from tests.web.classes.test_class_browser import audit, sign_in
from tests.web.test_no_key_leak import CANARIES

pytestmark = pytest.mark.browser
SECRETS = (*STEMS, *CANARIES[:3])


def secrets_on(page: Page) -> list[str]:
    text = page.content()
    return [secret for secret in SECRETS if secret in text]


def test_an_instructor_runs_a_class_exam_from_their_own_bank(
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
    teacher.goto(base + "/classes")
    teacher.get_by_role("link", name="Question banks").click()
    teacher.wait_for_url("**/classes/banks")
    audit(teacher, "banks", problems)
    teacher.get_by_label("File", exact=True).set_input_files(
        {"name": "private.gift", "mimeType": "text/plain", "buffer": canary_gift().encode()}
    )
    teacher.get_by_label("Bank", exact=True).fill(f"Private {suffix}")
    teacher.get_by_role("button", name="Import").click()
    expect(teacher.locator("#import-report")).to_contain_text("15 imported, 0 skipped, 0 refused")
    teacher.get_by_role("link", name="Preview the bank").click()
    expect(teacher.locator("main")).to_contain_text(STEMS[0])
    expect(teacher.locator("main")).to_contain_text(CANARIES[0])
    audit(teacher, "bank-preview", problems)

    teacher.goto(base + "/classes/new")
    teacher.get_by_label("Title").fill(f"Private quiz {suffix}")
    teacher.get_by_label("Questions from").select_option(
        label=f"Your bank: Private {suffix} (5 easy, 6 medium, 4 hard)"
    )
    teacher.get_by_label("At submit, learners see").select_option("score")
    teacher.get_by_role("button", name="Create class exam").click()
    teacher.wait_for_url("**/live")
    code = teacher.locator(".join-code").inner_text()

    learner.goto(base + "/account/sign-up")
    learner.get_by_label("Username").fill(learner_name)
    learner.get_by_label("Password", exact=True).fill(PASSWORD)
    learner.get_by_label("The same password again").fill(PASSWORD)
    learner.get_by_role("button", name="Create account").click()
    learner.goto(f"{base}/join/{code}")
    learner.get_by_role("button", name="Join").click()
    learner.get_by_role("button", name="Start the exam").click()
    learner.wait_for_url("**/questions/1")
    shown = []
    for number in range(1, 16):
        shown += [stem for stem in STEMS if stem in learner.content()]
        assert not [c for c in CANARIES[:3] if c in learner.content()], "a key before submit"
        learner.locator("label[for=option-A]").click()
        leave = "Save, review and submit" if number == 15 else "Save and next"
        learner.get_by_role("button", name=leave).click()
        learner.wait_for_url("**/review" if number == 15 else f"**/questions/{number + 1}")
    assert sorted(shown) == sorted(STEMS)
    learner.get_by_role("button", name="Submit exam").click()
    learner.wait_for_url("**/result")

    # The window is open: nothing outside the class attempt shows the bank's text.
    for path in ("/", "/progress", "/review", "/lab", "/classes"):
        learner.goto(base + path)
        assert secrets_on(learner) == [], path
    learner.goto(base + "/practice")
    learner.get_by_label("All that match").check()
    learner.get_by_role("button", name="Start practising").click()
    learner.wait_for_url("**/practice/*/1")
    practice = learner.url.rsplit("/", 1)[0]
    for number in range(1, 100):
        response = learner.goto(f"{practice}/{number}")
        if response is None or response.status != 200 or "/done" in learner.url:
            break
        assert secrets_on(learner) == [], f"practice question {number}"

    teacher_context.close()
    learner_context.close()
    assert not problems, problems


# The width a select's chosen text takes, and the room the select gives it (its inner width
# less the arrow), at the select's own font.
SELECT_ROOM = """
select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 24;
  return [widest, room, select.getBoundingClientRect().height];
}
"""


@pytest.mark.parametrize("width", (320, 390))
def test_bank_and_class_forms_on_a_phone_tap_well_and_read_whole(
    browser: Browser, live_server: str, live_app: FastAPI, width: int
) -> None:
    base, name = live_server, f"prof-{uuid.uuid4().hex[:6]}"
    live_app.state.accounts.create_account(username=name, password=PASSWORD, role=Role.INSTRUCTOR)
    context, page = new_page(browser, width)
    sign_in(page, base, name)
    page.goto(base + "/classes/banks")
    for select in ("#format", "#difficulty"):
        height = page.locator(select).bounding_box()
        assert height is not None and height["height"] >= 44, (select, height)
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "b.gift", "mimeType": "text/plain", "buffer": b"::A::Which? {=a ~b ~c}\n"}
    )
    page.get_by_role("button", name="Import").click()
    page.get_by_role("link", name="Preview the bank").click()
    box = page.locator("input[name=confirm]").bounding_box()
    words = page.get_by_text("Delete the bank and its images.").bounding_box()
    assert box is not None and words is not None
    assert box["width"] <= 24 and box["height"] <= 24, box  # a checkbox, not a large square
    assert words["x"] > box["x"] + box["width"] and abs(words["y"] - box["y"]) < 12, (box, words)
    button = page.get_by_role("button", name="Delete the bank")
    colour, danger = button.evaluate(
        "b => { const probe = document.createElement('span');"
        " probe.style.background = 'var(--bad)'; document.body.append(probe);"
        " const want = getComputedStyle(probe).backgroundColor; probe.remove();"
        " return [getComputedStyle(b).backgroundColor, want]; }"
    )
    assert colour == danger, (colour, danger)  # styled as dangerous
    page.goto(base + "/classes/new")
    for select in ("#at_submit", "#after_close"):
        widest, room, height = page.locator(select).evaluate(SELECT_ROOM)
        assert widest <= room and height >= 44, (select, widest, room, height)
    context.close()

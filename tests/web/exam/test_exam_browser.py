"""Real Chromium: answers kept as chosen, every way off a page saves, phones, shapes, local time."""

import json
import re
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, Route, expect

from tests.web.browsing import catalogue_overflow, fits_width, free_port, serious_violations

pytestmark = pytest.mark.browser

PHONE_WIDTHS = (390, 320)


def start_exam(page: Page, base: str) -> str:
    """Start an exam from the landing page (abandoning any open one); return its id."""
    page.goto(base + "/")
    resume = page.get_by_role("button", name="Abandon it and start a new exam")
    if resume.count():
        resume.first.click()
    else:
        page.get_by_role("button", name="Start exam").first.click()
    page.wait_for_url("**/questions/1")
    return page.url.split("/")[4]


def test_a_slow_save_never_overwrites_a_later_choice(page: Page, live_server: str) -> None:
    attempt_id = start_exam(page, live_server)
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if not held:
            held.append(route)  # answered below, after the later save has landed
        else:
            route.continue_()

    page.route("**/api/v1/attempts/*/answers/*", hold_the_first)
    page.locator("label[for=option-A]").click()
    page.locator("label[for=option-C]").click()
    expect(page.locator("#save-status")).to_have_text("Answer C saved.")
    page.wait_for_timeout(2000)
    held[0].continue_()  # the save of A arrives two seconds late
    page.wait_for_timeout(500)
    expect(page.locator("#save-status")).to_have_text("Answer C saved.")
    page.unroute("**/api/v1/attempts/*/answers/*")
    page.reload()
    assert page.locator("#option-C").is_checked(), "the late save of A overwrote C"
    held_on_server = page.evaluate(
        "id => fetch('/api/v1/attempts/' + id).then(r => r.json())", attempt_id
    )
    assert held_on_server["questions"][0]["chosen"] == "C"


def test_without_javascript_every_way_off_a_question_keeps_the_choice(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    attempt_id = start_exam(page, live_server)
    question = f"{live_server}/attempts/{attempt_id}/questions/"

    def choose_and_leave(number: int, letter: str, leave: str, lands: str) -> None:
        page.goto(question + str(number))
        page.locator(f"label[for=option-{letter}]").click()
        page.locator(leave).first.click()
        page.wait_for_url(lands)
        page.goto(question + str(number))
        assert page.locator(f"#option-{letter}").is_checked(), f"lost by {leave}"

    # Letters A to C only: a drawn question may have three options (gates.routing has).
    choose_and_leave(1, "B", "header .brand", f"{live_server}/")
    choose_and_leave(2, "C", "button:has-text('Review and submit')", "**/review")
    choose_and_leave(3, "A", ".palette button[data-number='9']", "**/questions/9")
    choose_and_leave(4, "C", ".nav-buttons button:has-text('Save and previous')", "**/questions/3")
    choose_and_leave(5, "B", ".nav-buttons button:has-text('Save and next')", "**/questions/6")
    page.goto(question + "6")
    page.locator("label[for=option-A]").click()
    page.keyboard.press("Enter")  # implicit submission moves forward and saves
    page.wait_for_url("**/questions/7")
    page.goto(question + "6")
    assert page.locator("#option-A").is_checked()
    expect(page.locator(".timer-note")).to_contain_text("it counts down only with JavaScript")
    page.get_by_role("button", name="Clear my answer").click()
    page.wait_for_url("**/questions/6")
    assert page.locator("input[name=option]:checked").count() == 0
    context.close()


def test_a_choice_can_be_cleared_with_javascript(page: Page, live_server: str) -> None:
    start_exam(page, live_server)
    expect(page.locator("#timer-label")).to_have_text("Time left")
    page.locator("label[for=option-B]").click()
    expect(page.locator("#save-status")).to_have_text("Answer B saved.")
    page.get_by_role("button", name="Clear my answer").click()
    expect(page.locator("#save-status")).to_have_text("No answer chosen; saved.")
    expect(page.locator(".palette .cell.current")).to_have_attribute(
        "aria-label", "Question 1, not answered"
    )
    page.reload()
    assert page.locator("input[name=option]:checked").count() == 0


def test_tab_order_follows_the_visual_order(page: Page, live_server: str) -> None:
    attempt_id = start_exam(page, live_server)
    page.goto(f"{live_server}/attempts/{attempt_id}/questions/2")
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.textContent.trim()")
        if name in ("Save and previous", "Save and next"):
            order.append(name)
        if len(order) == 2:
            break
    assert order == ["Save and previous", "Save and next"]
    previous = page.get_by_role("button", name="Save and previous").bounding_box()
    following = page.get_by_role("button", name="Save and next").bounding_box()
    assert previous and following and previous["x"] < following["x"]


CONTRAST = """
([a, b]) => {
  const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
"""

CELL_STYLE = """
el => { const s = getComputedStyle(el); const icon = el.querySelector('.cell-icon');
  return { background: s.backgroundColor, border: s.borderTopStyle, borderColor: s.borderTopColor,
    tick: getComputedStyle(icon, '::before').content, flag: getComputedStyle(icon, '::after').content,
    flagColor: getComputedStyle(icon, '::after').color,
    page: getComputedStyle(el.closest('.palette')).backgroundColor }; }
"""


def test_palette_states_differ_by_shape_and_contrast(page: Page, live_server: str) -> None:
    start_exam(page, live_server)
    page.locator("label[for=option-A]").click()
    expect(page.locator(".palette .cell[data-number='1']")).to_have_class(
        re.compile(r"\banswered\b")
    )
    page.get_by_label("Mark for review").check()
    expect(page.locator(".palette ol .cell.marked")).to_have_count(1)
    answered = page.locator(".palette .cell[data-number='1']").evaluate(CELL_STYLE)
    unanswered = page.locator(".palette .cell[data-number='2']").evaluate(CELL_STYLE)
    assert answered["tick"] == '"✓"' and unanswered["tick"] in ("none", "normal")
    assert answered["flag"] == '"⚑"' and unanswered["flag"] in ("none", "normal")
    assert answered["border"] == "solid" and unanswered["border"] == "dashed"

    def contrast(a: str, b: str) -> float:
        return float(page.evaluate(CONTRAST, [a, b]))

    assert contrast(answered["background"], unanswered["background"]) >= 3
    assert contrast(answered["background"], answered["page"]) >= 3
    assert contrast(unanswered["borderColor"], unanswered["page"]) >= 3
    page.goto(page.url.replace("/questions/1", "/questions/2"))
    page.get_by_label("Mark for review").check()
    expect(page.locator(".palette .cell[data-number='2']")).to_have_class(re.compile(r"\bmarked\b"))
    marked = page.locator(".palette .cell[data-number='2']").evaluate(CELL_STYLE)
    assert marked["flag"] == '"⚑"' and contrast(marked["flagColor"], marked["background"]) >= 3


def walk_one_exam(page: Page, base: str, attempt_id: str) -> Iterator[str]:
    """Visit a question page, the review, the confirmation and the result of an exam, as a
    learner with JavaScript does; yield each page's name."""
    page.goto(f"{base}/attempts/{attempt_id}/questions/1")
    yield "question 1"
    page.goto(f"{base}/attempts/{attempt_id}/review")
    yield "review"
    page.get_by_role("button", name="Submit exam").click()
    page.wait_for_url("**confirm=1**")
    yield "confirm"
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    yield "result"


def exam_pages_through_routes(app: FastAPI, exams: int) -> Iterator[tuple[str, str, str]]:
    """(kind, name, html) of every page of `exams` whole exams in a row, taken by one learner
    through the app's routes (FastAPI's TestClient): each question page, the review, the
    confirmation, the result and the result with wrong answers only. Retakes draw unseen
    questions first, so six meet the whole bank."""
    # Not entered as a context: the live server runs the app's lifespan already.
    learner = TestClient(app, base_url="http://127.0.0.1")
    for exam in range(1, exams + 1):
        started = learner.post("/attempts", data={"replacing": ""})
        attempt = str(started.url).split("/")[4]
        for number in range(1, 16):
            page = learner.get(f"/attempts/{attempt}/questions/{number}")
            assert page.status_code == 200
            yield "question", f"exam {exam}, question {number}", page.text
        yield "review", f"exam {exam}", learner.get(f"/attempts/{attempt}/review").text
        confirm = learner.post(f"/attempts/{attempt}/submit")
        assert "confirm=1" in str(confirm.url)
        yield "confirm", f"exam {exam}", confirm.text
        result = learner.post(f"/attempts/{attempt}/submit", data={"confirm": "yes"})
        assert str(result.url).endswith("/result")
        yield "result", f"exam {exam}", result.text
        wrong = learner.get(f"/attempts/{attempt}/result?only=wrong")
        yield "result", f"exam {exam}, wrong only", wrong.text


def test_no_page_scrolls_sideways_on_a_phone(
    browser: Browser, live_server: str, live_app: FastAPI
) -> None:
    # Six whole exams in a row meet every question of the bank; their pages' markup is laid
    # out together, one catalogue per kind of page, at each phone width (the six-exam walk
    # page by page took 45 s). One exam is walked page by page too, with its bar and timer.
    assert len(live_app.state.pack.questions) <= 6 * 15, "six exams no longer meet the bank"
    pages: dict[str, list[tuple[str, str]]] = {}
    for kind, name, html in exam_pages_through_routes(live_app, exams=6):
        pages.setdefault(kind, []).append((name, html))
    assert len(pages["question"]) == 90 and len(pages["result"]) == 12
    context = browser.new_context(viewport={"width": 390, "height": 760}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/")
    wide: dict[str, object] = {
        f"{kind} at {width}": found
        for kind, entries in pages.items()
        for width, found in catalogue_overflow(page, entries, PHONE_WIDTHS, scripts=False).items()
    }

    def measure(name: str) -> None:
        """Whether the page as loaded fits each phone width (resized, not reloaded)."""
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 760})
            if not fits_width(page):
                wide[f"{name} at {width} px"] = page.url

    attempt_id = start_exam(page, live_server)
    for name in walk_one_exam(page, live_server, attempt_id):
        measure(name)
    page.goto(live_server + "/")
    measure("landing")
    for link in page.locator(".interview-list a").evaluate_all("els => els.map(a => a.href)"):
        page.goto(link)
        measure(link)
    page.goto(live_server + "/interview/chain-rule")
    page.get_by_label("Your answer").fill("Multiply local derivatives from the output back.")
    page.get_by_role("button", name="Compare with the model answer").click()
    measure("interview, compared")
    page.goto(live_server + "/api/docs")
    page.wait_for_selector(".opblock")
    measure("api docs")
    assert wide == {}, json.dumps(wide, indent=1)
    context.close()


def test_on_a_phone_time_stays_in_view_and_the_palette_is_one_tap_away(
    browser: Browser, live_server: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 700}, is_mobile=True)
    page = context.new_page()
    start_exam(page, live_server)
    jump = page.get_by_role("link", name="All Questions")
    box = jump.bounding_box()
    assert box and box["y"] + box["height"] <= 700, "the palette link starts out of view"
    page.mouse.wheel(0, 5000)
    page.wait_for_timeout(300)
    timer = page.locator(".timer").bounding_box()
    assert timer and 0 <= timer["y"] < 100, "the time left scrolled out of view"
    page.evaluate("window.scrollTo(0, 0)")
    jump.click()
    palette = page.locator("#palette").bounding_box()
    assert palette and palette["y"] < 700
    context.close()


def test_times_show_in_the_learners_time_zone(browser: Browser, live_server: str) -> None:
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
    page = context.new_page()
    attempt_id = start_exam(page, live_server)
    page.goto(f"{live_server}/attempts/{attempt_id}/review")
    page.get_by_role("button", name="Submit exam").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    shown = page.locator(".score-card time").text_content() or ""
    stamp = page.locator(".score-card time").get_attribute("datetime") or ""
    tokyo = datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Tokyo"))
    assert "UTC" not in shown and tokyo.strftime("%H:%M") in shown
    assert re.search(r"GMT\+9|JST", shown), shown  # the zone is named
    context.close()


def test_interview_warns_before_leaving_unsaved_ticks(page: Page, live_server: str) -> None:
    page.goto(live_server + "/interview/computational-graph")
    page.get_by_label("Your answer").fill("A DAG of operations; gradients flow backwards.")
    page.get_by_role("button", name="Compare with the model answer").click()
    page.locator("#points-form input[type=checkbox]").first.check()
    dialogs: list[str] = []

    def dismiss(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Interview questions").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/interview/computational-graph" in page.url  # stayed to save
    page.get_by_role("button", name="Save my self-assessment").click()
    page.get_by_role("link", name="Interview questions").click()
    page.wait_for_url(live_server + "/#interview-title")
    assert dialogs == ["beforeunload"]


def test_api_docs_work_offline_and_pass_axe(page: Page, live_server: str) -> None:
    elsewhere: list[str] = []

    def only_this_server(route: Route) -> None:
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(live_server + "/api/docs")
    expect(page.locator(".opblock")).to_have_count(7)  # five exam routes, two of classes
    assert elsewhere == []
    assert serious_violations(page) == []


def test_new_pages_pass_axe(page: Page, live_server: str) -> None:
    attempt_id = start_exam(page, live_server)
    page.locator("label[for=option-A]").click()
    expect(page.locator("#save-status")).to_contain_text("saved")
    problems = {}
    page.goto(live_server + "/")
    problems["landing, exam in progress"] = serious_violations(page)
    page.goto(f"{live_server}/attempts/{attempt_id}/review?confirm=1")
    problems["review with confirmation"] = serious_violations(page)
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    page.goto(page.url + "?only=wrong")
    problems["result, wrong only"] = serious_violations(page)
    page.goto(live_server + "/")
    problems["landing with results"] = serious_violations(page)
    assert problems == {name: [] for name in problems}


def test_starting_twice_offers_resume_or_abandon(page: Page, live_server: str) -> None:
    first = start_exam(page, live_server)
    page.goto(live_server + "/")
    expect(page.locator(".resume-box")).to_contain_text("0 of 15 answered")
    page.evaluate(
        "() => { const f = document.createElement('form'); f.method = 'post';"
        " f.action = '/attempts'; document.body.append(f); f.submit(); }"
    )
    expect(page.get_by_role("heading", name="You have an exam in progress")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Resume it").click()
    page.wait_for_url(f"**/attempts/{first}/questions/1")
    page.goto(live_server + "/")
    page.get_by_role("button", name="Abandon it and start a new exam").click()
    page.wait_for_url("**/questions/1")
    assert first not in page.url


class _AttackPage(BaseHTTPRequestHandler):
    """A page on another port of 127.0.0.1 (same site, other origin) that forges posts."""

    target = ""

    def do_GET(self) -> None:
        body = (
            "<!doctype html><title>elsewhere</title>"
            f'<form id="submit" method="post" action="{self.target}/submit">'
            '<input name="confirm" value="yes"><button>Win a prize</button></form>'
            f'<form id="interview" method="post" action="{self.target.split("/attempts")[0]}'
            '/interview/chain-rule/answer"><input name="answer" value="forged">'
            "<button>Go</button></form>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_on_another_origin_cannot_submit_or_overwrite(page: Page, live_server: str) -> None:
    attempt_id = start_exam(page, live_server)
    page.locator("label[for=option-B]").click()
    expect(page.locator("#save-status")).to_have_text("Answer B saved.")
    page.goto(live_server + "/interview/chain-rule")
    page.get_by_label("Your answer").fill("My own answer.")
    page.get_by_role("button", name="Compare with the model answer").click()

    _AttackPage.target = f"{live_server}/attempts/{attempt_id}"
    port = free_port()
    attacker = HTTPServer(("127.0.0.1", port), _AttackPage)
    Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        for form in ("submit", "interview"):
            page.goto(f"http://127.0.0.1:{port}/")
            with page.expect_navigation():
                page.locator(f"#{form} button").click()
            expect(page.locator("main")).to_contain_text("This form came from another site")
    finally:
        attacker.shutdown()
        attacker.server_close()
    page.goto(f"{live_server}/attempts/{attempt_id}/questions/1")
    assert page.locator("#option-B").is_checked()  # still open, answer kept
    page.goto(live_server + "/interview/chain-rule")
    expect(page.get_by_label("Your answer")).to_have_value("My own answer.")
    assert re.search("forged", page.content()) is None

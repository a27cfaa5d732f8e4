"""Real Chromium: take a whole exam with the keyboard, reload midway, and audit accessibility."""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(
            f"{CHROMIUM} is missing under CI=true: .ci/run installs Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ShiftedClock:
    """The real clock, moved forward by `shift` so tests can reach a deadline quickly."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture(scope="module")
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, clock: ShiftedClock) -> Iterator[str]:
    """The app on a real port, on SQLite, with the real (shiftable) clock and a 1 s grace."""
    path = tmp_path_factory.mktemp("browser") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    service = ExamService(
        database=database,
        pack=load_pack(builtin_pack_dir()),
        grace=timedelta(seconds=1),
        clock=clock,
    )
    app = create_app(Settings(database_url=f"sqlite:///{path}"), service=service)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    database.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    new_page = context.new_page()
    yield new_page
    context.close()


def tab_to(page: Page, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate `test` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]} {[n.get('failureSummary', '')[:300] for n in v['nodes']][:2]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
    page.wait_for_timeout(2100)
    assert page.locator("#timer-value").text_content() != first
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


def test_pages_fit_a_phone(browser: Browser, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto(live_server + "/")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], "landing page scrolls sideways on a phone"
    phone.get_by_role("button", name="Start exam").first.click()
    phone.wait_for_url("**/questions/1")
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], "question page scrolls sideways on a phone"
    context.close()


def test_countdown_is_announced_and_time_up_submits(
    page: Page, live_server: str, clock: ShiftedClock
) -> None:
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start exam").first.click()
    page.wait_for_url("**/questions/1")
    page.locator("label[for=option-B]").click()
    expect(page.locator("#save-status")).to_contain_text("Answer B saved")
    announcer = page.locator("#timer-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    try:
        clock.shift = timedelta(minutes=25) - timedelta(seconds=33)
        page.reload()
        expect(announcer).to_have_text("30 seconds left", timeout=8000)
        clock.shift = timedelta(minutes=25) - timedelta(seconds=3)
        page.reload()
        expect(announcer).to_have_text(re.compile("Time is up"), timeout=8000)
        page.wait_for_url("**/result", timeout=10000)
    finally:
        clock.shift = timedelta(0)
    expect(page.locator(".score-card")).to_contain_text("Submitted automatically when time ran out")
    expect(page.locator("article.reviewed").first.locator("li.chosen .letter")).to_have_text("B")

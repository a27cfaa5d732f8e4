"""Real Chromium through a lost connection (issue 31): the exam goes on offline from the
device, answers wait in IndexedDB and reach the server in order, once, when the network
returns; a submit made offline completes once; storage is cleared; the banner passes axe.

Counts asserted in every test: answers lost (the server does not hold the learner's final
choice), stale (it holds an older save of the question than the device's last), and saves
applied more than once."""

import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from gradquiz.core.accounts import Role
from gradquiz.core.classes import Disclosure
from gradquiz.services.exam import ExamService
from gradquiz.storage import attempts as store
from tests.factories import class_rules
from tests.web.accounts.test_account_browser import PASSWORD, sign_in
from tests.web.browsing import CHROMIUM, CHROMIUM_ARGS, ShiftedClock, serious_violations
from tests.web.exam.test_exam_browser import start_exam

pytestmark = pytest.mark.browser

OFFLINE_BANNER = re.compile(
    r"^Offline: (\d+) answers? saved on this device, (they|it) will be sent when you are back"
    r" online\. (Last saved on the server at .+|Nothing saved on the server yet)\.$"
)
ALL_SENT = "Back online: every answer is saved on the server."


@dataclass
class Saves:
    """Every save and submit the server received, as the service saw them."""

    saves: list[tuple[str, int, int | None, str]] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, attempt_id: str) -> list[tuple[int, int | None, str]]:
        with self.lock:
            return [(n, seq, how) for a, n, seq, how in self.saves if a == attempt_id]

    def submitted(self, attempt_id: str) -> list[str]:
        with self.lock:
            return [how for a, how in self.submits if a == attempt_id]


@pytest.fixture(scope="module")
def received(live_app: FastAPI) -> Iterator[Saves]:
    """The live app's service, recording each save (applied, held back, refused) and submit."""
    service: ExamService = live_app.state.service
    record = Saves()
    save, submit = service.save_answer, service.submit

    def recording_save(**kwargs: Any) -> Any:
        entry = [kwargs["attempt_id"], kwargs["number"], kwargs.get("seq"), "refused"]
        try:
            outcome = save(**kwargs)
            entry[3] = "applied" if outcome.saved.applied else "held"
            return outcome
        finally:
            with record.lock:
                record.saves.append(tuple(entry))  # type: ignore[arg-type]

    def recording_submit(**kwargs: Any) -> Any:
        how = "refused"
        try:
            done = submit(**kwargs)
            how = "submitted"
            return done
        finally:
            with record.lock:
                record.submits.append((kwargs["attempt_id"], how))

    service.save_answer = recording_save  # type: ignore[method-assign]
    service.submit = recording_submit  # type: ignore[method-assign]
    yield record
    service.save_answer = save  # type: ignore[method-assign]
    service.submit = submit  # type: ignore[method-assign]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 1100, "height": 900})
    yield made
    made.close()


@pytest.fixture
def clock_back(shifted_clock: ShiftedClock) -> Iterator[ShiftedClock]:
    """The server's clock, put back after the test moved it."""
    yield shifted_clock
    shifted_clock.shift = timedelta(0)


def held_on_server(live_app: FastAPI, attempt_id: str) -> dict[int, tuple[str | None, bool, int]]:
    """Each question's answer the server holds: its letter, mark and seq."""
    service: ExamService = live_app.state.service
    with service.database.reading() as session:
        attempt = store.load_attempt(session=session, attempt_id=attempt_id)
    assert attempt is not None
    held = {}
    for number, slot in enumerate(attempt.slots, 1):
        answer = attempt.answers.get(slot.question_id)
        if answer is not None:
            held[number] = (slot.letter_of(answer.option_id), answer.marked, answer.seq)
    return held


def wait_until_kept(page: Page, attempt_id: str) -> None:
    """Until the attempt's pages are on the device and the service worker serves this page."""
    page.wait_for_function(
        "id => document.documentElement.dataset.examKept === id"
        " && navigator.serviceWorker.controller !== null",
        arg=attempt_id,
        timeout=20_000,
    )


def kept_exam(context: BrowserContext, base: str) -> tuple[Page, str]:
    """A new tab on a new exam's first question, once the exam is kept on the device."""
    page = context.new_page()
    attempt_id = start_exam(page, base)
    wait_until_kept(page, attempt_id)
    return page, attempt_id


def go_to(page: Page, number: int) -> None:
    """Leave the question on screen for question `number` by its palette button."""
    if page.url.endswith(f"/questions/{number}"):
        return
    page.locator(f".palette [data-number='{number}']").click()
    page.wait_for_url(f"**/questions/{number}")
    expect(page.locator("#question-heading")).to_contain_text(f"Question {number}")


def choose(page: Page, letter: str, marked: bool | None = None) -> None:
    page.locator(f"label[for=option-{letter}]").click()
    expect(page.locator(f"#option-{letter}")).to_be_checked()
    if marked is not None and page.locator("#marked").is_checked() != marked:
        page.locator("label[for=marked]").click()


def device_records(page: Page, attempt_id: str) -> list[dict[str, Any]]:
    """What the device keeps for the attempt's questions (IndexedDB, through idb-keyval)."""
    return page.evaluate(  # type: ignore[no-any-return]
        "id => window.gradquizDevice.records(id)", attempt_id
    )


def wait_all_sent(page: Page, attempt_id: str, count: int, seconds: float = 20) -> None:
    """Until the device holds `count` answers of the attempt and the server has them all."""
    deadline = time.monotonic() + seconds
    while True:
        records = device_records(page, attempt_id)
        if len(records) == count and all(r["sent"] for r in records):
            return
        assert time.monotonic() < deadline, f"still waiting to be sent: {records}"
        page.wait_for_timeout(200)


def wait_storage_empty(page: Page, seconds: float = 15) -> None:
    """Until IndexedDB and Cache Storage hold nothing of any attempt.

    Only the names of the caches: opening one to list it, just as the page deletes it, would
    make it again (empty), and the test would then find what it made itself."""
    deadline = time.monotonic() + seconds
    names = "async () => ({keys: (await window.idbKeyval.keys()).map(String), caches: await caches.keys()})"
    while (found := page.evaluate(names)) != {"keys": [], "caches": []}:
        assert time.monotonic() < deadline, f"still kept on the device: {found}"
        page.wait_for_timeout(200)


def device_storage(page: Page) -> dict[str, Any]:
    """Every key in the app's IndexedDB store and every Cache Storage cache with its URLs."""
    return page.evaluate(  # type: ignore[no-any-return]
        """async () => {
            const keys = await window.idbKeyval.keys();
            const caches_ = {};
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                caches_[name] = (await cache.keys()).map(r => new URL(r.url).pathname);
            }
            return { keys: keys.map(String), caches: caches_ };
        }"""
    )


def counts(
    final: dict[int, tuple[str, bool]],
    server: dict[int, tuple[str | None, bool, int]],
    last_seq: dict[int, int],
    saves: list[tuple[int, int | None, str]],
) -> dict[str, int]:
    """Lost, stale and applied-twice counts for an attempt."""
    lost = sum(1 for n, choice in final.items() if server.get(n, (None, False, 0))[:2] != choice)
    stale = sum(1 for n, seq in last_seq.items() if server.get(n, (None, False, 0))[2] < seq)
    applied = [(n, seq) for n, seq, how in saves if how == "applied"]
    twice = len(applied) - len(set(applied))
    return {"lost": lost, "stale": stale, "applied twice": twice}


def applied_in_order(saves: list[tuple[int, int | None, str]]) -> list[int]:
    """The questions whose saves the server applied, in the order it applied them, once each
    save is known to be one the device made.

    A save may arrive twice though the page sent it once: reopened online after a tab closed
    offline, 3 runs in 40 (two reviewers' load alongside) had the server receive question 1's
    save twice while Playwright saw the page make one PUT, so Chromium's network stack sent it
    again (as it does for a request on a reused connection that fails before its reply). The
    server holds it already and applies nothing, so only such held repeats may be extra."""
    applied = [(n, seq) for n, seq, how in saves if how == "applied"]
    extra = [(n, seq, how) for n, seq, how in saves if how != "applied"]
    assert all(how == "held" and (n, seq) in applied for n, seq, how in extra), saves
    return [n for n, _seq in applied]


def counts_now(
    final: dict[int, tuple[str, bool]], live_app: FastAPI, attempt_id: str, saves: Saves
) -> dict[str, int]:
    """The counts once every save of the device is known sent (its last seq is the held one)."""
    server = held_on_server(live_app, attempt_id)
    return counts(
        final, server, {n: server.get(n, (None, False, 0))[2] for n in final}, saves.of(attempt_id)
    )


def answer_every_question(
    page: Page, rng: random.Random, numbers: range = range(1, 16)
) -> dict[int, tuple[str, bool]]:
    """Choose, change and mark answers on each question, leaving by the palette; return the
    final choice of each."""
    final = {}
    for number in numbers:
        go_to(page, number)
        first, second = rng.sample("ABC", 2)  # every question has at least three options
        choose(page, first)
        marked = rng.random() < 0.3
        choose(page, second, marked)
        final[number] = (second, marked)
    return final


@pytest.mark.parametrize("offline", ["60 s", "longer than the grace"])
def test_offline_through_all_15_questions_every_final_choice_reaches_the_server(
    context: BrowserContext,
    live_server: str,
    live_app: FastAPI,
    received: Saves,
    clock_back: ShiftedClock,
    offline: str,
) -> None:
    page = context.new_page()
    if offline == "60 s":
        page.clock.install()
    attempt_id = start_exam(page, live_server)
    wait_until_kept(page, attempt_id)
    context.set_offline(True)
    rng = random.Random(f"offline {offline}")
    final = answer_every_question(page, rng)
    for number in (3, 7, 12):  # back to a few, to change them again
        go_to(page, number)
        letter = next(x for x in "ABC" if x != final[number][0])
        choose(page, letter)
        final[number] = (letter, final[number][1])
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.wait_for_url("**/review")
    banner = page.locator("#offline-banner")
    expect(banner).to_have_text(OFFLINE_BANNER)
    assert OFFLINE_BANNER.match(banner.inner_text())[1] == "15"  # type: ignore[index]
    assert page.locator(".palette .cell.device-only[data-number]").count() == 15
    assert received.of(attempt_id) == []  # nothing reached the server while offline
    if offline == "60 s":
        page.clock.fast_forward("01:00")
        clock_back.shift += timedelta(seconds=60)
        # A page kept at the start says 25:00 left; the countdown keeps to the deadline.
        go_to(page, 1)
        expect(page.locator("#timer-value")).to_have_text(re.compile(r"^(23:\d\d|24:00)$"))
        page.get_by_role("button", name="Review and submit", exact=True).click()
        page.wait_for_url("**/review")
        expect(banner).to_have_text(OFFLINE_BANNER)
    else:
        page.wait_for_timeout(2500)  # the live app's grace is 1 s
    last_seq = {r["number"]: r["seq"] for r in device_records(page, attempt_id)}
    context.set_offline(False)
    expect(banner).to_have_text(ALL_SENT, timeout=15_000)
    assert page.locator(".palette .cell.device-only[data-number]").count() == 0
    server = held_on_server(live_app, attempt_id)
    found = counts(final, server, last_seq, received.of(attempt_id))
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    numbers = [n for n, _seq, _how in received.of(attempt_id)]
    assert sorted(numbers) == list(range(1, 16))  # the newest of each question, once
    print(f"offline {offline}: 15 questions, {found}, {len(numbers)} saves sent")


def answer_offline(page: Page, numbers: range, rng: random.Random) -> dict[int, tuple[str, bool]]:
    """Answer `numbers` once each, leaving by Save and next (the network is off)."""
    final = {}
    for number in numbers:
        go_to(page, number)
        letter = rng.choice("ABC")
        choose(page, letter)
        final[number] = (letter, False)
    return final


def test_a_tab_closed_offline_with_5_unsent_answers_sends_all_5_when_reopened_online(
    context: BrowserContext, live_server: str, live_app: FastAPI, received: Saves
) -> None:
    page, attempt_id = kept_exam(context, live_server)
    context.set_offline(True)
    final = answer_offline(page, range(1, 6), random.Random("tab"))
    expect(page.locator("#offline-banner")).to_have_text(OFFLINE_BANNER)
    assert len([r for r in device_records(page, attempt_id) if not r["sent"]]) == 5
    page.close()  # the tab goes, the device keeps them
    context.set_offline(False)
    again = context.new_page()
    again.goto(live_server + "/")  # any page of the site sends what waits
    wait_all_sent(again, attempt_id, 5)
    found = counts_now(final, live_app, attempt_id, received)
    saves = received.of(attempt_id)
    assert applied_in_order(saves) == [1, 2, 3, 4, 5]
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    print(f"tab closed: 5 unsent, {len(saves)} sent on reopening, {found}")


# The device answers slowly (each read of its keys takes 400 ms), as a busy phone's may.
SLOW_DEVICE = """(() => {
  let real;
  Object.defineProperty(window, "idbKeyval", {
    configurable: true,
    set(value) { real = value; },
    get() {
      return real && new Proxy(real, { get(store, name) {
        if (name !== "keys") { return store[name]; }
        return (...args) => new Promise(done => setTimeout(done, 400)).then(() => store.keys(...args));
      }});
    },
  });
})();"""


def test_a_choice_made_on_a_stored_page_before_it_has_read_the_device_is_the_one_kept(
    context: BrowserContext, live_server: str, live_app: FastAPI, received: Saves
) -> None:
    """The cause of the lost answer: a question page shown from the device was drawn with the
    seq of its time, and a choice made on it before the page had read the device got a seq
    lower than the choice the device held, which kept the older one (and put it back on
    screen)."""
    page, attempt_id = kept_exam(context, live_server)
    context.add_init_script(SLOW_DEVICE)
    context.set_offline(True)
    go_to(page, 3)
    choose(page, "A")
    choose(page, "B")
    go_to(page, 4)
    go_to(page, 3)  # the copy stored at the start, drawn with neither A nor B
    choose(page, "C")  # at once: the page reads the device 400 ms later
    status = page.locator("#save-status")
    expect(status).to_have_text(
        "Answer C kept on this device; it will be sent when you are back online."
    )
    expect(page.locator("#option-C")).to_be_checked()
    assert [(r["option"], r["seq"]) for r in device_records(page, attempt_id)] == [("C", 3)]
    context.set_offline(False)
    wait_all_sent(page, attempt_id, 1)
    found = counts_now({3: ("C", False)}, live_app, attempt_id, received)
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    assert received.of(attempt_id) == [(3, 3, "applied")]
    print(f"slow device: the choice made before the page read the device kept, {found}")


def test_a_dropped_navigation_says_what_the_device_holds_and_opens_the_page_by_itself(
    context: BrowserContext, live_server: str, live_app: FastAPI, received: Saves
) -> None:
    page, attempt_id = kept_exam(context, live_server)
    choose(page, "A")
    wait_all_sent(page, attempt_id, 1)
    context.set_offline(True)
    go_to(page, 2)
    choose(page, "B")
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.wait_for_url("**/review")
    page.get_by_role("button", name="Submit exam").click()
    page.locator("#offline-confirm").get_by_role("button", name="Submit anyway").click()
    # The learner opens the result (from the address bar, say) while the network is down:
    # not the browser's error page, but the device's, saying the submit waits on it.
    result = f"{live_server}/attempts/{attempt_id}/result"
    response = page.goto(result)
    assert response is not None and response.status == 503
    expect(page.locator("h1")).to_have_text("This page did not arrive")
    expect(page.locator("#dropped-held")).to_have_text(
        "Your submission is saved on this device and will be sent when you are back online."
    )
    expect(page.locator("#dropped-when")).to_have_text("when you are back online")
    assert [v["id"] for v in Axe().run(page).response["violations"]] == []
    assert received.submitted(attempt_id) == []
    context.set_offline(False)  # nothing more from the test: the page sends and opens itself
    expect(page.locator("#result-title")).to_have_text("Your result", timeout=15_000)
    assert received.submitted(attempt_id) == ["submitted"]
    found = counts_now({1: ("A", False), 2: ("B", False)}, live_app, attempt_id, received)
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    # Online, the network drops the way to the result three times (every try the worker
    # makes); the learner opens it again once, and the page that says so retries by itself.
    drops: list[str] = []

    def drop_three(route: Route) -> None:
        if len(drops) < 3:
            drops.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route("**/attempts/*/result", drop_three)
    response = page.goto(result)
    assert response is not None and response.status == 503 and len(drops) == 3
    expect(page.locator("h1")).to_have_text("This page did not arrive")
    expect(page.locator("#result-title")).to_have_text("Your result", timeout=15_000)
    context.unroute("**/attempts/*/result")
    assert received.submitted(attempt_id) == ["submitted"]
    print(f"dropped navigation: submit kept on the device, sent once; {len(drops)} drops, {found}")


def test_unsent_answers_survive_a_browser_restart_and_go_in_the_order_they_were_made(
    browser: Browser, live_server: str, live_app: FastAPI, received: Saves, tmp_path: Path
) -> None:
    def launch() -> BrowserContext:
        return browser.browser_type.launch_persistent_context(
            tmp_path / "profile",
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 900},
        )

    context = launch()
    page = context.pages[0] if context.pages else context.new_page()
    attempt_id = start_exam(page, live_server)
    wait_until_kept(page, attempt_id)
    context.set_offline(True)
    made = [4, 2, 9, 6, 1]  # the order the learner answers them in
    final = {}
    for number in made:
        go_to(page, number)
        choose(page, "B")
        final[number] = ("B", False)
    context.close()  # the browser quits while offline
    context = launch()
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server}/attempts/{attempt_id}/questions/1")
        wait_all_sent(page, attempt_id, 5)
    finally:
        context.close()
    found = counts_now(final, live_app, attempt_id, received)
    saves = received.of(attempt_id)
    assert applied_in_order(saves) == made, saves  # applied in the order they were made
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    print(f"browser restart: 5 unsent, sent in order {made}, {found}")


def test_a_submit_made_offline_completes_once_on_reconnect(
    context: BrowserContext, live_server: str, live_app: FastAPI, received: Saves
) -> None:
    page, attempt_id = kept_exam(context, live_server)
    context.set_offline(True)
    final = answer_offline(page, range(1, 4), random.Random("submit"))
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.wait_for_url("**/review")
    page.get_by_role("button", name="Submit exam").click()
    confirm = page.locator("#offline-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Submit with 12 unanswered questions?")
    confirm.get_by_role("button", name="Submit anyway").click()
    expect(page.locator("#offline-banner")).to_contain_text(
        "Your exam will be submitted when you are back online."
    )
    page.wait_for_timeout(2000)  # retries while offline send nothing
    assert received.submitted(attempt_id) == []
    context.set_offline(False)
    page.wait_for_url(f"**/attempts/{attempt_id}/result", timeout=15_000)
    expect(page.locator("#result-title")).to_have_text("Your result")
    page.wait_for_timeout(1500)  # a second submit, if one were coming, would be in by now
    assert received.submitted(attempt_id) == ["submitted"]
    found = counts_now(final, live_app, attempt_id, received)
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    print(f"offline submit: {received.submitted(attempt_id)}, {found}")


def test_a_flaky_network_dropping_30_percent_of_requests_loses_nothing(
    context: BrowserContext, live_server: str, live_app: FastAPI, received: Saves
) -> None:
    page, attempt_id = kept_exam(context, live_server)
    rng = random.Random("flaky")
    dropped: list[str] = []

    def flaky(route: Route) -> None:
        if rng.random() < 0.3:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    context.route("**/*", flaky)
    # Pages the worker answered with "This page did not arrive" (each opens the page again
    # by itself; the test never reloads one).
    stand_ins: list[str] = []
    page.on(
        "response",
        lambda r: (
            stand_ins.append(r.url)
            if r.request.is_navigation_request() and r.status == 503
            else None
        ),
    )
    final = answer_every_question(page, rng)
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.wait_for_url("**/review")
    last_seq = {r["number"]: r["seq"] for r in device_records(page, attempt_id)}
    wait_all_sent(page, attempt_id, 15, seconds=40)
    page.get_by_role("button", name="Submit exam").click()  # all answered: no question asked
    page.wait_for_url(f"**/attempts/{attempt_id}/result", timeout=20_000)
    # The result itself, not a page saying the network dropped it (that one has its address).
    expect(page.locator("#result-title")).to_have_text("Your result", timeout=20_000)
    context.unroute("**/*")
    assert received.submitted(attempt_id) == ["submitted"]
    saves = received.of(attempt_id)
    found = counts(final, held_on_server(live_app, attempt_id), last_seq, saves)
    assert found == {"lost": 0, "stale": 0, "applied twice": 0}
    assert len(dropped) >= 10  # the network really was flaky
    kinds = {
        "api": sum("/api/" in u for u in dropped),
        "other": sum("/api/" not in u for u in dropped),
    }
    outcomes = {how: sum(1 for *_, h in saves if h == how) for how in ("applied", "held")}
    pages = sum(1 for u in dropped if "/attempts/" in u and "/api/" not in u)
    print(
        f"flaky: {len(dropped)} dropped {kinds}, of them {pages} page loads;"
        f" {len(stand_ins)} 'did not arrive' pages shown, 0 reloads by the test;"
        f" saves received {outcomes}, {found}"
    )


def test_storage_is_cleared_at_submit_at_sign_out_and_a_day_after_the_deadline(
    context: BrowserContext, live_server: str, live_app: FastAPI
) -> None:
    page, attempt_id = kept_exam(context, live_server)
    choose(page, "A")
    kept = device_storage(page)
    assert kept["caches"][f"gradquiz-attempt-{attempt_id}"] and kept["keys"]
    # Nothing stored holds a key, feedback or an explanation: none of them appears in any
    # page kept, nor in what IndexedDB holds.
    service: ExamService = live_app.state.service
    attempt = service.attempt(learner=service.owner_of(attempt_id), attempt_id=attempt_id)
    secrets = []
    for question in service.shown.of(attempt):
        html = live_app.state.rendered.of(question)
        secrets += [html.explanation, *html.feedback.values()]
    bodies = page.evaluate(
        """async name => {
            const cache = await caches.open(name);
            return Promise.all((await cache.keys()).map(r => cache.match(r).then(x => x.text())));
        }""",
        f"gradquiz-attempt-{attempt_id}",
    )
    stored = page.evaluate("async () => JSON.stringify(await window.idbKeyval.entries())")
    assert len(bodies) >= 16
    assert not [s for s in secrets if s and any(s in body for body in [*bodies, stored])]
    pages = {
        p for p in kept["caches"][f"gradquiz-attempt-{attempt_id}"] if not p.startswith("/static")
    }
    assert pages == {f"/attempts/{attempt_id}/questions/{n}" for n in range(1, 16)} | {
        f"/attempts/{attempt_id}/review",
        "/exam-network-dropped",
    }
    # At submit.
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.get_by_role("button", name="Submit exam").click()
    page.get_by_role("button", name="Submit anyway").click()
    page.wait_for_url("**/result")
    wait_storage_empty(page)
    # A day after the deadline (the device's clock says so): gone at the next page.
    second = start_exam(page, live_server)
    wait_until_kept(page, second)
    page.evaluate(
        """async id => window.idbKeyval.update("gq:" + id + ":meta",
             m => Object.assign({}, m, {deadline: new Date(Date.now() - 86400000 - 60000).toISOString()}))""",
        second,
    )
    page.goto(live_server + "/progress")
    wait_storage_empty(page)
    # At sign-out.
    username = f"offline{random.randrange(10**6)}"
    live_app.state.accounts.create_account(username=username, password=PASSWORD, role=Role.LEARNER)
    sign_in(page, live_server, username)
    page.wait_for_url(live_server + "/**")
    third = start_exam(page, live_server)
    wait_until_kept(page, third)
    choose(page, "C")
    assert device_storage(page)["keys"]
    page.get_by_role("button", name="gradquiz (save and go to the start page)").click()
    page.wait_for_url(live_server + "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server + "/")
    expect(page.locator("header")).to_contain_text("Sign in")
    wait_storage_empty(page)
    registrations = page.evaluate(
        "() => navigator.serviceWorker.getRegistrations().then(r => r.length)"
    )
    print(
        f"storage: cleared at submit, a day after the deadline and at sign-out; {registrations} workers left"
    )


def test_the_offline_banner_passes_axe_and_is_a_status_for_screen_readers(
    context: BrowserContext, live_server: str
) -> None:
    page, _attempt = kept_exam(context, live_server)
    context.set_offline(True)
    answer_offline(page, range(1, 5), random.Random("axe"))
    banner = page.locator("#offline-banner")
    expect(banner).to_have_text(OFFLINE_BANNER)
    assert banner.get_attribute("role") == "status"
    expect(page.get_by_role("status").filter(has_text="Offline: 4 answers")).to_be_visible()
    results = Axe().run(page).response
    assert [v["id"] for v in results["violations"]] == []
    page.get_by_role("button", name="Review and submit", exact=True).click()
    page.wait_for_url("**/review")
    expect(banner).to_have_text(OFFLINE_BANNER)
    assert [v["id"] for v in Axe().run(page).response["violations"]] == []
    assert serious_violations(page) == []
    cell = page.locator(".palette .cell[data-number='2']")
    assert cell.get_attribute("aria-label", timeout=1000).endswith("kept only on this device")  # type: ignore[union-attr]
    assert "only on this device, not sent yet" in page.locator("#status-2").inner_text()
    assert "not answered" in (
        page.locator(".palette .cell[data-number='9']").get_attribute("aria-label") or ""
    )


def test_offline_across_the_deadline_late_answers_are_kept_listed_and_the_result_says_so(
    browser: Browser,
    live_server: str,
    live_app: FastAPI,
    received: Saves,
    clock_back: ShiftedClock,
) -> None:
    accounts, classes = live_app.state.accounts, live_app.state.classes
    tag = f"{random.randrange(16**6):06x}"
    teacher = accounts.create_account(
        username=f"teach{tag}", password=PASSWORD, role=Role.INSTRUCTOR
    )
    learner = accounts.create_account(username=f"learn{tag}", password=PASSWORD, role=Role.LEARNER)
    # A one-minute class exam that shows everything at submit, so the test stays fast.
    rules = class_rules(clock_back(), minutes=1, at_submit=Disclosure.EVERYTHING)
    exam = classes.create(instructor=teacher, rules=rules)
    classes.join(learner=learner, code=exam.code)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        page.clock.install()
        sign_in(page, live_server, learner.username)
        page.wait_for_url(live_server + "/**")
        page.goto(f"{live_server}/classes/{exam.id}")
        page.get_by_role("button", name="Start the exam").click()
        page.wait_for_url("**/questions/1")
        attempt_id = page.url.split("/")[4]
        wait_until_kept(page, attempt_id)
        choose(page, "A")
        go_to(page, 2)
        choose(page, "A")
        wait_all_sent(page, attempt_id, 2)  # questions 1 and 2 reach the server in time
        context.set_offline(True)
        choose(page, "B")  # question 2 changed offline
        go_to(page, 3)
        choose(page, "C")
        go_to(page, 4)
        choose(page, "B")
        page.clock.fast_forward("01:05")  # the countdown runs out while offline
        expect(page.locator("#time-up")).to_be_visible()
        expect(page.locator("#time-up-when")).to_have_text("when you are back online")
        clock_back.shift += timedelta(seconds=70)  # past the deadline and its 1 s grace
        context.set_offline(False)
        page.wait_for_url(f"**/attempts/{attempt_id}/result", timeout=20_000)
        late = page.locator("#late-answers tbody tr")
        expect(late).to_have_count(3)
        expect(page.locator(".late-answers")).to_contain_text(
            "Counted: the answers to questions 1, 2."
        )
        expect(page.locator(".late-answers")).to_contain_text(
            "3 answers reached the server after the deadline and did not count"
        )
        assert [late.nth(i).locator("th").inner_text() for i in range(3)] == [
            "Question 2",
            "Question 3",
            "Question 4",
        ]
        assert late.nth(0).locator("td").all_inner_texts()[-1] == "A"  # what counted for 2
        refused = [(n, how) for n, _seq, how in received.of(attempt_id) if how == "refused"]
        assert sorted(refused) == [(2, "refused"), (3, "refused"), (4, "refused")]
        service: ExamService = live_app.state.service
        attempt = service.attempt(learner=learner.owner, attempt_id=attempt_id)
        stored = service.late_answers(attempt)
        assert len(stored) == 3 and all(a.untrusted_device_time for a in stored)
        wait_storage_empty(page)
        # The instructor's live and results pages list them, under the learner's name.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(live_server + "/")
        sign_in(page, live_server, teacher.username)
        page.wait_for_url(live_server + "/**")
        for where in ("live", "results"):
            page.goto(f"{live_server}/classes/{exam.id}/{where}")
            rows = page.locator("#late-answers tbody tr")
            expect(rows).to_have_count(3)
            assert set(rows.locator("th").all_inner_texts()) == {learner.username}
        print(f"across the deadline: 2 counted, 3 late kept and listed, refused {refused}")
    finally:
        context.close()

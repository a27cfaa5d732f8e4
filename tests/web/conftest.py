"""Fixtures for the browser tests: one live server per module, one Chromium per module."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from gradquiz.content.pack_loader import load_pack
from gradquiz.core.packs import Pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.conftest import app_settings
from tests.web.browsing import CHROMIUM, CHROMIUM_ARGS, ShiftedClock, require_chromium, serving


@pytest.fixture(scope="session")
def canary_pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    """The pack whose keys, feedback and explanations are canaries, written and loaded once
    per test process (a pack object of its own per test would be rendered again each time)."""
    from tests.web.test_no_key_leak import write_canary_pack

    return load_pack(write_canary_pack(tmp_path_factory.mktemp("canary")))


@pytest.fixture(scope="module")
def shifted_clock() -> ShiftedClock:
    """The real clock, which a test may move forward."""
    return ShiftedClock()


@pytest.fixture(scope="module")
def live_app(
    tmp_path_factory: pytest.TempPathFactory, shifted_clock: ShiftedClock, pack: Pack
) -> Iterator[FastAPI]:
    """The app the live server serves: SQLite, the real (shiftable) clock, a 1 s grace.

    Tests reach its services through `app.state` to set up what a page should show."""
    path = tmp_path_factory.mktemp("browser") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    service = ExamService(
        database=database,
        pack=pack,
        grace=timedelta(seconds=1),
        clock=shifted_clock,
    )
    yield create_app(app_settings(database), service=service)
    database.dispose()


@pytest.fixture(scope="module")
def live_server(live_app: FastAPI) -> Iterator[str]:
    """The app on a real port."""
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, one per worker (its sync API allows one at a time). Its event loop
    stays in the worker's main thread from the first browser test on: a later test runs its
    own loop on a thread of its own (tests/web/lab/test_lab_work.py `run_apart`)."""
    require_chromium()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, one per worker: each test takes its own context (its own
    cookies, storage and cache). Launching it takes 0.65 s of CPU, once per module before."""
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own cookies) at desktop size."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    new_page = context.new_page()
    yield new_page
    context.close()

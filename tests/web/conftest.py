"""Browser fixtures shared by the Chromium tests: a live server, Chromium and a page."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import uvicorn

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.web.browsing import CHROMIUM, CHROMIUM_ARGS, ShiftedClock, free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def shifted_clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, shifted_clock: ShiftedClock
) -> Iterator[str]:
    """The app on a real port, on SQLite, with the real (shiftable) clock and a 1 s grace."""
    path = tmp_path_factory.mktemp("browser") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    service = ExamService(
        database=database,
        pack=load_pack(builtin_pack_dir()),
        grace=timedelta(seconds=1),
        clock=shifted_clock,
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
def browser() -> Iterator["Browser"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: "Browser") -> Iterator["Page"]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    new_page = context.new_page()
    yield new_page
    context.close()

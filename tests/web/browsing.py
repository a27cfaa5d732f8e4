"""Helpers for the Chromium tests: where Chromium is, keyboard walking and the axe audit."""

import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip the calling test module without Chromium, except under CI, where it must exist."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(
            f"{CHROMIUM} is missing under CI=true: .ci/run installs Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


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


def tab_to(page: "Page", test: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate `test` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def serious_violations(page: "Page") -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]} {[n.get('failureSummary', '')[:300] for n in v['nodes']][:2]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def scrolls_sideways(page: "Page") -> bool:
    """Whether the page is wider than its viewport."""
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))

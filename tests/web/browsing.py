"""Real Chromium for the browser tests: a live server on a free port, and page helpers."""

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from fastapi import FastAPI
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
    """Skip without Chromium, except under CI=true, where its absence is an error."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(
            f"{CHROMIUM} is missing under CI=true: .ci/run installs Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


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


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` with uvicorn on a free port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a generous bound: the loop ends once it has started
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def tab_to(page: Page, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate `test` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]} "
        f"{[n.get('failureSummary', '')[:300] for n in v['nodes']][:2]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def fits_width(page: Page) -> bool:
    """Whether the page does not scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


_MAIN = re.compile(r'(<main id="main" class="wrap" tabindex="-1">)(.*?)(</main>)', re.S)


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def catalogue(pages: list[tuple[str, str]], scripts: bool = True) -> str:
    """One page holding the <main> of every page in `pages` (name, html), each in a box, in
    the first page's shell: laid out once, every page's markup is measured with the real
    style sheet. Without `scripts`, no script runs (a page's script acts on the first of the
    ids every entry repeats)."""
    if not scripts:
        pages = [(name, _SCRIPT.sub("", html)) for name, html in pages]
    entries = "".join(
        f'<div class="catalogue-entry" data-name="{name}">{_MAIN.search(html)[2]}</div>'  # type: ignore[index]
        for name, html in pages
    )
    return _MAIN.sub(lambda m: m[1] + entries + m[3], pages[0][1], count=1)


# What in a catalogue is wider than the window: each entry that scrolls sideways, with the
# element that sticks out furthest; each sideways scroll box the keyboard cannot reach.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll(".catalogue-entry")]
    .filter(entry => entry.scrollWidth > entry.clientWidth + 0.5)
    .map(entry => {
      const culprit = [...entry.querySelectorAll("*")]
        .filter(el => el.getBoundingClientRect().right > width + 0.5).pop();
      return entry.dataset.name + " (" + entry.scrollWidth + " px): " +
        (culprit ? culprit.outerHTML.slice(0, 160) : "?");
    });
  const unfocusable = [...document.querySelectorAll(".catalogue-entry *")]
    .filter(el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
      && el.scrollWidth > el.clientWidth + 0.5 && el.tabIndex < 0)
    .map(el => el.closest(".catalogue-entry").dataset.name + ": " + el.outerHTML.slice(0, 120));
  return { page: document.documentElement.scrollWidth, width, wide, unfocusable };
}
"""


def catalogue_overflow(
    page: Page, pages: list[tuple[str, str]], widths: tuple[int, ...], scripts: bool = True
) -> dict[str, object]:
    """What of `pages` is too wide at each of `widths`, the catalogue laid out in `page` (which
    must be on the server's origin, for the style sheet), keyed by width; empty when all fit."""
    page.set_content(catalogue(pages, scripts), wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    problems: dict[str, object] = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 740})
        found = page.evaluate(OVERFLOW)
        if found["wide"] or found["unfocusable"] or found["page"] > found["width"]:
            problems[f"{width} px"] = found
    return problems

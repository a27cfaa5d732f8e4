"""Lab pages worked out in a process of their own, at a lower priority; 503 when too many."""

import asyncio
import os
import re
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from gradquiz.web.lab.work import MAX_WAITING, NICENESS, LabBusy, LabWork

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end on a thread of its own: a pytest worker that has run a
    browser test keeps Playwright's event loop in its main thread, where asyncio.run() is
    refused."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


URLS = [
    "/lab/neuron?w=0.3&step=4",
    "/lab/expression?f=sigmoid(x*y)%2Bmax(x,z)&x=0.5",
    "/lab/fan-out/your-turn?grad-f=1&grad-x=-2",
    "/lab/fan-out/your-turn?grad-q=lots",
    "/lab/flow?init=he&depth=12&width=16",
    "/lab/gradient-check?w=0.2",
    "/lab/expression?f=x*1e-999999",
    "/lab/flow?depth=50&width=256",
    "/lab/no-such-graph",
]


@pytest.fixture(scope="module")
def pooled_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app as `gradquiz serve` runs it: each lab page's work in a lab process."""
    path = tmp_path_factory.mktemp("pooled") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    settings = Settings(
        database_url=f"sqlite:///{path}", lab_processes=1, lab_pages_per_second=10_000
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


def _stable(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", html)


def test_a_lab_process_draws_the_same_pages(
    pooled_client: TestClient,
    lab_client: TestClient,
) -> None:
    for url in URLS:
        pooled, inline = pooled_client.get(url), lab_client.get(url)
        assert pooled.status_code == inline.status_code, url
        assert _stable(pooled.text) == _stable(inline.text), url
    assert {pooled_client.get(url).status_code for url in URLS} == {200, 404, 422}


def test_lab_processes_run_at_a_lower_priority() -> None:
    work = LabWork(processes=1, pages_per_second=10)
    try:
        theirs = run_apart(work.run(os.getpriority, os.PRIO_PROCESS, 0))
    finally:
        work.close()
    assert theirs == os.getpriority(os.PRIO_PROCESS, 0) + NICENESS


def test_beyond_the_lab_requests_a_worker_takes_it_answers_503_at_once(
    lab_client: TestClient,
) -> None:
    work: LabWork = lab_client.app.state.lab_work  # type: ignore[attr-defined]
    work.in_flight = MAX_WAITING
    try:
        busy = lab_client.get("/lab/neuron")
    finally:
        work.in_flight = 0
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "2"
    assert "The lab is busy" in busy.text
    assert lab_client.get("/lab/neuron").status_code == 200
    with pytest.raises(LabBusy):
        work.in_flight = MAX_WAITING
        try:
            run_apart(work.run(len, "x"))
        finally:
            work.in_flight = 0


def test_a_worker_starts_only_so_many_lab_pages_a_second_and_queues_the_rest() -> None:
    work = LabWork(processes=0, pages_per_second=3)

    async def five() -> list[float]:
        began = time.monotonic()
        finished = []

        async def one() -> None:
            await work.run(len, "x")
            finished.append(time.monotonic() - began)

        await asyncio.gather(*(one() for _ in range(5)))
        return sorted(finished)

    finished = run_apart(five())
    assert finished[2] < 0.5 and finished[3] >= 0.9, finished  # three at once, then a wait

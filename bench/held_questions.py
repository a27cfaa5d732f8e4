"""What holding class questions back costs the hot paths: starting an exam, starting a
practice set and reading a kept result, in-process on SQLite, with no class window, and with
one and with five windows open (each holding 15 questions; with five, some overlap).

The windows are read once per process every couple of seconds (services/class_windows.py),
so a start should cost the same with them as without. Rounds alternate the cases so drift
on a shared machine lands on all of them alike.

Run by hand: `.venv/bin/python bench/held_questions.py` (it also runs against an older
gradquiz put first on PYTHONPATH, with no windows: the baseline).
"""

import argparse
import hashlib
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.accounts import Account, Role
from gradquiz.core.classes import ClassRules, Disclosure
from gradquiz.core.questions import Difficulty
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.storage.accounts import insert_account
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app


def open_windows(service: ExamService, count: int) -> None:
    """`count` class exams of the service's pack whose windows are open for a day."""
    now = datetime.now(UTC)
    teacher = Account(
        id=hashlib.sha256(os.urandom(8)).hexdigest()[:32],
        username=f"bench-{os.urandom(4).hex()}",
        owner=os.urandom(16).hex(),
        role=Role.INSTRUCTOR,
        created_at=now,
    )
    with service.database.write() as session:
        insert_account(session=session, account=teacher, password_hash="-")
    rules = ClassRules(
        title="bench",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        minutes=25,
        counts={Difficulty.EASY: 5, Difficulty.MEDIUM: 6, Difficulty.HARD: 4},
        prefer_parametrized=False,
        at_submit=Disclosure.SCORE,
        after_close=Disclosure.EVERYTHING,
        attempts_allowed=1,
    )
    classes = ClassService(exam=service)
    for _ in range(count):
        classes.create(instructor=teacher, rules=rules)


def timed(client: TestClient, method: str, url: str, expect: int, **kwargs: object) -> float:
    began = time.perf_counter()
    response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    spent = time.perf_counter() - began
    assert response.status_code == expect, (url, response.status_code, response.text[:300])
    return spent


def one_round(client: TestClient, count: int) -> dict[str, list[float]]:
    """`count` exam starts and practice starts from new browsers, and `count` reads of a
    kept result."""
    times: dict[str, list[float]] = {"start exam": [], "start practice": [], "kept result": []}
    for _ in range(count):
        client.cookies.clear()
        times["start exam"].append(timed(client, "POST", "/api/v1/attempts", 201))
        times["start practice"].append(timed(client, "POST", "/practice", 303))
    client.cookies.clear()
    attempt = client.post("/api/v1/attempts").json()["id"]
    client.post(f"/api/v1/attempts/{attempt}/submit")
    for _ in range(count):
        times["kept result"].append(timed(client, "GET", f"/api/v1/attempts/{attempt}/result", 200))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200, help="requests per case per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pack = load_pack(builtin_pack_dir())
    held = hasattr(ExamService, "start_refusal")  # an older gradquiz holds nothing back
    cases = {"no window": 0, "1 window open": 1, "5 windows open": 5} if held else {"no window": 0}
    with tempfile.TemporaryDirectory() as folder:
        clients = {}
        for label, windows in cases.items():
            database = Database(f"sqlite:///{Path(folder) / f'{windows}.db'}")
            database.migrate()
            service = ExamService(database=database, pack=pack)
            open_windows(service, windows)
            settings = Settings(
                database_url=str(database.url),
                start_limit_per_identity="1000000/minute",
                start_limit_per_address="1000000/minute",
            )
            client = TestClient(create_app(settings, service=service), follow_redirects=False)
            client.__enter__()
            one_round(client, 20)  # warm: generators imported, questions rendered
            clients[label] = client
        results: dict[str, dict[str, list[float]]] = {label: {} for label in cases}
        for _ in range(args.rounds):
            for label, client in clients.items():
                for route, times in one_round(client, args.count).items():
                    results[label].setdefault(route, []).extend(times)
        for client in clients.values():
            client.__exit__(None, None, None)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'case':16} {'route':15} {'p50 ms':>8} {'p90 ms':>8} {'mean ms':>8}")
    for label, routes in results.items():
        for route, times in routes.items():
            times.sort()
            p50, p90 = statistics.median(times), times[int(0.9 * (len(times) - 1))]
            mean = statistics.mean(times)
            print(f"{label:16} {route:15} {p50 * 1e3:8.2f} {p90 * 1e3:8.2f} {mean * 1e3:8.2f}")


if __name__ == "__main__":
    main()

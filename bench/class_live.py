"""What a class of 2,000 costs the instructor's pages, against a question page, in one run.

A class exam of N learners (default 2,000) is set up on SQLite (or `--database-url`): every
learner joins and starts (through the service), answers all 15 questions, and three in four
submit. Then, in process, each route is asked `--repeat` times and its median time printed
beside the median time of one learner's question page, the exam's busiest page:

- the live page (HTML) and its refresh (`live.json`), which the instructor's browser asks
  for every 10 s;
- the results page and `results.csv`;
- the statistics page (kept after its first view until someone submits), and the statistics
  computed afresh (load 2,000 first attempts with the numbers each drew, grade, analyse):
  what `gradquiz stats` and the first view of the page cost.

Run by hand: `.venv/bin/python bench/class_live.py [--learners 2000]`, 100 requests a route (a p99
wants a hundred or more).
"""

import argparse
import os
import platform
import random
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher, profiles
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert

from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.accounts import Account, Role
from gradquiz.core.classes import ClassExam, ClassRules, Disclosure
from gradquiz.services.accounts import AccountService, NewSession
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.storage.accounts import insert_account, replace_password_hash
from gradquiz.storage.classes import add_member
from gradquiz.storage.database import Database
from gradquiz.storage.models import AnswerRow
from gradquiz.web.app import create_app
from gradquiz.web.sessions import SESSION_COOKIE

PASSWORD = "benchmark password"


def person(database: Database, name: str, role: Role) -> Account:
    account = Account(
        id=secrets.token_hex(16),
        username=name,
        owner=secrets.token_hex(32),
        role=role,
        created_at=datetime.now(UTC),
    )
    with database.write() as session:
        insert_account(session=session, account=account, password_hash="-")
    return account


def signed_in(app: FastAPI, account: Account) -> NewSession:
    """A session for an account made without a password: set one (cheaply), sign in."""
    accounts: AccountService = app.state.accounts
    accounts.passwords = Passwords(PasswordHasher.from_parameters(profiles.CHEAPEST))
    with accounts.database.write() as session:
        replace_password_hash(
            session=session, account_id=account.id, password_hash=accounts.passwords.hash(PASSWORD)
        )
    return accounts.sign_in(
        username=account.username, password=PASSWORD, address="bench", browser=None, ending=None
    )


def open_class(classes: ClassService, teacher: Account, title: str) -> ClassExam:
    """A class exam of the pack's blueprint, open from a minute ago for three hours."""
    now = datetime.now(UTC)
    pack = classes.exam.pack
    return classes.create(
        instructor=teacher,
        rules=ClassRules(
            title=title,
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(hours=3),
            minutes=pack.minutes,
            counts=dict(pack.blueprint.counts),
            prefer_parametrized=True,
            at_submit=Disclosure.SCORE,
            after_close=Disclosure.EVERYTHING,
            attempts_allowed=1,
        ),
    )


def percentiles_ms(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median and the 99th percentile of `repeat` calls, in ms (after one to warm)."""
    call()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return statistics.median(times) * 1000, cuts[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/class.db"
    database = Database(url)
    database.migrate()
    service = ExamService(database=database, pack=load_pack(builtin_pack_dir()))
    classes = ClassService(exam=service)
    now = datetime.now(UTC)
    teacher = person(database, f"prof{secrets.token_hex(3)}", Role.INSTRUCTOR)
    exam = open_class(classes, teacher, "Benchmark class")
    rng = random.Random(11)
    set_up = time.perf_counter()
    first_learner = None
    for n in range(args.learners):
        learner = person(database, f"l{n:05d}-{secrets.token_hex(2)}", Role.LEARNER)
        with database.write() as session:
            add_member(session=session, class_id=exam.id, owner=learner.owner, at=now)
        attempt = classes.start(learner=learner, class_id=exam.id)
        first_learner = first_learner or (learner, attempt)
        with database.write() as session:
            session.execute(
                insert(AnswerRow),
                [
                    {
                        "attempt_id": attempt.id,
                        "question_id": slot.question_id,
                        "option_id": rng.choice(slot.option_order),
                        "marked": False,
                        "saved_at": now,
                        "seq": 1,
                    }
                    for slot in attempt.slots
                ],
            )
        if n % 4:
            service.submit(learner=learner.owner, attempt_id=attempt.id)
    set_up = time.perf_counter() - set_up
    assert first_learner is not None

    app = create_app(Settings(database_url=url), service=service)
    with TestClient(app) as client:
        learner, attempt = first_learner
        teacher_session, learner_session = (signed_in(app, a) for a in (teacher, learner))

        def get(path: str, cookie: str) -> Callable[[], object]:
            def call() -> object:
                response = client.get(path, cookies={SESSION_COOKIE: cookie})
                assert response.status_code == 200, (path, response.status_code)
                return response

            return call

        question, question_p99 = percentiles_ms(
            get(f"/attempts/{attempt.id}/questions/1", learner_session.token), args.repeat
        )
        rows = []
        base = f"/classes/{exam.id}"
        sizes = {}
        for name, path in (
            ("live page", f"{base}/live"),
            ("live.json (each refresh)", f"{base}/live.json"),
            ("live page, searched and sorted", f"{base}/live?q=l001&sort=score&order=desc"),
            ("live.json, submitted, by time left", f"{base}/live.json?show=submitted&sort=left"),
            ("results page", f"{base}/results"),
            ("results.csv", f"{base}/results.csv"),
            ("statistics page", f"{base}/stats"),
        ):
            call = get(path, teacher_session.token)
            sizes[name] = len(call().content)  # type: ignore[attr-defined]
            rows.append((name, *percentiles_ms(call, args.repeat)))
        call = get(base, learner_session.token)  # the member's view: their sittings
        sizes["a learner's class page"] = len(call().content)  # type: ignore[attr-defined]
        rows.append(("a learner's class page", *percentiles_ms(call, args.repeat)))
        cold = percentiles_ms(lambda: ClassService(exam=service).statistics(exam), 5)
        rows.append(("statistics computed afresh (gradquiz stats)", *cold))

    print(f"\n{platform.machine()}, {os.cpu_count()} cores, {database.url.get_backend_name()}")
    print(
        f"class of {args.learners:,} (set up in {set_up:.0f} s), 15 answers each, "
        f"{args.learners - (args.learners + 3) // 4:,} submitted; median (p50) and p99 of"
        f" {args.repeat} in-process requests (TestClient), baseline one learner's question page"
    )
    print("| route | p50 ms | p99 ms | p50 × question page | body bytes |")
    print("|---|---|---|---|---|")
    print(f"| question page (baseline) | {question:.1f} | {question_p99:.1f} | 1.0× | |")
    for name, p50, p99 in rows:
        ratio = p50 / question
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {ratio:.1f}× | {sizes.get(name, '')} |")
    refresh_share = {name: p50 for name, p50, _ in rows}["live.json (each refresh)"] / 10_000
    print(f"one instructor refreshing every 10 s keeps {refresh_share:.2%} of one core busy")
    database.dispose()


if __name__ == "__main__":
    main()

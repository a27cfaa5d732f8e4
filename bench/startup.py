"""How long `gradquiz serve` takes to answer its first request, with and without a backlog.

Prints the median time from launching the server to the first 200 on `/`, on an empty
SQLite database and on one holding OVERDUE open attempts whose deadlines have passed (the
start-up sweep's work), their ratio, and the spread of the runs.
Run: .venv/bin/python bench/startup.py
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.attempts import start_attempt
from gradquiz.storage.attempts import insert_attempt
from gradquiz.storage.database import Database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fill(database: Database, overdue: int) -> None:
    """`overdue` open attempts that ended an hour ago, each by another learner."""
    import random

    pack = load_pack(builtin_pack_dir())
    started = datetime.now(UTC) - timedelta(hours=2)
    rng = random.Random(1)
    with database.write() as session:
        for n in range(overdue):
            attempt = start_attempt(
                attempt_id=f"overdue-{n:06d}",
                owner=f"owner-{n:06d}",
                pack=pack,
                rng=rng,
                now=started,
            )
            insert_attempt(session=session, attempt=attempt)


def time_to_first_answer(url: str, workers: int) -> float:
    """Seconds from launching `gradquiz serve` until `/` answers 200."""
    port = free_port()
    env = {**os.environ, "GRADQUIZ_DATABASE_URL": url, "GRADQUIZ_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "gradquiz", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    began = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as reply:
                    if reply.status == 200:
                        return time.perf_counter() - began
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
            if time.perf_counter() - began > 120:
                raise RuntimeError("the server did not answer within 120 s")
    finally:
        child.terminate()
        child.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--overdue", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        empty, backlog = Path(folder) / "empty.db", Path(folder) / "backlog.db"
        Database(f"sqlite:///{empty}").migrate()
        database = Database(f"sqlite:///{backlog}")
        database.migrate()
        fill(database, args.overdue)
        database.dispose()
        times = {}
        for name, template in (("empty database", empty), (f"{args.overdue} overdue", backlog)):
            runs = []
            for run in range(args.runs):
                # A fresh copy each run: the first run's sweep would empty the backlog.
                copy = Path(folder) / f"run-{run}-{template.name}"
                shutil.copyfile(template, copy)
                runs.append(time_to_first_answer(f"sqlite:///{copy}", args.workers))
            times[name] = runs
    base = statistics.median(times["empty database"])
    for name, runs in times.items():
        seconds = statistics.median(runs)
        print(
            f"{name:>20}: first answer after {seconds:.2f} s ({seconds / base:.2f}x), "
            f"runs {min(runs):.2f}-{max(runs):.2f} s, {sum(r < 1.5 for r in runs)}/{len(runs)} "
            f"under 1.5 s ({args.workers} worker(s))"
        )


if __name__ == "__main__":
    main()

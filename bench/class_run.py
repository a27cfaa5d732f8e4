"""A synchronized class: N learners released within 10 s take a compressed exam together.

Each learner starts (the page's POST /attempts), reads every question page, saves an answer
to each with think time in between, and submits; a share of them never submit and are
submitted at the deadline by the server. The pack's `minutes` is cut so a run takes minutes.
gradquiz runs as `gradquiz serve` with the README's defaults (SQLite, one worker per core,
default start limits); learners come from distinct addresses (X-Forwarded-For, as behind a proxy).

Afterwards the database is checked: every acknowledged save is there with its acknowledged
choice, and every attempt was submitted exactly once.

    .venv/bin/python bench/class_run.py --learners 500 1000 2000
"""

import argparse
import asyncio
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from gradquiz.content.pack_loader import builtin_pack_dir
from gradquiz.storage.attempts import load_attempt
from gradquiz.storage.database import Database
from gradquiz.web.app import SWEEP_SECONDS

GRACE = 15

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from http_load import free_port, wait_for  # noqa: E402


@dataclass
class Tally:
    """What the learners saw, for the report and the database check."""

    latency: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    acknowledged: dict[tuple[str, int], str] = field(default_factory=dict)
    submitted: set[str] = field(default_factory=set)
    attempts: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    last: dict[int, str] = field(default_factory=dict)  # each learner's request under way

    def timed(self, kind: str, seconds: float, status: int) -> None:
        self.latency.setdefault(kind, []).append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1


def fill_pool(env: dict[str, str]) -> float:
    """Migrate and fill the install's variant pool, as before any real class; the seconds."""
    began = time.monotonic()
    for step in (["migrate"], ["variants", "fill"]):
        command = [sys.executable, "-m", "gradquiz", *step]
        subprocess.run(command, env=env, check=True, capture_output=True)
    return time.monotonic() - began


def quick_pack(folder: Path, minutes: int) -> Path:
    """The built-in pack with a shorter exam."""
    target = folder / "pack"
    shutil.copytree(builtin_pack_dir(), target)
    manifest = target / "pack.toml"
    manifest.write_text(manifest.read_text().replace("minutes = 25", f"minutes = {minutes}"))
    return target


async def learner(
    number: int, base: str, tally: Tally, release: float, exam_seconds: float, submits: bool
) -> None:
    """One learner's exam, from start to submit; a request unanswered in 60 s is a failure."""
    try:
        await sitting(number, base, tally, release, exam_seconds, submits)
    except TimeoutError:
        tally.failures.append(f"no answer in 60 s ({tally.last.get(number, 'start')})")


async def sitting(
    number: int, base: str, tally: Tally, release: float, exam_seconds: float, submits: bool
) -> None:
    headers = {"X-Forwarded-For": f"10.{number // 65536}.{number // 256 % 256}.{number % 256}"}
    jar = aiohttp.CookieJar(unsafe=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        base, cookie_jar=jar, headers=headers, timeout=timeout
    ) as http:
        await asyncio.sleep(release)
        began = time.perf_counter()
        async with http.post("/attempts", allow_redirects=False) as reply:
            tally.timed("start", time.perf_counter() - began, reply.status)
            if reply.status != 303:
                tally.failures.append(f"start {reply.status}")
                return
            attempt = reply.headers["Location"].split("/")[2]
        tally.attempts.add(attempt)
        think = exam_seconds * 0.8 / 15
        for question in range(1, 16):
            tally.last[number] = f"page {question}"
            began = time.perf_counter()
            async with http.get(f"/attempts/{attempt}/questions/{question}") as reply:
                await reply.read()
                tally.timed("page", time.perf_counter() - began, reply.status)
            await asyncio.sleep(random.uniform(0.3, 1.7) * think)
            letter = random.choice("ABC")
            tally.last[number] = f"save {question}"
            began = time.perf_counter()
            url = f"/api/v1/attempts/{attempt}/answers/{question}"
            async with http.put(url, json={"option": letter, "seq": 1}) as reply:
                body = await reply.json()
                tally.timed("save", time.perf_counter() - began, reply.status)
                if reply.status == 200 and body["applied"]:
                    tally.acknowledged[(attempt, question)] = body["option"]
        if submits:
            tally.last[number] = "submit"
            began = time.perf_counter()
            form = {"confirm": "yes"}
            async with http.post(
                f"/attempts/{attempt}/submit", data=form, allow_redirects=False
            ) as reply:
                tally.timed("submit", time.perf_counter() - began, reply.status)
                if reply.status == 303:
                    tally.submitted.add(attempt)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def server_processes(pid: int) -> list[int]:
    """The server's worker processes, or the server itself when it has none."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()] or [pid]


def rss_mb(pid: int) -> float:
    """The largest resident size among the server's worker processes (or the server itself)."""
    sizes = []
    for process in server_processes(pid):
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes) if sizes else float("nan")


def cpu_seconds(pid: int) -> list[float]:
    """CPU time (user + system) of each of the server's worker processes (or the server)."""
    tick = os.sysconf("SC_CLK_TCK")
    return [
        sum(int(field) for field in Path(f"/proc/{process}/stat").read_text().split()[13:15]) / tick
        for process in server_processes(pid)
    ]


def check_database(url: str, tally: Tally) -> tuple[int, int, int]:
    """(saves lost or changed, attempts not submitted, attempts submitted by the deadline).

    An attempt whose learner was told it was submitted must say so in the database.
    """
    database = Database(url)
    lost = unsubmitted = by_deadline = 0
    with database.reading() as session:
        for attempt_id in tally.attempts:
            attempt = load_attempt(session=session, attempt_id=attempt_id)
            assert attempt is not None
            if attempt.submitted_at is None:
                unsubmitted += 1
            elif attempt.submitted_by is not None and attempt.submitted_by.value == "deadline":
                by_deadline += 1
                if attempt_id in tally.submitted:
                    tally.failures.append(f"{attempt_id}: learner submitted, stored as deadline")
            for (held_attempt, number), letter in tally.acknowledged.items():
                if held_attempt != attempt_id:
                    continue
                slot = attempt.slot_at(number)
                if slot.letter_of(attempt.chosen(slot.question_id)) != letter:
                    lost += 1
    database.dispose()
    return lost, unsubmitted, by_deadline


async def run_class(base: str, learners: int, exam_seconds: float) -> Tally:
    tally = Tally()
    await asyncio.gather(
        *(
            learner(n, base, tally, random.uniform(0, 10), exam_seconds, random.random() > 0.1)
            for n in range(learners)
        )
    )
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--learners", type=int, nargs="+", default=[500, 1000, 2000])
    parser.add_argument("--minutes", type=int, default=2)
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores, SQLite, gradquiz serve with the README's defaults, "
        f"exam of {args.minutes} min, learners released within 10 s, 10 % never submit"
    )
    print(
        "| learners | start p50 ms | start p99 ms | page p99 ms | save p99 ms | 5xx | "
        "acknowledged saves | lost | submitted | by deadline | not submitted | RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for count in args.learners:
        with tempfile.TemporaryDirectory() as folder_name:
            folder = Path(folder_name)
            url = f"sqlite:///{folder / 'class.db'}"
            env = {
                **os.environ,
                "GRADQUIZ_DATABASE_URL": url,
                "GRADQUIZ_PACK_DIR": str(quick_pack(folder, args.minutes)),
                "GRADQUIZ_LOG_LEVEL": "warning",
            }
            print(f"  variant pool filled in {fill_pool(env):.0f} s before serving")
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, "-m", "gradquiz", "serve", "--port", str(port)], env=env
            )
            try:
                wait_for(port, server)
                time.sleep(3)  # the server's start-up work (rendering the bank) is done
                released = time.monotonic()
                used = resource.getrusage(resource.RUSAGE_SELF)
                client_cpu_before = used.ru_utime + used.ru_stime
                tally = asyncio.run(run_class(f"http://127.0.0.1:{port}", count, args.minutes * 60))
                # Wait out the last deadline, the grace and a sweep for those who never submitted.
                settled = released + 10 + args.minutes * 60 + GRACE + SWEEP_SECONDS + 5
                time.sleep(max(0.0, settled - time.monotonic()))
                rss = rss_mb(server.pid)
                workers_cpu = cpu_seconds(server.pid)
                elapsed = time.monotonic() - released
                used = resource.getrusage(resource.RUSAGE_SELF)
                client_cpu = used.ru_utime + used.ru_stime - client_cpu_before
            finally:
                server.terminate()
                server.wait()
            lost, unsubmitted, by_deadline = check_database(url, tally)
        server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
        lat = {k: [v * 1000 for v in vs] for k, vs in tally.latency.items()}
        print(
            f"| {count} | {statistics.median(lat['start']):.0f} "
            f"| {percentile(lat['start'], 0.99):.0f} "
            f"| {percentile(lat['page'], 0.99):.0f} | {percentile(lat['save'], 0.99):.0f} "
            f"| {server_errors} | {len(tally.acknowledged)} | {lost} | {len(tally.submitted)} "
            f"| {by_deadline} | {unsubmitted} | {rss:.0f} |"
        )
        print(
            f"  CPU seconds over {elapsed:.0f} s: workers "
            f"{', '.join(f'{c:.0f}' for c in workers_cpu if c >= 1)}, this client "
            f"{client_cpu:.0f} (both on this machine's {os.cpu_count()} cores)"
        )
        if tally.failures:
            print(f"  failures: {sorted(set(tally.failures))[:5]} ({len(tally.failures)})")


if __name__ == "__main__":
    main()

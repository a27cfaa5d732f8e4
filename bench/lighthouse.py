"""Lighthouse (mobile) on the pages a learner and an instructor use most, one run each.

Sets up a database with an instructor, a class of `--learners` (each with a sitting), and one
learner with an open exam, a submitted exam, a practice set and review cards; serves it with
`gradquiz serve`; then runs the Lighthouse CLI with the mobile preset against each page,
signed in through the session cookie. Prints the four category scores, CLS, FCP, LCP, total
blocking time and speed index; with `--runs N`, the median of N runs a page (scores and timings
each their own median), as Lighthouse's own guidance suggests for a noisy machine.

Needs Node.js and Lighthouse (`npm install lighthouse` in a folder given as `--lighthouse`,
default /work/lh) and Chromium at /usr/bin/chromium:

    .venv/bin/python bench/lighthouse.py
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from class_live import open_class, person, signed_in  # noqa: E402
from http_load import free_port, wait_for  # noqa: E402

from gradquiz.config import Settings  # noqa: E402
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack  # noqa: E402
from gradquiz.core.accounts import Role  # noqa: E402
from gradquiz.services.classes import ClassService  # noqa: E402
from gradquiz.services.exam import ExamService  # noqa: E402
from gradquiz.storage.classes import add_member  # noqa: E402
from gradquiz.storage.database import Database  # noqa: E402
from gradquiz.web.app import create_app  # noqa: E402
from gradquiz.web.sessions import SESSION_COOKIE  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def set_up(url: str, learners: int) -> tuple[dict[str, str], str, str]:
    """The pages to measure (name → path), the learner's and the instructor's session tokens."""
    database = Database(url)
    database.migrate()
    service = ExamService(database=database, pack=load_pack(builtin_pack_dir()))
    classes = ClassService(exam=service)
    now = datetime.now(UTC)
    teacher = person(database, "lighthouse-teacher", Role.INSTRUCTOR)
    exam = open_class(classes, teacher, "Lighthouse class")
    for n in range(learners):
        member = person(database, f"member{n:04d}", Role.LEARNER)
        with database.write() as session:
            add_member(session=session, class_id=exam.id, owner=member.owner, at=now)
        sitting = classes.start(learner=member, class_id=exam.id)
        if n % 3:
            service.submit(learner=member.owner, attempt_id=sitting.id)
    learner = person(database, "lighthouse-learner", Role.LEARNER)
    done = service.start(learner=learner.owner)
    for number in range(1, len(done.slots) + 1):
        service.save_answer(
            learner=learner.owner, attempt_id=done.id, number=number, letter="A", seq=1
        )
    service.submit(learner=learner.owner, attempt_id=done.id)
    open_attempt = service.start(learner=learner.owner)
    database.dispose()

    app = create_app(Settings(database_url=url), service=service)
    learner_token = signed_in(app, learner).token
    teacher_token = signed_in(app, teacher).token
    practice = app.state.practice.start(learner=learner.owner)
    pages = {
        "landing": "/",
        "question": f"/attempts/{open_attempt.id}/questions/1",
        "result": f"/attempts/{done.id}/result",
        "practice": f"/practice/{practice.id}/1",
        "progress": "/progress",
        "lab": "/lab/neuron",
        "class live": f"/classes/{exam.id}/live",
    }
    return pages, learner_token, teacher_token


def lighthouse(tool: Path, url: str, token: str, out: Path) -> dict[str, float]:
    headers = json.dumps({"Cookie": f"{SESSION_COOKIE}={token}"})
    command = [
        str(tool / "node_modules/.bin/lighthouse"),
        url,
        "--quiet",
        "--form-factor=mobile",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--extra-headers={headers}",
        "--output=json",
        f"--output-path={out}",
    ]
    # Lighthouse now and then fails to record a trace (NO_NAVSTART); a page gets three tries.
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    for _ in range(3):
        if subprocess.run(command, env=env).returncode == 0:
            break
    else:
        raise RuntimeError(f"Lighthouse failed three times on {url}")
    report = json.loads(out.read_text())
    audits = report["audits"]
    figures = {name: report["categories"][name]["score"] for name in CATEGORIES}
    figures["CLS"] = audits["cumulative-layout-shift"]["numericValue"]
    figures["FCP ms"] = audits["first-contentful-paint"]["numericValue"]
    figures["LCP ms"] = audits["largest-contentful-paint"]["numericValue"]
    figures["TBT ms"] = audits["total-blocking-time"]["numericValue"]
    figures["SI ms"] = audits["speed-index"]["numericValue"]
    return figures


TIMINGS = ("FCP ms", "LCP ms", "TBT ms", "SI ms")


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the runs (the middle one; the lower middle of an even count)."""
    return {name: sorted(run[name] for run in runs)[(len(runs) - 1) // 2] for name in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--lighthouse", type=Path, default=Path("/work/lh"))
    parser.add_argument("--runs", type=int, default=1, help="runs a page; the median is shown")
    parser.add_argument("--only", nargs="*", default=None, help="page names to measure")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder}/lighthouse.db"
    pages, learner_token, teacher_token = set_up(url, args.learners)
    port = free_port()
    env = {**os.environ, "GRADQUIZ_DATABASE_URL": url, "GRADQUIZ_VARIANT_POOL_SIZE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gradquiz", "serve", "--port", str(port), "--workers", "1"],
        env=env,
    )
    try:
        wait_for(port, server)
        print(f"{args.runs} run(s) a page, the median shown")
        print("| page | " + " | ".join(CATEGORIES) + " | CLS | " + " | ".join(TIMINGS) + " |")
        print("|---" * (len(CATEGORIES) + 2 + len(TIMINGS)) + "|")
        for name, path in pages.items():
            if args.only is not None and name not in args.only:
                continue
            token = teacher_token if name == "class live" else learner_token
            address = f"http://127.0.0.1:{port}{path}"
            runs = [
                lighthouse(args.lighthouse, address, token, folder / "report.json")
                for _ in range(args.runs)
            ]
            figures = median_of(runs)
            cells = [f"{figures[c]:.2f}" for c in CATEGORIES]
            cells.append(f"{figures['CLS']:.3f}")
            cells += [f"{figures[timing]:,.0f}" for timing in TIMINGS]
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()

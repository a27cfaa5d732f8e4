"""Render time of the progress page with 1,000 answers in the history, against the landing
page in the same run, and the weight of every practice, review and progress page.

The history is 1,000 answers spread over twelve weeks on every topic (a third of them wrong,
each level of confidence in turn), ten submitted exams, and the review cards they leave.
"Fresh" renders empty the chart caches first, as after a new answer: each reads the history
and draws its four charts. "Reload" renders find the same numbers and reuse the charts.
Run by hand: `.venv/bin/python bench/progress.py`.
"""

import argparse
import gzip
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.services.cards import record_answers
from gradquiz.services.identity import owner_key
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from gradquiz.web.identity import COOKIE
from gradquiz.web.progress import pages as progress_pages

ANSWERS = 1000
EXAMS = 10


def fill(client: TestClient) -> None:
    """Ten submitted exams and 1,000 answers for the client's learner."""
    app = client.app
    for _ in range(EXAMS):
        attempt = client.post("/attempts").headers["location"].split("/")[2]
        client.post(f"/attempts/{attempt}/submit", data={"confirm": "yes"})
    learner = owner_key(app.state.identity_signer.unsign(client.cookies[COOKIE]).decode())  # type: ignore[attr-defined]
    pack = app.state.pack  # type: ignore[attr-defined]
    questions = list(pack.questions.values())
    now = datetime.now(UTC)
    history = [
        AnsweredQuestion(
            question_id=questions[n % len(questions)].id,
            topic=questions[n % len(questions)].topic,
            difficulty=questions[n % len(questions)].difficulty,
            correct=n % 3 != 0,
            answered_at=now - timedelta(minutes=(ANSWERS - n) * 120),
            source=Source.PRACTICE,
            confidence=list(Confidence)[n % 3],
            seconds=25,
        )
        for n in range(ANSWERS)
    ]
    with app.state.service.database.write() as session:  # type: ignore[attr-defined]
        record_answers(session, owner=learner, pack_id=pack.id, answers=history)


CHARTS = (
    progress_pages._mastery_chart,
    progress_pages._trend_chart,
    progress_pages._due_chart,
    progress_pages._calibration_chart,
)


def render_times(client: TestClient, url: str, count: int, fresh: bool = False) -> list[float]:
    """Seconds per GET, each checked for a 200; `fresh` empties the chart caches first."""
    times = []
    for _ in range(count):
        if fresh:
            for chart in CHARTS:
                chart.cache_clear()
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    return times


def weights(client: TestClient) -> list[tuple[str, int, int]]:
    """Each new page's HTML in bytes, as sent and gzipped, each fetched in its turn."""

    def weigh(name: str, url: str) -> tuple[str, int, int]:
        body = client.get(url).content
        return name, len(body), len(gzip.compress(body))

    sizes = [weigh("practice", "/practice")]
    started = client.post("/practice", data={"count": "10"}).headers["location"]
    question = client.get(started).headers["location"]
    sizes.append(weigh("practice question", question))
    answered = client.post(question, data={"option": "A", "confidence": "sure"})
    assert answered.status_code == 303, answered.text
    sizes += [
        weigh("practice feedback", question),
        weigh("practice set summary", f"{started}/done"),
        weigh("review", "/review"),
        weigh("progress, 1,000 answers", "/progress"),
    ]
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        Database(url).migrate()
        settings = Settings(database_url=url, start_limit_per_identity="1000/minute")
        with TestClient(create_app(settings), follow_redirects=False) as client:
            fill(client)
            first = render_times(client, "/progress", 1)[0]
            fresh = render_times(client, "/progress", args.renders, fresh=True)
            reload = render_times(client, "/progress", args.renders)
            landing = render_times(client, "/", args.renders)
            sizes = weights(client)
    print(f"{platform.machine()}, {platform.python_version()}, {args.renders} renders each")
    print(f"history: {ANSWERS} answers, {EXAMS} exams")
    print(f"progress page: first render {first * 1000:.1f} ms (matplotlib cold)")
    runs = (("progress, fresh", fresh), ("progress, reload", reload), ("landing", landing))
    for name, times in runs:
        ordered = sorted(times)
        print(
            f"{name:>17}: median {statistics.median(times) * 1000:.2f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.2f} ms"
        )
    baseline = statistics.median(landing)
    print(
        f"progress / landing: fresh {statistics.median(fresh) / baseline:.1f}x, "
        f"reload {statistics.median(reload) / baseline:.1f}x"
    )
    for name, raw, packed in sizes:
        print(f"{name:>24}: {raw / 1024:6.1f} KiB HTML, {packed / 1024:5.1f} KiB gzipped")


if __name__ == "__main__":
    main()

"""`gradquiz serve` with two worker processes: one log format, shared start limits, idle
connections kept open."""

import http.client
import os
import re
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text

from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.logs import FORMAT
from gradquiz.services.exam import ExamService
from gradquiz.storage.database import Database, newest_migration
from tests.web.browsing import free_port

REDIS_URL = os.environ.get("GRADQUIZ_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# How long a request or a start may take on a loaded machine before the test gives up. Each
# wait ends as soon as its condition holds, so a quiet machine does not wait any longer.
PATIENCE = 120
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<logger>[\w.]+) "
    r"\[pid (?P<pid>\d+)\]: (?P<message>.*)$"
)


@contextmanager
def served(database_url: str, log: Path, **settings: str) -> Iterator[str]:
    """`gradquiz serve --workers 2` in a child process; yield its base URL once it answers."""
    port = free_port()
    env = {
        **os.environ,
        "GRADQUIZ_DATABASE_URL": database_url,
        "GRADQUIZ_WORKERS": "2",
        # A real pool, small enough that its fill (a process of its own) is soon done.
        "GRADQUIZ_VARIANT_POOL_SIZE": "8",
        **{f"GRADQUIZ_{k.upper()}": v for k, v in settings.items()},
    }
    with log.open("w") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "gradquiz", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + PATIENCE
            while True:
                assert child.poll() is None, log.read_text()
                try:
                    if httpx2.get(base + "/", timeout=PATIENCE).status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            while log.read_text().count("Application startup complete") < 2:  # both workers
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            yield base
        finally:
            child.terminate()
            child.wait(timeout=30)


def test_serve_migrates_a_new_database_from_its_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    log = tmp_path / "serve.log"
    with served(url, log) as base:
        started = httpx2.post(base + "/api/v1/attempts", timeout=PATIENCE)
        assert started.status_code == 201, started.text
    database = Database(url)
    with database.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        assert list(versions) == [newest_migration()]
    database.dispose()
    assert "Traceback" not in log.read_text()


def overdue_attempts(database: Database, count: int) -> None:
    """`count` attempts whose deadlines passed an hour ago, never submitted."""
    started = datetime.now(UTC) - timedelta(hours=2)
    service = ExamService(
        database=database, pack=load_pack(builtin_pack_dir()), clock=lambda: started
    )
    for n in range(count):
        service.start(learner=f"overdue-learner-{n:06d}-{uuid.uuid4().hex}")


@dataclass(frozen=True)
class Server:
    database: Database
    base: str
    log: Path


def redis_reachable() -> bool:
    from limits.storage import storage_from_string

    try:
        return bool(storage_from_string(REDIS_URL).check())
    except Exception:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests below that need no settings of their own (a start with two
    workers costs several seconds of CPU): its database holds three attempts already overdue,
    its limits are kept in Redis where there is one (five starts a minute per address, under
    a prefix of its own), and each test's own traces in the one log are told apart by what
    they say."""
    folder = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{folder / 'serve.db'}"
    database = Database(url)
    database.migrate()
    overdue_attempts(database, 3)
    log = folder / "serve.log"
    shared = {
        "rate_limit_storage": REDIS_URL,
        "start_limit_per_address": "5/minute",
        "rate_limit_prefix": uuid.uuid4().hex,  # the shared store may hold other runs' counters
    }
    with served(url, log, grace_seconds="15", **(shared if redis_reachable() else {})) as base:
        yield Server(database, base, log)
    database.dispose()


def test_every_worker_logs_in_one_format(server: Server) -> None:
    database, log = server.database, server.log
    with httpx2.Client(base_url=server.base, timeout=PATIENCE) as client:
        deadline = time.monotonic() + PATIENCE
        while log.read_text().count("start-up work done") < 2:  # each worker sweeps after it
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        attempt = client.post("/api/v1/attempts").json()["id"]
        for late, expected in ((timedelta(seconds=5), 200), (timedelta(minutes=5), 409)):
            with database.write() as session:
                session.execute(
                    text("UPDATE attempts SET deadline = :d WHERE id = :id"),
                    {"d": (datetime.now(UTC) - late).replace(tzinfo=None), "id": attempt},
                )
            saved = client.put(f"/api/v1/attempts/{attempt}/answers/1", json={"option": "A"})
            assert saved.status_code == expected, saved.text
    time.sleep(0.5)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    ours = [m for line in lines if (m := LINE.match(line))]
    stray = [line for line in lines if not LINE.match(line) and not line.startswith("gradquiz:")]
    assert stray == []
    said = {(m["level"], m["logger"], m["message"].split(" ")[0]) for m in ours}
    for level, logger, first_words in (
        ("INFO", "gradquiz.services.exam", "sweep submitted"),
        ("INFO", "gradquiz.services.exam", "save for attempt"),
        ("WARNING", "gradquiz.services.exam", "refused save for attempt"),
    ):
        assert any(
            (m["level"], m["logger"]) == (level, logger) and m["message"].startswith(first_words)
            for m in ours
        ), (level, logger, first_words, said)
    swept = [re.match(r"sweep submitted (\d+)", m["message"]) for m in ours]
    assert sum(int(m.group(1)) for m in swept if m) == 3  # each overdue attempt once
    assert len({m["pid"] for m in ours}) >= 3  # the main process and both workers
    assert FORMAT.startswith("%(asctime)s %(levelname)s %(name)s")


def redis_or_skip() -> None:
    """Skip without a Redis server, except under CI=true, where .ci/run starts one."""
    if not redis_reachable():
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError(f"no Redis at {REDIS_URL} under CI=true: .ci/run starts one")
        pytest.skip(f"no Redis at {REDIS_URL} (set GRADQUIZ_TEST_REDIS_URL)")


def test_start_limits_hold_across_worker_processes(server: Server) -> None:
    redis_or_skip()
    # An address of its own (through the proxy header uvicorn trusts from 127.0.0.1), so the
    # other tests' starts on this server count elsewhere.
    address = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 254 + 1}"}
    codes = []
    for _ in range(12):  # new connections, new browsers: both workers take some
        started = httpx2.post(server.base + "/api/v1/attempts", headers=address, timeout=PATIENCE)
        codes.append(started.status_code)
    assert codes.count(201) == 5 and codes.count(429) == 7


ACCESS = re.compile(r'\[pid (\d+)\]: [\d.]+:\d+ - "GET /account/sign-in HTTP')


def clients_on_two_workers(base: str, log: Path) -> list[httpx2.Client]:
    """Two keep-alive connections that the access log shows held by two different workers."""
    by_pid: dict[str, httpx2.Client] = {}
    for _ in range(60):
        seen = len(ACCESS.findall(log.read_text()))
        client = httpx2.Client(base_url=base, timeout=PATIENCE)
        assert client.get("/account/sign-in").status_code == 200
        deadline = time.monotonic() + PATIENCE
        while len(pids := ACCESS.findall(log.read_text())) == seen:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        if pids[-1] in by_pid:
            client.close()
        else:
            by_pid[pids[-1]] = client
        if len(by_pid) == 2:
            return list(by_pid.values())
    raise AssertionError("60 new connections all went to one worker")


def test_ten_wrong_passwords_are_throttled_across_worker_processes(server: Server) -> None:
    base, log = server.base, server.log
    right = {"username": "ada", "password": "correct horse battery"}
    wrong = {**right, "password": "a wrong guess"}
    made = httpx2.post(
        base + "/account/sign-up",
        data={**right, "repeated": right["password"]},
        timeout=PATIENCE,
    )
    assert made.status_code == 303
    clients = clients_on_two_workers(base, log)
    codes = [clients[n % 2].post("/account/sign-in", data=wrong).status_code for n in range(10)]
    refusals = [client.post("/account/sign-in", data=right) for client in clients]
    for client in clients:
        client.close()
    assert codes == [422] * 10
    for refused in refusals:
        assert refused.status_code == 429
        assert 14 * 60 <= int(refused.headers["retry-after"]) <= 15 * 60 + 1
    failed = [m for line in log.read_text().splitlines() if (m := LINE.match(line))]
    failing_pids = {m["pid"] for m in failed if m["message"].startswith("sign-in failed")}
    assert len(failing_pids) == 2  # both workers counted failures in the one shared table


def test_an_idle_connection_outlasts_a_learners_think_time(server: Server) -> None:
    host, port = server.base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=PATIENCE)
    try:
        connection.request("GET", "/")
        assert connection.getresponse().read()
        time.sleep(6)  # uvicorn's own default closes an idle connection after 5 s
        assert connection.sock is not None
        readable, _, _ = select.select([connection.sock], [], [], 0)
        assert not readable, "the server closed the idle connection"
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
    finally:
        connection.close()

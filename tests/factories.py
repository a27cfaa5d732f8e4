"""Small builders for questions, packs on disk, and a frozen clock."""

import hashlib
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine, event

from gradquiz.content.pack_loader import builtin_pack_dir

if TYPE_CHECKING:
    from gradquiz.core.accounts import Account, Role
    from gradquiz.core.classes import ClassRules
    from gradquiz.storage.database import Database

# argon2id at its cheapest: the real parameters cost ~0.3 s a hash, and most tests of
# accounts are about everything but the hash's cost.
CHEAP_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)

TOPICS = ("chain-rule", "gradient-descent", "computation-graph", "vanishing-gradient")


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the block runs, in order."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@dataclass
class FrozenClock:
    """A clock that only moves when a test moves it."""

    now: datetime = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def question_text(
    qid: str,
    *,
    topic: str = "chain-rule",
    difficulty: str = "easy",
    key: str = "b",
    explanation: str = "Because the local derivative is 1.",
    feedback: str = "This is the misconception that the gate splits the gradient.",
    extra_header: str = "",
    key_feedback: str = "Right: the local derivative is 1.",
    stem: str = "",
) -> str:
    """The text of a valid question file; tests edit it to break one rule at a time."""
    return textwrap.dedent(
        f"""\
        id: {qid}
        topic: {topic}
        difficulty: {difficulty}
        key: {key}
        reference: CS231n notes, backprop intuitions
        {extra_header}
        --- stem
        {stem or unique_stem(qid)}

        --- option a
        $1.5$
        --- feedback a
        {feedback}

        --- option {key}
        $3$
        --- feedback {key}
        {key_feedback}

        --- option c
        $6$
        --- feedback c
        {feedback}

        --- option d
        $9$
        --- feedback d
        {feedback}

        --- explanation
        {explanation}
        """
    )


def unique_stem(qid: str) -> str:
    """A stem unlike every other factory stem, so the near-duplicate rule stays quiet."""
    return f"Consider case {hashlib.sha256(qid.encode()).hexdigest()} with $q = x + y$."


def write_pack(
    folder: Path,
    *,
    per_cell: int = 2,
    blueprint: tuple[int, int, int] = (5, 6, 4),
    minutes: int = 25,
    explanation: str = "Because the local derivative is 1.",
    feedback: str = "This is the misconception that the gate splits the gradient.",
    key: str = "b",
    key_feedback: str = "Right: the local derivative is 1.",
    disjoint_exams: int = 1,
) -> Path:
    """A valid pack: the built-in page files and `per_cell` questions per topic and difficulty."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page").mkdir(exist_ok=True)
    for page_file in (builtin_pack_dir() / "page").iterdir():
        if not page_file.is_file():  # __pycache__ beside the runnable example
            continue
        (folder / "page" / page_file.name).write_text(page_file.read_text())
    easy, medium, hard = blueprint
    manifest = (builtin_pack_dir() / "pack.toml").read_text()
    manifest = manifest.replace("questions = 15", f"questions = {easy + medium + hard}")
    manifest = manifest.replace("minutes = 25", f"minutes = {minutes}")
    manifest = manifest.replace("easy = 5", f"easy = {easy}").replace(
        "medium = 6", f"medium = {medium}"
    )
    manifest = manifest.replace("hard = 4", f"hard = {hard}")
    manifest = manifest.replace("disjoint_exams = 4", f"disjoint_exams = {disjoint_exams}")
    (folder / "pack.toml").write_text(manifest)
    questions = folder / "questions"
    questions.mkdir(exist_ok=True)
    for topic in TOPICS:
        for difficulty in ("easy", "medium", "hard"):
            for n in range(per_cell):
                qid = f"{topic}-{difficulty}-{n}"
                text = question_text(
                    qid,
                    topic=topic,
                    difficulty=difficulty,
                    explanation=explanation,
                    feedback=feedback,
                    key=key,
                    key_feedback=key_feedback,
                )
                (questions / f"{qid}.txt").write_text(text)
    return folder


def account(database: "Database", username: str, role: "Role", now: datetime) -> "Account":
    """An account stored without a password anyone could type (for service tests)."""
    from gradquiz.core.accounts import Account
    from gradquiz.storage.accounts import insert_account

    made = Account(
        id=hashlib.sha256(f"id:{username}".encode()).hexdigest()[:32],
        username=username,
        owner=hashlib.sha256(f"owner:{username}".encode()).hexdigest(),
        role=role,
        created_at=now,
    )
    with database.write() as session:
        insert_account(session=session, account=made, password_hash="not-a-hash")
    return made


def class_rules(now: datetime, **changes: object) -> "ClassRules":
    """A class exam's rules: open from `now` for two hours, the pack's 25 min and 5/6/4, score
    only at submit and everything after the window closes, one attempt."""
    from dataclasses import replace

    from gradquiz.core.classes import ClassRules, Disclosure
    from gradquiz.core.questions import Difficulty

    rules = ClassRules(
        title="Week 3 backprop quiz",
        opens_at=now,
        closes_at=now + timedelta(hours=2),
        minutes=25,
        counts={Difficulty.EASY: 5, Difficulty.MEDIUM: 6, Difficulty.HARD: 4},
        prefer_parametrized=False,
        at_submit=Disclosure.SCORE,
        after_close=Disclosure.EVERYTHING,
        attempts_allowed=1,
    )
    return replace(rules, **changes)  # type: ignore[arg-type]


def filler_rows(database: "Database", count: int, size: int = 2000) -> None:
    """`count` commits of one row of `size` bytes each, to grow SQLite's write-ahead log."""
    from sqlalchemy import text

    for n in range(count):
        with database.writing() as connection:
            connection.execute(
                text("INSERT INTO server_secrets (name, value) VALUES (:name, :value)"),
                {"name": f"filler-{n}", "value": "x" * size},
            )

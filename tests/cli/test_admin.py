"""`gradquiz admin create-instructor`, `admin promote` and `stats` on a real database file."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradquiz.cli import _console, app
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.core.accounts import Role
from gradquiz.core.classes import ClassExam
from gradquiz.core.item_flags import Flag, shown_figure
from gradquiz.services.accounts import AccountService
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.storage.accounts import account_by_username
from gradquiz.storage.database import Database
from tests.factories import account, class_rules

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Database(url).migrate()
    monkeypatch.setenv("GRADQUIZ_DATABASE_URL", url)
    return url


def role_of(url: str, username: str) -> Role | None:
    with Database(url).read() as session:
        found = account_by_username(session=session, username_key=username.lower())
    return found[0].role if found else None


def test_create_instructor_asks_for_the_password_twice(database_url: str) -> None:
    typed = "a long enough password\na long enough password\n"
    result = runner.invoke(app, ["admin", "create-instructor", "Prof"], input=typed)
    assert result.exit_code == 0, result.output
    assert "instructor Prof created" in result.output
    assert role_of(database_url, "prof") is Role.INSTRUCTOR
    again = runner.invoke(app, ["admin", "create-instructor", "prof"], input=typed)
    assert again.exit_code == 1 and "taken" in str(again.exception or again.output)


def test_promote_makes_an_existing_account_an_instructor(database_url: str) -> None:
    service = ExamService(database=Database(database_url), pack=load_pack(builtin_pack_dir()))
    AccountService(exam=service).create_account(
        username="ada", password="a long enough password", role=Role.LEARNER
    )
    result = runner.invoke(app, ["admin", "promote", "Ada"])
    assert result.exit_code == 0, result.output
    assert role_of(database_url, "ada") is Role.INSTRUCTOR
    missing = runner.invoke(app, ["admin", "promote", "nobody"])
    assert missing.exit_code == 1


def sat_class(database_url: str) -> tuple[ClassService, ClassExam]:
    """A class exam three learners sat, answering one, two and three questions with A."""
    service = ExamService(database=Database(database_url), pack=load_pack(builtin_pack_dir()))
    now = datetime.now(UTC)
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, now)
    classes = ClassService(exam=service)
    exam = classes.create(instructor=teacher, rules=class_rules(now))
    for n in range(3):
        learner = account(service.database, f"learner{n}", Role.LEARNER, now)
        classes.join(learner=learner, code=exam.code)
        attempt = classes.start(learner=learner, class_id=exam.id)
        for number in range(1, n + 2):
            service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter="A"
            )
        service.submit(learner=learner.owner, attempt_id=attempt.id)
    return classes, exam


def test_stats_prints_the_classs_figures(database_url: str) -> None:
    _, exam = sat_class(database_url)
    # The console is made once per process: an earlier test's may have another width.
    _console.cache_clear()
    result = runner.invoke(app, ["stats", exam.code], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "3 learners, 15 items" in result.output and "KR-20" in result.output
    assert "is the exam's internal consistency" in " ".join(result.output.split())
    assert exam.question_ids[0] in result.output


def sat_right(database_url: str, rights: list[tuple[int, ...]]) -> tuple[ClassService, ClassExam]:
    """A class exam that one learner per tuple sat, answering right the questions numbered
    in it and wrong the others."""
    service = ExamService(database=Database(database_url), pack=load_pack(builtin_pack_dir()))
    now = datetime.now(UTC)
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, now)
    classes = ClassService(exam=service)
    exam = classes.create(instructor=teacher, rules=class_rules(now))
    for n, right in enumerate(rights):
        learner = account(service.database, f"learner{n}", Role.LEARNER, now)
        classes.join(learner=learner, code=exam.code)
        attempt = classes.start(learner=learner, class_id=exam.id)
        shown = service.shown.of(attempt)
        for number, (slot, question) in enumerate(zip(attempt.slots, shown, strict=True), 1):
            wrong = next(o for o in slot.option_order if o != question.key)
            letter = slot.letter_of(question.key if number in right else wrong)
            service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter=letter
            )
        service.submit(learner=learner.owner, attempt_id=attempt.id)
    return classes, exam


def test_stats_prints_every_flag_whole_on_a_narrow_terminal(database_url: str) -> None:
    # The lowest learner alone got question 1 right: D < 0 there (17 learners, the fewest
    # for D's flags to be judged).
    classes, exam = sat_right(database_url, [(1,)] + [(2, 3)] * 8 + [(2, 3, 4)] * 8)
    flagged = {f.value for item in classes.statistics(exam).items for f in item.flags}
    assert "negative-discrimination" in flagged
    _console.cache_clear()
    result = runner.invoke(app, ["stats", exam.code], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    # Before: "negative-discrimina…", the flags column cut at 80 columns.
    assert "…" not in result.output
    words = result.output.split()
    for flag in flagged:  # as the page names it; a name may wrap at its space
        assert all(word in words for word in flag.split("-")), flag
    assert "population sd" in result.output  # the SD is the population's, not a sample's


def test_stats_keep_the_numbers_whole_and_say_what_the_page_says_of_d(database_url: str) -> None:
    # At 80 columns a long withheld flag squeezed the item, facility and D
    # columns to "…"; D was "1.00" with no "(everyone right: no band)" or "(too few learners
    # to judge)"; flags were "too-hard" where the page says "too hard".
    classes, exam = sat_right(database_url, [(1,), (1, 2), (1, 2, 3), (1, 2, 3), (1, 2, 3, 4)])
    items = classes.statistics(exam).items
    assert Flag.TOO_HARD in items[-1].flags and items[-1].withheld_flags == ()
    _console.cache_clear()
    result = runner.invoke(app, ["stats", exam.code], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    table = result.output[result.output.index("┏") :]
    assert "…" not in table
    assert max(len(line) for line in table.splitlines()) <= 80
    _console.cache_clear()
    wide = runner.invoke(app, ["stats", exam.code], env={"COLUMNS": "250"})
    output = " ".join(wide.output.split())
    assert "(everyone right: no band)" in output and "(everyone wrong: no band)" in output
    assert "(too few learners to judge)" in output
    assert "too hard" in output and "too-hard" not in output
    for item in items:
        assert str(shown_figure(item.facility)) in table


def test_stats_of_a_class_of_one_print_no_d_and_no_d_flag(database_url: str) -> None:
    service = ExamService(database=Database(database_url), pack=load_pack(builtin_pack_dir()))
    now = datetime.now(UTC)
    classes = ClassService(exam=service)
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, now)
    exam = classes.create(instructor=teacher, rules=class_rules(now))
    learner = account(service.database, "learner", Role.LEARNER, now)
    classes.join(learner=learner, code=exam.code)
    attempt = classes.start(learner=learner, class_id=exam.id)
    service.submit(learner=learner.owner, attempt_id=attempt.id)
    _console.cache_clear()
    result = runner.invoke(app, ["stats", exam.code], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    # Before: "1 learners", D "0.000" and "poor-discrimination" on every item.
    assert "1 learner, 15 items" in output
    assert "D compares a group with itself, so it is undefined" in output
    assert "poor-discrimination" not in output and "0.000" not in output
    # "too-easy" and "too-hard" flags from one learner's answers.
    assert "too-easy" not in output and "too-hard" not in output
    assert (
        "With 1 learner, too few to judge: negative discrimination, poor discrimination, "
        "too easy, too hard." in output
    )
    # The page says "would be flagged too hard, but too few learners to judge" of a question
    # nobody got right; the CLI said "–".
    assert "would be flagged too hard, but too few learners to judge" in output
    # The CLI speaks of what it prints: its minimum rule ended "Below that the page says too
    # few learners to judge".
    assert "page" not in output
    assert (
        "With fewer learners than a flag needs, the statistics say too few learners to judge."
        in output
    )

"""`gradquiz import` and `gradquiz export` from the command line."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gradquiz.cli import _console, app, main
from gradquiz.content.formats import Format, read_questions

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Rich's console is made once per process, as wide as the terminal: make a fresh one."""
    monkeypatch.setenv("COLUMNS", "300")
    _console.cache_clear()
    yield
    _console.cache_clear()


GIFT = (
    "$CATEGORY: $course$/top/Backprop/Chain rule/easy\n\n"
    "::Good::Which rule? {=chain ~product#No. ~quotient#No.}\n\n"
    "::Essay::Explain. {}\n\n"
    "::Bad::Two keys {=a =b ~c#x}\n"
)


def test_import_reports_each_skipped_and_refused_question_and_the_counts(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_text(GIFT)
    result = runner.invoke(app, ["import", str(source)])
    assert result.exit_code == 1  # a question was refused
    assert result.output.splitlines() == [
        "line 5: skipped essay question 'Essay'",
        "line 7: refused 'Bad': 2 right answers; one is needed",
        f"{source} (gift): 1 imported, 1 skipped (1 essay), 1 refused",
    ]


def test_import_out_writes_question_files_and_is_idempotent(tmp_path: Path) -> None:
    source = tmp_path / "bank.gift"
    source.write_text(GIFT.split("\n\n::Essay")[0])
    folder = tmp_path / "questions"
    first = runner.invoke(app, ["import", str(source), "--out", str(folder)])
    assert first.exit_code == 0, first.output
    assert first.output.endswith(f"{folder}: 1 new, 0 changed (a new version), 0 unchanged\n")
    assert "topic: chain-rule\ndifficulty: easy\nkey: a" in (folder / "good.txt").read_text()
    again = runner.invoke(app, ["import", str(source), "--out", str(folder)])
    assert again.output.endswith("0 new, 0 changed (a new version), 1 unchanged\n")


def test_topic_and_difficulty_options_fill_what_the_file_does_not_say(tmp_path: Path) -> None:
    source = tmp_path / "bank.csv"
    source.write_text("What?,1,2,3,4,B\n")
    folder = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "import",
            str(source),
            "--topic",
            "Loss Gradient",
            "--difficulty",
            "hard",
            "--out",
            str(folder),
        ],
    )
    assert result.exit_code == 0, result.output
    text = next(folder.glob("*.txt")).read_text()
    assert "topic: loss-gradient\ndifficulty: hard\nkey: b" in text


@pytest.mark.parametrize("file_format", [f.value for f in Format])
def test_export_writes_the_pack_in_each_format(tmp_path: Path, file_format: str) -> None:
    target = tmp_path / f"bank.{file_format}"
    result = runner.invoke(
        app,
        ["export", "backprop", "--format", file_format, "--out", str(target), "--variants", "2"],
    )
    assert result.exit_code == 0, result.output
    report = read_questions(target.read_bytes(), Format(file_format))
    assert report.summary() == "96 imported, 0 skipped, 0 refused"
    assert f"{target}: 96 questions from backprop" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["import", "{missing}"], "gradquiz: Cannot read"),
        (["import", "{zip}", "--format", "csv"], "gradquiz: Not CSV: the file is a zip archive"),
        (["import", "{gift}", "--format", "docx"], "gradquiz: --format 'docx' is not one of"),
        (
            ["import", "{big}"],
            "The file is 1.6 kB; imports take at most 1.0 kB (GRADQUIZ_IMPORT_MAX_BYTES)",
        ),
        (["export", "backprop", "--format", "pdf", "--out", "{gift}"], "is not one of: gift"),
    ],
)
def test_bad_files_and_options_get_one_line_and_exit_1_never_a_traceback(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    files = {
        "missing": tmp_path / "nowhere.gift",
        "zip": tmp_path / "package.zip",
        "gift": tmp_path / "bank.gift",
        "big": tmp_path / "big.gift",
    }
    files["zip"].write_bytes(b"PK\x03\x04rest")
    files["gift"].write_text(GIFT)
    files["big"].write_text(GIFT * 10)
    monkeypatch.setenv("GRADQUIZ_IMPORT_MAX_BYTES", "1024")
    argv = [part.format(**{k: str(v) for k, v in files.items()}) for part in arguments]
    monkeypatch.setattr(sys, "argv", ["gradquiz", *argv])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert message in " ".join(captured.err.split())
    assert "Traceback" not in captured.err + captured.out


def test_import_owner_stores_a_private_bank_and_export_owner_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from gradquiz.core.accounts import Role
    from gradquiz.storage.database import Database
    from tests.factories import account

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Database(url).migrate()
    monkeypatch.setenv("GRADQUIZ_DATABASE_URL", url)
    account(Database(url), "prof", Role.INSTRUCTOR, datetime(2026, 12, 7, tzinfo=UTC))
    source = tmp_path / "week3.gift"
    source.write_text(GIFT.split("\n\n::Bad")[0])
    first = runner.invoke(app, ["import", str(source), "--owner", "prof"])
    assert first.exit_code == 0, first.output
    assert "prof's bank 'week3': 1 new, 0 changed (a new version), 0 unchanged" in first.output
    again = runner.invoke(app, ["import", str(source), "--owner", "prof"])
    assert "0 new, 0 changed (a new version), 1 unchanged" in again.output
    target = tmp_path / "out.xml"
    exported = runner.invoke(
        app, ["export", "week3", "--owner", "prof", "--format", "moodle", "--out", str(target)]
    )
    assert exported.exit_code == 0, exported.output
    assert read_questions(target.read_bytes(), Format.MOODLE).questions[0].id == "good"


def test_import_owner_must_name_an_instructor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gradquiz.errors import InvalidInput
    from gradquiz.storage.database import Database

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Database(url).migrate()
    monkeypatch.setenv("GRADQUIZ_DATABASE_URL", url)
    source = tmp_path / "week3.gift"
    source.write_text(GIFT)
    result = runner.invoke(app, ["import", str(source), "--owner", "nobody"])
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.message == "There is no instructor named nobody."


@pytest.mark.parametrize(
    ("setting", "banks", "message"),
    [
        (
            "GRADQUIZ_BANK_MAX_QUESTIONS",
            ["week3"],
            "gradquiz: The bank 'week3' would hold 3 questions; a bank holds at most 2. "
            "Nothing was imported.",
        ),
        (
            "GRADQUIZ_BANKS_PER_INSTRUCTOR",
            ["one", "two", "three"],
            "gradquiz: You have 2 banks, the most one instructor may have; import into one of "
            "them or delete one. Nothing was imported.",
        ),
    ],
)
def test_import_owner_past_a_bank_limit_is_one_line_and_exit_1(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str,
    banks: list[str],
    message: str,
) -> None:
    from datetime import UTC, datetime

    from gradquiz.core.accounts import Role
    from gradquiz.storage.database import Database
    from tests.factories import account

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Database(url).migrate()
    monkeypatch.setenv("GRADQUIZ_DATABASE_URL", url)
    monkeypatch.setenv(setting, "2")
    account(Database(url), "prof", Role.INSTRUCTOR, datetime(2026, 12, 7, tzinfo=UTC))
    at_limit, past = tmp_path / "two.csv", tmp_path / "three.csv"
    rows = [f"Stem {n}?,a{n},b{n},c{n},d{n},C\n" for n in range(3)]
    at_limit.write_text("".join(rows[:2]))
    past.write_text("".join(rows))
    for bank in banks[:-1]:
        done = runner.invoke(app, ["import", str(at_limit), "--owner", "prof", "--bank", bank])
        assert done.exit_code == 0, done.output
    source = past if len(banks) == 1 else at_limit
    argv = ["gradquiz", "import", str(source), "--owner", "prof", "--bank", banks[-1]]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert " ".join(captured.err.split()) == message
    assert "Traceback" not in captured.err + captured.out

"""Imported questions written as pack question files: readable back, idempotent, versioned."""

from dataclasses import replace
from pathlib import Path

from gradquiz.content.formats.question_files import question_file, write_question_folder
from gradquiz.content.formats.report import BankQuestion, MediaFile
from gradquiz.content.question_file import parse_question_file
from gradquiz.core.questions import Difficulty, Option, Question
from tests.content.formats.samples import PNG

QUESTION = Question(
    id="max-gate",
    topic="computation-graph",
    difficulty=Difficulty.HARD,
    stem="Which input gets the gradient?\n\n--- not a section",
    options=(
        Option("a", "both", "A max gate does not split."),
        Option("b", "the larger", "Right."),
        Option("c", "the smaller", "That is the loser."),
    ),
    key="b",
    explanation="It routes to the argmax.",
    reference="CS231n notes",
    shuffle=False,
)


def test_a_written_file_parses_back_to_the_same_question(tmp_path: Path) -> None:
    path = tmp_path / "max-gate.txt"
    path.write_text(question_file(QUESTION))
    parsed, problems = parse_question_file(path, path.read_text())
    assert problems == []
    assert parsed == replace(QUESTION, stem="Which input gets the gradient?\n\n\\--- not a section")


def test_writing_the_same_import_twice_changes_nothing(tmp_path: Path) -> None:
    items = [BankQuestion(QUESTION, (MediaFile("g.png", "image/png", PNG),))]
    first = write_question_folder(items, tmp_path)
    assert (first.new, first.changed, first.unchanged) == (["max-gate"], [], [])
    assert (tmp_path / "media" / "g.png").read_bytes() == PNG
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    second = write_question_folder(items, tmp_path)
    assert (second.new, second.changed, second.unchanged) == ([], [], ["max-gate"])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
    assert second.summary() == "0 new, 0 changed (a new version), 1 unchanged"


def test_an_edited_question_becomes_a_new_version_of_its_file(tmp_path: Path) -> None:
    write_question_folder([BankQuestion(QUESTION)], tmp_path)
    edited = replace(QUESTION, explanation="A max gate routes the gradient to its argmax.")
    changes = write_question_folder([BankQuestion(edited)], tmp_path)
    assert changes.changed == ["max-gate"]
    assert "routes the gradient to its argmax" in (tmp_path / "max-gate.txt").read_text()


def test_a_question_without_reference_or_explanation_still_writes(tmp_path: Path) -> None:
    bare = replace(QUESTION, reference="", explanation="")
    text = question_file(bare)
    assert "reference: none given" in text
    assert "--- explanation" not in text

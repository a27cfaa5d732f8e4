from pathlib import Path

import pytest

from gradquiz.content.question_file import parse_question_file
from gradquiz.core.questions import Difficulty
from tests.factories import question_text

PATH = Path("questions/add-gate.txt")


def problems_of(text: str) -> list[str]:
    question, problems = parse_question_file(PATH, text)
    assert (question is None) == bool(problems)
    return [str(p) for p in problems]


def test_valid_file_parses_into_a_question() -> None:
    question, problems = parse_question_file(PATH, question_text("add-gate"))
    assert problems == []
    assert question is not None
    assert question.id == "add-gate"
    assert question.difficulty is Difficulty.EASY
    assert question.key == "b"
    assert question.option_ids == ("a", "b", "c", "d")
    assert question.option("a").feedback.startswith("This is the misconception")
    assert question.stem.startswith("Consider case ")
    assert question.shuffle


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("key: b", "key: z"),
            "questions/add-gate.txt:4: key 'z' is not one of",
        ),
        (
            lambda t: t.replace("topic: chain-rule\n", ""),
            "questions/add-gate.txt:1: missing field 'topic'",
        ),
        (lambda t: t.replace("difficulty: easy", "difficulty: brutal"), ":3: difficulty 'brutal'"),
        (lambda t: "colour: red\n" + t, ":1: unknown field 'colour'"),
        (
            lambda t: t.replace("id: add-gate", "id: other"),
            ":1: id 'other' does not match the file",
        ),
        (
            lambda t: t.replace("--- explanation", "--- explaination"),
            "unknown section '--- explaination'",
        ),
        (lambda t: t.replace("--- feedback c\n", "--- feedback z\n"), "feedback for option 'z'"),
        (
            lambda t: t.replace("--- feedback c\n", "--- option e\n"),
            "wrong option 'c' has no feedback",
        ),
        (lambda t: t.replace("$9$", "All of the above"), "'all/none of the above' form"),
        (lambda t: t.replace("--- option d", "--- option b"), "section '--- option b' given twice"),
        (
            lambda t: t.replace("reference: CS231n", "reference: CS231n\nreference: again"),
            "given twice",
        ),
        (
            lambda t: t.replace("--- explanation\n", "--- explanation\n\n\n").rsplit("\n", 2)[0],
            "is empty",
        ),
        (lambda t: t.replace("shuffle", "x") + "", None),
    ],
)
def test_each_rule_reports_file_and_line(edit: object, expected: str | None) -> None:
    text = edit(question_text("add-gate"))  # type: ignore[operator]
    found = problems_of(text)
    if expected is None:
        assert found == []
    else:
        assert any(expected in p for p in found), found


def test_too_few_options_is_reported() -> None:
    text = question_text("add-gate")
    text = text.split("--- option c")[0] + "--- explanation\nShort.\n"
    assert any("2 options; a question needs 3 to 5" in p for p in problems_of(text))


def test_shuffle_field_takes_yes_or_no() -> None:
    text = question_text("add-gate", extra_header="shuffle: no")
    question, problems = parse_question_file(PATH, text)
    assert problems == [] and question is not None and not question.shuffle
    bad = question_text("add-gate", extra_header="shuffle: maybe")
    assert any(":6: field 'shuffle' must be 'yes' or 'no'" in p for p in problems_of(bad))


def test_missing_reference_is_reported() -> None:
    text = question_text("add-gate").replace("reference: CS231n notes, backprop intuitions\n", "")
    assert any(":1: missing field 'reference'" in p for p in problems_of(text))


def test_a_key_much_longer_than_the_distractors_is_flagged() -> None:
    long_key = "$3$, because the add gate hands every input the whole upstream gradient unchanged"
    text = question_text("add-gate").replace("--- option b\n$3$", f"--- option b\n{long_key}")
    assert any("the key 'b' is much longer than the other options" in p for p in problems_of(text))


def test_short_numeric_options_may_differ_in_length() -> None:
    text = question_text("add-gate").replace("--- option b\n$3$", "--- option b\n$-0.0625$")
    assert problems_of(text) == []


def test_excludes_lists_other_question_ids() -> None:
    text = question_text("add-gate", extra_header="excludes: other-one, other-two")
    question, problems = parse_question_file(PATH, text)
    assert problems == [] and question is not None
    assert question.excludes == frozenset({"other-one", "other-two"})


def test_a_second_key_is_refused() -> None:
    text = question_text("add-gate").replace("key: b\n", "key: b\nkey: c\n")
    assert any(":5: field 'key' given twice (first on line 4)" in p for p in problems_of(text))

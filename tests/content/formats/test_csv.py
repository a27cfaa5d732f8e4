"""CSV: the headerless six columns, the headed layout, encodings and every refusal."""

import pytest

from gradquiz.content.formats import FileRefused, Format, read_questions
from gradquiz.content.formats.report import ImportReport
from gradquiz.core.questions import Difficulty


def read(data: bytes) -> ImportReport:
    return read_questions(data, Format.CSV)


def test_headerless_six_columns_as_public_benchmarks_write_them() -> None:
    report = read(
        b"What does backprop compute?,Gradients,Weights,Losses,Labels,A\r\n"
        b'"Which gate copies the gradient, unchanged?",max,mul,add,relu,c\r\n'
    )
    assert report.summary() == "2 imported, 0 skipped, 0 refused"
    first, second = report.questions
    assert first.stem == "What does backprop compute?"
    assert [o.text for o in first.options] == ["Gradients", "Weights", "Losses", "Labels"]
    assert (first.key, second.key) == ("a", "c")
    assert second.stem == "Which gate copies the gradient, unchanged?"
    assert first.difficulty is Difficulty.MEDIUM


def test_headed_csv_with_feedback_topic_difficulty_and_explanation() -> None:
    report = read(
        "question,a,b,c,key,topic,difficulty,feedback_a,feedback_b,feedback_c,explanation\n"
        "What is $\\sigma'(0)$?,$0.25$,$0.5$,$1$,a,Vanishing gradient,hard,Right,\"Peak of σ, "
        'not σ′",That is tanh′,σ′ = σ(1 − σ).\n'.encode()
    )
    question = report.questions[0]
    assert question.stem == "What is $\\sigma'(0)$?"
    assert [(o.text, o.feedback) for o in question.options] == [
        ("$0.25$", "Right"),
        ("$0.5$", "Peak of σ, not σ′"),
        ("$1$", "That is tanh′"),
    ]
    assert (question.topic, question.difficulty) == ("vanishing-gradient", Difficulty.HARD)
    assert question.explanation == "σ′ = σ(1 − σ)."


def test_a_byte_order_mark_is_fine() -> None:
    report = read("\ufeffquestion,a,b,key\nQ?,x,y,b\n".encode())
    assert report.questions[0].key == "b"


def test_windows_1252_is_named_with_its_line_and_column() -> None:
    data = "Q?,a,b,c,d,A\nCafé?,a,b,c,d,B\n".encode("cp1252")
    with pytest.raises(FileRefused) as refused:
        read(data)
    assert refused.value.message == (
        "Line 2, column 4: byte 0xE9 is not UTF-8; the file looks like Windows-1252 or "
        "Latin-1 (as Excel saves CSV). Save the file as UTF-8 and import it again."
    )


def test_utf16_is_named() -> None:
    with pytest.raises(FileRefused, match="The file is UTF-16; save it as UTF-8"):
        read("Q?,a,b,c,d,A\n".encode("utf-16"))


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ("Q?,a,b,c,d,E", "answer 'E' is not a letter A to D"),
        ("Q?,a,b,c,A", "5 columns; the headerless layout has 6"),
        ("Q?,a,b,a,d,A", "options 1 and 3 read the same"),
        (",a,b,c,d,A", "the question text is empty"),
        ("Q?,a,,c,d,A", "option 2 is empty"),
    ],
)
def test_every_headerless_refusal_names_its_line(row: str, rule: str) -> None:
    report = read(f"Fine?,1,2,3,4,B\n{row}\n".encode())
    assert [(r.where, r.rule) for r in report.refused] == [("line 2", rule)]


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ("Q?,x,y,c,,", "key 'c' does not name an option column"),
        ("Q?,x,y,a,,extreme", "difficulty 'extreme' is not one of: easy, medium, hard"),
        ("Q?,x,y,a,t,easy,surplus", "7 cells; the header names 6 columns"),
    ],
)
def test_every_headed_refusal_names_its_line(row: str, rule: str) -> None:
    report = read(f"question,a,b,key,topic,difficulty\nFine?,1,2,a,,\n{row}\n".encode())
    assert [(r.where, r.rule) for r in report.refused] == [("line 3", rule)]


def test_a_multi_line_cell_keeps_the_line_where_its_row_starts() -> None:
    report = read(b'question,a,b,key\n"Two\nlines",x,y,a\n"Q",z,z,a\n')
    assert [(r.where, r.rule) for r in report.refused] == [
        ("line 4", "options 1 and 2 read the same")
    ]


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(FileRefused, match="Line 1: unknown column 'answer_x'"):
        read(b"question,a,b,key,answer_x\nQ,x,y,a,1\n")


def test_a_file_with_no_six_column_row_and_no_header_is_not_csv() -> None:
    with pytest.raises(FileRefused, match="no row has the 6 columns"):
        read(b"::T::GIFT {=a ~b}\n")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileRefused, match="the file is empty"):
        read(b"\n\n")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolons_and_tabs_are_read_as_spreadsheets_write_them(delimiter: str) -> None:
    row = delimiter.join(["Which, of these?", "a", "b", "c", "d", "D"])
    report = read(f"{row}\n".encode())
    assert report.questions[0].stem == "Which, of these?"
    assert report.questions[0].key == "d"

"""Files that cannot be read at all: each gets one message naming the fault, never a traceback."""

import itertools

import pytest

from gradquiz.content.formats import (
    FileRefused,
    Format,
    detect_format,
    read_questions,
    write_questions,
)
from gradquiz.content.formats.report import BankQuestion
from gradquiz.core.questions import Difficulty, Option, Question

QUESTION = Question(
    id="q",
    topic="t",
    difficulty=Difficulty.EASY,
    stem="Which?",
    options=(Option("a", "one", "No."), Option("b", "two", "")),
    key="b",
    explanation="Because.",
    reference="",
)
FILES = {f: write_questions([BankQuestion(QUESTION)], f, pack_id="p") for f in Format}
NOT_THAT_FORMAT = {
    Format.GIFT: "Not GIFT",
    Format.MOODLE: "Not Moodle XML",
    Format.QTI: "Not QTI 3.0",
    Format.CSV: "Not CSV",
}


@pytest.mark.parametrize(
    ("actual", "claimed"),
    list(itertools.permutations(Format, 2)),
)
def test_a_file_read_as_a_format_it_is_not_says_so(actual: Format, claimed: Format) -> None:
    with pytest.raises(FileRefused) as refused:
        read_questions(FILES[actual], claimed)
    assert refused.value.message.startswith(NOT_THAT_FORMAT[claimed]), refused.value.message


@pytest.mark.parametrize("file_format", list(Format))
def test_a_file_over_the_limit_is_refused_before_it_is_parsed(file_format: Format) -> None:
    data = FILES[file_format]
    with pytest.raises(FileRefused, match=r"imports take at most [\d.]+ kB \(GRADQUIZ_IMPORT"):
        read_questions(data, file_format, max_bytes=len(data) - 1)
    assert read_questions(data, file_format, max_bytes=len(data)).questions == [QUESTION]


@pytest.mark.parametrize("file_format", list(Format))
def test_each_format_is_detected_from_its_content(file_format: Format) -> None:
    assert detect_format("upload", FILES[file_format]) is file_format


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bank.gift", b"::a::b{=c ~d}", Format.GIFT),
        ("bank.txt", b"::a::b{=c ~d}", Format.GIFT),
        ("bank.csv", b"q,a,b,c,d,A", Format.CSV),
        ("item.xml", b'<?xml version="1.0"?><qti-assessment-item/>', Format.QTI),
        ("quiz.xml", b"\xef\xbb\xbf<quiz/>", Format.MOODLE),
        ("package.zip", b"PK\x03\x04", Format.QTI),
    ],
)
def test_names_and_content_pick_the_format(name: str, data: bytes, expected: Format) -> None:
    assert detect_format(name, data) is expected


@pytest.mark.parametrize("file_format", [Format.GIFT, Format.CSV])
@pytest.mark.parametrize("control", ["\x00", "\x0c", "\x1b"])
def test_a_control_character_in_a_text_file_is_named_with_its_place(
    file_format: Format, control: str
) -> None:
    with pytest.raises(FileRefused) as refused:
        read_questions(f"Q?,a,b\nx{control}y,c,d,e,f,A\n".encode(), file_format)
    assert refused.value.message == (
        f"Line 2, column 2: a control character (U+{ord(control):04X}) is not text; "
        "is this a text file?"
    )


def test_html_with_control_characters_still_converts() -> None:
    from gradquiz.content.formats.markup import html_to_markdown

    assert html_to_markdown("<p>a\x0cb\x00c</p>") == "abc"


def test_xml_nested_deeper_than_the_parser_takes_is_refused() -> None:
    deep = b"<quiz>" + b"<a>" * 300 + b"</a>" * 300 + b"</quiz>"
    with pytest.raises(FileRefused, match="Not Moodle XML: line 1: "):
        read_questions(deep, Format.MOODLE)

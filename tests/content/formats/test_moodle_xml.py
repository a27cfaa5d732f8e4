"""Moodle XML: every construct read, every skipped type, every refusal and unsafe input."""

import base64

import pytest

from gradquiz.content.formats import FileRefused, Format, read_questions, write_questions
from gradquiz.content.formats.moodle_xml import _KINDS
from gradquiz.content.formats.report import ImportReport
from gradquiz.core.questions import Difficulty
from tests.content.formats.samples import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    PNG,
    answer,
    moodle_quiz,
    multichoice,
)

THREE = answer("100", "2x", "Right") + answer("0", "x", "Forgot the 2") + answer("-50", "x^3/3")


def read(data: bytes) -> ImportReport:
    return read_questions(data, Format.MOODLE)


def test_multichoice_with_category_feedback_and_general_feedback() -> None:
    report = read(
        moodle_quiz(
            '<question type="category"><category><text>$course$/top/Calculus/Power rule/easy'
            "</text></category></question>",
            multichoice(
                "Derivative",
                THREE,
                '<generalfeedback format="markdown"><text>Power rule.\n\nReference: Apostol'
                "</text></generalfeedback><shuffleanswers>0</shuffleanswers>",
            ),
        )
    )
    assert report.summary() == "1 imported, 0 skipped, 0 refused"
    question = report.questions[0]
    assert (question.id, question.topic, question.difficulty) == (
        "derivative",
        "power-rule",
        Difficulty.EASY,
    )
    assert question.stem == "Stem of Derivative"
    assert [(o.text, o.feedback) for o in question.options] == [
        ("2x", "Right"),
        ("x", "Forgot the 2"),
        ("x^3/3", ""),
    ]
    assert question.key == "a"
    assert (question.explanation, question.reference) == ("Power rule.", "Apostol")
    assert question.shuffle is False


def test_truefalse_is_a_two_option_question_with_its_feedback() -> None:
    report = read(
        moodle_quiz(
            '<question type="truefalse"><name><text>TF</text></name>'
            '<questiontext format="plain_text"><text>Backprop is an optimiser.</text>'
            "</questiontext>"
            + answer("0", "true", "It only computes gradients.")
            + answer("100", "false", "Yes.")
            + "</question>"
        )
    )
    question = report.questions[0]
    assert [(o.text, o.feedback) for o in question.options] == [
        ("True", "It only computes gradients."),
        ("False", "Yes."),
    ]
    assert question.key == "b"


def test_html_is_sanitised_and_formulas_kept() -> None:
    text = (
        "&lt;p onclick='x()'&gt;Find \\(x^2\\) &lt;b&gt;now&lt;/b&gt;&lt;/p&gt;"
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;iframe src='//evil'&gt;&lt;/iframe&gt;"
    )
    report = read(
        moodle_quiz(
            '<question type="multichoice"><name><text>H</text></name>'
            f'<questiontext format="html"><text>{text}</text></questiontext>{THREE}</question>'
        )
    )
    assert report.questions[0].stem == "Find $x^2$ **now**"


@pytest.mark.parametrize(
    ("text_format", "text", "stem"),
    [
        ("html", "&lt;p&gt;a *b*&lt;/p&gt;", "a \\*b\\*"),
        ("markdown", "a *b* \\(c\\)", "a *b* $c$"),
        ("plain_text", "a *b*", "a \\*b\\*"),
        ("moodle_auto_format", "a\nb", "a\\\nb"),
    ],
)
def test_every_text_format(text_format: str, text: str, stem: str) -> None:
    report = read(
        moodle_quiz(
            '<question type="multichoice"><name><text>F</text></name>'
            f'<questiontext format="{text_format}"><text>{text}</text></questiontext>'
            f"{THREE}</question>"
        )
    )
    assert report.questions[0].stem == stem


def test_embedded_image_is_kept_with_the_question() -> None:
    encoded = base64.b64encode(PNG).decode()
    report = read(
        moodle_quiz(
            '<question type="multichoice"><name><text>Img</text></name>'
            '<questiontext format="html"><text>&lt;p&gt;Graph: &lt;img '
            'src="@@PLUGINFILE@@/my%20graph.png" alt="the graph"&gt;&lt;/p&gt;</text>'
            f'<file name="my graph.png" path="/" encoding="base64">{encoded}</file>'
            f"</questiontext>{THREE}</question>"
        )
    )
    item = report.imported[0]
    assert item.question.stem == "Graph: ![the graph](media/my-graph.png)"
    assert [(f.name, f.mime, f.data) for f in item.files] == [("my-graph.png", "image/png", PNG)]
    again = read(write_questions(report.imported, Format.MOODLE, pack_id="mine"))
    assert again.imported[0].files == item.files
    assert again.questions[0].stem == item.question.stem


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (base64.b64encode(b"<svg onload='x()'/>").decode(), "is not a PNG, JPEG or GIF image"),
        (base64.b64encode(PNG[:8] + b"garbage" * 4).decode(), "is not a PNG, JPEG or GIF image"),
        ("@@not base64@@", "is not valid base64"),
    ],
)
def test_an_image_that_is_not_an_image_refuses_the_question(content: str, rule: str) -> None:
    report = read(
        moodle_quiz(
            '<question type="multichoice"><name><text>Img</text></name>'
            '<questiontext format="html"><text>x</text>'
            f'<file name="a.png" path="/" encoding="base64">{content}</file>'
            f"</questiontext>{THREE}</question>"
        )
    )
    assert report.imported == []
    assert report.refused[0].rule == f"file 'a.png' {rule}"
    assert report.refused[0].where == "line 3, /quiz/question[1]"


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        (answer("100", "a") + answer("100", "b"), "2 right answers; one is needed"),
        (answer("0", "a") + answer("0", "b"), "no right answer"),
        (
            answer("100", "a") + answer("50", "b") + answer("0", "c"),
            "an answer gives partial credit (50%); one must be 100%",
        ),
        (answer("100", "a") + answer("zero", "b"), "fraction 'zero' is not a number"),
        (answer("100", "a") + answer("0", " A "), "options 1 and 2 read the same"),
        (answer("100", "a"), "1 options; a question needs 2 to 5"),
    ],
)
def test_every_rule_refuses_with_the_xml_path(answers: str, rule: str) -> None:
    report = read(moodle_quiz(multichoice("Ok", THREE), multichoice("Bad", answers)))
    assert [q.id for q in report.questions] == ["ok"]
    assert [(r.name, r.where, r.rule) for r in report.refused] == [
        ("Bad", "line 4, /quiz/question[2]", rule)
    ]


@pytest.mark.parametrize(("kind", "name"), sorted(_KINDS.items()))
def test_every_other_question_type_is_skipped_by_name(kind: str, name: str) -> None:
    report = read(
        moodle_quiz(
            multichoice("Ok", THREE),
            f'<question type="{kind}"><name><text>S</text></name></question>',
        )
    )
    assert [(s.name, s.where, s.kind) for s in report.skipped] == [
        ("S", "line 4, /quiz/question[2]", name)
    ]


def test_multiple_response_is_skipped() -> None:
    xml = multichoice("MR", THREE).replace("<single>true</single>", "<single>false</single>")
    report = read(moodle_quiz(xml))
    assert [(s.name, s.kind) for s in report.skipped] == [("MR", "multiple response")]


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_are_refused_before_anything_is_expanded(data: bytes) -> None:
    with pytest.raises(FileRefused, match="entity expansion and external entities are refused"):
        read(data)


def test_malformed_xml_names_its_line() -> None:
    with pytest.raises(FileRefused, match=r"Not Moodle XML: line 3, column \d+: mismatched tag"):
        read(b"<quiz>\n<question>\n</quiz>\n")


def test_another_root_element_is_not_moodle_xml() -> None:
    with pytest.raises(FileRefused, match="the root element is <html>, not <quiz>"):
        read(b"<html><body/></html>")

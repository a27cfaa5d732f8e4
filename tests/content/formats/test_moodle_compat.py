"""The GIFT and Moodle XML exports follow Moodle's documented formats (MoodleDocs, "GIFT
format" and "Moodle XML format"), checked rule by rule over the whole built-in pack, since no
Moodle runs here to import them."""

import re
from functools import cache

import lxml.etree
import pytest

from gradquiz.content.formats import Format, read_questions, write_questions
from gradquiz.content.formats.report import BankQuestion
from tests.content.formats.test_round_trip import exported

# What the exporter's texts may hold: GIFT's escapes (\~ \= \# \{ \} \: \n and \\).
GIFT_ESCAPE = re.compile(r"\\[~=#{}:n\\]")
GIFT_SPECIALS = "~=#{}:"
SPECIAL_GIFT = (
    "::specials::[markdown]Does a \\~ b \\= c \\# d \\{ e \\} f\\: g hold? {\n"
    "=x \\= y#right \\# because\n"
    "~z \\{w\\}#wrong \\: see\n"
    "~plain\n"
    "####all \\~ of it\n}\n\n"
    "::truth::Grass is green. {TRUE#No: it is green.#Yes, it is.}\n\n"
    "::lie::Snow is black. {FALSE#No: it is white.#Yes, it is white.}\n"
)


@cache
def gift_export() -> str:
    data = write_questions(list(exported()), Format.GIFT, pack_id="backprop")
    assert not data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8")  # "The file must be encoded in UTF-8"


@cache
def moodle_export() -> bytes:
    return write_questions(list(exported()), Format.MOODLE, pack_id="backprop")


def special_items() -> list[BankQuestion]:
    report = read_questions(SPECIAL_GIFT.encode(), Format.GIFT)
    assert report.summary() == "3 imported, 0 skipped, 0 refused"
    return report.imported


def gift_chunks(text: str) -> list[str]:
    """The export's blank-line separated parts ("blank lines delimit questions")."""
    return [chunk.strip("\n") for chunk in text.split("\n\n") if chunk.strip()]


def question_chunks(text: str) -> list[str]:
    return [c for c in gift_chunks(text) if c.startswith("::")]


# GIFT ------------------------------------------------------------------------------------


def test_gift_each_question_is_one_blank_line_free_block_after_its_category() -> None:
    chunks = gift_chunks(gift_export())
    assert chunks[0].startswith("// ")  # a comment, at the start of its line
    questions = question_chunks(gift_export())
    assert len(questions) == len(exported())
    for chunk in chunks[1:]:
        assert chunk.startswith(("::", "$CATEGORY: $course$/top/backprop/")), chunk[:80]
        if chunk.startswith("$CATEGORY:"):
            assert "\n" not in chunk.strip()


def test_gift_no_line_of_a_question_starts_as_a_comment() -> None:
    for chunk in question_chunks(gift_export()):
        assert not any(line.lstrip().startswith("//") for line in chunk.splitlines())


def unescaped(text: str) -> str:
    """The text with GIFT's escapes taken out: what Moodle reads as syntax."""
    return GIFT_ESCAPE.sub("", text)


def parts(chunk: str) -> tuple[str, str, list[str], str]:
    """(title, question text, answer lines, general feedback) of one exported question."""
    match = re.fullmatch(r"::((?:\\.|[^:\\])*)::\[html\](.*?)\{\n(.*)\}", chunk, re.S)
    assert match, chunk[:120]
    title, stem, body = match.groups()
    lines = body.splitlines()
    general = lines.pop()[len("\t####") :] if lines and lines[-1].startswith("\t####") else ""
    return title, stem, lines, general


def test_gift_every_special_character_in_a_text_is_escaped() -> None:
    """`\\character` escapes the special meaning of ~ = # { } : (and \\n is a new line)."""
    checked = 0
    for chunk in question_chunks(gift_export()):
        title, stem, answers, general = parts(chunk)
        for text in (title, stem, general):
            assert not set(unescaped(text)) & set(GIFT_SPECIALS), text
            checked += 1
        for line in answers:
            assert line[:2] in ("\t=", "\t~"), line
            text, _, feedback = unescaped(line[2:]).partition("#")
            assert not set(text + feedback) & set(GIFT_SPECIALS), line
            checked += 1
    assert checked > 4 * len(exported())


def test_gift_escapes_each_special_character_and_reads_back_the_same() -> None:
    items = special_items()
    text = write_questions(items, Format.GIFT, pack_id="b").decode()
    chunk = next(c for c in question_chunks(text) if c.startswith("::specials::"))
    _, stem, answers, general = parts(chunk)
    for special in GIFT_SPECIALS:
        assert f"\\{special}" in stem
    assert answers[0].startswith("\t=x \\= y#") and "right \\# because" in answers[0]
    assert answers[1].startswith("\t~z \\{w\\}#") and "wrong \\: see" in answers[1]
    assert answers[2].startswith("\t~plain") and "#" not in answers[2]
    assert "all \\~ of it" in general
    again = read_questions(text.encode(), Format.GIFT)
    assert [i.question for i in again.imported] == [i.question for i in items]


def test_gift_multiple_choice_has_one_right_answer_and_at_least_one_wrong() -> None:
    """A single-answer multiple choice: one `=`, the rest `~` (Moodle reads `~` as multichoice)."""
    for chunk in question_chunks(gift_export()):
        _, _, answers, _ = parts(chunk)
        if answers and answers[0].startswith(("\tTRUE", "\tFALSE")):
            continue
        marks = [line[1] for line in answers]
        assert marks.count("=") == 1 and marks.count("~") >= 1, chunk[:120]


def test_gift_true_false_is_true_or_false_with_the_wrong_answers_feedback_first() -> None:
    """`{TRUE#feedback when answered wrongly#feedback when answered rightly}`."""
    text = write_questions(special_items(), Format.GIFT, pack_id="b").decode()
    truth = next(c for c in question_chunks(text) if c.startswith("::truth::"))
    lie = next(c for c in question_chunks(text) if c.startswith("::lie::"))
    assert re.search(r"\{TRUE#<p>No\\: it is green.</p>#<p>Yes, it is.</p>\n", truth), truth
    assert re.search(r"\{FALSE#<p>No\\: it is white.</p>#<p>Yes, it is white.</p>\n", lie), lie


def test_gift_texts_are_marked_html_and_the_title_is_the_question_id() -> None:
    ids = [item.question.id for item in exported()]
    titles = [parts(c)[0] for c in question_chunks(gift_export())]
    assert [re.sub(r"\\(.)", r"\1", t) for t in titles] == ids
    assert all("::[html]" in c.split("\n")[0] for c in question_chunks(gift_export()))


# Moodle XML --------------------------------------------------------------------------------


@cache
def moodle_tree() -> lxml.etree._Element:
    return lxml.etree.fromstring(moodle_export())


def questions_of(kind: str) -> list[lxml.etree._Element]:
    return moodle_tree().findall(f"question[@type='{kind}']")


def test_moodle_xml_starts_with_its_declaration_in_utf8_around_one_quiz() -> None:
    """ "The xml-line is really the first line of the file"; "the file must be encoded in UTF-8"."""
    first = moodle_export().split(b"\n", 1)[0]
    assert first == b"<?xml version='1.0' encoding='UTF-8'?>"
    assert moodle_tree().tag == "quiz"
    kinds = {q.get("type") for q in moodle_tree()}
    assert kinds <= {"category", "multichoice", "truefalse"}
    assert len(questions_of("multichoice")) + len(questions_of("truefalse")) == len(exported())


def test_moodle_xml_categories_are_dummy_questions_under_course_top() -> None:
    categories = questions_of("category")
    assert categories
    for question in categories:
        path = question.findtext("category/text")
        assert path and path.startswith("$course$/top/backprop/")


def html_texts() -> list[lxml.etree._Element]:
    tree = lxml.etree.fromstring(moodle_export(), lxml.etree.XMLParser(strip_cdata=False))
    return tree.xpath("//*[@format='html']/text")  # type: ignore[no-any-return]


def test_moodle_xml_html_is_in_text_elements_inside_cdata() -> None:
    """ "Embedded HTML fragments should be within CDATA sections" under format="html"."""
    raw = moodle_export().decode()
    texts = html_texts()
    holding = [t for t in texts if t.text]
    assert len(holding) > 3 * len(exported())
    cdata = raw.count("<text><![CDATA[")
    assert cdata == len(holding)
    assert "&lt;p&gt;" not in raw


def test_moodle_xml_text_holding_the_cdata_end_is_escaped_and_reads_back() -> None:
    from dataclasses import replace

    item = special_items()[0]
    odd = replace(item.question, explanation="Ends with `]]>` here.")
    data = write_questions([BankQuestion(odd, ())], Format.MOODLE, pack_id="b")
    assert b"<code>]]&gt;</code> here." in data
    again = read_questions(data, Format.MOODLE)
    assert write_questions(again.imported, Format.MOODLE, pack_id="b") == data


def test_moodle_xml_every_question_has_a_name_and_html_question_text() -> None:
    for kind in ("multichoice", "truefalse"):
        for question in questions_of(kind):
            assert question.findtext("name/text")
            assert question.find("questiontext").get("format") == "html"
            assert question.find("questiontext/text") is not None


@pytest.mark.parametrize("element", ["single", "shuffleanswers", "answernumbering"])
def test_moodle_xml_multichoice_is_single_response_with_documented_values(element: str) -> None:
    allowed = {
        "single": {"true"},
        "shuffleanswers": {"true", "false", "1", "0"},
        "answernumbering": {"abc", "ABCD", "123", "iii", "IIII", "none"},
    }[element]
    values = [q.findtext(element) for q in questions_of("multichoice")]
    assert values and set(values) <= allowed


def test_moodle_xml_fractions_are_100_for_the_key_and_0_for_the_rest() -> None:
    for kind in ("multichoice", "truefalse"):
        for question in questions_of(kind):
            fractions = [a.get("fraction") for a in question.findall("answer")]
            assert fractions.count("100") == 1 and set(fractions) == {"100", "0"}, fractions


def test_moodle_xml_true_false_answers_are_the_words_true_and_false() -> None:
    data = write_questions(special_items(), Format.MOODLE, pack_id="b")
    tree = lxml.etree.fromstring(data)
    for name, right in (("truth", "true"), ("lie", "false")):
        (question,) = tree.xpath(f"question[name/text='{name}']")
        assert question.get("type") == "truefalse"
        answers = {a.findtext("text"): a.get("fraction") for a in question.findall("answer")}
        assert answers == {right: "100", ("false" if right == "true" else "true"): "0"}


def test_moodle_xml_images_are_base64_files_of_the_question_text_named_by_pluginfile() -> None:
    from tests.content.formats.samples import PNG

    item = special_items()[0]
    from dataclasses import replace

    from gradquiz.content.formats.report import MediaFile

    shown = replace(item.question, stem="See ![a gate](media/g.png)")
    data = write_questions(
        [BankQuestion(shown, (MediaFile("g.png", "image/png", PNG),))], Format.MOODLE, pack_id="b"
    )
    tree = lxml.etree.fromstring(data)
    file = tree.find("question/questiontext/file")
    assert file is not None and (file.get("name"), file.get("path"), file.get("encoding")) == (
        "g.png",
        "/",
        "base64",
    )
    assert 'src="@@PLUGINFILE@@/g.png"' in tree.findtext("question/questiontext/text")

"""GIFT: every construct, escape, text format and skipped type, and every refusal."""

import pytest

from gradquiz.content.formats import FileRefused, Format, read_questions
from gradquiz.content.formats.report import ImportReport
from gradquiz.content.formats.rules import Defaults
from gradquiz.core.questions import Difficulty


def read(text: str, defaults: Defaults = Defaults()) -> ImportReport:
    return read_questions(text.encode(), Format.GIFT, defaults)


def test_title_answers_feedback_and_general_feedback() -> None:
    report = read(
        "::Chain rule::What is d/dx of x squared? {\n"
        "  ~x # forgot the factor 2\n"
        "  =2x # right\n"
        "  ~x^3/3 # that is the integral\n"
        "  ####The power rule.\\n\\nReference\\: Calculus, ch. 3\n"
        "}\n"
    )
    assert report.summary() == "1 imported, 0 skipped, 0 refused"
    question = report.questions[0]
    assert question.id == "chain-rule"
    assert question.stem == "What is d/dx of x squared?"
    assert [o.text for o in question.options] == ["x", "2x", "x^3/3"]
    assert question.key == "b"
    assert [o.feedback for o in question.options] == [
        "forgot the factor 2",
        "right",
        "that is the integral",
    ]
    assert question.explanation == "The power rule."
    assert question.reference == "Calculus, ch. 3"
    assert (question.topic, question.difficulty) == ("imported", Difficulty.MEDIUM)


@pytest.mark.parametrize(
    ("escaped", "literal"),
    [("\\~", "~"), ("\\=", "="), ("\\#", "#"), ("\\{", "{"), ("\\}", "}"), ("\\:", ":")],
)
def test_every_escape_is_read_as_the_character(escaped: str, literal: str) -> None:
    report = read(
        f"::E::[markdown]Stem with {escaped} in it {{=right {escaped} answer ~wrong#no {escaped}}}"
    )
    question = report.questions[0]
    assert question.stem == f"Stem with {literal} in it"
    assert question.options[0].text == f"right {literal} answer"
    assert question.options[1].feedback == f"no {literal}"


def test_escaped_newline_and_backslash() -> None:
    report = read("::N::[markdown]First\\n\\nsecond \\\\ end {=a ~b#x}")
    assert report.questions[0].stem == "First\n\nsecond \\ end"


def test_comments_are_dropped_even_inside_a_question() -> None:
    report = read(
        "// a comment before\n::C::Stem {\n// a comment inside\n=yes\n~no#x\n}\n// after\n"
    )
    assert [o.text for o in report.questions[0].options] == ["yes", "no"]


def test_untitled_question_gets_an_id_from_its_first_words() -> None:
    report = read("Which gate routes the gradient to its argmax only? {=max ~add#x ~mul#y}")
    assert report.questions[0].id == "which-gate-routes-the-gradient-to-its-argmax"


def test_category_gives_topic_and_difficulty_until_the_next() -> None:
    report = read(
        "$CATEGORY: $course$/top/Backprop/Chain Rule/hard\n\n"
        "::A::a {=1 ~2#x}\n\n"
        "$CATEGORY: $course$/top/Week 2\n\n"
        "::B::b {=1 ~2#x}\n",
        Defaults(difficulty=Difficulty.EASY),
    )
    first, second = report.questions
    assert (first.topic, first.difficulty) == ("chain-rule", Difficulty.HARD)
    assert (second.topic, second.difficulty) == ("week-2", Difficulty.EASY)


def test_topic_option_applies_where_no_category_is_given() -> None:
    report = read("::A::a {=1 ~2#x}", Defaults(topic="gradients"))
    assert report.questions[0].topic == "gradients"


@pytest.mark.parametrize(
    ("marker", "text", "stem"),
    [
        ("[html]", "<p>Is <b>this</b> bold?</p><script>alert(1)</script>", "Is **this** bold?"),
        ("[markdown]", "Is **this** bold?", "Is **this** bold?"),
        ("[plain]", "Is **this** bold?", "Is \\*\\*this\\*\\* bold?"),
        ("[moodle]", "Line one\nline two", "Line one\\\nline two"),
        ("", "Line one\nline two", "Line one\\\nline two"),
    ],
)
def test_every_text_format(marker: str, text: str, stem: str) -> None:
    report = read(f"::F::{marker}{text}{{=a ~b#x}}")
    assert report.questions[0].stem == stem


def test_html_is_sanitised_with_the_pack_pages_allow_list() -> None:
    report = read('::H::[html]<p onclick="steal()">Hi<img src="x" onerror="y"></p>{=a ~b#x}')
    assert report.questions[0].stem == "Hi"


@pytest.mark.parametrize(
    ("marker", "latex", "markdown"),
    [
        ("[html]", "\\(x^2\\)", "$x^2$"),
        ("[html]", "$$\\frac\\{a\\}\\{b\\}$$", "$$\\frac{a}{b}$$"),
        ("[html]", "\\[y\\]", "$$y$$"),
        ("[markdown]", "\\(x^2\\)", "$x^2$"),
        ("[markdown]", "$$\\frac\\{a\\}\\{b\\}$$", "$$\\frac{a}{b}$$"),
        ("[plain]", "\\(x_1\\)", "$x_1$"),
    ],
)
def test_latex_becomes_gradquiz_math(marker: str, latex: str, markdown: str) -> None:
    report = read(f"::L::{marker}Value of {latex}? {{=a ~b#x}}")
    assert report.questions[0].stem == f"Value of {markdown}?"


@pytest.mark.parametrize(
    ("answers", "key", "feedback"),
    [
        ("{T}", "a", ("", "")),
        ("{TRUE}", "a", ("", "")),
        ("{F}", "b", ("", "")),
        ("{FALSE}", "b", ("", "")),
        ("{T#wrong answer#right answer}", "a", ("right answer", "wrong answer")),
        ("{FALSE#wrong answer#right answer}", "b", ("wrong answer", "right answer")),
        ("{TRUE####general}", "a", ("", "")),
    ],
)
def test_true_false_is_a_two_option_question(
    answers: str, key: str, feedback: tuple[str, str]
) -> None:
    report = read(f"::TF::Backprop computes gradients. {answers}")
    question = report.questions[0]
    assert [o.text for o in question.options] == ["True", "False"]
    assert question.key == key
    assert tuple(o.feedback for o in question.options) == feedback


def test_missing_word_question_shows_a_blank() -> None:
    report = read("::MW::The add gate {=copies ~splits#x} the gradient.")
    assert report.questions[0].stem == "The add gate \\_\\_\\_\\_\\_ the gradient."


def test_negative_weights_on_wrong_answers_are_allowed() -> None:
    report = read("::W::Pick {=right ~%-50%wrong#x ~%0%other#y}")
    assert [o.text for o in report.questions[0].options] == ["right", "wrong", "other"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("::S::Match {=a -> 1 =b -> 2 =c -> 3}", "matching"),
        ("::S::Two plus two {=four =4}", "short answer"),
        ("::S::Two plus two {=four}", "short answer"),
        ("::S::Pi to two places {#3.14:0.005}", "numerical"),
        ("::S::Explain backprop {}", "essay"),
        ("::S::Explain backprop {####model answer}", "essay"),
        ("::S::Just some text to read", "description"),
        ("::S::Pick two {~%50%a ~%50%b ~%-100%c}", "multiple response"),
    ],
)
def test_every_type_gradquiz_cannot_run_is_skipped_by_name_line_and_type(
    text: str, kind: str
) -> None:
    report = read(f"::Fine::ok {{=a ~b#x}}\n\n\n{text}\n")
    assert len(report.imported) == 1
    assert [(s.name, s.where, s.kind) for s in report.skipped] == [("S", "line 4", kind)]
    assert report.summary() == f"1 imported, 1 skipped (1 {kind}), 0 refused"


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        ("{=a =b ~c#x}", "2 right answers; one is needed"),
        ("{~a#x ~b#y ~%-50%c}", "no right answer"),
        ("{=a ~A#x}", "options 1 and 2 read the same"),
        ("{=a ~#x ~c#y}", "option 2 is empty"),
        ("{=a ~b ~c ~d ~e ~f}", "6 options; a question needs 2 to 5"),
        ("{=a ~all of the above#x}", "option 2 uses an 'all/none of the above' form"),
        (
            "{=the gradient flows back through every single path of the graph ~no#x ~yes#y}",
            "the right answer is much longer than the others (a cue)",
        ),
    ],
)
def test_every_rule_refuses_the_question_with_its_line(answers: str, rule: str) -> None:
    report = read(f"::Good::ok {{=a ~b#x}}\n\n::Bad::Stem {answers}")
    assert [(r.name, r.where, r.rule) for r in report.refused] == [("Bad", "line 3", rule)]
    assert [q.id for q in report.questions] == ["good"]


def test_an_empty_stem_is_refused() -> None:
    report = read("::Empty::{=a ~b#x}")
    assert report.refused[0].rule == "the question text is empty"


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(FileRefused, match=r"Not GIFT: line 4, column \d+: unexpected '\}'"):
        read("::A::ok {=a ~b}\n\n// comment\n::B::broken } {=a ~b}\n")


def test_a_file_without_any_answer_block_is_not_gift() -> None:
    with pytest.raises(FileRefused, match="no question has an answer block"):
        read("question,a,b,c,d,key\nWhat?,1,2,3,4,a\n")


def test_the_same_title_twice_gets_two_ids() -> None:
    report = read("::Same::one {=a ~b#x}\n\n::Same::two {=a ~b#x}")
    assert [q.id for q in report.questions] == ["same", "same-2"]

"""GIFT, Moodle's plain-text question format, read with a lark grammar and written back.

A file is split into questions at blank lines, after dropping `//` comment lines, as Moodle
does; each question is then parsed by the grammar below. Multiple choice (one `=`, any `~`),
true/false and missing-word questions are read; the other GIFT types are reported by type.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from gradquiz.content.formats.markup import (
    html_to_markdown,
    latex_to_dollars,
    markdown_to_html,
    plain_to_markdown,
)
from gradquiz.content.formats.report import BankQuestion, FileRefused, Skipped
from gradquiz.content.formats.rules import (
    Draft,
    DraftOption,
    category_path,
    split_reference,
    topic_and_difficulty,
    with_reference,
)

GRAMMAR = r"""
start: CATEGORY? question?

question: title? FORMAT? TEXT? answers TAIL?
        | title? FORMAT? TEXT                    -> description
title: _TITLE_MARK TITLE? _TITLE_MARK
answers: "{" WS? body? "}"
?body: truefalse | choices | NUMERIC | general
truefalse: TF feedback? feedback? general?
choices: choice+ general?
choice: MARK WEIGHT? ANSWER? feedback?
feedback: HASH ANSWER?
general: GENERAL ANSWER?

CATEGORY.3: /\$CATEGORY:[^\n]*\n?/
TITLE: /(\\.|[^\\:]|:(?!:))+/s
_TITLE_MARK.3: "::"
FORMAT.3: /\[(html|markdown|plain|moodle)\]/
TEXT: /(\\.|[^\\{}])+/s
TAIL: /(\\.|[^\\{}])+/s
MARK: /[=~]/
WEIGHT.3: /%-?\d+(\.\d+)?%/
ANSWER: /(\\.|[^\\=~#}])+/s
GENERAL.2: "####"
HASH: "#"
NUMERIC: /#(\\.|[^\\}])*/
TF.2: /(TRUE|FALSE|T|F)(?=\s*[#}])\s*/
WS: /\s+/
"""

# The escapes GIFT defines; any other backslash stays, as LaTeX's do.
_ESCAPE = re.compile(r"\\([~=#{}:n\\])")
# What a writer escapes: a backslash before something an escape would take, and the specials.
_NEEDS_ESCAPE = re.compile(r"\\(?=[~=#{}:n\\])|[~=#{}:\n\r]")
_ESCAPED_AS = {"\\": "\\\\", "\n": "\\n", "\r": ""}
_TEXT_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]")
_TRUE_FALSE = ("True", "False")


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", lexer="contextual")


@dataclass
class _Chunk:
    text: str
    lines: list[int]  # the file's line number of each line of `text`

    def line_of(self, chunk_line: int) -> int:
        return self.lines[min(max(chunk_line, 1), len(self.lines)) - 1]


def read_gift(text: str) -> Iterator[Draft | Skipped]:
    """Every question of a GIFT file as a draft, or as skipped with its type."""
    category = ""
    answered = False
    for chunk in _chunks(text):
        try:
            tree = _parser().parse(chunk.text)
        except UnexpectedInput as error:
            raise FileRefused(_refusal(error, chunk)) from None
        for child in tree.children:
            if isinstance(child, Token):  # the category line
                category = child.removeprefix("$CATEGORY:").strip()
            elif isinstance(child, Tree):
                answered = answered or child.data == "question"
                yield _question(child, chunk, category)
    if not answered:
        raise FileRefused("Not GIFT: no question has an answer block '{…}'.")


def _chunks(text: str) -> Iterator[_Chunk]:
    lines: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            lines.append(line)
            numbers.append(number)
        elif lines:
            yield _Chunk("\n".join(lines), numbers)
            lines, numbers = [], []
    if lines:
        yield _Chunk("\n".join(lines), numbers)


# An answer block closed at the end of a line: a question ends there.
_CLOSED_BLOCK = re.compile(r"(?<!\\)\}[ \t]*(?://[^\n]*)?\n")


def _refusal(error: UnexpectedInput, chunk: _Chunk) -> str:
    """Why the chunk is not GIFT; two questions run together (no blank line between them)
    are named as such, since the parser only sees a stray '{'."""
    at = error.pos_in_stream
    closed = _CLOSED_BLOCK.search(chunk.text, 0, at) if at is not None else None
    if closed is not None and chunk.text[at : at + 1] in ("{", ":"):
        ended = chunk.text.count("\n", 0, closed.end())  # the 1-based line of the `}`
        return (
            f"Not GIFT: line {chunk.line_of(ended + 1)} starts a new question right after the "
            f"one ending on line {chunk.line_of(ended)}; put a blank line between questions."
        )
    return (
        f"Not GIFT: line {chunk.line_of(error.line)}, column {error.column}: "
        f"{_unexpected(error, chunk.text)}"
    )


def _unexpected(error: UnexpectedInput, text: str) -> str:
    token = getattr(error, "token", None)
    at_end = isinstance(token, Token) and token.type == "$END"
    found = "" if at_end or error.pos_in_stream is None else text[error.pos_in_stream]
    if found:
        return f"unexpected {found!r} (a literal ~ = # {{ }} : is written with a backslash)"
    return "the question ends before its answer block is closed"


def _question(tree: Tree[Token], chunk: _Chunk, category: str) -> Draft | Skipped:
    parts = {
        (child.type if isinstance(child, Token) else child.data): child for child in tree.children
    }
    title_tree = parts.get("title")
    title = ""
    if isinstance(title_tree, Tree) and title_tree.children:
        title = _unescape(str(title_tree.children[0])).strip()
    text_format = str(parts["FORMAT"])[1:-1] if "FORMAT" in parts else "moodle"
    where = f"line {chunk.line_of(_line(tree))}"
    stem = _unescape(str(parts.get("TEXT", ""))).strip()
    name = title or " ".join(stem.split()[:8])
    if tree.data == "description":
        return Skipped(name, where, "description")
    tail = _unescape(str(parts.get("TAIL", ""))).strip()
    if tail:
        stem = f"{stem} _____ {tail}"
    answers = parts["answers"]
    assert isinstance(answers, Tree)
    body = next((c for c in answers.children if not isinstance(c, Token) or c.type != "WS"), None)
    topic, difficulty = topic_and_difficulty(category)
    draft = Draft(
        where=where,
        title=title,
        stem=_markdown(stem, text_format),
        options=[],
        topic=topic,
        difficulty=difficulty,
    )
    kind = _fill(draft, body, text_format)
    return Skipped(name, where, kind) if kind else draft


def _fill(draft: Draft, body: Tree[Token] | Token | None, text_format: str) -> str:
    """Put the answers into `draft`; return the type's name when gradquiz cannot run it."""
    if body is None:
        return "essay"
    if isinstance(body, Token):
        return "numerical"
    if body.data == "general":
        return "essay"
    general = next((c for c in body.children if isinstance(c, Tree) and c.data == "general"), None)
    if general is not None:
        explanation = _markdown(_answer_text(general), text_format)
        draft.explanation, draft.reference = split_reference(explanation)
    if body.data == "truefalse":
        _true_false(draft, body, text_format)
        return ""
    choices = [c for c in body.children if isinstance(c, Tree) and c.data == "choice"]
    marks = [str(c.children[0]) for c in choices]
    weights = [_weight(c) for c in choices]
    texts = [_choice_text(c) for c in choices]
    if all(m == "=" for m in marks) and any("->" in t for t in texts):
        return "matching"
    if any(w is not None and 0 < w < 100 for w in weights):
        return "multiple response"
    if "~" not in marks:
        return "short answer"
    for choice, mark, weight, text in zip(choices, marks, weights, texts, strict=True):
        feedback = next((c for c in choice.children if isinstance(c, Tree)), None)
        draft.options.append(
            DraftOption(
                text=_markdown(text, text_format),
                feedback=_markdown(_answer_text(feedback), text_format) if feedback else "",
                correct=(mark == "=" and weight in (None, 100)) or (weight == 100),
            )
        )
    return ""


def _true_false(draft: Draft, body: Tree[Token], text_format: str) -> None:
    truth = str(body.children[0]).strip().upper().startswith("T")
    feedback = [
        _markdown(_answer_text(c), text_format)
        for c in body.children
        if isinstance(c, Tree) and c.data == "feedback"
    ] + ["", ""]
    # GIFT gives the feedback for a wrong answer first, then for the right one.
    wrong, right = feedback[0], feedback[1]
    draft.options = [
        DraftOption("True", right if truth else wrong, correct=truth),
        DraftOption("False", wrong if truth else right, correct=not truth),
    ]


def _weight(choice: Tree[Token]) -> float | None:
    for child in choice.children:
        if isinstance(child, Token) and child.type == "WEIGHT":
            return float(child.strip("%"))
    return None


def _choice_text(choice: Tree[Token]) -> str:
    for child in choice.children:
        if isinstance(child, Token) and child.type == "ANSWER":
            return _unescape(str(child)).strip()
    return ""


def _answer_text(tree: Tree[Token]) -> str:
    return "".join(_unescape(str(c)) for c in tree.children if c.type == "ANSWER").strip()  # type: ignore[union-attr]


def _line(tree: Tree[Token]) -> int:
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        return int(token.line or 1)
    return 1


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m[1] == "n" else m[1], text)


def _markdown(text: str, text_format: str) -> str:
    own = _TEXT_FORMAT.match(text)
    if own:
        text_format, text = own.group(1), text[own.end() :]
    if text_format == "html":
        return html_to_markdown(text)
    if text_format == "moodle":  # Moodle's auto-format: blank lines part paragraphs
        paragraphs = re.split(r"\n\s*\n", text.strip())
        return html_to_markdown("".join(f"<p>{p}</p>" for p in paragraphs).replace("\n", "<br>"))
    if text_format == "plain":
        return plain_to_markdown(text)
    return latex_to_dollars(text.strip())


def write_gift(items: Sequence[BankQuestion], pack_id: str) -> bytes:
    """The questions as GIFT: HTML text, each topic and difficulty a category."""
    lines = [f"// {len(items)} questions exported by gradquiz from {pack_id}", ""]
    category = None
    for item in items:
        question = item.question
        path = category_path(pack_id, question)
        if path != category:
            lines += [f"$CATEGORY: {path}", ""]
            category = path
        lines += [_gift_question(item), ""]
    return "\n".join(lines).encode("utf-8")


def _gift_question(item: BankQuestion) -> str:
    question = item.question
    head = f"::{_escape(question.id)}::[html]{_escape(markdown_to_html(question.stem))}"
    general = with_reference(question.explanation, question.reference)
    tail = f"\t####{_escape(markdown_to_html(general))}\n" if general else ""
    texts = tuple(option.text for option in question.options)
    if texts == _TRUE_FALSE:
        truth = question.key == question.options[0].id
        right = question.option(question.key).feedback
        wrong = next(o.feedback for o in question.options if o.id != question.key)
        return f"{head}{{{'TRUE' if truth else 'FALSE'}#{_html(wrong)}#{_html(right)}\n{tail}}}"
    answers = []
    for option in question.options:
        mark = "=" if option.id == question.key else "~"
        feedback = f"#{_html(option.feedback)}" if option.feedback else ""
        answers.append(f"\t{mark}{_escape(markdown_to_html(option.text, inline=True))}{feedback}\n")
    return f"{head}{{\n{''.join(answers)}{tail}}}"


def _html(markdown: str) -> str:
    return _escape(markdown_to_html(markdown)) if markdown else ""


def _escape(text: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPED_AS.get(m[0], "\\" + m[0]), text)

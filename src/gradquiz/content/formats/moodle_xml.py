"""Moodle XML: single-answer multichoice and truefalse read, other types reported; written back."""

import base64
import binascii
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote, unquote

import lxml.etree

from gradquiz.content.formats.markup import (
    MEDIA_PREFIX,
    html_to_markdown,
    latex_to_dollars,
    markdown_to_html,
    plain_to_markdown,
)
from gradquiz.content.formats.report import BankQuestion, FileRefused, MediaFile, Skipped
from gradquiz.content.formats.rules import (
    Draft,
    DraftOption,
    category_path,
    split_reference,
    topic_and_difficulty,
    with_reference,
)
from gradquiz.content.formats.safe_input import image_type, parse_xml

PLUGINFILE = "@@PLUGINFILE@@/"
_KINDS = {
    "shortanswer": "short answer",
    "numerical": "numerical",
    "essay": "essay",
    "matching": "matching",
    "multianswer": "cloze",
    "description": "description",
    "calculated": "calculated",
    "calculatedsimple": "calculated",
    "calculatedmulti": "calculated",
    "ddwtos": "drag and drop",
    "gapselect": "select missing words",
    "ordering": "ordering",
    "randomsamatch": "random matching",
}
_TRUE_FALSE = ("True", "False")


def read_moodle_xml(data: bytes) -> Iterator[Draft | Skipped]:
    """Every question of a Moodle XML file as a draft, or as skipped with its type."""
    root = parse_xml(data, "Moodle XML")
    if root.tag != "quiz":
        raise FileRefused(f"Not Moodle XML: the root element is <{root.tag}>, not <quiz>.")
    category = ""
    for number, element in enumerate(root.iterchildren("question"), start=1):
        kind = element.get("type", "")
        if kind == "category":
            category = _child_text(element, "category")
            continue
        where = f"line {element.sourceline}, /quiz/question[{number}]"
        name = _child_text(element, "name") or f"question {number}"
        if kind == "multichoice" and _flag(element, "single", default=True):
            yield _draft(element, where, name, category)
        elif kind == "multichoice":
            yield Skipped(name, where, "multiple response")
        elif kind == "truefalse":
            yield _draft(element, where, name, category, true_false=True)
        else:
            yield Skipped(name, where, _KINDS.get(kind, kind or "untyped"))


def _draft(
    element: Any, where: str, name: str, category: str, *, true_false: bool = False
) -> Draft:
    topic, difficulty = topic_and_difficulty(category)
    draft = Draft(where=where, title=name, stem="", options=[], topic=topic, difficulty=difficulty)
    media = _media(element, draft)
    draft.stem = _markdown(element.find("questiontext"), media)
    draft.explanation, draft.reference = split_reference(
        _markdown(element.find("generalfeedback"), media)
    )
    draft.shuffle = _flag(element, "shuffleanswers", default=True)
    for answer in element.iterchildren("answer"):
        fraction = _fraction(answer, draft)
        text = _markdown(answer, media)
        if true_false:
            text = "True" if text.strip().lower() == "true" else "False"
        if fraction is not None and 0 < fraction < 100:
            draft.faults.append(f"an answer gives partial credit ({fraction:g}%); one must be 100%")
        draft.options.append(
            DraftOption(text, _markdown(answer.find("feedback"), media), fraction == 100)
        )
    if true_false:
        draft.options.sort(key=lambda option: _TRUE_FALSE.index(option.text))
    return draft


def _fraction(answer: Any, draft: Draft) -> float | None:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        draft.faults.append(f"fraction {answer.get('fraction')!r} is not a number")
        return None


def _media(element: Any, draft: Draft) -> dict[str, str]:
    """Embedded images, kept on the draft; maps each @@PLUGINFILE@@ address to its name."""
    found: dict[str, str] = {}
    files: list[MediaFile] = []
    for file in element.iter("file"):
        name = file.get("name", "")
        try:
            data = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            draft.faults.append(f"file {name!r} is not valid base64")
            continue
        mime = image_type(data)
        if mime is None:
            draft.faults.append(f"file {name!r} is not a PNG, JPEG or GIF image")
            continue
        safe = re.sub(r"[^A-Za-z0-9._-]", "-", name).lstrip(".") or "image"
        files.append(MediaFile(safe, mime, data))
        for address in (PLUGINFILE + name, PLUGINFILE + quote(name)):
            found[address] = safe
    draft.files = tuple(sorted(set(draft.files) | set(files), key=lambda f: f.name))
    return found


def _markdown(holder: Any, media: dict[str, str]) -> str:
    if holder is None:
        return ""
    text = _child_text(holder, "text")
    text_format = holder.get("format", "html")
    if text_format == "markdown":
        for address, name in media.items():
            text = text.replace(address, MEDIA_PREFIX + name)
        return latex_to_dollars(text.strip())
    if text_format == "plain_text":
        return plain_to_markdown(text)
    if text_format == "moodle_auto_format":
        text = text.replace("\n", "<br>")
    return html_to_markdown(text, {**media, **{unquote(a): n for a, n in media.items()}})


def _child_text(element: Any, tag: str) -> str:
    child = element.find(tag)
    if child is None:
        return ""
    text = child.find("text")
    return str((text if text is not None else child).text or "").strip()


def _flag(element: Any, tag: str, *, default: bool) -> bool:
    child = element.find(tag)
    if child is None or child.text is None:
        return default
    return child.text.strip().lower() in {"true", "1"}


def write_moodle_xml(items: Sequence[BankQuestion], pack_id: str) -> bytes:
    """The questions as Moodle XML: HTML text, each topic and difficulty a category."""
    quiz = lxml.etree.Element("quiz")
    category = None
    for item in items:
        path = category_path(pack_id, item.question)
        if path != category:
            holder = lxml.etree.SubElement(quiz, "question", type="category")
            _text(lxml.etree.SubElement(holder, "category"), path)
            category = path
        _write_question(quiz, item)
    return bytes(
        lxml.etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def _write_question(quiz: Any, item: BankQuestion) -> None:
    question = item.question
    true_false = tuple(o.text for o in question.options) == _TRUE_FALSE
    element = lxml.etree.SubElement(
        quiz, "question", type="truefalse" if true_false else "multichoice"
    )
    _text(lxml.etree.SubElement(element, "name"), question.id)
    stem = _html_field(element, "questiontext", question.stem)
    for file in item.files:
        encoded = lxml.etree.SubElement(stem, "file", name=file.name, path="/", encoding="base64")
        encoded.text = base64.b64encode(file.data).decode("ascii")
    _html_field(
        element, "generalfeedback", with_reference(question.explanation, question.reference)
    )
    for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0")):
        lxml.etree.SubElement(element, tag).text = value
    if not true_false:
        lxml.etree.SubElement(element, "single").text = "true"
        lxml.etree.SubElement(element, "shuffleanswers").text = str(question.shuffle).lower()
        lxml.etree.SubElement(element, "answernumbering").text = "abc"
    for option in question.options:
        answer = lxml.etree.SubElement(
            element,
            "answer",
            fraction="100" if option.id == question.key else "0",
            format="plain_text" if true_false else "html",
        )
        if true_false:
            _text(answer, option.text.lower())
        else:
            _html_text(answer, _html(option.text, inline=True))
        _html_field(answer, "feedback", option.feedback)


def _html_field(parent: Any, tag: str, markdown: str) -> Any:
    field = lxml.etree.SubElement(parent, tag, format="html")
    _html_text(field, _html(markdown))
    return field


def _html_text(parent: Any, html: str) -> None:
    """HTML in a CDATA section, as Moodle's documentation asks (a text holding `]]>`, which
    CDATA cannot, is escaped instead: the same text to any XML reader)."""
    text = lxml.etree.SubElement(parent, "text")
    text.text = lxml.etree.CDATA(html) if html and "]]>" not in html else html


def _html(markdown: str, *, inline: bool = False) -> str:
    return markdown_to_html(markdown, inline=inline).replace(
        f'src="{MEDIA_PREFIX}', f'src="{PLUGINFILE}'
    )


def _text(parent: Any, value: str) -> None:
    lxml.etree.SubElement(parent, "text").text = value

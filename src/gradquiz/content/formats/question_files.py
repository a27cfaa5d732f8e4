"""Imported questions as pack question files (`questions/<id>.txt`) and their images."""

import re
from pathlib import Path

from gradquiz.content.formats.markup import MEDIA_PREFIX
from gradquiz.content.formats.report import BankQuestion, Changes
from gradquiz.core.questions import Question

# A line of text that would read as a section header is escaped (Markdown shows it the same).
_SECTION_LIKE = re.compile(r"^--- ", re.MULTILINE)
NO_REFERENCE = "none given"


def question_file(question: Question) -> str:
    """The question in the pack's plain-text question format."""
    lines = [
        f"id: {question.id}",
        f"topic: {question.topic}",
        f"difficulty: {question.difficulty.value}",
        f"key: {question.key}",
        f"reference: {' '.join(question.reference.split()) or NO_REFERENCE}",
    ]
    if not question.shuffle:
        lines.append("shuffle: no")
    sections = [("stem", question.stem)]
    for option in question.options:
        sections.append((f"option {option.id}", option.text))
        sections.append((f"feedback {option.id}", option.feedback))
    sections.append(("explanation", question.explanation))
    for name, text in sections:
        if text.strip():
            lines += ["", f"--- {name}", _SECTION_LIKE.sub(r"\\--- ", text.strip())]
    return "\n".join(lines) + "\n"


def write_question_folder(items: list[BankQuestion], folder: Path) -> Changes:
    """Write each question as `<id>.txt` (its images under `media/`); the same import twice
    changes nothing, and an edited question replaces its file (attempts keep their version)."""
    changes = Changes()
    folder.mkdir(parents=True, exist_ok=True)
    for item in items:
        path = folder / f"{item.question.id}.txt"
        text = question_file(item.question)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        for file in item.files:
            media = folder / MEDIA_PREFIX / file.name
            if not media.is_file() or media.read_bytes() != file.data:
                media.parent.mkdir(exist_ok=True)
                media.write_bytes(file.data)
        if changes.note(item.question.id, old, text):
            path.write_text(text, encoding="utf-8")
    return changes

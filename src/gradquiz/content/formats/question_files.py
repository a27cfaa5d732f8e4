"""Imported questions as pack question files (`questions/<id>.txt`) and their images."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from gradquiz.content.formats.markup import MEDIA_PREFIX
from gradquiz.content.formats.report import BankQuestion
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


@dataclass
class FolderChanges:
    """What writing an import into a folder did, by question id."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"{len(self.new)} new, {len(self.changed)} changed (a new version), "
            f"{len(self.unchanged)} unchanged"
        )


def write_question_folder(items: list[BankQuestion], folder: Path) -> FolderChanges:
    """Write each question as `<id>.txt` (its images under `media/`); the same import twice
    changes nothing, and an edited question replaces its file (attempts keep their version)."""
    changes = FolderChanges()
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
        if old == text:
            changes.unchanged.append(item.question.id)
            continue
        (changes.new if old is None else changes.changed).append(item.question.id)
        path.write_text(text, encoding="utf-8")
    return changes

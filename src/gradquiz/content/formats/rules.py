"""What a reader found, made questions: ids, topic, difficulty and `gradquiz check`'s rules."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from gradquiz.content.formats.markup import escape_markdown, unescape_markdown
from gradquiz.content.formats.report import BankQuestion, ImportReport, MediaFile, Refused, Skipped
from gradquiz.content.question_file import ALL_OF_THE_ABOVE, MAX_OPTIONS, key_stands_out
from gradquiz.core.questions import Difficulty, Option, Question

# True/false comes in as a question of two options, so imports take 2 to 5.
MIN_IMPORTED_OPTIONS = 2
DEFAULT_TOPIC = "imported"
REFERENCE_PREFIX = "Reference: "
_ID_WORDS = 8
_ID_LENGTH = 60
OPTION_IDS = "abcde"
NO_KEY = "no right answer"


@dataclass
class DraftOption:
    """One answer as read: its text, its feedback and whether it is the right one."""

    text: str
    feedback: str = ""
    correct: bool = False


@dataclass
class Draft:
    """A multiple-choice question as a reader found it, before the rules are applied.

    Texts are Markdown already; `faults` holds rules the reader saw broken (partial credit,
    an image that is not one), which refuse the question like any other rule.
    """

    where: str
    title: str
    stem: str
    options: list[DraftOption]
    explanation: str = ""
    topic: str = ""
    difficulty: str = ""
    reference: str = ""
    shuffle: bool = True
    files: tuple[MediaFile, ...] = ()
    faults: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The title, or the stem's first words."""
        return self.title or " ".join(self.stem.split()[:_ID_WORDS])


@dataclass(frozen=True)
class Defaults:
    """What an import uses where the file says nothing: `--topic` and `--difficulty`."""

    topic: str | None = None
    difficulty: Difficulty = Difficulty.MEDIUM


def slug(text: str) -> str:
    """Lower-case ASCII words joined by '-', as question ids and topics are."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    joined = "-".join(words)[:_ID_LENGTH].strip("-")
    return joined or "question"


def with_reference(explanation: str, reference: str) -> str:
    """The explanation with the reference as its last paragraph, as general feedback carries it."""
    if not reference:
        return explanation
    paragraph = REFERENCE_PREFIX + escape_markdown(reference)
    return f"{explanation}\n\n{paragraph}" if explanation else paragraph


def split_reference(text: str) -> tuple[str, str]:
    """General feedback as (explanation, reference), from a last paragraph 'Reference: …'."""
    head, _, last = text.rpartition("\n\n")
    if last.startswith(REFERENCE_PREFIX) and "\n" not in last:
        return head.strip(), unescape_markdown(last.removeprefix(REFERENCE_PREFIX)).strip()
    return text.strip(), ""


def topic_and_difficulty(category: str) -> tuple[str, str]:
    """A Moodle category path as (topic, difficulty): '…/chain-rule/hard' gives both."""
    parts = [p.strip() for p in category.split("/") if p.strip()]
    parts = [p for p in parts if not (p.startswith("$") and p.endswith("$")) and p != "top"]
    difficulty = ""
    if parts and parts[-1].lower() in {d.value for d in Difficulty}:
        difficulty = parts.pop().lower()
    return (slug(parts[-1]) if parts else ""), difficulty


def category_path(pack_id: str, question: Question) -> str:
    """The Moodle category an export files a question under: …/pack/topic/difficulty."""
    return f"$course$/top/{pack_id}/{question.topic}/{question.difficulty.value}"


def accept(
    found: Iterable[Draft | Skipped | Refused],
    report: ImportReport,
    defaults: Defaults = Defaults(),
) -> ImportReport:
    """Apply the rules to each draft: a question is imported whole, or refused whole (a
    reader refuses what it could not read as a question at all)."""
    taken: set[str] = set()
    for item in found:
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        if isinstance(item, Refused):
            report.refused.append(item)
            continue
        # A reader's own fault (a key letter that names no option) says why there is no key.
        broken = rule_faults(item)
        faults = item.faults + [f for f in broken if not (item.faults and f == NO_KEY)]
        difficulty = _difficulty(item, defaults, faults)
        if faults or difficulty is None:
            report.refused.append(Refused(item.name, item.where, "; ".join(faults)))
            continue
        question_id = _unique(slug(item.name), taken)
        report.imported.append(
            BankQuestion(_question(item, question_id, difficulty, defaults), item.files, item.where)
        )
    return report


def rule_faults(draft: Draft) -> list[str]:
    """Every rule of `gradquiz check` a multiple-choice question breaks, one line each."""
    faults = []
    if not draft.stem.strip():
        faults.append("the question text is empty")
    count = len(draft.options)
    if not MIN_IMPORTED_OPTIONS <= count <= MAX_OPTIONS:
        faults.append(f"{count} options; a question needs {MIN_IMPORTED_OPTIONS} to {MAX_OPTIONS}")
    seen: dict[str, int] = {}
    for number, option in enumerate(draft.options, start=1):
        text = " ".join(option.text.lower().split())
        if not text:
            faults.append(f"option {number} is empty")
        elif text in seen:
            faults.append(f"options {seen[text]} and {number} read the same")
        else:
            seen[text] = number
        if ALL_OF_THE_ABOVE.search(option.text):
            faults.append(f"option {number} uses an 'all/none of the above' form")
    right = [n for n, option in enumerate(draft.options) if option.correct]
    if len(right) != 1:
        faults.append(NO_KEY if not right else f"{len(right)} right answers; one is needed")
    elif count > 1 and key_stands_out(
        str(right[0]), {str(n): o.text for n, o in enumerate(draft.options)}
    ):
        faults.append("the right answer is much longer than the others (a cue)")
    return faults


def _difficulty(draft: Draft, defaults: Defaults, faults: list[str]) -> Difficulty | None:
    if not draft.difficulty:
        return defaults.difficulty
    try:
        return Difficulty(draft.difficulty.strip().lower())
    except ValueError:
        choices = ", ".join(d.value for d in Difficulty)
        faults.append(f"difficulty {draft.difficulty!r} is not one of: {choices}")
        return None


def _question(
    draft: Draft, question_id: str, difficulty: Difficulty, defaults: Defaults
) -> Question:
    options = tuple(
        Option(id=OPTION_IDS[n], text=o.text.strip(), feedback=o.feedback.strip())
        for n, o in enumerate(draft.options)
    )
    key = next(OPTION_IDS[n] for n, o in enumerate(draft.options) if o.correct)
    return Question(
        id=question_id,
        topic=slug(draft.topic) if draft.topic else (defaults.topic or DEFAULT_TOPIC),
        difficulty=difficulty,
        stem=draft.stem.strip(),
        options=options,
        key=key,
        explanation=draft.explanation.strip(),
        reference=draft.reference.strip(),
        shuffle=draft.shuffle,
    )


def _unique(base: str, taken: set[str]) -> str:
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate

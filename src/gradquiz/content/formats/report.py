"""What an import found: questions taken, types skipped and questions refused, with places."""

from dataclasses import dataclass, field

from gradquiz.core.questions import Question
from gradquiz.errors import InvalidInput


class FileRefused(InvalidInput):
    """The whole file cannot be read: wrong format, wrong encoding, too large, unsafe."""


@dataclass(frozen=True)
class MediaFile:
    """An image a question shows, kept as bytes; its Markdown names it `media/<name>`."""

    name: str
    mime: str
    data: bytes


@dataclass(frozen=True)
class BankQuestion:
    """A question as the formats carry it: the question, its images, and where it was read."""

    question: Question
    files: tuple[MediaFile, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class LeftOut:
    """A question an import does not keep, named and located, and why (its type or a rule)."""

    name: str
    where: str
    why: str


class Skipped(LeftOut):
    """A question of a type gradquiz cannot run (matching, essay, …)."""

    @property
    def kind(self) -> str:
        """The question's type."""
        return self.why

    def __str__(self) -> str:
        return f"{self.where}: skipped {self.why} question {self.name!r}"


class Refused(LeftOut):
    """A multiple-choice question that breaks a rule; nothing of it is kept."""

    @property
    def rule(self) -> str:
        """The rule it breaks."""
        return self.why

    def __str__(self) -> str:
        return f"{self.where}: refused {self.name!r}: {self.why}"


@dataclass(kw_only=True)
class Changes:
    """What storing an import did (into a bank or a folder), by question id: new, changed (a
    new version) or unchanged."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def note(self, question_id: str, old: object, new: object) -> bool:
        """File the question by what was kept (`old`, None if nothing) and what comes now;
        whether it must be written."""
        if old == new:
            self.unchanged.append(question_id)
            return False
        (self.new if old is None else self.changed).append(question_id)
        return True

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"{len(self.new)} new, {len(self.changed)} changed (a new version), "
            f"{len(self.unchanged)} unchanged"
        )


@dataclass
class ImportReport:
    """Everything one import found, in file order, and the counts at the end."""

    format: str
    imported: list[BankQuestion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    @property
    def questions(self) -> list[Question]:
        """The accepted questions."""
        return [item.question for item in self.imported]

    def skipped_by_kind(self) -> dict[str, int]:
        """How many questions of each skipped type."""
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return dict(sorted(counts.items()))

    def summary(self) -> str:
        """One line: imported, skipped by type, refused by rule."""
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.skipped_by_kind().items())
        skipped = f"{len(self.skipped)} skipped" + (f" ({kinds})" if kinds else "")
        return f"{len(self.imported)} imported, {skipped}, {len(self.refused)} refused"

    def lines(self) -> list[str]:
        """Each skipped and refused question, one line each, then the summary."""
        return (
            [str(item) for item in self.skipped]
            + [str(item) for item in self.refused]
            + [self.summary()]
        )

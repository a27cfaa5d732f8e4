"""Questions and their options, as data."""

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from gradquiz.errors import InvalidInput

if TYPE_CHECKING:
    from gradquiz.core.variants import VariantSource


class Difficulty(StrEnum):
    """How hard a question is; the exam blueprint counts questions per difficulty."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True)
class Option:
    """One answer option; `feedback` says why choosing it is right or wrong.

    `value` is the number a numeric option stands for (set by the generator toolkit, never
    typed by hand), so a learner may type the number instead of choosing the option.
    """

    id: str
    text: str
    feedback: str = ""
    value: float | None = None


@dataclass(frozen=True)
class LabLink:
    """A graph of the backprop lab and the numbers to open it with (a question's own)."""

    graph: str
    values: tuple[tuple[str, float | str], ...]


@dataclass(frozen=True)
class Question:
    """A single-best-answer question: Markdown stem, options, key, explanation, reference.

    A parametrized question has a `generator` instead of fixed text: `resolve(seed)` turns it
    into the static question that one attempt shows.
    """

    id: str
    topic: str
    difficulty: Difficulty
    stem: str
    options: tuple[Option, ...]
    key: str
    explanation: str
    reference: str
    shuffle: bool = True
    generator: "VariantSource | None" = None
    excludes: frozenset[str] = frozenset()
    lab: LabLink | None = None

    @property
    def parametrized(self) -> bool:
        """Whether the numbers are drawn per attempt."""
        return self.generator is not None

    def resolve(self, seed: int | None) -> "Question":
        """The question as shown for `seed`: itself when static, else the seed's variant."""
        if self.generator is None:
            return self
        if seed is None:
            raise InvalidInput(f"Question '{self.id}' is parametrized and needs a seed.")
        variant = self.generator(seed)
        return replace(
            self,
            stem=variant.stem,
            options=variant.options,
            key=variant.key,
            explanation=variant.explanation,
            generator=None,
            lab=variant.lab,
        )

    def option(self, option_id: str) -> Option:
        """Return the option with this id, or raise InvalidInput."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise InvalidInput(f"Question '{self.id}' has no option '{option_id}'.")

    @property
    def numeric(self) -> bool:
        """Whether every option carries the number it stands for."""
        return all(option.value is not None for option in self.options)

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The option ids in authored order."""
        return tuple(option.id for option in self.options)

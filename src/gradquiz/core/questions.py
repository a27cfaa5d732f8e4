"""Questions and their options, as data."""

from dataclasses import dataclass
from enum import StrEnum

from gradquiz.errors import InvalidInput


class Difficulty(StrEnum):
    """How hard a question is; the exam blueprint counts questions per difficulty."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True)
class Option:
    """One answer option; `feedback` says why choosing it is right or wrong."""

    id: str
    text: str
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    """A single-best-answer question: Markdown stem, options, key, explanation, reference."""

    id: str
    topic: str
    difficulty: Difficulty
    stem: str
    options: tuple[Option, ...]
    key: str
    explanation: str
    reference: str
    shuffle: bool = True

    def option(self, option_id: str) -> Option:
        """Return the option with this id, or raise InvalidInput."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise InvalidInput(f"Question '{self.id}' has no option '{option_id}'.")

    @property
    def option_ids(self) -> tuple[str, ...]:
        """The option ids in authored order."""
        return tuple(option.id for option in self.options)

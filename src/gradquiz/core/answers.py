"""One answered question, from an exam, a practice set or a review: what spaced review and
progress are computed from."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gradquiz.core.questions import Difficulty


class Confidence(StrEnum):
    """How sure the learner said they were, before seeing the feedback."""

    SURE = "sure"
    UNSURE = "unsure"
    GUESSING = "guessing"


class Source(StrEnum):
    """Where an answer was given."""

    EXAM = "exam"
    PRACTICE = "practice"
    REVIEW = "review"


@dataclass(frozen=True)
class AnsweredQuestion:
    """One answer: which question, right or not, how sure, how long it took, and when.

    `seconds` is None where the time spent on the question is not known (in an exam).
    """

    question_id: str
    topic: str
    difficulty: Difficulty
    correct: bool
    answered_at: datetime
    source: Source
    confidence: Confidence | None = None
    seconds: float | None = None

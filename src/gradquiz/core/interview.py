"""Self-assessed interview practice: the learner's answer and the key points they covered."""

from dataclasses import dataclass
from datetime import datetime

from gradquiz.core.packs import InterviewQuestion
from gradquiz.core.text import checked_text
from gradquiz.errors import InvalidInput

MAX_ANSWER_CHARS = 5000


@dataclass(frozen=True)
class InterviewResponse:
    """What one learner wrote for one interview question, and which key points they ticked."""

    question_id: str
    answer: str
    covered: tuple[int, ...]
    saved_at: datetime

    def covered_count(self) -> int:
        """How many key points the learner says their answer made."""
        return len(self.covered)


def checked_answer(text: str) -> str:
    """The learner's answer, trimmed; refused when empty or too long."""
    answer = checked_text(text, field="answer").strip()
    if not answer:
        raise InvalidInput("Write your own answer first; the model answer is shown after it.")
    if len(answer) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            f"Your answer is {len(answer)} characters; keep it under {MAX_ANSWER_CHARS}."
        )
    return answer


def checked_points(question: InterviewQuestion, covered: list[int]) -> tuple[int, ...]:
    """Ticked key-point numbers (0-based), sorted and unique; refused when out of range."""
    for point in covered:
        if not 0 <= point < len(question.key_points):
            raise InvalidInput(
                f"Question '{question.id}' has key points 1 to {len(question.key_points)}."
            )
    return tuple(sorted(set(covered)))

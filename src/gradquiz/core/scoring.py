"""Grading an attempt and breaking the score down by difficulty and topic."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from gradquiz.core.answers import AnsweredQuestion, Source
from gradquiz.core.attempts import Attempt
from gradquiz.core.percentages import whole_percent
from gradquiz.core.questions import Difficulty, Question

K = TypeVar("K")


def grade_answer(question: Question, option_id: str | None) -> bool:
    """Whether `option_id` is the key of `question` (no answer is wrong)."""
    return option_id == question.key


@dataclass(frozen=True)
class Tally:
    """Correct out of total for one group of questions."""

    correct: int
    total: int

    @property
    def percent(self) -> int:
        """Share correct as a whole percentage, halves up (0 when the group is empty)."""
        return whole_percent(self.correct, self.total)


@dataclass(frozen=True)
class Outcome:
    """How the learner did on one question."""

    question: Question
    chosen: str | None
    correct: bool


@dataclass(frozen=True)
class Result:
    """A graded attempt."""

    outcomes: tuple[Outcome, ...]
    by_difficulty: Mapping[Difficulty, Tally]
    by_topic: Mapping[str, Tally]

    @property
    def score(self) -> Tally:
        """Overall correct out of total."""
        correct = sum(1 for o in self.outcomes if o.correct)
        return Tally(correct=correct, total=len(self.outcomes))


def grade_attempt(attempt: Attempt, shown: Sequence[Question]) -> Result:
    """Grade every question of the attempt as it was shown, one mark each, no negative marking."""
    outcomes = []
    for slot, question in zip(attempt.slots, shown, strict=True):
        chosen = attempt.chosen(slot.question_id)
        outcomes.append(Outcome(question, chosen, grade_answer(question, chosen)))
    return Result(
        outcomes=tuple(outcomes),
        by_difficulty=_tally(outcomes, lambda o: o.question.difficulty),
        by_topic=_tally(outcomes, lambda o: o.question.topic),
    )


def exam_answers(attempt: Attempt, result: Result) -> list[AnsweredQuestion]:
    """A submitted attempt's answers as spaced review counts them, at the time of submission.

    A question left unanswered is not an answer, and one the bank no longer holds in the
    version shown has nothing to review, so both are left out.
    """
    if attempt.submitted_at is None:
        raise ValueError(f"attempt {attempt.id} has not been submitted")
    return [
        AnsweredQuestion(
            question_id=outcome.question.id,
            topic=outcome.question.topic,
            difficulty=outcome.question.difficulty,
            correct=outcome.correct,
            answered_at=attempt.submitted_at,
            source=Source.EXAM,
        )
        for outcome in result.outcomes
        if outcome.chosen is not None and outcome.question.key
    ]


def _tally(outcomes: list[Outcome], group: Callable[[Outcome], K]) -> dict[K, Tally]:
    totals: dict[K, list[int]] = {}
    for outcome in outcomes:
        counts = totals.setdefault(group(outcome), [0, 0])
        counts[0] += outcome.correct
        counts[1] += 1
    return {k: Tally(correct=c, total=t) for k, (c, t) in totals.items()}

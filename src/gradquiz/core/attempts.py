"""An exam attempt: start, answer, submit. Every method takes `now`; none reads a clock."""

import random
import string
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from gradquiz.core.blueprint import draw_questions
from gradquiz.core.packs import Pack
from gradquiz.core.question_versions import version_of
from gradquiz.core.questions import Question
from gradquiz.core.timer import accepts_saves, deadline_for, is_overdue
from gradquiz.errors import AttemptClosed, InvalidInput, NotFound

LETTERS = string.ascii_uppercase
# A save refused because time ran out is kept as late (services/exam.py), and the result
# lists it, so the learner is told it was not counted rather than that it vanished.
TIME_UP = (
    "Time is up for this attempt: this answer did not count. It is kept as a late answer,"
    " and your result lists it."
)


class SubmitReason(StrEnum):
    """Who ended the attempt: the learner, the deadline, the learner starting afresh, or the
    instructor closing the class exam early."""

    LEARNER = "learner"
    DEADLINE = "deadline"
    ABANDONED = "abandoned"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Slot:
    """One question of an attempt, with its options in the order this learner sees them."""

    question_id: str
    option_order: tuple[str, ...]
    seed: int | None = None
    version: str | None = None  # digest of the question as shown; None in older attempts

    def letter_of(self, option_id: str | None) -> str | None:
        """The letter the learner sees for `option_id` (A for the first option shown)."""
        return None if option_id is None else LETTERS[self.option_order.index(option_id)]

    def option_for_letter(self, letter: str | None) -> str | None:
        """The option behind the letter the learner chose; None or "" clears the choice."""
        if not letter:
            return None
        position = LETTERS.find(letter.strip().upper()) if len(letter.strip()) == 1 else -1
        if not 0 <= position < len(self.option_order):
            choices = ", ".join(LETTERS[: len(self.option_order)])
            raise InvalidInput(f"'{letter}' is not an option of this question (choose {choices}).")
        return self.option_order[position]


@dataclass(frozen=True)
class Answer:
    """What the learner has saved for one question. `option_id` None means no choice yet.

    `seq` orders the saves of one question: the page numbers each change it sends, so a
    save that arrives after a later one (a slow request overtaken by a fast one) is dropped.
    """

    option_id: str | None
    marked: bool
    saved_at: datetime
    seq: int = 0


@dataclass(frozen=True)
class Saved:
    """The answer an attempt holds after a save, and whether this save is the one it holds."""

    answer: Answer
    applied: bool


def slot_at(slots: Sequence[Slot], number: int) -> Slot:
    """The slot at 1-based position `number` of an attempt's slots, or raise NotFound."""
    if not 1 <= number <= len(slots):
        raise NotFound(f"This attempt has questions 1 to {len(slots)}.")
    return slots[number - 1]


@dataclass
class Attempt:
    """One learner's sitting of an exam."""

    id: str
    owner: str
    pack_id: str
    started_at: datetime
    deadline: datetime
    slots: tuple[Slot, ...]
    answers: dict[str, Answer] = field(default_factory=dict)
    submitted_at: datetime | None = None
    submitted_by: SubmitReason | None = None
    class_exam_id: str | None = None  # set when the attempt is a sitting of a class exam

    @property
    def is_submitted(self) -> bool:
        """Whether the attempt has ended."""
        return self.submitted_at is not None

    def slot_at(self, number: int) -> Slot:
        """The slot at 1-based position `number`, or raise NotFound."""
        return slot_at(self.slots, number)

    def slot(self, question_id: str) -> Slot:
        """The slot for `question_id`, or raise InvalidInput."""
        for slot in self.slots:
            if slot.question_id == question_id:
                return slot
        raise InvalidInput(f"Question '{question_id}' is not part of this attempt.")

    def chosen(self, question_id: str) -> str | None:
        """The option the learner has chosen for `question_id`, if any."""
        answer = self.answers.get(question_id)
        return answer.option_id if answer else None

    def record_answer(
        self,
        question_id: str,
        option_id: str | None,
        marked: bool,
        *,
        now: datetime,
        grace: timedelta,
        seq: int | None = None,
    ) -> Saved:
        """Save a choice (or clear it with None) and the review mark; refused once closed.

        A save numbered below the one already held is older than it and changes nothing, and
        so does the held save sent again (the same number, option and mark: a device that
        never heard the reply sends it once more); one without a number counts as the newest.
        """
        if self.submitted_by is SubmitReason.CLOSED:
            raise AttemptClosed(
                "Your instructor has closed the exam: it was submitted with the answers saved"
                " before, and this one did not count (it is kept as a late answer)."
            )
        if self.submitted_by in (SubmitReason.LEARNER, SubmitReason.ABANDONED):
            raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
        if self.is_submitted or not accepts_saves(self.deadline, now, grace):
            raise AttemptClosed(TIME_UP)
        slot = self.slot(question_id)
        if option_id is not None and option_id not in slot.option_order:
            raise InvalidInput(f"Question '{question_id}' has no option '{option_id}'.")
        held = self.answers.get(question_id)
        held_seq = held.seq if held else 0
        if held is not None and seq is not None and seq < held_seq:
            return Saved(held, applied=False)
        sent_again = (seq, option_id, marked)
        if held is not None and (held.seq, held.option_id, held.marked) == sent_again:
            return Saved(held, applied=False)
        answer = Answer(
            option_id=option_id,
            marked=marked,
            saved_at=now,
            seq=held_seq + 1 if seq is None else seq,
        )
        self.answers[question_id] = answer
        return Saved(answer, applied=True)

    def submit(
        self, *, now: datetime, grace: timedelta, reason: SubmitReason = SubmitReason.LEARNER
    ) -> None:
        """End the attempt at the learner's request (or at the deadline if it has passed)."""
        if self.is_submitted:
            raise AttemptClosed("This attempt has already been submitted.")
        if self.settle(now=now, grace=grace):
            return
        self.submitted_at = now
        self.submitted_by = reason

    def settle(self, *, now: datetime, grace: timedelta) -> bool:
        """Submit an overdue attempt with what was saved; return whether it did."""
        if self.is_submitted or not is_overdue(self.deadline, now, grace):
            return False
        self.submitted_at = self.deadline
        self.submitted_by = SubmitReason.DEADLINE
        return True

    def unanswered(self) -> list[str]:
        """Question ids with no chosen option, in exam order."""
        return [s.question_id for s in self.slots if self.chosen(s.question_id) is None]


def slot_for(question: Question, rng: random.Random) -> Slot:
    """The question as one learner sees it: numbers drawn if it is parametrized, options
    shuffled unless their order is numeric."""
    seed = question.generator.choose_seed(rng) if question.generator is not None else None
    shown = question.resolve(seed)
    order = list(shown.option_ids)
    if question.shuffle:
        rng.shuffle(order)
    return Slot(
        question_id=question.id, option_order=tuple(order), seed=seed, version=version_of(shown)
    )


def start_attempt(
    *,
    attempt_id: str,
    owner: str,
    pack: Pack,
    rng: random.Random,
    now: datetime,
    seen: Collection[str] = frozenset(),
    held: Collection[str] = frozenset(),
) -> Attempt:
    """Draw the questions (unseen ones first, none of those `held` back) and shuffle their
    options, starting at `now`."""
    bank = [q for q in pack.questions.values() if q.id not in held]
    questions = draw_questions(bank, pack.blueprint, rng, seen)
    return sit_questions(
        attempt_id=attempt_id,
        owner=owner,
        pack=pack,
        questions=questions,
        rng=rng,
        now=now,
        deadline=deadline_for(now, pack.minutes),
    )


def sit_questions(
    *,
    attempt_id: str,
    owner: str,
    pack: Pack,
    questions: Sequence[Question],
    rng: random.Random,
    now: datetime,
    deadline: datetime,
    class_exam_id: str | None = None,
) -> Attempt:
    """An attempt at the given questions, options shuffled and numbers drawn for this learner."""
    return Attempt(
        id=attempt_id,
        owner=owner,
        pack_id=pack.id,
        started_at=now,
        deadline=deadline,
        slots=tuple(slot_for(question, rng) for question in questions),
        class_exam_id=class_exam_id,
    )

"""Practice sets: questions drawn by topic and difficulty, answered one at a time, untimed,
with feedback at once. A typed number counts as the option whose value it matches."""

import math
import random
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.core.attempts import Slot
from gradquiz.core.option_spacing import spacing_problems, within_tolerance
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.core.scoring import Tally
from gradquiz.errors import InvalidInput, NotFound

# "Try another like it" adds a question per miss; a set stops growing here.
MAX_ITEMS = 200
# ... and at most this many of any one question, so a set of 10 stays about the 10 chosen
# (one miss after another of the same generated question once grew a set of 10 to 23).
LIKE_IT_PER_QUESTION = 1


class SessionKind(StrEnum):
    """What a set was made from: chosen topics, one exam's misses, or the cards due."""

    PRACTICE = "practice"
    MISSED = "missed"
    REVIEW = "review"

    @property
    def source(self) -> Source:
        """Where its answers count as given."""
        return Source.REVIEW if self is SessionKind.REVIEW else Source.PRACTICE


def matching(
    questions: Iterable[Question], topics: Collection[str], difficulties: Collection[Difficulty]
) -> list[Question]:
    """The questions of the chosen topics and difficulties, held back or not."""
    return [q for q in questions if q.topic in topics and q.difficulty in difficulties]


def draw_practice(
    questions: Iterable[Question],
    *,
    topics: Collection[str],
    difficulties: Collection[Difficulty],
    count: int | None,
    rng: random.Random,
    answered: Collection[str] = frozenset(),
    held: Collection[str] = frozenset(),
) -> list[Question]:
    """Up to `count` (None: all) questions of the chosen topics and difficulties, none of those
    `held` back, in random order with those the learner has never answered first."""
    chosen = [q for q in matching(questions, topics, difficulties) if q.id not in held]
    rng.shuffle(chosen)
    chosen.sort(key=lambda q: q.id in answered)  # stable: the shuffle holds within each group
    return chosen[:count] if count else chosen


@dataclass(frozen=True)
class Marking:
    """How an answer is marked: the option it counts as (chosen, or matched by a typed
    number; None when a typed number matches none), the number typed, and right or wrong."""

    option_id: str | None
    typed: float | None
    correct: bool


def mark_choice(question: Question, option_id: str) -> Marking:
    """A chosen option: right when it is the key."""
    question.option(option_id)
    return Marking(option_id, None, option_id == question.key)


def takes_typed(question: Question) -> bool:
    """Whether a number may be typed for `question`: its options are numbers, OPTION_SPACING
    apart (exact and as shown), so a number is within TYPED_TOLERANCE of one of them at most.
    Every generator keeps them so; a set made by older code may hold one that does not."""
    return question.numeric and not spacing_problems(question.options)


def mark_typed(question: Question, value: float) -> Marking:
    """A typed number: it counts as the option within TYPED_TOLERANCE (relative) of it, exactly
    1 % off included, so it is right near the key and gets a distractor's feedback near that
    distractor; near none, it is wrong."""
    if not question.numeric:
        # Its options may well look like numbers ("$-2.99$"): a written question's options carry
        # no values to match a typed number against, so it takes a choice only.
        raise InvalidInput("This question takes no typed number: choose one of its options.")
    if not takes_typed(question):
        raise InvalidInput("This question's options are too close together to type: choose one.")
    near = [
        option.id
        for option in question.options
        if option.value is not None and within_tolerance(value, option.value)
    ]
    matched = near[0] if near else None
    return Marking(matched, value, matched == question.key)


# Distances to two options this close, relatively, are equal (see `nearest_options`).
TIE = Decimal("1e-9")


def nearest_options(question: Question, value: float) -> tuple[Option, ...]:
    """The numeric options whose exact values are nearest `value` on the number line, so that
    a number near no option can be told which one it missed and by how much: one, or every
    one equally near (0 is as near −k as +k; naming the first listed named a distractor
    as "the nearest" when the key was as near). The distances are worked out on
    the decimals the floats print as, and two within TIE of each other (relatively) count as
    equal: a midpoint typed to 15 figures is no nearer either, to any figure the page shows.
    (The nearest in relative terms named the largest option for a number of the wrong
    sign.)"""
    numbers = _numeric_options(question)
    if not numbers or not math.isfinite(value):
        return ()
    typed = Decimal(repr(value))
    distance = {o.id: abs(typed - Decimal(repr(float(o.value or 0.0)))) for o in numbers}
    least = min(distance.values())
    return tuple(o for o in numbers if distance[o.id] - least <= TIE * least)


def sign_flipped_option(question: Question, value: float) -> Option | None:
    """The numeric option that `value` matches, by the 1 % rule, but for its sign: only the
    sign differs from it. None where no nonzero option's negative is that near."""
    if not math.isfinite(value):
        return None
    return next(
        (
            o
            for o in _numeric_options(question)
            if o.value and within_tolerance(value, -float(o.value))
        ),
        None,
    )


def _numeric_options(question: Question) -> list[Option]:
    return [o for o in question.options if o.value is not None and math.isfinite(o.value)]


@dataclass(frozen=True)
class ItemAnswer:
    """The learner's answer to one question of a set."""

    option_id: str | None
    typed: float | None
    confidence: Confidence | None
    correct: bool
    answered_at: datetime


@dataclass
class PracticeItem:
    """One question of a set, as shown (`slot`), and the answer once given."""

    number: int
    slot: Slot
    presented_at: datetime | None = None
    answer: ItemAnswer | None = None


@dataclass
class PracticeSession:
    """One practice or review set: its questions in order and the answers so far."""

    id: str
    owner: str
    pack_id: str
    kind: SessionKind
    started_at: datetime
    items: list[PracticeItem] = field(default_factory=list)
    source_attempt: str | None = None

    def item(self, number: int) -> PracticeItem:
        """The item at 1-based `number`, or NotFound."""
        if not 1 <= number <= len(self.items):
            raise NotFound(f"This set has questions 1 to {len(self.items)}.")
        return self.items[number - 1]

    @property
    def current(self) -> PracticeItem | None:
        """The first question not answered yet; None once the set is done."""
        return next((item for item in self.items if item.answer is None), None)

    @property
    def score(self) -> Tally:
        """Right out of answered."""
        answered = [item.answer for item in self.items if item.answer is not None]
        return Tally(sum(a.correct for a in answered), len(answered))

    def add(self, slot: Slot) -> PracticeItem | None:
        """Put a question at the end of the set (None once it holds MAX_ITEMS)."""
        if len(self.items) >= MAX_ITEMS:
            return None
        item = PracticeItem(number=len(self.items) + 1, slot=slot)
        self.items.append(item)
        return item

    def add_like(self, slot: Slot) -> PracticeItem | None:
        """Put another variant of a question of the set at its end, unless the set holds
        LIKE_IT_PER_QUESTION of them already (None then)."""
        extras = sum(item.slot.question_id == slot.question_id for item in self.items) - 1
        if extras >= LIKE_IT_PER_QUESTION:
            return None
        return self.add(slot)

    @property
    def chosen(self) -> int:
        """How many questions the set was made with, before any "another like it"."""
        return len({item.slot.question_id for item in self.items})

    def like_of(self, number: int) -> int | None:
        """For a question added as another like an earlier one, that one's number."""
        question_id = self.item(number).slot.question_id
        first = next(item.number for item in self.items if item.slot.question_id == question_id)
        return first if first != number else None

    def answer(
        self, number: int, marking: Marking, confidence: Confidence | None, *, now: datetime
    ) -> ItemAnswer:
        """Record the answer to the current question; the others wait their turn."""
        item = self.item(number)
        if item is not self.current:
            raise InvalidInput(
                f"Question {number} was answered already."
                if item.answer
                else f"Answer question {self.current.number if self.current else 1} first."
            )
        item.answer = ItemAnswer(
            marking.option_id, marking.typed, confidence, marking.correct, answered_at=now
        )
        return item.answer


def answered_question(
    item: PracticeItem, question: Question, kind: SessionKind
) -> AnsweredQuestion:
    """An answered item as spaced review and progress count it."""
    answer = item.answer
    if answer is None:
        raise ValueError(f"item {item.number} has no answer yet")
    seconds = (
        (answer.answered_at - item.presented_at).total_seconds() if item.presented_at else None
    )
    return AnsweredQuestion(
        question_id=item.slot.question_id,
        topic=question.topic,
        difficulty=question.difficulty,
        correct=answer.correct,
        answered_at=answer.answered_at,
        source=kind.source,
        confidence=answer.confidence,
        seconds=seconds,
    )

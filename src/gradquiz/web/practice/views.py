"""What practice and review pages show of a set. A question not yet answered carries no
key, feedback or explanation, and nothing names the bank's question: only its number here."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from gradquiz.core.answers import Confidence
from gradquiz.core.option_spacing import OPTION_SPACING, TYPED_TOLERANCE
from gradquiz.core.packs import Pack
from gradquiz.core.practice import (
    PracticeItem,
    PracticeSession,
    SessionKind,
    nearest_options,
    sign_flipped_option,
    takes_typed,
)
from gradquiz.core.questions import Option, Question
from gradquiz.core.scoring import Tally
from gradquiz.web.exam.views import (
    OptionView,
    ReviewedQuestion,
    held_question,
    option_views,
    reviewed_question,
)
from gradquiz.web.rendered import RenderedPack

CONFIDENCE_LEVELS = tuple(level.value for level in Confidence)

TITLES = {
    SessionKind.PRACTICE: "Practice",
    SessionKind.MISSED: "What I missed",
    SessionKind.REVIEW: "Review",
}


@dataclass(frozen=True)
class SetView:
    """The set around one question: its id, title and size."""

    id: str
    kind: str
    title: str
    total: int  # the questions the set was made with, as the learner chose
    answered: int
    size: int = 0  # with those added as "another like it"
    like: tuple[tuple[int, int], ...] = ()  # (added question's number, the one it is like)

    @property
    def url(self) -> str:
        """Where the set continues."""
        return f"/practice/{self.id}"

    @property
    def left(self) -> int:
        """Questions not answered yet, added ones included."""
        return self.size - self.answered

    def place(self, number: int) -> str:
        """Where question `number` stands: "question 3 of 10", or, for one added as another
        like an earlier one, "another like question 3"."""
        like = dict(self.like).get(number)
        if like is not None:
            return f"another like question {like}"
        return f"question {number} of {self.total}"

    def called(self, number: int) -> str:
        """Question `number` in a sentence or a title: "question 3", or, for one added as
        another like an earlier one, "another like question 3" (its place, 19, means
        nothing to a learner who never saw a question 19 in the list)."""
        like = dict(self.like).get(number)
        return f"another like question {like}" if like is not None else f"question {number}"

    def named(self, number: int) -> str:
        """Question `number` as a list names it: "Question 3 of 10", "Another like question 3"."""
        place = self.place(number)
        return place[0].upper() + place[1:]

    @property
    def added(self) -> int:
        """Questions added as "another like" one answered wrong."""
        return len(self.like)


@dataclass(frozen=True)
class PracticeQuestionView:
    """A question waiting for an answer: stem and lettered options, and whether a number
    may be typed instead."""

    number: int
    topic_name: str
    difficulty: str
    stem_html: str
    options: tuple[OptionView, ...]
    takes_typed: bool
    tolerance_percent: float = TYPED_TOLERANCE * 100
    spacing_percent: float = OPTION_SPACING * 100
    # A question that takes a typed number asks for it with the options hidden, so it tests
    # recall, not recognition; `?show=options` is the fallback that shows them instead.
    typed_only: bool = False
    typeable: bool = False


@dataclass(frozen=True)
class AnswerForm:
    """What the learner sent, kept to show again beside the reason it was refused."""

    message: str | None = None
    field: str | None = None  # "option", "typed" or "confidence"
    option: str = ""
    typed: str = ""
    confidence: str = ""


@dataclass(frozen=True)
class FeedbackView:
    """An answered question: the graded question, what was typed, how sure, what comes next."""

    reviewed: ReviewedQuestion
    typed: float | None
    confidence: str | None
    another_like_it: bool
    next_number: int | None
    tolerance_percent: float = TYPED_TOLERANCE * 100
    # A typed number near no option: the nearest options' letters and exact values (the
    # options show three figures; the 1 % is measured from the exact one): one, or every one
    # equally near.
    nearest: tuple[tuple[str, float], ...] = ()
    # A typed number within 1 % of an option's negative: that option (only the sign differs).
    sign_flipped: tuple[str, float] | None = None
    # A typed number within 1 % of an option: that option's exact value, which the 1 % is
    # measured from (the option shows three figures, and may be more than 1 % from it).
    matched_value: float | None = None


def set_view(practice: PracticeSession) -> SetView:
    """The set's title and progress."""
    return SetView(
        id=practice.id,
        kind=practice.kind.value,
        title=TITLES[practice.kind],
        total=practice.chosen,
        answered=practice.score.total,
        size=len(practice.items),
        like=tuple(
            (item.number, like)
            for item in practice.items
            if (like := practice.like_of(item.number)) is not None
        ),
    )


def question_view(
    item: PracticeItem,
    question: Question,
    pack: Pack,
    rendered: RenderedPack,
    *,
    show_options: bool = False,
) -> PracticeQuestionView:
    """The page of a question not answered yet: typed-only for a generated numeric question,
    unless the learner asked for the options (`show_options`)."""
    html = rendered.of(question)
    typeable = item.slot.seed is not None and takes_typed(question)
    return PracticeQuestionView(
        number=item.number,
        topic_name=pack.topic_name(question.topic),
        difficulty=question.difficulty.value,
        stem_html=html.stem,
        options=option_views(item.slot, html.options),
        takes_typed=typeable and not show_options,
        typed_only=typeable and not show_options,
        typeable=typeable,
    )


def refused_field(option: str | None, typed: str | None, confidence: str | None) -> str:
    """Which field of the answer form a refused answer is about, told from what was sent:
    a bad confidence level, else the typed number if one was typed, else the options."""
    if confidence and confidence not in CONFIDENCE_LEVELS:
        return "confidence"
    if (typed or "").strip():
        return "typed"
    return "option"


def feedback_view(
    practice: PracticeSession,
    item: PracticeItem,
    question: Question,
    pack: Pack,
    rendered: RenderedPack,
    held_until: datetime | None = None,
) -> FeedbackView:
    """The page of an answered question (without its key while a class window holds it)."""
    answer = item.answer
    assert answer is not None
    later = practice.items[item.number :]
    reviewed = reviewed_question(item.number, item.slot, question, answer.option_id, pack, rendered)
    return FeedbackView(
        reviewed=reviewed if held_until is None else held_question(reviewed, held_until),
        typed=answer.typed,
        confidence=answer.confidence.value if answer.confidence else None,
        another_like_it=any(
            later_item.slot.question_id == item.slot.question_id for later_item in later
        )
        and not answer.correct,
        next_number=item.number + 1 if later else None,
        nearest=_all_nearest(item, question) if held_until is None else (),
        sign_flipped=(
            _nearest(item, question, sign_flipped_option) if held_until is None else None
        ),
        matched_value=(
            question.option(answer.option_id).value
            if held_until is None and answer.typed is not None and answer.option_id is not None
            else None
        ),
    )


def _nearest(
    item: PracticeItem, question: Question, find: Callable[[Question, float], Option | None]
) -> tuple[str, float] | None:
    """The option `find` names for a typed number that matched none (the nearest, or the one
    it matches but for the sign), as its letter and exact value."""
    answer = item.answer
    if answer is None or answer.typed is None or answer.option_id is not None:
        return None
    option = find(question, answer.typed)
    letter = item.slot.letter_of(option.id) if option else None
    if option is None or option.value is None or letter is None:
        return None
    return letter, option.value


def _all_nearest(item: PracticeItem, question: Question) -> tuple[tuple[str, float], ...]:
    """The options nearest a typed number that matched none, as letters and exact values."""
    answer = item.answer
    if answer is None or answer.typed is None or answer.option_id is not None:
        return ()
    found = []
    for option in nearest_options(question, answer.typed):
        letter = item.slot.letter_of(option.id)
        if letter is not None and option.value is not None:
            found.append((letter, option.value))
    return tuple(found)


@dataclass(frozen=True)
class SummaryRow:
    """One answered question in a set's summary (right or wrong, or None while held back)."""

    number: int
    topic_name: str
    correct: bool | None


@dataclass(frozen=True)
class SetSummary:
    """A set's answers as its summary shows them: one row each, and right out of the answers
    it marks, per topic and in all. An answer held back is a row, but in no count."""

    rows: tuple[SummaryRow, ...]
    by_topic: dict[str, Tally]

    @property
    def score(self) -> Tally:
        """Right out of the answers marked right or wrong here (none of those held back)."""
        marked = [row.correct for row in self.rows if row.correct is not None]
        return Tally(sum(marked), len(marked))

    @property
    def held(self) -> int:
        """Answers held back while a class exam that asks their questions is open."""
        return sum(row.correct is None for row in self.rows)


def set_summary(
    practice: PracticeSession,
    question_of: Callable[[int], Question],
    pack: Pack,
    held: Collection[str] = (),
) -> SetSummary:
    """Each answered question, right or wrong (not said, nor counted, of those `held` back),
    and the tally per topic."""
    rows: list[SummaryRow] = []
    by_topic: dict[str, Tally] = {}
    for item in practice.items:
        if item.answer is None:
            continue
        topic = pack.topic_name(question_of(item.number).topic)
        if item.slot.question_id in held:
            rows.append(SummaryRow(item.number, topic, None))
            continue
        correct = item.answer.correct
        rows.append(SummaryRow(item.number, topic, correct))
        tally = by_topic.get(topic, Tally(0, 0))
        by_topic[topic] = Tally(tally.correct + correct, tally.total + 1)
    return SetSummary(tuple(rows), by_topic)

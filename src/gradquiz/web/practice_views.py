"""What practice and review pages show of a set. A question not yet answered carries no
key, feedback or explanation, and nothing names the bank's question: only its number here."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from gradquiz.core.option_spacing import OPTION_SPACING, TYPED_TOLERANCE
from gradquiz.core.packs import Pack
from gradquiz.core.practice import PracticeItem, PracticeSession, SessionKind, takes_typed
from gradquiz.core.questions import Question
from gradquiz.core.scoring import Tally
from gradquiz.web.rendered import RenderedPack
from gradquiz.web.views import (
    OptionView,
    ReviewedQuestion,
    held_question,
    option_views,
    reviewed_question,
)

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
    total: int
    answered: int

    @property
    def url(self) -> str:
        """Where the set continues."""
        return f"/practice/{self.id}"


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


@dataclass(frozen=True)
class FeedbackView:
    """An answered question: the graded question, what was typed, how sure, what comes next."""

    reviewed: ReviewedQuestion
    typed: float | None
    confidence: str | None
    another_like_it: bool
    next_number: int | None
    tolerance_percent: float = TYPED_TOLERANCE * 100


def set_view(practice: PracticeSession) -> SetView:
    """The set's title and progress."""
    return SetView(
        id=practice.id,
        kind=practice.kind.value,
        title=TITLES[practice.kind],
        total=len(practice.items),
        answered=practice.score.total,
    )


def question_view(
    item: PracticeItem, question: Question, pack: Pack, rendered: RenderedPack
) -> PracticeQuestionView:
    """The page of a question not answered yet."""
    html = rendered.of(question)
    return PracticeQuestionView(
        number=item.number,
        topic_name=pack.topic_name(question.topic),
        difficulty=question.difficulty.value,
        stem_html=html.stem,
        options=option_views(item.slot, html.options),
        takes_typed=item.slot.seed is not None and takes_typed(question),
    )


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
    )


@dataclass(frozen=True)
class SummaryRow:
    """One answered question in a set's summary (right or wrong, or None while held back)."""

    number: int
    topic_name: str
    correct: bool | None


def summary_rows(
    practice: PracticeSession,
    question_of: Callable[[int], Question],
    pack: Pack,
    held: Collection[str] = (),
) -> tuple[list[SummaryRow], dict[str, Tally]]:
    """Each answered question, right or wrong (not said of those `held` back), and the tally
    per topic."""
    rows: list[SummaryRow] = []
    by_topic: dict[str, Tally] = {}
    for item in practice.items:
        if item.answer is None:
            continue
        topic = pack.topic_name(question_of(item.number).topic)
        correct = item.answer.correct
        rows.append(
            SummaryRow(item.number, topic, None if item.slot.question_id in held else correct)
        )
        tally = by_topic.get(topic, Tally(0, 0))
        by_topic[topic] = Tally(tally.correct + correct, tally.total + 1)
    return rows, by_topic

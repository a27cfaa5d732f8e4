"""What pages and the API show of an attempt. An open attempt carries no key or feedback."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, lru_cache
from types import MappingProxyType

from gradquiz.content.preview import first_words
from gradquiz.core.attempts import LETTERS, Attempt, Slot
from gradquiz.core.late_answers import LateAnswer, last_per_question
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty, Question
from gradquiz.core.scoring import Result, Tally, grade_answer
from gradquiz.core.timer import remaining
from gradquiz.services.lab import lab_link_url
from gradquiz.web.rendered import RenderedPack, RenderedQuestion


@dataclass(frozen=True)
class OptionView:
    """An option as the learner sees it: a letter for its position, and its text."""

    label: str
    html: str


@dataclass(frozen=True)
class ShownDetails:
    """What a question view shows of its question: topic, difficulty and rendered text."""

    topic: str
    topic_name: str
    difficulty: str
    html: RenderedQuestion


@dataclass(frozen=True)
class QuestionView:
    """One question of an open attempt, without anything that gives the answer away.

    It is known by its number in this attempt only: nothing names the bank's question.
    `next_seq` is the number the page gives its next save, so a save overtaken by a later
    one can be recognised and dropped.
    """

    number: int
    slot: Slot = field(repr=False)
    # A question page shows one question; the palette needs only the others' numbers and
    # answers. So the question as shown (a generated variant is drawn again from its seed
    # once it falls out of the caches) is looked up, and its text rendered, only when a
    # page or the API reads its topic, difficulty or text.
    details: Callable[[], ShownDetails] = field(repr=False)
    chosen: str | None
    marked: bool
    next_seq: int

    @cached_property
    def _shown(self) -> ShownDetails:
        return self.details()

    @property
    def topic(self) -> str:
        """The topic's id."""
        return self._shown.topic

    @property
    def topic_name(self) -> str:
        """The topic's name."""
        return self._shown.topic_name

    @property
    def difficulty(self) -> str:
        """'easy', 'medium' or 'hard'."""
        return self._shown.difficulty

    @property
    def stem_html(self) -> str:
        """The stem as HTML."""
        return self._shown.html.stem

    @property
    def options(self) -> tuple[OptionView, ...]:
        """The options in this learner's order, lettered A, B, C…"""
        return option_views(self.slot, self._shown.html.options)

    @property
    def preview_html(self) -> str:
        """The stem's opening words, for the review list."""
        return first_words(self.stem_html)

    @property
    def state(self) -> str:
        """'answered' or 'unanswered', for the palette."""
        return "answered" if self.chosen else "unanswered"


@dataclass(frozen=True)
class AttemptView:
    """An open attempt as shown to its learner."""

    id: str
    started_at: datetime
    deadline: datetime
    remaining_seconds: int
    submitted: bool
    questions: tuple[QuestionView, ...]

    @property
    def answered(self) -> int:
        """How many questions have a chosen option."""
        return sum(1 for q in self.questions if q.chosen)

    @property
    def marked(self) -> int:
        """How many questions are marked for review."""
        return sum(1 for q in self.questions if q.marked)


def option_views(slot: Slot, options_html: dict[str, str]) -> tuple[OptionView, ...]:
    """The options in the order this learner sees them, lettered A, B, C…"""
    return tuple(
        OptionView(label=LETTERS[i], html=options_html[option_id])
        for i, option_id in enumerate(slot.option_order)
    )


def _details_of(
    slot: Slot, shown: Callable[[Slot], Question], pack: Pack, rendered: RenderedPack
) -> Callable[[], ShownDetails]:
    def details() -> ShownDetails:
        question = shown(slot)
        return ShownDetails(
            topic=question.topic,
            topic_name=pack.topic_name(question.topic),
            difficulty=question.difficulty.value,
            html=rendered.of(question),
        )

    return details


def attempt_view(
    attempt: Attempt,
    shown: Callable[[Slot], Question],
    pack: Pack,
    rendered: RenderedPack,
    now: datetime,
) -> AttemptView:
    """Build the learner's view of an attempt; `shown` gives a slot's question as shown."""
    questions = []
    for number, slot in enumerate(attempt.slots, start=1):
        answer = attempt.answers.get(slot.question_id)
        questions.append(
            QuestionView(
                number=number,
                slot=slot,
                details=_details_of(slot, shown, pack, rendered),
                chosen=slot.letter_of(attempt.chosen(slot.question_id)),
                marked=bool(answer and answer.marked),
                next_seq=(answer.seq if answer else 0) + 1,
            )
        )
    return AttemptView(
        id=attempt.id,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        remaining_seconds=int(remaining(attempt.deadline, now).total_seconds()),
        submitted=attempt.is_submitted,
        questions=tuple(questions),
    )


@dataclass(frozen=True)
class ReviewedOption:
    """An option on the result page, with whether it was chosen and whether it is the key."""

    label: str
    html: str
    chosen: bool
    key: bool
    feedback_html: str


@dataclass(frozen=True)
class Citation:
    """One work a reference cites, linked where the pack knows its address."""

    text: str
    url: str | None


@dataclass(frozen=True)
class ReviewedQuestion:
    """A graded question: the learner's choice, the key, feedback and explanation.

    While a class window holds the question back (`held_until`), it shows the stem, the
    options and the choice only: no key, mark, feedback, explanation or lab link.
    """

    number: int
    topic_name: str
    difficulty: str
    stem_html: str
    options: tuple[ReviewedOption, ...]
    chosen: str | None
    key: str
    correct: bool | None
    explanation_html: str
    reference: str
    citations: tuple[Citation, ...]
    lab_url: str | None = None  # the lab graph that works this question, at its numbers
    held_until: datetime | None = None


@dataclass(frozen=True)
class Breakdown:
    """A labelled tally for a bar on the result page."""

    name: str
    tally: Tally


@dataclass(frozen=True)
class LateAnswerView:
    """A question's newest save that reached the server after time ran out: what the device
    held, when the device says it was chosen (unverified), when it arrived, and the letter
    the server held at the deadline, which is what counted."""

    number: int
    chosen: str | None
    marked: bool
    untrusted_device_time: datetime | None
    received_at: datetime
    counted: str | None


@dataclass(frozen=True)
class ResultView:
    """A submitted attempt's result."""

    attempt_id: str
    submitted_by: str
    started_at: datetime
    submitted_at: datetime
    score: Tally
    by_difficulty: tuple[Breakdown, ...]
    by_topic: tuple[Breakdown, ...]
    questions: tuple[ReviewedQuestion, ...]
    # Whether "Practise what I missed" has anything to practise: a private bank's questions
    # (a class exam's) are never practised.
    practisable: bool = True
    late: tuple[LateAnswerView, ...] = ()

    @property
    def counted(self) -> tuple[int, ...]:
        """The numbers of the questions whose answer counted (one held when it was graded)."""
        return tuple(q.number for q in self.questions if q.chosen)


@dataclass(frozen=True)
class LateSummary:
    """Which answers counted and which came late, for a result whose keys are withheld."""

    submitted_at: datetime
    counted: tuple[int, ...]
    late: tuple[LateAnswerView, ...]

    @classmethod
    def of(cls, attempt: Attempt, late: Iterable[LateAnswer]) -> "LateSummary":
        """The summary of a submitted attempt and its late saves."""
        assert attempt.submitted_at is not None
        counted = tuple(
            n for n, slot in enumerate(attempt.slots, 1) if attempt.chosen(slot.question_id)
        )
        return cls(attempt.submitted_at, counted, late_answer_views(attempt, late))


def late_answer_views(attempt: Attempt, late: Iterable[LateAnswer]) -> tuple[LateAnswerView, ...]:
    """Each question's newest late save, in question order, beside the answer that counted."""
    newest = last_per_question(late)
    views = []
    for number, slot in enumerate(attempt.slots, 1):
        answer = newest.get(slot.question_id)
        if answer is None:
            continue
        views.append(
            LateAnswerView(
                number=number,
                chosen=slot.letter_of(answer.option_id),
                marked=answer.marked,
                untrusted_device_time=answer.untrusted_device_time,
                received_at=answer.received_at,
                counted=slot.letter_of(attempt.chosen(slot.question_id)),
            )
        )
    return tuple(views)


def reviewed_question(
    number: int,
    slot: Slot,
    question: Question,
    chosen: str | None,
    pack: Pack,
    rendered: RenderedPack,
) -> ReviewedQuestion:
    """One question as the learner saw it, with their choice, the key, feedback and more."""
    html = rendered.of(question)
    return ReviewedQuestion(
        number=number,
        topic_name=pack.topic_name(question.topic),
        difficulty=question.difficulty.value,
        stem_html=html.stem,
        options=tuple(
            ReviewedOption(
                label=LETTERS[i],
                html=html.options[option_id],
                chosen=option_id == chosen,
                key=option_id == question.key,
                feedback_html=html.feedback[option_id],
            )
            for i, option_id in enumerate(slot.option_order)
        ),
        chosen=slot.letter_of(chosen),
        key=slot.letter_of(question.key if question.key in slot.option_order else None) or "",
        correct=grade_answer(question, chosen),
        explanation_html=html.explanation,
        reference=question.reference,
        citations=tuple(
            Citation(part, pack.source_url(part)) for part in cited_works(question.reference)
        ),
        lab_url=lab_link_url(question.lab) if question.lab else None,
    )


def held_question(reviewed: ReviewedQuestion, until: datetime) -> ReviewedQuestion:
    """The question as a result shows it while a class window holds it back: the stem, the
    options and the choice, and nothing that tells the key."""
    return replace(
        reviewed,
        options=tuple(replace(o, key=False, feedback_html="") for o in reviewed.options),
        key="",
        correct=None,
        explanation_html="",
        reference="",
        citations=(),
        lab_url=None,
        held_until=until,
    )


def result_view(
    attempt: Attempt,
    result: Result,
    pack: Pack,
    rendered: RenderedPack,
    held: Mapping[str, datetime] = MappingProxyType({}),
    late: Iterable[LateAnswer] = (),
) -> ResultView:
    """Build the result page's view of a graded attempt; `held` questions (by id) show no
    key until the time given; `late` saves are listed beside the answers that counted."""
    reviewed = []
    for number, (slot, outcome) in enumerate(zip(attempt.slots, result.outcomes, strict=True), 1):
        shown = reviewed_question(number, slot, outcome.question, outcome.chosen, pack, rendered)
        until = held.get(slot.question_id)
        reviewed.append(shown if until is None else held_question(shown, until))
    assert attempt.submitted_at is not None and attempt.submitted_by is not None
    return ResultView(
        attempt_id=attempt.id,
        submitted_by=attempt.submitted_by.value,
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        score=result.score,
        by_difficulty=tuple(
            Breakdown(d.value.capitalize(), result.by_difficulty[d])
            for d in Difficulty
            if d in result.by_difficulty
        ),
        by_topic=tuple(
            Breakdown(pack.topic_name(t.id), result.by_topic[t.id])
            for t in pack.topics
            if t.id in result.by_topic
        )
        + tuple(  # a private bank's topics, after the pack's
            Breakdown(topic, result.by_topic[topic])
            for topic in sorted(result.by_topic)
            if topic not in {t.id for t in pack.topics}
        ),
        questions=tuple(reviewed),
        practisable=any(
            not outcome.correct and slot.question_id in pack.questions
            for slot, outcome in zip(attempt.slots, result.outcomes, strict=True)
        ),
        late=late_answer_views(attempt, late),
    )


# A bank has a few dozen references, and every result splits fifteen of them.
@lru_cache(maxsize=1024)
def cited_works(reference: str) -> tuple[str, ...]:
    """The works a reference cites: its parts separated by semicolons outside brackets."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(reference):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(reference[start:position].strip())
            start = position + 1
    parts.append(reference[start:].strip())
    return tuple(part for part in parts if part)

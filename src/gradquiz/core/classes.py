"""Class exams: an instructor's window, time limit, blueprint and review policy. Pure: every
function that depends on the time takes `now`."""

import hashlib
import random
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cached_property

from gradquiz.core.blueprint import draw_questions
from gradquiz.core.packs import Blueprint, Pack
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import BlueprintUnfillable, InvalidInput

# No 0/O, 1/I/L: a code read aloud or copied from a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MINUTES = (1, 600)
MULTIPLIER = (1.0, 4.0)
ATTEMPTS = (1, 20)
TITLE_CHARS = 120
# The years a window may open and close in (UTC). The calendar's ends are refused: 0001-01-01
# at +14:00 is before Python's first day once in UTC, and a time stored near year 1 or 9999
# reads back past them from a PostgreSQL session in another time zone.
WINDOW_YEARS = (2000, 2999)


class Disclosure(StrEnum):
    """What a learner sees of a class attempt: the score, also right or wrong per question,
    or everything (choices, keys, feedback and explanations)."""

    SCORE = "score"
    MARKS = "marks"
    EVERYTHING = "everything"

    @property
    def rank(self) -> int:
        """Order by how much is shown: score < marks < everything."""
        return list(Disclosure).index(self)

    @property
    def label(self) -> str:
        """The policy in words, for forms and pages."""
        return {
            Disclosure.SCORE: "Score only",
            Disclosure.MARKS: "Score and right or wrong per question",
            Disclosure.EVERYTHING: "Everything: choices, keys, feedback and explanations",
        }[self]


class Window(StrEnum):
    """Where a class exam's window stands at a moment."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class ClassRules:
    """What the instructor chose: the window, the limit, the draw and the review policy."""

    title: str
    opens_at: datetime
    closes_at: datetime
    minutes: int
    counts: Mapping[Difficulty, int]
    prefer_parametrized: bool
    at_submit: Disclosure
    after_close: Disclosure
    attempts_allowed: int


@dataclass(frozen=True)
class ClassExam:
    """A class exam: its rules, its join code, the questions everyone sits, and its owner."""

    id: str
    code: str
    pack_id: str
    instructor: str | None  # the instructor's account id; None once that account is deleted
    rules: ClassRules
    question_ids: tuple[str, ...]
    created_at: datetime
    closed_early_at: datetime | None = None
    archived_at: datetime | None = None  # closed for good; its learners keep their results
    # Drawn from an instructor's private bank: the versions of its questions, pinned when the
    # class exam was created (a later edit of the bank does not change what it asks).
    bank_id: str | None = None
    versions: tuple[str, ...] = ()

    @property
    def closes(self) -> datetime:
        """When the window ends: the planned close, or earlier if the instructor closed it."""
        if self.closed_early_at is not None and self.closed_early_at < self.rules.closes_at:
            return self.closed_early_at
        return self.rules.closes_at

    def window(self, now: datetime) -> Window:
        """Whether the window has yet to open, is open, or has closed (as it has for good
        once the class exam is archived)."""
        if self.archived_at is not None:
            return Window.CLOSED
        if now < self.rules.opens_at:
            return Window.UPCOMING
        return Window.OPEN if now < self.closes else Window.CLOSED

    def disclosure(self, now: datetime) -> Disclosure:
        """What a learner's submitted attempt shows at `now`."""
        return self.rules.after_close if now >= self.closes else self.rules.at_submit

    def allowed(self, multiplier: float, extra: timedelta) -> timedelta:
        """A learner's time: the limit × their multiplier, plus any extension."""
        return timedelta(minutes=self.rules.minutes) * multiplier + extra

    def deadline(self, started_at: datetime, multiplier: float, extra: timedelta) -> datetime:
        """The earlier of the learner's time (`allowed`) and the window's close."""
        return min(started_at + self.allowed(multiplier, extra), self.closes)


@dataclass(frozen=True)
class HeldWindow:
    """A class exam's open window and the questions it holds back until `until`."""

    class_id: str
    questions: frozenset[str]
    until: datetime


@dataclass(frozen=True)
class Withholding:
    """The questions held back from everyone's practice, review, self-study exams and results
    at one moment: those of every class exam whose window is open then."""

    windows: tuple[HeldWindow, ...] = ()

    @cached_property
    def questions(self) -> frozenset[str]:
        """Every question some open window holds."""
        return frozenset().union(*(w.questions for w in self.windows))

    @property
    def first_close(self) -> datetime:
        """When the first of the windows stops holding its questions (ValueError if none)."""
        return min(w.until for w in self.windows)

    @cached_property
    def token(self) -> str:
        """A short name for this set of windows ("" for none), for keys of cached pages."""
        if not self.windows:
            return ""
        names = sorted(f"{w.class_id}/{w.until.isoformat()}" for w in self.windows)
        return hashlib.blake2b(" ".join(names).encode(), digest_size=8).hexdigest()

    def apart_from(self, class_id: str | None) -> dict[str, datetime]:
        """The questions held by windows other than `class_id`'s, each with when the last of
        them closes: a class's own sittings follow its own review policy instead."""
        held: dict[str, datetime] = {}
        for window in self.windows:
            if window.class_id != class_id:
                for question in window.questions:
                    held[question] = max(window.until, held.get(question, window.until))
        return held


def withholding(exams: Iterable[ClassExam], now: datetime, grace: timedelta) -> Withholding:
    """The questions that class windows hold back at `now`.

    A class exam's questions are the ones drawn when it was created: every sitting shows
    exactly those (only a generated question's numbers and the option order differ), so
    they are both what its attempts drew and everything they could draw. They are held from
    the moment the window opens (holding them earlier would tell anyone which questions are
    coming) until it closes plus the grace in which a late save still counts. Generated
    questions are held as well: their numbers differ per attempt, but some generators have
    few variants (one has about 150), and practice with "try another like it" draws as many
    as a learner asks for, each shown with its key.
    """
    return Withholding(
        tuple(
            HeldWindow(exam.id, frozenset(exam.question_ids), exam.closes + grace)
            for exam in exams
            if exam.rules.opens_at <= now < exam.closes + grace
        )
    )


def next_change(exams: Iterable[ClassExam], now: datetime, grace: timedelta) -> datetime | None:
    """The first moment after `now` at which some window opens or stops holding questions."""
    moments = [
        moment
        for exam in exams
        for moment in (exam.rules.opens_at, exam.closes + grace)
        if moment > now
    ]
    return min(moments, default=None)


def checked_rules(
    rules: ClassRules, pack: Pack, bank: Collection[Question] | None = None
) -> ClassRules:
    """The rules if they make a class exam of `pack` (or of a private `bank`'s questions);
    InvalidInput naming the first fault."""
    title = rules.title.strip()
    if not 1 <= len(title) <= TITLE_CHARS:
        raise InvalidInput(f"Give the class exam a title of 1 to {TITLE_CHARS} characters.")
    checked_window_time(rules.opens_at, "The opening time")
    checked_window_time(rules.closes_at, "The closing time")
    if rules.closes_at <= rules.opens_at:
        raise InvalidInput("The window must close after it opens.")
    if not MINUTES[0] <= rules.minutes <= MINUTES[1]:
        raise InvalidInput(f"The time limit is {MINUTES[0]} to {MINUTES[1]} minutes.")
    if not ATTEMPTS[0] <= rules.attempts_allowed <= ATTEMPTS[1]:
        raise InvalidInput(f"Allow {ATTEMPTS[0]} to {ATTEMPTS[1]} attempts per learner.")
    if any(count < 0 for count in rules.counts.values()) or sum(rules.counts.values()) < 1:
        raise InvalidInput("The exam needs at least one question, and no count below zero.")
    if rules.after_close.rank < rules.at_submit.rank:
        raise InvalidInput(
            "After the window closes learners must see at least what they saw at submit."
        )
    questions = pack.questions.values() if bank is None else bank
    for difficulty, have, count in shortfall(by_difficulty(questions), rules.counts):
        raise InvalidInput(
            f"The {'pack' if bank is None else 'bank'} has {have} {difficulty.value} "
            f"question{'s' if have != 1 else ''}, not {count}: ask for fewer, or choose "
            "another source."
        )
    return replace(rules, title=title)


def by_difficulty(questions: Iterable[Question]) -> dict[Difficulty, int]:
    """How many of the questions there are of each difficulty (every difficulty named)."""
    counts = dict.fromkeys(Difficulty, 0)
    for question in questions:
        counts[question.difficulty] += 1
    return counts


def shortfall(
    have: Mapping[Difficulty, int], wanted: Mapping[Difficulty, int]
) -> list[tuple[Difficulty, int, int]]:
    """Each difficulty of which there are fewer questions than wanted: (it, have, wanted)."""
    return [
        (difficulty, have.get(difficulty, 0), count)
        for difficulty, count in wanted.items()
        if count > have.get(difficulty, 0)
    ]


def checked_window_time(moment: datetime, what: str) -> datetime:
    """`moment` in UTC if a class window may open or close then; InvalidInput naming `what`."""
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:  # an offset that moves it past either end of the calendar
        in_utc = None
    if in_utc is None or not WINDOW_YEARS[0] <= in_utc.year <= WINDOW_YEARS[1]:
        first, last = WINDOW_YEARS
        raise InvalidInput(f"{what} must fall in the years {first} to {last} (UTC).")
    return in_utc


def checked_multiplier(value: float) -> float:
    """An extra-time multiplier from 1 (none) to 4; InvalidInput otherwise."""
    if not MULTIPLIER[0] <= value <= MULTIPLIER[1]:
        raise InvalidInput(
            f"Extra time is a multiplier from {MULTIPLIER[0]:g} to {MULTIPLIER[1]:g}."
        )
    return value


def join_code(rng: random.Random) -> str:
    """A short code to join a class by, from letters and digits that cannot be confused."""
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def class_questions(pack: Pack, rules: ClassRules, rng: random.Random) -> list[Question]:
    """The questions every learner of the class sits, drawn once.

    Parametrized questions are drawn first where `prefer_parametrized` asks it (their numbers
    still differ per learner). Every topic the pack requires appears when the exam is long
    enough to hold them all.
    """
    counts = {d: n for d, n in rules.counts.items() if n > 0}
    topics = pack.blueprint.required_topics
    blueprint = Blueprint(counts=counts, required_topics=topics)
    fixed = {q.id for q in pack.questions.values() if not q.parametrized}
    others = fixed if rules.prefer_parametrized else frozenset()
    try:
        return draw_questions(pack.questions.values(), blueprint, rng, others)
    except BlueprintUnfillable:
        loose = Blueprint(counts=counts, required_topics=())
        return draw_questions(pack.questions.values(), loose, rng, others)


def bank_class_questions(
    bank: Collection[Question], rules: ClassRules, rng: random.Random
) -> list[Question]:
    """The questions every learner sits, drawn once from a private bank by difficulty (a
    bank's topics are its own, so none is required)."""
    counts = {d: n for d, n in rules.counts.items() if n > 0}
    return draw_questions(bank, Blueprint(counts=counts, required_topics=()), rng, frozenset())

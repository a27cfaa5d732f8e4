"""Practice: untimed sets of questions chosen by topic and difficulty, or one exam's misses,
answered one at a time with feedback at once. A missed generated question comes back at the
end of the set with new numbers; every answer updates the learner's review card."""

import random
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from gradquiz.core.answers import Confidence
from gradquiz.core.attempts import Attempt, Slot, slot_for
from gradquiz.core.lab.numbers import read_number, written_number
from gradquiz.core.packs import Pack
from gradquiz.core.practice import (
    Marking,
    PracticeSession,
    SessionKind,
    answered_question,
    draw_practice,
    mark_choice,
    mark_typed,
    matching,
)
from gradquiz.core.questions import Difficulty, Question
from gradquiz.core.scoring import Result
from gradquiz.core.typed_numbers import quoted, typed_decimal
from gradquiz.errors import HeldBack, InvalidInput, NotFound
from gradquiz.services.cards import record_answers
from gradquiz.services.class_windows import ClassWindows
from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.shown_questions import ShownQuestions
from gradquiz.storage import practice as store
from gradquiz.storage import review as review_store
from gradquiz.storage.database import Database

SET_SIZES = (10, 20)  # and "all"
HELD_PRACTICE = (
    "Every question of those topics and difficulties is in a class exam that is open now, "
    "and its questions are kept out of practice until it closes: choose more"
)
HELD_MISSED = (
    "The questions you missed are in a class exam that is open now, and its questions are "
    "kept out of practice until it closes: practise them then"
)
HELD_ANSWER = (
    "This question is in a class exam that is open now, so it cannot be answered here until "
    "the exam closes: the set goes on then, or start another set meanwhile"
)


@dataclass(frozen=True)
class Shortfall:
    """Why a practice set holds fewer questions than were asked for: it holds every question
    that matched (`drawn`), and `held` more matched that an open class exam holds back."""

    asked: int
    drawn: int
    held: int


@dataclass
class PracticeService:
    """Starts practice sets, shows their questions as drawn, and marks the answers."""

    database: Database
    pack: Pack
    shown: ShownQuestions
    windows: ClassWindows
    clock: Clock = utc_now

    def start(
        self,
        *,
        learner: str,
        topics: Collection[str] = (),
        difficulties: Collection[str] = (),
        count: int | None = SET_SIZES[0],
    ) -> PracticeSession:
        """A set of the chosen topics and difficulties (none chosen: all), never-answered
        questions first."""
        known = {topic.id for topic in self.pack.topics}
        unknown = sorted(set(topics) - known)
        if unknown:
            raise InvalidInput(f"This pack has no topic {unknown[0][:40]!r}.")
        levels = {_difficulty(value) for value in difficulties} or set(Difficulty)
        with self.database.read() as session:
            answered = review_store.load_cards(session=session, owner=learner, pack_id=self.pack.id)
        rng = random.Random(secrets.randbits(64))
        held = self.windows.now()
        questions = draw_practice(
            self.pack.questions.values(),
            topics=set(topics) or known,
            difficulties=levels,
            count=count,
            rng=rng,
            answered=set(answered),
            held=held.questions,
        )
        if not questions and held.windows:
            raise HeldBack(HELD_PRACTICE, held.first_close)
        if not questions:
            raise InvalidInput("No question matches those topics and difficulties; choose more.")
        return self.begin(
            learner=learner,
            kind=SessionKind.PRACTICE,
            slots=[slot_for(question, rng) for question in questions],
        )

    def shortfall(
        self,
        practice: PracticeSession,
        *,
        asked: int,
        topics: Collection[str],
        difficulties: Collection[str],
    ) -> Shortfall | None:
        """Why the practice set holds fewer than `asked` questions, if it was made from these
        topics and difficulties (none: all) and holds every question they match that no open
        class exam holds back now; None for any other set, so nothing untrue is said of it."""
        known = {topic.id for topic in self.pack.topics}
        names = {level.value for level in Difficulty}
        if (
            practice.kind is not SessionKind.PRACTICE
            or asked not in SET_SIZES
            or not set(topics) <= known
            or not set(difficulties) <= names
        ):
            return None
        levels = {Difficulty(value) for value in difficulties} or set(Difficulty)
        found = matching(self.pack.questions.values(), set(topics) or known, levels)
        held = self.windows.now().questions
        free = {q.id for q in found if q.id not in held}
        if {item.slot.question_id for item in practice.items} != free or len(free) >= asked:
            return None
        return Shortfall(asked=asked, drawn=len(free), held=len(found) - len(free))

    def start_missed(self, *, learner: str, attempt: Attempt, result: Result) -> PracticeSession:
        """A set of an exam's wrong and unanswered questions, each as that exam showed it,
        but for those an open class window holds back (as the result page does)."""
        missed = [
            slot
            for slot, outcome in zip(attempt.slots, result.outcomes, strict=True)
            if not outcome.correct and outcome.question.key
        ]
        if missed and not any(slot.question_id in self.pack.questions for slot in missed):
            raise InvalidInput(
                "The questions you missed are from your instructor's own bank: they are "
                "not practised here."
            )
        missed = [slot for slot in missed if slot.question_id in self.pack.questions]
        if not missed:
            raise InvalidInput(
                "Every question of that exam was right: there is nothing to practise."
            )
        held = self.windows.now().apart_from(attempt.class_exam_id)
        slots = [slot for slot in missed if slot.question_id not in held]
        if not slots:
            raise HeldBack(HELD_MISSED, max(held[slot.question_id] for slot in missed))
        return self.begin(
            learner=learner, kind=SessionKind.MISSED, slots=slots, source_attempt=attempt.id
        )

    def begin(
        self,
        *,
        learner: str,
        kind: SessionKind,
        slots: Sequence[Slot],
        source_attempt: str | None = None,
    ) -> PracticeSession:
        """Store a new set of these questions, as shown, and return it."""
        practice = PracticeSession(
            id=secrets.token_hex(16),  # never starts with "-": safe in a CSV cell too
            owner=learner,
            pack_id=self.pack.id,
            kind=kind,
            started_at=self.clock(),
            source_attempt=source_attempt,
        )
        for slot in slots:
            practice.add(slot)
        with self.database.write() as session:
            store.insert_session(session=session, practice=practice)
            kept = self.shown.keep(session, [item.slot for item in practice.items])
        self.shown.kept(kept)
        return practice

    def session(self, *, learner: str | None, session_id: str) -> PracticeSession:
        """The learner's set; anyone else's answers exactly like a missing one."""
        with self.database.read() as session:
            practice = store.load_session(session=session, session_id=session_id)
        return self._owned(practice, learner)

    def unfinished(self, *, learner: str | None) -> PracticeSession | None:
        """The learner's newest set that still has a question to answer, if any."""
        if learner is None:
            return None
        with self.database.read() as session:
            session_id = store.unfinished_session_id(
                session=session, owner=learner, pack_id=self.pack.id
            )
        return self.session(learner=learner, session_id=session_id) if session_id else None

    def question(self, practice: PracticeSession, number: int) -> Question:
        """Question `number` of the set, exactly as it is shown there."""
        return self.shown.of_slot(practice.item(number).slot)

    def present(self, practice: PracticeSession, number: int) -> None:
        """Note that the question is on screen now, so the answer's time can be told."""
        item = practice.item(number)
        if item.presented_at is None:
            item.presented_at = self.clock()
            with self.database.write() as session:
                store.mark_presented(
                    session=session, session_id=practice.id, number=number, now=item.presented_at
                )

    def answer(
        self,
        *,
        learner: str | None,
        session_id: str,
        number: int,
        letter: str | None = None,
        typed: str | None = None,
        confidence: str | None = None,
    ) -> PracticeSession:
        """Mark the answer to question `number` (a chosen letter or a typed number) and update
        its review card. Sending an answer again changes nothing."""
        sureness = _confidence(confidence)
        kept: set[str] = set()
        with self.database.write() as session:
            practice = self._owned(
                store.load_session(session=session, session_id=session_id, lock=True), learner
            )
            item = practice.item(number)
            if item.answer is not None:
                return practice
            until = self.held_until(item.slot.question_id)
            if until is not None:
                raise HeldBack(HELD_ANSWER, until)
            question = self.shown.of_slot(item.slot)
            marking = _marking(item.slot, question, letter, typed)
            answer = practice.answer(number, marking, sureness, now=self.clock())
            store.save_answer(session=session, session_id=session_id, number=number, answer=answer)
            if not answer.correct:
                kept = self._another_like_it(session, practice, item.slot)
            if question.key:  # a question revised away since it was drawn has nothing to review
                record_answers(
                    session,
                    owner=practice.owner,
                    pack_id=self.pack.id,
                    answers=[answered_question(item, question, practice.kind)],
                )
        self.shown.kept(kept)
        return practice

    def held_until(self, question_id: str) -> datetime | None:
        """When open class windows stop holding this question back (None: they do not)."""
        held = self.windows.now()
        return held.apart_from(None).get(question_id) if held.windows else None

    def _another_like_it(self, session: Session, practice: PracticeSession, slot: Slot) -> set[str]:
        """Put the same generated question, with new numbers, at the end of the set; return
        the version digests stored for it."""
        source = self.pack.questions.get(slot.question_id)
        if slot.seed is None or source is None or not source.parametrized:
            return set()
        fresh = practice.add_like(slot_for(source, random.Random(secrets.randbits(64))))
        if fresh is None:
            return set()
        store.add_items(session=session, practice=practice, items=[fresh])
        return self.shown.keep(session, [fresh.slot])

    def _owned(self, practice: PracticeSession | None, learner: str | None) -> PracticeSession:
        if practice is None or learner is None or practice.owner != learner:
            raise NotFound("No such practice set.")
        if practice.pack_id != self.pack.id:
            raise NotFound("That practice set belongs to another pack.")
        return practice


def _difficulty(value: str) -> Difficulty:
    try:
        return Difficulty(value)
    except ValueError:
        raise InvalidInput(
            f"{value[:20]!r} is not a difficulty: use easy, medium or hard."
        ) from None


def _confidence(value: str | None) -> Confidence | None:
    if not value:
        return None
    try:
        return Confidence(value)
    except ValueError:
        raise InvalidInput(
            f"{value[:20]!r} is not a level of confidence: use sure, unsure or guessing."
        ) from None


# Any decimal of this many significant digits reads back from its float64 as typed.
HELD_DIGITS = 15


def _too_many_digits(typed: str, value: float) -> str:
    """Why a typed number a float64 cannot hold is refused: the page would echo, and the 1 %
    rule judge, another number (−0.49499999999999999 read as −0.495, exactly 1 % off −0.5)."""
    shorter = float(f"{typed_decimal(typed):.{HELD_DIGITS - 1}e}")
    return (
        f"What you typed, {quoted(typed)}, is a number a float64 cannot hold: it would be "
        f"read, and marked, as {written_number(value)}, which is not the number you typed. "
        f"Type at most {HELD_DIGITS} significant digits, such as {written_number(shorter)} "
        f"(yours rounded to {HELD_DIGITS})."
    )


def _marking(slot: Slot, question: Question, letter: str | None, typed: str | None) -> Marking:
    letter, typed = (letter or "").strip(), (typed or "").strip()
    if letter and typed:
        raise InvalidInput("Choose an option or type a number, not both.")
    if typed:
        value = read_number(typed, "What you typed")
        if typed_decimal(typed) != Decimal(repr(value)):
            raise InvalidInput(_too_many_digits(typed, value))
        return mark_typed(question, value)
    option_id = slot.option_for_letter(letter)
    if option_id is None:
        raise InvalidInput("Choose an option to check your answer.")
    return mark_choice(question, option_id)

"""Spaced review: the questions whose cards are due, shown as a practice set with fresh
numbers and a fresh option order; how many are due and when the next one is."""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from gradquiz.core.attempts import slot_for
from gradquiz.core.packs import Pack
from gradquiz.core.practice import PracticeSession, SessionKind
from gradquiz.core.scheduling import due_now
from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.practice import PracticeService
from gradquiz.storage import review as store
from gradquiz.storage.database import Database

# A review set holds at most this many questions, the longest overdue first.
REVIEW_SET_SIZE = 20


@dataclass(frozen=True)
class DueSummary:
    """How many questions are due for review now, when the next one after them is, and how
    many more are due but held back while a class exam that asks them is open."""

    due: int
    next_due: datetime | None
    held: int = 0

    @property
    def next_due_minute(self) -> datetime | None:
        """`next_due` rounded up to a whole minute: the page shows hours and minutes, and
        13:42:40 shown as 13:42 reads as already due at 13:42:10."""
        if self.next_due is None:
            return None
        whole = self.next_due.replace(second=0, microsecond=0)
        return whole if whole == self.next_due else whole + timedelta(minutes=1)


@dataclass
class ReviewService:
    """Reads the learner's review queue and turns what is due into a review set."""

    database: Database
    pack: Pack
    practice: PracticeService
    clock: Clock = utc_now

    def summary(self, *, learner: str | None) -> DueSummary:
        """The learner's queue at this moment (empty without a learner)."""
        if learner is None:
            return DueSummary(0, None)
        held = self.practice.windows.now().questions
        with self.database.read() as session:
            due, upcoming, waiting = store.due_summary(
                session=session, owner=learner, pack_id=self.pack.id, now=self.clock(), held=held
            )
        return DueSummary(due, upcoming, waiting)

    def start(self, *, learner: str) -> PracticeSession | None:
        """A review set of the questions due now, apart from those open class windows hold
        back (None when nothing else is due)."""
        now = self.clock()
        with self.database.read() as session:
            cards = store.load_cards(
                session=session, owner=learner, pack_id=self.pack.id, due_by=now
            )
        held = self.practice.windows.now().questions
        due = [
            card
            for card in due_now(cards.values(), now)
            if card.question_id in self.pack.questions and card.question_id not in held
        ]
        if not due:
            return None
        rng = random.Random(secrets.randbits(64))
        slots = [
            slot_for(self.pack.questions[card.question_id], rng) for card in due[:REVIEW_SET_SIZE]
        ]
        return self.practice.begin(learner=learner, kind=SessionKind.REVIEW, slots=slots)

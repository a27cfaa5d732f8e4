"""The exam: start, save, submit and grade timed attempts."""

import logging
import random
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from gradquiz.core.attempts import Attempt, Saved, Slot, SubmitReason, slot_at, start_attempt
from gradquiz.core.blueprint import unfillable_reason
from gradquiz.core.classes import Disclosure
from gradquiz.core.late_answers import LateAnswer, arrives_late
from gradquiz.core.packs import Pack
from gradquiz.core.scoring import Result, exam_answers, grade_attempt
from gradquiz.errors import (
    AttemptClosed,
    AttemptInProgress,
    BlueprintUnfillable,
    HeldBack,
    NotFound,
    NotSubmitted,
    Withheld,
)
from gradquiz.services.cards import record_answers
from gradquiz.services.class_windows import ClassWindows
from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.shown_questions import ShownQuestions
from gradquiz.services.variant_pool import VariantPool
from gradquiz.storage import attempts as store
from gradquiz.storage import classes
from gradquiz.storage import late_answers as late_store
from gradquiz.storage.database import Database, Executor

log = logging.getLogger(__name__)

IN_PROGRESS = "You have an exam in progress: resume it, or abandon it to start a new one."
HELD_EXAM = (
    "A class exam is open, so its questions are kept out of everyone's own exams, and the "
    "questions left cannot make a full exam: start one once it closes, or practise meanwhile"
)


@dataclass(frozen=True)
class SaveOutcome:
    """What a save leaves: the question's slot, the answer held, and how many questions
    have a chosen option."""

    slot: Slot
    saved: Saved
    answered: int


class KnownSlots:
    """The slots of attempts this process has loaded, by attempt, with their owner.

    A stored attempt's slots never change, so a save can find its question and option
    without loading the attempt again; the save's statement checks owner and pack itself.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._entries: dict[str, tuple[str, tuple[Slot, ...]]] = {}
        self._lock = threading.Lock()

    def remember(self, attempt: Attempt) -> None:
        """Keep the attempt's slots, forgetting the oldest beyond `size`."""
        with self._lock:
            self._entries[attempt.id] = (attempt.owner, attempt.slots)
            if len(self._entries) > self.size:
                del self._entries[next(iter(self._entries))]

    def slots(self, attempt_id: str, owner: str | None) -> tuple[Slot, ...] | None:
        """The attempt's slots if they are known and it was `owner`'s when they were seen."""
        entry = self._entries.get(attempt_id)
        return entry[1] if entry is not None and entry[0] == owner else None


@dataclass
class ExamService:
    """Starts, saves, submits and grades attempts for one pack."""

    database: Database
    pack: Pack
    grace: timedelta = timedelta(seconds=15)
    clock: Clock = utc_now
    # The install's variants drawn ahead, kept filled while serving (None: drawn on the spot).
    variant_pool: VariantPool | None = None

    def __post_init__(self) -> None:
        self.shown = ShownQuestions(self.database, self.pack)
        self.known = KnownSlots()
        if self.variant_pool is not None:
            self.variant_pool.serve(self.pack.questions.values(), kept=self.shown.kept)
        self.windows = ClassWindows(self.database, self.pack.id, self.grace, lambda: self.clock())
        self._refusal: tuple[str, str | None] = ("", None)

    def start(self, *, learner: str, replacing: str | None = None, new: bool = False) -> Attempt:
        """Draw and store a new attempt, preferring questions this learner has not seen.

        A learner holds one open attempt per pack: starting while one is open is refused,
        unless `replacing` names it, in which case it is submitted as abandoned first.
        `new` says the learner was made just now, so has seen nothing yet.
        """
        seen: set[str] = set()
        if not new:
            with self.database.reading() as session:
                seen = store.seen_question_ids(session=session, owner=learner, pack_id=self.pack.id)
        held = self.windows.now()
        try:
            attempt = start_attempt(
                attempt_id=secrets.token_hex(16),  # never starts with "-": safe in a CSV cell
                owner=learner,
                pack=self.pack,
                rng=random.Random(secrets.randbits(64)),
                now=self.clock(),
                seen=seen,
                held=held.questions,
            )
        except BlueprintUnfillable:
            if not held.windows:
                raise  # the pack itself is at fault
            raise HeldBack(HELD_EXAM, held.first_close) from None
        try:
            kept = self._insert(attempt, close_first=replacing is not None, replacing=replacing)
        except IntegrityError:
            # The learner already has an open attempt (or another request just opened one):
            # settle it if it is overdue, or refuse; then try once more.
            try:
                kept = self._insert(attempt, close_first=True, replacing=replacing)
            except IntegrityError:
                with self.database.reading() as session:
                    open_id = store.open_attempt_id(
                        session=session, owner=learner, pack_id=self.pack.id
                    )
                raise AttemptInProgress(IN_PROGRESS, open_id or "") from None
        self.shown.kept(kept)
        self.known.remember(attempt)
        return attempt

    def start_refusal(self) -> HeldBack | None:
        """Why no exam can start now (class windows hold too much of the bank), or None."""
        held = self.windows.now()
        if not held.windows:
            return None
        if self._refusal[0] != held.token:
            bank = [q for q in self.pack.questions.values() if q.id not in held.questions]
            self._refusal = (held.token, unfillable_reason(bank, self.pack.blueprint))
        if self._refusal[1] is None:
            return None
        return HeldBack(
            HELD_EXAM,
            held.first_close,
            open_classes=len(held.windows),
            last_close=max(w.until for w in held.windows),
        )

    def held_back(self, attempt: Attempt) -> dict[str, datetime]:
        """The attempt's questions whose keys open class windows hold back now, with when;
        a class's own sittings follow its review policy instead."""
        held = self.windows.now()
        if not held.windows:
            return {}
        others = held.apart_from(attempt.class_exam_id)
        return {
            s.question_id: others[s.question_id] for s in attempt.slots if s.question_id in others
        }

    def open_attempt(self, *, learner: str | None) -> Attempt | None:
        """The learner's attempt in progress at this pack, if it has one."""
        if learner is None:
            return None
        with self.database.reading() as session:
            attempt_id = store.open_attempt_id(session=session, owner=learner, pack_id=self.pack.id)
        if attempt_id is None:
            return None
        attempt = self.attempt(learner=learner, attempt_id=attempt_id)
        return None if attempt.is_submitted else attempt

    def history(self, *, learner: str | None) -> list[store.PastAttempt]:
        """The learner's submitted attempts at this pack, newest first."""
        if learner is None:
            return []
        with self.database.reading() as session:
            return store.past_attempts(session=session, owner=learner, pack_id=self.pack.id)

    def owner_of(self, attempt_id: str) -> str | None:
        """Who owns the attempt in the database right now (None once it is deleted)."""
        with self.database.reading() as session:
            return store.attempt_owner(session=session, attempt_id=attempt_id)

    def attempt(self, *, learner: str | None, attempt_id: str) -> Attempt:
        """The learner's attempt, submitted first if its time has run out."""
        with self.database.reading() as session:
            attempt = store.load_attempt(session=session, attempt_id=attempt_id)
        attempt = self._owned(attempt, learner)
        if not attempt.is_submitted and attempt.settle(now=self.clock(), grace=self.grace):
            return self._settle(attempt_id)[0]
        self.known.remember(attempt)
        return attempt

    def save_answer(
        self,
        *,
        learner: str | None,
        attempt_id: str,
        number: int,
        letter: str | None,
        marked: bool = False,
        seq: int | None = None,
        device_time: datetime | None = None,
    ) -> SaveOutcome:
        """Save the option shown as `letter` for question `number` (None clears it).

        Refused once the attempt closed; a save refused because time ran out is kept as
        late, with `device_time` (the device's clock when the choice was made, untrusted).
        A save older than the one held (`seq`), or the held save sent again, is dropped and
        the held answer returned.
        """
        slots = self.known.slots(attempt_id, learner)
        late = (device_time, seq)
        if slots is None or learner is None:
            return self._save_loaded(learner, attempt_id, number, letter, marked, late)
        # The usual save, before the deadline: one statement. Whatever it finds in the way
        # (submitted, late, a later save held, another owner) is sorted out by loading.
        slot = slot_at(slots, number)
        option_id = slot.option_for_letter(letter)
        with self.database.writing_alone() as session:
            held = store.save_if_open(
                session=session,
                attempt_id=attempt_id,
                owner=learner,
                pack_id=self.pack.id,
                question_id=slot.question_id,
                option_id=option_id,
                marked=marked,
                now=self.clock(),
                seq=seq,
            )
        if held is None:
            return self._save_loaded(learner, attempt_id, number, letter, marked, late)
        answer, answered = held
        return SaveOutcome(slot, Saved(answer, applied=True), answered)

    def _save_loaded(
        self,
        learner: str | None,
        attempt_id: str,
        number: int,
        letter: str | None,
        marked: bool,
        late: tuple[datetime | None, int | None],
    ) -> SaveOutcome:
        """A save that loads the attempt (locked) and applies the rules to it; one refused
        because time ran out is kept as late, in the same transaction."""
        device_time, seq = late
        refusal: AttemptClosed | None = None
        saved: Saved | None = None
        with self.database.writing() as session:
            attempt = self._owned(
                store.load_attempt(session=session, attempt_id=attempt_id, lock=True), learner
            )
            now = self.clock()
            slot = attempt.slot_at(number)
            option_id = slot.option_for_letter(letter)
            try:
                saved = attempt.record_answer(
                    slot.question_id, option_id, marked, now=now, grace=self.grace, seq=seq
                )
            except AttemptClosed as closed:
                refusal = closed
                if arrives_late(attempt, now, self.grace):
                    answer = LateAnswer(
                        question_id=slot.question_id,
                        option_id=option_id,
                        marked=marked,
                        seq=0 if seq is None else seq,
                        received_at=now,
                        untrusted_device_time=device_time,
                    )
                    kept = late_store.keep_late_answer(
                        session=session, attempt_id=attempt_id, answer=answer
                    )
                    log.warning(
                        "refused save for attempt %s: %s after the deadline (%s as late)",
                        attempt_id,
                        now - attempt.deadline,
                        "kept" if kept else "not kept",
                    )
            if saved is not None and now > attempt.deadline:
                log.info(
                    "save for attempt %s within grace, %s late", attempt_id, now - attempt.deadline
                )
            if saved is not None and saved.applied:
                store.save_answer(
                    session=session,
                    attempt_id=attempt_id,
                    question_id=slot.question_id,
                    answer=saved.answer,
                )
        if refusal is not None:
            raise refusal  # after the late answer was committed
        assert saved is not None
        self.known.remember(attempt)
        answered = len(attempt.slots) - len(attempt.unanswered())
        return SaveOutcome(slot, saved, answered)

    def late_answers(self, attempt: Attempt) -> list[LateAnswer]:
        """The saves of the attempt that arrived after its time ran out, as they arrived."""
        with self.database.reading() as session:
            return late_store.late_answers(session=session, attempt_id=attempt.id)

    def late_count(self, attempt_id: str) -> int:
        """How many late saves the attempt holds (a result rendered before one came is stale)."""
        with self.database.reading() as session:
            return late_store.late_count(session=session, attempt_id=attempt_id)

    def submit(self, *, learner: str | None, attempt_id: str) -> Attempt:
        """Submit the attempt with what was saved."""
        with self.database.writing() as session:
            attempt = self._owned(
                store.load_attempt(session=session, attempt_id=attempt_id, lock=True), learner
            )
            attempt.submit(now=self.clock(), grace=self.grace)
            self._record(session, attempt)
        return attempt

    def abandon(self, *, learner: str, attempt_id: str) -> Attempt:
        """End the learner's open attempt as abandoned (or at its deadline, if that passed)."""
        with self.database.write() as session:
            attempt = self._owned(
                store.load_attempt(session=session, attempt_id=attempt_id, lock=True), learner
            )
            if not attempt.is_submitted:
                attempt.submit(now=self.clock(), grace=self.grace, reason=SubmitReason.ABANDONED)
                self._record(session, attempt)
        return attempt

    def result(self, *, learner: str | None, attempt_id: str) -> tuple[Attempt, Result]:
        """The graded result with every key; only after the attempt was submitted, and for a
        class exam only once its review policy shows everything (else Withheld, which carries
        the grade for the score and marks the policy does show)."""
        attempt = self.attempt(learner=learner, attempt_id=attempt_id)
        if not attempt.is_submitted:
            raise NotSubmitted("The result is shown once the attempt has been submitted.")
        return self.graded(attempt)

    def graded(self, attempt: Attempt) -> tuple[Attempt, Result]:
        """The result of an attempt just submitted (as `submit` returns it), without reading
        it again; the same rules as `result`."""
        result = grade_attempt(attempt, self.shown.of(attempt))
        if attempt.class_exam_id is not None:
            with self.database.reading() as session:
                exam = classes.load_class_exam(session=session, class_id=attempt.class_exam_id)
            if exam is None:
                raise NotFound("No such class exam.")
            shown = exam.disclosure(self.clock())
            if shown is not Disclosure.EVERYTHING:
                # Withheld now, so everything comes (if ever) with the close.
                opens = exam.closes if exam.rules.after_close is Disclosure.EVERYTHING else None
                raise Withheld(shown, attempt, result, everything_from=opens)
        return attempt, result

    def sweep(self, *, stopping: Callable[[], bool] = lambda: False) -> int:
        """Submit every attempt whose deadline and grace have passed; return how many this did.

        Several processes may sweep at once: each attempt is submitted by exactly one.
        `stopping` is asked between attempts, so a server shutting down need not wait.
        """
        cutoff = self.clock() - self.grace
        with self.database.reading() as session:
            overdue = store.overdue_attempt_ids(session=session, cutoff=cutoff)
        submitted = 0
        for attempt_id in overdue:
            if stopping():
                break
            submitted += self._settle(attempt_id)[1]
        if submitted:
            log.info("sweep submitted %d overdue attempt(s)", submitted)
        return submitted

    def insert_sitting(self, attempt: Attempt, *, allowed: int) -> None:
        """Store a class sitting unless the learner has used `allowed` sittings already.

        IntegrityError when the learner has one open (another request just started it).
        """
        assert attempt.class_exam_id is not None
        with self.database.writing() as session:
            used = classes.sittings(
                session=session, class_id=attempt.class_exam_id, owner=attempt.owner
            )
            if len(used) >= allowed:
                raise AttemptClosed("You have used every attempt this class exam allows.")
            store.insert_attempt(session=session, attempt=attempt)
            digests = self.shown.keep(session, attempt.slots)
        self.shown.kept(digests)

    def end_now(self, attempt_id: str) -> bool:
        """Submit an open attempt now because its class exam was closed early (at its own
        deadline if that came first); True if this call submitted it, False if it was
        submitted already."""
        with self.database.writing() as session:
            attempt = store.load_attempt(session=session, attempt_id=attempt_id, lock=True)
            if attempt is None or attempt.is_submitted:
                return False
            # The close is the deadline now, with no grace: submitted at it, or at the
            # attempt's own deadline if that came first.
            attempt.submit(now=self.clock(), grace=timedelta(0), reason=SubmitReason.CLOSED)
            return self._record(session, attempt)

    def _insert(self, attempt: Attempt, *, close_first: bool, replacing: str | None) -> set[str]:
        """Store a new attempt and the question versions it shows, in one transaction."""
        with self.database.writing() as session:
            if close_first:
                self._close_open_attempt(session, attempt.owner, replacing)
            store.insert_attempt(session=session, attempt=attempt)
            return self.shown.keep(session, attempt.slots)

    def _close_open_attempt(self, session: Executor, owner: str, replacing: str | None) -> None:
        open_id = store.open_attempt_id(session=session, owner=owner, pack_id=self.pack.id)
        if open_id is None:
            return
        attempt = store.load_attempt(session=session, attempt_id=open_id, lock=True)
        assert attempt is not None
        now = self.clock()
        if attempt.settle(now=now, grace=self.grace):
            self._record(session, attempt)
            return
        if replacing != open_id:
            raise AttemptInProgress(IN_PROGRESS, open_id)
        attempt.submit(now=now, grace=self.grace, reason=SubmitReason.ABANDONED)
        self._record(session, attempt)

    def _settle(self, attempt_id: str) -> tuple[Attempt, bool]:
        """The attempt, submitted if overdue, and whether this call submitted it."""
        with self.database.writing() as session:
            attempt = store.load_attempt(session=session, attempt_id=attempt_id, lock=True)
            if attempt is None:
                raise NotFound("No such attempt.")
            recorded = attempt.settle(now=self.clock(), grace=self.grace) and self._record(
                session, attempt
            )
        return attempt, recorded

    def _record(self, session: Executor, attempt: Attempt) -> bool:
        result = grade_attempt(attempt, self.shown.of(attempt))
        recorded = store.record_submission(
            session=session, attempt=attempt, score=result.score.correct
        )
        # Once per attempt, in the same transaction, whoever submitted it. A class sitting
        # stays out of spaced review, whose feedback would show keys the class policy withholds.
        if recorded and attempt.class_exam_id is None:
            record_answers(
                session,
                owner=attempt.owner,
                pack_id=self.pack.id,
                answers=exam_answers(attempt, result),
            )
        return recorded

    def _owned(self, attempt: Attempt | None, learner: str | None) -> Attempt:
        # Someone else's attempt answers exactly like a missing one: ids are not probeable.
        # `learner` is the owner key the web layer resolved (a browser's or an account's).
        if attempt is None or learner is None or attempt.owner != learner:
            raise NotFound("No such attempt.")
        if attempt.pack_id != self.pack.id:
            raise NotFound("That attempt belongs to another pack.")
        return attempt

"""The exam: start, save, submit and grade timed attempts."""

import logging
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from gradquiz.core.attempts import Attempt, start_attempt
from gradquiz.core.packs import Pack
from gradquiz.core.scoring import Result, grade_attempt
from gradquiz.errors import AttemptClosed, NotFound, NotSubmitted
from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.identity import owner_key
from gradquiz.storage import attempts as store
from gradquiz.storage.database import Database

log = logging.getLogger(__name__)


@dataclass
class ExamService:
    """Starts, saves, submits and grades attempts for one pack."""

    database: Database
    pack: Pack
    grace: timedelta = timedelta(seconds=15)
    clock: Clock = utc_now

    def start(self, *, identity: str) -> Attempt:
        """Draw and store a new attempt for this identity, preferring questions it has not seen."""
        owner = owner_key(identity)
        with self.database.read() as session:
            seen = store.seen_question_ids(session=session, owner=owner, pack_id=self.pack.id)
        attempt = start_attempt(
            attempt_id=secrets.token_urlsafe(16),
            owner=owner,
            pack=self.pack,
            rng=random.Random(secrets.randbits(64)),
            now=self.clock(),
            seen=seen,
        )
        with self.database.write() as session:
            store.insert_attempt(session=session, attempt=attempt)
        return attempt

    def attempt(self, *, identity: str | None, attempt_id: str) -> Attempt:
        """The identity's attempt, submitted first if its time has run out."""
        with self.database.read() as session:
            attempt = store.load_attempt(session=session, attempt_id=attempt_id)
        attempt = self._owned(attempt, identity)
        if not attempt.is_submitted and attempt.settle(now=self.clock(), grace=self.grace):
            return self._settle(attempt_id)
        return attempt

    def save_answer(
        self,
        *,
        identity: str | None,
        attempt_id: str,
        question_id: str,
        letter: str | None,
        marked: bool = False,
    ) -> Attempt:
        """Save the option shown as `letter` (None clears it); refused once the attempt closed."""
        with self.database.write() as session:
            attempt = self._owned(
                store.load_attempt(session=session, attempt_id=attempt_id, lock=True), identity
            )
            now = self.clock()
            option_id = attempt.slot(question_id).option_for_letter(letter)
            try:
                answer = attempt.record_answer(
                    question_id, option_id, marked, now=now, grace=self.grace
                )
            except AttemptClosed:
                if not attempt.is_submitted:
                    log.warning(
                        "refused save for attempt %s: %s after the deadline",
                        attempt_id,
                        now - attempt.deadline,
                    )
                raise
            if now > attempt.deadline:
                log.info(
                    "save for attempt %s within grace, %s late", attempt_id, now - attempt.deadline
                )
            store.save_answer(
                session=session, attempt_id=attempt_id, question_id=question_id, answer=answer
            )
        return attempt

    def submit(self, *, identity: str | None, attempt_id: str) -> Attempt:
        """Submit the attempt with what was saved."""
        with self.database.write() as session:
            attempt = self._owned(
                store.load_attempt(session=session, attempt_id=attempt_id, lock=True), identity
            )
            attempt.submit(now=self.clock(), grace=self.grace)
            self._record(session, attempt)
        return attempt

    def result(self, *, identity: str | None, attempt_id: str) -> tuple[Attempt, Result]:
        """The graded result; only after the attempt was submitted."""
        attempt = self.attempt(identity=identity, attempt_id=attempt_id)
        if not attempt.is_submitted:
            raise NotSubmitted("The result is shown once the attempt has been submitted.")
        return attempt, grade_attempt(attempt, self.pack.questions)

    def sweep(self) -> int:
        """Submit every attempt whose deadline and grace have passed; return how many."""
        cutoff = self.clock() - self.grace
        with self.database.read() as session:
            overdue = store.overdue_attempt_ids(session=session, cutoff=cutoff)
        for attempt_id in overdue:
            self._settle(attempt_id)
        if overdue:
            log.info("submitted %d overdue attempt(s)", len(overdue))
        return len(overdue)

    def _settle(self, attempt_id: str) -> Attempt:
        with self.database.write() as session:
            attempt = store.load_attempt(session=session, attempt_id=attempt_id, lock=True)
            if attempt is None:
                raise NotFound("No such attempt.")
            if attempt.settle(now=self.clock(), grace=self.grace):
                self._record(session, attempt)
        return attempt

    def _record(self, session: Session, attempt: Attempt) -> None:
        score = grade_attempt(attempt, self.pack.questions).score.correct
        store.record_submission(session=session, attempt=attempt, score=score)

    def _owned(self, attempt: Attempt | None, identity: str | None) -> Attempt:
        # Someone else's attempt answers exactly like a missing one: ids are not probeable.
        if attempt is None or identity is None or attempt.owner != owner_key(identity):
            raise NotFound("No such attempt.")
        if attempt.pack_id != self.pack.id:
            raise NotFound("That attempt belongs to another pack.")
        return attempt

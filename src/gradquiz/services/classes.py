"""Classes: an instructor runs a pack's exam for a group inside a window, with a review policy.

Everyone in a class exam sits the same questions, drawn once when the instructor creates it
(the numbers of parametrized questions still differ per learner), so results and item
statistics compare like with like. Sittings are ordinary attempts marked with the class exam:
the exam pages save and submit them; their results pass the class's review policy.
"""

import logging
import random
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from gradquiz.content.formats.markup import MEDIA_PREFIX
from gradquiz.core.accounts import Account, Role, require_instructor, username_key
from gradquiz.core.attempts import Attempt, sit_questions
from gradquiz.core.classes import (
    ClassExam,
    ClassRules,
    Window,
    bank_class_questions,
    checked_multiplier,
    checked_rules,
    class_questions,
    join_code,
    normal_code,
)
from gradquiz.core.late_answers import LateAnswer
from gradquiz.core.question_versions import question_from_record, question_record, version_of
from gradquiz.core.questions import Question
from gradquiz.core.scoring import Result, grade_attempt
from gradquiz.core.text import checked_text
from gradquiz.errors import AttemptInProgress, GradquizError, InvalidInput, NotFound
from gradquiz.services.exam import ExamService
from gradquiz.storage import accounts as accounts_store
from gradquiz.storage import attempts as attempts_store
from gradquiz.storage import banks as banks_store
from gradquiz.storage import classes as store
from gradquiz.storage import late_answers as late_store

# Re-exported: the pages read them through the service.
from gradquiz.storage.classes import Event as Event
from gradquiz.storage.classes import Member as Member
from gradquiz.storage.classes import Sitting as Sitting
from gradquiz.storage.database import Executor
from gradquiz.storage.question_versions import load_versions, save_versions

if TYPE_CHECKING:  # numpy loads with the statistics, not with every server
    from gradquiz.core.item_stats import ItemAnalysis

log = logging.getLogger(__name__)

_CODE_TRIES = 8
_ANALYSES_KEPT = 8
# The option a right answer counts under where the key's id varies between variants (no
# option id has brackets).
KEY = "(right answer)"


class ClassRefused(GradquizError):
    """The class exam does not take this step now (not open yet, closed, no attempts left)."""

    status = 409


@dataclass(frozen=True)
class Standing:
    """One member at a moment: their sittings, newest last, and what the live page shows."""

    member: Member
    sittings: tuple[Sitting, ...]

    @property
    def latest(self) -> Sitting | None:
        """The member's newest sitting, if any."""
        return self.sittings[-1] if self.sittings else None


@dataclass(frozen=True)
class LearnerView:
    """A class exam as one learner sees it: the window, their time and their sittings."""

    exam: ClassExam
    member: Member | None
    sittings: tuple[Sitting, ...]
    window: Window
    # The learner's time as the deadline counts it (limit × multiplier, plus any extension).
    time_allowed: timedelta

    @property
    def open_sitting(self) -> Sitting | None:
        """The learner's sitting in progress, if any."""
        return next((s for s in self.sittings if s.submitted_at is None), None)

    @property
    def attempts_left(self) -> int:
        """How many more sittings the learner may start."""
        return max(0, self.exam.rules.attempts_allowed - len(self.sittings))


@dataclass
class ClassService:
    """Creates and runs class exams over one exam service (its pack, database and clock)."""

    exam: ExamService

    def __post_init__(self) -> None:
        # The last statistics of a few class exams, with the submissions they were computed
        # from: reloading the page costs nothing until someone submits.
        self._analyses: OrderedDict[str, tuple[tuple[int, datetime | None], ItemAnalysis]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The service's time (the exam service's clock, frozen in tests)."""
        return self.exam.clock()

    # Instructors -------------------------------------------------------------------------

    def create(
        self, *, instructor: Account, rules: ClassRules, bank_id: str | None = None
    ) -> ClassExam:
        """A new class exam with a fresh join code and its questions drawn, from the pack or
        from one of the instructor's private banks (`bank_id`)."""
        require_instructor(instructor)
        pack = self.exam.pack
        rng = random.Random(secrets.randbits(64))
        if bank_id is None:
            rules = checked_rules(rules, pack)
            questions = class_questions(pack, rules, rng)
        class_id = secrets.token_hex(16)
        if bank_id is not None:
            bank = self._bank_questions(instructor, bank_id)
            rules = checked_rules(rules, pack, bank)
            drawn = bank_class_questions(bank, rules, rng)
            questions = [_images_served(q, f"/classes/{class_id}/{MEDIA_PREFIX}") for q in drawn]
        records = {version_of(q): question_record(q) for q in questions} if bank_id else {}
        for _ in range(_CODE_TRIES):
            exam = ClassExam(
                id=class_id,
                code=join_code(rng),
                pack_id=pack.id,
                instructor=instructor.id,
                rules=rules,
                question_ids=tuple(q.id for q in questions),
                created_at=self.now(),
                bank_id=bank_id,
                versions=tuple(records),
            )
            try:
                with self.exam.database.write() as session:
                    save_versions(session=session, records=records)
                    store.insert_class_exam(session=session, exam=exam)
                    self._log(session, exam.id, instructor, "created", f"code {exam.code}")
            except IntegrityError:
                continue  # the code was taken: draw another
            log.info("class exam %s created by %s", exam.id, instructor.id)
            self.exam.windows.forget()  # its window may be open already
            return exam
        raise GradquizError("Could not find a free join code; try again.")

    def _bank_questions(self, instructor: Account, bank_id: str) -> list[Question]:
        """The current questions of a bank the instructor may use; NotFound otherwise."""
        with self.exam.database.read() as session:
            if (
                banks_store.may_use(session=session, bank_id=bank_id, account_id=instructor.id)
                is None
            ):
                raise NotFound("There is no such bank.")
            versions = banks_store.question_versions(session=session, bank_id=bank_id)
            records = load_versions(session=session, digests=set(versions.values()))
        # A bank's ids are its own: named apart from the pack's (which never hold a colon),
        # so that no page, practice set or held window can mistake one for the other.
        return [
            replace(question_from_record(records[digest]), id=f"bank-{bank_id[:8]}:{qid}")
            for qid, digest in versions.items()
        ]

    def image(self, *, account: Account | None, class_id: str, name: str) -> tuple[str, bytes]:
        """An image one of a bank class exam's questions shows: for its instructor, and for a
        member once they have started a sitting; NotFound for anyone and anything else."""
        if account is None:
            raise NotFound("No such image.")
        with self.exam.database.read() as session:
            exam = store.load_class_exam(session=session, class_id=class_id)
            allowed = (
                exam is not None
                and exam.bank_id is not None
                and (
                    exam.instructor == account.id
                    or bool(store.sittings(session=session, class_id=class_id, owner=account.owner))
                )
            )
            address = f"](/classes/{class_id}/{MEDIA_PREFIX}{name})"
            shown = (
                allowed
                and exam is not None
                and any(
                    address in str(record)
                    for record in load_versions(
                        session=session, digests=set(exam.versions)
                    ).values()
                )
            )
            found = (
                banks_store.bank_file(session=session, bank_id=exam.bank_id, name=name)
                if shown and exam is not None and exam.bank_id
                else None
            )
        if found is None:
            raise NotFound("No such image.")
        return found

    def questions_of(self, exam: ClassExam) -> list[Question]:
        """The questions every sitting of the class exam asks (a bank's at their pinned
        versions, which stay kept when the bank changes or is deleted)."""
        if exam.bank_id is None:
            pack = self.exam.pack
            return [pack.questions[q] for q in exam.question_ids]
        with self.exam.database.reading() as session:
            records = load_versions(session=session, digests=set(exam.versions))
        return [question_from_record(records[digest]) for digest in exam.versions]

    def owned(self, *, instructor: Account | None, class_id: str) -> ClassExam:
        """The instructor's class exam; NotFound for anyone else (ids are not probeable)."""
        instructor = require_instructor(instructor)
        with self.exam.database.reading() as session:
            exam = store.load_class_exam(session=session, class_id=class_id)
        if exam is None or exam.instructor != instructor.id:
            raise NotFound("No such class exam.")
        return exam

    def unowned(self, *, class_id: str) -> ClassExam:
        """A class exam whatever its instructor (for a caller that checked the reader may
        see it: an LMS course's co-teacher); NotFound if there is none."""
        with self.exam.database.reading() as session:
            exam = store.load_class_exam(session=session, class_id=class_id)
        if exam is None:
            raise NotFound("No such class exam.")
        return exam

    def taught(self, *, instructor: Account) -> list[ClassExam]:
        """The instructor's class exams, newest first."""
        require_instructor(instructor)
        with self.exam.database.reading() as session:
            return store.instructor_class_exams(session=session, instructor_id=instructor.id)

    def running(self, account: Account) -> list[ClassExam]:
        """The class exams the account runs and has not archived, newest first."""
        with self.exam.database.reading() as session:
            taught = store.instructor_class_exams(session=session, instructor_id=account.id)
        return [exam for exam in taught if exam.archived_at is None]

    def archive(self, *, instructor: Account, class_id: str) -> ClassExam:
        """Close the class exam for good (submitting any sitting in progress as it stands)
        and set it aside; its learners keep their sittings and results. Logged."""
        exam = self.owned(instructor=instructor, class_id=class_id)
        if exam.archived_at is not None:
            return exam
        if exam.window(self.now()) is not Window.CLOSED:
            self.close_now(instructor=instructor, class_id=class_id)
        with self.exam.database.write() as session:
            store.archive(session=session, class_id=exam.id, at=self.now())
            self._log(session, exam.id, instructor, "archived", "archived")
        log.info("class exam %s archived by %s", exam.id, instructor.id)
        return self.owned(instructor=instructor, class_id=class_id)

    def hand_over(self, *, instructor: Account, class_id: str, username: str) -> Account:
        """Give the class exam to the instructor with this username; return them. Logged."""
        exam = self.owned(instructor=instructor, class_id=class_id)
        key = username_key(checked_text(username, field="username"))
        with self.exam.database.write() as session:
            found = accounts_store.account_by_username(session=session, username_key=key)
            taker = found[0] if found else None
            if taker is None or taker.role is not Role.INSTRUCTOR:
                raise InvalidInput(
                    f"There is no instructor named {username.strip()[:32]}; an instructor can"
                    " make their account one on the Classes page."
                )
            if taker.id == instructor.id:
                raise InvalidInput("You run this class exam already; name another instructor.")
            store.hand_over(session=session, class_id=exam.id, instructor_id=taker.id)
            self._log(session, exam.id, instructor, "handed over", f"to {taker.username}")
        log.info("class exam %s handed by %s to %s", exam.id, instructor.id, taker.id)
        return taker

    def standings(self, exam: ClassExam) -> list[Standing]:
        """Every member with their sittings, by username (one query for each)."""
        with self.exam.database.reading() as session:
            members = store.members(session=session, class_id=exam.id)
            sittings = store.sittings(session=session, class_id=exam.id)
        by_owner: dict[str, list[Sitting]] = {}
        for sitting in sittings:
            by_owner.setdefault(sitting.owner, []).append(sitting)
        return [Standing(m, tuple(by_owner.get(m.owner, ()))) for m in members]

    def members(self, exam: ClassExam) -> list[Member]:
        """Every member, by username (without their sittings)."""
        with self.exam.database.reading() as session:
            return store.members(session=session, class_id=exam.id)

    def member(self, exam: ClassExam, owner: str) -> Member | None:
        """The member with this owner key, if they joined."""
        with self.exam.database.reading() as session:
            return store.member(session=session, class_id=exam.id, owner=owner)

    def events(self, exam: ClassExam) -> list[Event]:
        """The class exam's log, oldest first."""
        with self.exam.database.reading() as session:
            return store.events(session=session, class_id=exam.id)

    def give_time(
        self,
        *,
        instructor: Account,
        class_id: str,
        username: str,
        multiplier: float,
        extra_minutes: int,
    ) -> Member:
        """Set a member's time multiplier (an accommodation) and extension; an open sitting's
        deadline moves with them. Logged."""
        exam = self.owned(instructor=instructor, class_id=class_id)
        checked_multiplier(multiplier)
        if not 0 <= extra_minutes <= 600:
            raise InvalidInput("An extension is 0 to 600 minutes.")
        extra = timedelta(minutes=extra_minutes)
        with self.exam.database.write() as session:
            found = store.member_by_username(
                session=session, class_id=exam.id, username_key=username_key(username)
            )
            if found is None:
                raise InvalidInput(f"No member of this class is named {username.strip()[:32]}.")
            store.set_extra_time(
                session=session,
                class_id=exam.id,
                owner=found.owner,
                multiplier=multiplier,
                extra=extra,
            )
            for sitting in store.sittings(session=session, class_id=exam.id, owner=found.owner):
                if sitting.submitted_at is None:
                    deadline = exam.deadline(sitting.started_at, multiplier, extra)
                    store.set_deadline(session=session, attempt_id=sitting.id, deadline=deadline)
            detail = f"{found.username}: time × {multiplier:g}, +{extra_minutes} min"
            self._log(session, exam.id, instructor, "extra time", detail)
        return Member(found.owner, found.username, found.joined_at, multiplier, extra)

    def close_now(self, *, instructor: Account, class_id: str) -> int:
        """Close the window now and submit every open sitting once; return how many."""
        exam = self.owned(instructor=instructor, class_id=class_id)
        now = self.now()
        if exam.window(now) is Window.CLOSED:
            raise ClassRefused("This class exam has already closed.")
        with self.exam.database.write() as session:
            store.close_early(session=session, class_id=exam.id, at=now)
            open_ids = store.open_sitting_ids(session=session, class_id=exam.id)
            detail = f"closed early, with {_attempts(len(open_ids))} in progress"
            self._log(session, exam.id, instructor, "closed", detail)
        self.exam.windows.forget()
        return sum(self.exam.end_now(attempt_id) for attempt_id in open_ids)

    def in_progress(self, exam: ClassExam) -> int:
        """How many of the class exam's sittings are open now (what closing would submit)."""
        with self.exam.database.reading() as session:
            return len(store.open_sitting_ids(session=session, class_id=exam.id))

    def sitting_result(self, exam: ClassExam, attempt_id: str) -> tuple[Attempt, Result]:
        """A member's submitted sitting of `exam` (an instructor's, from `owned`), with every
        key."""
        with self.exam.database.reading() as session:
            attempt = attempts_store.load_attempt(session=session, attempt_id=attempt_id)
        if attempt is None or attempt.class_exam_id != exam.id or not attempt.is_submitted:
            raise NotFound("No such submitted attempt in this class exam.")
        return attempt, grade_attempt(attempt, self.exam.shown.of(attempt))

    def late_answers(self, exam: ClassExam) -> list[tuple[Attempt, list[LateAnswer]]]:
        """The sittings that hold saves refused because their time had run out, each with
        those saves as they arrived."""
        with self.exam.database.reading() as session:
            found = late_store.class_late_answers(session=session, class_id=exam.id)
            loaded = [attempts_store.load_attempt(session=session, attempt_id=i) for i in found]
        return [(a, found[a.id]) for a in loaded if a is not None]

    def graded_sittings(self, exam: ClassExam) -> list[tuple[Attempt, Result]]:
        """Every submitted sitting of the class exam, graded, oldest first."""
        with self.exam.database.reading() as session:
            sittings = attempts_store.submitted_class_attempts(session=session, class_id=exam.id)
        return self._graded(sittings)

    def _graded(self, attempts: list[Attempt]) -> list[tuple[Attempt, Result]]:
        """The attempts graded against the questions each showed, read in a few queries."""
        shown = self.exam.shown.of_all(attempts)
        return [(a, grade_attempt(a, q)) for a, q in zip(attempts, shown, strict=True)]

    def statistics(self, exam: ClassExam) -> "ItemAnalysis":
        """Item and exam statistics from each member's first sitting, if submitted.

        A parametrized question is one item (its generator) whatever numbers each learner
        drew; its options are the generator's stable option ids, one per misconception, so the
        option table counts each misconception across variants, each among the learners whose
        variant showed it. Where the key's id differs between variants, right answers count
        under KEY, a row of its own, and an option id counts as a distractor only where it was
        one. InvalidInput with no sittings.
        """
        with self.exam.database.reading() as session:
            fingerprint = store.submitted_fingerprint(session=session, class_id=exam.id)
            kept = self._analyses.get(exam.id)
            if kept is not None and kept[0] == fingerprint:
                return kept[1]
            sittings = attempts_store.submitted_class_attempts(session=session, class_id=exam.id)
        analysis = self._analyse(exam, sittings)
        with self._lock:
            self._analyses[exam.id] = (fingerprint, analysis)
            while len(self._analyses) > _ANALYSES_KEPT:
                self._analyses.popitem(last=False)
        return analysis

    def _analyse(self, exam: ClassExam, sittings: list[Attempt]) -> "ItemAnalysis":
        from gradquiz.core.item_stats import Item, Response, analyse_items

        first: dict[str, Attempt] = {}
        for attempt in sittings:
            first.setdefault(attempt.owner, attempt)
        graded = [result.outcomes for _, result in self._graded(list(first.values()))]
        keys: dict[str, set[str]] = {q: set() for q in exam.question_ids}
        options: dict[str, dict[str, None]] = {q: {} for q in exam.question_ids}
        for outcomes in graded:
            for outcome in outcomes:
                keys[outcome.question.id].add(outcome.question.key)
                options[outcome.question.id].update(dict.fromkeys(outcome.question.option_ids))
        varying = {q for q, k in keys.items() if len(k) > 1}
        key = {q: KEY if q in varying else next(iter(k), "") for q, k in keys.items()}
        items = [
            Item(
                id=q, options=(KEY, *options[q]) if q in varying else tuple(options[q]), key=key[q]
            )
            for q in exam.question_ids
        ]
        table = [
            {
                o.question.id: Response(
                    option=key[o.question.id] if o.correct else o.chosen,
                    correct=o.correct,
                    shown=_shown_as(
                        o.question.option_ids, o.question.key, o.question.id in varying
                    ),
                )
                for o in outcomes
            }
            for outcomes in graded
        ]
        return analyse_items(items, table)

    # Learners ----------------------------------------------------------------------------

    def by_code(self, code: str) -> ClassExam:
        """The class exam with this join code."""
        typed = normal_code(code)
        with self.exam.database.reading() as session:
            exam = store.class_exam_by_code(session=session, code=typed) if typed else None
        if exam is None:
            raise NotFound("No class exam has that code; check it with your instructor.")
        return exam

    def join(self, *, learner: Account, code: str) -> ClassExam:
        """Make the signed-in learner a member of the class exam with this code."""
        exam = self.by_code(code)
        if exam.window(self.now()) is Window.CLOSED:
            raise ClassRefused("This class exam has closed; it takes no new members.")
        with self.exam.database.write() as session:
            store.add_member(session=session, class_id=exam.id, owner=learner.owner, at=self.now())
        return exam

    def joined(self, *, learner: Account) -> list[ClassExam]:
        """The class exams the learner joined, newest first."""
        with self.exam.database.reading() as session:
            return store.joined_class_exams(session=session, owner=learner.owner)

    def for_learner(self, *, learner: Account | None, class_id: str) -> LearnerView:
        """The class exam as this member sees it; NotFound for anyone not in it."""
        if learner is None:
            raise NotFound("No such class exam.")
        with self.exam.database.reading() as session:
            exam = store.load_class_exam(session=session, class_id=class_id)
            found = (
                store.member(session=session, class_id=class_id, owner=learner.owner)
                if exam
                else None
            )
            sittings = (
                store.sittings(session=session, class_id=class_id, owner=learner.owner)
                if found
                else []
            )
        if exam is None or found is None:
            raise NotFound("No such class exam.")
        return LearnerView(
            exam=exam,
            member=found,
            sittings=tuple(sittings),
            window=exam.window(self.now()),
            time_allowed=exam.allowed(found.multiplier, found.extra),
        )

    def start(self, *, learner: Account | None, class_id: str) -> Attempt:
        """Start (or resume) the member's sitting: the class's questions, their own numbers
        and option order, and a deadline of min(start + limit × multiplier + extension, close)."""
        view = self.for_learner(learner=learner, class_id=class_id)
        assert learner is not None
        if view.open_sitting is not None:
            return self.exam.attempt(learner=learner.owner, attempt_id=view.open_sitting.id)
        now, exam, member = self.now(), view.exam, view.member
        assert member is not None
        if view.window is Window.UPCOMING:
            raise ClassRefused("This class exam has not opened yet.")
        if view.window is Window.CLOSED:
            raise ClassRefused("This class exam has closed.")
        if view.attempts_left == 0:
            raise ClassRefused("You have used every attempt this class exam allows.")
        pack = self.exam.pack
        attempt = sit_questions(
            attempt_id=secrets.token_hex(16),
            owner=learner.owner,
            pack=pack,
            questions=self.questions_of(exam),
            rng=random.Random(secrets.randbits(64)),
            now=now,
            deadline=exam.deadline(now, member.multiplier, member.extra),
            class_exam_id=exam.id,
        )
        try:
            self.exam.insert_sitting(attempt, allowed=exam.rules.attempts_allowed)
        except IntegrityError:
            with self.exam.database.reading() as session:
                open_ids = store.open_sitting_ids(
                    session=session, class_id=exam.id, owner=learner.owner
                )
            if open_ids:
                return self.exam.attempt(learner=learner.owner, attempt_id=open_ids[0])
            raise AttemptInProgress(
                "Your attempt is starting; open the class page again.", ""
            ) from None
        return attempt

    def _log(
        self, session: Executor, class_id: str, actor: Account, action: str, detail: str
    ) -> None:
        store.log_event(
            session=session,
            class_id=class_id,
            at=self.now(),
            actor=actor.username,
            action=action,
            detail=detail,
        )


def _shown_as(option_ids: tuple[str, ...], key: str, varying: bool) -> frozenset[str]:
    """The options a learner was shown, as the statistics name them: where the key's id
    varies between variants, the key is the row KEY, and the other ids were distractors."""
    if not varying:
        return frozenset(option_ids)
    return frozenset({KEY, *(option for option in option_ids if option != key)})


def _images_served(question: Question, prefix: str) -> Question:
    """The question with its bank images' addresses (`media/<name>`) at `prefix`."""

    def served(text: str) -> str:
        return text.replace(f"]({MEDIA_PREFIX}", f"]({prefix}")

    return replace(
        question,
        stem=served(question.stem),
        explanation=served(question.explanation),
        options=tuple(
            replace(o, text=served(o.text), feedback=served(o.feedback)) for o in question.options
        ),
    )


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"

"""Every question exactly as an attempt showed it, even after the bank has changed."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from gradquiz.core.attempts import Attempt, Slot
from gradquiz.core.packs import Pack
from gradquiz.core.question_versions import question_from_record, question_record, version_of
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.storage import question_versions as store
from gradquiz.storage.database import Database, Executor

REVISED = (
    "This question was revised after this attempt was taken, and the version shown then "
    "was not kept, so it cannot be shown or marked again."
)


@dataclass
class ShownQuestions:
    """Resolves an attempt's slots to the questions it showed, from the pack or from storage.

    The pack answers almost always (same version digest); a stored record answers only for
    a question the bank has since changed. Both lookups are cached for the process's life.
    """

    database: Database
    pack: Pack
    _kept: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._current = lru_cache(maxsize=2048)(self._resolve)
        self._stored = lru_cache(maxsize=1024)(self._load)

    def of(self, attempt: Attempt) -> tuple[Question, ...]:
        """The attempt's questions in slot order, as the learner saw them."""
        return tuple(self.of_slot(slot) for slot in attempt.slots)

    def of_all(self, attempts: Sequence[Attempt]) -> list[tuple[Question, ...]]:
        """Many attempts' questions at once (a class's): the numbers each drew are read from
        the versions kept when it started, in a few queries, instead of drawn again."""
        digests = {s.version for a in attempts for s in a.slots if s.seed is not None and s.version}
        with self.database.reading() as session:
            records = store.load_versions(session=session, digests=digests)
        kept = {digest: question_from_record(record) for digest, record in records.items()}
        return [
            tuple(
                kept[s.version] if s.seed is not None and s.version in kept else self.of_slot(s)
                for s in attempt.slots
            )
            for attempt in attempts
        ]

    def of_slot(self, slot: Slot) -> Question:
        """One slot's question as the learner saw it."""
        current = self._current(slot.question_id, slot.seed)
        if (
            current is not None
            and slot.version in (None, current[1])
            and set(slot.option_order) == set(current[0].option_ids)
        ):
            return current[0]
        stored = self._stored(slot.version) if slot.version else None
        return stored or _revised(slot)

    def keep(self, session: Executor, slots: Iterable[Slot]) -> set[str]:
        """Store the versions these slots show that are not stored yet; return their digests.

        Call `kept` with the result once the transaction has committed.
        """
        records = {}
        for slot in slots:
            current = self._current(slot.question_id, slot.seed)
            if slot.version and slot.version not in self._kept and current is not None:
                records[slot.version] = question_record(current[0])
        store.save_versions(session=session, records=records)
        return set(records)

    def kept(self, digests: set[str]) -> None:
        """Remember versions known to be stored, so they are not written again."""
        self._kept |= digests

    def _resolve(self, question_id: str, seed: int | None) -> tuple[Question, str] | None:
        question = self.pack.questions.get(question_id)
        if question is None:
            return None
        shown = question.resolve(seed)
        return shown, version_of(shown)

    def _load(self, digest: str) -> Question | None:
        with self.database.reading() as session:
            record = store.load_version(session=session, digest=digest)
        return question_from_record(record) if record else None


def _revised(slot: Slot) -> Question:
    """A stand-in for a question neither the bank nor storage has in the version shown."""
    return Question(
        id=slot.question_id,
        topic="",
        difficulty=Difficulty.MEDIUM,
        stem=REVISED,
        options=tuple(
            Option(option_id, "(no longer available)") for option_id in slot.option_order
        ),
        key="",
        explanation="",
        reference="",
    )

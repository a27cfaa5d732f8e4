"""Every question exactly as an attempt showed it, even after the bank has changed."""

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from gradquiz.core.attempts import Attempt, Slot
from gradquiz.core.packs import Pack
from gradquiz.core.question_versions import question_from_record, question_record, version_of
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.storage import question_versions as store
from gradquiz.storage.database import Database, Executor

# Variants read back from the versions their starts kept, per process: a class of 2,000
# shows about 8,000 of them.
DRAWN_REMEMBERED = 2048
# Digests known to be stored, per process: each pooled variant taken adds its own.
KEPT_REMEMBERED = 100_000

REVISED = (
    "This question was revised after this attempt was taken, and the version shown then "
    "was not kept, so it cannot be shown or marked again."
)


@dataclass
class ShownQuestions:
    """Resolves an attempt's slots to the questions it showed, from the pack or from storage.

    The pack answers a static question (same version digest) and a variant this process
    drew or handed out; a variant another process handed out is read from the version its
    start kept, rather than drawn again (a server never runs a generator for a page); a
    stored record also answers for a question the bank has since changed. Lookups are cached.
    """

    database: Database
    pack: Pack
    _kept: "OrderedDict[str, None]" = field(default_factory=OrderedDict)
    _drawn: "OrderedDict[str, Question]" = field(default_factory=OrderedDict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._current = lru_cache(maxsize=2048)(self._resolve)
        self._stored = lru_cache(maxsize=1024)(self._load)

    def of(self, attempt: Attempt) -> tuple[Question, ...]:
        """The attempt's questions in slot order, as the learner saw them."""
        self.prepare(attempt.slots)
        return tuple(self.of_slot(slot) for slot in attempt.slots)

    def prepare(self, slots: Iterable[Slot]) -> None:
        """Read in one query the kept versions of the variants among `slots` that this
        process does not hold, so `of_slot` finds them without drawing them again."""
        wanted = {s.version for s in slots if s.version and self._drawn_elsewhere(s)}
        if not wanted:
            return
        with self.database.reading() as session:
            records = store.load_versions(session=session, digests=wanted)
        for digest, record in records.items():
            self._remember(digest, self._as_drawn(question_from_record(record)))

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
        if self._drawn_elsewhere(slot):
            self.prepare((slot,))
        drawn = self._drawn.get(slot.version) if slot.seed is not None and slot.version else None
        if drawn is not None:
            return drawn
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
        with self._lock:
            self._kept.update(dict.fromkeys(digests))
            while len(self._kept) > KEPT_REMEMBERED:  # forgotten ones are written again
                self._kept.popitem(last=False)

    def _drawn_elsewhere(self, slot: Slot) -> bool:
        """Whether the slot shows a variant that this process neither holds nor has read."""
        if slot.seed is None or not slot.version or slot.version in self._drawn:
            return False
        question = self.pack.questions.get(slot.question_id)
        source = question.generator if question is not None else None
        return source is not None and source.reserve is not None and source.held(slot.seed) is None

    def _as_drawn(self, kept: Question) -> Question:
        """A kept variant as `Question.resolve` gives it: with what the bank's question says
        of the others (records leave that out)."""
        banked = self.pack.questions.get(kept.id)
        return replace(kept, excludes=banked.excludes) if banked is not None else kept

    def _remember(self, digest: str, question: Question) -> None:
        with self._lock:
            self._drawn[digest] = question
            while len(self._drawn) > DRAWN_REMEMBERED:
                self._drawn.popitem(last=False)

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

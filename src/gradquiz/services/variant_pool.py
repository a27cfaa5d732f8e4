"""Variants drawn ahead on each install, for secret seeds, each handed to one learner.

A generator's numbers are drawn per attempt from 2**63 seeds, so nobody can draw every
variant ahead and look a question's key up by its text. Drawing one takes 0.1 to 3 ms and
needs sympy, so an install keeps some ready in its database, drawn by `gradquiz variants
fill` (a server starts it in a process of its own, at low priority, when a generator runs
short). The fill keeps each variant's question version too, as a start would. A server
process takes a few at a time from a thread of its own and hands each to one learner, so a
start neither queries the pool nor writes versions; when none is ready, the learner's
variant is taken on the spot, or drawn from a new secret seed. No variant, and no seed, is
ever shipped in the package.
"""

import logging
import math
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gradquiz.core.question_versions import question_record, version_of
from gradquiz.core.questions import Question
from gradquiz.core.variant_records import variant_from_record, variant_record
from gradquiz.core.variants import (
    SEED_RANGE,
    GeneratorFailed,
    Variant,
    VariantReserve,
    draw_variant,
)
from gradquiz.storage import question_versions
from gradquiz.storage import variant_pool as store
from gradquiz.storage.database import Database

log = logging.getLogger(__name__)

# Variants a process holds ready per generator; it takes more when half are handed out.
# One statement and commit per 64 keeps taking them near 45 µs a variant on SQLite.
BATCH = 64
# Variants a process remembers after handing them out, per generator (about 3 KB each), so
# the pages of the attempts it started show them at once; any other page reads the version
# the fill kept, as other processes do.
REMEMBERED = 64
# Variants added in one transaction while filling; the count is read again before each.
# The fill runs at low priority: a small chunk holds SQLite's write lock, in front of
# learners' saves, for a few milliseconds even when the fill is descheduled holding it.
FILL_CHUNK = 10
# How often a server looks at the pool when no reserve has asked meanwhile.
POLL_SECONDS = 20
# After the pool had none for a start, starts draw their own for this long before asking it
# again, so an empty pool costs no write per start.
DRY_PAUSE_SECONDS = 1.0
# After a fill failed, the next is started this much later, not as soon as a start finds none.
FAILED_FILL_PAUSE_SECONDS = 300
# A generator below half of the pool's size is refilled once no variant has been taken for
# this long, so a class starting together keeps the cores; below a quarter, at once.
QUIET_SECONDS = 30


@dataclass
class VariantPool:
    """The install's ready variants, `size` per generator at most; 0 keeps none.

    `kept` is told the version digests of the variants taken, which the fill stored already.
    """

    database: Database
    size: int
    kept: Callable[[set[str]], None] = lambda digests: None
    wanted: threading.Event = field(default_factory=threading.Event)
    dry: threading.Event = field(default_factory=threading.Event)  # a take found none
    _reserves: dict[str, "PooledReserve"] = field(default_factory=dict)
    _questions: dict[str, list[Question]] = field(default_factory=dict)
    taken_at: float = -math.inf  # time.monotonic() of the last take in this process

    def reserve(self, generator: str) -> VariantReserve | None:
        """This process's reserve for the generator called `generator` (None with size 0)."""
        if self.size <= 0:
            return None
        return self._reserves.setdefault(generator, PooledReserve(self, generator))

    def serve(
        self, questions: Iterable[Question], kept: Callable[[set[str]], None] | None = None
    ) -> None:
        """Hand out (or fill) variants of these questions' generators; tell `kept` the
        versions of those taken."""
        if kept is not None:
            self.kept = kept
        for question in questions:
            if question.generator is not None:
                self._questions.setdefault(question.generator.name, []).append(question)

    @property
    def generators(self) -> list[str]:
        """The names of the generators served, each once."""
        return sorted(self._questions)

    def drawer(self, generator: str) -> store.Drawer:
        """The generator's name and the fingerprint of its code as served now."""
        source = self._questions[generator][0].generator if generator in self._questions else None
        return generator, source.fingerprint if source is not None else ""

    def take(self, generator: str, count: int) -> list[tuple[int, Variant]]:
        """Up to `count` ready variants of the generator, taken so no one else gets them;
        `kept` is told their version digests."""
        self.taken_at = time.monotonic()
        with self.database.writing() as connection:
            taken = store.take_pooled(
                session=connection, drawer=self.drawer(generator), count=count
            )
        self.kept({digest for _, _, digests in taken for digest in digests})
        return [(seed, variant_from_record(body)) for seed, body, _ in taken]

    def counts(self) -> dict[str, int]:
        """Ready variants per generator."""
        drawers = [self.drawer(name) for name in self.generators]
        with self.database.reading() as connection:
            return store.pooled_counts(session=connection, drawers=drawers)

    def short(self, share: float = 0.5) -> list[str]:
        """The generators served with fewer than `share` of `size` ready."""
        counts = self.counts()
        return [name for name in self.generators if counts.get(name, 0) < self.size * share]

    def wants_filling(self) -> bool:
        """Whether to fill now: a generator has fewer than a quarter of `size` ready, or
        fewer than half and this process has taken none for QUIET_SECONDS."""
        counts = self.counts()
        least = min((counts.get(name, 0) for name in self.generators), default=self.size)
        quiet = time.monotonic() - self.taken_at >= QUIET_SECONDS
        return least < self.size / 4 or (least < self.size / 2 and quiet)

    def top_up(self) -> None:
        """Take more for every reserve of this process that has handed out half its own."""
        for reserve in list(self._reserves.values()):
            reserve.top_up()

    def versions(self, generator: str, seed: int) -> dict[str, dict[str, Any]]:
        """The version records of every served question the generator's `seed` gives."""
        shown = (q.resolve(seed) for q in self._questions.get(generator, ()))
        return {version_of(q): question_record(q) for q in shown}

    def fill(self, *, stopping: Callable[[], bool] = lambda: False) -> int:
        """Draw variants for new secret seeds until each generator served has `size` ready,
        keeping their question versions; return how many were added (0 at once while
        another process fills). A chunk at a time for each generator in turn, so a new
        install soon has some of every one."""
        with store.filling_alone(self.database) as alone:
            return self._fill(stopping) if alone else 0

    def _fill(self, stopping: Callable[[], bool]) -> int:
        with self.database.writing() as connection:
            for name in self.generators:
                store.forget_stale(session=connection, drawer=self.drawer(name))
        added = 0
        while not stopping():
            counts = self.counts()
            missing = {n: self.size - counts.get(n, 0) for n in self.generators}
            if all(count <= 0 for count in missing.values()):
                break
            for name, count in missing.items():
                if count > 0 and not stopping():
                    added += self._add_drawn(name, min(count, FILL_CHUNK))
        return added

    def _add_drawn(self, name: str, count: int) -> int:
        source = self._questions[name][0].generator
        assert source is not None
        drawn, records = [], {}
        for seed in (secrets.randbelow(SEED_RANGE) for _ in range(count)):
            try:
                variant = draw_variant(source.generate, seed)
                versions = self.versions(name, seed)
            except GeneratorFailed as error:  # one unlucky seed: the next one is drawn
                log.warning("%s", error)
                continue
            drawn.append((seed, variant_record(variant), sorted(versions)))
            records.update(versions)
        if not drawn:
            raise GeneratorFailed(f"Generator '{name}' gave no usable variant in {count} seeds.")
        with self.database.writing() as connection:
            question_versions.save_versions(session=connection, records=records)
            store.add_pooled(session=connection, drawer=self.drawer(name), drawn=drawn)
        return len(drawn)


class PooledReserve:
    """One generator's variants in one process: some taken from the pool ahead, handed out
    one by one, and remembered for a while after."""

    def __init__(self, pool: VariantPool, generator: str) -> None:
        self.pool = pool
        self.generator = generator
        self._lock = threading.Lock()
        self._ready: deque[int] = deque()
        self._known: OrderedDict[int, Variant] = OrderedDict()
        self._dry_until = -math.inf  # after the pool had none: draw without asking again

    def take(self) -> int | None:
        """A ready variant's seed, or None when the pool has none (one is then drawn)."""
        with self._lock:
            # The thread topping up fell behind: take some now, unless the pool just had none.
            if not self._ready and time.monotonic() >= self._dry_until:
                self._add(self.pool.take(self.generator, BATCH))
                if not self._ready:
                    self._dry_until = time.monotonic() + DRY_PAUSE_SECONDS
            if len(self._ready) <= BATCH // 2 and not self.pool.wanted.is_set():
                self.pool.wanted.set()  # half handed out: the background takes more
            if not self._ready:
                log.warning("no variant of '%s' was ready; drawing one now", self.generator)
                self.pool.dry.set()
                return None
            return self._ready.popleft()

    def get(self, seed: int) -> Variant | None:
        """The variant for `seed` if this process holds it."""
        return self._known.get(seed)

    def top_up(self) -> None:
        """Take more from the pool if half of those held are handed out."""
        if len(self._ready) <= BATCH // 2:
            taken = self.pool.take(self.generator, BATCH)
            with self._lock:
                self._add(taken)

    def _add(self, taken: list[tuple[int, Variant]]) -> None:
        for seed, variant in taken:
            self._known[seed] = variant
            self._ready.append(seed)
        while len(self._known) > REMEMBERED + len(self._ready):
            self._known.popitem(last=False)


def fill_in_background(
    pool: VariantPool, stop: threading.Event, environment: dict[str, str]
) -> None:
    """Until `stop`: keep this process's reserves topped up whenever one asks, and every
    POLL_SECONDS start `gradquiz variants fill` if the pool wants filling (the generators
    and sympy then never load into a server process; one fill runs at a time)."""
    filler: subprocess.Popen[bytes] | None = None
    looked = paused_until = -math.inf
    while not stop.is_set():
        try:
            pool.top_up()
            if filler is not None and filler.poll() is not None:
                if filler.returncode != 0:
                    log.error("gradquiz variants fill exited with %s", filler.returncode)
                    paused_until = time.monotonic() + FAILED_FILL_PAUSE_SECONDS
                filler = None
            # Counting the pool scans its index: once in a while, not on every top-up.
            due = time.monotonic() - looked >= POLL_SECONDS or pool.dry.is_set()
            if filler is None and due and time.monotonic() >= paused_until:
                looked = time.monotonic()
                pool.dry.clear()
                if pool.wants_filling():
                    command = [sys.executable, "-m", "gradquiz", "variants", "fill"]
                    # Its one line of figures is for a person at a terminal; errors show.
                    filler = subprocess.Popen(
                        command, env={**os.environ, **environment}, stdout=subprocess.DEVNULL
                    )
        except Exception:
            log.exception("keeping the variant pool filled failed; it is tried again")
        pool.wanted.wait(1.0 if filler is not None else POLL_SECONDS)
        pool.wanted.clear()
    if filler is not None:
        filler.terminate()
        filler.wait(timeout=30)

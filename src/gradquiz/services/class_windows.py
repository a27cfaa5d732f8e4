"""The questions open class windows hold back, known to each process without a query per
request.

Starting an exam or a practice set must not get slower for this, so each process keeps the
pack's class exams that have not closed (those still to open too) and works out from them,
at each request's `now`, which windows are open: a window opening or closing needs no query.
Creating a class exam or closing one early forgets what this process knew; another process
reads the class exams again within REREAD, so for at most that long after a class exam is
created there (to open at once) its questions may still be drawn here. A sitting starting
changes nothing here: a class exam's questions are fixed when it is created
(core.classes.withholding says why those are the ones held).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gradquiz.core.classes import ClassExam, Withholding, next_change, withholding
from gradquiz.storage import classes as store
from gradquiz.storage.database import Database

# Seconds between readings of the class exams: a query every two seconds per process costs
# nothing measurable, and bounds how stale another process's view can be.
REREAD = 2.0


@dataclass(frozen=True)
class _Known:
    """What one reading found, and the withholding it gives over a span of time."""

    exams: tuple[ClassExam, ...]
    read_at: float  # the reading's time in ticks
    withholding: Withholding
    since: datetime
    until: datetime | None  # when some window opens or stops holding (None: never)

    def holds_at(self, now: datetime) -> bool:
        """Whether `withholding` is the one at `now`."""
        return self.since <= now and (self.until is None or now < self.until)


class ClassWindows:
    """Which questions the pack's open class windows hold back now, cached per process."""

    def __init__(
        self,
        database: Database,
        pack_id: str,
        grace: timedelta,
        clock: Callable[[], datetime],
        reread: float = REREAD,
        ticks: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.pack_id = pack_id
        self.grace = grace
        self.clock = clock  # the service's time, which windows open and close by
        self.reread = reread
        self.ticks = ticks  # seconds on the process's own clock, which REREAD counts in
        self._known: _Known | None = None

    def now(self) -> Withholding:
        """The withholding at this moment (no query unless REREAD has passed)."""
        now, known = self.clock(), self._known
        if known is None or self.ticks() - known.read_at >= self.reread:
            known = self._read(now)
        elif not known.holds_at(now):
            known = self._at(known.exams, known.read_at, now)
        return known.withholding

    def forget(self) -> None:
        """Read the class exams again at the next request (one was created or closed)."""
        self._known = None

    def _read(self, now: datetime) -> _Known:
        read_at = self.ticks()
        with self.database.reading() as session:
            exams = store.class_exams_closing_after(
                session=session, pack_id=self.pack_id, after=now - self.grace
            )
        return self._at(tuple(exams), read_at, now)

    def _at(self, exams: tuple[ClassExam, ...], read_at: float, now: datetime) -> _Known:
        known = _Known(
            exams=exams,
            read_at=read_at,
            withholding=withholding(exams, now, self.grace),
            since=now,
            until=next_change(exams, now, self.grace),
        )
        self._known = known
        return known

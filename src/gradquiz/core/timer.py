"""The exam clock as pure functions: `now` is always passed in."""

from datetime import datetime, timedelta


def deadline_for(started_at: datetime, minutes: int) -> datetime:
    """When an attempt started at `started_at` with `minutes` allowed runs out."""
    return started_at + timedelta(minutes=minutes)


def remaining(deadline: datetime, now: datetime) -> timedelta:
    """Time left before the deadline, never negative."""
    return max(deadline - now, timedelta(0))


def accepts_saves(deadline: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether a save made at `now` still counts: up to the deadline plus a grace for latency."""
    return now <= deadline + grace


def is_overdue(deadline: datetime, now: datetime, grace: timedelta) -> bool:
    """Whether the attempt is past its deadline and grace, so it must be submitted."""
    return not accepts_saves(deadline, now, grace)

"""The one place a service reads the wall clock; tests pass a frozen clock instead."""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The wall clock, in UTC. Only the service's edges read it."""
    return datetime.now(UTC)

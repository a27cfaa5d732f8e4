"""Sign-in throttling per username and per client address, counted in the database.

The counts live in the database every app process shares, so the limits hold however
many processes serve. Two requests racing past the same count may both be let through:
a limit is overshot by at most the number of sign-ins arriving at that same moment.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from gradquiz.core.accounts import throttled_until
from gradquiz.errors import TooManyRequests
from gradquiz.services.clock import Clock, utc_now
from gradquiz.storage import sign_in_failures as store
from gradquiz.storage.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottleLimits:
    """How many failed sign-ins count, over how long, before sign-in is refused."""

    per_account: int = 10
    per_address: int = 50
    window: timedelta = timedelta(minutes=15)


@dataclass
class SignInThrottle:
    """Refuses sign-in for a username or an address after too many recent failures."""

    database: Database
    limits: ThrottleLimits = field(default_factory=ThrottleLimits)
    clock: Clock = utc_now

    def check(self, *, username_key: str, address: str) -> None:
        """TooManyRequests if either the username or the address has failed too often."""
        now = self.clock()
        checks = (
            (store.ACCOUNT, username_key, self.limits.per_account, "for this username"),
            (store.ADDRESS, address, self.limits.per_address, "from your network address"),
        )
        with self.database.read() as session:
            for scope, key, limit, whose in checks:
                failures = store.recent_failures(
                    session=session,
                    scope=scope,
                    key=key,
                    since=now - self.limits.window,
                    limit=limit,
                )
                until = throttled_until(failures, limit=limit, window=self.limits.window, now=now)
                if until is not None:
                    wait = until - now
                    raise TooManyRequests.waiting(_refusal(whose, wait), wait)

    def failed(self, *, username_key: str, address: str) -> None:
        """Count a failed sign-in against the username and the address."""
        now = self.clock()
        with self.database.write() as session:
            store.forget_failures_before(session=session, before=now - self.limits.window)
            store.record_failure(session=session, scope=store.ACCOUNT, key=username_key, at=now)
            store.record_failure(session=session, scope=store.ADDRESS, key=address, at=now)
        log.info("sign-in failed: wrong username or password, from %s", address)

    def succeeded(self, *, username_key: str) -> None:
        """A right password ends the username's run of failures (the address keeps counting)."""
        with self.database.write() as session:
            store.forget_failures(session=session, scope=store.ACCOUNT, key=username_key)


def _refusal(whose: str, wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    later = "in a minute" if minutes == 1 else f"in {minutes} minutes"
    return f"Too many failed sign-ins {whose}; try again {later}."

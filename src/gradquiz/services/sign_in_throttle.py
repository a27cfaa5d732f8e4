"""Sign-in throttling per username and per client address, counted in the database.

Every sign-in is counted as a failure before its password is checked: in one transaction
that holds the username's and the address's counts (so no other process counts them
meanwhile), the recent failures are read and, if neither limit is reached, one more is
recorded. Only then is the password hashed, and a right one takes its count back. However
many sign-ins arrive at once, on however many processes, no more passwords are checked
than the limits allow.
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


@dataclass(frozen=True)
class Reservation:
    """A sign-in the throttle let through, counted as failed until its password is right."""

    username_key: str
    address: str
    username_failure: int  # the ids of its rows in the username's and the address's counts
    address_failure: int


@dataclass
class SignInThrottle:
    """Refuses sign-in for a username or an address after too many recent failures."""

    database: Database
    limits: ThrottleLimits = field(default_factory=ThrottleLimits)
    clock: Clock = utc_now

    def reserve(self, *, username_key: str, address: str) -> Reservation:
        """Count this sign-in as failed now, before its password is checked; TooManyRequests
        (and nothing counted) if the username or the address is at its limit."""
        now = self.clock()
        counts = (
            (store.ACCOUNT, username_key, self.limits.per_account, "for this username"),
            (store.ADDRESS, address, self.limits.per_address, "from your network address"),
        )
        with self.database.write() as session:
            # Always the username first, then the address: two sign-ins never hold one each.
            for scope, key, limit, whose in counts:
                store.hold_count(session=session, scope=scope, key=key)
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
            reservation = Reservation(
                username_key,
                address,
                store.record_failure(
                    session=session, scope=store.ACCOUNT, key=username_key, at=now
                ),
                store.record_failure(session=session, scope=store.ADDRESS, key=address, at=now),
            )
            store.forget_failures_before(session=session, before=now - self.limits.window)
        return reservation

    def failed(self, reservation: Reservation) -> None:
        """The password was wrong: the sign-in stays counted against username and address."""
        log.info("sign-in failed: wrong username or password, from %s", reservation.address)

    def succeeded(self, reservation: Reservation) -> None:
        """A right password ends the username's run of failures up to it (sign-ins counted
        after it, still being checked, count on) and takes back its count against the
        address (which keeps counting the others)."""
        with self.database.write() as session:
            store.forget_failures(
                session=session,
                scope=store.ACCOUNT,
                key=reservation.username_key,
                up_to=reservation.username_failure,
            )
            store.forget_failure(session=session, failure_id=reservation.address_failure)


def _refusal(whose: str, wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    later = "in a minute" if minutes == 1 else f"in {minutes} minutes"
    return f"Too many failed sign-ins {whose}; try again {later}."

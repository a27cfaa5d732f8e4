"""Failed sign-ins counted in the database: per username, per address, for a window."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gradquiz.core.packs import Pack
from gradquiz.errors import InvalidInput, TooManyRequests
from gradquiz.services.accounts import AccountService
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.services.sign_in_throttle import SignInThrottle, ThrottleLimits
from gradquiz.storage.database import Database
from gradquiz.storage.models import SignInFailureRow
from tests.factories import CHEAP_HASHER, FrozenClock
from tests.services.test_accounts import PASSWORD, sign_in, sign_up

LIMITS = ThrottleLimits(per_account=10, per_address=50, window=timedelta(minutes=15))


@pytest.fixture
def throttle(database: Database, clock: FrozenClock) -> SignInThrottle:
    return SignInThrottle(database, LIMITS, clock)


def fail(
    throttle: SignInThrottle, times: int, name: str = "ada", address: str = "192.0.2.1"
) -> None:
    for _ in range(times):
        throttle.failed(throttle.reserve(username_key=name, address=address))


def succeed(throttle: SignInThrottle, name: str = "ada", address: str = "192.0.2.1") -> None:
    throttle.succeeded(throttle.reserve(username_key=name, address=address))


def test_ten_wrong_passwords_in_a_row_shut_sign_in_until_the_first_ages_out(
    throttle: SignInThrottle, clock: FrozenClock
) -> None:
    first = clock()
    fail(throttle, 1)
    clock.advance(minutes=1)
    fail(throttle, 9)
    with pytest.raises(TooManyRequests, match="for this username; try again in 14 minutes") as shut:
        throttle.reserve(username_key="ada", address="198.51.100.7")  # from anywhere
    waited = first + LIMITS.window - clock()
    assert int(shut.value.headers["Retry-After"]) in (waited.seconds, waited.seconds + 1)
    succeed(throttle, "bob")  # other names are not affected
    clock.advance(minutes=14)
    succeed(throttle)


def test_a_right_password_ends_the_run_of_wrong_ones(
    throttle: SignInThrottle, database: Database
) -> None:
    fail(throttle, 9)
    succeed(throttle)
    fail(throttle, 9)
    succeed(throttle)
    with database.read() as session:  # the address counts only the 18 wrong ones
        counted = select(SignInFailureRow.scope, func.count()).group_by(SignInFailureRow.scope)
        assert dict(session.execute(counted).all()) == {"address": 18}  # type: ignore[arg-type]


def test_one_address_trying_many_usernames_is_shut_out_and_others_are_not(
    throttle: SignInThrottle,
) -> None:
    for n in range(50):
        fail(throttle, 1, name=f"user-{n}")
    with pytest.raises(TooManyRequests, match="from your network address"):
        throttle.reserve(username_key="someone-new", address="192.0.2.1")
    succeed(throttle, "user-1", "192.0.2.2")  # a right password elsewhere does not reopen it
    with pytest.raises(TooManyRequests):
        throttle.reserve(username_key="user-1", address="192.0.2.1")


def test_failures_are_forgotten_once_they_no_longer_count(
    throttle: SignInThrottle, clock: FrozenClock, database: Database
) -> None:
    fail(throttle, 5)
    clock.advance(minutes=16)
    fail(throttle, 1)
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(SignInFailureRow)) == 2


def test_a_throttled_account_is_refused_even_the_right_password(
    accounts: AccountService,
) -> None:
    account = sign_up(accounts).account
    for _ in range(10):
        with pytest.raises(InvalidInput):
            sign_in(accounts, password="not the password")
    for name in ("ada", "ADA"):
        with pytest.raises(TooManyRequests):
            sign_in(accounts, name, PASSWORD)
    with pytest.raises(TooManyRequests):  # the password form is no way around it
        accounts.change_password(
            account=account, current=PASSWORD, new="x" * 12, repeated="x" * 12, address="192.0.2.9"
        )


class CountedPasswords(Passwords):
    """argon2id at its cheapest, each check held a little longer (as a real hash is) and
    counted: how many guesses the throttle let be evaluated."""

    def __init__(self) -> None:
        super().__init__(CHEAP_HASHER)
        self.checked = 0
        self._counting = threading.Lock()

    def verify(self, stored: str | None, password: str) -> bool:
        with self._counting:
            self.checked += 1
        time.sleep(0.01)
        return super().verify(stored, password)


@pytest.fixture
def worker_processes(
    database: Database, clock: FrozenClock, pack: Pack
) -> Iterator[Callable[[ThrottleLimits], list[AccountService]]]:
    """Two account services with engines of their own, as two server processes have."""
    made: list[Database] = []

    def two(limits: ThrottleLimits) -> list[AccountService]:
        made.extend(Database(database.url.render_as_string(hide_password=False)) for _ in "ab")
        return [
            AccountService(
                exam=ExamService(database=own, pack=pack, clock=clock),
                passwords=CountedPasswords(),
                limits=limits,
                clock=clock,
            )
            for own in made[-2:]
        ]

    yield two
    for own in made:
        own.dispose()


def burst(services: list[AccountService], tries: list[tuple[str, str]]) -> Counter[str]:
    """Every (username, password) tried at once, alternating between the services; how each
    ended: "signed in", "wrong" or "throttled"."""
    start = threading.Barrier(len(tries))

    def attempt(n: int) -> str:
        name, password = tries[n]
        start.wait()
        try:
            services[n % 2].sign_in(
                username=name, password=password, address="192.0.2.1", browser=None, ending=None
            )
        except TooManyRequests:
            return "throttled"
        except InvalidInput:
            return "wrong"
        return "signed in"

    with ThreadPoolExecutor(max_workers=len(tries)) as pool:
        return Counter(pool.map(attempt, range(len(tries))))


def test_a_burst_at_one_username_has_no_more_guesses_checked_than_the_limit(
    worker_processes: Callable[[ThrottleLimits], list[AccountService]],
) -> None:
    limits = ThrottleLimits(per_account=5, per_address=1000, window=timedelta(minutes=15))
    services = worker_processes(limits)
    sign_up(services[0])
    ended = burst(services, [("ada", f"guess number {n}") for n in range(30)])
    checked = sum(s.passwords.checked for s in services)  # type: ignore[attr-defined]
    assert checked == ended["wrong"] <= limits.per_account, ended
    assert ended["throttled"] == 30 - checked
    with pytest.raises(TooManyRequests):  # the right password comes too late
        sign_in(services[1])


def test_a_right_password_in_a_burst_forgets_only_the_guesses_counted_before_it(
    worker_processes: Callable[[ThrottleLimits], list[AccountService]],
) -> None:
    limits = ThrottleLimits(per_account=5, per_address=1000, window=timedelta(minutes=15))
    services = worker_processes(limits)
    sign_up(services[0])
    tries = [("ada", PASSWORD)] + [("ada", f"guess number {n}") for n in range(29)]
    ended = burst(services, tries)
    checked = sum(s.passwords.checked for s in services)  # type: ignore[attr-defined]
    # Each wrong guess is checked only while fewer than 5 are counted: at most 5 before the
    # right password's turn, and 5 after it ended the run.
    assert (
        ended["wrong"] <= 2 * limits.per_account and checked == ended["wrong"] + ended["signed in"]
    ), ended
    assert ended["throttled"] == 30 - checked


def test_a_burst_from_one_address_has_no_more_guesses_checked_than_its_limit(
    worker_processes: Callable[[ThrottleLimits], list[AccountService]],
) -> None:
    limits = ThrottleLimits(per_account=1000, per_address=8, window=timedelta(minutes=15))
    services = worker_processes(limits)
    ended = burst(services, [(f"name-{n}", "a guess at it") for n in range(30)])
    checked = sum(s.passwords.checked for s in services)  # type: ignore[attr-defined]
    assert checked == ended["wrong"] <= limits.per_address, ended
    assert ended["throttled"] == 30 - checked

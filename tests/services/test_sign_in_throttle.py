"""Failed sign-ins counted in the database: per username, per address, for a window."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from gradquiz.errors import InvalidInput, TooManyRequests
from gradquiz.services.accounts import AccountService
from gradquiz.services.sign_in_throttle import SignInThrottle, ThrottleLimits
from gradquiz.storage.database import Database
from gradquiz.storage.models import SignInFailureRow
from tests.factories import FrozenClock
from tests.services.test_accounts import PASSWORD, sign_in, sign_up

LIMITS = ThrottleLimits(per_account=10, per_address=50, window=timedelta(minutes=15))


@pytest.fixture
def throttle(database: Database, clock: FrozenClock) -> SignInThrottle:
    return SignInThrottle(database, LIMITS, clock)


def fail(
    throttle: SignInThrottle, times: int, name: str = "ada", address: str = "192.0.2.1"
) -> None:
    for _ in range(times):
        throttle.check(username_key=name, address=address)
        throttle.failed(username_key=name, address=address)


def test_ten_wrong_passwords_in_a_row_shut_sign_in_until_the_first_ages_out(
    throttle: SignInThrottle, clock: FrozenClock
) -> None:
    first = clock()
    fail(throttle, 1)
    clock.advance(minutes=1)
    fail(throttle, 9)
    with pytest.raises(TooManyRequests, match="for this username; try again in 14 minutes") as shut:
        throttle.check(username_key="ada", address="198.51.100.7")  # from anywhere
    waited = first + LIMITS.window - clock()
    assert int(shut.value.headers["Retry-After"]) in (waited.seconds, waited.seconds + 1)
    throttle.check(username_key="bob", address="192.0.2.1")  # other names are not affected
    clock.advance(minutes=14)
    throttle.check(username_key="ada", address="192.0.2.1")


def test_a_right_password_ends_the_run_of_wrong_ones(throttle: SignInThrottle) -> None:
    fail(throttle, 9)
    throttle.succeeded(username_key="ada")
    fail(throttle, 9)
    throttle.check(username_key="ada", address="192.0.2.1")


def test_one_address_trying_many_usernames_is_shut_out_and_others_are_not(
    throttle: SignInThrottle,
) -> None:
    for n in range(50):
        fail(throttle, 1, name=f"user-{n}")
    with pytest.raises(TooManyRequests, match="from your network address"):
        throttle.check(username_key="someone-new", address="192.0.2.1")
    throttle.check(username_key="someone-new", address="192.0.2.2")
    throttle.succeeded(username_key="user-1")  # a right password elsewhere does not reopen it
    with pytest.raises(TooManyRequests):
        throttle.check(username_key="user-1", address="192.0.2.1")


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

"""Usernames, passwords and when a throttled sign-in opens again."""

from datetime import UTC, datetime, timedelta
from itertools import islice

import pytest

from gradquiz.core.accounts import (
    checked_password,
    checked_username,
    throttled_until,
    username_key,
)
from gradquiz.errors import InvalidInput

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


@pytest.mark.parametrize("name", ["ada", "Ada.Lovelace", "x_1-2", "a" * 32, "007"])
def test_usernames_that_follow_the_rule_are_kept_as_typed(name: str) -> None:
    assert checked_username(f"  {name} ") == name


@pytest.mark.parametrize(
    "name", ["ab", "a" * 33, "_ada", ".ada", "ada lovelace", "adä", "аda", "ada@home", ""]
)
def test_usernames_that_break_the_rule_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(InvalidInput, match="3 to 32 characters"):
        checked_username(name)


def test_a_control_character_in_a_username_is_named() -> None:
    with pytest.raises(InvalidInput, match="U\\+0000"):
        checked_username("ada\x00")


def test_usernames_compare_without_case() -> None:
    assert username_key(" Ada.Lovelace ") == username_key("ada.lovelace") == "ada.lovelace"


def test_no_character_outside_ascii_folds_into_a_username_key() -> None:
    # Every code point past ASCII but the surrogates: sign-up keeps only ASCII names, so a
    # key is reachable only from the name itself, in either case.
    beyond = "".join(chr(p) for p in range(0x80, 0x110000) if not 0xD800 <= p <= 0xDFFF)
    if username_key(f"a{beyond}a") != f"a{beyond}a":  # then name a few, one at a time
        folded = (f"U+{ord(c):04X}" for c in beyond if username_key(f"a{c}a") != f"a{c}a")
        pytest.fail(f"username_key changes {', '.join(islice(folded, 5))}, …")
    assert username_key("\u212aelvin") != username_key("Kelvin") == "kelvin"


def test_passwords_are_kept_exactly_and_checked_for_length_and_the_username() -> None:
    assert checked_password("  ten chars ", username="ada") == "  ten chars "
    with pytest.raises(InvalidInput, match="at least 10"):
        checked_password("short", username="ada")
    with pytest.raises(InvalidInput, match="at most 256"):
        checked_password("x" * 257, username="ada")
    with pytest.raises(InvalidInput, match="other than your username"):
        checked_password("Ada.Lovelace", username="ada.lovelace")
    with pytest.raises(InvalidInput, match="control character"):
        checked_password("tab\tis fine but not\x07", username="ada")


def test_throttle_opens_when_the_limit_th_newest_failure_ages_out() -> None:
    failures = [NOW - timedelta(minutes=m) for m in (1, 2, 3, 14, 20)]  # newest first
    assert throttled_until(failures, limit=5, window=WINDOW, now=NOW) is None  # 20 min is out
    assert throttled_until(failures, limit=4, window=WINDOW, now=NOW) == NOW + timedelta(minutes=1)
    assert throttled_until(failures, limit=3, window=WINDOW, now=NOW) == NOW + timedelta(minutes=12)
    assert throttled_until([], limit=1, window=WINDOW, now=NOW) is None

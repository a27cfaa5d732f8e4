"""The LTI service's parts on their own: the key set cache, server-side state used once by
one of many racing takers, and platform registration's checks."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gradquiz.errors import InvalidInput
from gradquiz.services.lti import KeySets, LaunchStore, LtiRefused, LtiService
from gradquiz.storage.database import Database
from tests.factories import FrozenClock


def test_a_key_set_is_kept_and_fetched_again_for_an_unknown_kid_at_most_so_often(
    clock: FrozenClock,
) -> None:
    served: list[dict[str, Any]] = [{"keys": [{"kid": "a"}]}]
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        fetched.append(url)
        return served[-1]

    sets = KeySets(fetch, clock=clock, refresh_seconds=10)
    assert sets.get("u", "a") == {"keys": [{"kid": "a"}]} and fetched == ["u"]
    assert sets.get("u", "a") and fetched == ["u"]  # known: kept
    served.append({"keys": [{"kid": "b"}]})
    assert sets.get("u", "b") == {"keys": [{"kid": "a"}]}  # unknown, but fetched just now
    clock.advance(seconds=10)
    assert sets.get("u", "b") == {"keys": [{"kid": "b"}]} and len(fetched) == 2
    clock.advance(days=1)
    assert sets.get("u", "b") and len(fetched) == 3  # a day old: fetched again anyway


def test_a_key_set_that_is_not_one_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(LtiRefused, match="not a JSON key set"):
        KeySets(lambda url: {"keys": "none"}, clock=clock).get("u", "a")


def test_of_twenty_racing_takers_one_gets_a_nonce(database: Database, clock: FrozenClock) -> None:
    store = LaunchStore(database, clock)
    store.put("nonce-n", True, 60)
    start = threading.Barrier(20)

    def take(_: int) -> Any:
        start.wait()
        return store.take("nonce-n")

    with ThreadPoolExecutor(20) as pool:
        taken = list(pool.map(take, range(20)))
    assert taken.count(True) == 1 and taken.count(None) == 19


def test_state_expires(database: Database, clock: FrozenClock) -> None:
    store = LaunchStore(database, clock)
    store.put("state-s", {"nonce": "n"}, 600)
    clock.advance(seconds=599)
    assert store.get("state-s") == {"nonce": "n"}
    clock.advance(seconds=1)
    assert store.get("state-s") is None and store.take("state-s") is None


def test_a_platform_needs_its_deployments_and_https_addresses(
    database: Database, clock: FrozenClock
) -> None:
    lti = LtiService(database, clock)
    good = {
        "issuer": "https://lms.example",
        "client_id": "c",
        "deployment_ids": ["1"],
        "auth_login_url": "https://lms.example/auth",
        "auth_token_url": "https://lms.example/token",
        "jwks_url": "https://lms.example/jwks",
    }
    with pytest.raises(InvalidInput, match="at least one deployment id"):
        lti.add_platform(**{**good, "deployment_ids": []})
    with pytest.raises(InvalidInput, match="https://"):
        lti.add_platform(**{**good, "auth_token_url": "ftp://lms.example/token"})
    lti.add_platform(**good)
    assert [p.deployment_ids for p in lti.platforms()] == [("1",)]
    assert lti.origins() == frozenset({"https://lms.example"})
    assert lti.platform("https://lms.example", None) is not None  # its only client id
    lti.add_platform(**{**good, "client_id": "d"})
    assert lti.platform("https://lms.example", None) is None  # which one? none
    lti.remove_platform(issuer="https://lms.example", client_id="c")
    assert [p.client_id for p in lti.platforms()] == ["d"]

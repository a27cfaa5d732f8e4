"""Password hashes: argon2id with RFC 9106's parameters, and as slow for unknown usernames."""

import time

from gradquiz.services.passwords import Passwords


def test_hashes_are_argon2id_with_64_mib_3_passes_4_lanes_and_verify() -> None:
    passwords = Passwords()
    hashed = passwords.hash("correct horse battery")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.hash("correct horse battery") != hashed  # salted
    assert passwords.verify(hashed, "correct horse battery")
    assert not passwords.verify(hashed, "correct horse batterY")
    assert not passwords.verify("not a hash", "correct horse battery")
    assert not passwords.needs_rehash(hashed)


def test_checking_against_no_hash_costs_a_real_check_and_always_fails() -> None:
    passwords = Passwords()
    hashed = passwords.hash("correct horse battery")
    passwords.verify(None, "warm up")  # the stand-in hash is made on first use
    timings = {}
    for name, stored in (("known", hashed), ("unknown", None)):
        started = time.perf_counter()
        for _ in range(3):
            assert not passwords.verify(stored, "a wrong guess")
        timings[name] = time.perf_counter() - started
    assert 0.33 < timings["unknown"] / timings["known"] < 3

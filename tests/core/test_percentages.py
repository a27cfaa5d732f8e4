"""Whole percentages round a half up, never to the even neighbour."""

from decimal import ROUND_HALF_UP, Decimal

from gradquiz.core.percentages import whole_percent
from gradquiz.core.scoring import Tally


def test_eighths_round_half_up() -> None:
    assert [whole_percent(k, 8) for k in range(9)] == [0, 13, 25, 38, 50, 63, 75, 88, 100]
    assert (Tally(1, 8).percent, Tally(5, 8).percent, Tally(3, 8).percent) == (13, 63, 38)


def test_every_share_of_up_to_200_matches_decimal_half_up() -> None:
    for whole in range(1, 201):
        for part in range(whole + 1):
            exact = (Decimal(100 * part) / Decimal(whole)).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            if 0 < part < whole:  # 100 % and 0 % only for all and none (test below)
                exact = min(max(exact, Decimal(1)), Decimal(99))
            assert whole_percent(part, whole) == int(exact), (part, whole)


def test_a_float_share_counts_as_the_decimal_it_prints_as() -> None:
    # 0.015 is 0.01499999… in binary: round(100 * 0.015) and "%.0f" give 1.
    assert [whole_percent(s) for s in (0.125, 0.625, 0.375, 0.015, 0.285, 0.9, 0.25)] == [
        13, 63, 38, 2, 29, 90, 25
    ]  # fmt: skip


def test_an_empty_group_is_zero_and_a_negative_half_rounds_away_from_zero() -> None:
    assert whole_percent(0, 0) == 0 and Tally(0, 0).percent == 0
    assert whole_percent(-1, 8) == -13


def test_100_and_0_percent_are_kept_for_all_and_none() -> None:
    # 199 of 200 right read "100%".
    assert whole_percent(199, 200) == 99 and whole_percent(399, 400) == 99
    assert whole_percent(1, 1000) == 1 and whole_percent(-1, 1000) == -1
    assert whole_percent(200, 200) == 100 and whole_percent(0, 200) == 0
    for whole in range(1, 401):
        for part in range(1, whole):
            assert 1 <= whole_percent(part, whole) <= 99, (part, whole)

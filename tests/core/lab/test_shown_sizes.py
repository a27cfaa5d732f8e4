"""Bounds and counts in the lab's messages are written as its pages write numbers."""

import sys

import pytest

from gradquiz.core.lab.numbers import number_word, shown_size


@pytest.mark.parametrize(
    ("limit", "shown"),
    [
        (1e6, "10⁶"),
        (1e-99, "10⁻⁹⁹"),
        (1.0, "10⁰"),
        (2.5e6, "2.5 × 10⁶"),
        (sys.float_info.max, "the largest float, about 1.8 × 10³⁰⁸"),
    ],
)
def test_a_bound_is_a_power_of_ten_not_python_s_e_notation(limit: float, shown: str) -> None:
    assert shown_size(limit) == shown


def test_small_counts_are_words_and_larger_ones_figures() -> None:
    assert [number_word(n) for n in (2, 6, 10, 11)] == ["two", "six", "ten", "11"]

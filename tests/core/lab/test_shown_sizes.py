"""Bounds and counts in the lab's messages are written as its pages write numbers."""

import sys

import pytest

from gradquiz.core.lab.numbers import (
    about_power_of_ten,
    number_word,
    page_form,
    shown_number,
    shown_size,
    written_number,
)
from tests.core.lab.test_your_turn import expression_graph


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


@pytest.mark.parametrize(
    ("value", "figures", "text"),
    [
        (1e200, 4, "1 × 10²⁰⁰"),  # before: "1e+200"
        (0.1, 1, "0.1"),  # before, in the step column: "1e-01"
        (1e-5, 1, "1 × 10⁻⁵"),
        (6.4213e-8, 3, "6.42 × 10⁻⁸"),  # before: "6.42e-08"
        (-1.5, 4, "−1.5"),  # before: "-1.5", a hyphen
        (-0.0, 4, "0"),
        (1234.5, 4, "1234"),
        (12345.0, 4, "1.234 × 10⁴"),
    ],
)
def test_shown_number_writes_powers_of_ten_and_minus_signs_as_the_pages_do(
    value: float, figures: int, text: str
) -> None:
    assert shown_number(value, figures) == text


def test_page_form_about_power_of_ten_and_written_number() -> None:
    assert page_form("5.09e-88") == "5.09 × 10⁻⁸⁸" and page_form("-1.0e-400") == "−1 × 10⁻⁴⁰⁰"
    assert page_form("-0.25") == "−0.25"
    assert about_power_of_ten(347.4) == "2.5 × 10³⁴⁷"  # before: "10^347.4"
    assert about_power_of_ten(2.99999) == "1 × 10³"
    # A typed number echoed whole while short, as a × 10ᵏ with every digit once long.
    assert written_number(12345.5) == "12345.5" and written_number(-0.5) == "−0.5"
    assert written_number(4e6) == "4000000"
    assert written_number(1e-300) == "1 × 10⁻³⁰⁰"  # before: 302 characters
    assert written_number(123456789012345678901) == "1.2345678901234568 × 10²⁰"
    # Written out where that pads nothing (never "6.966119332414819 × 10⁻¹" or "× 10⁰"), and
    # every digit kept: a shorter rounding names another number (0.1234567890123456 was
    # echoed as 0.123456789, and −0.9999999999999999 as −1).
    assert written_number(0.6966119332414819) == "0.6966119332414819"
    assert written_number(-1.411764705882353) == "−1.411764705882353"
    assert written_number(0.1234567890123456) == "0.1234567890123456"
    assert written_number(-0.9999999999999999) == "−0.9999999999999999"
    assert written_number(1.2345678901234567e-4) == "1.2345678901234567 × 10⁻⁴"
    assert written_number(1.108799966736) == "1.108799966736"


def test_the_power_rule_is_written_with_minus_signs() -> None:
    # "-2·x^-3" with hyphens beside the pages' U+2212.
    graph = expression_graph("x**-2*y", x=2.0, y=1.0)
    rules = [edge.rule for edge in graph.edges]
    assert "−2·x^−3" in rules, rules

"""Numeric options OPTION_SPACING apart leave no number within the typed tolerance of two."""

import itertools
import random

import pytest

from gradquiz.core.option_spacing import (
    OPTION_SPACING,
    TYPED_TOLERANCE,
    checkable_figures,
    relative_error,
    shown_number,
    spacing_problems,
    within_tolerance,
)
from gradquiz.core.questions import Option


def options(*shown: tuple[str, float]) -> list[Option]:
    return [Option(f"o{i}", text, f"mistake {i}", value=v) for i, (text, v) in enumerate(shown)]


def _region(value: float) -> tuple[float, float]:
    """Every number whose relative_error to `value` is within the tolerance, ends included."""
    low, high = value * (1 - TYPED_TOLERANCE), value / (1 - TYPED_TOLERANCE)
    return (low, high) if value > 0 else (high, low)


def test_the_spacing_is_twice_the_tolerance_and_regions_never_touch() -> None:
    assert OPTION_SPACING == 2 * TYPED_TOLERANCE
    for value in (1e-9, 0.013, 1.0, 2.108, 777.0, 3e5):
        for sign in (1, -1):
            v = sign * value
            u = v / (1 - OPTION_SPACING)  # the nearest option the rule allows beyond v
            assert relative_error(u, v) >= OPTION_SPACING * (1 - 1e-12)
            (v_low, v_high), (u_low, u_high) = _region(v), _region(u)
            assert v_high < u_low if v > 0 else u_high < v_low
            # The ends of each region are within the tolerance of it and not of the other.
            for end in (v_low, v_high):
                assert relative_error(end, v) <= TYPED_TOLERANCE * (1 + 1e-12)
                assert relative_error(end, u) > TYPED_TOLERANCE


def test_options_closer_than_the_spacing_are_named_with_both_values() -> None:
    problems = spacing_problems(options(("$2.1$", 2.1), ("$2.108$", 2.108), ("$3$", 3.0)))
    assert problems == [
        "options 'o0' (2.1) and 'o1' (2.108) are 0.38% apart; a typed number needs them 2% apart",
        "options 'o0' (2.1) and 'o1' (2.108) are 0.38% apart as shown; a typed number needs "
        "them 2% apart",
    ]
    assert spacing_problems(options(("$1$", 1.0), ("$1.03$", 1.03), ("$-1$", -1.0))) == []


def test_values_apart_but_shown_too_close_are_a_problem() -> None:
    # 1.0 and 1.0205 are 2.01 % apart; shown to three figures, 1 and 1.02 are 1.96 %.
    problems = spacing_problems(options(("$1$", 1.0), ("$1.02$", 1.0205)))
    assert len(problems) == 1 and problems[0].endswith(
        "apart as shown; a typed number needs them 2% apart"
    )


def test_an_option_must_show_a_number_that_reads_back_near_its_value() -> None:
    assert spacing_problems(options(("$1$", 1.0), ("a lot", 5.0))) == [
        "option 'o1' shows no number a learner can type back"
    ]
    assert spacing_problems(options(("$1$", 1.0), ("$5.1$", 5.0))) == [
        "option 'o1' shows 5.1 for 5.0, more than 0.5% off"
    ]


def test_options_without_numbers_have_no_spacing() -> None:
    text = [Option("a", "$x$", "f"), Option("b", "$y$", "f")]
    assert spacing_problems(text) == [] and spacing_problems([]) == []


def test_shown_number_reads_the_maths_as_typing_is_read() -> None:
    assert shown_number("$1.23 \\times 10^{-5}$") == 1.23e-5
    assert shown_number("$-0.5$ per step") == -0.5
    assert shown_number("no maths") is None and shown_number("$x + 1$") is None


def test_zero_and_opposite_signs_are_always_apart() -> None:
    for first, second in itertools.permutations((0.0, 1e-9, -1e-9, 5.0, -5.0), 2):
        assert relative_error(first, second) >= OPTION_SPACING


@pytest.mark.parametrize(
    ("typed", "value", "figures"),
    [
        (-0.7902743, -0.7824497764231125, 6),  # −0.78245 agrees; −0.782 (three) would not
        (1.247034, 1.2345649, 7),  # within 1 % of 1.2345649, not of its six figures 1.23456
        (2.0, 1.0, 6),  # far from it at any figure
    ],
)
def test_a_quoted_value_has_the_figures_that_make_within_1_percent_checkable(
    typed: float, value: float, figures: int
) -> None:
    assert checkable_figures(typed, value) == figures
    quoted = float(f"{value:.{figures}g}")
    assert within_tolerance(typed, quoted) == within_tolerance(typed, value)
    fewer = float(f"{value:.{figures - 1}g}")
    assert figures == 6 or within_tolerance(typed, fewer) != within_tolerance(typed, value)


def test_the_quoted_figure_and_the_marking_agree_near_the_edge_of_1_percent() -> None:
    draw = random.Random(7)
    for _ in range(2000):
        value = draw.uniform(-10, 10)
        typed = float(
            f"{value * draw.choice([0.99, 1 / 0.99]) * (1 + draw.uniform(-1e-6, 1e-6)):.9g}"
        )
        quoted = float(f"{value:.{checkable_figures(typed, value)}g}")
        assert within_tolerance(typed, quoted) == within_tolerance(typed, value)

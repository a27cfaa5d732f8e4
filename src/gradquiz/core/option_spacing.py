"""How far apart a question's numeric options must be for a typed number to mean one of them.

A typed number counts as an option within TYPED_TOLERANCE of its value, measured as the
matcher measures it: relative_error(typed, value) = |typed − value| / max(|typed|, |value|).
For a positive option v that is every number from v(1 − tol) to v / (1 − tol). Two options
whose relative_error is at least 2 × tol leave no number within tol of both: for v < u,
u ≥ v / (1 − 2 tol) > v / (1 − tol)², so v / (1 − tol) < u(1 − tol). Options of opposite
signs, or 0 and another, are 100 % apart. The same must hold for the values as shown
(rounded to three or four figures), so that a learner working from the page cannot land
between two options either.
"""

import itertools
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from gradquiz.core.questions import Option
from gradquiz.core.typed_numbers import NumberFormError, parse_typed_number

# A typed number counts as an option within 1 % of its value: options are shown to three
# significant figures (at most 0.5 % off), and working from the stem's rounded numbers
# adds a little more.
TYPED_TOLERANCE = 0.01
# Every two numeric options of a question are at least this far apart (relative_error).
OPTION_SPACING = 2 * TYPED_TOLERANCE
_SHOWN = re.compile(r"\$([^$]+)\$")


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|), and 0 when both are 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def within_tolerance(typed: float, value: float) -> bool:
    """Whether `typed` is within TYPED_TOLERANCE of `value` as relative_error measures it,
    worked out exactly on the decimals the two floats print as (0.495, not the binary
    0.49499999999999999555…), so a number exactly 1 % off counts: in floats,
    relative_error(0.495, 0.5) is 0.010000000000000009."""
    if not (math.isfinite(typed) and math.isfinite(value)):
        return False
    return _within(Decimal(repr(typed)), Decimal(repr(value)))


def _within(typed: Decimal, value: Decimal) -> bool:
    scale = max(abs(typed), abs(value))
    return abs(typed - value) <= Decimal(repr(TYPED_TOLERANCE)) * scale


def checkable_figures(typed: float, value: float, least: int = 6) -> int:
    """The fewest significant figures, at least `least`, to quote `value` to so that `typed`
    is within TYPED_TOLERANCE of the quoted figure exactly when it is of `value` itself: a
    reader who checks "within 1 %" against the figure a page quotes then finds what the
    marking found. (−0.7902743 is within 1 % of −0.7824498 but 1.05 % from its three figures,
    −0.782; six, −0.78245, agree.) 17 figures name the float itself."""
    if not (math.isfinite(typed) and math.isfinite(value)):
        return least
    verdict = within_tolerance(typed, value)
    exact_typed = Decimal(repr(typed))
    for figures in range(least, 17):
        if _within(exact_typed, Decimal(f"{value:.{figures}g}")) == verdict:
            return figures
    return 17


def spacing_problems(options: Sequence[Option]) -> list[str]:
    """Why typed numbers could not tell `options` apart (empty when they can, or when the
    options are not numbers): two values, exact or as shown, less than OPTION_SPACING apart,
    or an option whose shown number does not read back within half the tolerance."""
    if not options or any(o.value is None for o in options):
        return []
    exact = {o.id: float(o.value) for o in options if o.value is not None}
    problems = []
    shown: dict[str, float] = {}
    for option in options:
        number = shown_number(option.text)
        if number is None:
            problems.append(f"option '{option.id}' shows no number a learner can type back")
        elif relative_error(number, exact[option.id]) > TYPED_TOLERANCE / 2:
            problems.append(
                f"option '{option.id}' shows {number!r} for {exact[option.id]!r}, more than "
                f"{TYPED_TOLERANCE / 2:.1%} off"
            )
        else:
            shown[option.id] = number
    for kind, values in (("", exact), (" as shown", shown)):
        problems.extend(_too_close(values, kind))
    return problems


def _too_close(values: dict[str, float], kind: str) -> list[str]:
    return [
        f"options '{one}' ({values[one]!r}) and '{other}' ({values[other]!r}) are "
        f"{relative_error(values[one], values[other]):.2%} apart{kind}; a typed number needs "
        f"them {OPTION_SPACING:.0%} apart"
        for (one, first), (other, second) in itertools.combinations(values.items(), 2)
        if relative_error(first, second) < OPTION_SPACING
    ]


def shown_number(text: str) -> float | None:
    """The number an option's text shows in its maths ("$2.11$", "$1.2 \\times 10^{-5}$"),
    read as a learner's typing is read; None when there is none."""
    found = _SHOWN.search(text)
    if found is None:
        return None
    try:
        return parse_typed_number(found.group(1))
    except NumberFormError:
        return None

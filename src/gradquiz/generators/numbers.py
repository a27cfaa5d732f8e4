"""Numbers for generated questions: readable formatting and independent numeric checks."""

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any, TypeAlias

import sympy

Number: TypeAlias = float | int | sympy.Expr


def fmt(value: Number, digits: int = 3) -> str:
    """A number as a learner reads it: `digits` significant figures, no float noise.

    A rounded value keeps its trailing zeros (−0.9995 reads −1.00, not −1), so it never
    passes for an exact round number; an exact one drops them (0.5, not 0.500).
    """
    number = as_float(value)
    if number == 0:
        return "0"
    text = f"{number:.{digits}g}"
    if abs(float(text) - number) > 1e-12 * abs(number):
        text = f"{number:#.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def as_float(value: Number | str) -> float:
    """`value` as the nearest float; a sympy rational by integer division, which rounds as
    float() does but without mpmath's detour (a tenth of the time every option and text
    takes)."""
    if isinstance(value, sympy.Rational):
        return int(value.p) / int(value.q)
    return float(value)


def approx(value: Number | Fraction, digits: int = 3) -> str:
    """`= v` when `digits` significant figures show `value` exactly, else `\\approx v`.

    Exact values (ints, fractions, sympy rationals) are compared exactly; floats, which carry
    rounding of their own, to a relative 1e-12.
    """
    text = fmt(float(value), digits)
    shown = _fraction(text)
    if isinstance(value, sympy.Rational | int | Fraction):
        exact = shown == Fraction(str(value))
    else:
        number = float(value)
        exact = abs(float(shown) - number) <= 1e-12 * max(1.0, abs(number))
    return f"= {text}" if exact else f"\\approx {text}"


def shown_difference(first: str, second: str) -> str:
    """`first - second` worked out exactly on the two numbers as shown, so that the
    arithmetic written on the page adds up digit for digit."""
    return _decimal_text(Decimal(first) - Decimal(second))


def _fraction(text: str) -> Fraction:
    """The exact value of a number as `fmt` writes it (plain or `m \\times 10^{e}`)."""
    if "times" not in text:
        return Fraction(text)
    mantissa, power = text.split(" \\times 10^")
    return Fraction(mantissa) * Fraction(10) ** int(power.strip("{}"))


def _decimal_text(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def centred_difference(
    function: Callable[[Sequence[float]], float],
    point: Sequence[float],
    index: int,
    step: float = 1e-5,
) -> float:
    """∂f/∂x_index at `point` by the centred difference (f(x+h) − f(x−h)) / 2h, in float64."""
    up = [float(x) for x in point]
    down = list(up)
    up[index] += step
    down[index] -= step
    return (function(up) - function(down)) / (2 * step)


@cache
def compiled(
    expression: sympy.Expr, symbols: tuple[sympy.Symbol, ...], exact: bool = False
) -> Callable[..., Any]:
    """`expression` as a fast function of `symbols`, built once: float64 arithmetic, or exact
    sympy numbers when `exact` (for rational inputs)."""
    return sympy.lambdify(symbols, expression, "sympy" if exact else "math")  # type: ignore[no-any-return]


def evaluate(
    expression: sympy.Expr, values: Mapping[sympy.Symbol, Number], exact: bool = False
) -> Any:
    """`expression` at `values`, through `compiled` (no per-call substitution)."""
    function = compiled(expression, tuple(values), exact)
    if exact:
        return function(*values.values())
    return function(*(as_float(v) for v in values.values()))

"""Numbers for generated questions: readable formatting and independent numeric checks."""

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TypeAlias

import sympy

Number: TypeAlias = float | int | sympy.Expr


def fmt(value: Number, digits: int = 3) -> str:
    """A number as a learner reads it: `digits` significant figures, no float noise."""
    number = float(value)
    if number == 0:
        return "0"
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


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
    return function(*(float(v) for v in values.values()))

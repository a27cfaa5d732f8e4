"""Every input's gradient by forward-mode differentiation in 30-digit arithmetic.

The backward pass (graphs.py) runs in float64 with the rules of operations.py. This runs over
the parsed tree instead, with the textbook rules written again here and numbers of 30
significant digits: each part carries its value and its derivative by every input (a dual
number), so one pass gives all the gradients. It is the lab's exact reference, and it costs
one step per part however deep the parts nest; sympy's derivative of the whole expression,
which it replaced on the request path, took time exponential in the nesting.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath

from gradquiz.core.lab.expressions import BinaryOp, Call, Expr, Name, Negate, Number, Power
from gradquiz.core.lab.graphs import Program
from gradquiz.core.lab.numbers import page_form

DIGITS = 30
# Where a gradient is 0 in DIGITS digits the check runs again with this many, which tells an
# exact 0 from a cancellation of terms down to about e^-2300 of their size.
WIDE_DIGITS = 1000

# A context of its own: mpmath's global one is shared by every thread (and by sympy), and
# its precision is set by whoever ran last.
_CONTEXT = mpmath.MPContext()
_CONTEXT.dps = DIGITS

Real = Any  # an mpf of _CONTEXT (mpmath has no type hints)


def context(digits: int) -> Any:
    """A context of its own with `digits` significant digits."""
    ctx = mpmath.MPContext()
    ctx.dps = digits
    return ctx


@dataclass(frozen=True)
class Dual:
    """A value and its derivative by each input, in the order of the inputs."""

    value: Real
    tangent: tuple[Real, ...]

    def scaled(self, value: Real, slope: Real) -> "Dual":
        """f(self) given f's value and its slope f′ at self.value: the chain rule."""
        return Dual(value, tuple(slope * t for t in self.tangent))


def exact_gradients(
    program: Program, values: Mapping[str, float], scales: Mapping[str, float] | None = None
) -> dict[str, float]:
    """∂output/∂input for every input in `values`, to 30 digits (NaN where undefined); with
    `scales`, 0 where it is within the pass's own rounding of its terms (`is_noise`)."""
    try:
        tangents = _tangents(_CONTEXT, program, values)
        return {
            name: 0.0 if is_noise(_CONTEXT, t, DIGITS, scales, name) else _real(_CONTEXT, t)
            for name, t in tangents.items()
        }
    except (ArithmeticError, ValueError, TypeError):
        # The float pass had a value here, but the exact one crosses a domain's edge (a log
        # of a value that float rounding kept just above 0, say): no reference to give.
        return dict.fromkeys(values, math.nan)


# Digits of a pass that its own rounding may spoil: terms that cancel exactly (0.1 + 0.2 −
# 0.3, or tanh x − (2σ(2x) − 1)) leave about 10^-digits of their size, which is noise.
NOISE_DIGITS = 10


def nonzero_gradients(
    program: Program,
    values: Mapping[str, float],
    digits: int,
    scales: Mapping[str, float] | None = None,
) -> dict[str, tuple[str, bool, float]]:
    """The inputs whose gradient is not 0 in `digits`-digit arithmetic, however small (a
    value below float64's range, such as e^-1000001, included), each to two figures, whether
    it is below the smallest float (it underflows: 0 in float64, nothing cancelled), and the
    nearest float64 to it (0.0 where it underflows): the two figures are for showing, and an
    answer is judged against the full value.
    With `scales` (the size of each gradient's terms), what is within the pass's own rounding
    of them (10^(NOISE_DIGITS − digits) × the scale) counts as 0."""
    ctx = context(digits)
    try:
        tangents = _tangents(ctx, program, values)
    except (ArithmeticError, ValueError, TypeError):
        return {}
    smallest = ctx.mpf(2) ** -1074  # the smallest positive float64 (subnormal)
    return {
        name: (page_form(ctx.nstr(t, 2)), bool(abs(t) < smallest), _nearest(ctx, t))
        for name, t in tangents.items()
        if t != 0 and not is_noise(ctx, t, digits, scales, name)
    }


def is_noise(
    ctx: Any, value: Real, digits: int, scales: Mapping[str, float] | None, name: str
) -> bool:
    """Whether `value`, a gradient in `digits`-digit arithmetic, is within that pass's own
    rounding of its terms' size (10^(NOISE_DIGITS − digits) × `scales[name]`)."""
    if not scales or not ctx.isfinite(value):
        return False
    return bool(
        abs(value) <= ctx.mpf(10) ** (NOISE_DIGITS - digits) * ctx.mpf(scales.get(name, 0.0))
    )


def _tangents(ctx: Any, program: Program, values: Mapping[str, float]) -> dict[str, Real]:
    inputs = sorted(values)
    env: dict[str, Dual] = {
        name: Dual(ctx.mpf(values[name]), _unit(ctx, index, len(inputs)))
        for index, name in enumerate(inputs)
    }
    for name, tree in program:
        env[name] = _dual(ctx, tree, env, len(inputs))
    return dict(zip(inputs, env[program[-1][0]].tangent, strict=True))


def _unit(ctx: Any, index: int, size: int) -> tuple[Real, ...]:
    return tuple(ctx.one if i == index else ctx.zero for i in range(size))


def _nearest(ctx: Any, number: Real) -> float:
    """The nearest float64 to `number` (NaN where it is not a finite real)."""
    if not (isinstance(number, ctx.mpf) and ctx.isfinite(number)):
        return math.nan
    return float(number)


def _real(ctx: Any, number: Real) -> float:
    if not (isinstance(number, ctx.mpf) and ctx.isfinite(number)):
        raise ValueError("not a finite real number")
    return float(number)


def _dual(ctx: Any, tree: Expr, env: Mapping[str, Dual], size: int) -> Dual:
    match tree:
        case Number(text=text):
            # A written number such as 0.1 means one tenth, not its nearest float.
            return Dual(ctx.mpf(text), (ctx.zero,) * size)
        case Name(name=name):
            return env[name]
        case Negate(operand=operand):
            inner = _dual(ctx, operand, env, size)
            return inner.scaled(-inner.value, -ctx.one)
        case BinaryOp(op=op, left=left, right=right):
            return combine(op, _dual(ctx, left, env, size), _dual(ctx, right, env, size))
        case Power(base=base, exponent=exponent):
            return power(ctx, _dual(ctx, base, env, size), ctx.mpf(exponent.text))
        case Call(function=function, args=args):
            return call(ctx, function, [_dual(ctx, arg, env, size) for arg in args])
    raise ValueError(f"not an expression: {tree!r}")


def combine(op: str, a: Dual, b: Dual) -> Dual:
    """a op b for op in + - * /, with its derivatives."""
    pairs = tuple(zip(a.tangent, b.tangent, strict=True))
    if op == "+":
        return Dual(a.value + b.value, tuple(s + t for s, t in pairs))
    if op == "-":
        return Dual(a.value - b.value, tuple(s - t for s, t in pairs))
    if op == "*":
        return Dual(a.value * b.value, tuple(s * b.value + a.value * t for s, t in pairs))
    square = b.value * b.value
    return Dual(a.value / b.value, tuple((s * b.value - a.value * t) / square for s, t in pairs))


def power(ctx: Any, base: Dual, exponent: Real) -> Dual:
    """base ** exponent (a constant exponent), with its derivatives."""
    # A whole exponent keeps a negative base real; mpmath would go complex otherwise.
    n = int(exponent) if exponent == int(exponent) else exponent
    if n == 0:  # u**0 is the constant 1, whose slope is 0 at u = 0 too
        return base.scaled(ctx.one, ctx.zero)
    return base.scaled(ctx.power(base.value, n), n * ctx.power(base.value, n - 1))


def call(ctx: Any, function: str, args: Sequence[Dual]) -> Dual:
    """One of the lab's functions (exp, log, sigmoid, tanh, relu, max), with its derivatives."""
    a = args[0]
    if function == "exp":
        value = ctx.exp(a.value)
        return a.scaled(value, value)
    if function == "log":
        if not a.value > 0:
            raise ValueError("log of a number that is not positive")
        return a.scaled(ctx.log(a.value), 1 / a.value)
    if function == "sigmoid":
        value = 1 / (1 + ctx.exp(-a.value))
        # σ(1 − σ) as e^-|z| / (1 + e^-|z|)²: no 1 − σ that rounds to 0 at z = 200.
        tail = ctx.exp(-abs(a.value))
        return a.scaled(value, tail / (1 + tail) ** 2)
    if function == "tanh":
        value = ctx.tanh(a.value)
        return a.scaled(value, 1 / ctx.cosh(a.value) ** 2)  # 1 − tanh², without cancelling
    if function == "relu":
        return a if a.value > 0 else a.scaled(ctx.zero, ctx.zero)
    # max: the first of the largest takes the gradient, as the backward pass does at a tie.
    largest = max(range(len(args)), key=lambda i: (args[i].value, -i))
    return args[largest]

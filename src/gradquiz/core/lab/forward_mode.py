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

DIGITS = 30

# A context of its own: mpmath's global one is shared by every thread (and by sympy), and
# its precision is set by whoever ran last.
_CONTEXT = mpmath.MPContext()
_CONTEXT.dps = DIGITS

Real = Any  # an mpf of _CONTEXT (mpmath has no type hints)


@dataclass(frozen=True)
class Dual:
    """A value and its derivative by each input, in the order of the inputs."""

    value: Real
    tangent: tuple[Real, ...]

    def scaled(self, value: Real, slope: Real) -> "Dual":
        """f(self) given f's value and its slope f′ at self.value: the chain rule."""
        return Dual(value, tuple(slope * t for t in self.tangent))


def exact_gradients(program: Program, values: Mapping[str, float]) -> dict[str, float]:
    """∂output/∂input for every input in `values`, to 30 digits (NaN where undefined)."""
    inputs = sorted(values)
    env: dict[str, Dual] = {
        name: Dual(_CONTEXT.mpf(values[name]), _unit(index, len(inputs)))
        for index, name in enumerate(inputs)
    }
    try:
        for name, tree in program:
            env[name] = _dual(tree, env, len(inputs))
        output = env[program[-1][0]]
        gradients = [_real(t) for t in output.tangent]
    except (ArithmeticError, ValueError, TypeError):
        # The float pass had a value here, but the exact one crosses a domain's edge (a log
        # of a value that float rounding kept just above 0, say): no reference to give.
        gradients = [math.nan] * len(inputs)
    return dict(zip(inputs, gradients, strict=True))


def _unit(index: int, size: int) -> tuple[Real, ...]:
    return tuple(_CONTEXT.one if i == index else _CONTEXT.zero for i in range(size))


def _real(number: Real) -> float:
    if not (isinstance(number, _CONTEXT.mpf) and _CONTEXT.isfinite(number)):
        raise ValueError("not a finite real number")
    return float(number)


def _dual(tree: Expr, env: Mapping[str, Dual], size: int) -> Dual:
    match tree:
        case Number(text=text):
            # A written number such as 0.1 means one tenth, not its nearest float.
            return Dual(_CONTEXT.mpf(text), (_CONTEXT.zero,) * size)
        case Name(name=name):
            return env[name]
        case Negate(operand=operand):
            inner = _dual(operand, env, size)
            return inner.scaled(-inner.value, -_CONTEXT.one)
        case BinaryOp(op=op, left=left, right=right):
            return _arithmetic(op, _dual(left, env, size), _dual(right, env, size))
        case Power(base=base, exponent=exponent):
            return _power(_dual(base, env, size), _CONTEXT.mpf(exponent.text))
        case Call(function=function, args=args):
            return _call(function, [_dual(arg, env, size) for arg in args])
    raise ValueError(f"not an expression: {tree!r}")


def _arithmetic(op: str, a: Dual, b: Dual) -> Dual:
    pairs = tuple(zip(a.tangent, b.tangent, strict=True))
    if op == "+":
        return Dual(a.value + b.value, tuple(s + t for s, t in pairs))
    if op == "-":
        return Dual(a.value - b.value, tuple(s - t for s, t in pairs))
    if op == "*":
        return Dual(a.value * b.value, tuple(s * b.value + a.value * t for s, t in pairs))
    square = b.value * b.value
    return Dual(a.value / b.value, tuple((s * b.value - a.value * t) / square for s, t in pairs))


def _power(base: Dual, exponent: Real) -> Dual:
    # A whole exponent keeps a negative base real; mpmath would go complex otherwise.
    n = int(exponent) if exponent == int(exponent) else exponent
    return base.scaled(_CONTEXT.power(base.value, n), n * _CONTEXT.power(base.value, n - 1))


def _call(function: str, args: Sequence[Dual]) -> Dual:
    a = args[0]
    if function == "exp":
        value = _CONTEXT.exp(a.value)
        return a.scaled(value, value)
    if function == "log":
        if not a.value > 0:
            raise ValueError("log of a number that is not positive")
        return a.scaled(_CONTEXT.log(a.value), 1 / a.value)
    if function == "sigmoid":
        value = 1 / (1 + _CONTEXT.exp(-a.value))
        return a.scaled(value, value * (1 - value))
    if function == "tanh":
        value = _CONTEXT.tanh(a.value)
        return a.scaled(value, 1 - value * value)
    if function == "relu":
        return a if a.value > 0 else a.scaled(_CONTEXT.zero, _CONTEXT.zero)
    # max: the first of the largest takes the gradient, as the backward pass does at a tie.
    largest = max(range(len(args)), key=lambda i: (args[i].value, -i))
    return args[largest]

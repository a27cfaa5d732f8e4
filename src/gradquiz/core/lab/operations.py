"""The gates a computational graph is made of: forward value, local derivatives and their rule.

Each operation computes in float64 and says, for each of its inputs, the local derivative
∂output/∂input at the forward values, with the rule written in the graph's own names. Inputs
outside an operation's domain raise `InvalidInput` with the reason, never a NaN.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gradquiz.core.lab.numbers import shown_number
from gradquiz.errors import InvalidInput

# The functions are written here rather than taken from numpy so the core stays light and
# every value is a plain float.


def sigmoid(value: float) -> float:
    """σ(v) = 1 / (1 + e^−v), without overflow for large negative v."""
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1 + exp)


@dataclass(frozen=True)
class Operation:
    """A gate: its symbol, forward rule, local derivatives and the rules' text."""

    kind: str
    symbol: str
    forward: Callable[[Sequence[float], float], float]
    local: Callable[[Sequence[float], float, float], tuple[float, ...]]
    rules: Callable[[Sequence[str], str, float], tuple[str, ...]]


TOO_LARGE = "a value too large for a float"


class DomainError(InvalidInput):
    """An operation met an input it has no value or derivative for."""


class NoDerivative(DomainError):
    """The operation has a value here but no derivative (0 ** 0.5 is 0, with an infinite
    slope): the input was read, and is in the function's domain, not its derivative's."""


class LocalDerivativeTooLarge(DomainError):
    """The value is a float but the local derivative with respect to input `position` is not
    (1 / x at x = 1e-200 is 1e200, its derivative −1e400)."""

    def __init__(self, position: int) -> None:
        super().__init__(TOO_LARGE)
        self.position = position


def _exponentiate(args: Sequence[float], exponent: float) -> float:
    base = args[0]
    if base < 0 and not exponent.is_integer():
        raise DomainError(
            f"a negative number ({shown_number(base)}) has no real power "
            f"{shown_number(exponent, 6)}"
        )
    if base == 0 and exponent < 0:  # a pole: the value itself is undefined
        pole = "1 / 0" if exponent == -1 else f"1 / 0**{-exponent:g}"
        raise DomainError(
            f"0 to the power {shown_number(exponent, 6)} is undefined, a division by zero ({pole})"
        )
    if base == 0 and 0 < exponent < 1:  # 0 ** 0.5 is 0, but its slope there is infinite
        raise NoDerivative(f"0 to the power {shown_number(exponent, 6)} has no derivative")
    return float(math.pow(base, exponent))


def _divide(args: Sequence[float], _exponent: float) -> float:
    if args[1] == 0:
        raise DomainError("a division by zero")
    return args[0] / args[1]


def _log(args: Sequence[float], _exponent: float) -> float:
    if args[0] <= 0:
        raise DomainError(f"log of {shown_number(args[0])}, which is not positive")
    return math.log(args[0])


def _argmax_first(args: Sequence[float]) -> int:
    # At a tie the first input takes the gradient, as array libraries' argmax does.
    return max(range(len(args)), key=lambda i: (args[i], -i))


def _power_rule(name: str, exponent: float) -> str:
    lowered = exponent - 1
    if exponent == 0:  # u**0 is the constant 1
        return "0"
    if lowered == 0:
        return "1"
    power = name if lowered == 1 else f"{name}^{shown_number(lowered, 6)}"
    return power if exponent == 1 else f"{shown_number(exponent, 6)}·{power}"


def _max_rules(names: Sequence[str], _out: str, _exponent: float) -> tuple[str, ...]:
    # At a tie the first of the largest takes it all (_argmax_first): "the largest" alone
    # would read as 1 for every tied input while the table shows 0 for all but the first.
    return tuple(
        f"1 if {name} is the first largest input (ties go to the first), else 0" for name in names
    )


OPERATIONS: dict[str, Operation] = {
    op.kind: op
    for op in (
        Operation(
            "add",
            "+",
            lambda a, _: a[0] + a[1],
            lambda a, o, _: (1.0, 1.0),
            lambda n, o, _: ("1", "1"),
        ),
        Operation(
            "sub",
            "−",
            lambda a, _: a[0] - a[1],
            lambda a, o, _: (1.0, -1.0),
            lambda n, o, _: ("1", "−1"),
        ),
        Operation(
            "mul",
            "×",
            lambda a, _: a[0] * a[1],
            lambda a, o, _: (a[1], a[0]),
            lambda n, o, _: (f"{n[1]} (the other input)", f"{n[0]} (the other input)"),
        ),
        Operation(
            "div",
            "÷",
            _divide,
            # −a/b² as −(a/b)/b: b² overflows long before the quotient does (softmax's
            # e₁/S at z₁ = 355 has S² ≈ 10³⁰⁸).
            lambda a, o, _: (1 / a[1], -(a[0] / a[1]) / a[1]),
            lambda n, o, _: (f"1/{n[1]}", f"−{n[0]}/{n[1]}²"),
        ),
        Operation("neg", "−", lambda a, _: -a[0], lambda a, o, _: (-1.0,), lambda n, o, _: ("−1",)),
        Operation(
            "pow",
            "**",
            _exponentiate,
            # u**0 is the constant 1, slope 0 at u = 0 too (it was refused there).
            lambda a, o, c: (c * math.pow(a[0], c - 1) if c else 0.0,),
            lambda n, o, c: (_power_rule(n[0], c),),
        ),
        Operation(
            "exp",
            "exp",
            lambda a, _: math.exp(a[0]),
            lambda a, o, _: (o,),
            lambda n, o, _: (f"exp({n[0]}) = {o}",),
        ),
        Operation("log", "log", _log, lambda a, o, _: (1 / a[0],), lambda n, o, _: (f"1/{n[0]}",)),
        Operation(
            "sigmoid",
            "σ",
            lambda a, _: sigmoid(a[0]),
            lambda a, o, _: (o * (1 - o),),
            lambda n, o, _: (f"{o}(1 − {o})",),
        ),
        Operation(
            "tanh",
            "tanh",
            lambda a, _: math.tanh(a[0]),
            lambda a, o, _: (1 - o * o,),
            lambda n, o, _: (f"1 − {o}²",),
        ),
        Operation(
            "relu",
            "relu",
            lambda a, _: max(a[0], 0.0),
            lambda a, o, _: (1.0 if a[0] > 0 else 0.0,),
            lambda n, o, _: (f"1 if {n[0]} > 0, else 0",),
        ),
        Operation(
            "max",
            "max",
            lambda a, _: max(a),
            lambda a, o, _: tuple(1.0 if i == _argmax_first(a) else 0.0 for i in range(len(a))),
            _max_rules,
        ),
    )
}

BINARY_KINDS = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


def apply(
    operation: Operation, args: Sequence[float], exponent: float
) -> tuple[float, tuple[float, ...]]:
    """The forward value and the local derivatives, or DomainError if either is not finite."""
    value = forward(operation, args, exponent)
    try:
        locals_ = operation.local(args, value, exponent)
    except OverflowError:
        # Only a one-input operation (a power) raises; the others give inf, found below.
        raise LocalDerivativeTooLarge(0) from None
    for position, local in enumerate(locals_):
        if not math.isfinite(local):
            raise LocalDerivativeTooLarge(position)
    return value, locals_


def forward(operation: Operation, args: Sequence[float], exponent: float) -> float:
    """The forward value alone, or DomainError if it is not finite."""
    try:
        value = operation.forward(args, exponent)
    except OverflowError:
        raise DomainError(TOO_LARGE) from None
    if not math.isfinite(value):
        raise DomainError(TOO_LARGE)
    return value


def softmax_cross_entropy(logits: Sequence[float]) -> tuple[float, tuple[float, ...]]:
    """L = −log p₁ for the first logit's class and ∂L/∂zᵢ = pᵢ − [i = 1], computed as
    frameworks do: log p₁ = z₁ − logsumexp(z), the largest logit subtracted first, so no exp
    overflows and none that matters underflows (z = (−1000, 0, 0): L = 1000 + log 2)."""
    top = max(logits)
    shifted = [math.exp(z - top) for z in logits]
    total = math.fsum(shifted)
    loss = top + math.log(total) - logits[0]
    probabilities = [e / total for e in shifted]
    return loss, tuple(p - (1.0 if i == 0 else 0.0) for i, p in enumerate(probabilities))

"""Gradients derived with sympy from the parsed tree, and their check by centred differences.

The sympy expression is built node by node from the lab's own tree (never from a string), so
nothing the learner typed is parsed by sympy. The backward pass, sympy's derivative and a
centred difference are three independent routes to the same number; the lab shows all three.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import sympy

from gradquiz.core.lab.expressions import BinaryOp, Call, Expr, Name, Negate, Number, Power
from gradquiz.core.lab.graphs import Graph, Program, forward_value

# The centred difference's step, scaled by the input's size, and the floor under the
# relative error's denominator so that two gradients of about 0 do not read as disagreeing.
STEP = 1e-5
ERROR_FLOOR = 1e-8
# Within this distance of a ReLU's or a max gate's kink, the centred difference straddles it.
KINK_MARGIN = 1e-4


def to_sympy(tree: Expr, names: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """The sympy expression for a tree; `names` maps variables and earlier steps to sympy."""
    match tree:
        case Number(text=text, value=value):
            return _exact(text, value)
        case Name(name=name):
            return names[name]
        case Negate(operand=operand):
            return -to_sympy(operand, names)
        case BinaryOp(op=op, left=left, right=right):
            return _arithmetic(op, to_sympy(left, names), to_sympy(right, names))
        case Power(base=base, exponent=exponent):
            return to_sympy(base, names) ** _exact(exponent.text, exponent.value)
        case Call(function=function, args=args):
            return _call(function, [to_sympy(arg, names) for arg in args])
    raise ValueError(f"not an expression: {tree!r}")


def _arithmetic(op: str, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b


def _exact(text: str, value: float) -> sympy.Expr:
    # A written number such as 0.1 means one tenth, not its nearest float.
    try:
        return sympy.Rational(text)
    except (TypeError, ValueError):
        return sympy.Rational(repr(value))


def _call(function: str, args: list[sympy.Expr]) -> sympy.Expr:
    if function == "exp":
        return sympy.exp(args[0])
    if function == "log":
        return sympy.log(args[0])
    if function == "sigmoid":
        return 1 / (1 + sympy.exp(-args[0]))
    if function == "tanh":
        return sympy.tanh(args[0])
    if function == "relu":
        return sympy.Max(args[0], 0)
    return sympy.Max(*args)


@lru_cache(maxsize=256)
def symbolic_gradient(
    program: Program, inputs: tuple[str, ...]
) -> tuple[sympy.Expr, tuple[sympy.Expr, ...], tuple[sympy.Symbol, ...]]:
    """The output as one sympy expression of the inputs, and its derivative by each input."""
    symbols = tuple(sympy.Symbol(name, real=True) for name in inputs)
    names: dict[str, sympy.Expr] = dict(zip(inputs, symbols, strict=True))
    for name, tree in program:
        names[name] = to_sympy(tree, names)
    output = names[program[-1][0]]
    return output, tuple(sympy.diff(output, symbol) for symbol in symbols), symbols


def evaluate_symbolic(expression: sympy.Expr, values: Mapping[sympy.Symbol, float]) -> float:
    """A sympy expression at float inputs, evaluated with 30 significant digits."""
    exact = {symbol: sympy.Rational(repr(value)) for symbol, value in values.items()}
    return float(expression.evalf(30, subs=exact))


@dataclass(frozen=True)
class GradientCheck:
    """One input's gradient by backprop, by sympy and by a centred difference."""

    input: str
    backprop: float
    symbolic: float
    centred: float
    step: float

    @property
    def relative_error(self) -> float:
        """|symbolic − centred| / max(|symbolic|, |centred|), floored at ERROR_FLOOR."""
        return relative_error(self.symbolic, self.centred)

    @property
    def backprop_error(self) -> float:
        """How far the backward pass is from sympy's derivative."""
        return relative_error(self.backprop, self.symbolic)


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|, ERROR_FLOOR)."""
    return abs(a - b) / max(abs(a), abs(b), ERROR_FLOOR)


def centred_difference(program: Program, values: Mapping[str, float], name: str) -> float:
    """∂output/∂name ≈ (f(v + h) − f(v − h)) / 2h with h = STEP·max(1, |v|)."""
    step = STEP * max(1.0, abs(values[name]))
    up = {**values, name: values[name] + step}
    down = {**values, name: values[name] - step}
    return (forward_value(program, up) - forward_value(program, down)) / (2 * step)


def check_gradients(program: Program, graph: Graph) -> tuple[GradientCheck, ...]:
    """Every input's gradient three ways."""
    values = {key: graph.by_key[key].value for key in graph.inputs}
    _, derivatives, symbols = symbolic_gradient(program, tuple(sorted(values)))
    at = {symbol: values[symbol.name] for symbol in symbols}
    by_name = {
        symbol.name: derivative for symbol, derivative in zip(symbols, derivatives, strict=True)
    }
    return tuple(
        GradientCheck(
            input=name,
            backprop=graph.gradients[name],
            symbolic=evaluate_symbolic(by_name[name], at),
            centred=centred_difference(program, values, name),
            step=STEP * max(1.0, abs(values[name])),
        )
        for name in graph.inputs
    )


def near_kink(graph: Graph) -> bool:
    """Whether a ReLU's input or a max gate's two largest inputs are about equal here."""
    for node in graph.nodes:
        args = sorted((graph.by_key[key].value for key in node.inputs), reverse=True)
        if node.kind == "relu" and abs(args[0]) < KINK_MARGIN:
            return True
        if node.kind == "max" and args[0] - args[1] < KINK_MARGIN:
            return True
    return False

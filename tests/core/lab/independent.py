"""An evaluator written apart from the lab's operations, for independent finite differences,
and sympy's derivative of a tree as the oracle for the lab's exact forward mode."""

import math
from collections.abc import Mapping
from typing import Any

from gradquiz.core.lab.expressions import BinaryOp, Call, Expr, Name, Negate, Number, Power
from gradquiz.core.lab.graphs import Program


def evaluate(tree: Expr, env: Mapping[str, float]) -> float:
    """The tests' own evaluator: plain math, written apart from the lab's operations."""
    match tree:
        case Number(value=value):
            return value
        case Name(name=name):
            return env[name]
        case Negate(operand=operand):
            return -evaluate(operand, env)
        case BinaryOp(op=op, left=left, right=right):
            a, b = evaluate(left, env), evaluate(right, env)
            return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
        case Power(base=base, exponent=exponent):
            return float(evaluate(base, env) ** exponent.value)
        case Call(function=function, args=args):
            values = [evaluate(arg, env) for arg in args]
            return {
                "exp": lambda: math.exp(values[0]),
                "log": lambda: math.log(values[0]),
                "sigmoid": lambda: 1 / (1 + math.exp(-values[0])),
                "tanh": lambda: math.tanh(values[0]),
                "relu": lambda: max(values[0], 0.0),
                "max": lambda: max(values),
            }[function]()
    raise AssertionError(tree)


def run(program: Program, inputs: Mapping[str, float]) -> float:
    env = dict(inputs)
    for name, tree in program:
        env[name] = evaluate(tree, env)
    return env[program[-1][0]]


def finite_difference(program: Program, inputs: Mapping[str, float], name: str) -> float:
    h = 1e-6 * max(1.0, abs(inputs[name]))
    up = run(program, {**inputs, name: inputs[name] + h})
    down = run(program, {**inputs, name: inputs[name] - h})
    return (up - down) / (2 * h)


def agree(a: float, b: float, tolerance: float = 1e-6) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-3)


def to_sympy(tree: Expr, names: Mapping[str, Any]) -> Any:
    """The tree as a sympy expression (the tests' oracle for derivatives: sympy's own rules)."""
    import sympy

    match tree:
        case Number(text=text):
            return sympy.Rational(text)
        case Name(name=name):
            return names[name]
        case Negate(operand=operand):
            return -to_sympy(operand, names)
        case BinaryOp(op=op, left=left, right=right):
            a, b = to_sympy(left, names), to_sympy(right, names)
            return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b
        case Power(base=base, exponent=exponent):
            return to_sympy(base, names) ** sympy.Rational(exponent.text)
        case Call(function=function, args=args):
            inner = [to_sympy(arg, names) for arg in args]
            return {
                "exp": lambda: sympy.exp(inner[0]),
                "log": lambda: sympy.log(inner[0]),
                "sigmoid": lambda: 1 / (1 + sympy.exp(-inner[0])),
                "tanh": lambda: sympy.tanh(inner[0]),
                "relu": lambda: sympy.Max(inner[0], 0),
                "max": lambda: sympy.Max(*inner),
            }[function]()
    raise AssertionError(tree)


def sympy_gradients(program: Program, inputs: Mapping[str, float]) -> dict[str, float]:
    """Each input's gradient by sympy's derivative of the whole program, at 30 digits."""
    import sympy

    symbols = {name: sympy.Symbol(name, real=True) for name in inputs}
    names: dict[str, Any] = dict(symbols)
    for name, tree in program:
        names[name] = to_sympy(tree, names)
    output = names[program[-1][0]]
    at = {symbol: sympy.Rational(repr(inputs[name])) for name, symbol in symbols.items()}
    return {
        name: float(sympy.diff(output, symbol).evalf(30, subs=at))
        for name, symbol in symbols.items()
    }

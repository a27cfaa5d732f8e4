"""An evaluator written apart from the lab's operations, for independent finite differences."""

import math
from collections.abc import Mapping

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

"""Small computational graphs in which the input x fans out to two branches.

f is built from two intermediate nodes, both of which read x. The key df/dx comes from
sympy's derivative of the composed expression, evaluated at the drawn numbers; the two branch
contributions (for the distractors) come from the partial derivatives of the last gate.
The key is checked against a centred difference of f computed independently in float64.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    LabLink,
    Variant,
    VariantRejected,
    approx,
    centred_difference,
    distractors_around,
    evaluate,
    fmt,
    key_at_random_rank,
    numeric_variant,
)

x, y, z = sympy.symbols("x y z", real=True)
A, B = sympy.symbols("A B", real=True)  # the two intermediate nodes as free variables

Values = dict[sympy.Symbol, sympy.Rational]


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


@dataclass(frozen=True)
class _Graph:
    formula: str  # f in TeX
    stages: str  # the staged computation in TeX
    names: tuple[str, str]  # the two intermediate nodes' names
    first: sympy.Expr  # node A in terms of the inputs
    second: sympy.Expr  # node B in terms of the inputs
    last: sympy.Expr  # f in terms of A and B
    branch_tex: tuple[str, str]  # each branch's product of local derivatives, in TeX
    inputs: tuple[sympy.Symbol, ...]
    draw: Callable[[random.Random], Values]
    forward: Callable[[Sequence[float]], float]  # f in float64, inputs in `inputs` order
    shown: Callable[[Values], str]  # forward values given in the stem (TeX, may be empty)
    slip: sympy.Expr  # df/dx with one local derivative taken wrongly, in terms of the inputs
    slip_feedback: str  # which local derivative, and what it is
    lab: str  # f as the lab's expressions write it

    def composed(self) -> sympy.Expr:
        return self.last.subs({A: self.first, B: self.second})

    def branches(self) -> tuple[sympy.Expr, sympy.Expr]:
        """Each branch's contribution to df/dx: dF/dA * dA/dx and dF/dB * dB/dx."""
        subs = {A: self.first, B: self.second}
        return (
            (sympy.diff(self.last, A) * sympy.diff(self.first, x)).subs(subs),
            (sympy.diff(self.last, B) * sympy.diff(self.second, x)).subs(subs),
        )


def _integers(rng: random.Random) -> Values:
    pool = [n for n in range(-4, 5) if n != 0]
    values = {x: rng.choice(pool), y: rng.choice(pool), z: rng.choice(pool)}
    if values[x] + values[y] == 0:
        raise VariantRejected("x + y = 0")
    return {k: sympy.Integer(v) for k, v in values.items()}


def _tenths(rng: random.Random, low: int, high: int) -> sympy.Rational:
    return sympy.Rational(rng.choice([n for n in range(-high, high + 1) if abs(n) >= low]), 10)


def _sigmoid_draw(rng: random.Random) -> Values:
    values = {x: _tenths(rng, 2, 20), y: _tenths(rng, 1, 20)}
    if abs(values[y]) == 1:  # the multiplied branches would equal the sigmoid branch
        raise VariantRejected("|y| = 1")
    return values


def _tanh_draw(rng: random.Random) -> Values:
    values = {x: _tenths(rng, 2, 15), y: _tenths(rng, 1, 20)}
    if values[x] == values[y]:
        raise VariantRejected("x - y = 0")
    return values


def _float(expression: sympy.Expr, values: Values) -> float:
    return float(evaluate(expression, values))


GRAPHS = (
    _Graph(
        formula="f = (x + y) \\cdot (x z)",
        stages="q = x + y, \\quad p = x z, \\quad f = q \\cdot p",
        names=("q", "p"),
        first=x + y,
        second=x * z,
        last=A * B,
        branch_tex=("p \\cdot 1", "q \\cdot z"),
        inputs=(x, y, z),
        draw=_integers,
        forward=lambda v: (v[0] + v[1]) * (v[0] * v[2]),
        shown=lambda values: "",
        slip=x * z + (x + y) * x,
        slip_feedback=(
            "This takes the local derivative of $p = x z$ with respect to $x$ as $x$, the "
            "input's own value. The derivative of a product with respect to one factor is the "
            "other factor: $\\frac{\\partial p}{\\partial x} = z$"
        ),
        lab="(x + y)*(x*z)",
    ),
    _Graph(
        formula="f = x y + \\sigma(x)",
        stages="q = x y, \\quad s = \\sigma(x), \\quad f = q + s",
        names=("q", "s"),
        first=x * y,
        second=1 / (1 + sympy.exp(-x)),
        last=A + B,
        branch_tex=("1 \\cdot y", "1 \\cdot s(1 - s)"),
        inputs=(x, y),
        draw=_sigmoid_draw,
        forward=lambda v: v[0] * v[1] + _sigmoid(v[0]),
        shown=lambda values: (
            f" The forward pass gives $s = \\sigma(x) \\approx "
            f"{fmt(_sigmoid(float(values[x])), 4)}$."
        ),
        slip=y + 1 / (1 + sympy.exp(-x)),
        slip_feedback=(
            "This takes the sigmoid's local derivative as $s = \\sigma(x)$ itself. Its "
            "derivative is $\\frac{\\partial s}{\\partial x} = s(1 - s)$"
        ),
        lab="x*y + sigmoid(x)",
    ),
    _Graph(
        formula="f = (x - y) \\cdot \\tanh(x)",
        stages="q = x - y, \\quad r = \\tanh(x), \\quad f = q \\cdot r",
        names=("q", "r"),
        first=x - y,
        second=sympy.tanh(x),
        last=A * B,
        branch_tex=("r \\cdot 1", "q \\cdot (1 - r^2)"),
        inputs=(x, y),
        draw=_tanh_draw,
        forward=lambda v: (v[0] - v[1]) * math.tanh(v[0]),
        shown=lambda values: (
            " The forward pass gives $r = \\tanh(x) \\approx "
            f"{fmt(math.tanh(float(values[x])), 4)}$."
        ),
        slip=sympy.tanh(x) + (x - y) * sympy.tanh(x),
        slip_feedback=(
            "This takes tanh's local derivative as $r = \\tanh(x)$ itself. Its derivative is "
            "$\\frac{\\partial r}{\\partial x} = 1 - r^2$"
        ),
        lab="(x - y)*tanh(x)",
    ),
)
# Derived once: the key's derivative and the two branch contributions, per graph.
DERIVATIVES = [(sympy.diff(g.composed(), x), *g.branches()) for g in GRAPHS]
MIN_SEPARATION = 0.05  # options closer than this (relative) are too easily confused
OPTIONS = 4  # the key and three mistakes, in ascending order


def _separated(values: Sequence[float]) -> bool:
    for i, first in enumerate(values):
        for second in values[i + 1 :]:
            scale = max(abs(first), abs(second))
            if scale == 0 or abs(first - second) / scale < MIN_SEPARATION:
                return False
    return True


def _bracketed(value: float) -> str:
    """A negative number in brackets, for use after an operator."""
    return f"({fmt(value, 4)})" if value < 0 else fmt(value, 4)


@key_at_random_rank(OPTIONS)
def fanout(rng: random.Random, rank: int) -> Variant:
    """df/dx = the sum of the two branch contributions."""
    index = rng.randrange(len(GRAPHS))
    graph = GRAPHS[index]
    values = graph.draw(rng)
    derivative, first_branch, second_branch = DERIVATIVES[index]
    key = _float(derivative, values)
    one, two = _float(first_branch, values), _float(second_branch, values)
    if min(abs(one), abs(two), abs(key)) < 0.1:
        raise VariantRejected("a branch contributes almost nothing")
    point = [float(values[s]) for s in graph.inputs]
    numeric = centred_difference(graph.forward, point, 0)
    a_name, b_name = graph.names
    a_value, b_value = _float(graph.first, values), _float(graph.second, values)
    inputs = ", ".join(f"${s} = {fmt(values[s])}$" for s in graph.inputs)
    inputs = inputs.rsplit(", ", 1)[0] + " and " + inputs.rsplit(", ", 1)[1]
    stem = (
        f"A computational graph computes\n\n$${graph.formula}$$\n\nin stages "
        f"${graph.stages}$, so the input $x$ feeds both ${a_name}$ and ${b_name}$. Take "
        f"{inputs}.{graph.shown(values)} What is $\\frac{{\\partial f}}{{\\partial x}}$?"
    )
    path_a = (
        f"$\\frac{{\\partial f}}{{\\partial {a_name}}} \\cdot "
        f"\\frac{{\\partial {a_name}}}{{\\partial x}} = {graph.branch_tex[0]} {approx(one, 4)}$"
    )
    path_b = (
        f"$\\frac{{\\partial f}}{{\\partial {b_name}}} \\cdot "
        f"\\frac{{\\partial {b_name}}}{{\\partial x}} = {graph.branch_tex[1]} {approx(two, 4)}$"
    )
    total = f"${fmt(one, 4)} + {_bracketed(two)} {approx(key)}$"
    correct = Choice(
        "key",
        key,
        f"Correct: the branches through ${a_name}$ and ${b_name}$ contribute "
        f"${fmt(one, 4)}$ and ${fmt(two, 4)}$, and at the fork they add.",
    )
    mistakes = [
        Choice(
            "first-branch-only",
            one,
            f"This keeps only the branch through ${a_name}$, {path_a}. But $x$ also "
            f"feeds ${b_name}$, whose branch contributes {path_b}; gradients from all "
            f"branches add at a fork: {total}.",
        ),
        Choice(
            "second-branch-only",
            two,
            f"This keeps only the branch through ${b_name}$, {path_b}. But $x$ also "
            f"feeds ${a_name}$, whose branch contributes {path_a}; gradients from all "
            f"branches add at a fork: {total}.",
        ),
        Choice(
            "multiplied-branches",
            one * two,
            f"This multiplies the two branch contributions, ${fmt(one, 4)} \\cdot "
            f"{_bracketed(two)}$. Local derivatives multiply along one path, but where "
            f"$x$ fans out to two paths the contributions add: {total}.",
        ),
        Choice(
            "local-slip",
            _float(graph.slip, values),
            f"{graph.slip_feedback}; with the two branches added, {total}.",
        ),
        Choice(
            "averaged-branches",
            (one + two) / 2,
            "This averages the two branch contributions, as if the fork shared the "
            "gradient out between its branches. Each branch's contribution counts in full; "
            f"where $x$ fans out they add: {total}.",
        ),
    ]
    distractors = distractors_around(rng, correct, mistakes, rank)
    if not _separated([key, *(float(c.value) for c in distractors)]):
        raise VariantRejected("two options too close")
    return numeric_variant(
        lab=LabLink(
            "expression",
            (("f", graph.lab), *((str(s), float(values[s])) for s in graph.inputs)),
        ),
        stem=stem,
        key=correct,
        distractors=distractors,
        explanation=(
            f"Forward: ${a_name} {approx(a_value, 4)}$, ${b_name} {approx(b_value, 4)}$, "
            f"$f {approx(graph.forward(point), 4)}$. Backward: $x$ reaches $f$ along two paths, "
            "and along each the chain rule multiplies the local derivatives. "
            f"Through ${a_name}$: {path_a}. "
            f"Through ${b_name}$: {path_b}. Since $x$ is used twice, its gradient is the sum "
            f"over the branches: {total} (the CS231n notes: gradients add up at forks)."
        ),
        checks=[KeyCheck(name="df/dx", value=key, estimate=numeric)],
    )

"""One gate of a computational graph (add, multiply or max) and the gradient it routes back.

The gate's local derivatives come from sympy (for the max gate, a Heaviside step that is 1 for
the larger input); the key is the upstream gradient times the local derivative. It is checked
against a centred difference of upstream * gate(x, y) with respect to the asked input.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    LabLink,
    Variant,
    VariantRejected,
    centred_difference,
    distractors_around,
    fmt,
    key_at_random_rank,
    numeric_variant,
)

x, y = sympy.symbols("x y", real=True)
INPUTS = (x, y)


@dataclass(frozen=True)
class _Gate:
    name: str
    formula: str  # q in TeX
    expression: sympy.Expr
    forward: Callable[[float, float], float]
    lab: str  # q as the lab's expressions write it


GATES = (
    _Gate("add", "q = x + y", x + y, lambda a, b: a + b, "(x + y)"),
    _Gate("multiply", "q = x \\cdot y", x * y, lambda a, b: a * b, "(x*y)"),
    _Gate("max", "q = \\max(x, y)", sympy.Max(x, y), max, "max(x, y)"),
)
# Each gate's local derivatives dq/dx and dq/dy, derived once.
LOCAL = {gate.name: tuple(sympy.diff(gate.expression, s) for s in INPUTS) for gate in GATES}
VALUES = [n for n in range(-6, 7) if n != 0]


@cache  # 3 gates × 2 inputs × 12 × 12 values: sympy's subs took most of each draw
def _local(gate: str, index: int, xv: int, yv: int) -> float:
    """The gate's local derivative by its `index`-th input, from sympy, at x = xv, y = yv."""
    return float(LOCAL[gate][index].subs({x: sympy.Integer(xv), y: sympy.Integer(yv)}))


UPSTREAM = [n for n in range(-5, 6) if n != 0]
OPTIONS = 3  # the key and two mistakes, in ascending order


def _bracketed(value: float) -> str:
    """A negative number in brackets, for use after an operator."""
    return f"({fmt(value)})" if value < 0 else fmt(value)


def _local_only(g: int, local: float, asked: str) -> Choice:
    """The local derivative alone: the upstream gradient was never multiplied in."""
    return Choice(
        "local-only",
        local,
        f"This is the local derivative $\\frac{{\\partial q}}{{\\partial {asked}}} = "
        f"{fmt(local)}$ alone. The chain rule multiplies it by the gradient arriving from "
        f"above, ${fmt(g)}$: ${fmt(g)} \\cdot {_bracketed(local)} = {fmt(g * local)}$.",
    )


def _mistakes(
    gate: str, g: int, own: int, other: int, asked: str, peer: str, larger: str
) -> list[Choice]:
    """The values and feedback of each gate's typical mistakes."""
    if gate == "add":
        return [
            Choice(
                "splits-in-half",
                g / 2,
                "This splits the upstream gradient in half between the two inputs. Both local "
                "derivatives of $x + y$ are $1$, so each input receives the upstream gradient "
                f"whole: ${fmt(g)}$.",
            ),
            Choice(
                "times-other-input",
                g * other,
                f"This scales the gradient by the other input, ${peer} = {fmt(other)}$, as a "
                f"multiply gate would. For $x + y$ the local derivative "
                f"$\\frac{{\\partial q}}{{\\partial {asked}}}$ is $1$, so ${asked}$ receives "
                f"${fmt(g)}$.",
            ),
        ]
    if gate == "multiply":
        return [
            Choice(
                "times-own-input",
                g * own,
                f"This multiplies by ${asked}$'s own value, ${fmt(own)}$. The local derivative "
                f"of $x \\cdot y$ with respect to ${asked}$ is the other input, "
                f"${peer} = {fmt(other)}$, so ${asked}$ receives ${fmt(g)} \\cdot "
                f"{_bracketed(other)} = {fmt(g * other)}$.",
            ),
            Choice(
                "passes-unchanged",
                g,
                "This passes the upstream gradient through unchanged, as an add gate would. A "
                f"multiply gate scales it by the other input: ${fmt(g)} \\cdot "
                f"{_bracketed(other)} = {fmt(g * other)}$.",
            ),
        ]
    routed_to_smaller = 0 if asked == larger else g
    return [
        Choice(
            "averages",
            g / 2,
            "This treats the max gate as averaging, giving each input half. The max gate "
            f"routes the whole upstream gradient to the larger input, ${larger}$, and $0$ to "
            f"the other, so ${asked}$ receives ${fmt(g) if asked == larger else 0}$.",
        ),
        Choice(
            "routes-to-smaller",
            routed_to_smaller,
            "This routes the gradient to the smaller input. Near these values "
            f"$q = {larger}$, so only ${larger}$, the input that won the max in the forward "
            f"pass, receives the upstream gradient ${fmt(g)}$; the other input receives $0$.",
        ),
        Choice(
            "times-other-input",
            g * other,
            f"This scales the gradient by the other input, ${peer} = {fmt(other)}$, as a "
            "multiply gate would. The max gate's local derivative is $1$ for the input that "
            f"won the max, ${larger}$, and $0$ for the other, so ${asked}$ receives "
            f"${fmt(g) if asked == larger else 0}$.",
        ),
    ]


@key_at_random_rank(OPTIONS)
def routing(rng: random.Random, rank: int) -> Variant:
    """The gradient a gate passes to one input: upstream times the local derivative."""
    gate = rng.choice(GATES)
    xv, yv = rng.choice(VALUES), rng.choice(VALUES)
    g = rng.choice(UPSTREAM)
    if xv == yv:
        raise VariantRejected("x = y")
    index = rng.randrange(2)
    asked, peer = ("x", "y") if index == 0 else ("y", "x")
    own, other = (xv, yv) if index == 0 else (yv, xv)
    larger = "x" if xv > yv else "y"
    local = _local(gate.name, index, xv, yv)
    key = g * local
    numeric = centred_difference(lambda p: g * gate.forward(p[0], p[1]), [xv, yv], index)
    article = "an" if gate.name == "add" else "a"
    stem = (
        f"In a computational graph, {article} {gate.name} gate computes ${gate.formula}$ with "
        f"$x = {xv}$ and $y = {yv}$. The gradient arriving from above is "
        f"$\\frac{{\\partial L}}{{\\partial q}} = {g}$. What gradient does the gate pass to "
        f"${asked}$, that is, what is $\\frac{{\\partial L}}{{\\partial {asked}}}$?"
    )
    local_tex = f"\\frac{{\\partial q}}{{\\partial {asked}}}"
    if gate.name == "add":
        why = f"For $q = x + y$ the local derivative is ${local_tex} = 1$"
        rule = "the add gate hands the upstream gradient, unchanged, to every input"
    elif gate.name == "multiply":
        why = f"For $q = x \\cdot y$ the local derivative is ${local_tex} = {peer} = {other}$"
        rule = "the multiply gate scales the upstream gradient by the other input"
    else:
        why = (
            f"For $q = \\max(x, y)$ with ${larger}$ the larger input, $q = {larger}$ near "
            f"these values, so ${local_tex} = {fmt(local)}$"
        )
        rule = "the max gate routes the whole upstream gradient to the input that won the max"
    correct = Choice(
        "key",
        key,
        f"Correct: ${fmt(g)} \\cdot {local_tex} = {fmt(g)} \\cdot {_bracketed(local)} = "
        f"{fmt(key)}$.",
    )
    mistakes = [
        *_mistakes(gate.name, g, own, other, asked, peer, larger),
        _local_only(g, local, asked),
    ]
    return numeric_variant(
        # In the lab the upstream gradient is z, which the gate's output is multiplied by.
        lab=LabLink("expression", (("f", f"z*{gate.lab}"), ("x", xv), ("y", yv), ("z", g))),
        stem=stem,
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank, OPTIONS - 1),
        explanation=(
            f"{why}. By the chain rule, $\\frac{{\\partial L}}{{\\partial {asked}}} = "
            f"\\frac{{\\partial L}}{{\\partial q}} \\cdot {local_tex} = {fmt(g)} \\cdot "
            f"{_bracketed(local)} = {fmt(key)}$. This is the pattern the CS231n notes "
            f"describe: {rule}."
        ),
        checks=[KeyCheck(name=f"dL/d{asked}", value=key, estimate=numeric)],
    )

"""Vanishing gradients through a chain of sigmoid units (Nielsen, ch. 5).

The chain is a_j = sigmoid(w * a_{j-1} + b_j) for j = 1..n, every weight the same w, and the
biases set so that every pre-activation z_j is 0 at the current input. The key, (w/4)^n, uses
sympy's derivative of the sigmoid at 0; it is checked against a centred difference of the
chain itself, computed in float64.
"""

import math
import random
from functools import cache

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    Variant,
    centred_difference,
    distractors_around,
    fmt,
    key_at_random_rank,
    numeric_variant,
)

_z = sympy.Symbol("z", real=True)
SIGMOID = 1 / (1 + sympy.exp(-_z))
# sigma'(0), derived once: the slope of every unit in the chain.
SLOPE_AT_ZERO = sympy.nsimplify(sympy.diff(SIGMOID, _z).subs(_z, 0))
SIGMOID_AT_ZERO = SIGMOID.subs(_z, 0)

# 1.2, 1.3, ..., 3.6: above 1, so that the mistakes that drop weights give values below the
# key, and below 4, so that every unit shrinks the gradient.
WEIGHTS = [sympy.Rational(k, 10) for k in range(12, 37)]
DEPTHS = range(3, 9)
OPTIONS = 4  # the key and three mistakes, in ascending order


def _centred_sigmoid(zv: float) -> float:
    """sigma(z) - 1/2, written so that it keeps full relative precision near z = 0.

    sigma(z) - 1/2 = (1 - e^{-z}) / (2 (1 + e^{-z})); expm1 gives 1 - e^{-z} without the
    cancellation that computing sigma(z) and then subtracting 0.5 would suffer.
    """
    return -math.expm1(-zv) / (2 * (1 + math.exp(-zv)))


def _chain_output(weight: float, depth: int, input_offset: float) -> float:
    """a_n - 1/2 for the input a_0 = a_0* + input_offset, where a_0* makes every z_j = 0.

    With b_1 = -w a_0* and b_j = -w/2 for j >= 2, each pre-activation is
    z_j = w a_{j-1} + b_j = w (a_{j-1} - a_{j-1}*), where a_{j-1}* is the unit's output at the
    current input (a_0* for j = 1, 1/2 after that). Offsets from those values are carried
    through the chain so that float64 resolves the tiny changes a deep chain passes on.
    """
    offset = input_offset
    for _ in range(depth):
        offset = _centred_sigmoid(weight * offset)
    return offset


@cache  # 25 weights × 6 depths; sympy's 30-digit evaluation took most of each draw
def _power(factor: sympy.Rational, depth: int) -> float:
    """factor**depth, evaluated to 30 digits and rounded to a float."""
    return float(sympy.N(factor**depth, 30))


@key_at_random_rank(OPTIONS)
def sigmoid_depth(rng: random.Random, rank: int) -> Variant:
    """d a_n / d a_0 = (w sigma'(0))^n = (w/4)^n for a chain of n sigmoid units at z = 0."""
    weight = rng.choice(WEIGHTS)
    depth = rng.choice(DEPTHS)
    factor = weight * SLOPE_AT_ZERO
    key = _power(factor, depth)
    wv = float(weight)
    numeric = centred_difference(lambda p: _chain_output(wv, depth, p[0]), [0.0], 0)

    w_text, n_text, f_text = fmt(weight), str(depth), fmt(factor, 4)
    correct = Choice(
        "key",
        key,
        f"Correct: each unit contributes $w \\, \\sigma'(0) = {w_text} \\cdot \\frac{{1}}{{4}} "
        f"= {f_text}$, and the chain rule multiplies the ${n_text}$ factors.",
    )
    return numeric_variant(
        stem=(
            f"A chain of ${n_text}$ sigmoid units computes $a_j = \\sigma(z_j)$ with "
            f"$z_j = w a_{{j-1}} + b_j$ for $j = 1, \\dots, {n_text}$, where $a_0$ is the input. "
            f"Every weight is $w = {w_text}$, and the biases are such that every "
            "pre-activation $z_j$ equals $0$ at the current input. What is "
            f"$\\frac{{\\partial a_{{{n_text}}}}}{{\\partial a_0}}$?"
        ),
        key=correct,
        distractors=distractors_around(
            rng, correct, _mistakes(wv, depth, float(factor), key), rank
        ),
        explanation=(
            "By the chain rule, $\\frac{\\partial a_n}{\\partial a_0} = "
            "\\sigma'(z_n) w \\cdot \\sigma'(z_{n-1}) w \\cdots \\sigma'(z_1) w$: each unit "
            "contributes the slope of its sigmoid times the weight into it. At $z_j = 0$ "
            "the slope is $\\sigma'(0) = \\sigma(0)(1 - \\sigma(0)) = \\frac{1}{4}$, the "
            f"largest it can be. So each unit contributes ${w_text} \\cdot \\frac{{1}}{{4}} = "
            f"{f_text}$, and $\\frac{{\\partial a_{{{n_text}}}}}{{\\partial a_0}} = "
            f"{f_text}^{{{n_text}}} \\approx {fmt(key)}$. With every weight below $4$, each "
            "unit shrinks the gradient, so it vanishes geometrically with depth: Nielsen's "
            "explanation (ch. 5) of why the early layers of a deep sigmoid network learn slowly."
        ),
        checks=[KeyCheck("d a_n / d a_0 by a centred difference of the chain", key, numeric)],
    )


def _mistakes(wv: float, depth: int, factor: float, key: float) -> list[Choice]:
    """Computed mistakes: those that drop a factor below 1 or use a smaller slope land below
    the key, those that use a larger slope, drop a unit or add the factors above it."""
    w_text, f_text, half = fmt(wv), fmt(factor, 4), wv * float(SIGMOID_AT_ZERO)
    return [
        Choice(
            "slope-one-half",
            half**depth,
            "This uses $\\frac{1}{2}$ as the sigmoid's slope at $0$. That is the value "
            "$\\sigma(0)$; the slope is $\\sigma'(0) = \\sigma(0)(1 - \\sigma(0)) = "
            f"\\frac{{1}}{{4}}$, so each unit contributes ${f_text}$, not ${fmt(half, 4)}$.",
        ),
        Choice(
            "slope-one",
            wv**depth,
            "This treats the sigmoid's slope as $1$, which is the peak slope of $\\tanh$. "
            "The sigmoid's derivative peaks at $\\sigma'(0) = \\frac{1}{4}$, so each unit "
            f"multiplies the gradient by $\\frac{{w}}{{4}} = {f_text}$, not by $w$.",
        ),
        Choice(
            "added-factors",
            depth * factor,
            f"This adds the ${depth}$ per-unit factors $\\frac{{w}}{{4}} = {f_text}$. Along a "
            "path the chain rule multiplies the local derivatives, so the factor is raised to "
            f"the power ${depth}$.",
        ),
        Choice(
            "one-unit-too-few",
            factor ** (depth - 1),
            f"This multiplies ${depth - 1}$ factors, which gives "
            "$\\frac{\\partial a_n}{\\partial a_1}$: it leaves out the first unit. The path from "
            f"$a_0$ to $a_{{{depth}}}$ passes through all ${depth}$ units, each contributing "
            f"$\\frac{{w}}{{4}} = {f_text}$.",
        ),
        Choice(
            "left-out-weights",
            0.25**depth,
            f"This multiplies only the sigmoid slopes, $(\\frac{{1}}{{4}})^{{{depth}}}$, and "
            "leaves out the weights. Each step back from $z_j$ to $a_{j-1}$ multiplies by "
            f"$\\frac{{\\partial z_j}}{{\\partial a_{{j-1}}}} = w = {w_text}$, so each unit "
            f"contributes ${f_text}$.",
        ),
        Choice(
            "left-out-first-weight",
            key / wv,
            f"This leaves out the first weight, as if $a_0$ entered $z_1$ directly; that "
            "would be the gradient with respect to $z_1$ or $b_1$. Since $z_1 = w a_0 + b_1$, "
            f"the step to $a_0$ multiplies by $w = {w_text}$ as well: ${depth}$ weights in all.",
        ),
        Choice(
            "one-unit-too-many",
            factor ** (depth + 1),
            f"This multiplies ${depth + 1}$ factors, one more than there are units between "
            f"$a_0$ and $a_{{{depth}}}$: ${depth}$ units, each contributing "
            f"$\\frac{{w}}{{4}} = {f_text}$.",
        ),
    ]

"""A two-layer scalar chain: u = w1*x, h = act(u), y_hat = w2*h, L = 0.5*(y_hat - t)**2.

The activation is tanh or the logistic sigmoid. The key dL/dw1 comes from sympy's derivative
evaluated at the drawn numbers; it is checked against a centred difference of the loss
computed independently in float64.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
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

w1, x, w2, t = sympy.symbols("w1 x w2 t", real=True)
U = sympy.Symbol("u", real=True)  # the pre-activation as a free variable
H = sympy.Symbol("h", real=True)  # the activation as a free variable


@dataclass(frozen=True)
class _Activation:
    name: str  # as shown in formulas, e.g. "\\tanh"
    function: sympy.Expr  # of U
    slope_from_output: sympy.Expr  # act'(u) written with the output H, e.g. 1 - h^2
    slope_tex: str  # that formula in TeX with h
    float_function: Callable[[float], float]
    max_pre_activation: float  # beyond this |u| the unit is close to saturation

    def loss(self) -> sympy.Expr:
        return sympy.Rational(1, 2) * (w2 * self.function.subs(U, w1 * x) - t) ** 2


ACTIVATIONS = (
    _Activation(
        name="\\tanh",
        function=sympy.tanh(U),
        slope_from_output=1 - H**2,
        slope_tex="1 - h^2",
        float_function=math.tanh,
        max_pre_activation=1.5,
    ),
    _Activation(
        name="\\sigma",
        function=1 / (1 + sympy.exp(-U)),
        slope_from_output=H * (1 - H),
        slope_tex="h(1 - h)",
        float_function=lambda v: 1 / (1 + math.exp(-v)),
        max_pre_activation=2.0,
    ),
)
# dL/dw1, derived once per activation.
DERIVATIVES = {act.name: sympy.diff(act.loss(), w1) for act in ACTIVATIONS}
# act'(u) as a float function of the output h (or, for the distractor, of u).
SLOPES = {act.name: sympy.lambdify(H, act.slope_from_output, "math") for act in ACTIVATIONS}


def slope_formulas_agree() -> bool:
    """Whether each stored slope formula is its activation's derivative (the tests ask).

    Not run at import: sympy's simplifier alone would add about 40 MB to every server.
    """
    for act in ACTIVATIONS:
        gap = sympy.diff(act.function, U) - act.slope_from_output.subs(H, act.function)
        if sympy.simplify(gap.rewrite(sympy.exp)) != 0:
            return False
    return True


TENTHS = [sympy.Rational(n, 10) for n in range(-20, 21) if n != 0]
# Second-layer weights: at least 0.5 in size. Kept once: filtering TENTHS on every draw took
# two thirds of the generator's time (sympy comparisons).
LARGE_TENTHS = [v for v in TENTHS if abs(v) >= sympy.Rational(1, 2)]
TARGETS = [sympy.Rational(n, 2) for n in range(-2, 5)]  # -1, -0.5, ..., 2
MIN_SEPARATION = 0.05  # options closer than this (relative) are too easily confused
OPTIONS = 5  # the key and four mistakes, in ascending order


def _float_loss(activation: _Activation) -> Callable[[Sequence[float]], float]:
    def loss(values: Sequence[float]) -> float:
        w1v, xv, w2v, tv = values
        return 0.5 * (w2v * activation.float_function(w1v * xv) - tv) ** 2

    return loss


def _separated(values: Sequence[float]) -> bool:
    for i, first in enumerate(values):
        for second in values[i + 1 :]:
            scale = max(abs(first), abs(second))
            if scale == 0 or abs(first - second) / scale < MIN_SEPARATION:
                return False
    return True


@key_at_random_rank(OPTIONS)
def two_layer(rng: random.Random, rank: int) -> Variant:
    """dL/dw1 = (y_hat - t) * w2 * act'(w1 x) * x."""
    activation = rng.choice(ACTIVATIONS)
    values = {
        w1: rng.choice(TENTHS),
        x: rng.choice(TENTHS),
        w2: rng.choice(LARGE_TENTHS),
        t: rng.choice(TARGETS),
    }
    uv = float(values[w1] * values[x])
    if not 0.3 <= abs(uv) <= activation.max_pre_activation:
        raise VariantRejected("pre-activation near 0 or saturated")
    if abs(float(values[x])) == 1:  # times x would change nothing
        raise VariantRejected("x = ±1")
    hv = activation.float_function(uv)
    w1v, w2v, xv, tv = float(values[w1]), float(values[w2]), float(values[x]), float(values[t])
    yv = w2v * hv
    error = yv - tv
    if abs(error) < 0.2:
        raise VariantRejected("output too close to the target")
    slope_of = SLOPES[activation.name]
    slope, wrong_slope = slope_of(hv), slope_of(uv)
    product = error * w2v * slope * xv  # the chain-rule product, to place the mistakes
    wrong = {
        "forgot-activation-derivative": error * w2v * xv,
        "stopped-at-h": error * w2v,
        "stopped-at-u": error * w2v * slope,
        "used-pre-activation": error * w2v * wrong_slope * xv,
        "times-w1": error * w2v * slope * w1v,
        "forgot-w2": error * slope * xv,
        "sign-flipped": -product,
    }
    # Choose the mistakes with the chain-rule product before the (slower) exact evaluation.
    screen = distractors_around(
        rng, Choice("key", product, ""), [Choice(n, v, "") for n, v in wrong.items()], rank, 4
    )
    if not _separated([product, *(float(c.value) for c in screen)]):
        raise VariantRejected("two options too close")
    key = float(evaluate(DERIVATIVES[activation.name], values))
    wrong["sign-flipped"] = -key
    act = activation.name
    slope_at_h = activation.slope_tex
    slope_at_u = slope_at_h.replace("h", "u")
    numeric = centred_difference(_float_loss(activation), [float(v) for v in values.values()], 0)
    stem = (
        f"A two-layer chain computes $u = w_1 x$, $h = {act}(u)$, $\\hat{{y}} = w_2 h$ and the "
        f"loss $L = \\tfrac{{1}}{{2}}(\\hat{{y}} - t)^2$. Take $x = {fmt(xv)}$, "
        f"$w_1 = {fmt(values[w1])}$, $w_2 = {fmt(w2v)}$ and $t = {fmt(tv)}$. The forward pass "
        f"gives $u = {fmt(uv)}$, $h \\approx {fmt(hv, 4)}$ and $\\hat{{y}} \\approx {fmt(yv, 4)}$. "
        "What is $\\frac{\\partial L}{\\partial w_1}$?"
    )
    steps = (
        f"$\\frac{{\\partial L}}{{\\partial \\hat{{y}}}} = \\hat{{y}} - t \\approx "
        f"{fmt(error, 4)}$; "
        f"$\\frac{{\\partial L}}{{\\partial h}} = (\\hat{{y}} - t)\\, w_2 \\approx "
        f"{fmt(error * w2v, 4)}$; "
        f"$\\frac{{\\partial L}}{{\\partial u}} = \\frac{{\\partial L}}{{\\partial h}} \\cdot "
        f"{act}^{{\\prime}}(u)$ with ${act}^{{\\prime}}(u) = {slope_at_h} \\approx "
        f"{fmt(slope, 4)}$, "
        f"giving $\\approx {fmt(error * w2v * slope, 4)}$; and "
        f"$\\frac{{\\partial L}}{{\\partial w_1}} = \\frac{{\\partial L}}{{\\partial u}} \\cdot x "
        f"{approx(key)}$."
    )
    mistakes = [
        Choice(
            "forgot-activation-derivative",
            wrong["forgot-activation-derivative"],
            f"This leaves out the activation's local derivative ${act}^{{\\prime}}(u) = "
            f"{slope_at_h} \\approx {fmt(slope, 4)}$. The chain rule multiplies in a factor "
            f"for every node on the path, and $h = {act}(u)$ is one of them.",
        ),
        Choice(
            "stopped-at-h",
            wrong["stopped-at-h"],
            "This is $\\frac{\\partial L}{\\partial h} = (\\hat{y} - t)\\, w_2$: the chain "
            f"stops at $h$. Two more factors lead back to $w_1$: ${act}^{{\\prime}}(u)$ and "
            "$\\frac{\\partial u}{\\partial w_1} = x$.",
        ),
        Choice(
            "used-pre-activation",
            wrong["used-pre-activation"],
            f"This evaluates the slope as ${slope_at_u} \\approx {fmt(wrong_slope, 4)}$, "
            f"putting the pre-activation $u$ where the activation belongs. Written with "
            f"the output, ${act}^{{\\prime}}(u) = {slope_at_h}$ uses $h = {act}(u) "
            f"\\approx {fmt(hv, 4)}$, not $u$.",
        ),
        Choice(
            "sign-flipped",
            wrong["sign-flipped"],
            "This has the wrong sign, as if the loss's derivative were $t - \\hat{y}$. "
            "Differentiating $\\tfrac{1}{2}(\\hat{y} - t)^2$ by $\\hat{y}$ gives "
            "$\\hat{y} - t$.",
        ),
        Choice(
            "stopped-at-u",
            wrong["stopped-at-u"],
            "This is $\\frac{\\partial L}{\\partial u}$: the chain stops one step short of "
            "$w_1$. Since $u = w_1 x$, one more factor, "
            "$\\frac{\\partial u}{\\partial w_1} = x$, leads back to $w_1$.",
        ),
        Choice(
            "times-w1",
            wrong["times-w1"],
            "This multiplies by $w_1$ in the last step, as if "
            "$\\frac{\\partial (w_1 x)}{\\partial w_1}$ were $w_1$. The derivative of a "
            "product with respect to one factor is the other factor: "
            "$\\frac{\\partial u}{\\partial w_1} = x$.",
        ),
        Choice(
            "forgot-w2",
            wrong["forgot-w2"],
            "This leaves out $w_2$: going back from $\\hat{y} = w_2 h$ to $h$ multiplies by "
            "$\\frac{\\partial \\hat{y}}{\\partial h} = w_2$, a factor on the path like any "
            "other.",
        ),
    ]
    return numeric_variant(
        stem=stem,
        key=Choice(
            "key",
            key,
            "Correct: $(\\hat{y} - t) \\cdot w_2 \\cdot "
            f"{act}^{{\\prime}}(u) \\cdot x$, one local derivative per step of the chain.",
        ),
        distractors=[c for c in mistakes if c.id in {s.id for s in screen}],
        explanation=(
            "Backward through the chain, one local derivative per node: " + steps + " In all, "
            f"$\\frac{{\\partial L}}{{\\partial w_1}} = (\\hat{{y}} - t) \\cdot w_2 \\cdot "
            f"{act}^{{\\prime}}(u) \\cdot x$."
        ),
        checks=[KeyCheck(name="dL/dw1", value=key, estimate=numeric)],
    )

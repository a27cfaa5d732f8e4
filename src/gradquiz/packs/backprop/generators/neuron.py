"""The worked example's neuron: z = w*x + b, a = sigmoid(z), L = 0.5*(y - a)**2.

Keys come from sympy's derivatives, compiled once with lambdify and evaluated at the drawn
numbers; each is checked against a centred difference of the loss computed independently in
float64.
"""

import math
import random
from collections.abc import Sequence

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
    fmt,
    key_at_random_rank,
    numeric_variant,
    shown_difference,
)

w, x, b, y = sympy.symbols("w x b y", real=True)
z = w * x + b
a = 1 / (1 + sympy.exp(-z))
loss = sympy.Rational(1, 2) * (y - a) ** 2
A = sympy.Symbol("a", real=True)  # a as a free variable, for dL/da

DERIVATIVES = {
    "a": sympy.diff(sympy.Rational(1, 2) * (y - A) ** 2, A).subs(A, a),
    "z": sympy.diff(loss, w) / x,  # dz/dw = x, so dL/dz = (dL/dw) / x
    "w": sympy.diff(loss, w),
    "b": sympy.diff(loss, b),
}
SYMBOLS = (w, x, b, y)
KEYS = {
    name: sympy.lambdify(SYMBOLS, expression, "math") for name, expression in DERIVATIVES.items()
}
FORWARD = sympy.lambdify(SYMBOLS, (z, a), "math")


def _float_loss(values: Sequence[float]) -> float:
    wv, xv, bv, yv = values
    return 0.5 * (yv - 1 / (1 + math.exp(-(wv * xv + bv)))) ** 2


TENTHS = [n / 10 for n in range(-20, 21) if n != 0]
OPTIONS = 4  # the key and three mistakes, in ascending order


def _draw(rng: random.Random) -> dict[sympy.Symbol, float]:
    values = {w: rng.choice(TENTHS), x: rng.choice(TENTHS), b: rng.choice(TENTHS)}
    values[y] = float(rng.choice([0, 1]))
    zv, _ = _forward(values)
    if not 0.2 <= abs(zv) <= 2.5:  # near 0 or saturated, the numbers teach little
        raise VariantRejected("z outside [0.2, 2.5]")
    return values


def _key(name: str, values: dict[sympy.Symbol, float]) -> float:
    return float(KEYS[name](*(values[s] for s in SYMBOLS)))


def _forward(values: dict[sympy.Symbol, float]) -> tuple[float, float]:
    zv, av = FORWARD(*(values[s] for s in SYMBOLS))
    return float(zv), float(av)


def _lab(values: dict[sympy.Symbol, float]) -> LabLink:
    """The lab's neuron graph at these numbers: the same forward and backward pass."""
    return LabLink("neuron", tuple((str(s), float(values[s])) for s in (w, x, b, y)))


def _stem(values: dict[sympy.Symbol, float], asked: str) -> str:
    zv, av = _forward(values)
    return (
        "For the neuron $z = wx + b$, $a = \\sigma(z)$, $L = \\tfrac{1}{2}(y - a)^2$, take "
        f"$w = {fmt(values[w])}$, $x = {fmt(values[x])}$, $b = {fmt(values[b])}$ and "
        f"$y = {fmt(values[y])}$. The forward pass gives $z = {fmt(zv, 4)}$ and "
        f"$a = \\sigma(z) \\approx {fmt(av, 4)}$. What is "
        f"$\\frac{{\\partial L}}{{\\partial {asked}}}$?"
    )


def _check(name: str, key: float, numeric: float) -> KeyCheck:
    return KeyCheck(name=name, value=key, estimate=numeric)


def _numeric(values: dict[sympy.Symbol, float], index: int) -> float:
    point = [float(values[s]) for s in (w, x, b, y)]
    return centred_difference(_float_loss, point, index)


@key_at_random_rank(OPTIONS)
def dl_da(rng: random.Random, rank: int) -> Variant:
    """dL/da = a − y."""
    values = _draw(rng)
    zv, av = _forward(values)
    yv = float(values[y])
    key = _key("a", values)
    numeric = centred_difference(lambda p: 0.5 * (yv - p[0]) ** 2, [av], 0)
    a_text = fmt(av, 4)
    if fmt(float(shown_difference(a_text, fmt(yv))), 3) != fmt(key):
        raise VariantRejected("rounding a - y twice would not give the option shown")
    correct = Choice("key", key, "Correct: $\\frac{\\partial L}{\\partial a} = a - y$.")
    mistakes = [
        Choice(
            "sign-flipped",
            yv - av,
            "This is $y - a$: it drops the inner derivative. By the chain rule, "
            "$\\tfrac{1}{2}(y - a)^2$ differentiated by $a$ is $(y - a)$ times "
            "$\\frac{\\partial (y - a)}{\\partial a} = -1$, which gives $a - y$.",
        ),
        Choice(
            "used-z",
            zv - yv,
            "This uses $z$ where $a$ belongs: the loss compares $y$ with the activation "
            "$a = \\sigma(z)$, not with $z$. The gradient is $a - y$.",
        ),
        Choice(
            "went-past-a",
            key * av * (1 - av),
            "This multiplies by $\\sigma'(z) = a(1 - a)$, which gives "
            "$\\frac{\\partial L}{\\partial z}$. The question stops at $a$: "
            "$\\frac{\\partial L}{\\partial a} = a - y$.",
        ),
        Choice("forgot-half", 2 * key, _FORGOT_HALF),
        Choice(
            "used-loss",
            0.5 * (yv - av) ** 2,
            "This is the value of the loss, $\\tfrac{1}{2}(y - a)^2$, not its derivative. "
            "Differentiating by $a$ gives $a - y$.",
        ),
        Choice(
            "cross-entropy",
            key / (av * (1 - av)),
            "This is $\\frac{a - y}{a(1 - a)}$, the derivative by $a$ of the cross-entropy "
            "loss $-[y \\log a + (1 - y) \\log(1 - a)]$. The loss here is the squared error "
            "$\\tfrac{1}{2}(y - a)^2$, whose derivative is $a - y$.",
        ),
    ]
    return numeric_variant(
        lab=_lab(values),
        stem=_stem(values, "a"),
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank),
        explanation=(
            f"$\\frac{{\\partial L}}{{\\partial a}} = a - y \\approx {a_text} - {fmt(yv)} "
            f"= {shown_difference(a_text, fmt(yv))}$, which the options show to three figures. "
            "This is the first line of the backward pass in the worked example: the loss "
            "gradient that the chain rule then carries back to $z$, $w$ and $b$."
        ),
        checks=[_check("dL/da", key, numeric)],
    )


@key_at_random_rank(OPTIONS)
def dl_dz(rng: random.Random, rank: int) -> Variant:
    """dL/dz = (a − y)·a(1 − a)."""
    values = _draw(rng)
    zv, av = _forward(values)
    yv = float(values[y])
    key = _key("z", values)
    numeric = _numeric(values, 2)  # dz/db = 1, so dL/db = dL/dz
    correct = Choice("key", key, "Correct: $(a - y) \\cdot a(1 - a)$.")
    mistakes = [
        *_after_sigmoid_mistakes(rng, key, av, yv, zv, factor=1.0),
        Choice(
            "went-on-to-w",
            key * float(values[x]),
            "This multiplies by $x$, which gives $\\frac{\\partial L}{\\partial w}$. The "
            "question stops at $z$: $\\frac{\\partial L}{\\partial z} = (a - y) \\cdot a(1 - a)$.",
        ),
        Choice(
            "slope-at-z",
            (av - yv) * zv * (1 - zv),
            "This evaluates the sigmoid's slope as $z(1 - z)$, putting $z$ where the "
            "activation belongs. Written with the output, $\\sigma'(z) = a(1 - a)$ with "
            f"$a \\approx {fmt(av, 4)}$.",
        ),
    ]
    return numeric_variant(
        lab=_lab(values),
        stem=_stem(values, "z"),
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank),
        explanation=(
            "By the chain rule, $\\frac{\\partial L}{\\partial z} = "
            "\\frac{\\partial L}{\\partial a} \\cdot \\sigma'(z) = (a - y) \\cdot a(1 - a)$. "
            f"With $a \\approx {fmt(av, 4)}$: $({fmt(av - yv, 4)}) \\cdot {fmt(av * (1 - av), 4)} "
            f"{approx(key)}$."
        ),
        checks=[_check("dL/dz", key, numeric)],
    )


@key_at_random_rank(OPTIONS)
def dl_dw(rng: random.Random, rank: int) -> Variant:
    """dL/dw = (a − y)·a(1 − a)·x."""
    values = _draw(rng)
    zv, av = _forward(values)
    xv, yv, wv = float(values[x]), float(values[y]), float(values[w])
    delta = (av - yv) * av * (1 - av)
    key = _key("w", values)
    correct = Choice("key", key, "Correct: $\\frac{\\partial L}{\\partial z} \\cdot x$.")
    mistakes = [
        *_after_sigmoid_mistakes(rng, key, av, yv, zv, factor=xv),
        Choice(
            "forgot-x",
            delta,
            "This is $\\frac{\\partial L}{\\partial z}$; it leaves out the local derivative "
            "$\\frac{\\partial z}{\\partial w} = x$.",
        ),
        Choice(
            "times-w",
            delta * wv,
            "This multiplies by $w$, as if $\\frac{\\partial (wx)}{\\partial w}$ were $w$. "
            "The derivative of a product with respect to one factor is the other factor: "
            "$\\frac{\\partial z}{\\partial w} = x$.",
        ),
    ]
    return numeric_variant(
        lab=_lab(values),
        stem=_stem(values, "w"),
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank),
        explanation=(
            "$\\frac{\\partial L}{\\partial w} = (a - y) \\cdot a(1 - a) \\cdot x$: the chain "
            f"rule through $a$, then $z$, then $w$, whose local derivative is $x$. Here "
            f"$\\frac{{\\partial L}}{{\\partial z}} \\approx {fmt(delta, 4)}$, times "
            f"$x = {fmt(xv)}$, gives $\\frac{{\\partial L}}{{\\partial w}} {approx(key)}$."
        ),
        checks=[_check("dL/dw", key, _numeric(values, 0))],
    )


@key_at_random_rank(OPTIONS)
def dl_db(rng: random.Random, rank: int) -> Variant:
    """dL/db = (a − y)·a(1 − a)."""
    values = _draw(rng)
    zv, av = _forward(values)
    xv, yv = float(values[x]), float(values[y])
    key = _key("b", values)
    correct = Choice("key", key, "Correct: $\\frac{\\partial z}{\\partial b} = 1$.")
    mistakes = [
        *_after_sigmoid_mistakes(rng, key, av, yv, zv, factor=1.0),
        Choice(
            "times-x",
            key * xv,
            "This multiplies by $x$ as if $b$ were a weight; $z = wx + b$ gives "
            "$\\frac{\\partial z}{\\partial b} = 1$.",
        ),
    ]
    return numeric_variant(
        lab=_lab(values),
        stem=_stem(values, "b"),
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank),
        explanation=(
            "$\\frac{\\partial z}{\\partial b} = 1$, so "
            "$\\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial z} = "
            f"(a - y) \\cdot a(1 - a) {approx(key)}$."
        ),
        checks=[_check("dL/db", key, _numeric(values, 2))],
    )


_FORGOT_HALF = (
    "This is twice the gradient: it differentiates $(y - a)^2$ and forgets the "
    "$\\tfrac{1}{2}$ in front, which is there to cancel the $2$ that the power rule brings "
    "down. For $L = \\tfrac{1}{2}(y - a)^2$, "
    "$\\frac{\\partial L}{\\partial a} = a - y$."
)
_DROPPED_TWO = (
    "This is half the gradient: it keeps the $\\tfrac{1}{2}$ in front but drops the $2$ that "
    "the power rule brings down from the square. The two cancel: "
    "$\\frac{\\partial L}{\\partial a} = \\tfrac{1}{2} \\cdot 2(a - y) = a - y$."
)


def _after_sigmoid_mistakes(
    rng: random.Random, key: float, av: float, yv: float, zv: float, *, factor: float
) -> list[Choice]:
    """Mistakes on the way from L through a to z, each times `factor` (x for dL/dw, else 1)."""
    return [
        Choice(
            "forgot-sigmoid-derivative",
            (av - yv) * factor,
            "This forgets the sigmoid's derivative $\\sigma'(z) = a(1 - a)$ between $a$ and "
            "$z$; the chain rule multiplies every local derivative on the path.",
        ),
        Choice(
            "sigmoid-for-derivative",
            (av - yv) * av * factor,
            "This multiplies by $\\sigma(z) = a$ where the sigmoid's derivative belongs. The "
            "slope is $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z)) = a(1 - a)$.",
        ),
        Choice(
            "used-z",
            (zv - yv) * av * (1 - av) * factor,
            "This uses $z - y$ as the output error; the loss compares $y$ with the "
            "activation $a$, so the error is $a - y$.",
        ),
        Choice(
            "sign-flipped",
            -key,
            "This has the wrong sign: it drops the inner derivative "
            "$\\frac{\\partial (y - a)}{\\partial a} = -1$ of $\\tfrac{1}{2}(y - a)^2$, whose "
            "derivative by $a$ is $a - y$, not $y - a$.",
        ),
        _factor_slip(rng, key),
    ]


def _factor_slip(rng: random.Random, key: float) -> Choice:
    """Twice or half the key, from a slip with the square's factors. Never both: with the
    key between them, 2k and k/2 would point to it."""
    if rng.random() < 0.5:
        return Choice("forgot-half", 2 * key, _FORGOT_HALF)
    return Choice("dropped-two", key / 2, _DROPPED_TWO)

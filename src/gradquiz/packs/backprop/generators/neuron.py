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
    Variant,
    VariantRejected,
    approx,
    centred_difference,
    fmt,
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


def dl_da(rng: random.Random) -> Variant:
    """dL/da = a − y."""
    values = _draw(rng)
    zv, av = _forward(values)
    yv = float(values[y])
    key = _key("a", values)
    numeric = centred_difference(lambda p: 0.5 * (yv - p[0]) ** 2, [av], 0)
    a_text = fmt(av, 4)
    if fmt(float(shown_difference(a_text, fmt(yv))), 3) != fmt(key):
        raise VariantRejected("rounding a - y twice would not give the option shown")
    return numeric_variant(
        stem=_stem(values, "a"),
        key=Choice("key", key, "Correct: $\\frac{\\partial L}{\\partial a} = a - y$."),
        distractors=[
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
        ],
        explanation=(
            f"$\\frac{{\\partial L}}{{\\partial a}} = a - y \\approx {a_text} - {fmt(yv)} "
            f"= {shown_difference(a_text, fmt(yv))}$, which the options show to three figures. "
            "This is the first line of the backward pass in the worked "
            "example: the loss gradient that the chain rule then carries back to $z$, $w$ "
            "and $b$."
        ),
        checks=[_check("dL/da", key, numeric)],
    )


def dl_dz(rng: random.Random) -> Variant:
    """dL/dz = (a − y)·a(1 − a)."""
    values = _draw(rng)
    zv, av = _forward(values)
    yv = float(values[y])
    key = _key("z", values)
    numeric = _numeric(values, 2)  # dz/db = 1, so dL/db = dL/dz
    return numeric_variant(
        stem=_stem(values, "z"),
        key=Choice("key", key, "Correct: $(a - y) \\cdot a(1 - a)$."),
        distractors=[
            Choice(
                "forgot-sigmoid-derivative",
                av - yv,
                "This is $\\frac{\\partial L}{\\partial a}$: it forgets the sigmoid's local "
                "derivative $\\sigma'(z) = a(1 - a)$, which the chain rule multiplies in "
                "between $a$ and $z$.",
            ),
            Choice(
                "used-z",
                (zv - yv) * av * (1 - av),
                "This puts $z$ where $a$ belongs in $\\frac{\\partial L}{\\partial a}$; the loss "
                "compares $y$ with $a$, so the first factor is $a - y$.",
            ),
            Choice(
                "sign-flipped",
                -key,
                "This has the sign of $y - a$; the derivative of $\\tfrac{1}{2}(y - a)^2$ by "
                "$a$ is $a - y$.",
            ),
        ],
        explanation=(
            "By the chain rule, $\\frac{\\partial L}{\\partial z} = "
            "\\frac{\\partial L}{\\partial a} \\cdot \\sigma'(z) = (a - y) \\cdot a(1 - a)$. "
            f"With $a \\approx {fmt(av, 4)}$: $({fmt(av - yv, 4)}) \\cdot {fmt(av * (1 - av), 4)} "
            f"\\approx {fmt(key)}$."
        ),
        checks=[_check("dL/dz", key, numeric)],
    )


def dl_dw(rng: random.Random) -> Variant:
    """dL/dw = (a − y)·a(1 − a)·x."""
    values = _draw(rng)
    zv, av = _forward(values)
    xv, yv = float(values[x]), float(values[y])
    delta = (av - yv) * av * (1 - av)
    key = _key("w", values)
    return numeric_variant(
        stem=_stem(values, "w"),
        key=Choice("key", key, "Correct: $\\frac{\\partial L}{\\partial z} \\cdot x$."),
        distractors=_weight_distractors(delta, av, yv, xv, zv, for_bias=False),
        explanation=(
            "$\\frac{\\partial L}{\\partial w} = (a - y) \\cdot a(1 - a) \\cdot x$: the chain "
            f"rule through $a$, then $z$, then $w$, whose local derivative is $x$. Here "
            f"$\\frac{{\\partial L}}{{\\partial z}} \\approx {fmt(delta, 4)}$, times "
            f"$x = {fmt(xv)}$, gives $\\frac{{\\partial L}}{{\\partial w}} {approx(key)}$."
        ),
        checks=[_check("dL/dw", key, _numeric(values, 0))],
    )


def dl_db(rng: random.Random) -> Variant:
    """dL/db = (a − y)·a(1 − a)."""
    values = _draw(rng)
    zv, av = _forward(values)
    xv, yv = float(values[x]), float(values[y])
    if abs(xv) == 1:  # times x would coincide with the key
        raise VariantRejected("x = ±1")
    delta = (av - yv) * av * (1 - av)
    key = _key("b", values)
    return numeric_variant(
        stem=_stem(values, "b"),
        key=Choice("key", key, "Correct: $\\frac{\\partial z}{\\partial b} = 1$."),
        distractors=_weight_distractors(delta, av, yv, xv, zv, for_bias=True),
        explanation=(
            "$\\frac{\\partial z}{\\partial b} = 1$, so "
            "$\\frac{\\partial L}{\\partial b} = \\frac{\\partial L}{\\partial z} = "
            f"(a - y) \\cdot a(1 - a) \\approx {fmt(key)}$."
        ),
        checks=[_check("dL/db", key, _numeric(values, 2))],
    )


def _weight_distractors(
    delta: float, av: float, yv: float, xv: float, zv: float, *, for_bias: bool
) -> list[Choice]:
    factor = 1.0 if for_bias else xv
    if for_bias:
        wrong_factor = Choice(
            "times-x",
            delta * xv,
            "This multiplies by $x$ as if $b$ were a weight; $z = wx + b$ gives "
            "$\\frac{\\partial z}{\\partial b} = 1$.",
        )
    else:
        wrong_factor = Choice(
            "forgot-x",
            delta,
            "This is $\\frac{\\partial L}{\\partial z}$; it leaves out the local derivative "
            "$\\frac{\\partial z}{\\partial w} = x$.",
        )
    return [
        Choice(
            "forgot-sigmoid-derivative",
            (av - yv) * factor,
            "This forgets the sigmoid's derivative $\\sigma'(z) = a(1 - a)$ between $a$ and "
            "$z$; the chain rule multiplies every local derivative on the path.",
        ),
        Choice(
            "used-z",
            (zv - yv) * av * (1 - av) * factor,
            "This uses $z - y$ as the output error; the loss compares $y$ with the "
            "activation $a$, so the error is $a - y$.",
        ),
        wrong_factor,
    ]

"""Clipping a gradient by its norm (Pascanu, Mikolov & Bengio 2013, §3.2).

g <- (c / ||g||) g when ||g|| > c. The key is computed exactly with sympy; the check finds the
scale that brings the norm down to c by bisection, without the formula c / ||g||.
"""

import math
import random
from functools import cache

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    Variant,
    VariantRejected,
    approx,
    distractors_around,
    fmt,
    key_at_random_rank,
    numeric_variant,
)

# Integer vectors with an integer Euclidean norm, so that the norm can be found by hand.
QUADRUPLES = [
    (1, 2, 2),
    (2, 3, 6),
    (1, 4, 8),
    (4, 4, 7),
    (2, 6, 9),
    (6, 6, 7),
    (3, 4, 12),
    (2, 10, 11),
    (1, 12, 12),
    (8, 9, 12),
    (2, 5, 14),
    (4, 8, 19),
]
SCALES = [1, 2, 3]
THRESHOLDS = [sympy.Integer(k) for k in (1, 2, 3, 4, 5, 6, 8, 10)]
NAMES = ("first", "second", "third")
OPTIONS = 4  # the key and three mistakes, in ascending order
assert all(math.isqrt(sum(x * x for x in q)) ** 2 == sum(x * x for x in q) for q in QUADRUPLES)


def _bisection_scale(vector: list[float], threshold: float) -> float:
    """The factor s in (0, 1] with ||s g|| = threshold, found by bisection on the norm."""
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if math.sqrt(sum((middle * x) ** 2 for x in vector)) > threshold:
            high = middle
        else:
            low = middle
        if high - low <= 1e-17:
            break
    return (low + high) / 2


def _squares(vector: list[sympy.Integer]) -> str:
    return " + ".join(str(x**2) for x in vector)


def _vector_text(vector: list[sympy.Integer]) -> str:
    return "(" + ", ".join(fmt(x) for x in vector) + ")"


@cache  # a few hundred distinct fractions; sympy's 30-digit evaluation is slow
def _float(exact: sympy.Rational) -> float:
    """`exact`, evaluated to 30 digits and rounded to a float."""
    return float(sympy.N(exact, 30))


@key_at_random_rank(OPTIONS)
def by_norm(rng: random.Random, rank: int) -> Variant:
    """One component of g after clipping by norm: c * g_k / ||g||."""
    base = list(rng.choice(QUADRUPLES))
    rng.shuffle(base)
    scale = rng.choice(SCALES)
    vector = [sympy.Integer(x * scale * rng.choice((-1, 1))) for x in base]
    norm = sympy.sqrt(sum(x**2 for x in vector))
    threshold = rng.choice(THRESHOLDS)
    index = rng.randrange(3)
    component = vector[index]
    if not threshold < abs(component):  # clipping by value must change the asked entry
        raise VariantRejected("threshold not below the asked component")
    if threshold >= norm / 2:  # keep the rescaling clearly visible
        raise VariantRejected("threshold too close to the norm")

    key_exact = threshold * component / norm
    key = _float(key_exact)
    floats = [float(x) for x in vector]
    estimate = _bisection_scale(floats, float(threshold)) * floats[index]

    g_text, c_text, n_text = _vector_text(vector), fmt(threshold), fmt(norm)
    k_text, name = fmt(component), NAMES[index]
    if component < 0:
        k_text = f"({k_text})"
    squares = _squares(vector)
    correct = Choice(
        "key",
        key,
        f"Correct: $\\lVert g \\rVert = {n_text} > {c_text}$, so the whole vector is scaled "
        f"by $\\frac{{{c_text}}}{{{n_text}}}$ and the {name} component becomes "
        f"$\\frac{{{c_text}}}{{{n_text}}} \\cdot {k_text} {approx(key_exact)}$.",
    )
    return numeric_variant(
        stem=(
            f"To guard against an exploding gradient, you clip the gradient $g = {g_text}$ "
            f"by its norm, with threshold $c = {c_text}$. What is the {name} component of $g$ "
            "after clipping?"
        ),
        key=correct,
        distractors=distractors_around(rng, correct, _mistakes(vector, index, threshold), rank),
        explanation=(
            "Clipping by norm (Pascanu, Mikolov & Bengio 2013) replaces $g$ by "
            "$\\frac{c}{\\lVert g \\rVert} g$ whenever $\\lVert g \\rVert > c$. Here "
            f"$\\lVert g \\rVert = \\sqrt{{{squares}}} = {n_text} > {c_text}$, so every "
            f"component is multiplied by $\\frac{{{c_text}}}{{{n_text}}}$; the {name} component "
            f"becomes $\\frac{{{c_text}}}{{{n_text}}} \\cdot {k_text} {approx(key_exact)}$. "
            f"The clipped gradient points in the same direction as $g$ and has norm exactly "
            f"${c_text}$."
        ),
        checks=[KeyCheck("clipped component by bisection on the norm", key, estimate)],
    )


def _mistakes(vector: list[sympy.Integer], index: int, threshold: sympy.Integer) -> list[Choice]:
    """Computed mistakes: some shrink the component more than clipping does, some less."""
    component = vector[index]
    norm = sympy.sqrt(sum(x**2 for x in vector))
    squares = sum(x**2 for x in vector)
    l1_norm = sum(abs(x) for x in vector)
    largest = max(abs(x) for x in vector)
    c_text, n_text = fmt(threshold), fmt(norm)
    scale_text = f"$\\frac{{{c_text}}}{{{n_text}}}$"
    mistakes = [
        Choice(
            "l1-norm",
            float(threshold * component / l1_norm),
            "This divides by the sum of the absolute components (the L1 norm, "
            f"${l1_norm}$). Clipping by norm uses the Euclidean norm "
            f"$\\lVert g \\rVert = {n_text}$, so that the clipped vector has length $c$.",
        ),
        Choice(
            "squared-norm",
            float(threshold * component / squares),
            f"This divides by the sum of squares, ${squares}$, and forgets the square root: "
            f"the norm is $\\lVert g \\rVert = \\sqrt{{{squares}}} = {n_text}$, so the factor "
            f"is {scale_text}.",
        ),
        Choice(
            "by-value",
            float(max(-threshold, min(threshold, component))),
            f"This clips each component to $[-{c_text}, {c_text}]$ on its own (clipping by "
            "value), which turns the vector away from its direction. Clipping by norm "
            f"rescales the whole vector by one factor, {scale_text}.",
        ),
        Choice(
            "not-clipped",
            float(component),
            "This leaves $g$ unchanged, as if its norm were within the threshold. Here "
            f"$\\lVert g \\rVert = \\sqrt{{{_squares(vector)}}} = {n_text}$ exceeds "
            f"$c = {c_text}$, so $g$ is scaled by {scale_text}.",
        ),
    ]
    if threshold > 1:  # for c = 1 this mistake gives the right answer
        mistakes.append(
            Choice(
                "forgot-threshold",
                float(component / norm),
                f"This divides $g$ by its norm ${n_text}$ but forgets to multiply by the "
                "threshold, which leaves a vector of length $1$. Clipping rescales it to "
                f"length $c = {c_text}$: the factor is {scale_text}.",
            )
        )
    if abs(component) != largest:  # otherwise this mistake coincides with clipping by value
        mistakes.append(
            Choice(
                "largest-entry",
                float(threshold * component / largest),
                f"This scales $g$ so that its largest entry, ${largest}$, becomes the threshold. "
                f"The direction is kept, but the norm stays above $c = {c_text}$; clipping by "
                f"norm divides by the Euclidean norm ${n_text}$, a factor of {scale_text}.",
            )
        )
    return mistakes

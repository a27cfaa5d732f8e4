"""Backward through an elementwise ReLU, a = max(0, z), for a vector of four units.

ReLU's local derivative comes from sympy (a Heaviside step: 1 where z > 0, 0 where z < 0);
the key dL/dz is the upstream gradient times that mask, asked either as the vector or as the
sum of its entries. Each entry is checked against a centred difference of
L = sum(g * max(0, z)) with respect to that entry of z, computed in float64.
"""

import random
from collections.abc import Sequence

import sympy

from gradquiz.generators import (
    Choice,
    KeyCheck,
    Variant,
    VariantRejected,
    centred_difference,
    fmt,
    numeric_variant,
    text_variant,
)

Z = sympy.Symbol("z", real=True)
RELU = sympy.Max(0, Z)
SLOPE = sympy.diff(RELU, Z)  # Heaviside(z), derived once
UNITS = 4
PRE_ACTIVATIONS = [n for n in range(-5, 6) if n != 0]  # never exactly at the kink
GRADIENTS = [n for n in range(-5, 6) if n != 0]


def _vector(values: Sequence[float]) -> str:
    return "(" + ", ".join(fmt(v) for v in values) + ")"


class _Loss:
    """L(z) = sum_i g_i * max(0, z_i): its gradient with respect to z is dL/dz."""

    def __init__(self, g: Sequence[int]) -> None:
        self.g = list(g)

    def __call__(self, z: Sequence[float]) -> float:
        return sum(gi * max(0.0, zi) for gi, zi in zip(self.g, z, strict=True))


def routing(rng: random.Random) -> Variant:
    """dL/dz = dL/da * 1[z > 0], as a vector or as the sum of its entries."""
    z = [rng.choice(PRE_ACTIVATIONS) for _ in range(UNITS)]
    g = [rng.choice(GRADIENTS) for _ in range(UNITS)]
    if all(v > 0 for v in z) or all(v < 0 for v in z):
        raise VariantRejected("need both active and inactive units")
    mask = [int(SLOPE.subs(Z, v)) for v in z]
    outputs = [int(RELU.subs(Z, v)) for v in z]
    key = [gi * mi for gi, mi in zip(g, mask, strict=True)]
    wrong = {
        "passes-everywhere": list(g),
        "times-output": [gi * ai for gi, ai in zip(g, outputs, strict=True)],
        "inverted-mask": [gi * (1 - mi) for gi, mi in zip(g, mask, strict=True)],
    }
    loss = _Loss(g)
    estimates = [centred_difference(loss, z, i) for i in range(UNITS)]
    checks = [
        KeyCheck(name=f"dL/dz{i + 1}", value=float(key[i]), estimate=estimates[i])
        for i in range(UNITS)
    ]
    as_sum = rng.random() < 0.5
    z_tex, g_tex, mask_tex = _vector(z), _vector(g), _vector(mask)
    a_tex = _vector(outputs)
    positions = [str(i + 1) for i in range(UNITS) if z[i] < 0]
    negative = (
        f"entry {positions[0]}"
        if len(positions) == 1
        else f"entries {', '.join(positions[:-1])} and {positions[-1]}"
    )
    ask = (
        "What is the sum of the entries of $\\frac{\\partial L}{\\partial z}$?"
        if as_sum
        else "What is $\\frac{\\partial L}{\\partial z}$?"
    )
    stem = (
        "A layer applies ReLU elementwise, $a = \\max(0, z)$, to four units. In the forward "
        f"pass $z = {z_tex}$, and backprop delivers the upstream gradient "
        f"$\\frac{{\\partial L}}{{\\partial a}} = {g_tex}$. {ask}"
    )
    key_tex = _vector(key)
    total = f", whose entries sum to ${fmt(sum(key))}$" if as_sum else ""
    feedback = {
        "passes-everywhere": (
            "This passes the upstream gradient through every unit, as if ReLU's slope were "
            f"always $1$. For $z < 0$ its slope is $0$, so {negative} of "
            f"$\\frac{{\\partial L}}{{\\partial z}}$ must be $0$: ${key_tex}${total}."
        ),
        "times-output": (
            f"This multiplies the upstream gradient by ReLU's output $a = {a_tex}$ instead "
            f"of its local derivative, the $0/1$ mask ${mask_tex}$. With the mask, "
            f"$\\frac{{\\partial L}}{{\\partial z}} = {key_tex}${total}."
        ),
        "inverted-mask": (
            "This inverts the mask, passing the gradient where $z < 0$ and blocking it where "
            "$z > 0$. ReLU's slope is $1$ for positive $z$ and $0$ for negative $z$, so "
            f"$\\frac{{\\partial L}}{{\\partial z}} = {key_tex}${total}."
        ),
    }
    explanation = (
        "ReLU's local derivative is $1$ where $z > 0$ and $0$ where $z < 0$, so the mask for "
        f"$z = {z_tex}$ is ${mask_tex}$. By the chain rule, "
        "$\\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial a} \\odot$ mask "
        f"$= {g_tex} \\odot {mask_tex} = {key_tex}$"
        + (f", and its entries sum to ${fmt(sum(key))}$" if as_sum else "")
        + ". Units whose pre-activation is negative pass no gradient back at all. A unit "
        "whose pre-activation is negative for every example in the data gets no gradient "
        "for its weights, so they stop changing: the dead ReLU of the CS231n notes, which "
        "stays dead for as long as its inputs stay as they are."
    )
    if as_sum:
        if sum(key) == 0:  # a zero key cannot be checked by relative error
            raise VariantRejected("the key's entries sum to 0")
        return numeric_variant(
            stem=stem,
            key=Choice("key", sum(key), f"Correct: ${key_tex}$ sums to ${fmt(sum(key))}$."),
            distractors=[
                Choice(name, sum(values), feedback[name]) for name, values in wrong.items()
            ],
            explanation=explanation,
            checks=[
                *checks,
                KeyCheck(name="sum of dL/dz", value=float(sum(key)), estimate=sum(estimates)),
            ],
        )
    texts = {name: f"${_vector(values)}$" for name, values in wrong.items()}
    mean_length = sum(len(t) for t in texts.values()) / len(texts)
    if len(f"${key_tex}$") > mean_length + 1:
        raise VariantRejected("the key would be the longest option")
    return text_variant(
        stem=stem,
        key=Choice(
            "key",
            f"${key_tex}$",
            "Correct: the upstream gradient passes where $z > 0$ and is blocked where $z < 0$.",
        ),
        distractors=[Choice(name, texts[name], feedback[name]) for name in wrong],
        explanation=explanation,
        checks=checks,
    )

"""Softmax followed by cross-entropy: dL/dz_k = p_k - y_k (CS231n, minimal network case study).

The keys are sympy's derivatives of L = -log softmax(z)_y, derived once for every true class y
and logit k and evaluated at the drawn logits; each is checked against a centred difference of
the loss, computed in float64 with the log-sum-exp form.
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
    centred_difference,
    distractors_around,
    evaluate,
    fmt,
    key_at_random_rank,
    numeric_variant,
    shown_difference,
)

CLASSES = 3
LOGITS = sympy.symbols(f"z1:{CLASSES + 1}", real=True)
PROBABILITIES = [sympy.exp(z) / sum(sympy.exp(t) for t in LOGITS) for z in LOGITS]
LOSSES = [-sympy.log(p) for p in PROBABILITIES]  # L when class y is the correct one
DERIVATIVES = {
    (y, k): sympy.diff(LOSSES[y], LOGITS[k]) for y in range(CLASSES) for k in range(CLASSES)
}
VALUES = [sympy.Rational(n, 10) for n in range(-20, 21)]  # logits -2.0, ..., 2.0
OPTIONS = 4  # the key and three mistakes, in ascending order


def _float_loss(logits: Sequence[float], true_class: int) -> float:
    """Cross-entropy of softmax(logits) for the true class, by log-sum-exp in float64."""
    top = max(logits)
    return top + math.log(sum(math.exp(z - top) for z in logits)) - logits[true_class]


def _vector_text(values: Sequence[float], digits: int) -> str:
    return "(" + ", ".join(fmt(v, digits) for v in values) + ")"


def _softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    return [e / sum(exps) for e in exps]


@key_at_random_rank(OPTIONS)
def cross_entropy(rng: random.Random, rank: int) -> Variant:
    """dL/dz_k = p_k - y_k for three logits and a drawn true class."""
    logits = rng.sample(VALUES, CLASSES)
    floats = [float(z) for z in logits]
    probabilities = _softmax(floats)  # for the stem, the distractors and screening the draw
    if not (min(probabilities) >= 0.05 and max(probabilities) <= 0.9):
        raise VariantRejected("a probability is too close to 0 or 1")
    true_class = rng.randrange(CLASSES)
    others = [k for k in range(CLASSES) if k != true_class]
    asked = true_class if rng.random() < 0.5 else rng.choice(others)

    at = dict(zip(LOGITS, logits, strict=True))
    key = float(evaluate(DERIVATIVES[(true_class, asked)], at))
    numeric = centred_difference(lambda zs: _float_loss(zs, true_class), floats, asked)

    k, y = asked + 1, true_class + 1  # as the learner counts
    # The key as explanation and feedback state it: p_k with the stem's digits, and the
    # subtraction worked out on those digits, so every number matches the stem.
    pk_text = fmt(probabilities[asked], 4)
    if asked == true_class:
        difference = shown_difference(pk_text, "1")
        if fmt(float(difference)) != fmt(key):
            raise VariantRejected("rounding p_k - 1 twice would not give the option shown")
        result = f"p_{{{k}}} - 1 \\approx {pk_text} - 1 = {difference}"
        mistakes = _true_class_mistakes(probabilities, floats, k, result)
        steps = (
            f"$\\frac{{\\partial L}}{{\\partial p_{{{y}}}}} = -\\frac{{1}}{{p_{{{y}}}}}$ and "
            f"$\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}} = p_{{{y}}}(1 - p_{{{y}}})$, "
            f"so $\\frac{{\\partial L}}{{\\partial z_{{{k}}}}} = -(1 - p_{{{y}}}) = {result}$"
        )
    else:
        result = f"p_{{{k}}} \\approx {pk_text}"
        mistakes = _other_class_mistakes(probabilities, floats, k, y, result)
        steps = (
            f"$\\frac{{\\partial L}}{{\\partial p_{{{y}}}}} = -\\frac{{1}}{{p_{{{y}}}}}$ and "
            f"$\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}} = -p_{{{y}}} p_{{{k}}}$, so "
            f"$\\frac{{\\partial L}}{{\\partial z_{{{k}}}}} = p_{{{k}}} - 0 = {result}$"
        )
    correct = Choice(
        "key",
        key,
        f"Correct: for softmax followed by cross-entropy, "
        f"$\\frac{{\\partial L}}{{\\partial z_{{{k}}}}} = p_{{{k}}} - y_{{{k}}}$, here "
        f"${result}$.",
    )
    return numeric_variant(
        stem=(
            f"A classifier's logits are $z = {_vector_text(floats, 3)}$, and the softmax turns "
            f"them into the probabilities $p \\approx {_vector_text(probabilities, 4)}$. The "
            f"correct class is class ${y}$, so the loss is the cross-entropy "
            f"$L = -\\log p_{{{y}}}$. What is $\\frac{{\\partial L}}{{\\partial z_{{{k}}}}}$?"
        ),
        key=correct,
        distractors=distractors_around(rng, correct, mistakes, rank),
        explanation=(
            "With the one-hot target $y$, softmax followed by cross-entropy has the gradient "
            "$\\frac{\\partial L}{\\partial z_j} = p_j - y_j$. Step by step: "
            f"{steps}. The CS231n case study computes it the same way, starting from the "
            "probabilities and subtracting $1$ at the correct class."
        ),
        checks=[KeyCheck(f"dL/dz_{k} by a centred difference", key, numeric)],
    )


def _true_class_mistakes(
    probabilities: Sequence[float], logits: Sequence[float], k: int, result: str
) -> list[Choice]:
    """Mistakes for dL/dz_y, the correct class's logit."""
    p = probabilities[k - 1]
    return [
        *_normaliser_mistakes(logits, k, k, result),
        Choice(
            "stopped-at-log",
            -1 / p,
            f"This stops at the probability: $\\frac{{\\partial L}}{{\\partial p_{{{k}}}}} "
            f"= -\\frac{{1}}{{p_{{{k}}}}}$. The chain rule must still pass through the "
            f"softmax, whose slope $\\frac{{\\partial p_{{{k}}}}}{{\\partial z_{{{k}}}}} = "
            f"p_{{{k}}}(1 - p_{{{k}}})$ turns it into ${result}$.",
        ),
        Choice(
            "forgot-normaliser",
            -1.0,
            f"This differentiates only $-z_{{{k}}}$, as if $L$ were the negative logit. But "
            f"$L = -\\log p_{{{k}}} = -z_{{{k}}} + \\log \\sum_j e^{{z_j}}$, and the "
            f"normalising term adds $p_{{{k}}}$: the gradient is ${result}$.",
        ),
        Choice(
            "sign-flipped",
            1 - p,
            f"This is $y_{{{k}}} - p_{{{k}}}$, the gradient with its sign flipped. The "
            f"gradient is $p_{{{k}}} - y_{{{k}}} = {result}$; descent "
            "moves against it, which raises the correct class's logit.",
        ),
        Choice(
            "forgot-target",
            p,
            f"This is $p_{{{k}}}$ alone: it leaves out the target $y_{{{k}}} = 1$. For the "
            f"correct class the gradient is ${result}$.",
        ),
        Choice(
            "unnormalised",
            math.exp(logits[k - 1]) - 1,
            f"This uses $e^{{z_{{{k}}}}}$ in place of $p_{{{k}}}$, leaving out the softmax's "
            "division by $\\sum_j e^{z_j}$. With the normalised probability the gradient is "
            f"${result}$.",
        ),
    ]


def _other_class_mistakes(
    probabilities: Sequence[float], logits: Sequence[float], k: int, y: int, result: str
) -> list[Choice]:
    """Mistakes for dL/dz_k with k a wrong class."""
    p, p_true = probabilities[k - 1], probabilities[y - 1]
    return [
        *_normaliser_mistakes(logits, k, y, result),
        Choice(
            "sign-flipped",
            -p,
            f"This is $y_{{{k}}} - p_{{{k}}}$, the gradient with its sign flipped. The "
            f"gradient is $p_{{{k}}} - y_{{{k}}} = {result}$; descent "
            "moves against it, which lowers this wrong class's logit.",
        ),
        Choice(
            "only-true-logit",
            0.0,
            f"This assumes only the correct class's logit affects $L = -\\log p_{{{y}}}$. "
            f"The softmax normalises over all logits, so raising $z_{{{k}}}$ lowers "
            f"$p_{{{y}}}$: the gradient is ${result}$.",
        ),
        Choice(
            "stopped-at-softmax",
            -probabilities[y - 1] * p,
            f"This is $\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}} = "
            f"-p_{{{y}}} p_{{{k}}}$, the softmax's own slope. The chain rule still "
            f"multiplies by $\\frac{{\\partial L}}{{\\partial p_{{{y}}}}} = "
            f"-\\frac{{1}}{{p_{{{y}}}}}$, which gives ${result}$.",
        ),
        Choice(
            "target-at-k",
            p - 1,
            f"This subtracts $1$ at class ${k}$, as if it were the correct class. The one-hot "
            f"target has its $1$ at class ${y}$, so $y_{{{k}}} = 0$ and the gradient is "
            f"${result}$.",
        ),
        Choice(
            "dropped-p-true",
            p / p_true,
            "This takes the softmax's slope "
            f"$\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}}$ as $-p_{{{k}}}$, dropping "
            f"the factor $p_{{{y}}}$. With "
            f"$\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}} = -p_{{{y}}} p_{{{k}}}$, the "
            f"$p_{{{y}}}$ cancels the $\\frac{{1}}{{p_{{{y}}}}}$ of "
            f"$\\frac{{\\partial L}}{{\\partial p_{{{y}}}}}$, and the gradient is ${result}$.",
        ),
        Choice(
            "own-slope",
            -p * (1 - p) / p_true,
            f"This multiplies $\\frac{{\\partial L}}{{\\partial p_{{{y}}}}} = "
            f"-\\frac{{1}}{{p_{{{y}}}}}$ by $\\frac{{\\partial p_{{{k}}}}}{{\\partial z_{{{k}}}}} "
            f"= p_{{{k}}}(1 - p_{{{k}}})$, the slope of class ${k}$'s own probability. The "
            f"loss depends on $p_{{{y}}}$, so the chain rule needs "
            f"$\\frac{{\\partial p_{{{y}}}}}{{\\partial z_{{{k}}}}} = -p_{{{y}}} p_{{{k}}}$, "
            f"which gives ${result}$.",
        ),
        Choice(
            "unnormalised",
            math.exp(logits[k - 1]),
            f"This uses $e^{{z_{{{k}}}}}$ in place of $p_{{{k}}}$, leaving out the softmax's "
            "division by $\\sum_j e^{z_j}$. With the normalised probability the gradient is "
            f"${result}$.",
        ),
    ]


def _normaliser_mistakes(
    logits: Sequence[float], k: int, true_class: int, result: str
) -> list[Choice]:
    """Slips with the loss and its normalising sum, for dL/dz_k (classes counted from 1)."""
    target = 1 if k == true_class else 0
    total = sum(math.exp(z) for z in logits)
    return [
        Choice(
            "used-loss",
            math.log(total) - logits[true_class - 1],
            f"This is the loss itself, $L = -\\log p_{{{true_class}}}$, not its derivative. "
            f"Differentiating it by $z_{{{k}}}$ gives ${result}$.",
        ),
        Choice(
            "inner-derivative",
            1 / total - target,
            "This differentiates $\\log \\sum_j e^{z_j}$ as $\\frac{1}{\\sum_j e^{z_j}}$ "
            f"and leaves out the inner derivative, $e^{{z_{{{k}}}}}$. With it the normalising "
            f"term contributes $\\frac{{e^{{z_{{{k}}}}}}}{{\\sum_j e^{{z_j}}}} = p_{{{k}}}$, "
            f"and the gradient is ${result}$.",
        ),
        Choice(
            "logit-for-probability",
            logits[k - 1] - target,
            f"This puts the logit $z_{{{k}}}$ where the probability $p_{{{k}}}$ belongs. The "
            "softmax turns the logits into probabilities first, and the gradient is "
            f"${result}$.",
        ),
    ]

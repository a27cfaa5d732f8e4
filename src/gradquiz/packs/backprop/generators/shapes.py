"""The weight gradient of a matrix multiply, Y = XW, by shape: dL/dW = X^T G.

N, D and M are drawn distinct, so only one product of the right operands is defined and has
W's shape. The key is checked by building random matrices of the drawn shapes in plain
Python: X^T G must have W's shape, and it must agree with centred differences of
L = sum(G * XW), both for one entry of W and along a random direction in W's space.
"""

import random
from collections.abc import Sequence

from gradquiz.generators import (
    Choice,
    KeyCheck,
    Variant,
    VariantRejected,
    centred_difference,
    text_variant,
)

Matrix = list[list[float]]
SIZES = range(2, 10)


def _random(rng: random.Random, rows: int, cols: int) -> Matrix:
    return [[rng.uniform(-1, 1) for _ in range(cols)] for _ in range(rows)]


def _transpose(a: Matrix) -> Matrix:
    return [list(column) for column in zip(*a, strict=True)]


def _product(a: Matrix, b: Matrix) -> Matrix:
    if len(a[0]) != len(b):
        raise ValueError("inner sizes differ")
    columns = _transpose(b)
    return [[sum(p * q for p, q in zip(row, col, strict=True)) for col in columns] for row in a]


class _Loss:
    """L(W) = sum(G * XW) for W given as a flat list of rows*cols entries: dL/dY = G."""

    def __init__(self, x: Matrix, g: Matrix, rows: int, cols: int) -> None:
        self.x, self.g, self.rows, self.cols = x, g, rows, cols

    def __call__(self, flat: Sequence[float]) -> float:
        w = [list(flat[r * self.cols : (r + 1) * self.cols]) for r in range(self.rows)]
        y = _product(self.x, w)
        return sum(
            gv * yv
            for g_row, y_row in zip(self.g, y, strict=True)
            for gv, yv in zip(g_row, y_row, strict=True)
        )


def _shape(rows: int, cols: int) -> str:
    return f"{rows} \\times {cols}"


def matmul_dw(rng: random.Random) -> Variant:
    """dL/dW = X^T G, of shape D x M."""
    n, d, m = rng.sample(SIZES, 3)
    x, w, g = _random(rng, n, d), _random(rng, d, m), _random(rng, n, m)
    gradient = _product(_transpose(x), g)  # the key's expression, X^T G
    row, col = rng.randrange(d), rng.randrange(m)
    loss = _Loss(x, g, d, m)
    flat_w = [v for w_row in w for v in w_row]
    entry = centred_difference(loss, flat_w, row * m + col)
    direction = _random(rng, d, m)
    flat_direction = [v for v_row in direction for v in v_row]
    along = centred_difference(
        lambda t: loss([wv + t[0] * vv for wv, vv in zip(flat_w, flat_direction, strict=True)]),
        [0.0],
        0,
    )
    projected = sum(
        gv * vv
        for g_row, v_row in zip(gradient, direction, strict=True)
        for gv, vv in zip(g_row, v_row, strict=True)
    )
    if abs(gradient[row][col]) < 0.1 or abs(projected) < 0.1:
        raise VariantRejected("a checked value is too close to 0 for a relative comparison")
    stem = (
        f"A layer computes $Y = XW$ on a mini-batch, where $X$ is $N \\times D = {_shape(n, d)}$ "
        f"and $W$ is $D \\times M = {_shape(d, m)}$, so $Y$ is ${_shape(n, m)}$. The backward "
        f"pass delivers $G = \\frac{{\\partial L}}{{\\partial Y}}$, also ${_shape(n, m)}$. "
        "Which expression gives $\\frac{\\partial L}{\\partial W}$, and what is its shape?"
    )
    w_shape = _shape(d, m)
    return text_variant(
        stem=stem,
        key=Choice(
            "key",
            f"$X^\\top G$, shape ${w_shape}$",
            f"Correct: $X^\\top$ (${_shape(d, n)}$) times $G$ (${_shape(n, m)}$) gives "
            f"${w_shape}$, the shape of $W$.",
        ),
        distractors=[
            Choice(
                "wrong-order",
                f"$G X^\\top$, shape ${w_shape}$",
                f"This multiplies in the wrong order: $G$ is ${_shape(n, m)}$ and $X^\\top$ "
                f"is ${_shape(d, n)}$, and the inner sizes ${m}$ and ${d}$ differ, so "
                f"$G X^\\top$ is not defined. In the order $X^\\top G$ the inner sizes match "
                f"and the product has $W$'s shape ${w_shape}$.",
            ),
            Choice(
                "no-transpose",
                f"$X G$, shape ${w_shape}$",
                f"This forgets the transpose: $X$ is ${_shape(n, d)}$ and $G$ is "
                f"${_shape(n, m)}$, and the inner sizes ${d}$ and ${n}$ differ, so $X G$ is "
                f"not defined. The sum runs over the batch index, which $X^\\top G$ "
                f"(${_shape(d, n)}$ times ${_shape(n, m)}$) contracts.",
            ),
            Choice(
                "input-gradient",
                f"$G W^\\top$, shape ${_shape(n, d)}$",
                f"This is $\\frac{{\\partial L}}{{\\partial X}} = G W^\\top$, the gradient "
                f"for the other input, with $X$'s shape ${_shape(n, d)}$. The gradient of "
                f"$W$ has $W$'s shape, ${w_shape}$, which $X^\\top G$ gives.",
            ),
        ],
        explanation=(
            "A parameter's gradient has the parameter's shape, so "
            f"$\\frac{{\\partial L}}{{\\partial W}}$ is ${w_shape}$. Entry by entry, "
            "$Y_{nm} = \\sum_d X_{nd} W_{dm}$ gives "
            "$\\frac{\\partial L}{\\partial W_{dm}} = \\sum_n X_{nd}\\, G_{nm} = "
            f"(X^\\top G)_{{dm}}$, and $X^\\top$ (${_shape(d, n)}$) times $G$ (${_shape(n, m)}$) "
            f"is ${w_shape}$. The other products fail the same test: $G X^\\top$ and "
            "$X G$ are not even defined for these sizes, and $G W^\\top$ is the "
            f"${_shape(n, d)}$ gradient of $X$. The CS231n notes call this dimension "
            "analysis: only one arrangement of the operands gives the right shape."
        ),
        checks=[
            KeyCheck(name="rows of X^T G = rows of W", value=len(gradient), estimate=len(w)),
            KeyCheck(name="cols of X^T G = cols of W", value=len(gradient[0]), estimate=len(w[0])),
            KeyCheck(name=f"(X^T G)[{row}][{col}]", value=gradient[row][col], estimate=entry),
            KeyCheck(name="X^T G along a random direction", value=projected, estimate=along),
        ],
    )

"""Each input's gradient three ways: the backward pass, an exact reference, a centred difference.

The backward pass (float64, reverse mode), forward-mode differentiation in 30-digit arithmetic
(forward_mode.py, with its own statement of the rules) and a centred difference (no rules at
all) are three independent routes to the same number; the lab shows all three.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from gradquiz.core.lab.forward_mode import exact_gradients
from gradquiz.core.lab.graphs import Graph, Program, forward_value
from gradquiz.core.lab.operations import DomainError

# The centred difference's step, scaled by the input's size, and the floor under the
# relative error's denominator so that two gradients of about 0 do not read as disagreeing.
STEP = 1e-5
ERROR_FLOOR = 1e-8
# Within this distance of a ReLU's or a max gate's kink, the centred difference straddles it.
KINK_MARGIN = 1e-4


@dataclass(frozen=True)
class GradientCheck:
    """One input's gradient by backprop, by exact forward mode and by a centred difference."""

    input: str
    backprop: float
    exact: float
    centred: float
    step: float

    @property
    def relative_error(self) -> float:
        """|exact − centred| / max(|exact|, |centred|), floored at ERROR_FLOOR."""
        return relative_error(self.exact, self.centred)

    @property
    def backprop_error(self) -> float:
        """How far the backward pass is from the exact gradient."""
        return relative_error(self.backprop, self.exact)


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|, ERROR_FLOOR)."""
    return abs(a - b) / max(abs(a), abs(b), ERROR_FLOOR)


def centred_difference(program: Program, values: Mapping[str, float], name: str) -> float:
    """∂output/∂name ≈ (f(v + h) − f(v − h)) / 2h with h = STEP·max(1, |v|); NaN where
    v ± h leaves the function's domain (log(x) at x = 10⁻⁶, say)."""
    step = STEP * max(1.0, abs(values[name]))
    up = {**values, name: values[name] + step}
    down = {**values, name: values[name] - step}
    try:
        return (forward_value(program, up) - forward_value(program, down)) / (2 * step)
    except DomainError:
        return math.nan


def check_gradients(program: Program, graph: Graph) -> tuple[GradientCheck, ...]:
    """Every input's gradient three ways."""
    values = {key: graph.by_key[key].value for key in graph.inputs}
    exact = exact_gradients(program, values)
    return tuple(
        GradientCheck(
            input=name,
            backprop=graph.gradients[name],
            exact=exact[name],
            centred=centred_difference(program, values, name),
            step=STEP * max(1.0, abs(values[name])),
        )
        for name in graph.inputs
    )


def near_kink(graph: Graph) -> bool:
    """Whether a ReLU's input or a max gate's two largest inputs are about equal here."""
    for node in graph.nodes:
        args = sorted((graph.by_key[key].value for key in node.inputs), reverse=True)
        if node.kind == "relu" and abs(args[0]) < KINK_MARGIN:
            return True
        if node.kind == "max" and args[0] - args[1] < KINK_MARGIN:
            return True
    return False

"""Gradient flow with numpy from a fixed seed: per-layer gradient norms through a deep chain,
and the error of one-sided and centred differences as the step h shrinks."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gradquiz.errors import InvalidInput

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITIALISATIONS = ("small", "xavier", "he")
MAX_DEPTH = 50
MAX_WIDTH = 256
# Drawing the weights is most of a chain's cost (about 13 ns a weight here): 2**20 of them
# keep a flow page near 40 ms of CPU, where 50 layers of 256 (3.3 million) took 4.5 s.
MAX_WEIGHTS = 2**20
SEED = 20_16  # any fixed number: the same picture on every visit
STEPS = tuple(10.0**-k for k in range(1, 13))

Array = NDArray[np.float64]


def _activate(name: str, pre: Array) -> tuple[Array, Array]:
    """The activation and its derivative, elementwise."""
    if name == "sigmoid":
        out = 1 / (1 + np.exp(-pre))
        return out, out * (1 - out)
    if name == "tanh":
        out = np.tanh(pre)
        return out, 1 - out**2
    return np.maximum(pre, 0), (pre > 0).astype(np.float64)


def weight_std(init: str, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a layer's weights: 0.01, Glorot/Xavier or He."""
    if init == "small":
        return 0.01
    if init == "xavier":
        return math.sqrt(2 / (fan_in + fan_out))
    return math.sqrt(2 / fan_in)


@dataclass(frozen=True)
class LayerNorms:
    """‖∂L/∂W‖ for each layer of one deep chain, layer 1 nearest the input."""

    activation: str
    init: str
    norms: tuple[float, ...]


def layer_gradient_norms(
    activation: str, init: str, depth: int, width: int, seed: int = SEED
) -> LayerNorms:
    """Backpropagate L = r·h_depth through `depth` dense layers (no biases) of `width` units."""
    (norms,) = chain_gradient_norms((activation,), init, depth, width, seed)
    return norms


def chain_gradient_norms(
    activations: Sequence[str], init: str, depth: int, width: int, seed: int = SEED
) -> tuple[LayerNorms, ...]:
    """`layer_gradient_norms` for several activations, from one draw of the random numbers."""
    if not set(activations) <= set(ACTIVATIONS) or init not in INITIALISATIONS:
        raise InvalidInput(f"Unknown activation or initialisation: {activations}, {init}.")
    if not (1 <= depth <= MAX_DEPTH and 1 <= width <= MAX_WIDTH):
        raise InvalidInput(f"Depth 1 to {MAX_DEPTH} and width 1 to {MAX_WIDTH}, please.")
    if depth * width * width > MAX_WEIGHTS:
        raise InvalidInput(weights_refusal(depth, width))
    rng = np.random.default_rng(seed)
    # The same weights, input and output direction for every activation and initialisation
    # at this depth and width, so the lines differ only by what the learner chose. Drawing
    # them is most of the cost, so they are drawn once for all the activations.
    weights = rng.standard_normal((depth, width, width)) * weight_std(init, width, width)
    start = rng.standard_normal(width)
    direction = rng.standard_normal(width)
    return tuple(
        LayerNorms(activation, init, _norms(activation, weights, start, direction))
        for activation in activations
    )


def weights_refusal(depth: int, width: int) -> str:
    """Why a chain is too large to draw: its weights, counted."""
    return (
        f"A chain of {depth} layers of {width} units has {depth * width * width:,} weights; "
        f"the lab draws at most {MAX_WEIGHTS:,} (for example {MAX_DEPTH} layers of "
        f"{math.isqrt(MAX_WEIGHTS // MAX_DEPTH)} units, or {MAX_WEIGHTS // MAX_WIDTH**2} "
        f"of {MAX_WIDTH}). Make it shallower or narrower."
    )


def _norms(activation: str, weights: Array, start: Array, direction: Array) -> tuple[float, ...]:
    inputs, slopes = [], []
    hidden = start
    for layer in weights:
        inputs.append(hidden)
        hidden, slope = _activate(activation, layer @ hidden)
        slopes.append(slope)
    upstream = direction  # ∂L/∂h at the top
    norms = []
    for layer, layer_input, slope in zip(
        reversed(weights), reversed(inputs), reversed(slopes), strict=True
    ):
        pre_gradient = upstream * slope
        # ∂L/∂W is the outer product of pre_gradient and layer_input, and the Frobenius norm
        # of an outer product u·vᵀ is ‖u‖·‖v‖: no width × width matrix is built.
        norms.append(float(np.linalg.norm(pre_gradient) * np.linalg.norm(layer_input)))
        upstream = layer.T @ pre_gradient
    return tuple(reversed(norms))


@dataclass(frozen=True)
class StepError:
    """At one step h: the relative error of the one-sided and of the centred difference."""

    step: float
    one_sided: float
    centred: float


def relative_error(estimate: float, exact: float) -> float:
    """|estimate − exact| / max(|estimate|, |exact|); when the exact value is 0, where any
    estimate but 0 would be 100 % off, the absolute error |estimate| instead."""
    if exact == 0:
        return abs(estimate)
    return abs(estimate - exact) / max(abs(estimate), abs(exact))


def step_sweep(
    function: Callable[[float], float], point: float, exact: float, steps: tuple[float, ...] = STEPS
) -> tuple[StepError, ...]:
    """How one-sided (f(v+h) − f(v))/h and centred (f(v+h) − f(v−h))/2h differences err."""
    centre = function(point)
    rows = []
    for step in steps:
        up, down = function(point + step), function(point - step)
        rows.append(
            StepError(
                step,
                relative_error((up - centre) / step, exact),
                relative_error((up - down) / (2 * step), exact),
            )
        )
    return tuple(rows)


def relu_kink_sweep(point: float = 1e-6, steps: tuple[float, ...] = STEPS) -> tuple[StepError, ...]:
    """relu just right of its kink: the check fails while h > point, and no bug is to blame."""
    return step_sweep(lambda v: max(v, 0.0), point, 1.0, steps)

"""Gradient flow with numpy from a fixed seed: per-layer gradient norms through a deep chain,
and the error of one-sided and centred differences as the step h shrinks."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gradquiz.core.lab.numbers import shown_number
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
    """For each layer of one deep chain, layer 1 nearest the input: ‖∂L/∂W_l‖ (`norms`) and
    the back-propagated gradient ‖δ_l‖ = ‖∂L/∂z_l‖ at its pre-activations z_l = W_l h_{l−1}.

    ∂L/∂W_l = δ_l h_{l−1}ᵀ, so ‖∂L/∂W_l‖ = ‖δ_l‖·‖h_{l−1}‖: where the forward signal h shrinks
    layer by layer as fast as δ shrinks going back, the weight gradients all come out about
    the same size while δ vanishes (Glorot & Bengio 2010, eqs. 13 and 14).
    """

    activation: str
    init: str
    norms: tuple[float, ...]
    deltas: tuple[float, ...]
    # The first layer (1 = nearest the input) whose every unit has slope 0 (for ReLU: every
    # input at most 0, a dead layer): it passes no gradient back, and the layers above it get
    # h = 0 from it, so with ReLU they are dead too. None when there is none.
    dead_layer: int | None = None

    @property
    def delta_ratio(self) -> float | None:
        """‖δ‖ at layer 1 over ‖δ‖ at the top layer; None when the top's is 0."""
        return _ratio(self.deltas)

    @property
    def weight_ratio(self) -> float | None:
        """‖∂L/∂W‖ at layer 1 over the top layer's; None when the top's is 0."""
        return _ratio(self.norms)

    @property
    def delta_spread(self) -> float | None:
        """The largest ‖δ‖ over the smallest, across every layer; None when one is 0."""
        smallest = min(self.deltas)
        return max(self.deltas) / smallest if smallest else None

    @property
    def delta_trend(self) -> str:
        """What happens to δ on its way back to layer 1, in a few words: the end layers
        compared, and "stays within" only when every layer's ‖δ‖ is within the factor."""
        ratio = self.delta_ratio
        if ratio is None:  # δ at the top is 0, so every δ below it is 0 too
            return "is 0 at every layer"
        if ratio > TREND_FACTOR:
            return "explodes"
        if ratio < 1 / TREND_FACTOR:
            return "vanishes"
        spread = self.delta_spread
        if spread is None or spread > TREND_FACTOR:
            return (
                f"varies by more than a factor of {TREND_FACTOR:g} between layers, though "
                f"layer 1's and the top layer's are within a factor of {TREND_FACTOR:g}"
            )
        return f"stays within a factor of {TREND_FACTOR:g} at every layer, {self._direction}"

    @property
    def _direction(self) -> str:
        """Which way δ goes from the top layer to layer 1, and by how much ("grows 7.7×
        overall")."""
        ratio = self.delta_ratio
        if ratio is None or abs(math.log(ratio)) < math.log(STEADY_WITHIN):
            return f"ending about where it starts (×{shown_number(ratio or 0.0, 3)})"
        moves = "grows" if ratio > 1 else "shrinks"
        factor = ratio if ratio > 1 else 1 / ratio
        # The page's sentence already says "going back from layer d to layer 1".
        return f"but {moves} {shown_number(factor, 2)}× overall"


# A change of more than this between the top layer and layer 1 is called vanishing/exploding;
# δ "stays within" it only when the largest and smallest over all layers are within it.
TREND_FACTOR = 100.0
# Below the factor, δ is said to grow or shrink where the end layers differ by more than this.
STEADY_WITHIN = 1.1


def _ratio(values: tuple[float, ...]) -> float | None:
    return values[0] / values[-1] if values[-1] else None


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
        LayerNorms(activation, init, *_norms(activation, weights, start, direction))
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


def _norms(
    activation: str, weights: Array, start: Array, direction: Array
) -> tuple[tuple[float, ...], tuple[float, ...], int | None]:
    """‖∂L/∂W_l‖ and ‖δ_l‖ for every layer, layer 1 first, and the first dead layer."""
    inputs, slopes = [], []
    hidden = start
    for layer in weights:
        inputs.append(hidden)
        hidden, slope = _activate(activation, layer @ hidden)
        slopes.append(slope)
    upstream = direction  # ∂L/∂h at the top
    norms, deltas = [], []
    for layer, layer_input, slope in zip(
        reversed(weights), reversed(inputs), reversed(slopes), strict=True
    ):
        pre_gradient = upstream * slope  # δ_l
        delta = float(np.linalg.norm(pre_gradient))
        # ∂L/∂W is the outer product of pre_gradient and layer_input, and the Frobenius norm
        # of an outer product u·vᵀ is ‖u‖·‖v‖: no width × width matrix is built.
        norms.append(delta * float(np.linalg.norm(layer_input)))
        deltas.append(delta)
        upstream = layer.T @ pre_gradient
    dead = next((number for number, slope in enumerate(slopes, 1) if not slope.any()), None)
    return tuple(reversed(norms)), tuple(reversed(deltas)), dead


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

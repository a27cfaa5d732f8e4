"""The flow numbers against a direct computation: finite differences on the weights."""

import math

import numpy as np
import pytest

from gradquiz.core.lab.gradient_flow import (
    ACTIVATIONS,
    INITIALISATIONS,
    MAX_WEIGHTS,
    SEED,
    LayerNorms,
    chain_gradient_norms,
    layer_gradient_norms,
    relative_error,
    relu_kink_sweep,
    step_sweep,
    weight_std,
)
from gradquiz.errors import InvalidInput


def direct_norms(activation: str, init: str, depth: int, width: int, seed: int) -> list[float]:
    """‖∂L/∂W‖ per layer by centred differences on every weight, from the same draws."""
    rng = np.random.default_rng(seed)
    shapes = [rng.standard_normal((width, width)) for _ in range(depth)]
    weights = [s * weight_std(init, width, width) for s in shapes]
    start, direction = rng.standard_normal(width), rng.standard_normal(width)
    act = {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
    }[activation]

    def loss(ws: list[np.ndarray]) -> float:
        h = start
        for w in ws:
            h = act(w @ h)
        return float(direction @ h)

    norms = []
    for index, layer in enumerate(weights):
        step = 1e-6 * max(1.0, float(np.abs(layer).max()))
        grad = np.zeros_like(layer)
        for i in range(width):
            for j in range(width):
                up = [w.copy() for w in weights]
                down = [w.copy() for w in weights]
                up[index][i, j] += step
                down[index][i, j] -= step
                grad[i, j] = (loss(up) - loss(down)) / (2 * step)
        norms.append(float(np.linalg.norm(grad)))
    return norms


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", ["xavier", "he"])
def test_layer_norms_match_finite_differences(activation: str, init: str) -> None:
    computed = layer_gradient_norms(activation, init, depth=4, width=3, seed=7).norms
    direct = direct_norms(activation, init, depth=4, width=3, seed=7)
    for a, b in zip(computed, direct, strict=True):
        assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-12)


def test_sigmoid_gradients_vanish_and_relu_with_he_keeps_them() -> None:
    sigmoid = layer_gradient_norms("sigmoid", "xavier", 30, 64).norms
    relu = layer_gradient_norms("relu", "he", 30, 64).norms
    assert sigmoid[0] / sigmoid[-1] < 1e-10
    assert 0.1 < relu[0] / relu[-1] < 10


def test_the_same_seed_gives_the_same_picture() -> None:
    for init in INITIALISATIONS:
        assert layer_gradient_norms("tanh", init, 10, 8) == layer_gradient_norms(
            "tanh", init, 10, 8
        )


def test_sizes_outside_the_limits_are_refused() -> None:
    with pytest.raises(InvalidInput):
        layer_gradient_norms("tanh", "he", 51, 8)
    with pytest.raises(InvalidInput):
        layer_gradient_norms("softplus", "he", 5, 8)


def test_centred_differences_beat_one_sided_until_round_off_wins() -> None:
    rows = step_sweep(math.exp, 0.5, math.exp(0.5))
    by_step = {row.step: row for row in rows}
    assert by_step[1e-2].centred < by_step[1e-2].one_sided / 100  # O(h²) against O(h)
    best_centred = min(rows, key=lambda r: r.centred).step
    best_one_sided = min(rows, key=lambda r: r.one_sided).step
    assert 1e-7 <= best_centred <= 1e-3 and 1e-10 <= best_one_sided <= 1e-6
    assert by_step[1e-12].one_sided > by_step[1e-8].one_sided  # round-off grows as h shrinks


def test_the_relu_kink_fails_the_check_while_h_straddles_it() -> None:
    rows = {row.step: row for row in relu_kink_sweep(1e-6)}
    assert rows[1e-3].centred == pytest.approx(0.4995)
    assert rows[1e-5].centred > 0.4
    assert rows[1e-7].centred < 1e-9


def test_a_chain_of_more_weights_than_the_lab_draws_is_refused_by_its_count() -> None:
    # 50 layers of 256 units (3.3 million weights) took 4.5 s of CPU for one page.
    assert len(chain_gradient_norms(ACTIVATIONS, "he", 50, 144)) == 3  # 1,036,800 weights
    with pytest.raises(InvalidInput, match="3,276,800 weights; the lab draws at most 1,048,576"):
        chain_gradient_norms(ACTIVATIONS, "he", 50, 256)
    assert 50 * 145 * 145 > MAX_WEIGHTS >= 50 * 144 * 144


def test_every_activation_gets_the_same_draws_as_alone() -> None:
    together = chain_gradient_norms(ACTIVATIONS, "xavier", 12, 16)
    for run in together:
        assert run == layer_gradient_norms(run.activation, "xavier", 12, 16)


def test_an_exact_0_is_judged_by_the_absolute_error() -> None:
    # Issue 28: against an exact 0, every estimate but 0 read as a relative error of 1.00.
    assert relative_error(3e-12, 0.0) == 3e-12 and relative_error(0.0, 0.0) == 0.0
    assert relative_error(1.5, 1.0) == pytest.approx(1 / 3)
    rows = step_sweep(lambda w: (w - 2.0) ** 2, 2.0, 0.0)  # a minimum: the slope is 0
    assert all(row.centred < 1e-9 for row in rows)
    assert rows[0].one_sided == pytest.approx(0.1)  # (h² − 0)/h = h, away from 0 by h


def direct_chain(
    activation: str, init: str, depth: int, width: int, seed: int = SEED
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Weights, every layer's input h_{l−1} and the output direction, drawn as the lab draws."""
    rng = np.random.default_rng(seed)
    weights = list(rng.standard_normal((depth, width, width)) * weight_std(init, width, width))
    h, direction = rng.standard_normal(width), rng.standard_normal(width)
    act = {
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
    }[activation]
    inputs = []
    for w in weights:
        inputs.append(h)
        h = act(w @ h)
    return weights, inputs, direction


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_delta_matches_finite_differences_on_the_pre_activations(activation: str) -> None:
    # δ_l = ∂L/∂z_l, estimated by nudging each pre-activation and running the rest forward.
    act = {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh}[activation]
    weights, inputs, direction = direct_chain(activation, "xavier", 5, 4, seed=3)
    deltas = layer_gradient_norms(activation, "xavier", 5, 4, seed=3).deltas

    def loss_from(layer: int, pre: np.ndarray) -> float:
        h = act(pre)
        for w in weights[layer + 1 :]:
            h = act(w @ h)
        return float(direction @ h)

    for layer, (w, h_in) in enumerate(zip(weights, inputs, strict=True)):
        pre = w @ h_in
        grad = [
            (loss_from(layer, pre + step) - loss_from(layer, pre - step)) / 2e-6
            for step in np.eye(len(pre)) * 1e-6
        ]
        assert math.isclose(deltas[layer], float(np.linalg.norm(grad)), rel_tol=1e-6)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", INITIALISATIONS)
def test_weight_gradient_is_delta_times_the_layer_input(activation: str, init: str) -> None:
    run = layer_gradient_norms(activation, init, 30, 64)
    _, inputs, _ = direct_chain(activation, init, 30, 64)
    for norm, delta, h_in in zip(run.norms, run.deltas, inputs, strict=True):
        assert norm == pytest.approx(delta * float(np.linalg.norm(h_in)), rel=1e-12)


def test_small_weights_hide_the_vanishing_from_the_weight_gradients() -> None:
    # Glorot & Bengio 2010, eqs. 13–14: δ shrinks as (n·Var W)^(d−l) going back, while h
    # shrinks as fast going forward, so ‖δ_l‖·‖h_{l−1}‖ is about the same at every layer.
    tanh = layer_gradient_norms("tanh", "small", 30, 64)
    assert tanh.weight_ratio == pytest.approx(1.6, abs=0.05)  # what the page used to summarise
    assert 5 < tanh.deltas[-1] < 10 and tanh.deltas[0] < 1e-30  # "from 7 to 1e-31"
    assert max(tanh.norms) / min(tanh.norms) < 10  # every layer's ‖∂L/∂W‖ alike ...
    assert max(tanh.norms) < 1e-29  # ... and all of them negligible
    assert tanh.delta_trend == "vanishes"
    relu = layer_gradient_norms("relu", "small", 30, 64)
    assert relu.weight_ratio == pytest.approx(0.8, abs=0.05) and max(relu.norms) < 1e-34
    assert relu.delta_trend == "vanishes"


def test_relu_weight_gradient_ratio_is_the_same_at_every_initialisation() -> None:
    # relu(c·z) = c·relu(z): scaling every weight by c scales every ‖∂L/∂W_l‖ by c^(d−1),
    # so only ‖δ‖ tells the initialisations apart.
    runs = {init: layer_gradient_norms("relu", init, 30, 64) for init in INITIALISATIONS}
    ratios = [run.weight_ratio for run in runs.values()]
    assert ratios == pytest.approx([ratios[0]] * 3, rel=1e-9)
    assert runs["small"].delta_trend == runs["xavier"].delta_trend == "vanishes"
    assert runs["he"].delta_trend.startswith("stays within a factor of 100 at every layer, ")


def test_tanh_with_he_weights_grows_the_gradient_going_back() -> None:
    # A tanh slope ≤ 1 does not make a long chain shrink the gradient: the weights count too.
    run = layer_gradient_norms("tanh", "he", 30, 64)
    assert run.weight_ratio == pytest.approx(14.6, abs=0.05)
    assert run.delta_ratio is not None and run.delta_ratio > 5
    # The summary said only "stays within a factor of 100" while Why says δ
    # grows layer by layer: below the factor the direction and size are named.
    assert run.delta_trend == (
        "stays within a factor of 100 at every layer, but grows 7.7× overall"
    )
    assert LayerNorms("tanh", "he", norms=(1.0, 1.0), deltas=(1.0, 4.0)).delta_trend.endswith(
        "but shrinks 4× overall"
    )
    steady = LayerNorms("tanh", "he", norms=(1.0, 1.0), deltas=(1.05, 1.0))
    assert steady.delta_trend.endswith("ending about where it starts (×1.05)")


def test_a_chain_dead_at_the_top_has_no_ratio() -> None:
    dead = LayerNorms("relu", "he", norms=(1.0, 0.0), deltas=(0.0, 0.0))
    assert (dead.delta_ratio, dead.weight_ratio, dead.delta_trend) == (
        None,
        None,
        "is 0 at every layer",
    )
    exploding = LayerNorms("relu", "he", norms=(1.0, 1.0), deltas=(1e3, 1.0))
    assert exploding.delta_trend == "explodes"


def test_a_chain_with_a_dead_layer_names_the_first_one() -> None:
    # The page said δ is 0 everywhere without the reason.
    dead = layer_gradient_norms("relu", "he", 50, 2)
    assert dead.dead_layer is not None and set(dead.deltas) == {0.0}
    assert layer_gradient_norms("relu", "he", 12, 16).dead_layer is None
    assert layer_gradient_norms("tanh", "he", 50, 2).dead_layer is None


@pytest.mark.parametrize(
    ("init", "depth", "width"), [("he", 10, 2), ("xavier", 20, 4), ("xavier", 5, 1)]
)
def test_delta_stays_within_the_factor_only_when_every_layer_does(
    init: str, depth: int, width: int
) -> None:
    # He depth 10 width 2 tanh has δ from 0.032 to 7.5 across layers
    # (a factor of 234) though the end layers are within 100 of each other.
    run = layer_gradient_norms("tanh", init, depth, width)
    assert run.delta_ratio is not None and 1 / 100 <= run.delta_ratio <= 100
    assert run.delta_spread is not None and run.delta_spread > 100
    assert run.delta_trend.startswith("varies by more than a factor of 100 between layers")

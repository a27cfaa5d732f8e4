"""The flow numbers against a direct computation: finite differences on the weights."""

import math

import numpy as np
import pytest

from gradquiz.core.lab.gradient_flow import (
    ACTIVATIONS,
    INITIALISATIONS,
    MAX_WEIGHTS,
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

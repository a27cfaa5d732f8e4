"""shown_readings: the band the shown figures leave, over readings that give each shown value
one number within its rounding."""

import math

from gradquiz.core.lab.graphs import build_graph
from gradquiz.core.lab.prepared import BY_SLUG
from gradquiz.core.lab.shown_readings import shown_rounding


def test_softmax_band_is_the_farthest_reading_of_the_shown_local_derivatives() -> None:
    # ∂L/∂z1 = −(1/S − e1/S²)·e1 at z1 = 40, z2 = 1, z3 = 0.1. The edges show e1 as
    # 2.354 × 10¹⁷ and both 1/S and −e1/S² as ±4.248 × 10⁻¹⁸: a reading consistent with
    # every shown figure has each within half a unit of its fourth figure, so 1/S − e1/S² is
    # at most one unit, 10⁻²¹, and the gradient at most 10⁻²¹ × (2.354 + 0.0005) × 10¹⁷.
    # The values alone (e1 and S each within their rounding) allowed 4.25 × 10⁻⁴.
    graph = build_graph(BY_SLUG["softmax"].program, {"z1": 40.0, "z2": 1.0, "z3": 0.1})
    e1 = math.exp(40)
    s = e1 + math.e + math.exp(0.1)
    assert f"{1 / s:.4g}" == f"{e1 / s / s:.4g}" == "4.248e-18"
    farthest = 1e-21 * (float(f"{e1:.4g}") + 0.5e14)
    band = shown_rounding(graph)["z1"]
    assert math.isclose(band, farthest, rel_tol=1e-6)
    assert band < 2.4e-4


def test_a_shown_local_derivative_ties_the_reading_of_a_value_rounded_to_one() -> None:
    # σ(10) shows as 1, but the edge ∂a/∂z shows σ′(10) = 4.54 × 10⁻⁵ and t2 = y − a shows
    # 4.54 × 10⁻⁵: no reading of the page makes σ′ 0, so ∂L/∂w stays within 0.1 % of
    # −2.061 × 10⁻⁸ (reading a as exactly 1 made the band the whole gradient).
    graph = build_graph(BY_SLUG["neuron"].program, {"w": 1.0, "x": 10.0, "b": 0.0, "y": 1.0})
    gradient = graph.gradients["w"]
    assert math.isclose(gradient, -2.0609e-8, rel_tol=1e-4)
    assert shown_rounding(graph)["w"] < 1e-3 * abs(gradient)


def test_values_shown_exactly_leave_no_band() -> None:
    # The seed's neuron at its defaults: z = 0, a = 0.5, L = 0: every shown figure is exact.
    graph = build_graph(BY_SLUG["neuron"].program, dict(BY_SLUG["neuron"].defaults))
    assert set(shown_rounding(graph).values()) == {0.0}

"""shown_readings: the band the shown figures leave, over readings that give each shown value
one number within its rounding."""

import math

from gradquiz.core.lab.graphs import build_graph
from gradquiz.core.lab.prepared import BY_SLUG
from gradquiz.core.lab.shown_readings import shown_rounding


def test_softmax_band_is_the_farthest_consistent_reading() -> None:
    # ∂L/∂z1 = e1/(p1·S)·(e1/S − 1) at z1 = 40, z2 = 1, z3 = 0.1: e1 and S both show
    # 2.354 × 10¹⁷, and p1 shows 1 (exact in float64). Worked apart: the farthest e1/S gets
    # from 1 with each read within half a unit of its fourth figure.
    graph = build_graph(BY_SLUG["softmax"].program, {"z1": 40.0, "z2": 1.0, "z3": 0.1})
    e1 = math.exp(40)
    s = e1 + math.e + math.exp(0.1)
    half = 0.5e14
    low, high = float(f"{e1:.4g}") - half, float(f"{s:.4g}") + half
    farthest = max(abs(r * (r - 1)) for r in (low / high, high / low))
    band = shown_rounding(graph)["z1"]
    assert math.isclose(band, farthest, rel_tol=1e-3)
    assert band < 4.3e-4 < 1e-3


def test_values_shown_exactly_leave_no_band() -> None:
    # The seed's neuron at its defaults: z = 0, a = 0.5, L = 0: every shown figure is exact.
    graph = build_graph(BY_SLUG["neuron"].program, dict(BY_SLUG["neuron"].defaults))
    assert set(shown_rounding(graph).values()) == {0.0}

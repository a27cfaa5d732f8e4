"""The finite differences' captions say what is computed: the neuron and expression pages
divide by the step float64 takes, the gradient-check page by 2h, and says where rounding the
step, not f, makes its error."""

import math

from fastapi.testclient import TestClient

from gradquiz.core.lab.graphs import forward_value
from gradquiz.services.lab import BY_SLUG
from tests.web.lab.test_lab_pages import text_of

NEURON = {"w": 0.5, "x": 2.0, "b": -1.0, "y": 1.0}


def loss(w: float) -> float:
    return forward_value(BY_SLUG["neuron"].program, {**NEURON, "w": w})


def test_the_shown_error_is_the_difference_over_the_step_actually_taken(
    lab_client: TestClient,
) -> None:
    page = text_of(lab_client.get("/lab/neuron").text)
    w, h, exact = 0.5, 1e-5, -0.25  # ∂L/∂w = (a − y)·σ′(z)·x at z = 0: −0.5 · 0.25 · 2
    difference = loss(w + h) - loss(w - h)
    taken = abs(difference / ((w + h) - (w - h)) - exact) / abs(exact)
    over_2h = abs(difference / (2 * h) - exact) / abs(exact)
    assert f"{taken:.1e}" != f"{over_2h:.1e}"  # 3.6e-11 and 3.8e-11
    row = page.split("∂L/∂w")[-1].split("relative")[0]
    shown = f"{taken:.2g}".replace("e-11", " × 10⁻¹¹")
    assert shown in row, row
    for shown in (page, text_of(lab_client.get("/lab/expression").text)):
        assert "divided by the step actually taken, (v + h) − (v − h)" in shown
        assert "(f(v+h) − f(v−h)) / 2h" not in shown


def test_the_gradient_check_page_names_the_rounded_step_where_it_is_the_error(
    lab_client: TestClient,
) -> None:
    page = text_of(lab_client.get("/lab/gradient-check").text)
    w = 0.5
    rounded = []
    for k in range(1, 13):
        h = 10.0**-k
        centred = abs((loss(w + h) - loss(w - h)) / (2 * h) + 0.25) / 0.25
        step_off = abs((w + h) - (w - h) - 2 * h) / (2 * h)
        if centred > 0 and step_off >= centred / 2:
            rounded.append(k)
            # Dividing by the step taken leaves f's own rounding, far below it.
            by_taken = abs((loss(w + h) - loss(w - h)) / ((w + h) - (w - h)) + 0.25) / 0.25
            assert by_taken < centred / 10
    assert rounded == [10, 11]
    assert math.isclose(abs(0.5 + 1e-10 - (0.5 - 1e-10) - 2e-10) / 2e-10, 8.274e-8, rel_tol=1e-3)
    assert (
        "At h = 1 × 10⁻¹⁰ to 1 × 10⁻¹¹ the centred error is not f's round-off: w + h and w − h are "
        "themselves rounded to floats, so the step taken, (w + h) − (w − h), differs from 2h "
        "by 8.27 × 10⁻⁸ of it"
    ) in page

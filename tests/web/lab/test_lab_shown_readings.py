"""The your-turn band of answers the shown figures make right comes from readings that give
each shown value one number within its rounding, the same in every use."""

import math

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of


def verdict(client: TestClient, z1: str, answer: str) -> str:
    query = {"z1": z1, "z2": "1", "z3": "0.1", "grad-z1": answer}
    page = text_of(client.get("/lab/softmax/your-turn", params=query).text)
    found = page.split("∂L/∂z1 z1 = input")[1]
    return found.split("Check my gradients")[0]


def consistent_reading(z1: float) -> float:
    """∂L/∂z1 = −(1/S − e1/S²)·e1 with each local derivative the edges show read within its
    rounding: e1 as shown, 1/S near the top of its rounding and −e1/S² near the top of its
    (both show the same four figures), so that they leave 1.8 half units."""
    e1 = math.exp(z1) if z1 < 300 else float("inf")
    if z1 >= 300:  # e^355 overflows float64: the figures the page shows
        shown_e1, shown_local = 1.495e154, 6.691e-155
    else:
        s = e1 + math.e + math.exp(0.1)
        shown_e1, shown_local = float(f"{e1:.4g}"), float(f"{1 / s:.4g}")
    half = 0.5 * 10 ** (math.floor(math.log10(shown_local)) - 3)
    return -shown_e1 * ((shown_local + 0.9 * half) + (-shown_local + 0.9 * half))


@pytest.mark.parametrize("z1", ["40", "355"])
def test_an_answer_no_consistent_reading_gives_is_not_right(
    lab_client: TestClient, z1: str
) -> None:
    # −10⁻³ was counted right: each use of a shown value was rounded on its own; −4 × 10⁻⁴
    # needs 1/S and e1/S², shown alike, read farther apart than their rounding allows.
    assert "Not right" in verdict(lab_client, z1, "-1e-3")
    assert "Not right" in verdict(lab_client, z1, "-4e-4")


@pytest.mark.parametrize("z1", ["40", "355"])
def test_an_answer_a_consistent_reading_gives_is_still_right(
    lab_client: TestClient, z1: str
) -> None:
    answer = consistent_reading(float(z1))
    assert -2.4e-4 < answer < -1e-4  # far above the exact −1.6e-17 (z1 = 40)
    assert "Right. It counts by the shown figures" in verdict(lab_client, z1, repr(answer))
    assert "Right" in verdict(lab_client, z1, "0")


def turn_verdict(client: TestClient, url: str, node: str) -> str:
    page = text_of(client.get(url).text)
    return page.split(f"/∂{node} {node} = input")[1].split("∂")[0]


NEURON = "/lab/neuron/your-turn?w=1&x=10&b=0&y=1&grad-w="
TANH = "/lab/expression/your-turn?f=tanh(x*w)%2Bb*x&b=1.4&w=-2.2&x=2.5&grad-w="


@pytest.mark.parametrize("answer", ["0", "-1e-8"])
def test_reading_a_as_one_is_not_consistent_with_the_shown_slope(
    lab_client: TestClient, answer: str
) -> None:
    # a = σ(10) shows as 1, but the edge ∂a/∂z shows 4.54 × 10⁻⁵ and t2 = y − a shows
    # 4.54 × 10⁻⁵: no reading of every shown figure gives ∂L/∂w = 0 or −10⁻⁸.
    assert "Not right" in turn_verdict(lab_client, NEURON + answer, "w")


@pytest.mark.parametrize("answer", ["0", "3e-4", "2.6e-4", "3.5e-4"])
def test_reading_tanh_as_minus_one_is_not_consistent_with_the_shown_slope(
    lab_client: TestClient, answer: str
) -> None:
    # tanh(−5.5) shows as −1, but the edge ∂t2/∂t1 shows 6.68 × 10⁻⁵ and x = 2.5: the
    # shown figures give ∂f/∂w = 1.67 × 10⁻⁴ within 0.1 %.
    assert "Not right" in turn_verdict(lab_client, TANH + answer, "w")


@pytest.mark.parametrize(
    ("url", "exact"),
    [(NEURON, -2.0608729192336932e-08), (TANH, 2.5 * (1 - math.tanh(5.5) ** 2))],
)
@pytest.mark.parametrize("factor", [1.0, 0.991, 1.009])
def test_the_exact_gradient_and_answers_within_1_percent_stay_right(
    lab_client: TestClient, url: str, exact: float, factor: float
) -> None:
    assert " Right." in turn_verdict(lab_client, url + repr(exact * factor), "w")

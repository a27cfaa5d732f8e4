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
    """∂L/∂z1 = e1/(p1·S)·(e1/S − 1) with e1 read as shown and S read at the top of its
    rounding (both show the same four figures), p1 as shown (1): one number per shown value."""
    e1 = math.exp(z1)
    shown = float(f"{e1:.4g}")
    half = 0.5 * 10 ** (math.floor(math.log10(e1)) - 3)
    s = shown + half * 0.999  # S = e1 + e2 + e3 shows the same figures as e1
    assert f"{s:.4g}" == f"{e1 + math.e + math.exp(0.1):.4g}"
    return shown / s * (shown / s - 1)


@pytest.mark.parametrize("z1", ["40", "355"])
def test_an_answer_no_consistent_reading_gives_is_not_right(
    lab_client: TestClient, z1: str
) -> None:
    # −10⁻³ was counted right: each use of a shown value was rounded on its own.
    assert "Not right" in verdict(lab_client, z1, "-1e-3")


@pytest.mark.parametrize("z1", ["40", "355"])
def test_an_answer_a_consistent_reading_gives_is_still_right(
    lab_client: TestClient, z1: str
) -> None:
    answer = consistent_reading(float(z1))
    assert -5e-4 < answer < -1e-4  # far above the exact −1.6e-17 (z1 = 40)
    assert "Right. It counts by the shown figures" in verdict(lab_client, z1, repr(answer))

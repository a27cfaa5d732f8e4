"""Where several inputs are typed with more digits than float64 holds, the refusal's figure
"at the numbers typed" takes every one at its typed decimal, and its suggestion names every
input that must change, so that following it gives a page the lab takes."""

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of


def refused(client: TestClient, **params: str) -> str:
    response = client.get("/lab/expression", params=params)
    assert response.status_code == 422
    return text_of(response.text)


def four_figures(value: Decimal) -> str:
    """`value` to four significant figures, trailing zeros dropped, as the pages write it."""
    rounded = f"{value:.3e}"
    mantissa, exponent = rounded.split("e")
    mantissa = mantissa.rstrip("0").rstrip(".").replace("-", "\N{MINUS SIGN}")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mantissa} × 10{str(int(exponent)).translate(sup)}"


@pytest.mark.parametrize(
    ("y", "z"), [("1.000000000000001", "1.0000000000001"), ("1.00000000000001", "1.0000000000001")]
)
def test_the_figure_at_the_numbers_typed_takes_every_input_as_typed(
    lab_client: TestClient, y: str, z: str
) -> None:
    query = {"f": "x*y-x*z", "x": "2", "y": y, "z": z}
    text = refused(lab_client, **query)
    at_typed = Decimal(y) - Decimal(z)  # ∂f/∂x = y − z
    at_floats = Decimal(float(y)) - Decimal(float(z))
    assert f"{four_figures(at_typed)} at the numbers typed" in text
    assert f"{four_figures(at_floats)} at the floats" in text
    apart = abs(at_floats - at_typed) / abs(at_typed) * 100
    shown = re.search(r"\(([0-9.]+) % apart\)", text)
    assert shown is not None
    assert Decimal(shown[1]) == Decimal(f"{apart:.2g}")
    assert "z, typed as 1.0000000000001, is not held exactly either" in text
    suggested = dict(re.findall(r"(\w) = ([0-9]+(?:\.[0-9]+)?)", text.split("such as", 1)[1]))
    assert set(suggested) == {"y", "z"}
    response = lab_client.get("/lab/expression", params={**query, **suggested})
    assert response.status_code == 200, text_of(response.text)

"""A ReLU's input or a max gate's inputs that float64 puts on another side of the kink or tie
than the numbers typed do (a product that underflows to 0) are refused beside the field."""

import re
from decimal import Decimal

from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of


def page(client: TestClient, path: str = "/lab/expression", **params: str) -> tuple[int, str]:
    response = client.get(path, params=params)
    return response.status_code, text_of(response.text)


def test_a_product_that_underflows_onto_the_relu_kink_is_refused(lab_client: TestClient) -> None:
    product = Decimal("1e-200") * Decimal("1e-200")
    assert product > 0 and 1e-200 * 1e-200 == 0.0  # float64 underflows
    status, text = page(lab_client, f="relu(x*y)*w", x="1e-200", y="1e-200", w="2")
    assert status == 422
    assert "is exactly 0" not in text and "kinks cancel" not in text
    assert "x × y is 1 × 10⁻⁴⁰⁰" in text
    assert "float64 rounds to 0" in text and "relu′ = 1" in text
    suggested = re.search(r"such as x = (\S+)\.", text)
    assert suggested is not None
    status, taken = page(lab_client, f="relu(x*y)*w", x=suggested[1], y="1e-200", w="2")
    assert status == 200, taken


def test_your_turn_refuses_the_underflowed_kink_too(lab_client: TestClient) -> None:
    status, text = page(
        lab_client,
        "/lab/expression/your-turn",
        f="relu(x*y)*w",
        x="1e-200",
        y="1e-200",
        w="2",
        **{"grad-x": "0"},
    )
    assert status == 422
    assert "kink convention" not in text and "float64 rounds to 0" in text


def test_a_product_that_underflows_into_a_max_tie_is_refused(lab_client: TestClient) -> None:
    status, text = page(lab_client, f="max(z,x*y)*w", x="1e-200", y="1e-200", z="0", w="2")
    assert status == 422
    assert "is a tie" not in text
    assert "x × y is 1 × 10⁻⁴⁰⁰" in text and "largest input of max alone" in text
    suggested = re.search(r"such as (\w) = (\S+)\.", text)
    assert suggested is not None
    query = {"f": "max(z,x*y)*w", "x": "1e-200", "y": "1e-200", "z": "0", "w": "2"}
    status, taken = page(lab_client, **{**query, suggested[1]: suggested[2]})
    assert status == 200, taken


def test_an_ordinary_kink_keeps_its_notice(lab_client: TestClient) -> None:
    status, text = page(lab_client, f="relu(x*y)*w", x="0", y="1e-200", w="2")
    assert status == 200
    assert "kink" in text and "float64 rounds to 0" not in text

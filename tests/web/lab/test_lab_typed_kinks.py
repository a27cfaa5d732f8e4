"""Typed numbers that put a ReLU exactly on its kink, or a max gate on a tie, only once float
rounding is set aside (0.1·3 − 0.3 is 0; float64 makes it 5.551 × 10⁻¹⁷) are refused beside
their field, with inputs that work: the page would otherwise take one side's slope as exact,
with no kink notice."""

import math
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of

RELU = "relu(x*y-z)*w"
MAX = "max(x*y,z)*w"
KINK = {"x": "0.1", "y": "3", "z": "0.3", "w": "2"}


def fetch(client: TestClient, path: str, f: str, **values: str) -> tuple[int, str, str]:
    response = client.get(path, params={"f": f, **values})
    return response.status_code, response.text, text_of(response.text)


def test_the_numbers_typed_are_on_the_kink_the_floats_are_not() -> None:
    assert Decimal("0.1") * 3 - Decimal("0.3") == 0
    assert math.isclose(0.1 * 3 - 0.3, 5.551e-17, rel_tol=1e-3)
    assert 0.1 * 3 != 0.3


@pytest.mark.parametrize("path", ["/lab/expression", "/lab/expression/your-turn"])
def test_a_relu_on_its_kink_at_the_numbers_typed_is_refused_beside_the_field(
    lab_client: TestClient, path: str
) -> None:
    status, html, page = fetch(lab_client, path, RELU, **KINK)
    assert status == 422
    assert 'id="error-' in html and 'aria-invalid="true"' in html
    assert (
        "at the numbers typed, the input of relu, 0.1 × 3 − 0.3, is exactly 0, its kink; "
        "float64 computes 5.551 × 10⁻¹⁷ for it, so the page would take relu′ = 1, the "
        "right-hand slope, with no kink notice"
    ) in page
    assert "Type x off the kink, such as 0.2" in page
    assert "t2 5.551" not in page  # no graph drawn at the float


@pytest.mark.parametrize("answer", [("grad-x", "0"), ("grad-x", "1"), ("grad-w", "0")])
def test_your_turn_does_not_judge_an_answer_at_the_floats_side_of_the_kink(
    lab_client: TestClient, answer: tuple[str, str]
) -> None:
    # ∂f/∂x = 0 (the lab's relu′(0) = 0) was "Not right", only 6 right; ∂f/∂w = 0 was told
    # "the exact value is 2.8 × 10⁻¹⁷", though at the numbers typed it is exactly 0.
    status, _, page = fetch(
        lab_client, "/lab/expression/your-turn", RELU, **KINK, **{answer[0]: answer[1]}
    )
    assert status == 422
    assert "Not right" not in page and "the exact value is" not in page
    assert "is exactly 0, its kink" in page


def test_the_gradient_check_is_not_shown_at_the_floats_side(lab_client: TestClient) -> None:
    # The table showed an error of 0.50 with "The gradient is right; the check cannot see it".
    _, _, page = fetch(lab_client, "/lab/expression", RELU, **KINK)
    assert "the check cannot see it" not in page and "Three ways to the same" not in page


@pytest.mark.parametrize("path", ["/lab/expression", "/lab/expression/your-turn"])
def test_a_max_tie_at_the_numbers_typed_is_refused_beside_the_field(
    lab_client: TestClient, path: str
) -> None:
    # 0.1·3 and 0.3 tie as typed; float64 makes 0.30000000000000004 > 0.3, and an even split
    # for z was "Not right".
    status, html, page = fetch(lab_client, path, MAX, **KINK, **{"grad-z": "1"})
    assert status == 422
    assert 'aria-invalid="true"' in html
    assert (
        "at the numbers typed, 0.1 × 3 and z = 0.3, the largest inputs of max, are both 0.3, "
        "a tie; float64 computes 0.1 × 3 as 0.30000000000000004 and z = 0.3 as 0.3"
    ) in page
    assert "Type x off the tie, such as 0.2" in page
    assert "Not right" not in page


@pytest.mark.parametrize("f", [RELU, MAX])
def test_the_suggested_input_is_taken(lab_client: TestClient, f: str) -> None:
    _, _, page = fetch(lab_client, "/lab/expression", f, **KINK)
    suggested = re.search(r"off the (?:kink|tie), such as (\S+),", page)
    assert suggested is not None
    status, _, _ = fetch(lab_client, "/lab/expression", f, **{**KINK, "x": suggested[1]})
    assert status == 200


@pytest.mark.parametrize(
    ("f", "values"),
    [
        (RELU, {**KINK, "z": "0.2"}),  # off the kink at the typed numbers and the floats
        ("(x*y-z)*w", KINK),  # 0 at the decimals with no kink: float64's residue, as before
        (MAX, {**KINK, "z": "0.2"}),
        ("relu(x)*y", {"x": "0.1", "y": "3"}),
    ],
)
def test_point_one_elsewhere_still_works(
    lab_client: TestClient, f: str, values: dict[str, str]
) -> None:
    status, _, page = fetch(lab_client, "/lab/expression", f, **values)
    assert status == 200, page[:500]
    assert "cannot hold" not in page


def test_numbers_float64_holds_reach_the_kink_itself(lab_client: TestClient) -> None:
    status, _, page = fetch(lab_client, "/lab/expression", RELU, x="0.125", y="3", z="0.375")
    assert status == 200
    assert "sits on its kink" in page

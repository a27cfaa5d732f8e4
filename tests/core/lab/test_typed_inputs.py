"""typed_inputs: an input's float against the decimal typed, for every number a page shows."""

from decimal import Decimal

import pytest

from gradquiz.core.lab.expressions import parse_expression
from gradquiz.core.lab.graphs import build_graph
from gradquiz.core.lab.typed_inputs import inexact_inputs, moved_by_float


def moved(expression: str, **typed: str) -> str | None:
    values = {name: float(text) for name, text in typed.items()}
    graph = build_graph((("f", parse_expression(expression)),), values)
    decimals = {name: Decimal(text) for name, text in typed.items()}
    found = moved_by_float(graph, {k: decimals[k] for k in inexact_inputs(values, decimals)})
    return None if found is None else found.what


@pytest.mark.parametrize(
    ("expression", "typed"),
    [
        # float64's own rounding, not the typed digits: 0.1·3 − 0.3 is 5.6e-17 at the floats.
        ("x*y - 0.3", {"x": "0.1", "y": "3"}),
        # On a kink at the floats, held there at the decimals: 0.1 − x is 0 as the page shows it,
        # not +5.6e-18 against the constant's float.
        ("relu(0.1 - x)*y", {"x": "0.1", "y": "3"}),
        ("max(x, 0.1)*y", {"x": "0.1", "y": "3"}),
        ("log(x + 1)", {"x": "0.1234567890123456"}),
        ("log(x + 1)", {"x": "-0.9999"}),
    ],
)
def test_ordinary_decimals_move_nothing(expression: str, typed: dict[str, str]) -> None:
    assert moved(expression, **typed) is None


def test_digits_a_float_loses_near_a_pole_move_the_gradient() -> None:
    assert moved("log(x + 1)", x="-0.9999999999999999") == "∂f/∂x"
    assert moved("log(x + 1)*y", x="-0.9999999999999999", y="2") == "∂f/∂x"

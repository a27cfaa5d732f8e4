"""Numbers float64 rounds onto 0 or ±1 in a lab graph, told from exact ones."""

from gradquiz.core.lab.expressions import parse_expression
from gradquiz.core.lab.graphs import build_graph
from gradquiz.core.lab.prepared import BY_SLUG
from gradquiz.core.lab.rounding import rounded_numbers


def test_softmax_at_large_logits_is_rounded_and_told_in_30_or_1000_digits() -> None:
    at_40 = rounded_numbers(build_graph(BY_SLUG["softmax"].program, {"z1": 40, "z2": 0, "z3": 0}))
    assert at_40.values == {"p1": "1 − 8.5 × 10⁻¹⁸", "t2": "−8.5 × 10⁻¹⁸", "L": "8.5 × 10⁻¹⁸"}
    assert at_40.gradients == {"z1": "−8.5 × 10⁻¹⁸", "e1": "−3.6 × 10⁻³⁵"}
    assert at_40.locals == {("p1", "t2", 0): "1 + 8.5 × 10⁻¹⁸"}
    # p1 = 1 − 1.3e-154 at z1 = 355: 30 digits say 1, the 1000-digit pass does not.
    at_355 = rounded_numbers(build_graph(BY_SLUG["softmax"].program, {"z1": 355, "z2": 0, "z3": 0}))
    assert at_355.values["L"] == "1.3 × 10⁻¹⁵⁴" and at_355.values["p1"] == "1 − 1.3 × 10⁻¹⁵⁴"


def test_exact_zeros_and_ones_are_not_rounded() -> None:
    for text, values in (
        ("max(x, y)*z", {"x": 3.0, "y": 2.0, "z": -3.0}),
        ("relu(x)*y", {"x": -1.0, "y": 2.0}),
        ("x*y - 1", {"x": 0.5, "y": 2.0}),
        ("exp(x) - exp(y)", {"x": 700.0, "y": 700.0}),
        ("tanh(x)", {"x": 0.0}),
    ):
        graph = build_graph((("f", parse_expression(text)),), values)
        assert not rounded_numbers(graph), text


def test_a_sum_a_power_a_saturated_tanh_and_an_underflow_are_rounded() -> None:
    graph = build_graph((("f", parse_expression("(x + y)**16")),), {"x": 1.0, "y": 1e-17})
    assert rounded_numbers(graph).values == {"t1": "1 + 1 × 10⁻¹⁷", "f": "1 + 1.6 × 10⁻¹⁶"}
    tanh = build_graph((("f", parse_expression("tanh(x)*y")),), {"x": 20.0, "y": 2.0})
    assert rounded_numbers(tanh).values == {"t1": "1 − 8.5 × 10⁻¹⁸"}
    # ∂t1/∂x = 1 − tanh² is 0 in float64, and ∂f/∂y = tanh(x) is 1.
    assert rounded_numbers(tanh).locals == {
        ("x", "t1", 0): "1.7 × 10⁻¹⁷",
        ("y", "f", 1): "1 − 8.5 × 10⁻¹⁸",
    }
    tiny = build_graph((("f", parse_expression("x*y + z")),), {"x": 1e-200, "y": 1e-200, "z": 1})
    assert rounded_numbers(tiny).values == {"t1": "1 × 10⁻⁴⁰⁰", "f": "1 + 1 × 10⁻⁴⁰⁰"}

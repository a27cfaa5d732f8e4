"""Every prepared graph's backward pass against an independent finite difference, and the
graph's structure: topological order, running sums at fan-outs."""

import networkx as nx
import pytest

from gradquiz.core.lab.checks import check_gradients
from gradquiz.core.lab.graphs import build_graph, forward_value, parse_program
from gradquiz.core.lab.prepared import PREPARED
from gradquiz.errors import InvalidInput
from tests.core.lab.independent import agree, finite_difference


@pytest.mark.parametrize("prepared", PREPARED, ids=lambda p: p.slug)
def test_every_prepared_graph_matches_finite_differences_and_forward_mode(prepared) -> None:  # type: ignore[no-untyped-def]
    values = dict(prepared.defaults)
    graph = build_graph(prepared.program, values)
    for name in prepared.inputs:
        estimate = finite_difference(prepared.program, values, name)
        assert agree(graph.gradients[name], estimate), (name, graph.gradients[name], estimate)
    for check in check_gradients(prepared.program, graph):
        assert agree(check.backprop, check.exact, 1e-12)
        assert check.relative_error < 1e-6


@pytest.mark.parametrize("prepared", PREPARED, ids=lambda p: p.slug)
def test_nodes_are_in_topological_order_and_steps_in_reverse(prepared) -> None:  # type: ignore[no-untyped-def]
    graph = build_graph(prepared.program, dict(prepared.defaults))
    drawing = nx.DiGraph([(e.source, e.target) for e in graph.edges])
    order = [node.key for node in graph.nodes]
    assert all(order.index(e.source) < order.index(e.target) for e in graph.edges)
    assert nx.is_directed_acyclic_graph(drawing)
    steps = [step.node for step in graph.steps]
    assert steps[0] == graph.output and graph.steps[0].gradient == 1.0
    for edge in graph.edges:
        if edge.source in steps:
            assert steps.index(edge.target) < steps.index(edge.source)
    assert {n.key for n in graph.nodes if not n.is_constant} == set(steps)


def test_the_neuron_has_the_seeds_numbers() -> None:
    neuron = next(p for p in PREPARED if p.slug == "neuron")
    graph = build_graph(neuron.program, {"w": 0.5, "x": 2.0, "b": -1.0, "y": 1.0})
    value = {node.key: node.value for node in graph.nodes}
    assert (value["z"], value["a"], value["L"]) == (0.0, 0.5, 0.125)
    assert graph.gradients["a"] == -0.5  # a - y
    assert graph.gradients["z"] == -0.125  # (a - y) a (1 - a)
    assert graph.gradients["w"] == -0.25 and graph.gradients["b"] == -0.125


def test_a_fan_out_adds_its_branches_with_a_running_sum() -> None:
    program = parse_program([("q", "x*y"), ("f", "q + x")], ["x", "y"])
    graph = build_graph(program, {"x": 3.0, "y": -2.0})
    step = graph.step_of("x")
    assert step.fans_out
    assert [(c.consumer, c.product, c.running) for c in step.contributions] == [
        ("q", -2.0, -2.0),
        ("f", 1.0, -1.0),
    ]
    assert step.gradient == -1.0


def test_the_max_gate_routes_to_the_winner_only() -> None:
    program = parse_program([("m", "max(x, y)"), ("f", "z*m")], ["x", "y", "z"])
    graph = build_graph(program, {"x": 4.0, "y": 2.0, "z": -3.0})
    assert graph.gradients["x"] == -3.0 and graph.gradients["y"] == 0.0


@pytest.mark.parametrize(
    ("text", "values", "words"),
    [
        ("log(x)", {"x": -1.0}, "not positive"),
        ("1/x", {"x": 0.0}, "division by zero"),
        ("x**0.5", {"x": -4.0}, "no real power"),
        ("exp(x)", {"x": 1000.0}, "exp\\(1000\\) is about 2 × 10⁴³⁴, above the largest float"),
        ("x**-1", {"x": 0.0}, "0 to the power −1 is undefined, a division by zero \\(1 / 0\\)"),
        ("x**0.5", {"x": 0.0}, "0 to the power 0.5 has no derivative"),
    ],
)
def test_values_outside_a_gates_domain_are_refused(
    text: str, values: dict[str, float], words: str
) -> None:
    program = parse_program([("f", text)], list(values))
    with pytest.raises(InvalidInput, match=words):
        build_graph(program, values)


@pytest.mark.parametrize(("text", "shown"), [("x", "x"), ("2", "2"), ("+x", "x"), ("2*3", "6.0")])
def test_an_expression_without_an_operation_is_refused_with_the_rule(text: str, shown: str) -> None:
    # Issue 28: the rule was unstated; the message now says it and how to write the identity.
    program = parse_program([("f", text)], ["x"])
    with pytest.raises(InvalidInput, match="at least one operation") as caught:
        build_graph(program, {"x": 1.0})
    assert f"f has no operation in it (it is just {shown})" in caught.value.message
    assert "1*x" in caught.value.message


@pytest.mark.parametrize("prepared", PREPARED, ids=lambda p: p.slug)
def test_forward_value_is_the_graphs_output_without_building_the_graph(prepared) -> None:  # type: ignore[no-untyped-def]
    for shift in (-0.3, 0.0, 0.7):
        values = {name: value + shift for name, value in prepared.defaults}
        graph = build_graph(prepared.program, values)
        assert forward_value(prepared.program, values) == graph.by_key[graph.output].value


def test_the_tanh_chain_grows_or_shrinks_the_gradient_as_its_weights_say() -> None:
    # tanh′ ≤ 1 alone does not shrink the gradient: each layer multiplies it by w·tanh′(z).
    chain = next(p for p in PREPARED if p.slug == "tanh-chain")
    assert "weight" in chain.point and "shrinks it." not in chain.point
    for w, grows in ((2.0, True), (0.5, False)):
        values = {**dict(chain.defaults), "w1": w, "w2": w, "b1": 0.0, "b2": 0.0, "x": 0.1}
        gradients = build_graph(chain.program, values).gradients
        through_both = gradients["x"] / gradients["o"]  # ∂o/∂x = w2·tanh′(z2)·w1·tanh′(z1)
        assert (abs(through_both) > 1) is grows, (w, through_both)


@pytest.mark.parametrize("z1", [-745.0, -744.5])
def test_a_quotient_that_underflows_is_not_called_a_log_of_0(z1: float) -> None:
    # e1 = exp(-745) is the smallest subnormal, not 0;
    # p1 = e1 / S rounds to 0, though the true p1 (1.4e-324 and 2.3e-324, mpmath) is positive.
    from gradquiz.core.lab.operations import DomainError
    from gradquiz.core.lab.prepared import BY_SLUG

    with pytest.raises(DomainError) as raised:
        build_graph(BY_SLUG["softmax"].program, {"z1": z1, "z2": 0.0, "z3": 0.0})
    message = str(raised.value)
    assert "p1 = e1 / S underflows to 0 in float64" in message
    assert "the true p1 is not 0" in message and "log of 0" not in message


@pytest.mark.parametrize(
    ("text", "x", "words"),
    [
        ("1/x", 1e-200, "f = 1 × 10²⁰⁰ is a float, but its local derivative ∂f/∂x is too large"),
        ("x**-1", 1e-300, "f = 1 × 10³⁰⁰ is a float, but its local derivative ∂f/∂x is too large"),
    ],
)
def test_an_overflowing_local_derivative_is_not_called_the_value(
    text: str, x: float, words: str
) -> None:
    # "At f = 1 / x: a value too large for a float", though f = 1e200.
    from gradquiz.core.lab.operations import DomainError

    with pytest.raises(DomainError) as raised:
        build_graph(parse_program([("f", text)], ["x"]), {"x": x})
    assert words in str(raised.value)

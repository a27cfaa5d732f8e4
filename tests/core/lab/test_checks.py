"""Random expressions (hypothesis): backprop, the exact forward mode and an independent finite
difference agree; the forward mode agrees with sympy's derivative; its cost does not grow
with nesting."""

import math
import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradquiz.core.lab.checks import check_gradients, near_kink
from gradquiz.core.lab.expressions import VARIABLES, parse_expression
from gradquiz.core.lab.forward_mode import exact_gradients
from gradquiz.core.lab.graphs import build_graph
from gradquiz.errors import InvalidInput
from tests.core.lab.independent import agree, finite_difference, sympy_gradients

LEAVES = st.sampled_from([*VARIABLES, "0.5", "2", "3"])


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*/"), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["exp", "log", "sigmoid", "tanh", "relu"]), children).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(children, st.sampled_from(["2", "3", "-1", "0.5"])).map(
            lambda t: f"({t[0]})**{t[1]}"
        ),
        st.tuples(children, children).map(lambda t: f"max({t[0]}, {t[1]})"),
        children.map(lambda c: f"-{c}"),
    )


EXPRESSIONS = st.recursive(LEAVES, _grow, max_leaves=8)
VALUES = st.fixed_dictionaries(
    {name: st.floats(0.05, 2) | st.floats(-2, -0.05) for name in VARIABLES}
)


def _graph(text: str, values: dict[str, float]):  # type: ignore[no-untyped-def]
    try:
        program = (("f", parse_expression(text)),)
        graph = build_graph(program, values)
    except InvalidInput:
        assume(False)
        raise
    assume(not near_kink(graph))
    assume(all(abs(node.value) < 1e4 for node in graph.nodes))
    assume(all(abs(g) < 1e4 for g in graph.gradients.values()))
    assume(all(abs(e.local) < 1e4 for e in graph.edges))
    return program, graph


@settings(max_examples=150, deadline=None)
@given(EXPRESSIONS, VALUES)
def test_random_expressions_agree_three_ways(text: str, values: dict[str, float]) -> None:
    program, graph = _graph(text, values)
    used = {name: values[name] for name in graph.inputs}
    for check in check_gradients(program, graph):
        assert agree(check.backprop, check.exact, 1e-9), (text, check)
        estimate = finite_difference(program, used, check.input)
        assert math.isfinite(estimate)
        assert agree(check.backprop, estimate, 1e-4), (text, check, estimate)


@settings(max_examples=60, deadline=None)
@given(st.recursive(LEAVES, _grow, max_leaves=4), VALUES)
def test_the_forward_mode_agrees_with_sympys_derivative(
    text: str, values: dict[str, float]
) -> None:
    program, graph = _graph(text, values)
    used = {name: values[name] for name in graph.inputs}
    exact = exact_gradients(program, used)
    oracle = sympy_gradients(program, used)
    for name in used:
        assert agree(exact[name], oracle[name], 1e-12), (text, name, exact, oracle)


def test_the_exact_check_costs_one_step_a_part_however_deep_the_nesting() -> None:
    # sympy's derivative of sigmoid nested 13 deep took 4.9 s, 19 deep more than 90 s.
    for depth in (13, 19):
        text = "sigmoid(" * depth + "x" + ")" * depth
        program = (("f", parse_expression(text)),)
        graph = build_graph(program, {"x": 0.3})
        began = time.thread_time()
        (check,) = check_gradients(program, graph)
        assert time.thread_time() - began < 0.05, depth
        assert agree(check.exact, check.backprop, 1e-12) and agree(check.exact, check.centred, 1e-5)


def test_a_centred_difference_that_leaves_the_domain_is_nan_not_a_refusal() -> None:
    program = (("f", parse_expression("log(x)")),)
    graph = build_graph(program, {"x": 1e-6})  # x − h is negative: log has no value there
    (check,) = check_gradients(program, graph)
    assert math.isnan(check.centred) and check.exact == check.backprop == 1e6


def test_an_exact_value_outside_the_domain_gives_nan_not_an_error() -> None:
    # Written 0.3 is exactly three tenths; the float 0.3 is a little less, so x − 0.3 < 0.
    program = (("f", parse_expression("log(x - 0.3)")),)
    assert math.isnan(exact_gradients(program, {"x": 0.3})["x"])
    assert math.isnan(exact_gradients((("f", parse_expression("1/(x - x)")),), {"x": 2.0})["x"])

"""Random expressions (hypothesis): backprop, sympy and an independent finite difference agree."""

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradquiz.core.lab.expressions import VARIABLES, parse_expression
from gradquiz.core.lab.graphs import build_graph
from gradquiz.core.lab.symbolic import check_gradients, near_kink, to_sympy
from gradquiz.errors import InvalidInput
from tests.core.lab.independent import agree, finite_difference

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


@settings(max_examples=150, deadline=None)
@given(EXPRESSIONS, VALUES)
def test_random_expressions_agree_three_ways(text: str, values: dict[str, float]) -> None:
    try:
        tree = parse_expression(text)
        program = (("f", tree),)
        graph = build_graph(program, values)
    except InvalidInput:
        assume(False)
        return
    used = {name: values[name] for name in graph.inputs}
    assume(not near_kink(graph))
    assume(all(abs(node.value) < 1e4 for node in graph.nodes))
    assume(all(abs(g) < 1e4 for g in graph.gradients.values()))
    assume(all(abs(e.local) < 1e4 for e in graph.edges))
    for check in check_gradients(program, graph):
        assert agree(check.backprop, check.symbolic, 1e-9), (text, check)
        estimate = finite_difference(program, used, check.input)
        assert math.isfinite(estimate)
        assert agree(check.backprop, estimate, 1e-4), (text, check, estimate)


def test_sympy_is_built_from_the_tree_not_from_text() -> None:
    import sympy

    x = sympy.Symbol("x", real=True)
    tree = parse_expression("sigmoid(x)**2 + max(x, 0.1)")
    expression = to_sympy(tree, {"x": x})
    assert expression == (1 / (1 + sympy.exp(-x))) ** 2 + sympy.Max(x, sympy.Rational(1, 10))

"""Random expressions (hypothesis): backprop, the exact forward mode and an independent finite
difference agree; the forward mode agrees with sympy's derivative; its cost does not grow
with nesting."""

import math
import sys
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradquiz.core.lab.checks import GradientCheck, check_gradients, near_kink, roundoff_floor
from gradquiz.core.lab.expressions import VARIABLES, parse_expression
from gradquiz.core.lab.forward_mode import exact_gradients
from gradquiz.core.lab.graphs import build_graph, parse_program
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


def _checked(text: str, **values: float) -> GradientCheck:
    program = (("f", parse_expression(text)),)
    (check,) = check_gradients(program, build_graph(program, values))
    return check


def test_near_a_domain_edge_the_difference_takes_a_smaller_step_not_a_nan() -> None:
    # Issue 28: log(x) at x = 5e-6 was refused ("log of -5e-06"), then a NaN.
    for x in (1e-6, 5e-6, 1e-9, 1e-12):
        check = _checked("log(x)", x=x)
        assert check.exact == check.backprop == pytest.approx(1 / x)
        assert check.method == "centred" and check.step < x and check.agrees, check
        assert check.note is not None and "leaves the function's domain" in check.note


@pytest.mark.parametrize("text", ["log(x)", "x**0.5", "x**1.5"])
def test_a_tiny_input_is_inside_the_domain_and_its_centred_difference_agrees(text: str) -> None:
    # log(x) at 1e-20 ... 1e-300 was "at the edge of the
    # function's domain" with a one-sided estimate 1.0 (relative) off; the step search stopped
    # at 10⁻¹⁷. x**1.5's value underflows below about 10⁻²⁰⁶ (10⁻⁴⁵⁰ is not a float64), so
    # there no difference can see the change, and the note says that, not "edge".
    for power in range(5, 301, 5):
        x = 10.0**-power
        check = _checked(text, x=x)
        assert "edge" not in (check.note or ""), (x, check)
        assert check.method == "centred", (x, check)
        assert check.exact == pytest.approx(check.backprop, rel=1e-12), (x, check)
        if text == "x**1.5" and x == 1e-5:  # h = x reaches 0: the curvature note, then agrees
            assert check.reason == "curvature"
        elif text == "x**1.5" and x**1.5 < sys.float_info.min:  # f(x ± h) is subnormal or 0
            assert check.reason == "round-off", (x, check)
            assert x > 1e-250 or "below the smallest number" in (check.note or ""), (x, check)
        else:
            assert check.agrees and check.step < x, (x, check)


def test_one_sided_only_where_no_centred_step_stays_inside() -> None:
    # 1000.0000001 is 10⁻⁷ from log(x − 1000)'s edge: a thousandth of that is below 1000
    # units of 1000, yet a centred step of 10⁻¹⁰ stays inside and agrees. Two
    # units of 1000 from the edge a centred step of one unit still stays inside (it was
    # one-sided with h = 0.01, 10¹¹ times the distance).
    near = _checked("log(x - 1000)", x=1000.0000001)
    assert near.method == "centred" and near.agrees and near.step < 1e-7, near
    edge = 1000.0 + 2 * math.ulp(1000.0)
    nearest = _checked("log(x - 1000)", x=edge)
    assert nearest.method == "centred" and nearest.step == math.ulp(edge), nearest
    assert nearest.note is not None and "2 units of its last place from its edge" in nearest.note
    assert nearest.reason == "step" and "smooth" not in nearest.note


@pytest.mark.parametrize(
    ("text", "edge", "side"),
    [("log(x+1)", -1.0, 1.0), ("log(1-x)", 1.0, -1.0), ("(x-2)**0.5", 2.0, 1.0)],
)
@pytest.mark.parametrize("distance", [1e-9, 1e-10, 1e-11, 1e-12])
def test_near_an_edge_a_centred_step_inside_is_found_where_one_exists(
    text: str, edge: float, side: float, distance: float
) -> None:
    # log(x + 1) at x = −0.999999999 was "so near the edge … no centred
    # step", one-sided and 1000 times too small, though 10⁻¹¹ … 10⁻¹³ stay inside and agree:
    # the search stopped at 1000 units of x's last place.
    x = edge + side * distance
    check = _checked(text, x=x)
    assert check.method == "centred" and check.step < distance, check
    assert check.exact == pytest.approx(check.backprop, rel=1e-9)
    assert check.relative_error < 1e-6 and check.agrees and check.reason is None, check
    assert check.note is not None and "leaves the function's domain" in check.note


@pytest.mark.parametrize(
    ("text", "x", "units"),
    [
        ("log(x+1)", -0.99999999999999, 90),
        ("log(x+1)", -0.999999999999999, 9),
        ("(x-2)**0.5", 2.000000000000001, 2),
    ],
)
def test_beside_an_edge_the_smallest_centred_step_is_taken(text: str, x: float, units: int) -> None:
    # 90 and 9 units of −1 from log(x + 1)'s edge the difference was
    # one-sided with h = 10⁻⁵ (2.07 × 10⁶ for 1.001 × 10¹⁴), and its note blamed smoothness;
    # a centred step of one unit stays inside and is within 10⁻⁴ (at 90 units) of the exact.
    check = _checked(text, x=x)
    assert check.method == "centred" and check.step == math.ulp(x), check
    assert check.relative_error < 0.05 and (units < 90 or check.relative_error < 1e-4), check
    assert check.note is not None and f"{units} units of its last place from its edge" in check.note
    assert "smooth" not in check.note and "h = " in check.note
    assert check.reason == "step"
    # 900 units away one unit agrees, its changes shrinking as h² down to it.
    nearer = _checked("log(x+1)", x=-0.9999999999999)
    assert nearer.method == "centred" and nearer.agrees, nearer


@pytest.mark.parametrize(
    ("text", "x", "exact"),
    [("log(x+1)", -0.9999999999999999, 2.0**53), ("(x-2)**0.5", 2.0000000000000004, None)],
)
def test_at_an_edge_the_one_sided_step_is_one_unit(
    text: str, x: float, exact: float | None
) -> None:
    # One unit from the edge the one-sided step was 10⁻⁵ (2.52 × 10⁶ for
    # 9.007 × 10¹⁵); one unit gives 6.24 × 10¹⁵, and the note says the step.
    check = _checked(text, x=x)
    assert check.method == "forward" and check.step == math.ulp(x), check
    assert check.relative_error < 0.35, check
    if exact is not None:
        assert check.exact == pytest.approx(exact, rel=1e-9)
    assert check.note is not None and "is at the edge" in check.note
    assert "h = " in check.note and "smooth" not in check.note


@pytest.mark.parametrize("distance", [1e-9, 1e-10, 1e-11])
def test_near_a_pole_a_step_on_one_side_is_found_and_agrees(distance: float) -> None:
    # 1/(x + 1) at x = −0.999999999 said only that h = 10⁻⁵ reaches
    # across the pole; the six smaller steps tried stop at 10⁻¹¹, too close to the pole still.
    check = _checked("1/(x+1)", x=-1.0 + distance)
    assert check.reason == "pole" and check.note is not None
    assert "which stays on one side" in check.note and "which agrees" in check.note
    shown = check.note.split("it gives ")[1].split(", which agrees")[0]
    assert shown.startswith(("−", "-")), check.note  # −1/(x + 1)², as the exact gradient


def test_at_a_domain_edge_the_difference_is_one_sided() -> None:
    check = _checked("x**1.5", x=0.0)  # x − h < 0 has no real power 1.5, at any h
    assert check.exact == 0 and check.method == "forward"
    assert check.centred == pytest.approx(check.step**0.5)  # ((h)^1.5 − 0) / h
    assert check.note is not None and "one-sided" in check.note
    below = _checked("(0 - x)**1.5", x=0.0)  # only x − h is in the domain
    assert below.method == "backward" and below.centred == pytest.approx(-(below.step**0.5))


def test_a_disagreement_says_why_a_kink_or_the_curvature() -> None:
    # Issue 28: 1/x at 1e-6 (error 1.01) and relu(1000*x) at 1e-6 (error 0.45) said nothing.
    pole = _checked("1/x", x=1e-6)  # h = 1e-5 > x: the step reaches across the pole
    assert not pole.agrees and pole.reason == "pole"
    # h = 10⁻⁹ agrees since the difference is divided by the step float64 takes;
    # divided by 2h it took 10⁻¹⁰.
    assert pole.note is not None and "across x = 0" in pole.note and "h = 1 × 10⁻⁹" in pole.note
    assert "curves" not in pole.note
    even = _checked("x**-2", x=1e-6)
    assert even.reason == "pole" and even.note is not None and "across x = 0" in even.note
    curved = _checked("1/x", x=2e-5)  # h = 1e-5 < x: no pole crossed, the curve is the cause
    assert not curved.agrees and curved.reason == "curvature"
    assert curved.note is not None and "curves too sharply" in curved.note
    kink = _checked("relu(1000*x)", x=1e-6)
    assert kink.relative_error == pytest.approx(0.45) and kink.reason == "kink"
    assert kink.note is not None and "kink" in kink.note
    smooth = _checked("x*x + sigmoid(x)", x=1.5)
    assert smooth.agrees and smooth.note is None and smooth.reason is None


def test_rounding_residue_is_an_exact_0_and_its_error_is_absolute() -> None:
    # z = 0.1·10 − 1 is 0 in float64 but 5.55e-17 for the floats' exact values.
    program = parse_program(
        [("z", "w*x + b"), ("a", "sigmoid(z)"), ("L", "0.5*(y - a)**2")], ["w", "x", "b", "y"]
    )
    values = {"w": 0.1, "x": 10.0, "b": -1.0, "y": 0.5}
    graph = build_graph(program, values)
    assert exact_gradients(program, values)["w"] != 0  # the residue, before it is judged
    by_input = {check.input: check for check in check_gradients(program, graph)}
    assert by_input["w"].exact == 0 and by_input["w"].error_is_absolute
    assert by_input["w"].relative_error < 1e-12 and by_input["w"].agrees
    assert by_input["w"].scale == pytest.approx(2.5)


def test_an_exact_value_outside_the_domain_gives_nan_not_an_error() -> None:
    # Written 0.3 is exactly three tenths; the float 0.3 is a little less, so x − 0.3 < 0.
    program = (("f", parse_expression("log(x - 0.3)")),)
    assert math.isnan(exact_gradients(program, {"x": 0.3})["x"])
    assert math.isnan(exact_gradients((("f", parse_expression("1/(x - x)")),), {"x": 2.0})["x"])


def test_a_step_across_a_pole_names_the_point_to_its_full_precision() -> None:
    # "(h = 1e-05, at x = 1)" for x = 1.000001 read
    # as the pole itself.
    check = _checked("1/(x - 1)", x=1.000001)
    assert check.reason == "pole" and check.note is not None
    assert "at x = 1.000001)" in check.note and "at x = 1)" not in check.note


def test_a_centred_difference_divides_by_the_step_float64_takes() -> None:
    # log(x + 1) at x = −0.99999999 shrinks the step to 10⁻¹²; x ± h,
    # rounded, are not 2h apart, and dividing by 2h gave an error of 2.2 × 10⁻⁵ that the
    # note blamed on rounding f(x ± h). Divided by the step taken, it is 3.3 × 10⁻⁹.
    program = (("f", parse_expression("log(x+1)")),)
    graph = build_graph(program, {"x": -0.99999999})
    (check,) = check_gradients(program, graph)
    assert check.step == pytest.approx(1e-12)
    assert check.relative_error < 1e-8
    assert check.agrees and check.reason is None
    assert check.note is not None and "is lost in rounding" not in check.note


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("x**3", {"x": 0.0}),
        ("x*x*x", {"x": 0.0}),
        ("x**3+y", {"x": 0.0, "y": 1.0}),
        ("tanh(x)-x", {"x": 0.0}),
    ],
)
def test_an_exact_zero_gradient_names_truncation_not_round_off(
    text: str, values: dict[str, float]
) -> None:
    # x**3 at 0 gives h² (10⁻¹⁰ at h = 10⁻⁵), truncation error; the note
    # blamed round-off and said no smaller step agreed, though 10⁻¹² at 10⁻⁶ and 10⁻²² at
    # 10⁻¹¹ do. x**3 + y called it curvature, tanh(x) − x had no note: one story for all.
    program = (("f", parse_expression(text)),)
    check = next(
        c for c in check_gradients(program, build_graph(program, values)) if c.input == "x"
    )
    assert check.exact == 0 and check.centred != 0
    assert check.reason == "curvature", check
    note = check.note or ""
    assert "truncation error" in note and "shrinks as h²" in note and "agrees either" not in note
    assert "what the difference shows is round-off" not in note
    if text in ("x**3", "x*x*x"):
        assert "with h = 1 × 10⁻⁶ it gives 1 × 10⁻¹²" in note
        assert "with h = 1 × 10⁻¹¹ it gives 1 × 10⁻²²" in note


def test_an_exact_zero_agrees_with_an_estimate_below_round_off() -> None:
    # A difference below what rounding f(x ± h) can show agrees with an exact 0, even where the
    # gradient's terms are all 0 (against a scale of 0 only an exact 0 agreed).
    program = (("f", parse_expression("x**3+y")),)
    floor = roundoff_floor(program, {"x": 0.0, "y": 1.0}, "x", 1e-5)
    assert 1e-11 < floor < 3e-11  # an ulp of 1 ± 10⁻¹⁵ each, over 2 × 10⁻⁵
    below = GradientCheck("x", 0.0, 0.0, floor / 2, 1e-5, scale=0.0, floor=floor)
    above = GradientCheck("x", 0.0, 0.0, floor * 5, 1e-5, scale=0.0, floor=floor)
    assert below.agrees and not above.agrees


@pytest.mark.parametrize(
    ("text", "values", "name", "derivative"),
    [
        ("relu(x) - relu(-x)", {"x": 0.0}, "x", 1.0),
        ("max(x, y) - max(y, x)", {"x": 1.0, "y": 1.0}, "x", 0.0),
        ("max(x, y) - max(y, x)", {"x": 1.0, "y": 1.0}, "y", 0.0),
    ],
)
def test_where_kinks_cancel_the_note_says_backprop_is_not_fs_derivative(
    text: str, values: dict[str, float], name: str, derivative: float
) -> None:
    # relu(x) − relu(−x) is x, yet at 0 the note said "the difference
    # averages two slopes across the kink. The gradient is right" of backprop's 0.
    program = (("f", parse_expression(text)),)
    checks = {c.input: c for c in check_gradients(program, build_graph(program, values))}
    check = checks[name]
    assert check.reason == "kink" and check.note is not None
    assert check.exact != derivative and check.derivative == pytest.approx(derivative, abs=1e-9)
    assert "The gradient is right" not in check.note and "the kinks cancel" in check.note
    assert check.centred == pytest.approx(derivative, abs=1e-9)


def test_a_kink_that_does_not_cancel_keeps_its_note() -> None:
    for text, x in (("relu(x)", 0.0), ("relu(1000*x)", 1e-6), ("max(x, -x)", 0.0)):
        check = _checked(text, x=x)
        assert check.reason == "kink" and check.derivative is None, (text, check)
        assert check.note is not None and "The gradient is right" in check.note


def test_at_an_edge_the_one_sided_step_grows_only_past_round_off() -> None:
    # One unit at x = 1 moves 3x by less than a unit of 3, so a
    # one-unit step would be all round-off; the step grows by tenths until rounding is under
    # 10⁻⁶ of the difference, and stays far below the 10⁻⁵ that left 10⁻³ of truncation.
    check = _checked("(x-1)**1.5 + 3*x", x=1.0)
    assert check.method == "forward" and math.ulp(1.0) < check.step < 1e-7, check
    assert check.relative_error < 1e-4, check
    # "up by tenths" read as steps of a tenth; each step is ten times the
    # last.
    assert check.note is not None and "up tenfold" in check.note and "tenths" not in check.note


def test_beside_an_edge_the_centred_step_grows_only_past_round_off() -> None:
    # 501 units from the edge of (x − 1)**1.5 + 3x a centred step of one unit moves 3x by
    # less than a unit of 3 (it gave 4 for 3); ten-fold steps that stay inside are tried.
    x = 1.0 + 500 * math.ulp(1.0)
    check = _checked("(x-1)**1.5 + 3*x", x=x)
    assert check.method == "centred" and math.ulp(x) < check.step < 500 * math.ulp(x), check
    assert check.agrees, check

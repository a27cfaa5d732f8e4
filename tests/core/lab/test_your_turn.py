import pytest

from gradquiz.core.lab.expressions import parse_expression
from gradquiz.core.lab.graphs import Graph, build_graph, parse_program
from gradquiz.core.lab.prepared import BY_SLUG
from gradquiz.core.lab.your_turn import Verdict, check_answers, kink_notices


def prepared(slug: str) -> Graph:
    graph = BY_SLUG[slug]
    return build_graph(graph.program, dict(graph.defaults))


def mistake_for(graph: Graph, node: str, answer: float, **others: float) -> str | None:
    answers: dict[str, float | None] = {**graph.gradients, **others, node: answer}
    verdict = next(v for v in check_answers(graph, answers) if v.node == node)
    assert not verdict.correct and verdict.message
    return verdict.mistake


def test_right_answers_within_rounding_are_right() -> None:
    graph = prepared("neuron")
    rounded = {key: float(f"{value:.3g}") for key, value in graph.gradients.items()}
    assert all(v.correct for v in check_answers(graph, rounded))


def test_missing_answers_are_not_answered_rather_than_wrong() -> None:
    verdicts = check_answers(prepared("neuron"), {})
    assert all(v.answer is None and not v.correct for v in verdicts)


@pytest.mark.parametrize(
    ("slug", "node", "wrong", "mistake"),
    [
        ("fan-out", "x", -2.0, "fan-out"),  # only the branch through q
        ("fan-out", "x", 1.0, "fan-out"),  # only the branch through f
        ("max-gate", "y", -3.0, "max-loser"),  # routed to the loser
        ("max-gate", "x", -1.5, "max-average"),  # split between the inputs
        ("add-multiply", "x", -2.0, "add-split"),  # add gate halving
        ("add-multiply", "q", 3.0 * 1, "mul-own-input"),  # ∂(qz)/∂q taken as q
        ("neuron", "z", -0.25, "sigmoid-value"),  # σ instead of σ(1 − σ)
        ("neuron", "a", 0.5, "sub-sign"),  # y − a treated like y + a
        ("neuron", "w", 0.25, "sign"),
        ("neuron", "L", 0.0, "seed"),
        ("neuron", "w", -0.125, "forgot-local"),  # upstream ∂L/∂t1 without × x
        ("tanh-chain", "t4", None, "tanh-value"),
    ],
)
def test_wrong_answers_are_named_by_their_misconception(
    slug: str, node: str, wrong: float | None, mistake: str
) -> None:
    graph = prepared(slug)
    if wrong is None:  # 1 − tanh instead of 1 − tanh² on the edge into o = tanh(t4)
        node = "t4"
        wrong = graph.gradients["o"] * (1 - graph.by_key["o"].value)
    assert mistake_for(graph, node, wrong) == mistake


def test_a_mistake_carried_from_an_earlier_node_is_recognised() -> None:
    graph = prepared("neuron")
    # a wrong ∂L/∂a (sign flipped), then ∂L/∂z computed correctly from it
    wrong_a = -graph.gradients["a"]
    carried = wrong_a * graph.by_key["a"].value * (1 - graph.by_key["a"].value)
    assert mistake_for(graph, "z", carried, a=wrong_a) == "carried"


def test_relu_with_a_negative_input_passes_nothing() -> None:
    program = parse_program([("r", "relu(x)"), ("f", "r*y")], ["x", "y"])
    graph = build_graph(program, {"x": -1.0, "y": 2.0})
    assert graph.gradients["x"] == 0.0
    assert mistake_for(graph, "x", 2.0) == "relu-negative"


def verdicts_for(graph: Graph, **answers: float | None) -> dict[str, Verdict]:
    return {v.node: v for v in check_answers(graph, answers)}


def expression_graph(text: str, **values: float) -> Graph:
    return build_graph((("f", parse_expression(text)),), values)


def test_at_a_relu_of_exactly_0_any_slope_from_0_to_1_is_right() -> None:
    # Issue 28: relu's input at 0 was "negative here" and only the convention 0 was right.
    graph = expression_graph("relu(x)*y", x=0.0, y=2.0)
    for right in (0.0, 1.0, 2.0, 1.999):
        assert verdicts_for(graph, x=right)["x"].correct, right
    for wrong in (-0.5, 2.5, -2.0):
        assert not verdicts_for(graph, x=wrong)["x"].correct, wrong
    assert "convention" in verdicts_for(graph, x=2.0)["x"].message
    (notice,) = kink_notices(graph)
    assert "exactly 0" in notice and "relu′(0) = 0" in notice and "negative" not in notice


def test_at_a_max_tie_any_split_is_right_and_an_even_split_is_not_a_mistake() -> None:
    graph = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    # m's gradient is z = -3; torch.maximum gives each tied input half of it.
    for x, y in [(-1.5, -1.5), (-3.0, 0.0), (0.0, -3.0), (-1.0, -2.0)]:
        verdicts = verdicts_for(graph, x=x, y=y)
        assert verdicts["x"].correct and verdicts["y"].correct, (x, y)
    assert not verdicts_for(graph, x=3.0)["x"].correct  # a wrong sign is never right
    (notice,) = kink_notices(graph)
    assert "x and y are both the largest (2)" in notice and "torch.maximum splits it" in notice
    away = prepared("max-gate")  # x = 4 > y = 2: no tie, and no notice
    assert kink_notices(away) == () and "only at a tie" in (verdicts_for(away, x=-1.5)["x"].message)


def test_a_max_of_one_node_with_itself_is_no_kink() -> None:
    graph = expression_graph("max(x, x)*y", x=1.0, y=3.0)
    assert kink_notices(graph) == ()
    assert verdicts_for(graph, x=3.0)["x"].correct and not verdicts_for(graph, x=6.0)["x"].correct


def test_nodes_before_a_kink_are_checked_against_the_learners_own_convention() -> None:
    graph = expression_graph("relu(2*x)*y", x=0.0, y=2.0)
    (doubled,) = [node.key for node in graph.nodes if node.kind == "mul" and node.key != "f"]
    assert verdicts_for(graph, **{doubled: 2.0, "x": 4.0})["x"].correct  # slope 1 chosen
    assert verdicts_for(graph, **{doubled: 0.0, "x": 0.0})["x"].correct  # slope 0 chosen
    assert not verdicts_for(graph, **{doubled: 0.0, "x": 4.0})["x"].correct


def test_a_flipped_sign_or_a_zero_is_not_right_for_a_small_gradient() -> None:
    # Issue 28: the absolute tolerance 5e-4 took +0.00025 (and 0) for -0.00025.
    graph = build_graph(BY_SLUG["neuron"].program, {"w": 0.5, "x": 2.0, "b": -1.0, "y": 0.502})
    assert graph.gradients["x"] == pytest.approx(-0.00025)
    assert verdicts_for(graph, x=-0.00025)["x"].correct
    assert verdicts_for(graph, x=-0.0002501)["x"].correct
    flipped = verdicts_for(graph, x=0.00025)["x"]
    assert not flipped.correct and flipped.mistake == "sign"
    assert not verdicts_for(graph, x=0.0)["x"].correct
    # a − y = −0.002 cancels terms of size 1, but a = σ(0) = 0.5 and σ′ = 0.25 are shown
    # exactly: 4 % off was right under the old floor (10⁻⁴ × 0.125); it is not now.
    assert not verdicts_for(graph, x=-0.00024)["x"].correct
    assert not verdicts_for(graph, x=-0.0002)["x"].correct


def test_a_right_answer_of_any_size_is_right() -> None:
    graph = expression_graph("x**4", x=100.0)
    assert graph.gradients["x"] == 4_000_000
    assert verdicts_for(graph, x=4_000_000.0)["x"].correct
    assert (
        verdicts_for(graph, x=4.02e6)["x"].correct and not verdicts_for(graph, x=4.1e6)["x"].correct
    )


def test_a_gradient_that_cancels_to_0_takes_0_and_not_a_sizeable_value() -> None:
    graph = expression_graph("x*y + x", x=3.0, y=-1.0)  # ∂f/∂x = y + 1 = 0
    assert verdicts_for(graph, x=0.0)["x"].correct
    assert not verdicts_for(graph, x=0.01)["x"].correct


def test_an_answer_that_follows_from_the_shown_rounded_values_is_right() -> None:
    # A gradient that cancels to nearly 0 through a computed value shown
    # to four figures (σ(z) = 0.5000 at z = 0.0001) may be answered from the shown values.
    graph = expression_graph("x*sigmoid(z) - 0.5*x", x=1.0, z=0.0001)
    assert graph.gradients["x"] == pytest.approx(2.5e-5, rel=1e-3)
    assert verdicts_for(graph, x=0.0)["x"].correct
    assert not verdicts_for(graph, x=0.01)["x"].correct


def test_inputs_are_exact_so_no_rounding_turns_a_sign() -> None:
    # Inputs are shown as typed, so y + 1 follows from them exactly; the
    # allowance for rounding made -1e-5 "Right" for 1e-5.
    graph = expression_graph("x*y + x", x=3.0, y=-0.99999)
    assert graph.gradients["x"] == pytest.approx(1e-5)
    assert verdicts_for(graph, x=1e-5)["x"].correct
    assert not verdicts_for(graph, x=-1e-5)["x"].correct
    assert not verdicts_for(graph, x=-5e-5)["x"].correct
    typed = expression_graph("x*y + x", x=3.0, y=-1.0004)
    assert verdicts_for(typed, x=-0.0004)["x"].correct
    assert not verdicts_for(typed, x=0.0)["x"].correct
    assert not verdicts_for(typed, x=0.0003)["x"].correct


def test_a_max_gate_mistake_is_named_on_every_input_it_applies_to() -> None:
    # An even split named the mistake for x only, and routing to the
    # loser for y only; the other input got the generic message.
    graph = build_graph(BY_SLUG["max-gate"].program, {"x": 4.0, "y": 2.0, "z": -3.0})
    split = verdicts_for(graph, x=-1.5, y=-1.5)
    assert split["x"].mistake == split["y"].mistake == "max-average"
    routed = verdicts_for(graph, x=0.0, y=-3.0)
    assert routed["x"].mistake == routed["y"].mistake == "max-loser"
    assert "x is the largest" in routed["x"].message


def test_two_uses_of_one_input_name_the_one_mistake_once() -> None:
    # x*x at 3 answered 3 got "This number fits more than one mistake"
    # with one use left out and only one use said as two mistakes.
    verdict = verdicts_for(expression_graph("x*x", x=3.0), x=3.0)["x"]
    assert verdict.mistake == "fan-out"
    assert "more than one mistake" not in verdict.message
    assert verdict.message.count("uses x twice") == 1 and "only one use, 1 × 3" in verdict.message


def test_an_unexplained_wrong_answer_does_not_say_not_right_twice() -> None:
    verdict = verdicts_for(prepared("neuron"), w=123.0)["w"]
    assert verdict.mistake == "other" and not verdict.message.startswith("Not right")


def test_at_a_tie_the_tied_inputs_shares_add_up_to_the_gate_s_gradient() -> None:
    # Each tied input was checked alone against 0 to -3.
    graph = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    for x, y in [(-3.0, -3.0), (0.0, 0.0), (-2.0, -2.0), (-1.0, -1.0), (-3.0, -1.0)]:
        verdicts = verdicts_for(graph, x=x, y=y)
        assert not (verdicts["x"].correct and verdicts["y"].correct), (x, y)
    copied = verdicts_for(graph, x=-3.0, y=-3.0)["x"]
    assert copied.mistake == "tie-split" and "Yours, −3 and −3, add up to −6:" in copied.message
    assert verdicts_for(graph, x=-2.98, y=0.0)["x"].correct  # within 1 % of ∂f/∂m in sum
    three = expression_graph("max(x, y, z)*w", x=1.0, y=1.0, z=1.0, w=2.0)
    for shares in [(2.0, 0.0, 0.0), (0.0, 2.0, 0.0), (0.5, 0.5, 1.0), (0.6667, 0.6667, 0.6667)]:
        verdicts = verdicts_for(three, **dict(zip("xyz", shares, strict=True)))
        assert all(verdicts[k].correct for k in "xyz"), shares
    for shares in [(2.0, 2.0, 2.0), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.5, 0.5, 0.5)]:
        verdicts = verdicts_for(three, **dict(zip("xyz", shares, strict=True)))
        assert not all(verdicts[k].correct for k in "xyz"), shares


def test_a_node_in_two_ties_or_also_feeding_another_gate_is_checked_with_its_shares() -> None:
    # x closes both ties of max(x, y)*max(x, z) at x = y = z: it takes what y and z left.
    double = expression_graph("max(x, y)*max(x, z)", x=1.0, y=1.0, z=1.0)
    assert verdicts_for(double, x=1.0, y=1.0, z=0.0)["x"].correct
    assert verdicts_for(double, x=0.0, y=1.0, z=1.0)["x"].correct
    assert not verdicts_for(double, x=2.0, y=1.0, z=1.0)["x"].correct
    # x's gradient is its share in the tie plus 1 from the add gate.
    mixed = expression_graph("max(x, y) + x", x=1.0, y=1.0)
    assert verdicts_for(mixed, x=1.0, y=1.0)["x"].correct
    assert not verdicts_for(mixed, x=2.0, y=1.0)["x"].correct


def test_an_out_of_range_tied_answer_takes_no_share_and_the_rest_are_checked_as_a_tie() -> None:
    # After z took all of ∂f/∂t1 = 2, y = 2 was out of
    # range and x = 2 was then checked alone ("any gradient from 0 to 2"): 5 of 6 right.
    three = expression_graph("max(x, y, z)*w", x=1.0, y=1.0, z=1.0, w=2.0)
    for shares in [(2.0, 2.0, 2.0), (2.0, 5.0, 2.0), (2.0, -1.0, 2.0), (1.5, 1.5, 1.5)]:
        verdicts = verdicts_for(three, **dict(zip("xyz", shares, strict=True)))
        right = sum(s for k, s in zip("xyz", shares, strict=True) if verdicts[k].correct)
        assert right <= 2.0 * 1.01, shares
        assert all("At a kink" not in verdicts[k].message for k in "xyz"), shares
        assert all("split, not copied" in verdicts[k].message for k in "xyz"), shares
    # All in range but adding up to 6, not 2: wrong together, as with ∂f/∂t1 answered.
    verdicts = verdicts_for(three, x=2.0, y=2.0, z=2.0)
    assert [verdicts[k].correct for k in "xyz"] == [False, False, False]
    assert "Yours, 2, 2 and 2, add up to 6:" in verdicts["x"].message
    # y out of range takes nothing: x may still take the whole gradient when z takes none.
    verdicts = verdicts_for(three, x=2.0, y=-1.0, z=0.0)
    assert [verdicts[k].correct for k in "xyz"] == [True, False, True]
    # y not answered yet may still take what is left, so x is not forced to take it.
    verdicts = verdicts_for(three, x=0.5, y=None, z=1.0)
    assert verdicts["x"].correct and "may take from 0 to 1" in verdicts["x"].message
    assert not verdicts_for(three, x=1.5, y=None, z=1.0)["x"].correct
    # Two inputs: y's 1 is out of range (the wrong sign), so x takes the whole -3.
    two = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    verdicts = verdicts_for(two, x=-3.0, y=1.0)
    assert verdicts["x"].correct and not verdicts["y"].correct
    assert (
        "At a kink" not in verdicts["x"].message and "takes the rest, −3" in verdicts["x"].message
    )
    # "(max(x, y) grows by t when all of them do)" for two inputs.
    assert "(raising both x and y by t raises their max by t, not by 2t)" in (verdicts["x"].message)
    assert not verdicts_for(two, x=1.0, y=1.0)["x"].correct


def test_an_answer_outside_a_kink_s_range_is_told_the_range() -> None:
    # Only the generic chain-rule hint was given.
    relu = expression_graph("relu(x)*y", x=0.0, y=3.0)
    # A hyphen for a minus, and "1.234e+04" for a typed 12345.
    for wrong, echo in ((-1.0, "−1"), (4.0, "4"), (12345.5, "12345.5"), (-0.5, "−0.5")):
        verdict = verdicts_for(relu, x=wrong)["x"]
        assert not verdict.correct
        assert f"At the kink any value from 0 to 3 is right; {echo} is outside it." in (
            verdict.message
        )
    tie = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    verdict = verdicts_for(tie, y=1.0)["y"]
    assert not verdict.correct and verdict.mistake == "tie-split"
    assert (
        "split, not copied" in verdict.message and "Your 1 is outside −3 to 0." in verdict.message
    )


@pytest.mark.parametrize(
    ("text", "t1", "right", "wrong"),
    [
        ("max(2*x, x)", 0.5, 1.5, (0.5, 1.0, 2.0)),  # 2·0.5 through t1 + the share 0.5
        ("max(x, -x)", 0.5, 0.0, (0.5, 1.0)),  # abs at 0: 0.5 − 0.5
        ("max(x, -x)", 1.0, -1.0, (0.0, 1.0)),  # the share 0, and −1 through t1
    ],
)
def test_a_tied_input_with_another_path_is_told_its_whole_gradient(
    text: str, t1: float, right: float, wrong: tuple[float, ...]
) -> None:
    # max(2x, x) at 0 with t1's share 0.5 told x "this one
    # takes the rest, 0.5" (its share at the gate), though 1.5 was marked right and 0.5 wrong.
    graph = expression_graph(text, x=0.0)
    for answer in (right, *wrong):
        verdict = verdicts_for(graph, f=1.0, t1=t1, x=answer)["x"]
        assert verdict.correct == (answer == right), (answer, verdict)
        assert "this one takes the rest" not in verdict.message
        assert (
            "f passes back to" in verdict.message
            and "x's share at f is the rest" in verdict.message
        )
        named = verdict.message.rsplit(", ", 1)[1].removesuffix(".").replace("\N{MINUS SIGN}", "-")
        assert "its gradient ∂f/∂x is its share at f plus what that path brings" in verdict.message
        assert float(named) == right, verdict.message


def test_an_answer_is_right_within_1_percent_or_the_floor_not_their_sum() -> None:
    # At the fan-out graph's x = 3, y = −2 (∂f/∂x = −1)
    # −1.0103 and −0.9897 (1.03 % off) were right: 1 % plus the floor of 3 × 10⁻⁴. The
    # README says "within 1 % of the gradient, or within a floor".
    graph = build_graph(BY_SLUG["fan-out"].program, {"x": 3.0, "y": -2.0})
    assert graph.gradients["x"] == -1.0
    others = {k: v for k, v in graph.gradients.items() if k != "x"}
    for answer, right in [(-1.01, True), (-0.99, True), (-1.0103, False), (-0.9897, False)]:
        verdict = verdicts_for(graph, **others, x=answer)["x"]
        assert verdict.correct == right, (answer, verdict)
    assert not verdicts_for(graph, **others, x=1.0)["x"].correct  # a wrong sign is never right


def _others(graph: Graph, node: str) -> dict[str, float]:
    return {k: v for k, v in graph.gradients.items() if k != node}


@pytest.mark.parametrize(
    ("slug", "inputs", "node", "wrong", "right"),
    [
        # The floor of 10⁻⁴ × the size of the terms took every one of
        # these wrong answers; the inputs are exact, so the gradient is worked exactly.
        ("fan-out", {"x": 3.0, "y": -0.99999999}, "x", [1e-4, 1.9e-4, 0.0], [1e-8, 1.005e-8]),
        ("fan-out", {"x": 3.0, "y": -0.9999}, "x", [0.0, 5e-5, 2e-4, 2.99e-4], [1e-4, 1.009e-4]),
        ("add-multiply", {"x": 1.0, "y": -0.9999, "z": 2.0}, "z", [0.0, 2.5e-4], [1e-4]),
    ],
)
def test_a_cancelling_gradient_from_exact_inputs_is_right_only_within_1_percent(
    slug: str, inputs: dict[str, float], node: str, wrong: list[float], right: list[float]
) -> None:
    graph = build_graph(BY_SLUG[slug].program, inputs)
    for answer in wrong:
        verdict = verdicts_for(graph, **_others(graph, node), **{node: answer})[node]
        assert not verdict.correct, (answer, verdict)
        assert "size is right" not in verdict.message, (answer, verdict)
    for answer in right:
        assert verdicts_for(graph, **_others(graph, node), **{node: answer})[node].correct, answer


def test_a_flipped_sign_is_named_only_when_the_size_is_right() -> None:
    # −0.0001 for 10⁻⁸, −0.00001 and −0.0002 for 10⁻⁴ were "the size is right".
    tiny = build_graph(BY_SLUG["fan-out"].program, {"x": 3.0, "y": -0.99999999})
    small = build_graph(BY_SLUG["fan-out"].program, {"x": 3.0, "y": -0.9999})
    for graph, answer in [(tiny, -1e-4), (small, -1e-5), (small, -2e-4)]:
        verdict = verdicts_for(graph, **_others(graph, "x"), x=answer)["x"]
        assert not verdict.correct and verdict.mistake != "sign", (answer, verdict)
    verdict = verdicts_for(small, **_others(small, "x"), x=-1e-4)["x"]
    assert not verdict.correct and verdict.mistake == "sign"


def test_a_gradient_from_a_rounded_value_takes_what_follows_from_the_shown_figures() -> None:
    # At y = 0.7311, ∂L/∂y = y − σ(1) = 4.142 × 10⁻⁵ and everything from 0 to
    # 1.85 × 10⁻⁴ was right. The page shows t2 = y − a as 4.142 × 10⁻⁵ and ∂L/∂y = t2, so
    # what follows from the shown figures is 4.142 × 10⁻⁵ give or take their rounding
    # (5 × 10⁻⁹), then 1 %; a wrong sign is never right.
    graph = build_graph(BY_SLUG["neuron"].program, {"w": 1.0, "x": 1.0, "b": 0.0, "y": 0.7311})
    assert graph.gradients["y"] == pytest.approx(4.142e-5, rel=1e-3)
    for answer, right in [
        (4.142e-5, True),
        (4.18e-5, True),
        (0.0, False),
        (9e-5, False),
        (1.85e-4, False),
        (-4.142e-5, False),
    ]:
        verdict = verdicts_for(graph, **_others(graph, "y"), y=answer)["y"]
        assert verdict.correct == right, (answer, verdict)


def test_an_exact_zero_takes_only_a_tiny_answer() -> None:
    graph = build_graph(BY_SLUG["fan-out"].program, {"x": 3.0, "y": -1.0})
    assert graph.gradients["x"] == 0
    for answer, right in [(0.0, True), (1e-13, True), (-1e-13, True), (1e-9, False)]:
        verdict = verdicts_for(graph, **_others(graph, "x"), x=answer)["x"]
        assert verdict.correct == right, (answer, verdict)


def test_a_tie_message_puts_a_comma_after_the_answers_it_counts() -> None:
    # "so with your answer for y x's share at t1 is the rest" read as "y x's".
    graph = expression_graph("max(x,y)+x", x=1.0, y=1.0)
    message = verdicts_for(graph, y=0.5, x=1.0, t1=1.0)["x"].message
    assert "so with your answer for y, x's share at t1 is the rest, 0.5." in message


def _inner_verdict(graph: Graph, node: str, answer: float) -> Verdict:
    return next(v for v in check_answers(graph, {node: answer}) if v.node == node)


def test_an_inner_nodes_residue_keeps_its_true_sign() -> None:
    # softmax at z1 = 40 gives ∂L/∂e1 = −(e2 + e3)/(e1·S) ≈ −6.9e-35,
    # 0.0 in float64; the sign was known for inputs only, so +6.9e-35 was "Right."
    graph = build_graph(BY_SLUG["softmax"].program, {"z1": 40.0, "z2": 1.0, "z3": 0.1})
    assert graph.gradients["e1"] == 0.0
    for wrong in (6.9e-35, 1e-20, 1e-13):
        flipped = _inner_verdict(graph, "e1", wrong)
        assert not flipped.correct and flipped.mistake == "sign", (wrong, flipped)
        assert "negative" in flipped.message
    for right in (-6.9e-35, -6.88e-35, -6.95e-35):
        assert _inner_verdict(graph, "e1", right).correct, right
    # It is not 0, only float64's rounding of it: the answers below 1e-12 that an exact 0
    # takes are judged against −6.9e-35 and the shown figures' band like any other.
    for wrong in (-1e-20, -1e-13, -1e-11):
        assert not _inner_verdict(graph, "e1", wrong).correct, wrong


def test_an_inner_nodes_exact_zero_takes_either_sign_below_the_bound() -> None:
    # a − a: ∂f/∂a = 1 − 1 is exactly 0, in float64 and in any digits.
    program = parse_program([("a", "x*y"), ("f", "a - a")], ["x", "y"])
    graph = build_graph(program, {"x": 1.5, "y": -2.0})
    assert graph.gradients["a"] == 0.0
    for answer in (1e-13, -1e-13, 0.0):
        assert _inner_verdict(graph, "a", answer).correct, answer
    for answer in (1e-11, -1e-11):
        assert not _inner_verdict(graph, "a", answer).correct, answer


@pytest.mark.parametrize(
    ("node", "names", "wording"),
    [
        ("e2", ("t1",), "e2 feeds one node, t1: multiply t1's gradient by the local derivative"),
        ("S", ("p1",), "on the edge from S to p1, ∂L/∂p1 × ∂p1/∂S."),
        ("e1", ("t1", "p1"), "e1 feeds t1 and p1: multiply each one's gradient"),
        ("L", (), "L is the output: the backward pass starts here"),
    ],
)
def test_where_no_mistake_fits_the_hint_names_this_nodes_consumers(
    node: str, names: tuple[str, ...], wording: str
) -> None:
    # "For each edge out of this node, multiply the consumer's gradient by
    # the edge's local derivative, then add the products." for one edge, and for the output.
    graph = prepared("softmax")
    verdict = next(v for v in check_answers(graph, {node: 123.0}) if v.node == node)
    assert not verdict.correct and verdict.mistake == "other"
    assert wording in verdict.message and "For each edge out of this node" not in verdict.message
    assert all(name in verdict.message for name in names)
    if len(names) == 1:  # one edge: said in the singular, nothing to add up
        assert "add the products" not in verdict.message and "each edge" not in verdict.message


def test_the_hint_for_a_node_used_twice_says_so() -> None:
    graph = build_graph(parse_program([("f", "x*x")], ["x"]), {"x": 1.5})
    verdict = next(v for v in check_answers(graph, {"x": 123.0}) if v.node == "x")
    assert verdict.mistake == "other"
    assert verdict.message.startswith("f uses x twice, so two edges lead from x to f")


@pytest.mark.parametrize(
    ("text", "answer", "right"),
    [
        ("max(x, -x)", -1.0, True),  # t1's share s open: ∂f/∂x = 1 − 2s, −1 to 1
        ("max(x, -x)", 0.3, True),
        ("max(x, -x)", -1.5, False),
        ("max(x, x*1)", 1.0, True),  # (1 − s) + s: 1 whatever the split
        ("max(x, x*1)", 0.0, False),
    ],
)
def test_an_open_share_upstream_is_counted_in_an_inputs_range(
    text: str, answer: float, right: bool
) -> None:
    # With ∂f/∂t1 blank, max(x, −x) at 0 said "Your −1 is outside 0 to
    # 1", though t1 taking the whole gradient gives −1 (and typing grad-t1 = 1 made it right).
    program = (("f", parse_expression(text)),)
    graph = build_graph(program, {"x": 0.0})
    verdicts = {v.node: v for v in check_answers(graph, {"f": 1.0, "x": answer})}
    assert verdicts["x"].correct is right, verdicts["x"]
    assert "not answered yet" in verdicts["x"].message


TIE_CASES = [
    # (x, y, x right, y right, said of x): max(x, y)·z at x = y = 2, z = −3, so g = ∂f/∂m = −3.
    # −1.5 + −1.53 = −3.03 exactly, 1 % off g: right (it was −3.0300000000000002, wrong).
    (-1.5, -1.53, True, True, None),
    # −3.035 is 1.17 % off: wrong together (right when ∂f/∂m was not answered).
    (-1.5, -1.535, False, False, "Yours, −1.5 and −1.535, add up to −3.035: each may be a share"),
    # −3.06 is 2 % off −3: it took the 0.03 and then 1 % of −3.03 on top.
    (-3.06, 0.0, False, True, "takes the rest, −3. At a tie the 1 % is of ∂f/∂m"),
    # A share is at most |g| + 1 %, whatever the other is (y not answered here).
    (-3.05, None, False, None, "Your −3.05 is outside −3 to 0 by more than 0.03."),
    # A share of the wrong sign is never right, however small.
    (0.01, -3.0, False, True, "Your 0.01 has the other sign: a share has the sign of the gate's"),
    (0.03, -3.0, False, True, "Your 0.03 has the other sign"),
    (-3.0, 0.03, True, False, None),
]


@pytest.mark.parametrize("gate", [None, -3.0])
@pytest.mark.parametrize(("x", "y", "x_right", "y_right", "said"), TIE_CASES)
def test_tie_shares_follow_one_rule_whether_or_not_the_gate_is_answered(
    gate: float | None,
    x: float,
    y: float | None,
    x_right: bool,
    y_right: bool | None,
    said: str | None,
) -> None:
    graph = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    verdicts = verdicts_for(graph, m=gate, x=x, y=y)
    assert verdicts["x"].correct == x_right, verdicts["x"]
    if y_right is not None:
        assert verdicts["y"].correct == y_right, verdicts["y"]
    if said is not None:
        assert said in verdicts["x"].message
    assert all("0000000" not in v.message for v in verdicts.values())
    if y == 0.03:
        assert "Your 0.03 is outside −3 to 0." in verdicts["y"].message


@pytest.mark.parametrize("gate", [None, -3.0])
def test_a_tie_s_sum_is_printed_as_the_decimals_typed_add_up(gate: float | None) -> None:
    # In floats −0.1 + −0.2 printed "−0.30000000000000004".
    graph = build_graph(BY_SLUG["max-gate"].program, {"x": 2.0, "y": 2.0, "z": -3.0})
    verdict = verdicts_for(graph, m=gate, x=-0.1, y=-0.2)["x"]
    assert not verdict.correct
    assert "Yours, −0.1 and −0.2, add up to −0.3: each may be a share" in verdict.message

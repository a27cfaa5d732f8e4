import pytest

from gradquiz.core.lab.graphs import Graph, build_graph, parse_program
from gradquiz.core.lab.prepared import BY_SLUG
from gradquiz.core.lab.your_turn import check_answers


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

"""The lab service: URLs that reopen a graph, the seed's code run with the learner's numbers."""

import subprocess
import sys

import pytest

from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.lab import (
    gradient_check,
    gradient_flow,
    lab_url,
    neuron_code,
    neuron_printout,
    open_graph,
    your_turn,
)


def test_lab_url_opens_a_prepared_graph_with_given_numbers() -> None:
    assert lab_url("neuron", w=0.5, x=2, b=-1, y=1) == "/lab/neuron?w=0.5&x=2&b=-1&y=1"
    assert lab_url("neuron", step=3) == "/lab/neuron?step=3"
    assert lab_url("expression", f="x*y + x", x=1.5) == "/lab/expression?f=x%2Ay+%2B+x&x=1.5"
    with pytest.raises(ValueError, match="no input q"):
        lab_url("neuron", q=1)


def test_a_url_from_lab_url_opens_the_same_numbers() -> None:
    url = lab_url("neuron", w=0.3, x=-1.5, b=0.25, y=0)
    query = dict(part.split("=") for part in url.partition("?")[2].split("&"))
    page = open_graph("neuron", query)
    assert page.values == {"w": 0.3, "x": -1.5, "b": 0.25, "y": 0.0}
    assert page.url() == url


@pytest.mark.parametrize(
    ("w", "x", "b", "y"), [(0.5, 2.0, -1.0, 1.0), (0.3, -1.5, 0.25, 0.0), (-2.0, 3.0, 4.0, 1.0)]
)
def test_the_seeds_code_prints_what_the_graph_shows(w: float, x: float, b: float, y: float) -> None:
    page = open_graph("neuron", {"w": str(w), "x": str(x), "b": str(b), "y": str(y)})
    run = subprocess.run(
        [sys.executable, "-c", neuron_code(page.values)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert run.stdout == neuron_printout(page.graph)
    printed = dict(
        item.split(" = ") for line in run.stdout.splitlines() for item in line.split(", ")
    )
    value = {node.key: node.value for node in page.graph.nodes}
    grad = page.graph.gradients
    for name, number in [("z", value["z"]), ("a", value["a"]), ("L", value["L"]),
                         ("dL/da", grad["a"]), ("dL/dz", grad["z"]),
                         ("dL/dw", grad["w"]), ("dL/db", grad["b"])]:  # fmt: skip
        assert float(printed[name]) == pytest.approx(number, rel=1e-3, abs=1e-12)


def test_steps_show_gradients_in_backward_order() -> None:
    page = open_graph("fan-out", {"step": "2"})
    assert page.current is not None and page.current.node == "q"
    assert page.shown_gradients == {"f": 1.0, "q": 1.0}
    with pytest.raises(InvalidInput, match="from 0 to 4"):
        open_graph("fan-out", {"step": "5"})


def test_your_turn_checks_only_once_something_is_typed() -> None:
    _, verdicts = your_turn("fan-out", {})
    assert verdicts is None
    _, verdicts = your_turn("fan-out", {"grad-x": "-1", "grad-y": ""})
    assert verdicts is not None
    by_node = {v.node: v for v in verdicts}
    assert by_node["x"].correct and by_node["y"].answer is None
    with pytest.raises(InvalidInput, match="no node 'zz'"):
        your_turn("fan-out", {"grad-zz": "1"})
    with pytest.raises(InvalidInput, match="not a number"):
        your_turn("fan-out", {"grad-x": "one"})


def test_unknown_graphs_and_bad_flow_settings_are_refused() -> None:
    with pytest.raises(NotFound):
        open_graph("nope", {})
    with pytest.raises(InvalidInput, match="initialisation"):
        gradient_flow({"init": "zeros"})
    with pytest.raises(InvalidInput, match="from 1 to 50"):
        gradient_flow({"depth": "51"})


def test_gradient_check_uses_the_neurons_exact_gradient() -> None:
    page = gradient_check({"w": "0.5", "x": "2", "b": "-1", "y": "1"})
    assert page.exact == -0.25
    assert [row.step for row in page.rows] == [10.0**-k for k in range(1, 13)]

"""A gradient float64 rounds to 0 where a sigmoid or tanh saturates, though its exact value is
not 0: every node is judged against the exact value, so a wrong sign is never right, at an
input as at an inner node, and the exact value is."""

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_coarse_answers import verdict as said

SIGN = "and a wrong sign is never right"


@pytest.mark.parametrize(
    ("path", "query", "wrong", "right"),
    [
        (
            "/lab/expression/your-turn",
            {"f": "sigmoid(x*w)*y", "x": "40", "w": "1", "y": "1"},
            {"x": "-4.248e-18", "t1": "-4.248e-18"},
            {"x": "4.248e-18", "t1": "4.248e-18"},
        ),
        (
            "/lab/neuron/your-turn",
            {"w": "40", "x": "1", "b": "0", "y": "1"},
            {"z": "1.805e-35", "b": "1.805e-35", "w": "1.805e-35", "x": "1e-40"},
            {"z": "-1.805e-35", "b": "-1.805e-35", "w": "-1.805e-35", "x": "-7.219e-34"},
        ),
        (
            "/lab/expression/your-turn",
            {"f": "tanh(x*w)*y", "x": "20", "w": "1", "y": "2"},
            {"x": "-3.4e-17", "w": "-6.8e-16"},
            {"x": "3.399e-17", "w": "6.797e-16"},
        ),
    ],
)
def test_a_wrong_sign_of_a_gradient_float64_rounds_to_0_is_wrong_at_every_node(
    lab_client: TestClient,
    path: str,
    query: dict[str, str],
    wrong: dict[str, str],
    right: dict[str, str],
) -> None:
    answers = {f"grad-{node}": value for node, value in wrong.items()}
    text = said(lab_client, path, **query, **answers)
    assert "Right" not in text.replace("Right at", "")
    assert text.count(SIGN) == len(wrong)
    answers = {f"grad-{node}": value for node, value in right.items()}
    text = said(lab_client, path, **query, **answers)
    assert SIGN not in text and "Not right" not in text


def test_a_tiny_answer_of_the_right_sign_is_judged_against_the_exact_value(
    lab_client: TestClient,
) -> None:
    # σ′(40) = 4.2484e-18: 2e-16 is 47 times it, at x as at t1, and neither is right.
    query = {"f": "sigmoid(x*w)*y", "x": "40", "w": "1", "y": "1"}
    text = said(lab_client, "/lab/expression/your-turn", **query, **{"grad-x": "2e-16"})
    assert "Not right" in text
    text = said(lab_client, "/lab/expression/your-turn", **query, **{"grad-t1": "2e-16"})
    assert "Not right" in text and "sign is flipped" not in text
    assert (
        "float64 rounds this gradient to 0, but its exact value is 4.248 × 10⁻¹⁸, and your "
        "2 × 10⁻¹⁶ is not within 1 % of it" in text
    )
    # 0 fitted every mistake worked from float64's 0 ("the sign is flipped" among them).
    text = said(lab_client, "/lab/expression/your-turn", **query, **{"grad-w": "0"})
    assert "fits more than one mistake" not in text
    assert "its exact value is 1.699 × 10⁻¹⁶, and your 0 is not within 1 % of it" in text

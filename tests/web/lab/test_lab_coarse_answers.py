"""A your-turn answer that is the right gradient rounded to too few figures is told so, and how
many figures count, not given the hint for a method mistake."""

import math

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of

COARSE = "That is the right value rounded too coarsely, not a method mistake"


def verdict(client: TestClient, path: str, **query: str) -> str:
    response = client.get(path, params=query)
    assert response.status_code == 200
    return text_of(response.text)


@pytest.mark.parametrize(
    ("path", "query", "said"),
    [
        # e^0.123 = 1.1309: 1.1 is 2.7 % off, and e^0.123 to the two figures typed.
        (
            "/lab/expression/your-turn",
            {"f": "exp(x)", "x": "0.123", "grad-x": "1.1"},
            "∂f/∂x is 1.131, and 1.1 keeps two significant figures, 2.7 % off it. An answer "
            "must be within 1 %: give ∂f/∂x to three significant figures or more.",
        ),
        # ∂(xy)/∂y = x = 2.0214: 2.0, typed with its zero, is 1.1 % off.
        (
            "/lab/expression/your-turn",
            {"f": "x*y", "x": "2.0214", "y": "3", "grad-y": "2.0"},
            "∂f/∂y is 2.021, and 2.0 keeps two significant figures, 1.1 % off it.",
        ),
        # Softmax at z1 = 10⁻³⁰⁰, z2 = z3 = 0: ∂L/∂z1 = p1 − 1 = −2/3, ∂L/∂z2 = p2 = 1/3.
        (
            "/lab/softmax/your-turn",
            {"z1": "1e-300", "z2": "0", "z3": "0", "grad-z1": "-0.7"},
            "∂L/∂z1 is −0.6667, and −0.7 keeps one significant figure, 5 % off it.",
        ),
        (
            "/lab/softmax/your-turn",
            {"z1": "1e-300", "z2": "0", "z3": "0", "grad-z2": "0.3"},
            "give ∂L/∂z2 to two significant figures or more.",
        ),
    ],
)
def test_the_right_value_rounded_too_coarsely_is_said_to_be_that(
    lab_client: TestClient, path: str, query: dict[str, str], said: str
) -> None:
    page = verdict(lab_client, path, **query)
    assert f"Not right. {COARSE}" in page
    assert said in page
    assert "multiply" not in page.split(COARSE)[1].split("Check my gradients")[0]


def test_the_hint_is_true_of_each_example() -> None:
    # The figures the hints give, worked apart: the value rounded to the figures typed is the
    # answer, it is over 1 % off, and one more figure comes within 1 %.
    right = math.exp(0.123)
    assert f"{right:.1f}" == "1.1" and abs(1.1 - right) / right > 0.01
    assert abs(float(f"{right:.2f}") - right) / right <= 0.01
    assert f"{-2 / 3:.1f}" == "-0.7" and abs(-0.7 + 2 / 3) / (2 / 3) > 0.01


@pytest.mark.parametrize(("answer"), ["1.10", "1.2"])
def test_an_answer_off_by_more_than_its_own_rounding_keeps_the_method_hint(
    lab_client: TestClient, answer: str
) -> None:
    # 1.10 has three figures, and e^0.123 to three is 1.13; 1.2 is not e^0.123 to two.
    page = verdict(
        lab_client, "/lab/expression/your-turn", f="exp(x)", x="0.123", **{"grad-x": answer}
    )
    assert "Not right." in page and COARSE not in page


def answer_for_y(client: TestClient, right: str, answer: str) -> str:
    """The verdict on `answer` for ∂f/∂x of x·y + x² at x = 0, which is y = `right`."""
    return verdict(
        client, "/lab/expression/your-turn", f="x*y+x*x", x="0", y=right, **{"grad-x": answer}
    )


@pytest.mark.parametrize(
    ("right", "answer", "said"),
    [
        # ∂(xy + x²)/∂x at x = 0 is y. A whole number's trailing zeros may only hold the
        # place, so 100 counts as one figure, as 1e2 does, and 120 as two, as 1.2e2 does.
        ("96", "100", "∂f/∂x is 96, and 100 keeps one significant figure, 4.2 % off it."),
        ("123", "120", "∂f/∂x is 123, and 120 keeps two significant figures, 2.4 % off it."),
        ("250", "300", "∂f/∂x is 250, and 300 keeps one significant figure, 20 % off it."),
        ("950", "1000", "∂f/∂x is 950, and 1000 keeps one significant figure, 5.3 % off it."),
    ],
)
def test_a_whole_number_s_trailing_zeros_count_as_the_fewest_figures_it_can_have(
    lab_client: TestClient, right: str, answer: str, said: str
) -> None:
    page = answer_for_y(lab_client, right, answer)
    assert f"Not right. {COARSE}" in page and said in page


@pytest.mark.parametrize(
    ("right", "answer"), [("1.4499", "1.5"), ("0.0951", "0.09"), ("96", "100.0")]
)
def test_an_answer_that_is_not_the_value_rounded_keeps_the_method_hint(
    lab_client: TestClient, right: str, answer: str
) -> None:
    # 1.4499 to two figures is 1.4 and 0.0951 to one is 0.1; 100.0 writes four figures.
    page = answer_for_y(lab_client, right, answer)
    assert "Not right." in page and COARSE not in page and "multiply" in page


def test_a_method_mistakes_number_that_is_also_the_value_rounded_says_both(
    lab_client: TestClient,
) -> None:
    # ∂(xy)/∂x = y = 0.985 at x = 1: 1 is x itself, and the upstream gradient alone, and also
    # 0.985 to the one figure typed; only the two method mistakes were said.
    text = verdict(
        lab_client, "/lab/expression/your-turn", f="x*y", x="1", y="0.985", **{"grad-x": "1"}
    )
    assert "∂(uv)/∂u is v, the other input" in text
    assert "upstream gradient alone" in text
    assert (
        "Or it is the right value rounded too coarsely: ∂f/∂x is 0.985, and 1 keeps one "
        "significant figure, 1.5 % off it. An answer must be within 1 %: give ∂f/∂x to two "
        "significant figures or more." in text
    )

"""The lab's notes and messages say what is true at the point asked."""

import re

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.typed_numbers import NumberFormError, parse_typed_number
from tests.web.lab.test_lab_pages import text_of


@pytest.mark.parametrize("f", ["-0.5*x", "x*-1", "x*(-2)"])
def test_an_exact_negative_constant_is_not_said_to_differ_from_itself(
    lab_client: TestClient, f: str
) -> None:
    # "−0.5 is -0.5 worked out in float64, where it is exactly -0.5, not −0.5".
    page = lab_client.get("/lab/expression", params={"f": f, "x": "2"})
    assert page.status_code == 200
    assert "The constant shown as" not in text_of(page.text)


def test_an_inexact_negative_constant_is_still_explained(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/expression", params={"f": "-(0.1+0.2)*x", "x": "2"})
    text = text_of(page.text)
    assert "The constant shown as −0.3 is" in text
    assert "exactly -0.30000000000000004" in text


def test_a_pole_note_shows_the_point_not_the_pole(lab_client: TestClient) -> None:
    # x = −0.99999999999 was shown as "x = −1", the pole itself.
    page = lab_client.get("/lab/expression", params={"f": "1/(x+1)", "x": "-0.99999999999"})
    text = text_of(page.text)
    assert "lie on two sides of a pole" in text
    assert "at x = −0.99999999999)" in text
    assert "at x = −1)" not in text


@pytest.mark.parametrize(
    ("typed", "advice"),
    [
        ("1,234e-3", "Type 1.234e-3 or 1234e-3, with no comma."),
        ("1,234 × 10^-3", "Type 1.234 × 10^-3 or 1234 × 10^-3, with no comma."),
        ("1,234", "Type 1.234 or 1234, with no comma."),
    ],
)
def test_decimal_comma_advice_keeps_the_exponent(typed: str, advice: str) -> None:
    # The advice for 1,234e-3 was "Type 1.234 or 1234", dropping the exponent.
    with pytest.raises(NumberFormError) as refused:
        parse_typed_number(typed)
    assert advice in str(refused.value)
    for form in re.findall(r"Type (.+?) or (.+?), with", str(refused.value))[0]:
        parse_typed_number(form)  # each advised form reads


def test_a_refused_answer_is_named_by_its_label(lab_client: TestClient) -> None:
    # "The reason is given beside grad-x below."
    page = lab_client.get(
        "/lab/expression/your-turn",
        params={"f": "x*x+y", "x": "-3", "y": "2", "grad-x": "-6,000"},
    )
    text = text_of(page.text)
    assert "The reason is given beside ∂f/∂x below." in text
    assert "beside grad-x" not in text


def test_a_one_sided_difference_shows_its_step(lab_client: TestClient) -> None:
    # The step used was never shown; one unit from log(x + 1)'s edge it was 10⁻⁵.
    # One float from the edge, at an input float64 holds exactly.
    query = {"f": "log(x-0.49999999999999994)", "x": "0.5"}
    page = lab_client.get("/lab/expression", params=query)
    text = text_of(page.text)
    assert "(one-sided, h = 1.1 × 10⁻¹⁶)" in text
    assert "smooth" not in text.split("Three ways to the same gradients")[1]


@pytest.mark.parametrize(("answer", "words"), [("0", "not your 0"), ("1", "your answer too")])
def test_your_turn_says_fs_own_derivative_where_kinks_cancel(
    lab_client: TestClient, answer: str, words: str
) -> None:
    # ∂f/∂x = 0 for relu(x) − relu(−x) at 0 was "Right. At a kink any gradient from
    # 0 to 1 is right here: which one is a convention.", though f is x.
    page = lab_client.get(
        "/lab/expression/your-turn", params={"f": "relu(x)-relu(-x)", "x": "0", "grad-x": answer}
    )
    text = text_of(page.text)
    assert "That is what backprop through the graph asks" in text
    assert "the kinks cancel, so f itself has a derivative here, 1" in text and words in text
    checked = lab_client.get("/lab/expression", params={"f": "relu(x)-relu(-x)", "x": "0"})
    assert "the kinks cancel" in text_of(checked.text)


def test_the_sweep_text_follows_its_own_table(lab_client: TestClient) -> None:
    # At w = 20 the text said the best h was near 10⁻⁸ and 10⁻⁵; the table's best
    # are 10⁻⁴ and 10⁻³, and the centred difference at 10⁻⁵ is 0.19 % off.
    text = text_of(lab_client.get("/lab/gradient-check?w=20&x=1&b=0&y=1").text)
    assert "In this table it is h = 0.0001 for one-sided and h = 0.001 for centred" in text
    assert "at h = 10⁻⁵ the centred error is 0.0019, outside a check's 10⁻⁶" in text
    assert "Round-off takes over sooner here" in text
    usual = text_of(lab_client.get("/lab/gradient-check").text)
    assert "In this table it is h = 1 × 10⁻⁸ for one-sided and h = 1 × 10⁻⁵ for centred" in usual
    assert "within a check's 10⁻⁶" in usual and "Round-off takes over sooner" not in usual


def test_a_right_answer_far_from_the_exact_value_is_told_its_size(lab_client: TestClient) -> None:
    # −0.0002 for softmax's ∂L/∂z1 at z1 = 40 is right by the shown figures (read each as one
    # number, they leave it within 2.4e-4 of 0), and such an answer was "Right." with no word
    # that the exact value is −1.6 × 10⁻¹⁷.
    base = {"z1": "40", "z2": "1", "z3": "0.1"}
    text = text_of(
        lab_client.get("/lab/softmax/your-turn", params={**base, "grad-z1": "-0.0002"}).text
    )
    assert "Right. It counts by the shown figures; the exact value is −1.6 × 10⁻¹⁷." in text
    close = text_of(
        lab_client.get("/lab/softmax/your-turn", params={**base, "grad-z1": "-1.624e-17"}).text
    )
    assert "It counts by the shown figures" not in close


@pytest.mark.parametrize("f", ["x*y+x", "exp(x)"])
def test_the_consumer_hint_names_the_outputs_local_derivative_apart(f: str) -> None:
    # "∂f/∂t1 × ∂t1/∂x + ∂f/∂f × ∂f/∂x", the local ∂f/∂x written as the gradient
    # asked for.
    from gradquiz.services.lab import your_turn

    _, verdicts = your_turn("expression", {"f": f, "x": "2", "y": "3", "grad-x": "17"})
    assert verdicts is not None
    (verdict,) = [v for v in verdicts if v.node == "x"]
    assert "∂f/∂f × the local derivative of f's operation in x" in verdict.message
    assert "× ∂f/∂x" not in verdict.message

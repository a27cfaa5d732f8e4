"""A your-turn verdict gives the reason that is true (the shown figures,
a tie, a kink's range), and a gradient float64 holds is not called cancelled."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of

SHOWN = "It counts by the shown figures"


def softmax_verdict(client: TestClient, z1: str, answer: str) -> str:
    query = {"z1": z1, "z2": "1", "z3": "0.1", "grad-z1": answer}
    return text_of(client.get("/lab/softmax/your-turn", params=query).text)


@pytest.mark.parametrize(
    ("z1", "exact", "off"),
    [("40", "-1.6243e-17", ["-1.59e-17", "-1.6e-17"]), ("355", "-2.558e-154", ["-2.6e-154"])],
)
def test_the_one_percent_band_is_centred_on_the_exact_value(
    lab_client: TestClient, z1: str, exact: str, off: list[str]
) -> None:
    # The band was centred on the exact value's two figures, so the exact value got
    # the shown-figures note and 1.5-2.1 % off got a plain "Right.".
    assert "Right." in softmax_verdict(lab_client, z1, exact)
    assert SHOWN not in softmax_verdict(lab_client, z1, exact)
    for answer in off:
        assert f"Right. {SHOWN}" in softmax_verdict(lab_client, z1, answer)


def test_a_gradient_float64_holds_is_not_called_cancelled(lab_client: TestClient) -> None:
    # x − x + 1e-17·x at 1 has ∂f/∂x = 1e-17 in float64, 30 digits and the wide pass.
    query = {"f": "x-x+1e-17*x", "x": "1"}
    page = text_of(lab_client.get("/lab/expression", params=query).text)
    assert "cancelled" not in page
    assert "1.0 × 10⁻¹⁷ absolute" not in page
    for wrong in ("0", "5e-13", "-1e-17"):
        verdict = text_of(
            lab_client.get("/lab/expression/your-turn", params={**query, "grad-x": wrong}).text
        )
        assert "float64 shows this gradient as ≈ 0" not in verdict
        assert f"Right. {SHOWN}" not in verdict
        assert "Not right." in verdict
    right = text_of(
        lab_client.get("/lab/expression/your-turn", params={**query, "grad-x": "1e-17"}).text
    )
    assert "Right." in right and SHOWN not in right


def verdicts_of(client: TestClient, query: str) -> dict[str, str]:
    """Each node's verdict on a your-turn page, as text."""
    html = client.get(f"/lab/expression/your-turn?{query}").text
    found = re.findall(r'id="verdict-([^"]+)">(.*?)</(?:td|div|p|span)>', html, re.S)
    return {node: text_of(body).strip() for node, body in found}


@pytest.mark.parametrize(
    ("query", "node"),
    [
        ("f=max(x,y)&x=1&y=1&grad-f=1&grad-y=0.5&grad-x=0.5", "x"),
        ("f=max(x,-x)&x=0&grad-f=1&grad-t1=1&grad-x=-1", "x"),
        ("f=max(x,-x)&x=0&grad-f=1&grad-t1=0.5&grad-x=0", "x"),
    ],
)
def test_a_split_at_a_tie_is_right_for_the_ties_reason(
    lab_client: TestClient, query: str, node: str
) -> None:
    # Nothing is rounded here; any split of the tie is right, and the verdict said
    # "It counts by the shown figures; the exact value is 1".
    verdict = verdicts_of(lab_client, query)[node]
    assert verdict.startswith("Right."), verdict
    assert SHOWN not in verdict
    assert "tie" in verdict


def test_a_wrong_answer_after_a_kink_choice_is_told_the_range_it_allows(
    lab_client: TestClient,
) -> None:
    # With ∂f/∂t1 = 1 and ∂f/∂t2 = −1, ∂f/∂x = s + 1 for any s in [0, 1], and the
    # hint said it "must follow from that choice of yours … added up: 1".
    query = "f=relu(x)-relu(-x)&x=0&grad-f=1&grad-t3=-1&grad-t1=1&grad-t2=-1"
    wrong = verdicts_of(lab_client, query + "&grad-x=0")["x"]
    assert wrong.startswith("Not right."), wrong
    assert "added up: 1." not in wrong
    assert "1 to 2" in wrong
    assert verdicts_of(lab_client, query + "&grad-x=2")["x"].startswith("Right.")


def test_shares_that_do_not_add_up_at_a_tie_are_marked_together(lab_client: TestClient) -> None:
    # 0.7 and 0.7 at max(x, y)'s tie marked y right and x wrong, by check order.
    verdicts = verdicts_of(lab_client, "f=max(x,y)&x=1&y=1&grad-f=1&grad-y=0.7&grad-x=0.7")
    for node in ("x", "y"):
        assert verdicts[node].startswith("Not right."), verdicts[node]
        assert "must add up to ∂f/∂f = 1" in verdicts[node]
        assert "add up to 1.4" in verdicts[node]
    right = verdicts_of(lab_client, "f=max(x,y)&x=1&y=1&grad-f=1&grad-y=0.3&grad-x=0.7")
    assert right["x"].startswith("Right.") and right["y"].startswith("Right.")


@pytest.mark.parametrize(
    ("query", "derivative"),
    [
        ({"f": "relu(x)-relu(-x)", "x": "0"}, "1"),
        ({"f": "max(x,y)-max(y,x)", "x": "1", "y": "1"}, "0"),
    ],
)
def test_where_kinks_cancel_the_error_is_measured_against_fs_derivative(
    lab_client: TestClient, query: dict[str, str], derivative: str
) -> None:
    # The Error column charged the finite difference, which is right here ("1.0
    # absolute", "1.0 relative"), against backprop's convention, called "the exact gradient".
    page = text_of(lab_client.get("/lab/expression", params=query).text)
    assert f"against f's derivative, {derivative}" in page
    assert "1.0 absolute" not in page and "1.0 relative" not in page
    assert "Where the exact gradient is 0 a relative error is undefined" not in page
    assert "Where the kinks cancel" in page


def test_the_edge_of_the_derivatives_domain_is_not_called_the_functions(
    lab_client: TestClient,
) -> None:
    # (x − 2)**0.5 has a value at 2, 0, and no derivative there; the note said
    # "nothing below 2.0000000000000004 is in it", and at 2 the page said "That could not be
    # read".
    # The edge sits one float below an input float64 holds exactly (a typed
    # 2.0000000000000004 is refused: its float is another number, and x − 2 11 % off).
    near = text_of(
        lab_client.get(
            "/lab/expression", params={"f": "(x-1.9999999999999998)**0.5", "x": "2"}
        ).text
    )
    assert "is in it" not in near
    assert "edge of where the function has a derivative (at x = 1.9999999999999998," in near
    at = lab_client.get("/lab/expression", params={"f": "(x-2)**0.5", "x": "2"})
    assert at.status_code == 422
    assert "could not be read" not in text_of(at.text)
    assert "No derivative at this point" in text_of(at.text)
    log = text_of(
        lab_client.get(
            "/lab/expression", params={"f": "log(x-0.49999999999999994)", "x": "0.5"}
        ).text
    )
    assert "no float64 number below 0.5 is in it" in log


@pytest.mark.parametrize(
    "z", [{"z1": "40", "z2": "1", "z3": "0.1"}, {"z1": "20", "z2": "0", "z3": "0"}]
)
def test_softmax_round_off_notes_name_no_singularity(
    lab_client: TestClient, z: dict[str, str]
) -> None:
    # "(or a singularity lies closer than that step)" where softmax has none (its
    # divisor is a sum of exponentials).
    page = text_of(lab_client.get("/lab/softmax", params=z).text)
    assert "No step down to h =" in page
    assert "singularity" not in page


def test_a_singularity_within_the_step_is_still_named() -> None:
    from gradquiz.core.lab.checks import _singularity_within
    from gradquiz.core.lab.expressions import parse_expression

    near = (("f", parse_expression("1/(x*x)")),)
    assert _singularity_within(near, {"x": 1e-6}, "x", 1e-5)
    assert not _singularity_within(near, {"x": 1.0}, "x", 1e-5)
    log = (("f", parse_expression("log(x-1)")),)
    assert _singularity_within(log, {"x": 1.000001}, "x", 1e-5)

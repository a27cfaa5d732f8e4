"""Lab texts that say exactly what holds: what the 1 % is of at a max tie, why float64's
gradient is 0 where σ rounds to 1, and a kink's note only beside an error it explains."""

import math
import re

from fastapi.testclient import TestClient

from gradquiz.core.lab.operations import sigmoid
from tests.web.lab.test_lab_pages import text_of
from tests.web.lab.test_lab_verdict_reasons import verdicts_of

TIE = "f=max(x,y)&x=1&y=1&grad-f=1&grad-y=0.5"


def test_at_a_max_tie_the_page_says_the_1_percent_is_of_the_gates_gradient(
    lab_client: TestClient,
) -> None:
    # 0.51 is 2 % from the 0.5 that x's share takes, and right: the shares 0.51 and 0.5 add
    # up to 1.01, within 1 % of ∂f/∂f = 1. The page said only "within 1 % of the right value".
    margin = "At a tie the 1 % is of ∂f/∂f, not of each share: the shares may add up to 1 give "
    margin += "or take 0.01."
    right = verdicts_of(lab_client, TIE + "&grad-x=0.51")
    assert right["x"].startswith("Right.") and right["y"].startswith("Right.")
    assert margin in right["x"] and margin in right["y"]
    # Just past it, the sum is shown in full: to four figures 1.0101 read 1.01, 1 % off.
    wrong = verdicts_of(lab_client, TIE + "&grad-x=0.5101")
    assert wrong["x"].startswith("Not right.") and "add up to 1.0101:" in wrong["x"]
    assert margin in wrong["x"]


def test_a_gradient_float64_rounds_to_0_is_told_why(lab_client: TestClient) -> None:
    # At w = 40, x = 2, b = −1, y = 1, z = 79: σ(79) is 1 − 4.9e-35, which float64 rounds to
    # 1, so a − y and a(1 − a) are 0. The page said the gradient, −4.8e-69 (a float64
    # number), was "too small to tell from 0 beside the terms it is made of".
    assert sigmoid(79.0) == 1.0 and 0 < math.exp(-79) < math.ulp(1.0) / 2  # the premise
    text = text_of(lab_client.get("/lab/gradient-check?w=40&x=2&b=-1&y=1").text)
    assert "too small to tell from 0" not in text
    assert (
        "is about −4.81 × 10⁻⁶⁹, but float64 computes it as 0: a = σ(z) = σ(79) is "
        "1 − 4.91 × 10⁻³⁵, nearer 1 than float64 can tell from 1" in text
    )
    assert "so it rounds to 1 and σ′(z) = a(1 − a) computes as 0, and so does a − y" in text
    # Where float64's gradient is not 0 (a = σ(10⁻¹⁵) is 0.5 + 2.2e-16 in float64, a − y two
    # units of its last place) but below its terms' rounding, that is still what is said.
    small = text_of(lab_client.get("/lab/gradient-check?w=1e-15&x=1&b=0&y=0.5").text)
    assert "too small to tell from 0 beside the terms it is made of" in small
    assert "float64 computes it as 0" not in small


def kink_notice(client: TestClient, url: str) -> str:
    """The checks' kink notice on a lab page, as text ("" where there is none)."""
    html = client.get(url).text
    found = re.search(r'<p class="alert warning" id="kink-notice">(.*?)</p>', html, re.S)
    return text_of(found.group(1)) if found else ""


def test_the_kink_notice_speaks_of_a_large_error_only_beside_one(lab_client: TestClient) -> None:
    # relu(x) − relu(−x) is x: at 0 the kinks cancel and the table's error is 0, beside
    # which the notice said "a large error there is not a bug".
    cancelling = kink_notice(lab_client, "/lab/expression?f=relu(x)-relu(-x)&x=0")
    assert "averages the slopes on either side" in cancelling
    assert "a large error there is not a bug" not in cancelling
    assert "which can make its error large with no bug; here every error in the table is small" in (
        cancelling
    )
    # relu(x) at 0: the difference, 0.5, is 0.5 from backprop's convention, 0.
    assert "so a large error there is not a bug" in kink_notice(
        lab_client, "/lab/expression?f=relu(x)&x=0"
    )

"""A typed input is shown with every digit, and one whose digits beyond float64's change what
the page shows (a gradient, a value) is refused beside its field, not worked at its float."""

import re
from decimal import Decimal

import mpmath
from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of


def log_page(client: TestClient, x: str, path: str = "/lab/expression", **extra: str) -> str:
    response = client.get(path, params={"f": "log(x+1)", "x": x, **extra})
    return text_of(response.text) + f" [{response.status_code}]"


def test_an_input_whose_lost_digits_move_the_gradient_is_refused(lab_client: TestClient) -> None:
    # float64 holds −0.9999999999999999 as −0.99999999999999988898, where 1/(x + 1) is
    # 9.007 × 10¹⁵; at the number typed it is 10¹⁶. The page showed x = −1 and worked at the
    # float.
    typed = Decimal("-0.9999999999999999")
    exact = 1 / (typed + 1)
    at_float = 1 / (Decimal(float(typed)) + 1)
    assert abs(exact - at_float) / exact > Decimal("0.05")  # the reviewer's 11 % gap
    page = log_page(lab_client, str(typed))
    assert page.endswith("[422]")
    assert "which float64 cannot hold" in page
    assert "9.007 × 10¹⁵ at the float and 1 × 10¹⁶ at the number typed" in page
    assert "9.007 × 10¹⁵ x" not in page  # nothing drawn at the float


def test_the_suggested_shorter_number_is_taken(lab_client: TestClient) -> None:
    page = log_page(lab_client, "-0.9999999999999999")
    suggested = re.search(r"such as (\S+)\.", page)
    assert suggested is not None
    taken = log_page(lab_client, suggested[1].replace("\N{MINUS SIGN}", "-"))
    assert taken.endswith("[200]")


def test_your_turn_never_judges_the_typed_numbers_answer_at_the_float(
    lab_client: TestClient,
) -> None:
    # The typed number's right answer, 10¹⁶, was called a method mistake beside 9.007 × 10¹⁵.
    page = log_page(
        lab_client, "-0.9999999999999999", "/lab/expression/your-turn", **{"grad-x": "1e16"}
    )
    assert page.endswith("[422]")
    assert "Not right" not in page and "which float64 cannot hold" in page


def test_point_one_still_works(lab_client: TestClient) -> None:
    page = log_page(lab_client, "0.1", step="3")
    assert page.endswith("[200]")
    assert "cannot hold" not in page
    assert "0.9091" in page  # 1/(x + 1)
    answer = mpmath.mpf(1) / (1 + mpmath.mpf("0.1"))
    verdict = log_page(
        lab_client, "0.1", "/lab/expression/your-turn", **{"grad-x": mpmath.nstr(answer, 17)}
    )
    assert "Right." in verdict


def test_a_sixteen_digit_input_is_echoed_in_full(lab_client: TestClient) -> None:
    # It was echoed as 0.123456789: digits dropped, another number named.
    for path in ("/lab/expression", "/lab/expression/your-turn"):
        response = lab_client.get(path, params={"f": "log(x+1)", "x": "0.1234567890123456"})
        assert response.status_code == 200
        html = response.text
        assert "0.123456789<" not in html
        assert re.search(r'class="value"[^>]*>0\.1234567890123456</text>', html)
        if path == "/lab/expression":
            assert "<td>0.1234567890123456</td>" in html
        else:
            assert "input, 0.1234567890123456" in text_of(html)
    query = {"w": "1", "x": "1.234567890123456e-20", "b": "0", "y": "1"}
    check = text_of(lab_client.get("/lab/gradient-check", params=query).text)
    assert "the input x = 1.234567890123456 × 10⁻²⁰ is" in check  # was 1.23 × 10⁻²⁰


def test_a_one_digit_input_is_never_told_to_use_fewer_digits(lab_client: TestClient) -> None:
    # 0.1 + 0.2 − x at x = 0.3 is 4.4e-17 with the number typed and 5.6e-17 at its float: a
    # sensitivity to x's float that fewer digits cannot cure.
    query = {"f": "relu(0.1+0.2-x)*y", "x": "0.3", "y": "2"}
    page = text_of(lab_client.get("/lab/expression", params=query).text)
    assert "5.551 × 10⁻¹⁷ at the float and 4.441 × 10⁻¹⁷ at the number typed" in page
    assert "fewer significant digits" not in page
    assert "that float64 holds exactly" in page


def test_your_turn_takes_a_sixteen_digit_inputs_exact_answer(lab_client: TestClient) -> None:
    typed = mpmath.mpf("0.1234567890123456")
    answer = mpmath.nstr(1 / (typed + 1), 20)
    page = log_page(
        lab_client, "0.1234567890123456", "/lab/expression/your-turn", **{"grad-x": answer}
    )
    assert page.endswith("[200]") and "Right." in page and "Not right" not in page


def test_the_suggested_shorter_number_keeps_every_gradient_s_sign(lab_client: TestClient) -> None:
    # In x·y − x·z at z = 1, y = 1.000000000000001 was refused with "such as 1", which is taken
    # but makes ∂f/∂x = y − z exactly 0: another problem, not a shorter way to type this one.
    query = {"f": "x*y-x*z", "x": "2", "z": "1"}
    refused = lab_client.get("/lab/expression", params={**query, "y": "1.000000000000001"})
    assert refused.status_code == 422
    suggested = re.search(r"such as (\S+)\.", text_of(refused.text))
    assert suggested is not None and suggested[1] != "1"
    shorter = Decimal(suggested[1])
    assert len(shorter.as_tuple().digits) < 16 and shorter > 1  # ∂f/∂x = y − 1 stays positive
    taken = lab_client.get("/lab/expression", params={**query, "y": suggested[1]})
    assert taken.status_code == 200

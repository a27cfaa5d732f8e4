"""The gradient-check page tells the usual story (truncation error falls, then round-off
rises) only where its table shows errors falling; where they only rise it says why, from the
table's own figures."""

import math
import re

from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of

USUAL = "At first both errors fall"


def check_page(client: TestClient, **values: str) -> str:
    response = client.get("/lab/gradient-check", params=values)
    assert response.status_code == 200
    return text_of(response.text)


def table_errors(text: str) -> list[tuple[float, float]]:
    """The (one-sided, centred) errors of the sweep's rows, largest step first."""
    after = text.split("Relative error of ∂L/∂w h one-sided centred", 1)[1]
    table = re.split("Here|Moving right to left", after, maxsplit=1)[0]
    sup = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    numbers = [
        float(m.replace(" × 10", "e").translate(sup))
        for m in re.findall(r"[0-9]+(?:\.[0-9]+)?(?: × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?", table)
    ]
    rows = [numbers[i : i + 3] for i in range(0, len(numbers) - 2, 3)]
    return [(one, centred) for _, one, centred in rows]


def test_a_saturated_unit_with_y_0_does_not_get_the_usual_story(lab_client: TestClient) -> None:
    text = check_page(lab_client, w="30", x="1", b="0", y="0")
    errors = table_errors(text)
    assert min(min(row) for row in errors) == min(errors[0])  # no error ever falls
    assert USUAL not in text
    assert "the errors do not fall as the step shrinks" in text
    assert "the unit is saturated" in text
    # σ(30) = 1 − 9.36e-14: a moves by σ′·h, below a's resolution, ulp(1 − ε) = 1.1e-16,
    # for h under about 1.2e-3.
    slope = math.exp(-30) / (1 + math.exp(-30)) ** 2
    assert "below h ≈ 0.0012" in text and f"{math.ulp(0.9) / slope:.2g}" == "0.0012"


def test_a_tiny_input_does_not_get_the_usual_story(lab_client: TestClient) -> None:
    text = check_page(lab_client, w="1", x="1e-9", b="0", y="1")
    errors = table_errors(text)
    assert min(min(row) for row in errors) == min(errors[0])
    assert USUAL not in text
    assert "there is no truncation error to trade against it" in text
    assert "because the input x = " in text


def test_the_default_page_keeps_the_usual_story(lab_client: TestClient) -> None:
    text = check_page(lab_client)
    errors = table_errors(text)
    assert min(row[1] for row in errors) < errors[0][1] / 2
    assert USUAL in text and "the errors do not fall" not in text

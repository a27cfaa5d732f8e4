"""The lab's value and gradient fields read every form the pages show a number in."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import text_of


def test_gradients_typed_in_any_shown_form_are_read_as_the_plain_ones(
    lab_client: TestClient,
) -> None:
    plain = {"x": "3", "y": "-2", "grad-f": "1", "grad-q": "1", "grad-y": "3", "grad-x": "-2"}
    forms = {"x": "3,0", "y": "–2", "grad-f": "1e0", "grad-q": "10⁰", "grad-y": "3 × 10^0",
             "grad-x": "−2,0"}  # fmt: skip
    for query in (plain, forms):
        page = lab_client.get(f"/lab/fan-out/your-turn?{urlencode(query)}")
        assert page.status_code == 200, text_of(page.text)
        assert "3 of 4 right." in text_of(page.text)


def test_a_value_that_reads_two_ways_is_refused_with_both_readings(
    lab_client: TestClient,
) -> None:
    page = lab_client.get(f"/lab/fan-out?{urlencode({'x': '1,234', 'y': '-2'})}")
    assert page.status_code == 422
    assert "could be read two ways" in text_of(page.text)
    assert "Type 1.234 or 1234, with no comma." in text_of(page.text)


def test_an_input_a_float_cannot_hold_as_typed_is_refused_not_rounded_silently(
    lab_client: TestClient,
) -> None:
    # y = −0.99999999999999999999 was shown "as typed" and computed as −1,
    # so every column, the 30-digit one too, gave ∂f/∂x = y + 1 = 0 where it is 10⁻²⁰.
    for url in (
        "/lab/fan-out?" + urlencode({"x": "3", "y": "-0.99999999999999999999"}),
        "/lab/fan-out/your-turn?" + urlencode({"x": "3", "y": "-0.99999999999999999999"}),
        "/lab/gradient-check?" + urlencode({"w": "1", "y": "0.731058578630004879251159"}),
    ):
        page = lab_client.get(url)
        assert page.status_code == 422, url
        text = text_of(page.text)
        assert "which a float64 cannot hold as typed: the lab would compute with" in text, text
    refused = text_of(lab_client.get("/lab/fan-out?x=3&y=-0.99999999999999999999").text)
    assert "with -1 instead" in refused
    # What a float holds as typed is read as before: 0.1 (shortest form), 16 and 17 digits
    # whose rounding moves nothing the page shows (−0.9999999999999999 does: y + 1 is 11 %
    # off 10⁻¹⁶ at its float, tests/web/lab/test_lab_typed_digits.py).
    for y in ("0.1", "-0.1234567890123456", "0.7310585786300049"):
        assert lab_client.get("/lab/fan-out?" + urlencode({"x": "3", "y": y})).status_code == 200


def test_the_softmax_overflow_message_writes_numbers_the_fields_take(
    lab_client: TestClient,
) -> None:
    logits = {"z1": "1000", "z2": "0", "z3": "0"}
    response = lab_client.get("/lab/softmax", params=logits)
    assert response.status_code == 422
    text = text_of(response.text)
    assert "exp(1000)" in text and "1,000" not in text
    named = re.search(r"here (\S+) from each", text)
    assert named is not None
    # The number named is one the fields take, and subtracting it, as advised, is accepted.
    field = lab_client.get("/lab/softmax", params={**logits, "z2": named[1]})
    assert "not a number" not in text_of(field.text) and "ambiguous" not in text_of(field.text)
    shift = Decimal(named[1])
    shifted = {name: str(Decimal(value) - shift) for name, value in logits.items()}
    assert lab_client.get("/lab/softmax", params=shifted).status_code == 200

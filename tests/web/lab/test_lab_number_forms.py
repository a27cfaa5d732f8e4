"""The lab's value and gradient fields read every form the pages show a number in."""

from urllib.parse import urlencode

from fastapi.testclient import TestClient

from tests.web.lab.test_lab_pages import lab_client, text_of  # noqa: F401 (a fixture)


def test_gradients_typed_in_any_shown_form_are_read_as_the_plain_ones(
    lab_client: TestClient,  # noqa: F811
) -> None:
    plain = {"x": "3", "y": "-2", "grad-f": "1", "grad-q": "1", "grad-y": "3", "grad-x": "-2"}
    forms = {"x": "3,0", "y": "–2", "grad-f": "1e0", "grad-q": "10⁰", "grad-y": "3 × 10^0",
             "grad-x": "−2,0"}  # fmt: skip
    for query in (plain, forms):
        page = lab_client.get(f"/lab/fan-out/your-turn?{urlencode(query)}")
        assert page.status_code == 200, text_of(page.text)
        assert "3 of 4 right." in text_of(page.text)


def test_a_value_that_reads_two_ways_is_refused_with_both_readings(
    lab_client: TestClient,  # noqa: F811
) -> None:
    page = lab_client.get(f"/lab/fan-out?{urlencode({'x': '1,234', 'y': '-2'})}")
    assert page.status_code == 422
    assert "could be read two ways" in text_of(page.text)
    assert "Type 1.234 or 1234, with no comma." in text_of(page.text)

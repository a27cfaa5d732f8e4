"""Review 13 of issue 28: a your-turn verdict gives the reason that is true (the shown figures,
a tie, a kink's range), and a gradient float64 holds is not called cancelled."""

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app

SHOWN = "It counts by the shown figures"


@pytest.fixture(scope="module")
def lab_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("lab13") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    settings = Settings(
        database_url=f"sqlite:///{path}",
        lab_processes=0,
        lab_pages_per_second=10_000,
        variant_pool_size=0,
    )
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        yield client


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


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
    # Point 1: the band was centred on the exact value's two figures, so the exact value got
    # the shown-figures note and 1.5-2.1 % off got a plain "Right.".
    assert "Right." in softmax_verdict(lab_client, z1, exact)
    assert SHOWN not in softmax_verdict(lab_client, z1, exact)
    for answer in off:
        assert f"Right. {SHOWN}" in softmax_verdict(lab_client, z1, answer)


def test_a_gradient_float64_holds_is_not_called_cancelled(lab_client: TestClient) -> None:
    # Point 2: x − x + 1e-17·x at 1 has ∂f/∂x = 1e-17 in float64, 30 digits and the wide pass.
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

"""Lab pages over HTTP: every page renders, state lives in the URL, and no input of any kind
gets a 500 or a hang."""

import re
import time
from collections.abc import Iterator
from html import unescape
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from gradquiz.config import Settings
from gradquiz.core.lab.gradient_flow import layer_gradient_norms
from gradquiz.services.lab import lab_url
from gradquiz.storage.database import Database
from gradquiz.web.app import create_app
from tests.web.hostile import HOSTILE_ENCODED, HOSTILE_EXPRESSIONS, HOSTILE_NUMBERS

TIME_LIMIT = 2.0  # seconds per request; a refused input should take a few milliseconds
LAB_PAGES = [
    "/lab",
    "/lab/neuron",
    "/lab/neuron?w=0.3&x=-1.5&b=0.25&y=0&step=4",
    "/lab/fan-out?step=4",
    "/lab/max-gate",
    "/lab/add-multiply",
    "/lab/tanh-chain",
    "/lab/softmax",
    "/lab/expression?f=x*y%2Bsigmoid(x)",
    "/lab/neuron/your-turn",
    "/lab/flow?init=he&depth=12&width=16",
    "/lab/gradient-check",
]


@pytest.fixture(scope="module")
def lab_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on SQLite: the lab itself stores nothing. Its pages' work runs in the test's
    own process (no lab processes), where their CPU time can be measured."""
    path = tmp_path_factory.mktemp("lab") / "gradquiz.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    settings = Settings(
        database_url=f"sqlite:///{path}",
        lab_processes=0,
        lab_pages_per_second=10_000,
        variant_pool_size=0,
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("url", LAB_PAGES)
def test_every_lab_page_renders_without_inline_script(lab_client: TestClient, url: str) -> None:
    page = lab_client.get(url)
    assert page.status_code == 200, text_of(page.text)[:300]
    assert re.search(r"<script(?![^>]*\bsrc=)", page.text) is None, "inline script"
    assert re.search(r"\son[a-z]+\s*=", page.text) is None, "inline event handler"


def test_the_landing_page_and_header_link_to_the_lab(lab_client: TestClient) -> None:
    page = lab_client.get("/")
    assert 'href="/lab/neuron"' in page.text and 'href="/lab"' in page.text


def test_the_neuron_page_shows_the_learners_numbers_everywhere(lab_client: TestClient) -> None:
    page = lab_client.get(lab_url("neuron", w=0.3, x=-1.5, b=0.25, y=0, step=10))
    text = text_of(page.text)
    code = unescape(re.sub(r"<[^>]+>", "", page.text.split('class="highlight"', 1)[1]))
    assert "w, x, b, y = 0.3, -1.5, 0.25, 0.0" in code
    assert "dL/dw = -0.1671, dL/db = 0.1114" in text  # what the code prints
    assert re.search(r"<svg class=\"lab-graph\"[^>]*role=\"img\"", page.text)
    assert "Step 10 of 10" in text


def test_step_links_walk_the_backward_pass(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/fan-out?x=3&y=-2&step=3")
    text = text_of(page.text)
    assert "Step 3 of 4" in text
    assert 'href="/lab/fan-out?x=3&amp;y=-2&amp;step=4#backward"' in page.text
    last = text_of(lab_client.get("/lab/fan-out?x=3&y=-2&step=4").text)
    assert "running sum -2" in last and "running sum -1" in last


def test_your_turn_reports_each_node(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/fan-out/your-turn?x=3&y=-2&grad-f=1&grad-q=1&grad-y=3&grad-x=-2")
    text = text_of(page.text)
    assert "3 of 4 right." in text
    assert "the gradients from every branch add up" in text
    hidden = lab_client.get("/lab/fan-out/your-turn?x=3&y=-2")
    assert "grad " not in text_of(hidden.text.split("<svg", 1)[1].split("</svg>", 1)[0])


def test_flow_table_matches_a_direct_computation(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/flow?init=xavier&depth=12&width=16")
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th>((?:<td>[^<]*</td>)+)</tr>", page.text)
    assert len(rows) == 12
    direct = {
        a: layer_gradient_norms(a, "xavier", 12, 16).norms for a in ("sigmoid", "tanh", "relu")
    }
    for layer, cells in rows:
        shown = [float(v) for v in re.findall(r"<td>([^<]*)</td>", cells)]
        expected = [direct[a][int(layer) - 1] for a in ("sigmoid", "tanh", "relu")]
        assert shown == pytest.approx(expected, rel=6e-3)
    assert (
        "‖∂L/∂W‖" in page.text
        and "<style" not in page.text.split('<svg class="chart-svg log-chart"')[1]
    )


def _timed_get(client: TestClient, url: str) -> tuple[int, str, float]:
    start = time.perf_counter()
    response = client.get(url)
    return response.status_code, response.text, time.perf_counter() - start


def test_hostile_expressions_are_refused_with_a_message(lab_client: TestClient) -> None:
    encoded = [quote(expression) for expression in HOSTILE_EXPRESSIONS] + HOSTILE_ENCODED
    assert len(encoded) >= 100
    slowest = 0.0
    for expression in encoded:
        status, html, seconds = _timed_get(lab_client, "/lab/expression?f=" + expression)
        slowest = max(slowest, seconds)
        assert 400 <= status < 500, (expression, status)
        assert re.search(
            r"Column \d+: |not positive|division by zero|too large|no real|contains a NUL byte",
            html,
        ), expression
        assert seconds < TIME_LIMIT, (expression, seconds)
    print(
        f"{len(HOSTILE_EXPRESSIONS)} hostile expressions refused; slowest {slowest * 1000:.1f} ms"
    )


@pytest.mark.parametrize("suffix", ["", "/your-turn"])
def test_bad_numbers_are_refused_with_a_message(lab_client: TestClient, suffix: str) -> None:
    for name, value in HOSTILE_NUMBERS:
        if suffix and name == "step":
            continue  # "your turn" has no steps and ignores the parameter
        url = f"/lab/neuron{suffix}?{name}={quote(value)}"
        status, html, seconds = _timed_get(lab_client, url)
        if "\x00" in value:  # refused before the lab sees it
            assert status == 400 and "contains a NUL byte" in html, url
        else:
            assert status == 422 and "Invalid input" in html, (url, status)
        assert seconds < TIME_LIMIT, url


def test_bad_answers_and_settings_are_refused(lab_client: TestClient) -> None:
    for url in [
        "/lab/neuron/your-turn?grad-w=nan",
        "/lab/neuron/your-turn?grad-w=1e999",
        "/lab/neuron/your-turn?grad-nope=1",
        "/lab/flow?init=__class__",
        "/lab/flow?depth=100000",
        "/lab/flow?width=-1",
        "/lab/gradient-check?w=inf",
        "/lab/softmax?z1=1000",
    ]:
        status, html, _ = _timed_get(lab_client, url)
        assert status == 422 and "Invalid input" in html, url
    assert lab_client.get("/lab/no-such-graph").status_code == 404

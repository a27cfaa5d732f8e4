"""Each lab route at and just past each of its limits, through HTTP (issue 27).

At a limit the page is drawn within the CPU budget; just past it the answer is a 422 with
the page's form again: the input as typed, and the message beside the field it is about.
"""

import re
import time
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.lab.prepared import PREPARED
from tests.lab_budget import LIMIT_SECONDS, cpu_seconds


@dataclass(frozen=True)
class Limit:
    """A limit of one route: a request at it, one just past it, and the field to blame."""

    name: str
    path: str
    at: dict[str, str]
    past: dict[str, str]
    field: str | None  # the id of the input the refusal sits beside; None: above the form
    words: str  # what the refusal says

    def url(self, query: dict[str, str]) -> str:
        """The request with this query."""
        return f"{self.path}?{urlencode(query)}"


def _nested(depth: int) -> str:
    return "sigmoid(" * depth + "x" + ")" * depth


def _padded(text: str, length: int) -> str:
    return text + " " * (length - len(text))


SIXTY_PARTS = "-x" + "+x" * 29  # 30 names, 29 additions and a negation
EXPRESSION = "/lab/expression"
EXPRESSION_LIMITS = [
    Limit("length", EXPRESSION, {"f": _padded("x*y", 200)}, {"f": _padded("x*y", 201)},
          "expression-f", "at most 200"),
    Limit("parts", EXPRESSION, {"f": SIXTY_PARTS}, {"f": "-" + SIXTY_PARTS},
          "expression-f", "more than 60 parts"),
    Limit("nesting", EXPRESSION, {"f": _nested(20)}, {"f": _nested(21)},
          "expression-f", "nest more than 20 deep"),
    Limit("largest number", EXPRESSION, {"f": "x*1000000"}, {"f": "x*1000000.5"},
          "expression-f", "too large"),
    Limit("largest constant part", EXPRESSION, {"f": "x*(1e6**16)**3", "x": "1e-300"},
          {"f": "x*(1e6**16)**4", "x": "1e-300"}, "expression-f", "too large for a float"),
    Limit("smallest number", EXPRESSION, {"f": "x*1e-99+x*1e-98"},
          {"f": "x*1e-999999+x*1e-999998"}, "expression-f", "too small"),
    Limit("digits", EXPRESSION, {"f": "x*1.0000000000000000000001"},
          {"f": "x*1.00000000000000000000001"}, "expression-f", "too many digits"),
    Limit("exponent", EXPRESSION, {"f": "((x**16)**-16)**16"}, {"f": "x**16.5"},
          "expression-f", "the exponent 16.5 is too large"),
    Limit("arguments", EXPRESSION, {"f": "max(x, y, z, w, b, x*y)"},
          {"f": "max(x, y, z, w, b, x*y, 2)"}, "expression-f", "max takes from two to six arguments, not 7"),
    Limit("a value's size", EXPRESSION, {"f": "x*y", "x": "-1000000"},
          {"f": "x*y", "x": "-1000000.5"}, "value-x", "too large"),
    Limit("a value's characters", EXPRESSION, {"f": "x*y", "y": "0." + "0" * 29 + "1"},
          {"f": "x*y", "y": "0." + "0" * 30 + "1"}, "value-y", "at most 32"),
]  # fmt: skip
# One input of each prepared graph at the largest size allowed, where its page is defined.
PREPARED_AT = {"neuron": "w", "fan-out": "x", "max-gate": "y", "add-multiply": "z",
               "tanh-chain": "w2", "softmax": "z3"}  # fmt: skip
PREPARED_LIMITS = [
    Limit(f"{graph.slug}: a value's size", f"/lab/{graph.slug}",
          {PREPARED_AT[graph.slug]: "-1e6"}, {PREPARED_AT[graph.slug]: "-1000001"},
          f"value-{PREPARED_AT[graph.slug]}", "too large")
    for graph in PREPARED
] + [
    Limit("step", "/lab/neuron", {"step": "10"}, {"step": "11"}, None, "from 0 to 10"),
]  # fmt: skip
TURN = "/lab/fan-out/your-turn"
YOUR_TURN_LIMITS = [
    Limit("an answer's size", TURN, {"grad-q": "1.7e308"}, {"grad-q": "1.8e308"},
          "grad-q", "too large"),
    Limit("an answer's characters", TURN, {"grad-x": "-1." + "0" * 29},
          {"grad-x": "-1." + "0" * 30}, "grad-x", "at most 32"),
    Limit("a value's form", TURN, {"x": "1e6", "grad-f": "1"}, {"x": "1e6.5", "grad-f": "1"},
          "value-x", "not a number"),
    Limit("an expression's nesting", "/lab/expression/your-turn",
          {"f": _nested(20), "grad-f": "1"}, {"f": _nested(21), "grad-f": "1"},
          "expression-f", "nest more than 20 deep"),
]  # fmt: skip
FLOW = "/lab/flow"
FLOW_LIMITS = [
    Limit("depth", FLOW, {"depth": "50", "width": "144"}, {"depth": "51", "width": "144"},
          "flow-depth", "from 1 to 50"),
    Limit("width", FLOW, {"depth": "16", "width": "256"}, {"depth": "16", "width": "257"},
          "flow-width", "from 1 to 256"),
    Limit("weights", FLOW, {"init": "small", "depth": "50", "width": "144"},
          {"init": "small", "depth": "50", "width": "145"}, "flow-width", "1,048,576"),
    Limit("the audit's 50 × 256", FLOW, {"init": "he", "depth": "16", "width": "256"},
          {"init": "he", "depth": "50", "width": "256"}, "flow-width", "3,276,800 weights"),
    Limit("initialisation", FLOW, {"init": "he"}, {"init": "zeros"}, "flow-init", "one of"),
]  # fmt: skip
CHECK = "/lab/gradient-check"
GRADIENT_CHECK_LIMITS = [
    Limit("a value's size", CHECK, {"w": "0", "x": "-1e6"}, {"w": "0", "x": "-1e7"},
          "value-x", "too large"),
    Limit("a value's characters", CHECK, {"b": "-1." + "0" * 29}, {"b": "-1." + "0" * 30},
          "value-b", "at most 32"),
]  # fmt: skip
LIMITS = [
    *EXPRESSION_LIMITS,
    *PREPARED_LIMITS,
    *YOUR_TURN_LIMITS,
    *FLOW_LIMITS,
    *GRADIENT_CHECK_LIMITS,
]


def _timed_get(client: TestClient, url: str):  # type: ignore[no-untyped-def]
    # The route runs on the test client's worker thread: count the whole process's CPU.
    return cpu_seconds(lambda: client.get(url), time.process_time)


@pytest.fixture(scope="module")
def warm_client(lab_client: TestClient) -> TestClient:
    """The lab with its modules imported (a worker's first lab page imports numpy and co)."""
    for url in ["/lab/neuron", "/lab/flow?depth=1&width=1", "/lab/gradient-check?w=0.1"]:
        assert lab_client.get(url).status_code == 200
    return lab_client


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: f"{limit.path} {limit.name}")
def test_at_the_limit_the_page_is_drawn_within_budget(
    warm_client: TestClient, limit: Limit
) -> None:
    response, seconds = _timed_get(warm_client, limit.url(limit.at))
    assert response.status_code == 200, unescape(response.text)[-600:]
    assert seconds <= LIMIT_SECONDS, seconds


@pytest.mark.parametrize("limit", LIMITS, ids=lambda limit: f"{limit.path} {limit.name}")
def test_past_the_limit_the_form_comes_back_with_the_reason(
    warm_client: TestClient, limit: Limit
) -> None:
    response, seconds = _timed_get(warm_client, limit.url(limit.past))
    page = response.text
    assert response.status_code == 422 and seconds <= LIMIT_SECONDS, (response.status_code, seconds)
    assert re.search(r'<form method="get" action="/lab/', page), "no form"
    alert = re.search(
        r'<div class="alert error"(?: role="alert")? id="form-error">(.*?)</div>', page, re.S
    )
    assert alert
    if limit.field is None:
        assert limit.words in unescape(alert.group(1))
        return
    # Said once, beside the field; the summary says where.
    assert limit.words not in unescape(alert.group(1))
    assert "The reason is given beside" in alert.group(1)
    field = re.search(rf'<(?:input|select) id="{re.escape(limit.field)}"[^>]*>', page)
    assert field, f"no field {limit.field}"
    assert f'aria-describedby="error-{limit.field}"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    beside = re.search(
        rf'<p class="field-error" id="error-{re.escape(limit.field)}" role="alert">([^<]*)'
        r'(?: <code class="error-at">.*?</code>)?</p>',  # an expression's text, column marked
        page,
    )
    assert beside and limit.words in unescape(beside.group(1))
    typed = limit.past[
        limit.field.removeprefix("value-").removeprefix("flow-").removeprefix("expression-")
    ]
    if field.group(0).startswith("<input"):
        assert f'value="{_attribute(typed)}"' in field.group(0), "the input was not kept"


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&#34;").replace("<", "&lt;").replace(">", "&gt;")
    )


def test_every_lab_route_is_covered() -> None:
    routes = {limit.path for limit in LIMITS}
    assert routes >= {EXPRESSION, FLOW, CHECK, TURN, "/lab/expression/your-turn"}
    assert {f"/lab/{graph.slug}" for graph in PREPARED} <= routes


def test_the_lab_front_page_is_within_budget(warm_client: TestClient) -> None:
    response, seconds = _timed_get(warm_client, "/lab")
    assert response.status_code == 200 and seconds <= LIMIT_SECONDS


AUDIT_EXAMPLES = [
    "/lab/gradient-check?w=0",  # 1.2 s
    "/lab/flow?init=xavier&depth=50&width=256",  # 4.5 s; now refused up front
    f"/lab/expression?{urlencode({'f': 'x*1e-999999+x*1e-999998'})}",  # 39 s; now refused
    *(f"/lab/expression?{urlencode({'f': _nested(depth)})}" for depth in (13, 15, 19)),
]  # 4.9 s, 17 s and more than 90 s


@pytest.mark.parametrize("url", AUDIT_EXAMPLES)
def test_the_audits_examples_answer_within_budget(warm_client: TestClient, url: str) -> None:
    response, seconds = _timed_get(warm_client, url)
    assert response.status_code in (200, 422) and seconds <= LIMIT_SECONDS, seconds

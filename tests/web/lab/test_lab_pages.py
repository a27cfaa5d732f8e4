"""Lab pages over HTTP: every page renders, state lives in the URL, and no input of any kind
gets a 500 or a hang."""

import re
import time
from html import unescape
from itertools import pairwise
from urllib.parse import quote, urlencode

import pytest
from fastapi.testclient import TestClient

from gradquiz.core.lab.gradient_flow import layer_gradient_norms
from gradquiz.core.lab.numbers import shown_number
from gradquiz.core.typed_numbers import parse_typed_number
from gradquiz.services.lab import lab_url
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
    assert "running sum −2" in last and "running sum −1" in last


def test_a_value_used_twice_by_one_node_is_not_called_a_fan_out(lab_client: TestClient) -> None:
    twice = text_of(lab_client.get("/lab/expression?f=x*x%2By&x=3&y=1&step=4").text)
    # Before: "x gets its gradient from the 2 nodes it feeds; the branches add up".
    assert "x gets its gradient from t1, which uses it 2 times; the uses add up." in twice
    fork = text_of(lab_client.get("/lab/fan-out?x=3&y=-2&step=4").text)
    assert "x gets its gradient from the 2 nodes it feeds; the branches add up." in fork


def test_your_turn_reports_each_node(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/fan-out/your-turn?x=3&y=-2&grad-f=1&grad-q=1&grad-y=3&grad-x=-2")
    text = text_of(page.text)
    assert "3 of 4 right." in text
    assert "the gradients from every branch add up" in text
    hidden = lab_client.get("/lab/fan-out/your-turn?x=3&y=-2")
    assert "grad " not in text_of(hidden.text.split("<svg", 1)[1].split("</svg>", 1)[0])


def test_inputs_are_shown_as_typed_and_a_wrong_sign_is_not_right(lab_client: TestClient) -> None:
    # y = -0.99999 was shown as -1, ∂f/∂x = y + 1 = 1e-5, and -1e-5
    # was "Right"; the page did not say its values were rounded.
    graph = lab_client.get("/lab/fan-out?x=3&y=-0.99999")
    drawn = text_of(graph.text.split("<svg", 1)[1].split("</svg>", 1)[0])
    assert "\N{MINUS SIGN}0.99999" in drawn
    text = text_of(graph.text)
    assert (
        "inputs as read, with every digit typed; computed values, local derivatives and "
        "gradients to four" in text
    )
    wrong = lab_client.get("/lab/fan-out/your-turn?x=3&y=-0.99999&grad-x=-1e-5")
    assert 'id="verdict-x"><strong>Not right.' in wrong.text
    assert "y = input, \N{MINUS SIGN}0.99999" in text_of(wrong.text)
    right = lab_client.get("/lab/fan-out/your-turn?x=3&y=-0.99999&grad-x=1e-5")
    assert 'id="verdict-x"><strong>Right.' in right.text


def test_flow_table_matches_a_direct_computation(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/flow?init=xavier&depth=12&width=16")
    rows = re.findall(r"<tr><th scope=\"row\">(\d+)</th>((?:<td>[^<]*</td>)+)</tr>", page.text)
    assert len(rows) == 12
    direct = {a: layer_gradient_norms(a, "xavier", 12, 16) for a in ("sigmoid", "tanh", "relu")}
    for layer, cells in rows:
        # "6.42e-08" beside "10^347.4"; now 6.42 × 10⁻⁸, read back.
        shown = [parse_typed_number(v) for v in re.findall(r"<td>([^<]*)</td>", cells)]
        expected = [
            value
            for a in ("sigmoid", "tanh", "relu")
            for value in (direct[a].deltas[int(layer) - 1], direct[a].norms[int(layer) - 1])
        ]
        assert shown == pytest.approx(expected, rel=6e-3)
    assert (
        "‖∂L/∂W‖" in page.text
        and "<style" not in page.text.split('<svg class="chart-svg log-chart"')[1]
    )
    assert page.text.count('<svg class="chart-svg log-chart"') == 2  # ‖δ‖ and ‖∂L/∂W‖


def test_flow_summary_shows_the_vanishing_the_weight_gradients_hide(
    lab_client: TestClient,
) -> None:
    text = text_of(lab_client.get("/lab/flow?init=small&depth=30&width=64").text)
    # Before: "tanh: layer 1 gets 1.6 times the gradient of layer 30", and nothing else.
    assert re.search(r"tanh : going back from layer 30 to layer 1, δ vanishes: ‖δ‖ is 6\.9 at "
                     r"layer 30 and 7\.6 × 10⁻³² at layer 1", text)  # fmt: skip
    assert "‖∂L/∂W‖ at layer 1 is 1.6 times layer 30's" in text
    assert "eq. 14" in text and "at initialisation" in text


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
            r"At the \d+(st|nd|rd|th) character: |not positive|division by zero|too large"
            r"|above the largest float|no real|contains a NUL byte",
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
            assert status == 422 and "could not be read" in html, (url, status)
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
        assert status == 422 and "could not be read" in html, url
    assert lab_client.get("/lab/no-such-graph").status_code == 404


def test_your_turn_at_a_kink_shows_the_convention_and_takes_any_slope(
    lab_client: TestClient,
) -> None:
    # Issue 28: at relu(0) the page said "The ReLU's input is negative here"; at a tie an
    # even split was "A max gate does not share the gradient out".
    relu = lab_client.get("/lab/expression/your-turn?f=relu(x)*y&x=0&y=2&grad-x=2&grad-t1=2")
    text = text_of(relu.text)
    assert relu.status_code == 200 and 'id="kink-conventions"' in relu.text
    assert "At a kink the derivative is a convention" in text and "§6.3" in text
    assert "negative here" not in text and "2 of 4 right." in text
    tie = text_of(
        lab_client.get("/lab/max-gate/your-turn?x=2&y=2&z=-3&grad-x=-1.5&grad-y=-1.5").text
    )
    assert "torch.maximum splits it evenly" in tie and "2 of 5 right." in tie
    assert "does not share" not in tie and "not the largest" not in tie
    plain = lab_client.get("/lab/max-gate/your-turn?x=4&y=2&z=-3")
    assert 'id="kink-conventions"' not in plain.text


def test_a_wrong_answer_says_not_right_once(lab_client: TestClient) -> None:
    text = text_of(lab_client.get("/lab/neuron/your-turn?grad-w=123").text)
    assert "Not right." in text and "Not right. Not right." not in text


def test_answers_of_any_size_and_signs_of_small_gradients(lab_client: TestClient) -> None:
    big = text_of(lab_client.get("/lab/expression/your-turn?f=x**4&x=100&grad-x=4000000").text)
    assert "1 of 2 right." in big
    # Issue 28: +0.00025 was "Right" for -0.00025.
    small = lab_client.get("/lab/neuron/your-turn?w=0.5&x=2&b=-1&y=0.502&grad-x=0.00025")
    assert "0 of 10 right." in text_of(small.text) and "sign is flipped" in small.text


def test_softmax_draws_large_logits(lab_client: TestClient) -> None:
    assert lab_client.get("/lab/softmax?z1=355&z2=0&z3=0").status_code == 200


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"f": "log(x)", "x": "0.000005"}, "leaves the function's domain, so the step is 1 × 10⁻⁹"),
        ({"f": "x**1.5", "x": "0"}, "the difference is one-sided"),
        # At 1e-6 the step h = 1e-5 reaches across the pole at 0, which
        # was called curving "too sharply"; at 2e-5 it does not, and curvature is the cause.
        ({"f": "1/x", "x": "0.000001"}, "The step reaches across x = 0, where the function"),
        ({"f": "1/x", "x": "0.00002"}, "curves too sharply over h = 1 × 10⁻⁵"),
        ({"f": "1/(x - y)", "x": "0.000001", "y": "0"}, "reaches across a zero of a divisor"),
        ({"f": "relu(1000*x)", "x": "0.000001"}, "averages two slopes across the kink"),
    ],
)
def test_the_check_table_says_why_a_difference_is_taken_another_way_or_disagrees(
    lab_client: TestClient, query: dict[str, str], words: str
) -> None:
    page = lab_client.get("/lab/expression?" + urlencode(query))
    assert page.status_code == 200, text_of(page.text)[:300]
    notes = page.text.split('id="check-notes"', 1)[1].split("</ul>", 1)[0]
    assert words in text_of(notes)
    assert ('id="kink-notice"' in page.text) == ("relu" in query["f"])


def test_the_gradient_check_page_shows_absolute_errors_at_an_exact_0(
    lab_client: TestClient,
) -> None:
    page = lab_client.get("/lab/gradient-check?w=0.5&x=2&b=-1&y=0.5")
    text = text_of(page.text)
    assert "Absolute error of ∂L/∂w" in text and "absolute error (log scale)" in text
    cells = re.findall(r"<td>([^<]*)</td>", page.text.split("Absolute error of", 1)[1])
    assert cells and "1.00e+00" not in cells[:24]
    usual = text_of(lab_client.get("/lab/gradient-check").text)
    assert "Relative error of ∂L/∂w" in usual and "looks only to the right of v" in usual


def test_a_refused_expression_marks_the_column(lab_client: TestClient) -> None:
    page = lab_client.get("/lab/expression?" + urlencode({"f": "x*y$z"}))
    assert page.status_code == 422
    field = re.search(r'<input id="expression-f"[^>]*>', page.text)
    assert field and 'value="x*y$z"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    error = page.text.split('id="error-expression-f" role="alert">', 1)[1].split("</p>", 1)[0]
    assert (
        "At the 4th character:" in error
        and '<code class="error-at">x*y<mark>$</mark>z</code>' in error
    )
    end = lab_client.get("/lab/expression?" + urlencode({"f": "x*"}))
    assert "x*<mark>&nbsp;</mark></code>" in end.text


@pytest.mark.parametrize(("url", "wide"), [("/lab/softmax", True), ("/lab/fan-out", False),
                                           ("/lab/tanh-chain/your-turn", True)])  # fmt: skip
def test_a_graph_wider_than_its_box_says_so(lab_client: TestClient, url: str, wide: bool) -> None:
    page = lab_client.get(url)
    hint = re.search(r'<p class="hint scroll-hint" id="graph-scroll-hint"( hidden)?>', page.text)
    assert hint is not None and (hint.group(1) is None) == wide
    box = re.search(r'<div class="graph-box"[^>]*>', page.text)
    assert box and ('aria-describedby="graph-scroll-hint"' in box.group(0)) == wide


def test_the_expression_rules_are_stated_where_an_expression_is_typed(
    lab_client: TestClient,
) -> None:
    help_text = text_of(lab_client.get("/lab").text.split('id="expression-help">', 1)[1])
    assert "max (of two to six)" in help_text and "write 1*x" in help_text
    bare = lab_client.get("/lab/expression?f=x")
    assert bare.status_code == 422 and "f has no operation in it (it is just x)" in text_of(
        bare.text
    )


def test_at_a_max_tie_the_tied_inputs_gradients_must_add_up_to_the_gate_s(
    lab_client: TestClient,
) -> None:
    # The whole gradient to both tied inputs (or to neither)
    # was "5 of 5 right"; max(x + t, y + t) = max(x, y) + t, so the shares add up to ∂f/∂m.
    base = "/lab/max-gate/your-turn?x=2&y=2&z=-3&grad-f=1&grad-z=2&grad-m=-3"
    # Shares each in range that do not add up are wrong together, not
    # the one checked last alone (it was "4 of 5").
    for both, right in [("-3", "3 of 5"), ("0", "3 of 5"), ("-1.5", "5 of 5")]:
        text = text_of(lab_client.get(f"{base}&grad-x={both}&grad-y={both}").text)
        assert f"{right} right." in text, both
        assert "must add up to ∂f/∂m = −3" in text
    split = text_of(lab_client.get(f"{base}&grad-x=-1&grad-y=-2").text)
    assert "5 of 5 right." in split and "this one takes the rest, −1." in split
    three = "/lab/expression/your-turn?f=max(x,y,z)*w&x=1&y=1&z=1&w=2&grad-f=1&grad-w=1&grad-t1=2"
    # 2 copied to each of x, y, z is not a split, and shares that do not add up are wrong
    # together: all three are (z, checked first, was right and x and y wrong).
    copied = text_of(lab_client.get(f"{three}&grad-x=2&grad-y=2&grad-z=2").text)
    assert "3 of 6 right." in copied and "At a kink any gradient" not in copied
    loser = text_of(lab_client.get(f"{base}&grad-y=1&grad-x=-3").text)
    assert "4 of 5 right." in loser and "At a kink any gradient from -3 to 0" not in loser
    thirds = text_of(lab_client.get(f"{three}&grad-x=0.6667&grad-y=0.6667&grad-z=0.6667").text)
    assert "6 of 6 right." in thirds
    page = text_of(lab_client.get(base).text)
    assert "the nodes that feed it" in page and "nodes before it" not in page


def test_a_tie_of_three_names_the_reductions_not_torch_maximum(lab_client: TestClient) -> None:
    # torch.maximum takes two inputs; nested it splits 1/4, 1/4, 1/2.
    for url in (
        "/lab/expression?f=max(x,y,z)*w&x=1&y=1&z=1&w=2",
        "/lab/expression/your-turn?f=max(x,y,z)*w&x=1&y=1&z=1&w=2",
    ):
        text = text_of(lab_client.get(url).text)
        assert "torch.maximum" not in text, url
        assert "torch.amax and torch.max(t) split it evenly" in text
        assert "torch.max(t, dim) does for the index it returns" in text
    two = text_of(lab_client.get("/lab/max-gate?x=2&y=2&z=-3").text)
    assert "torch.maximum splits it evenly" in two


def test_the_max_gate_s_edge_rule_says_a_tie_goes_to_the_first(lab_client: TestClient) -> None:
    # "∂m/∂y = 1 if y is the largest, else 0" showed 0 while y tied for largest.
    text = text_of(lab_client.get("/lab/max-gate?x=2&y=2&z=-3").text)
    assert "1 if y is the first largest input (ties go to the first), else 0" in text
    assert "1 if y is the largest, else 0" not in text


def test_a_cancelled_forward_mode_value_is_not_called_an_exact_0(lab_client: TestClient) -> None:
    # At z1 = 355, ∂L/∂z1 = p1 − 1 ≈ −1.34e-154 was shown as 0 under
    # "Forward mode (exact)" beside ∂L/∂z2 = ∂L/∂z3 = 6.691e-155.
    html = lab_client.get("/lab/softmax?z1=355&z2=0&z3=0").text
    text = text_of(html)
    assert "Forward mode (30 digits)" in text and "Forward mode (exact)" not in text
    row = re.search(r"∂L/∂z1</th>(.*?)</tr>", html, re.S)
    assert row is not None and "≈ 0" in row.group(1)
    plain = text_of(lab_client.get("/lab/softmax").text)
    assert "≈ 0" not in plain.split("Three ways")[1].split("Forward mode (30 digits)")[1]


def test_an_underflowed_softmax_says_so_rather_than_log_of_0(lab_client: TestClient) -> None:
    # "At t2 = log: log of 0, which is not positive", though p1 = e^-800/(2 +
    # e^-800) > 0 and L ≈ 800.69: e1 underflows in float64.
    page = lab_client.get("/lab/softmax?z1=-800&z2=0&z3=0")
    text = text_of(page.text)
    assert page.status_code == 422
    assert "At t2 = log(p1): e1 = exp(z1) underflows to 0 in float64" in text
    assert "about 3.7 × 10⁻³⁴⁸" in text and "so p1 is 0 too" in text
    assert "which is not positive" not in text
    # Refused with no way forward; L and ∂L/∂z are finite and given.
    text = text_of(lab_client.get("/lab/softmax?z1=-1000&z2=0&z3=0").text)
    assert "log p₁ = z₁ − logsumexp(z)" in text
    assert "L = 1000.69 and ∂L/∂z = p − (1, 0, 0) = (−1, 0.5, 0.5)." in text


def test_messages_name_operations_and_bounds_as_the_pages_write_them(
    lab_client: TestClient,
) -> None:
    # "two to 6", "up to 1e+06", "up to 1.79769e+308", "At f = **".
    cases = {
        "/lab/expression?f=x*y&x=2000000&y=1": "a number may be at most 10⁶ in size",
        "/lab/expression/your-turn?f=x*y&x=1&y=1&grad-x=1e999": "at most the largest float, about",
        "/lab/expression?f=x**0.5&x=-1": "At f = x**0.5: a negative number",
        "/lab/expression?f=log(x)&x=0": "At f = log(x): log of 0",
        "/lab/expression?f=max(x)": "max takes from two to six arguments",
        "/lab/expression?f=%2Bx": "f has no operation in it (it is just x)",
        "/lab/expression?f=x*1e-100": "at least 10⁻⁹⁹ in size",
    }
    for url, said in cases.items():
        page = lab_client.get(url)
        text = text_of(page.text)
        assert page.status_code == 422 and said in text, (url, text[:2000])
        assert not re.search(r"1e\+0|e\+308|at least 1e-|= \*\*:|= log:", text), url


def test_the_gradient_check_page_explains_the_sweeps_that_break_the_usual_picture(
    lab_client: TestClient,
) -> None:
    # At y = a the centred error is 0 at every h and the one-sided one falls with
    # h with no round-off floor; at w = -20, x = 5 every error is 1.00; both got the generic
    # "At first both errors fall … round-off takes over" text.
    generic = "Below some h, round-off takes over"
    usual = text_of(lab_client.get("/lab/gradient-check").text)
    assert generic in usual and 'id="sweep-case"' not in usual
    cases = {
        "w=0.5&x=2&b=-1&y=0.5": ["L is symmetric about w", "L(w + h) = L(w − h)", "exact at"],
        "w=-20&x=5&b=0&y=1": [
            "no step can see the gradient",
            "∂L/∂w = −1.86 × 10⁻⁴³",
            "1.9 × 10⁻⁴⁴",
        ],
        "w=0.5&x=0&b=-1&y=0.2": ["x = 0", "do not depend on w"],
        "w=-200&x=5&b=0&y=1": ["below the smallest float64 number", "absolute"],
    }
    for query, said in cases.items():
        page = lab_client.get(f"/lab/gradient-check?{query}")
        text = text_of(page.text)
        assert page.status_code == 200 and 'id="sweep-case"' in page.text, query
        assert all(part in text for part in said), (query, said)
        assert generic not in text, query


def test_a_local_derivative_into_the_output_is_marked_local(lab_client: TestClient) -> None:
    # "∂f/∂f × ∂f/∂x = 1 × 1 = 1" then "∂f/∂x = -1", one symbol for both.
    text = text_of(lab_client.get("/lab/fan-out?step=4").text)
    assert "∂f/∂f × ∂f/∂x (local, as the + node's input) = 1 × 1 = 1" in text
    assert "∂f/∂q × ∂q/∂x = 1 × (−2)" in text  # an inner node's symbol is not ambiguous
    edges = text.split("Edges and their local derivatives", 1)[1]
    assert "∂f/∂q (local) = 1" in edges and "∂q/∂x = y (the other input)" in edges


def test_an_edge_from_a_constant_takes_no_gradient(lab_client: TestClient) -> None:
    # "0.5 → L  ∂L/∂0.5 = t3 (the other input)".
    for url, constant in (("/lab/neuron", "0.5"), ("/lab/tanh-chain", "0.5")):
        text = text_of(lab_client.get(url).text)
        assert f"∂L/∂{constant} " not in text and f"∂L/∂{constant}=" not in text, url
        assert f"none: the constant {constant} gets no gradient" in text, url


def test_the_kink_texts_cite_section_6_3_for_what_it_says_and_only_once(
    lab_client: TestClient,
) -> None:
    # §6.3 says implementations return a one-sided derivative; "any
    # value between" is the subgradient view; two notices explained the kink twice.
    text = text_of(lab_client.get("/lab/expression?f=relu(x)*y&x=0&y=2").text)
    assert "Implementations usually return one of the one-sided derivatives" in text
    assert "is a subgradient" in text and "is a valid choice" not in text
    assert text.count("§6.3") == 1 and text.count("the derivative is not defined") == 1
    near = text_of(lab_client.get("/lab/expression?f=relu(1000*x)&x=0.000001").text)
    assert near.count("§6.3") == 1  # near, not on, the kink: the one notice says it
    notes = {
        "relu(1000*x)&x=0.000001": ("a ReLU's input changes sign:", "max gate"),
        "max(x,y)*2&x=0.000001&y=0": ("a max gate's largest input changes:", "ReLU"),
    }
    for query, (said, unsaid) in notes.items():
        page = lab_client.get(f"/lab/expression?f={query}").text
        listed = text_of(page.split('id="check-notes"', 1)[1].split("</ul>", 1)[0])
        assert said in listed and unsaid not in listed, query


def test_the_check_table_shows_its_three_columns_to_one_precision(lab_client: TestClient) -> None:
    # Backprop "0.437" beside finite difference "0.43704" on the tanh chain.
    html = lab_client.get("/lab/tanh-chain").text
    row = re.search(r"∂L/∂w1</th>(.*?)</tr>", html, re.S)
    assert row is not None
    # And to the four figures of the rest of the page, not six.
    assert text_of(row.group(1)).split()[:3] == ["0.437", "0.437", "0.437"]


def test_the_gradient_check_page_tells_float64_rounding_from_an_exact_0(
    lab_client: TestClient,
) -> None:
    # Figures checked with mpmath, 30 digits.
    def case(query: str) -> str:
        page = lab_client.get(f"/lab/gradient-check?{query}")
        assert page.status_code == 200, query
        return text_of(page.text)

    # a = σ(41) rounds to 1 = y in float64 only: not the "a = y" text.
    text = case("w=1&x=1&b=40&y=1")
    assert "Here a = y" not in text and "no step can see the gradient" in text
    assert "a − y = −1.56 × 10⁻¹⁸" in text and "σ′(z) = a(1 − a) = 1.56 × 10⁻¹⁸" in text
    assert "float64 rounds a = σ(z) to y" in text
    # σ′(61) ≈ 3.22e-27 is not 0.
    text = case("w=1&x=1&b=60&y=0")
    assert "σ′(z) = a(1 − a) = 3.22 × 10⁻²⁷" in text and "= 0," not in text
    # Gradients that float64 cannot tell from 0 are not called exact, and differences that
    # are all exactly 0 are not called curvature and round-off.
    text = case("w=1&x=1&b=1e6&y=0")
    assert "is about 1.21 × 10⁻⁴³⁴²⁹⁵" in text and "Its exact ∂L/∂w" not in text
    assert "σ′(z) = a(1 − a) = 1.21 × 10⁻⁴³⁴²⁹⁵" in text
    assert "round to the same float at every step" in text
    assert "curvature of L over the step" not in text
    # σ′(201) in 30 digits is e^-201 (not 1 − σ rounded to 0): a float64 number, shown.
    text = case("w=1&x=1&b=200&y=0")
    assert "is 5.091070809 × 10⁻⁸⁸" in text and "no step can see the gradient" in text
    assert "σ′(z) = a(1 − a) = 5.09 × 10⁻⁸⁸" in text
    # Where a = y exactly, the one-sided difference's L(w + h) does not keep full precision.
    text = case("w=0.5&x=2&b=-1&y=0.5")
    assert "Here a = y" in text and "full relative precision" not in text
    assert "a small fraction of L(w + h) itself, so it never dominates" in text


def test_only_a_page_with_a_tie_says_a_tie_s_inputs_are_checked_together(
    lab_client: TestClient,
) -> None:
    # A ReLU-only kink page spoke of a tie.
    together = "(a tie's inputs checked together)"
    relu = text_of(lab_client.get("/lab/expression/your-turn?f=relu(x)*y&x=0&y=3").text)
    assert "Your answers there count as right for any such choice, and" in relu
    assert together not in relu
    tie = text_of(lab_client.get("/lab/max-gate/your-turn?x=2&y=2&z=-3").text)
    assert together in tie
    assert "0 %" not in relu and "its right value if you leave it blank" not in relu


TIE_RULE = (
    "At a tie, with g the right value of the gate's gradient, whatever you answer for it (a "
    "wrong answer for it is judged on its own and does not move g; where a kink after the gate "
    "leaves g a choice, g is the one your answer made), each share has g's sign or is 0, is at "
    "most |g| in size give or take 1 % of |g|, and the shares add up to g give or take 1 % of "
    "|g|, exactly 1 % included."
)


@pytest.mark.parametrize("gate", ["", "&grad-m=-3"])
def test_a_tie_s_rule_is_stated_once_and_applied_whether_or_not_the_gate_is_answered(
    lab_client: TestClient, gate: str
) -> None:
    # −1.5 and −1.53 (a sum exactly 1 % off) were wrong with ∂f/∂m answered, −1.5 and −1.535
    # (1.17 % off) right without it, and the sum printed "−3.0300000000000002".
    base = "/lab/max-gate/your-turn?x=2&y=2&z=-3" + gate
    right = text_of(lab_client.get(base + "&grad-x=-1.5&grad-y=-1.53").text)
    assert TIE_RULE in right and "−3.0300000000000002" not in right
    assert f"{3 if gate else 2} of 5 right." in right
    wrong = text_of(lab_client.get(base + "&grad-x=-1.5&grad-y=-1.535").text)
    assert "Yours, −1.5 and −1.535, add up to −3.035: each may be a share" in wrong
    assert f"{1 if gate else 0} of 5 right." in wrong


def test_a_tie_s_shares_are_judged_against_the_right_gate_gradient_as_the_rule_says(
    lab_client: TestClient,
) -> None:
    # The rule said g was "your answer for it", but a wrong ∂f/∂m = −6 left x = −6, y = 0
    # judged against −3; and a right −2.971 (within 1 % of −3) moved the target, so shares
    # adding up to −2.942, 1.9 % off −3, were both "Right".
    base = "/lab/max-gate/your-turn?x=2&y=2&z=-3"
    page = lab_client.get(base + "&grad-m=-6&grad-x=-6&grad-y=0").text
    assert TIE_RULE in text_of(page)
    assert 'id="verdict-m"><strong>Not right.' in page
    assert 'id="verdict-x"><strong>Not right.' in page
    assert "Your −6 is more than 0.03 from −3." in text_of(page)
    page = lab_client.get(base + "&grad-m=-2.971&grad-x=-3.03").text
    assert 'id="verdict-m"><strong>Right.' in page and 'id="verdict-x"><strong>Right.' in page
    page = lab_client.get(base + "&grad-m=-2.971&grad-x=-1.5&grad-y=-1.442").text
    assert 'id="verdict-x"><strong>Not right.' in page
    assert 'id="verdict-y"><strong>Not right.' in page
    assert "Yours, −1.5 and −1.442, add up to −2.942: each may be a share" in text_of(page)
    assert "give or take 0.03." in text_of(page)


def test_forward_mode_shows_an_exact_0_as_0_and_only_a_cancellation_as_cancelled(
    lab_client: TestClient,
) -> None:
    # Every exact 0 was "≈ 0 (cancelled)".
    cancelled = "≈ 0 (cancelled"

    def table(url: str) -> str:
        text = text_of(lab_client.get(url).text)
        return text.split("Forward mode (30 digits)", 1)[1]

    exact_zeros = (
        "/lab/max-gate?x=3&y=2&z=-3",
        "/lab/max-gate?x=2&y=2&z=-3",
        "/lab/expression?f=x*y&x=0&y=0",
        "/lab/expression?f=relu(x)*y&x=-1&y=2",
        "/lab/expression?f=x**1.5&x=0",
        "/lab/expression?f=x*y%2Bx&x=3&y=-1",
    )
    for url in exact_zeros:
        shown = table(url)
        assert cancelled not in shown, (url, shown[:300])
    # Terms that cancel in 30 digits but not exactly: e^-355 beside 1.
    assert cancelled in table("/lab/softmax?z1=355&z2=0&z3=0")
    # Below the smallest float (e^-1000001, 3.7 × 10⁻³⁴⁸) is an underflow,
    # not a cancellation: sigmoid(-800) is "≈ 0 (cancelled; …)" before.
    for url in ("/lab/neuron?w=1&x=1&b=1e6&y=0", "/lab/expression?f=sigmoid(x)&x=-800"):
        shown = table(url)
        assert cancelled not in shown, url
        assert "≈ 0 (below the smallest float; about " in shown, url
        assert "too small to tell from 0 beside the terms" not in shown, url
        assert "nothing cancels" in shown, url
    assert "about 3.7 × 10⁻³⁴⁸" in table("/lab/expression?f=sigmoid(x)&x=-800")


def test_a_float64_zero_that_is_not_exact_is_marked_rounded(lab_client: TestClient) -> None:
    # ∂L/∂z1 = 0 unmarked at z1 = 355 (really
    # −1.338e-154 by mpmath), beside ∂L/∂z2 = ∂L/∂z3 = 6.69e-155, and the exact-0 note.
    text = text_of(lab_client.get("/lab/softmax?z1=355&z2=0&z3=0&step=11").text)
    nodes, checks = text.split("Forward mode (30 digits)", 1)
    assert "0 (rounded; about −1.3 × 10⁻¹⁵⁴)" in nodes
    assert "∂L/∂z1 0 (rounded; about −1.3 × 10⁻¹⁵⁴) ≈ 0 (cancelled; about −1.3 × 10⁻¹⁵⁴)" in checks
    assert "Where the exact gradient is 0" not in checks
    assert "too small to tell from 0 beside the terms it is made of (≈ 0)" in checks
    # An exact 0 keeps the exact-0 note and is not marked rounded.
    exact = text_of(lab_client.get("/lab/max-gate?x=3&y=2&z=-3&step=5").text)
    assert "rounded; about" not in exact and "Where the exact gradient is 0" in exact


def test_each_use_of_a_node_by_one_consumer_is_marked_local_and_which(
    lab_client: TestClient,
) -> None:
    # "∂f/∂t1 × ∂t1/∂x = 1 × 2 = 2" twice, while the
    # whole ∂t1/∂x of t1 = x × x is 4.
    text = text_of(lab_client.get("/lab/expression?f=x*x%2Bx&x=2&step=3").text)
    assert "∂f/∂t1 × ∂t1/∂x (local, first use) = 1 × 2 = 2" in text
    assert "∂f/∂t1 × ∂t1/∂x (local, second use) = 1 × 2 = 2" in text
    assert "∂f/∂t1 × ∂t1/∂x = 1 × 2" not in text
    square = text_of(lab_client.get("/lab/expression?f=x*x&x=3&step=2").text)
    assert "∂f/∂f × ∂f/∂x (local, first use as the × node's input) = 1 × 3 = 3" in square
    assert "∂f/∂f × ∂f/∂x (local, second use as the × node's input) = 1 × 3 = 3" in square


def test_a_flow_of_one_layer_one_unit_wide_reads_sensibly(lab_client: TestClient) -> None:
    # "from layer 1 to layer 1 … 1 times", "not
    # comparable with layer 1's", "narrower chains scatter more" at width 1.
    page = lab_client.get("/lab/flow?init=xavier&depth=1&width=1")
    text = text_of(page.text)
    assert page.status_code == 200
    assert "from layer 1 to layer 1" not in text and "not comparable with layer 1" not in text
    assert text.count("one layer, so nothing to compare across layers") == 3
    assert "narrower chains scatter more" not in text
    # "A chain of 1 dense layers of 1 units", and "at width 1" twice.
    assert "A chain of 1 dense layer of 1 unit (no biases)" in text
    assert "One draw at width 1, the narrowest, scatters around it most of all." in text
    assert text.count("width 1") == 1
    wide = text_of(lab_client.get("/lab/flow?init=xavier&depth=4&width=8").text)
    assert "going back from layer 4 to layer 1" in wide and "narrower chains scatter more" in wide
    assert "A chain of 4 dense layers of 8 units" in wide


def test_flow_why_gives_the_weight_gradients_size_for_the_chain_on_the_page(
    lab_client: TestClient,
) -> None:
    # A fixed "if they are all about 10⁻³⁵" at every depth and width.
    text = text_of(lab_client.get("/lab/flow?init=small&depth=50&width=144").text)
    assert "all about 10⁻³⁵" not in text
    assert (
        "this chain of 50 layers of 144 units gives relu weight gradients of about 6 × 10⁻⁵¹"
        in text
    )
    default = text_of(lab_client.get("/lab/flow?init=he&depth=30&width=64").text)
    assert (
        "this chain of 30 layers of 64 units gives relu weight gradients of about 9.3 × 10⁻³⁶"
        in default
    )


def test_the_edge_table_says_each_row_of_a_value_used_twice_is_one_use(
    lab_client: TestClient,
) -> None:
    # x*x+x at x = 3 showed two identical rows
    # "x → t1 | ∂t1/∂x = x (the other input) | 3", though ∂t1/∂x = 2x = 6.
    text = text_of(lab_client.get("/lab/expression?f=x*x%2Bx&x=3").text)
    assert "∂t1/∂x = x (the other input)" not in text
    assert "x → t1 (first use) local derivative of this use: x (the other input) 3" in text
    assert "x → t1 (second use) local derivative of this use: x (the other input) 3" in text
    assert "t1 uses x twice: each row is one use, and ∂t1/∂x is their sum, 3 + 3 = 6." in text
    assert "x → f ∂f/∂x (local) = 1 1" in text  # a single use keeps its plain row


def test_a_tie_with_a_constant_names_it_by_its_value_and_says_what_is_checked(
    lab_client: TestClient,
) -> None:
    # "t1 = max(x, c1) is a tie: x and c1 are both the
    # largest" and "the gradients of x and c1 must add up to ∂f/∂t1 = 3", though "c1" is
    # named nowhere else, takes no gradient and has no field; any x from 0 to 3 is accepted.
    base = "/lab/expression/your-turn?f=max(x,0)*y&x=0&y=3&grad-f=1&grad-y=0&grad-t1=3"
    for x, right in [("1.5", True), ("0", True), ("3", True), ("3.5", False), ("-1", False)]:
        text = text_of(lab_client.get(f"{base}&grad-x={x}").text)
        assert "c1" not in text
        assert "t1 = max(x, 0) is a tie: x and the constant 0 are both the largest (0)." in text
        assert ("4 of 4 right." in text) == right, x
        assert (
            "At the tie at t1 the gradient is split, not copied: the shares of x and the "
            "constant 0 must add up to ∂f/∂t1 = 3, each between 0 and it, and the constant's "
            "share goes nowhere (a constant takes no gradient): x's share may be anything from "
            "0 to 3; which split is a convention."
        ) in text
    first = text_of(lab_client.get("/lab/expression/your-turn?f=max(0,x)*y&x=0&y=3").text)
    assert "The lab gives the whole gradient to the first (the constant 0, so x gets none)" in first


def test_the_max_tie_notice_says_each_share_lies_between_0_and_the_gradient(
    lab_client: TestClient,
) -> None:
    # "any split whose shares add up to the whole gradient
    # is as valid", though the checker rightly refuses a share outside 0 to the gradient.
    url = "/lab/max-gate/your-turn?x=2&y=2&z=-3&grad-f=1&grad-z=2&grad-m=-3&grad-x=-6&grad-y=3"
    text = text_of(lab_client.get(url).text)
    assert (
        "any split whose shares, each between 0 and the gradient, add up to it is as valid."
    ) in text
    assert "add up to the whole gradient is as valid" not in text
    assert "3 of 5 right." in text  # -6 and 3 add up to -3, but each is out of range


def test_a_flow_whose_every_delta_is_0_says_which_layer_stopped_it(
    lab_client: TestClient,
) -> None:
    # "δ is 0 at every layer … every layer's lies between
    # 0 and 0", with no reason given.
    text = text_of(lab_client.get("/lab/flow?init=he&depth=50&width=2").text)
    dead = layer_gradient_norms("relu", "he", 50, 2).dead_layer
    assert dead is not None
    assert (
        f"relu : going back from layer 50 to layer 1, δ is 0 at every layer: at layer {dead} "
        "the input of every unit is at most 0, so all its ReLUs are inactive on this input and "
        "pass no gradient back"
    ) in text
    assert "lies between 0 and 0" not in text and "not comparable" not in text
    assert "‖∂L/∂W‖ is 0 at every layer too: no weight would move." in text


def test_a_refused_gradient_check_names_what_the_differences_estimate(
    lab_client: TestClient,
) -> None:
    # "Each finite difference estimates it" on the
    # refused page, where the sentence "it" referred to is left out.
    for url in ("/lab/gradient-check?w=1e7&x=2&b=-1&y=1", "/lab/gradient-check"):
        text = text_of(lab_client.get(url).text)
        assert "Each finite difference estimates ∂L/∂w with a step h" in text, url
        assert "estimates it" not in text


def test_softmax_at_extreme_logits_writes_the_power_plainly_and_names_the_shift(
    lab_client: TestClient,
) -> None:
    # "about 10^-4.343e+05", and an overflow said only
    # "a value too large for a float", with no word of the shift that softmax ignores.
    under = text_of(lab_client.get("/lab/softmax?z1=-1e6&z2=0&z3=0").text)
    assert "it is about 3.3 × 10⁻⁴³⁴²⁹⁵, below the smallest float" in under
    assert "e+05" not in under
    over = text_of(lab_client.get("/lab/softmax?z1=0&z2=800&z3=0").text)
    assert (
        "At e2 = exp(z2): exp(800) is about 2.7 × 10³⁴⁷, above the largest float, about 1.8 × 10³⁰⁸."
    ) in over
    assert (
        "Softmax is unchanged when the same amount is subtracted from every logit, which is "
        "why implementations subtract the largest first: every exp is then at most 1 and "
        "cannot overflow. This graph takes each exp as written, so subtract it yourself "
        "(here 800 from each)."
    ) in over
    typed = text_of(lab_client.get("/lab/expression?f=exp(x)*y&x=800&y=1").text)
    assert "exp(800) is about 2.7 × 10³⁴⁷, above the largest float" in typed
    assert "Softmax" not in typed  # the hint is for the softmax page


def test_0_to_a_negative_power_is_called_a_division_by_zero(lab_client: TestClient) -> None:
    # "0 to the power -2 has no derivative", though the
    # value itself is undefined there (a pole), as x/0 already says "a division by zero".
    text = text_of(lab_client.get("/lab/expression?f=x**-2*y&x=0&y=1").text)
    assert "At t1 = x**-2: 0 to the power −2 is undefined, a division by zero (1 / 0**2)." in text
    assert "has no derivative" not in text
    root = text_of(lab_client.get("/lab/expression?f=x**0.5*y&x=0&y=1").text)
    assert "0 to the power 0.5 has no derivative" in root  # its value, 0, is defined


def test_a_folded_constant_shown_rounded_is_also_shown_exactly(lab_client: TestClient) -> None:
    # relu(0.1+0.2-x)*y at x = 0.3 showed the constant
    # "0.3", then "t1 = 0.3 − x = 5.551e-17" and the ReLU near its kink, with no word that
    # 0.1 + 0.2 is 0.30000000000000004 in float64.
    # (At x = 0.3 the page is refused now: x's float, 0.29999999999999998890, moves
    # ∂f/∂y = t1 from 4.4e-17 to 5.6e-17; 0.25 is held exactly.)
    text = text_of(lab_client.get("/lab/expression?f=relu(0.1%2B0.2-x)*y&x=0.25&y=2").text)
    assert (
        "The constant shown as 0.3 is 0.1 + 0.2 worked out in float64, where it is exactly "
        "0.30000000000000004, not 0.3 (the tables round to four figures, and float64 holds a "
        "decimal fraction such as 0.1 only approximately); the nodes it feeds use that value."
    ) in text
    plain = text_of(lab_client.get("/lab/expression?f=(1%2B2)*x&x=0.3").text)
    assert "The constant shown as" not in plain  # 3 is exact


def test_your_turn_names_the_specific_mistake_where_one_fits(lab_client: TestClient) -> None:
    # Generic "For each edge…" messages where a specific
    # one exists, and an ambiguous diagnosis called by one name only.
    def verdict_of(url: str, node: str) -> str:
        text = text_of(lab_client.get(url).text)
        found = re.search(rf"∂f/∂{node} {node} = .*?(?= ∂f/∂\w+ \w+ = |Check my gradients)", text)
        assert found is not None, text
        return found.group(0)

    kink = (
        "/lab/expression/your-turn?f=relu(2*x)*y&x=0&y=-2&grad-f=1&grad-y=0&grad-t2=-2"
        "&grad-t1=-1&grad-x=-4"
    )
    said = verdict_of(kink, "x")
    assert "Not right." in said and "For each edge" not in said
    assert "Your ∂f/∂t1 = −1 is one of the values the kink allows at t1" in said
    assert "must follow from that choice of yours: 2 × (−1) = −2." in said
    branch = verdict_of("/lab/expression/your-turn?f=x*x%2Bx&x=5&grad-f=1&grad-t1=1&grad-x=10", "x")
    assert "Not right." in branch and "For each edge" not in branch
    assert "this is only the branch through t1" in branch
    one_use = verdict_of("/lab/expression/your-turn?f=x*x%2Bx&x=5&grad-f=1&grad-t1=1&grad-x=6", "x")
    assert "t1 uses x twice" in one_use and "For each edge" not in one_use
    # Typing 3 (one use, 1 × 3) was also called "the upstream gradient
    # alone" (1 + 1 + 1, t1's counted once per use), and typing 2 (1 + 1) got neither.
    one_of_two = verdict_of(
        "/lab/expression/your-turn?f=x*x%2Bx&x=3&grad-f=1&grad-t1=1&grad-x=3", "x"
    )
    assert "only one use" in one_of_two and "fits more than one mistake" not in one_of_two
    assert "upstream gradient alone" not in one_of_two
    alone = verdict_of("/lab/expression/your-turn?f=x*x%2Bx&x=3&grad-f=1&grad-t1=1&grad-x=2", "x")
    assert "This is the upstream gradient alone" in alone and "For each edge" not in alone
    relu = verdict_of("/lab/expression/your-turn?f=relu(x)*y&x=-1&y=2&grad-x=2", "x")
    assert "The ReLU's input is negative here" in relu
    assert "fits more than one mistake" not in relu and "upstream gradient alone" not in relu


def test_a_softmax_loss_rounded_to_0_is_marked_in_the_node_table(lab_client: TestClient) -> None:
    # The third pass over issue 28: at z1 = 40 float64 rounds p1 = 1 − 8.5 × 10⁻¹⁸ to 1, so
    # log(p1) and L show as 0 with no word, though L = log(1 + 2e^-40) > 0 (Goodfellow et
    # al., §6.2.2.3: -log softmax(z)_1 = log Σ exp(z_j) − z_1), and ∂L/∂z1 = p1 − 1 as 0.
    text = text_of(lab_client.get("/lab/softmax?z1=40&z2=0&z3=0&step=11").text)
    nodes, checks = text.split("Forward mode (30 digits)", 1)
    assert "p1 e1 ÷ S 1 (rounded; about 1 − 8.5 × 10⁻¹⁸) −1 " in nodes
    assert "t2 log(p1) 0 (rounded; about −8.5 × 10⁻¹⁸) −1 " in nodes
    assert "L −t2 0 (rounded; about 8.5 × 10⁻¹⁸) 1 " in nodes
    assert "z1 input 40 0 (rounded; about −8.5 × 10⁻¹⁸)" in nodes
    assert "L is never 0 for finite logits" in nodes
    assert "Courville, Deep Learning, §6.2.2.3)" in nodes
    assert "∂L/∂z1 0 (rounded; about −8.5 × 10⁻¹⁸) ≈ 0 (cancelled; about −8.5 × 10⁻¹⁸)" in checks
    # At the default logits nothing is rounded to 0 or 1, and the note is not there.
    plain = text_of(lab_client.get("/lab/softmax?step=11").text)
    assert "rounded" not in plain and "never 0 for finite logits" not in plain
    # An exact 1 (w·x = 0.5 × 2) and an exact 0 (a max gate's loser) are not marked.
    for url in ("/lab/neuron?step=9", "/lab/max-gate?x=3&y=2&z=-3&step=5"):
        assert "rounded" not in text_of(lab_client.get(url).text), url
    # A saturated sigmoid: a = σ(41) is 1 − 1.6 × 10⁻¹⁸, and y − a is not 0.
    neuron = text_of(lab_client.get("/lab/neuron?w=0.5&x=2&b=40&y=1").text)
    assert "a sigmoid(z) 1 (rounded; about 1 − 1.6 × 10⁻¹⁸)" in neuron
    assert "t2 y − a 0 (rounded; about 1.6 × 10⁻¹⁸)" in neuron


def test_every_unreadable_answer_is_marked_and_the_readable_ones_are_judged(
    lab_client: TestClient,
) -> None:
    page = lab_client.get("/lab/fan-out/your-turn?grad-f=1&grad-q=abc&grad-x=abc&grad-y=")
    assert page.status_code == 422
    html = page.text
    for field in ("grad-q", "grad-x"):
        assert re.search(
            rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="error-{field}"', html
        ), field
        assert f'<p class="field-error" id="error-{field}" role="alert">' in html
    assert html.count('aria-invalid="true"') == 2
    assert "2 entries could not be read" in html
    assert '<a href="#grad-q">' in html and '<a href="#grad-x">' in html
    assert re.search(r'id="verdict-f"><strong>Right\.</strong>', html)
    assert 'id="verdict-y">Not answered yet.' in html
    assert 'id="verdict-q"' not in html and 'id="verdict-x"' not in html
    assert "1 of 4 right." in html


def test_a_gradient_off_only_through_an_earlier_answer_is_not_called_not_right(
    lab_client: TestClient,
) -> None:
    page = lab_client.get("/lab/neuron/your-turn")
    fields = re.findall(r'<input id="(grad-[^"]+)"', page.text)
    checked = lab_client.get("/lab/neuron/your-turn?" + "&".join(f"{f}=1" for f in fields))
    lines = re.findall(r'<p class="verdict-line" id="verdict-[^"]+">(.*?)</p>', checked.text)
    carried = [line for line in lines if "Your method is right" in line]
    assert carried, lines
    assert all("Not right" not in line for line in carried), carried
    assert all("Off only because of an answer it follows from." in line for line in carried)


def test_the_flow_page_writes_indices_and_powers_as_sub_and_superscripts(
    lab_client: TestClient,
) -> None:
    html = lab_client.get("/lab/flow").text
    prose = re.sub(r"<svg.*?</svg>|<script.*?</script>", "", html, flags=re.S)
    assert not re.findall(r"[A-Za-zδ]_[\w{]|\^\(", prose)
    for written in ("z<sub>l</sub>", "h<sub>l−1</sub>", "‖δ<sub>l</sub>‖", "c<sup>d−l</sup>"):
        assert written in html, written


def test_flow_summary_compares_every_layer_and_writes_numbers_in_one_form(
    lab_client: TestClient,
) -> None:
    # "δ stays within a factor of 100" while δ ran 0.032..7.5 across
    # the layers (the two end layers alone were compared); "between 22 and 3.2e+02".
    text = text_of(lab_client.get("/lab/flow?init=he&depth=10&width=2").text)
    tanh = text.split("tanh :")[1].split("relu :")[0]
    assert "stays within" not in tanh
    assert "varies by more than a factor of 100 between layers" in tanh
    assert "across all the layers it lies between 0.032 and 7.5" in tanh
    wide = lab_client.get("/lab/flow?init=he&depth=30&width=64").text
    summary = re.findall(r"<li><strong>\w+</strong>: going back (.*?)</li>", wide)
    assert len(summary) == 3 and not any(re.search(r"\de[+-]?\d", line) for line in summary)
    assert re.search(r"every layer's lies between \d+ and 320\.", " ".join(summary))


def test_a_dead_single_layer_says_why_its_gradient_is_0(lab_client: TestClient) -> None:
    # "relu: one layer, so nothing to compare across layers: ‖δ‖ is 0
    # and ‖∂L/∂W‖ is 0." with no reason.
    text = text_of(lab_client.get("/lab/flow?init=he&depth=1&width=1").text)
    relu = text.split("relu :")[1]
    assert "‖δ‖ is 0 and ‖∂L/∂W‖ is 0, because the input of its one unit is at most 0" in relu
    # "its ReLU is inactive (dead) and pass no gradient back".
    assert "its ReLU is inactive on this input and passes no gradient back" in relu


def test_the_lab_writes_each_float_limit_in_one_form(lab_client: TestClient) -> None:
    # "about 10^-324" here, "about 4.9 × 10⁻³²⁴" in the typed-number
    # message; "at most 1,000,000" in the parser, "at most 10⁶" in the value fields.
    constant = text_of(lab_client.get("/lab/expression?f=x*2000000&x=1").text)
    assert "is too large: at most 10⁶" in constant and "1,000,000" not in constant
    tiny = text_of(lab_client.get("/lab/softmax?z1=-745&z2=0&z3=0").text)
    assert "about 4.9 × 10⁻³²⁴" in tiny and "10^-324" not in tiny
    large = text_of(lab_client.get("/lab/expression?f=1/x&x=1e-200").text)
    assert "above the largest float, about 1.8 × 10³⁰⁸" in large and "10^308" not in large


@pytest.mark.parametrize(
    "url",
    [
        "/lab/gradient-check",
        "/lab/gradient-check?w=-20&x=5&b=0&y=1",
        "/lab/gradient-check?w=1&x=1&b=1e6&y=0",
        "/lab/flow?init=small&depth=30&width=16",
        "/lab/softmax?z1=-800&z2=0&z3=0",
        "/lab/softmax?z1=40&z2=0&z3=0",
    ],
)
def test_lab_pages_write_powers_of_ten_one_way_and_negatives_with_a_minus_sign(
    lab_client: TestClient, url: str
) -> None:
    # "1e-01" in the step column, "%.2e" columns ("6.42e-08"),
    # "10^347.4" and hyphen-minus negatives ("-1.86e-43") beside 10⁻³²⁴ and U+2212.
    page = lab_client.get(url)
    text = text_of(page.text.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0])
    assert not re.search(r"\d[eE][-+]?\d", text), re.findall(r".{30}\d[eE][-+]?\d.{10}", text)
    assert "10^" not in text
    assert not re.search(r"(?<![\w.=&?/*])-\d", text), re.findall(r".{30}(?<![\w.])-\d.{10}", text)


def test_flow_numbers_do_not_break_and_the_init_options_fit_a_phone(
    lab_client: TestClient,
) -> None:
    # At 320 px "5.5 / × 10⁻¹⁹" broke across lines, and the option
    # "Xavier: Var = 2/(fan-in + far" was cut off.
    markup = lab_client.get("/lab/flow?init=small&depth=30&width=64").text
    summary = markup.split('<ul class="flow-summary">', 1)[1].split("</ul>", 1)[0]
    assert "\N{NO-BREAK SPACE}×\N{NO-BREAK SPACE}10" in summary and " × 10" not in summary
    assert re.search(r'<option value="xavier"[^>]*>Xavier</option>', markup)
    assert "Xavier: Var = 2/(fan-in + fan-out)" in text_of(markup)  # the formula, as a hint
    assert ">Xavier: Var" not in markup


def test_gradient_check_tables_share_their_column_order_and_no_stray_space(
    lab_client: TestClient,
) -> None:
    # One-sided | centred, then centred | one-sided; "is −0.25 ."
    markup = lab_client.get("/lab/gradient-check").text
    heads = re.findall(r"<thead><tr><th scope=\"col\">h</th>(.*?)</tr></thead>", markup)
    assert len(heads) == 2 and heads[0] == heads[1], heads
    assert heads[0].index("one-sided") < heads[0].index("centred")
    assert not re.search(r"\w \.(\s|$)", text_of(markup)), re.findall(
        r".{40}\w \.", text_of(markup)
    )


def test_the_check_table_writes_differences_to_four_figures_and_errors_with_their_zeros(
    lab_client: TestClient,
) -> None:
    # "0.00316228 (one-sided)" (six figures) where the rest uses four,
    # and an error of 1.0101 shown as "1 relative".
    # (x**1.5 at 0 was the example, with h = 10⁻⁵; beside an edge the step is now one unit.)
    # The edge sits one float below an input float64 holds exactly (a typed
    # −0.9999999999999999 is refused: its float is another number).
    query = {"f": "log(x-0.49999999999999994)", "x": "0.5"}
    text = text_of(lab_client.get("/lab/expression", params=query).text)
    assert "9.895 × 10¹⁵ (one-sided" in text and "9.8950" not in text
    assert shown_number(1.0101, 2, kept=True) == "1.0"
    assert shown_number(1e-12, 2, kept=True) == "1.0 × 10⁻¹²"
    assert shown_number(0.0, 2, kept=True) == "0"


def test_flow_summary_names_the_direction_below_the_factor(lab_client: TestClient) -> None:
    # "δ stays within a factor of 100 at every layer" beside a Why that
    # says δ grows layer by layer for tanh with He weights.
    text = text_of(lab_client.get("/lab/flow?init=he&depth=30&width=64").text)
    assert (
        "going back from layer 30 to layer 1, δ stays within a factor of 100 at every "
        "layer, but grows 7.7× overall:" in text
    )


@pytest.mark.parametrize("query", ["init=small", "init=xavier", "init=he&depth=3&width=4"])
def test_flow_captions_give_the_factor_between_the_grid_lines_drawn(
    lab_client: TestClient, query: str
) -> None:
    # "each grid line is a factor of 10" under ticks 10¹⁰ apart.
    page = lab_client.get(f"/lab/flow?{query}").text
    charts = re.findall(r'<svg class="chart-svg log-chart".*?</svg>', page, re.S)
    factors = re.findall(r"each grid line is a factor of ([^ ]+) above", text_of(page))
    assert len(charts) == len(factors) == 2
    for chart, factor in zip(charts, factors, strict=True):
        labels = re.findall(r'text-anchor="end">10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)</text>', chart)
        powers = [int(p.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))) for p in labels]
        gaps = {b - a for a, b in pairwise(powers)}
        assert len(gaps) == 1 and len(powers) > 1
        (gap,) = gaps
        superscript = str(gap).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        assert factor == ("10" if gap == 1 else "10" + superscript), (factor, gap)


@pytest.mark.parametrize("depth", [1, 5])
def test_a_dead_relu_chain_one_unit_wide_names_its_one_relu(
    lab_client: TestClient, depth: int
) -> None:
    # "the input of every unit is at most 0, so all its ReLUs are inactive"
    # said of a layer of one unit.
    assert layer_gradient_norms("relu", "he", depth, 1).dead_layer is not None
    text = text_of(lab_client.get(f"/lab/flow?init=he&depth={depth}&width=1").text)
    assert "the input of its one unit is at most 0, so its ReLU is inactive on this input" in text
    assert "all its ReLUs" not in text and "every unit is at most 0" not in text


def test_a_negative_factor_is_written_in_parentheses(lab_client: TestClient) -> None:
    # "0.5 × −1" in the step's terms.
    text = text_of(lab_client.get("/lab/neuron?step=5").text)
    assert "∂L/∂t2 × ∂t2/∂a = 0.5 × (−1) = " in text and "× −" not in text


def test_the_rounding_and_softmax_notes_say_what_they_mean(lab_client: TestClient) -> None:
    # "stored as 1" of a value near −1; "Frameworks never form p₁", though
    # a framework's softmax does; "Implementations return" beside torch.maximum's even split.
    rounded = text_of(lab_client.get("/lab/softmax?z1=40&z2=0&z3=0").text)
    assert "within about 10⁻¹⁶ of 1 (or −1) is stored as 1 (or −1)," in rounded
    stable = text_of(lab_client.get("/lab/softmax?z1=-1000&z2=0&z3=0").text)
    assert "Frameworks' cross-entropy functions never form p₁" in stable


SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def written_forms(html: str) -> list[tuple[float, bool]]:
    """Each number of `html`'s text with whether it is written as a × 10ᵏ."""
    text = text_of(html).replace("\N{NO-BREAK SPACE}", " ").replace("\N{MINUS SIGN}", "-")
    forms = []
    for mantissa, power in re.findall(r"(-?\d+(?:\.\d+)?) × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text):
        forms.append((float(mantissa) * 10.0 ** int(power.translate(SUPERSCRIPT_DIGITS)), True))
    plain = re.sub(r"(-?\d+(?:\.\d+)?) × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", " ", text)
    forms += [(float(n), False) for n in re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", plain)]
    return forms


@pytest.mark.parametrize("query", ["init=small&depth=4&width=8", "init=he&depth=30&width=64"])
def test_flow_summary_and_table_write_a_number_in_one_form(
    lab_client: TestClient, query: str
) -> None:
    # The summary wrote 0.0011 out and 3.2 × 10⁻⁴ with a power, where the
    # table wrote 0.000321: both now write numbers out from 10⁻⁴ to under 1000.
    page = lab_client.get(f"/lab/flow?{query}").text
    summary = page.split('<ul class="flow-summary"', 1)[-1].split("</ul>", 1)[0]
    table = page.split("<caption>‖δ‖ and ‖∂L/∂W‖ per layer</caption>", 1)[1]
    table = table.split("</table>", 1)[0]
    for part in (summary, table):
        forms = written_forms(part)
        assert forms
        for value, with_power in forms:
            assert with_power == (not 1e-4 <= abs(value) < 1000), (value, with_power)


@pytest.mark.parametrize(
    "url",
    [
        "/lab/neuron",
        "/lab/fan-out",
        "/lab/softmax",
        "/lab/expression?f=relu(x)*y%2Bmax(x,0)&x=0&y=2",
    ],
)
def test_every_graph_page_says_what_its_relative_error_is_measured_against(
    lab_client: TestClient, url: str
) -> None:
    # "0.33 relative" (exact 1, estimate 1.5) with no word of against what.
    text = text_of(lab_client.get(url).text)
    assert "relative" in text
    assert (
        "a relative error is |difference − exact| / max(|difference|, |exact|), measured "
        "against the larger of the two" in text
    ), url


def test_the_gradient_check_blames_saturation_only_for_a_saturated_unit(
    lab_client: TestClient,
) -> None:
    # At x = 1e-20 (σ′ = 0.25, its largest) the page said "check at less
    # saturated values"; the gradient is small because x is.
    for query in ("w=1&x=1e-20&b=0&y=0", "w=1e-300&x=1e-300&b=0&y=0"):
        text = text_of(lab_client.get(f"/lab/gradient-check?{query}").text)
        assert "Here no step can see the gradient" in text, text
        assert "less saturated" not in text
        assert "the gradient is small because the input x = " in text
        assert "check at a larger x" in text
    saturated = text_of(lab_client.get("/lab/gradient-check?w=1&x=1&b=40&y=1").text)
    assert "Here no step can see the gradient" in saturated
    assert "so check at less saturated values" in saturated


def test_x_to_the_power_0_at_0_is_the_constant_1(lab_client: TestClient) -> None:
    # x**0 at x = 0 was refused, "0 to the power 0 has no derivative";
    # it is the constant 1, slope 0 (Python, PyTorch and torch autograd agree).
    page = lab_client.get("/lab/expression?f=x**0&x=0")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "has no derivative" not in text
    assert "0·x^" not in text
    turn = text_of(lab_client.get("/lab/expression/your-turn?f=x**0&x=0&grad-f=1&grad-x=0").text)
    assert "2 of 2 right" in turn, turn


def test_the_small_initialisation_names_the_drawn_chains_width(lab_client: TestClient) -> None:
    # "0.0064 at width 64" on a page whose chain has width 200.
    text = text_of(lab_client.get("/lab/flow?init=small&depth=20&width=200").text)
    assert "n·Var(W) = n/10,000 (0.02 at this chain's width, 200)" in text
    assert "at width 64" not in text
    # A chain refused as too large draws nothing: width 64 is then named as an example.
    refused = text_of(lab_client.get("/lab/flow?init=small&width=200").text)
    assert "n·Var(W) = n/10,000 (for example 0.0064 at width 64)" in refused


def test_inputs_are_shown_as_read_and_minus_0_as_0(lab_client: TestClient) -> None:
    # The legend said "inputs as typed", yet 1,5 showed as 1.5 and 3 × 10^4 as 30000; and −0,
    # the same number as 0, showed as "−0".
    for typed, read in (("-0", "0"), ("1,5", "1.5"), ("3 × 10^4", "30000")):
        page = lab_client.get("/lab/expression", params={"f": "x*y", "x": typed, "y": "1"})
        drawn = text_of(page.text.split("<svg", 1)[1].split("</svg>", 1)[0])
        assert f" x {read} y 1 f " in drawn
        assert "\N{MINUS SIGN}0" not in drawn
        text = text_of(page.text)
        assert "inputs as read, with every digit typed;" in text
        assert "inputs as typed" not in text
    turn = text_of(lab_client.get("/lab/expression/your-turn?f=x*y&x=-0&y=1").text)
    assert "Inputs are shown as read, with every digit typed, and computed values" in turn


def test_your_turn_states_its_rule_and_cancelling_gradients_follow_it(
    lab_client: TestClient,
) -> None:
    # The page stated no tolerance; 0.0001 was Right for ∂f/∂x =
    # 1e-8, and −0.0001 was told "The size is right but the sign is flipped".
    text = text_of(lab_client.get("/lab/fan-out/your-turn?x=3&y=-2").text)
    assert (
        "An answer is right within 1 % of the right value, measured against the right value" in text
    )
    assert "a gradient of exactly 0 takes 0 or an answer smaller than 10⁻¹² in size" in text
    assert "a wrong sign is never right" in text
    base = "/lab/fan-out/your-turn?x=3&y=-0.99999999&grad-x="
    for answer in ("0.0001", "0.00019", "-0.0001"):
        page = lab_client.get(base + answer).text
        assert 'id="verdict-x"><strong>Not right.' in page, answer
        assert "The size is right" not in page, answer
    assert 'id="verdict-x"><strong>Right.' in lab_client.get(base + "1e-8").text
    turn = "/lab/add-multiply/your-turn?x=1&y=-0.9999&z=2&grad-z="
    for answer in ("0", "0.00025"):
        assert 'id="verdict-z"><strong>Not right.' in lab_client.get(turn + answer).text
    neuron = "/lab/neuron/your-turn?w=1&x=1&b=0&y=0.7311&grad-y="
    for answer in ("0.000185", "0.0001"):
        assert 'id="verdict-y"><strong>Not right.' in lab_client.get(neuron + answer).text
    assert 'id="verdict-y"><strong>Right.' in lab_client.get(neuron + "4.142e-5").text


def test_your_turn_never_takes_the_wrong_sign_of_a_cancelled_gradient(
    lab_client: TestClient,
) -> None:
    # At z1 = 40, ∂L/∂z1 = p1 − 1 ≈ −8.5e-18 (always negative) is 0 in
    # float64; +1e-13 … +1e-3 were Right, against "a wrong sign is never right".
    base = "/lab/softmax/your-turn?z1=40&z2=0&z3=0&grad-z1="
    for answer in ("1e-13", "1e-5", "1e-4", "1e-3"):
        page = lab_client.get(base + answer).text
        assert 'id="verdict-z1"><strong>Not right.' in page, answer
        assert "but its exact value is −8.497 × 10⁻¹⁸, negative" in text_of(page), answer
    # Within the shown figures' window: readings of the shown local derivatives keep
    # ∂L/∂z1 within about 2.4e-4 of 0 (−4e-4 is outside it, tests/web/lab/
    # test_lab_shown_readings.py).
    for answer in ("-1e-13", "-8.5e-18", "-2e-4", "0"):
        assert 'id="verdict-z1"><strong>Right.' in lab_client.get(base + answer).text, answer


@pytest.mark.parametrize(
    ("expression", "x", "backprop"),
    [
        ("tanh(x)-2*sigmoid(2*x)", "0.7", "-3.331e-16"),  # tanh x = 2σ(2x) − 1: exactly 0
        ("x*0.1+x*0.2-x*0.3", "1", "5.551e-17"),  # 0 for the decimals typed
        ("x*0.7+x*0.1-x*0.8", "1", "-1.11e-16"),
        ("x*0.3-x*0.1-x*0.2", "1", "2.776e-17"),
    ],
)
def test_a_gradient_that_is_exactly_0_takes_either_sign_of_its_float_residue(
    lab_client: TestClient, expression: str, x: str, backprop: str
) -> None:
    # The 30-digit pass's own rounding (-4.9e-32 for 0.1 + 0.2 - 0.3) was
    # taken as the true gradient's sign, so the lab's own backprop value was "a wrong sign";
    # The expression page called it "cancelled; about 5.9 × 10⁻¹⁰⁰²".
    query = urlencode({"f": expression, "x": x})
    for answer in (backprop, backprop.lstrip("-") if backprop[0] == "-" else "-" + backprop, "0"):
        page = lab_client.get(f"/lab/expression/your-turn?{query}&grad-x={quote(answer)}").text
        assert 'id="verdict-x"><strong>Right.' in page, (expression, answer)
    shown = text_of(lab_client.get(f"/lab/expression?{query}").text)
    assert "10⁻¹⁰⁰" not in shown and "10⁻⁹⁹" not in shown


def test_a_cancelled_gradient_keeps_its_sign_far_beyond_30_digits(lab_client: TestClient) -> None:
    # p1 − 1 at z1 = 200 is about −2.8e-87: 0 in 30 digits, its sign told by the wide pass.
    base = "/lab/softmax/your-turn?z1=200&z2=0&z3=0&grad-z1="
    assert 'id="verdict-z1"><strong>Not right.' in lab_client.get(base + "1e-13").text
    assert 'id="verdict-z1"><strong>Right.' in lab_client.get(base + "-1e-13").text


@pytest.mark.parametrize(
    ("url", "field", "words"),
    [
        ("/lab/expression?f=abs(x)", "expression-f", "unknown name 'abs'"),
        ("/lab/expression?f=sqrt(x)%2By", "expression-f", "unknown name 'sqrt'"),
        ("/lab/gradient-check?x=abs(x)", "value-x", "The value of x is not a number"),
    ],
)
def test_a_refused_entry_is_said_once_beside_its_field(
    lab_client: TestClient, url: str, field: str, words: str
) -> None:
    # The message was printed twice, in the summary and beside the field.
    page = lab_client.get(url)
    assert page.status_code == 422
    html = unescape(page.text)
    assert html.count(words) == 1, html
    beside = re.search(
        rf'<p class="field-error" id="error-{field}" role="alert">(.*?)</p>', html, re.S
    )
    assert beside and words in beside.group(1)
    # The message beside the field is the alert, and describes the focused field; the
    # summary above the form says where, and is not a second alert.
    assert re.search(rf'id="{field}"[^>]*aria-describedby="error-{field}" autofocus', html)
    assert html.count('role="alert"') == 1
    summary = re.search(r'<div class="alert error" id="form-error">(.*?)</div>', html, re.S)
    assert summary and "The reason is given beside" in summary.group(1)
    if "unknown name" in words:  # a function the lab lacks: the ones it knows are named
        assert "the functions exp, log, sigmoid, tanh, relu, max" in beside.group(1)

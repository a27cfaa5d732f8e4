"""The backprop lab's pages: every view is a GET with its state in the query string, so
stepping, checking and sharing work without JavaScript (static/lab.js only adds keys)."""

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradquiz.content.render import highlight_code
from gradquiz.core.lab.expressions import FUNCTIONS, MAX_LENGTH, VARIABLES
from gradquiz.core.lab.prepared import EXPRESSION_EXAMPLE, PREPARED
from gradquiz.services import lab
from gradquiz.web.charts import Series, line_chart
from gradquiz.web.graph_drawing import computes, draw_graph, number
from gradquiz.web.templating import render_page

router = APIRouter(include_in_schema=False)


def _common(request: Request) -> dict[str, Any]:
    return {
        "number": number,
        "number_text": lab.number_text,
        "computes": computes,
        "prepared": PREPARED,
        "max_length": MAX_LENGTH,
    }


@router.get("/lab", response_class=HTMLResponse)
def lab_index(request: Request) -> HTMLResponse:
    """The lab's front page: the prepared graphs, a field for an expression, gradient flow."""
    return render_page(
        request,
        "lab/index.html",
        example=EXPRESSION_EXAMPLE,
        variables=VARIABLES,
        functions=FUNCTIONS,
        **_common(request),
    )


@router.get("/lab/flow", response_class=HTMLResponse)
def lab_flow(request: Request) -> HTMLResponse:
    """Vanishing and exploding gradients: per-layer gradient norms through a deep chain."""
    page = lab.gradient_flow(request.query_params)
    return render_page(
        request,
        "lab/flow.html",
        page=page,
        chart=_flow_chart(page.init, page.depth, page.width),
        **_common(request),
    )


@lru_cache(maxsize=64)
def _flow_chart(init: str, depth: int, width: int) -> str:
    page = lab.gradient_flow({"init": init, "depth": str(depth), "width": str(width)})
    layers = list(range(1, depth + 1))
    return line_chart(
        [Series(run.activation, layers, run.norms) for run in page.runs],
        title=f"Gradient norm per layer, {init} initialisation, depth {depth}, width {width}",
        x_label="layer (1 = nearest the input)",
        y_label="‖∂L/∂W‖ (log scale)",
        log_y=True,
    )


@router.get("/lab/gradient-check", response_class=HTMLResponse)
def lab_gradient_check(request: Request) -> HTMLResponse:
    """Gradient checking: one-sided against centred differences as h shrinks; the ReLU kink."""
    page = lab.gradient_check(request.query_params)
    key = tuple(page.values.items())
    return render_page(
        request,
        "lab/gradient_check.html",
        page=page,
        chart=_step_chart(key),
        kink_chart=_kink_chart(),
        **_common(request),
    )


@lru_cache(maxsize=64)
def _step_chart(values: tuple[tuple[str, float], ...]) -> str:
    page = lab.gradient_check({name: repr(value) for name, value in values})
    steps = [row.step for row in page.rows]
    return line_chart(
        [
            Series("one-sided (f(w+h) − f(w)) / h", steps, [row.one_sided for row in page.rows]),
            Series("centred (f(w+h) − f(w−h)) / 2h", steps, [row.centred for row in page.rows]),
        ],
        title="Relative error of ∂L/∂w by finite differences against the step h",
        x_label="step h (log scale)",
        y_label="relative error (log scale)",
        log_x=True,
        log_y=True,
    )


@lru_cache(maxsize=1)
def _kink_chart() -> str:
    page = lab.gradient_check({})
    steps = [row.step for row in page.kink_rows]
    return line_chart(
        [
            Series("centred difference", steps, [row.centred for row in page.kink_rows]),
            Series("one-sided difference", steps, [row.one_sided for row in page.kink_rows]),
        ],
        title="Relative error of relu's slope at v = 1e-6 against the step h",
        x_label="step h (log scale)",
        y_label="relative error (log scale)",
        log_x=True,
        log_y=True,
    )


@router.get("/lab/{graph}", response_class=HTMLResponse)
def lab_graph(request: Request, graph: str) -> HTMLResponse:
    """A graph at the learner's numbers; `?step=k` shows the backward pass up to step k."""
    page = lab.open_graph(graph, request.query_params)
    code = printed = None
    if page.slug == "neuron":
        code = highlight_code(lab.neuron_code(page.values))
        printed = lab.neuron_printout(page.graph)
    return render_page(
        request,
        "lab/graph.html",
        page=page,
        svg=draw_graph(
            page.graph,
            page.shown_gradients,
            current=page.current.node if page.current else None,
            title=f"{page.title}: computational graph",
        ),
        code=code,
        printed=printed,
        **_common(request),
    )


@router.get("/lab/{graph}/your-turn", response_class=HTMLResponse)
def lab_your_turn(request: Request, graph: str) -> HTMLResponse:
    """The same graph with gradients hidden: type each one and see which are right."""
    page, verdicts = lab.your_turn(graph, request.query_params)
    by_node = {verdict.node: verdict for verdict in verdicts or ()}
    return render_page(
        request,
        "lab/your_turn.html",
        page=page,
        svg=draw_graph(
            page.graph, {}, hidden_gradients=True, title=f"{page.title}: graph, gradients hidden"
        ),
        verdicts=by_node,
        checked=verdicts is not None,
        right=sum(1 for v in verdicts or () if v.correct),
        answers={
            key: request.query_params.get(lab.ANSWER_PREFIX + key, "")
            for key in page.graph.gradients
        },
        answer_prefix=lab.ANSWER_PREFIX,
        **_common(request),
    )

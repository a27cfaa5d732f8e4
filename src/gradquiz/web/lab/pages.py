"""The backprop lab's pages: every view is a GET with its state in the query string, so
stepping, checking and sharing work without JavaScript (static/lab.js only adds keys and
a graph's scroll hint at the screen's own width).

Each page's work (lab_views.py) runs where the app's LabWork puts it, by default in a
process of its own at a lower priority; the page is rendered here, in the worker's threads.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from gradquiz.core.lab.expressions import FUNCTIONS, MAX_ARGUMENTS, MAX_LENGTH, VARIABLES
from gradquiz.core.lab.numbers import number_word, shown_factor
from gradquiz.core.lab.prepared import EXPRESSION_EXAMPLE, PREPARED
from gradquiz.services import lab
from gradquiz.web.lab import views as lab_views
from gradquiz.web.lab.graph_drawing import computes, node_value, number, shown_inexactly
from gradquiz.web.lab.views import LabView
from gradquiz.web.lab.work import LabWork
from gradquiz.web.templating import render_page

router = APIRouter(include_in_schema=False)


def _common(request: Request) -> dict[str, Any]:
    return {
        "number": number,
        "node_value": node_value,
        "factor": shown_factor,
        "number_text": lab.number_text,
        "shown_inexactly": shown_inexactly,
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
        max_arguments=number_word(MAX_ARGUMENTS),
        **_common(request),
    )


@router.get("/lab/flow", response_class=HTMLResponse)
async def lab_flow(request: Request) -> HTMLResponse:
    """Vanishing and exploding gradients: per-layer gradient norms through a deep chain."""
    return await _shown(request, lab_views.flow_view, dict(request.query_params))


@router.get("/lab/gradient-check", response_class=HTMLResponse)
async def lab_gradient_check(request: Request) -> HTMLResponse:
    """Gradient checking: one-sided against centred differences as h shrinks; the ReLU kink."""
    return await _shown(request, lab_views.gradient_check_view, dict(request.query_params))


@router.get("/lab/{graph}", response_class=HTMLResponse)
async def lab_graph(request: Request, graph: str) -> HTMLResponse:
    """A graph at the learner's numbers; `?step=k` shows the backward pass up to step k."""
    return await _shown(request, lab_views.graph_view, graph, dict(request.query_params))


@router.get("/lab/{graph}/your-turn", response_class=HTMLResponse)
async def lab_your_turn(request: Request, graph: str) -> HTMLResponse:
    """The same graph with gradients hidden: type each one and see which are right."""
    return await _shown(request, lab_views.your_turn_view, graph, dict(request.query_params))


async def _shown(request: Request, view: Callable[..., LabView], *args: Any) -> HTMLResponse:
    work: LabWork = request.app.state.lab_work
    shown = await work.run(view, *args)
    return await run_in_threadpool(
        render_page,
        request,
        shown.template,
        shown.status,
        **shown.context,
        **_common(request),
    )

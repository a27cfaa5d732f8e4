"""The backprop lab's pages: every view is a GET with its state in the query string, so
stepping, checking and sharing work without JavaScript (static/lab.js only adds keys).

Input the lab refuses gets a 422 with the page's form again: the input kept as typed and
the message beside the field it is about."""

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gradquiz.content.render import highlight_code
from gradquiz.core.lab.expressions import EXPRESSION_FIELD, FUNCTIONS, MAX_LENGTH, VARIABLES
from gradquiz.core.lab.prepared import EXPRESSION_EXAMPLE, PREPARED
from gradquiz.errors import InvalidInput
from gradquiz.services import lab
from gradquiz.web.charts import Series
from gradquiz.web.graph_drawing import computes, draw_graph, number
from gradquiz.web.lab_forms import LabForm, texts_of
from gradquiz.web.log_chart import log_chart
from gradquiz.web.templating import render_page

router = APIRouter(include_in_schema=False)
FLOW_FIELDS = tuple(lab.FLOW_DEFAULTS)


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
    from gradquiz.core.lab.gradient_flow import MAX_WEIGHTS  # numpy: only this page needs it

    texts = {**lab.FLOW_DEFAULTS, **texts_of(request.query_params, FLOW_FIELDS)}
    limit = f"{MAX_WEIGHTS:,}"
    try:
        page = lab.gradient_flow(request.query_params)
    except InvalidInput as refusal:
        form = LabForm.refusing(texts, refusal, FLOW_FIELDS)
        return render_page(
            request,
            "lab/flow.html",
            status=422,
            page=None,
            form=form,
            max_weights=limit,
            **_common(request),
        )
    return render_page(
        request,
        "lab/flow.html",
        page=page,
        form=LabForm(texts),
        max_weights=limit,
        chart=_flow_chart(page.init, page.depth, page.width),
        **_common(request),
    )


@lru_cache(maxsize=64)
def _flow_chart(init: str, depth: int, width: int) -> str:
    page = lab.gradient_flow({"init": init, "depth": str(depth), "width": str(width)})
    layers = list(range(1, depth + 1))
    return log_chart(
        [Series(run.activation, layers, run.norms) for run in page.runs],
        title=f"Gradient norm per layer, {init} initialisation, depth {depth}, width {width}",
        x_label="layer (1 = nearest the input)",
        y_label="‖∂L/∂W‖ (log scale)",
    )


@router.get("/lab/gradient-check", response_class=HTMLResponse)
def lab_gradient_check(request: Request) -> HTMLResponse:
    """Gradient checking: one-sided against centred differences as h shrinks; the ReLU kink."""
    names = tuple(lab.graph_defaults("neuron"))
    try:
        page = lab.gradient_check(request.query_params)
    except InvalidInput as refusal:
        texts = {**_default_texts("neuron"), **texts_of(request.query_params, names)}
        form = LabForm.refusing(texts, refusal, names)
        return render_page(
            request,
            "lab/gradient_check.html",
            status=422,
            page=None,
            form=form,
            value_names=names,
            **_common(request),
        )
    key = tuple(page.values.items())
    return render_page(
        request,
        "lab/gradient_check.html",
        page=page,
        form=LabForm({name: lab.number_text(value) for name, value in page.values.items()}),
        value_names=names,
        chart=_step_chart(key),
        kink_chart=_kink_chart(),
        **_common(request),
    )


@lru_cache(maxsize=64)
def _step_chart(values: tuple[tuple[str, float], ...]) -> str:
    page = lab.gradient_check({name: repr(value) for name, value in values})
    steps = [row.step for row in page.rows]
    return log_chart(
        [
            Series("one-sided (f(w+h) − f(w)) / h", steps, [row.one_sided for row in page.rows]),
            Series("centred (f(w+h) − f(w−h)) / 2h", steps, [row.centred for row in page.rows]),
        ],
        title="Relative error of ∂L/∂w by finite differences against the step h",
        x_label="step h (log scale)",
        y_label="relative error (log scale)",
        log_x=True,
    )


@lru_cache(maxsize=1)
def _kink_chart() -> str:
    page = lab.gradient_check({})
    steps = [row.step for row in page.kink_rows]
    return log_chart(
        [
            Series("centred difference", steps, [row.centred for row in page.kink_rows]),
            Series("one-sided difference", steps, [row.one_sided for row in page.kink_rows]),
        ],
        title="Relative error of relu's slope at v = 1e-6 against the step h",
        x_label="step h (log scale)",
        y_label="relative error (log scale)",
        log_x=True,
    )


@router.get("/lab/{graph}", response_class=HTMLResponse)
def lab_graph(request: Request, graph: str) -> HTMLResponse:
    """A graph at the learner's numbers; `?step=k` shows the backward pass up to step k."""
    try:
        page = lab.open_graph(graph, request.query_params)
    except InvalidInput as refusal:
        return _refused_graph(request, graph, refusal, f"/lab/{graph}")
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
        **_values_form(page, f"/lab/{page.slug}"),
        **_common(request),
    )


@router.get("/lab/{graph}/your-turn", response_class=HTMLResponse)
def lab_your_turn(request: Request, graph: str) -> HTMLResponse:
    """The same graph with gradients hidden: type each one and see which are right."""
    query = request.query_params
    refusal: InvalidInput | None = None
    try:
        page, verdicts = lab.your_turn(graph, query)
    except InvalidInput as refused:
        # An answer that is not a number: the graph itself is fine, so it is shown again
        # with every answer as typed. Anything else: the values' form, as for the graph.
        refusal, verdicts = refused, None
        unanswered = {k: v for k, v in query.items() if not k.startswith(lab.ANSWER_PREFIX)}
        try:
            page, _ = lab.your_turn(graph, unanswered)
        except InvalidInput:
            return _refused_graph(request, graph, refused, f"/lab/{graph}/your-turn")
    answers = {
        lab.ANSWER_PREFIX + key: query.get(lab.ANSWER_PREFIX + key, "")
        for key in page.graph.gradients
    }
    form = LabForm.refusing(answers, refusal, answers) if refusal else LabForm(answers)
    by_node = {verdict.node: verdict for verdict in verdicts or ()}
    return render_page(
        request,
        "lab/your_turn.html",
        status=422 if refusal else 200,
        page=page,
        svg=draw_graph(
            page.graph, {}, hidden_gradients=True, title=f"{page.title}: graph, gradients hidden"
        ),
        verdicts=by_node,
        checked=verdicts is not None,
        right=sum(1 for v in verdicts or () if v.correct),
        form=form,
        answer_prefix=lab.ANSWER_PREFIX,
        **_common(request),
    )


def _values_form(page: lab.GraphPage, action: str) -> dict[str, Any]:
    texts = {name: lab.number_text(value) for name, value in page.values.items()}
    if page.expression is not None:
        texts[EXPRESSION_FIELD] = page.expression
    return {"form": LabForm(texts), "action": action, "value_names": tuple(page.values)}


def _refused_graph(request: Request, slug: str, refusal: InvalidInput, action: str) -> HTMLResponse:
    """The graph's form again, as typed, with the refusal beside its field (422)."""
    query = request.query_params
    names = lab.form_inputs(slug, query)  # an unknown graph is a 404, not a form
    shown = (*names, EXPRESSION_FIELD) if slug == lab.EXPRESSION else names
    texts = {**_default_texts(slug), **texts_of(query, shown)}
    if slug == lab.EXPRESSION:
        texts.setdefault(EXPRESSION_FIELD, EXPRESSION_EXAMPLE)
    return render_page(
        request,
        "lab/refused.html",
        status=422,
        title=lab.graph_title(slug),
        form=LabForm.refusing(texts, refusal, shown),
        action=action,
        value_names=names,
        expression=texts.get(EXPRESSION_FIELD),
        **_common(request),
    )


def _default_texts(slug: str) -> Mapping[str, str]:
    return {name: lab.number_text(value) for name, value in lab.graph_defaults(slug).items()}

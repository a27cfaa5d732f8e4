"""A lab page's work, but its template: the service's answer, the graph or chart drawn, and
the form's state, as plain data that can cross to another process (see lab_work.py).

Input the lab refuses gets a 422 with the page's form again: the input kept as typed and
the message beside the field it is about.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from gradquiz.content.render import highlight_code
from gradquiz.core.lab.expressions import EXPRESSION_FIELD
from gradquiz.core.lab.prepared import EXPRESSION_EXAMPLE
from gradquiz.errors import InvalidInput
from gradquiz.services import lab
from gradquiz.web.charts import Series
from gradquiz.web.lab.forms import LabForm, texts_of
from gradquiz.web.lab.graph_drawing import BOX_INNER_WIDTH, draw_graph, drawn_width
from gradquiz.web.lab.log_chart import grid_factor, log_chart

FLOW_FIELDS = tuple(lab.FLOW_DEFAULTS)
Query = Mapping[str, str]


@dataclass(frozen=True)
class LabView:
    """What a lab page shows: its template, its status and the template's context."""

    template: str
    context: dict[str, Any]
    status: int = 200


def graph_view(slug: str, query: Query) -> LabView:
    """A graph at the learner's numbers; `?step=k` shows the backward pass up to step k."""
    try:
        page = lab.open_graph(slug, query)
    except InvalidInput as refusal:
        return _refused_graph(slug, query, refusal, f"/lab/{slug}")
    code = printed = None
    if page.slug == "neuron":
        code = highlight_code(lab.neuron_code(page.values))
        printed = lab.neuron_printout(page.graph)
    svg = draw_graph(
        page.graph,
        page.shown_gradients,
        current=page.current.node if page.current else None,
        title=f"{page.title}: computational graph",
    )
    texts = {name: lab.number_text(value) for name, value in page.values.items()}
    if page.expression is not None:
        texts[EXPRESSION_FIELD] = page.expression
    return LabView(
        "lab/graph.html",
        {
            "page": page,
            "svg": svg,
            "code": code,
            "printed": printed,
            "form": LabForm(texts),
            "action": f"/lab/{page.slug}",
            "value_names": tuple(page.values),
            "graph_width": drawn_width(svg),
            "box_width": BOX_INNER_WIDTH,
        },
    )


def your_turn_view(slug: str, query: Query) -> LabView:
    """The graph with gradients hidden and, once answers are sent, a verdict per node."""
    refusal: InvalidInput | None = None
    unread: Mapping[str, str] = {}
    try:
        page, verdicts = lab.your_turn(slug, query)
    except lab.AnswersUnread as refused:
        # Every answer that is not a number is marked with its message; the rest are judged.
        refusal, unread, verdicts = refused, refused.unread, refused.verdicts
        page, _ = lab.your_turn(slug, _unanswered(query))
    except InvalidInput as refused:
        # An answer that is not a number: the graph itself is fine, so it is shown again
        # with every answer as typed. Anything else: the values' form, as for the graph.
        refusal, verdicts = refused, None
        try:
            page, _ = lab.your_turn(slug, _unanswered(query))
        except InvalidInput:
            return _refused_graph(slug, query, refused, f"/lab/{slug}/your-turn")
    answers = {
        lab.ANSWER_PREFIX + key: query.get(lab.ANSWER_PREFIX + key, "")
        for key in page.graph.gradients
    }
    svg = draw_graph(
        page.graph, {}, hidden_gradients=True, title=f"{page.title}: graph, gradients hidden"
    )
    return LabView(
        "lab/your_turn.html",
        {
            "page": page,
            "svg": svg,
            "verdicts": {verdict.node: verdict for verdict in verdicts or ()},
            "checked": verdicts is not None,
            "right": sum(1 for v in verdicts or () if v.correct),
            "form": LabForm(answers, unread)
            if unread
            else LabForm.refusing(answers, refusal, answers)
            if refusal
            else LabForm(answers),
            "answer_prefix": lab.ANSWER_PREFIX,
            "graph_width": drawn_width(svg),
            "box_width": BOX_INNER_WIDTH,
        },
        422 if refusal else 200,
    )


def _unanswered(query: Query) -> dict[str, str]:
    return {k: v for k, v in query.items() if not k.startswith(lab.ANSWER_PREFIX)}


def _refused_graph(slug: str, query: Query, refusal: InvalidInput, action: str) -> LabView:
    """The graph's form again, as typed, with the refusal beside its field."""
    names = lab.form_inputs(slug, query)  # an unknown graph is a 404, not a form
    shown = (*names, EXPRESSION_FIELD) if slug == lab.EXPRESSION else names
    texts = {**_default_texts(slug), **texts_of(query, shown)}
    if slug == lab.EXPRESSION:
        texts.setdefault(EXPRESSION_FIELD, EXPRESSION_EXAMPLE)
    context: dict[str, Any] = {
        "title": lab.graph_title(slug),
        "form": LabForm.refusing(texts, refusal, shown),
        "action": action,
        "value_names": names,
    }
    return LabView("lab/refused.html", context, 422)


def _default_texts(slug: str) -> dict[str, str]:
    return {name: lab.number_text(value) for name, value in lab.graph_defaults(slug).items()}


def flow_view(query: Query) -> LabView:
    """Vanishing and exploding gradients: per-layer gradient norms through a deep chain."""
    from gradquiz.core.lab.gradient_flow import MAX_WEIGHTS  # numpy: only this page needs it

    texts = {**lab.FLOW_DEFAULTS, **texts_of(query, FLOW_FIELDS)}
    context: dict[str, Any] = {"max_weights": f"{MAX_WEIGHTS:,}", "page": None}
    try:
        page = lab.gradient_flow(query)
    except InvalidInput as refusal:
        form = LabForm.refusing(texts, refusal, FLOW_FIELDS)
        return LabView("lab/flow.html", {**context, "form": form}, 422)
    weight_chart, delta_chart, factors = _flow_chart(page.init, page.depth, page.width)
    return LabView(
        "lab/flow.html",
        {
            **context,
            "page": page,
            "form": LabForm(texts),
            "chart": weight_chart,
            "delta_chart": delta_chart,
            "weight_grid": factors[0],
            "delta_grid": factors[1],
        },
    )


@lru_cache(maxsize=64)
def _flow_chart(init: str, depth: int, width: int) -> tuple[str, str, tuple[str, str]]:
    """The charts of ‖∂L/∂W_l‖ and of ‖δ_l‖ per layer, in that order, and the factor between
    each one's grid lines."""
    page = lab.gradient_flow({"init": init, "depth": str(depth), "width": str(width)})
    layers = list(range(1, depth + 1))
    setting = f"{init} initialisation, depth {depth}, width {width}"
    weight_series = [Series(run.activation, layers, run.norms) for run in page.runs]
    delta_series = [Series(run.activation, layers, run.deltas) for run in page.runs]
    weights = log_chart(
        weight_series,
        title=f"Weight gradient norm per layer, {setting}",
        x_label="layer (1 = nearest the input)",
        y_label="‖∂L/∂W‖ (log scale)",
    )
    deltas = log_chart(
        delta_series,
        title=f"Back-propagated gradient norm per layer, {setting}",
        x_label="layer (1 = nearest the input)",
        y_label="‖δ‖ = ‖∂L/∂z‖ (log scale)",
    )
    return weights, deltas, (grid_factor(weight_series), grid_factor(delta_series))


def gradient_check_view(query: Query) -> LabView:
    """Gradient checking: one-sided against centred differences as h shrinks; the ReLU kink."""
    names = tuple(lab.graph_defaults("neuron"))
    try:
        page = lab.gradient_check(query)
    except InvalidInput as refusal:
        texts = {**_default_texts("neuron"), **texts_of(query, names)}
        form = LabForm.refusing(texts, refusal, names)
        refused: dict[str, Any] = {"page": None, "form": form, "value_names": names}
        return LabView("lab/gradient_check.html", refused, 422)
    texts = {name: lab.number_text(value) for name, value in page.values.items()}
    context: dict[str, Any] = {
        "page": page,
        "form": LabForm(texts),
        "value_names": names,
        "chart": _step_chart(tuple(page.values.items())),
        "kink_chart": _kink_chart(),
    }
    return LabView("lab/gradient_check.html", context)


@lru_cache(maxsize=64)
def _step_chart(values: tuple[tuple[str, float], ...]) -> str:
    page = lab.gradient_check({name: repr(value) for name, value in values})
    steps = [row.step for row in page.rows]
    kind = "absolute" if page.absolute else "relative"  # an exact 0 has no relative error
    return log_chart(
        [
            Series("one-sided (f(w+h) − f(w)) / h", steps, [row.one_sided for row in page.rows]),
            Series("centred (f(w+h) − f(w−h)) / 2h", steps, [row.centred for row in page.rows]),
        ],
        title=f"{kind.capitalize()} error of ∂L/∂w by finite differences against the step h",
        x_label="step h (log scale)",
        y_label=f"{kind} error (log scale)",
        log_x=True,
    )


@lru_cache(maxsize=1)
def _kink_chart() -> str:
    page = lab.gradient_check({})
    steps = [row.step for row in page.kink_rows]
    return log_chart(
        [
            # One-sided first, as in the chart above, so each method keeps its colour.
            Series("one-sided difference", steps, [row.one_sided for row in page.kink_rows]),
            Series("centred difference", steps, [row.centred for row in page.kink_rows]),
        ],
        title="Relative error of relu's slope at v = 10⁻⁶ against the step h",
        x_label="step h (log scale)",
        y_label="relative error (log scale)",
        log_x=True,
    )

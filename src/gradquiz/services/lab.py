"""The backprop lab: graphs at the learner's numbers, 'your turn' checks and gradient flow.

Stateless: everything a page needs comes from its query string, so every view has a URL
(`lab_url`) and the lab needs no storage and no identity. mpmath is imported with the first
graph and numpy only when a gradient-flow page is asked for, so neither slows start-up.
"""

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from gradquiz.core.lab.expressions import (
    EXPRESSION_FIELD,
    VARIABLES,
    parse_expression,
    variables_in,
)
from gradquiz.core.lab.graphs import (
    BackwardStep,
    Graph,
    Program,
    build_graph,
    forward_value,
    plain_number,
)
from gradquiz.core.lab.numbers import (
    FieldError,
    page_form,
    read_number,
    read_whole_number,
    shown_number,
)
from gradquiz.core.lab.operations import DomainError, sigmoid, softmax_cross_entropy
from gradquiz.core.lab.prepared import (
    BY_SLUG,
    EXPRESSION_DEFAULTS,
    EXPRESSION_EXAMPLE,
    PreparedGraph,
)
from gradquiz.core.lab.your_turn import Verdict, check_answers, kink_inputs, kink_notices
from gradquiz.core.questions import LabLink
from gradquiz.core.typed_numbers import (
    NumberFormError,
    parse_typed_number,
    quoted,
    typed_decimal,
    typed_figures,
)
from gradquiz.errors import InvalidInput, NotFound

if TYPE_CHECKING:  # numpy is imported by the flow pages only
    from gradquiz.core.lab.checks import GradientCheck
    from gradquiz.core.lab.gradient_flow import LayerNorms, StepError
    from gradquiz.core.lab.rounding import Rounded

EXPRESSION = "expression"
ANSWER_PREFIX = "grad-"
# A gradient typed in "your turn" may be as large as the graph's own (x**4 at x = 100 has
# ∂f/∂x = 4·10⁶): any finite number is an answer, right or wrong.
ANY_SIZE = sys.float_info.max


def lab_url(graph: str, *, step: int | None = None, **values: float | str) -> str:
    """The lab URL that opens `graph` with these numbers, e.g. lab_url("neuron", w=0.5, x=2)
    gives "/lab/neuron?w=0.5&x=2". A typed expression is graph "expression" with f="...".

    Result and practice pages use it to offer "open in the lab" for a graph question.
    """
    return _url(graph, values, step)


def lab_link_url(link: LabLink) -> str:
    """The lab URL of a question's lab link (its graph at the question's numbers)."""
    return _url(link.graph, dict(link.values), None)


def _url(graph: str, values: Mapping[str, float | str], step: int | None) -> str:
    allowed = (
        set(VARIABLES) | {EXPRESSION_FIELD} if graph == EXPRESSION else set(_prepared(graph).inputs)
    )
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"{graph} has no input {', '.join(unknown)}")
    query = {
        name: value if isinstance(value, str) else number_text(value)
        for name, value in values.items()
    }
    if step is not None:
        query["step"] = str(step)
    encoded = urlencode(query)
    return f"/lab/{graph}" + (f"?{encoded}" if encoded else "")


def number_text(value: float) -> str:
    """A number as short as Python can write it exactly ("2", "0.5", "1e-06")."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _prepared(slug: str) -> PreparedGraph:
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise NotFound(f"The lab has no graph called {slug[:40]!r}.") from None


@dataclass(frozen=True)
class GraphPage:
    """A graph at the learner's numbers, its checks, and how far the backward pass has gone."""

    slug: str
    title: str
    point: str
    source: str
    expression: str | None
    values: dict[str, float]
    graph: Graph
    checks: "tuple[GradientCheck, ...]"
    near_kink: bool  # a ReLU or max gate at or near its kink, or a check's step across one
    kinks: tuple[str, ...]  # a notice for each node exactly on its kink (the conventions)
    step: int  # 0: forward only; len(graph.steps): every gradient shown

    @cached_property
    def rounded_zeros(self) -> dict[str, str]:
        """Inputs whose float64 gradient is 0 though the exact one is not: about how big."""
        return {
            c.input: c.about or shown_number(c.exact, 2)
            for c in self.checks
            if c.backprop == 0 and (c.about or (c.exact != 0 and math.isfinite(c.exact)))
        }

    @cached_property
    def rounded(self) -> "Rounded":
        """Values and local derivatives float64 holds at 0 or ±1, and gradients it holds at
        0, though the exact ones are not: the exact ones."""
        from gradquiz.core.lab.rounding import rounded_numbers  # mpmath, with the checks

        return rounded_numbers(self.graph)

    @property
    def marks_rounding(self) -> bool:
        """Whether the tables, at this step, mark a number as rounded."""
        rounded = self.rounded
        return bool(
            rounded.values or rounded.locals or set(rounded.gradients) & set(self.shown_gradients)
        )

    @property
    def large_error(self) -> bool:
        """Whether the checks table shows an error above a check's AGREEMENT: only then does
        the kink notice speak of "a large error there" (relu(x) − relu(−x) at 0 shows 0: the
        kinks cancel and the difference finds f's derivative)."""
        from gradquiz.core.lab.checks import AGREEMENT

        return any(not check.relative_error <= AGREEMENT for check in self.checks)

    @property
    def has_tie(self) -> bool:
        """Whether a max gate's inputs tie here (not only a ReLU sits on its kink)."""
        return any(
            node.kind == "max" and kink_inputs(self.graph, node.key) for node in self.graph.nodes
        )

    @property
    def total_steps(self) -> int:
        """How many backward steps there are."""
        return len(self.graph.steps)

    @property
    def current(self) -> BackwardStep | None:
        """The step being shown, if the backward pass has begun."""
        return self.graph.steps[self.step - 1] if self.step else None

    @cached_property
    def shown_gradients(self) -> dict[str, float]:
        """The gradients computed up to and including the current step."""
        return {s.node: s.gradient for s in self.graph.steps[: self.step]}

    def url(self, **changes: int | None) -> str:
        """This page's URL with another step (or none)."""
        extra: dict[str, float | str] = (
            {EXPRESSION_FIELD: self.expression} if self.expression else {}
        )
        return lab_url(self.slug, **extra, **self.values, **changes)  # type: ignore[arg-type]

    @property
    def query(self) -> str:
        """The query string that reopens this graph at these numbers (without a step)."""
        return self.url().partition("?")[2]


def graph_title(slug: str) -> str:
    """What a graph's page is called."""
    return "Your expression" if slug == EXPRESSION else _prepared(slug).title


def graph_defaults(slug: str) -> dict[str, float]:
    """The numbers a graph opens with until the learner sets them."""
    return dict(EXPRESSION_DEFAULTS) if slug == EXPRESSION else dict(_prepared(slug).defaults)


def open_graph(slug: str, query: Mapping[str, str]) -> GraphPage:
    """A prepared graph (or, for slug "expression", the typed expression) at `query`'s numbers."""
    if slug == EXPRESSION:
        expression = query.get(EXPRESSION_FIELD, EXPRESSION_EXAMPLE)
        tree = parse_expression(expression)
        program: Program = (("f", tree),)
        point, source = "", f"f = {expression}"
    else:
        prepared = _prepared(slug)
        program, expression = prepared.program, None
        point, source = prepared.point, prepared.source
    title, defaults = graph_title(slug), graph_defaults(slug)
    # mpmath loads with the first graph, not at start-up.
    from gradquiz.core.lab.checks import check_gradients, near_kink

    values = {name: _value(query, name, default) for name, default in defaults.items()}
    try:
        graph = build_graph(program, values)
    except DomainError as error:
        if slug == "softmax" and "above the largest float" in error.message:
            raise DomainError(f"{error.message} {_softmax_shift(values)}") from None
        if slug == "softmax" and "underflows" in error.message:
            raise DomainError(f"{error.message} {_softmax_stable(values)}") from None
        raise
    values = {name: values[name] for name in graph.inputs}
    _refuse_lost_digits(program, graph, values, query)
    step = _step(query, len(graph.steps))
    checks = check_gradients(program, graph)
    return GraphPage(
        slug=slug,
        title=title,
        point=point,
        source=source,
        expression=expression,
        values=values,
        graph=graph,
        checks=checks,
        near_kink=near_kink(graph) or any(check.reason == "kink" for check in checks),
        kinks=kink_notices(graph),
        step=step,
    )


def _softmax_shift(logits: Mapping[str, float]) -> str:
    """Why an overflowing softmax need not overflow: it ignores a shift of all its logits."""
    return (
        "Softmax is unchanged when the same amount is subtracted from every logit, which is "
        "why implementations subtract the largest first: every exp is then at most 1 and "
        "cannot overflow. This graph takes each exp as written, so subtract it yourself "
        f"(here {plain_number(max(logits.values()))} from each)."
    )


def _softmax_stable(logits: Mapping[str, float]) -> str:
    """L and ∂L/∂z as frameworks compute them, where this graph's exps cannot."""
    loss, gradients = softmax_cross_entropy([logits[name] for name in ("z1", "z2", "z3")])
    return (
        "Frameworks' cross-entropy functions never form p₁: they take log p₁ = z₁ − "
        "logsumexp(z), with the largest logit subtracted inside the logsumexp, so no exp "
        "overflows and the sum it takes the log of is at least 1. That gives "
        f"L = {shown_number(loss, 6)} and ∂L/∂z = p − (1, 0, 0) = "
        f"({', '.join(shown_number(g) for g in gradients)})."
    )


def _value(query: Mapping[str, str], name: str, default: float) -> float:
    text = query.get(name)
    if text is None:
        return default
    # −0 is 0: read as 0, it is shown as 0 and computed as 0 (no gate here tells them apart).
    return read_number(text, f"The value of {name}", field=name, as_typed=True) + 0.0


def _refuse_lost_digits(
    program: Program, graph: Graph, values: Mapping[str, float], query: Mapping[str, str]
) -> None:
    """FieldError for the first input whose float, not the number typed, moves a number the
    page shows beyond its four figures (typed_inputs.py); 0.1 moves none."""
    from gradquiz.core.lab.typed_inputs import (
        inexact_inputs,
        kink_side_lost,
        moved_by_float,
        refusal,
    )

    typed = {name: typed_decimal(query[name]) for name in values if name in query}
    lost = kink_side_lost(program, graph, typed, values)
    if lost is not None:
        raise FieldError(lost[1], lost[0])
    inexact = inexact_inputs(values, typed)
    together = moved_by_float(graph, {k: typed[k] for k in inexact}) if inexact else None
    if together is None:
        return
    # A kink or tie the numbers typed make together is named as such, at the first of them:
    # one of them typed alone leaves the others' floats, a point no one typed.
    # The figures are always together's, every input at its typed decimal; the field it is
    # shown beside is the first whose digits alone move a number the page shows.
    name, moved = inexact[0], together
    for candidate in inexact if not together.kink else ():
        if moved_by_float(graph, {candidate: typed[candidate]}) is not None:
            name = candidate
            break
    others = {k: typed[k] for k in inexact if k != name}
    message = refusal(program, name, query[name], values[name], typed[name], moved, values, others)
    raise FieldError(message, name)


def _step(query: Mapping[str, str], total: int) -> int:
    text = query.get("step")
    return 0 if text is None else read_whole_number(text, "The step", 0, total, field="step")


def form_inputs(slug: str, query: Mapping[str, str]) -> tuple[str, ...]:
    """The value fields a graph's form has: a prepared graph's inputs, or the variables a typed
    expression reads (those the query names when the expression does not parse)."""
    if slug != EXPRESSION:
        return _prepared(slug).inputs
    try:
        tree = parse_expression(query.get(EXPRESSION_FIELD, EXPRESSION_EXAMPLE))
    except InvalidInput:
        return tuple(name for name in VARIABLES if name in query)
    return tuple(name for name in VARIABLES if name in variables_in(tree))


def your_turn(slug: str, query: Mapping[str, str]) -> tuple[GraphPage, tuple[Verdict, ...] | None]:
    """The graph with gradients hidden and, once answers are sent, a verdict per node."""
    page = open_graph(slug, {k: v for k, v in query.items() if k != "step"})
    for name in query:
        if (
            name.startswith(ANSWER_PREFIX)
            and name[len(ANSWER_PREFIX) :] not in page.graph.gradients
        ):
            raise FieldError(f"This graph has no node {quoted(name[len(ANSWER_PREFIX) :][:20])}.")
    fields = {key: query.get(ANSWER_PREFIX + key, "") for key in page.graph.gradients}
    if not any(text.strip() for text in fields.values()):
        return page, None
    answers: dict[str, float | None] = {}
    unread: dict[str, str] = {}  # field: why it could not be read
    for key, text in fields.items():
        answers[key] = None
        if text.strip():
            try:
                answers[key] = read_number(
                    text, f"Your gradient for {key}", ANY_SIZE, field=ANSWER_PREFIX + key
                )
            except FieldError as refusal:
                unread[ANSWER_PREFIX + key] = refusal.message
    signs = {c.input: c.sign for c in page.checks if c.sign}
    derivatives = {c.input: c.derivative for c in page.checks if c.derivative is not None}
    figures = {
        key: typed_figures(fields[key]) for key, answer in answers.items() if answer is not None
    }
    verdicts = check_answers(page.graph, answers, signs, derivatives, _exact_values(page), figures)
    if unread:
        raise AnswersUnread(unread, verdicts)
    return page, verdicts


def _exact_values(page: GraphPage) -> dict[str, tuple[float, str]]:
    """Each input's exact gradient and its text: for one that cancels to ≈ 0, its size as the
    wide pass gives it (softmax's p1 − 1 at z1 = 40, −1.6 × 10⁻¹⁷)."""
    values: dict[str, tuple[float, str]] = {}
    for check in page.checks:
        if check.about and check.about_value and math.isfinite(check.about_value):
            # The full value, not its two figures: −1.6e-17 is 1.5 % off p1 − 1 = −1.62e-17
            # at z1 = 40.
            values[check.input] = (check.about_value, check.about)
        elif check.about:
            try:
                values[check.input] = (parse_typed_number(check.about), check.about)
            except NumberFormError:
                continue
        elif math.isfinite(check.exact):
            values[check.input] = (check.exact, shown_number(check.exact))
    return values


class AnswersUnread(FieldError):
    """Answers that are not numbers, each field with its message; the others are judged
    (`verdicts`, an unread one as not answered)."""

    def __init__(self, unread: Mapping[str, str], verdicts: tuple[Verdict, ...]) -> None:
        field, message = next(iter(unread.items()))
        super().__init__(message, field)
        self.unread = dict(unread)
        self.verdicts = verdicts


def neuron_code(values: Mapping[str, float]) -> str:
    """The seed's worked example as runnable Python with the learner's numbers filled in."""
    numbers = ", ".join(repr(float(values[name])) for name in ("w", "x", "b", "y"))
    return f"""import math


def sigmoid(t):
    if t >= 0:
        return 1 / (1 + math.exp(-t))
    return math.exp(t) / (1 + math.exp(t))  # no overflow


w, x, b, y = {numbers}

# forward
z = w*x + b
a = sigmoid(z)
L = 0.5*(y - a)**2

# backward (reverse mode); dL/da is written dL_da
dL_da = a - y
da_dz = a*(1-a)      # sigmoid derivative
dL_dz = dL_da * da_dz
dL_dw = dL_dz * x
dL_db = dL_dz

print(f"z = {{z:.4g}}, a = {{a:.4g}}, L = {{L:.4g}}")
print(f"dL/da = {{dL_da:.4g}}, dL/dz = {{dL_dz:.4g}}")
print(f"dL/dw = {{dL_dw:.4g}}, dL/db = {{dL_db:.4g}}")
"""


def neuron_printout(graph: Graph) -> str:
    """What `neuron_code` prints, read off the graph's own values and gradients."""
    value = {node.key: node.value for node in graph.nodes}
    grad = graph.gradients
    return (
        f"z = {value['z']:.4g}, a = {value['a']:.4g}, L = {value['L']:.4g}\n"
        f"dL/da = {grad['a']:.4g}, dL/dz = {grad['z']:.4g}\n"
        f"dL/dw = {grad['w']:.4g}, dL/db = {grad['b']:.4g}\n"
    )


@dataclass(frozen=True)
class FlowPage:
    """Per-layer gradient norms of one deep chain for each activation, at one initialisation."""

    init: str
    depth: int
    width: int
    runs: tuple["LayerNorms", ...]

    @property
    def rows(self) -> list[tuple[int, list[tuple[float, float]]]]:
        """Layer by layer: ‖δ‖ and ‖∂L/∂W‖ for each activation, in the order of `runs`."""
        return [
            (layer + 1, [(run.deltas[layer], run.norms[layer]) for run in self.runs])
            for layer in range(self.depth)
        ]

    @property
    def small_weight_gradients(self) -> tuple[str, str] | None:
        """With small weights at this depth and width: an activation whose ‖∂L/∂W‖ is alike
        at every layer (ReLU first) and their median to two figures ("4.3 × 10⁻⁵¹"); None
        where no activation gives nonzero weight gradients."""
        runs = _flow_runs("small", self.depth, self.width)
        for run in sorted(runs, key=lambda run: run.activation != "relu"):
            if min(run.norms) > 0:
                middle = sorted(run.norms)[len(run.norms) // 2]
                return run.activation, shown_number(middle, 2)
        return None


# What the gradient-flow page opens with, as its form's fields show it.
FLOW_DEFAULTS = {"init": "xavier", "depth": "30", "width": "64"}


def gradient_flow(query: Mapping[str, str]) -> FlowPage:
    """The vanishing/exploding picture for the initialisation, depth and width asked for."""
    from gradquiz.core.lab import gradient_flow as flow  # numpy loads only for this page

    init = query.get("init", FLOW_DEFAULTS["init"])
    if init not in flow.INITIALISATIONS:
        raise FieldError(
            f"The initialisation must be one of {', '.join(flow.INITIALISATIONS)}, "
            f"not {quoted(init[:20])}.",
            "init",
        )
    depth = _whole(query, "depth", flow.MAX_DEPTH, "The depth")
    width = _whole(query, "width", flow.MAX_WIDTH, "The width")
    if depth * width * width > flow.MAX_WEIGHTS:
        raise FieldError(flow.weights_refusal(depth, width), "width")
    return FlowPage(init, depth, width, _flow_runs(init, depth, width))


@lru_cache(maxsize=64)
def _flow_runs(init: str, depth: int, width: int) -> tuple["LayerNorms", ...]:
    from gradquiz.core.lab import gradient_flow as flow

    return flow.chain_gradient_norms(flow.ACTIVATIONS, init, depth, width)


def _whole(query: Mapping[str, str], name: str, high: int, what: str) -> int:
    text = query.get(name, FLOW_DEFAULTS[name])
    return read_whole_number(text, what, 1, high, field=name)


# σ′(z) = a(1 − a) is at most ¼ (at z = 0); below 0.01 (|z| > 4.6) the unit is saturated.
SATURATED_SLOPE = 0.01
# An input this small makes ∂L/∂w = (a − y)·σ′(z)·x small whatever the unit does.
SMALL_INPUT = 1e-3


@dataclass(frozen=True)
class StepCheckPage:
    """Gradient checking of the neuron's ∂L/∂w, and the ReLU kink where a check must fail."""

    values: dict[str, float]
    exact: float
    rows: tuple["StepError", ...]
    kink_point: float
    kink_rows: tuple["StepError", ...]
    loss: float = 0.0  # L at the values, for what float64 can resolve of its change
    backprop: float = 0.0  # ∂L/∂w as the backward pass gives it in float64

    @property
    def absolute(self) -> bool:
        """Whether the exact gradient is 0, so that the errors are absolute, not relative."""
        return self.exact == 0

    @property
    def case(self) -> str:
        """Where the sweep does not show truncation falling then round-off rising: "flat"
        (x = 0: L does not depend on w), "symmetric" (a = y: L is even about w, so the
        centred difference is exact and the one-sided one has no round-off floor), "tiny"
        (a gradient too small to tell from 0), or "unseen" (no step resolves the change in L:
        a saturated sigmoid); else ""."""
        if self.values["x"] == 0:
            return "flat"
        if self.exact_terms[0] == 0:  # a = y in 30 digits, not only in float64
            return "symmetric"
        if self.absolute:
            return "tiny"  # not a = y, yet 0: too small for float64 or for 30 digits
        if all(min(row.one_sided, row.centred) >= 0.5 for row in self.rows):
            return "unseen"
        if not self.errors_fall:
            return "rising"
        return ""

    @property
    def errors_fall(self) -> bool:
        """Whether either column's error falls, as h shrinks from the table's largest step, to
        under half of its error there: the truncation the usual story trades against
        round-off. At w = 30 (saturated) or x = 10⁻⁹ the errors only rise."""
        return any(
            min(getattr(row, method) for row in self.rows) < getattr(self.rows[0], method) / 2
            for method in ("one_sided", "centred")
        )

    @property
    def largest_step(self) -> "StepError":
        """The table's row at its largest step, where truncation error is largest."""
        return self.rows[0]

    @property
    def unresolved(self) -> tuple[str, float, float, float]:
        """Where float64 first loses the change a step makes: ("a" or "L", that value, the
        smallest change float64 can show in it, and the step below which the change over it
        is smaller). a = σ(z) moves by about σ′(z)·x·h and L by |∂L/∂w|·h; at y = 1 and
        w = 30, L's own resolution (7 × 10⁻⁴³) is no limit, a's (1.1 × 10⁻¹⁶) is."""
        _, slope, _ = self.exact_terms
        a = self.activation
        in_a = math.ulp(a) / abs(float(slope) * self.values["x"])
        in_loss = self.resolution / abs(self.exact) if self.exact else math.inf
        if in_a >= in_loss:
            return "a", a, math.ulp(a), in_a
        return "L", self.loss, self.resolution, in_loss

    @property
    def truncation_negligible(self) -> bool:
        """Whether z = w·x + b moves so little over the largest step (h·|x| under 10⁻⁶) that L
        is a straight line there to float64's eye: the error is round-off from the start."""
        return self.largest_step.step * abs(self.values["x"]) < 1e-6

    @cached_property
    def exact_terms(self) -> tuple[Any, Any, Any]:
        """a − y, σ′(z) and ∂L/∂w = (a − y)·σ′(z)·x in 30-digit arithmetic, as mpmath
        numbers: float64 rounds σ(41) to 1 and σ′(61) to 0, but none of them is 0."""
        import mpmath

        context = mpmath.MPContext()
        context.dps = 30
        w, x, b, y = (context.mpf(self.values[k]) for k in ("w", "x", "b", "y"))
        z = w * x + b
        tail = context.exp(-abs(z)) / (1 + context.exp(-abs(z)))  # min(a, 1 − a)
        a_minus_y = (1 - y) - tail if z >= 0 else tail - y
        slope = tail * (1 - tail)
        return a_minus_y, slope, a_minus_y * slope * x

    @property
    def small_because(self) -> str:
        """Why an "unseen" gradient is small: "saturated" (σ′(z) below SATURATED_SLOPE, so
        the advice is a less saturated unit), "input" (σ′ near its largest ¼ but x small:
        w = 1, x = 1e-20 was told to check at less saturated values while σ′ was 0.25), or
        "error" (a − y small)."""
        _, slope, _ = self.exact_terms
        if slope < SATURATED_SLOPE:
            return "saturated"
        return "input" if abs(self.values["x"]) < SMALL_INPUT else "error"

    @property
    def exact_text(self) -> tuple[str, str, str]:
        """`exact_terms` to three figures, whatever their size (e^-1000001 included)."""
        import mpmath

        first, second, third = (page_form(mpmath.nstr(term, 3)) for term in self.exact_terms)
        return first, second, third

    @property
    def rounded_to_zero(self) -> bool:
        """Whether the gradient taken as exact is 0 though the 30-digit one is not."""
        return self.exact == 0 and self.exact_terms[2] != 0

    @property
    def float64_zero(self) -> str:
        """Why float64 computes ∂L/∂w = (a − y)·σ′(z)·x as 0 where 30 digits do not (for
        `rounded_to_zero`): σ(z) rounded to 1 or to 0, so that σ′(z) = a(1 − a) is 0; a and
        y alike to every digit float64 keeps; or a product below the smallest float64. It is
        not that the gradient is too small beside its terms: it is a product, and −4.8e-69
        at w = 40, x = 2, b = −1, y = 1 is a float64 number. "" where float64's gradient is
        not 0 but too small beside its terms to tell from 0 (a − y = 4.9e-15 at y = 0.73…)."""
        import mpmath

        if self.backprop != 0:
            return ""

        w, x, b, y = (self.values[k] for k in ("w", "x", "b", "y"))
        z = w * x + b
        a = sigmoid(z)
        tail = page_form(mpmath.nstr(self._tail, 3))
        if a == 1:
            both = ", and so does a − y, as y = 1" if y == 1 else ""
            return (
                f"a = σ(z) = σ({shown_number(z)}) is 1 − {tail}, nearer 1 than float64 can tell "
                "from 1 (its numbers near 1 are 1.1 × 10⁻¹⁶ apart), so it rounds to 1 and "
                f"σ′(z) = a(1 − a) computes as 0{both}"
            )
        if a == 0:
            return (
                f"a = σ(z) = σ({shown_number(z)}) is {tail}, below the smallest float64 number "
                "(about 4.9 × 10⁻³²⁴), so it rounds to 0 and σ′(z) = a(1 − a) computes as 0"
            )
        if a - y == 0:
            return (
                f"a = σ(z) and y agree in every digit float64 keeps (in 30 digits a − y is "
                f"{self.exact_text[0]}), so a − y computes as 0"
            )
        if (a - y) * a * (1 - a) * x == 0:
            return "the product (a − y)·σ′(z)·x is below the smallest float64 number"
        return "its terms round in float64 so that the backward pass gives exactly 0"

    @cached_property
    def _tail(self) -> Any:
        """min(a, 1 − a) in 30-digit arithmetic: how far σ(z) is from 0 or from 1."""
        import mpmath

        context = mpmath.MPContext()
        context.dps = 30
        w, x, b = (context.mpf(self.values[k]) for k in ("w", "x", "b"))
        z = w * x + b
        return context.exp(-abs(z)) / (1 + context.exp(-abs(z)))

    @property
    def differences_all_zero(self) -> bool:
        """Whether L(w ± h) rounded to the same float at every step: every difference 0."""
        return self.absolute and all(r.one_sided == 0 and r.centred == 0 for r in self.rows)

    def best_step(self, method: str) -> float:
        """The step with the smallest error in the table, for "one_sided" or "centred"."""
        return min(self.rows, key=lambda row: getattr(row, method)).step

    @property
    def step_rounded(self) -> tuple["StepError", ...]:
        """The rows whose centred error is mostly the rounding of the step itself: w ± h held
        as floats, (w + h) − (w − h) is not 2h, and the difference is divided by 2h."""
        return tuple(
            row
            for row in self.rows
            if row.centred > 0 and self.step_off(row.step) >= row.centred / 2
        )

    def step_off(self, step: float) -> float:
        """How far (w + h) − (w − h), as float64 holds w ± h, is from 2h, relative to 2h."""
        w = self.values["w"]
        return abs((w + step) - (w - step) - 2 * step) / (2 * step)

    @property
    def usual_row(self) -> "StepError | None":
        """The table's row at the usual step, h = 10⁻⁵ (STEP)."""
        from gradquiz.core.lab.checks import STEP

        return next((row for row in self.rows if row.step == STEP), None)

    @property
    def usual_passes(self) -> bool:
        """Whether the centred difference at the usual step is within the check's 10⁻⁶
        (at w = 20 it is 0.19 % off, and the text said it was best)."""
        from gradquiz.core.lab.checks import AGREEMENT

        row = self.usual_row
        return row is not None and row.centred <= AGREEMENT

    @property
    def cancelling(self) -> bool:
        """Whether a − y keeps under a millionth of a's size: L's rounding is then far above
        float64's 10⁻¹⁶ of it, and round-off takes over at a larger step."""
        return abs(self.activation - self.values["y"]) < 1e-6 * abs(self.activation)

    @property
    def activation(self) -> float:
        """a = σ(w·x + b)."""
        return sigmoid(self.values["w"] * self.values["x"] + self.values["b"])

    @property
    def change_at_largest_step(self) -> float:
        """About how much L changes over the largest step: |∂L/∂w|·h."""
        return abs(self.exact) * max(row.step for row in self.rows)

    @property
    def resolution(self) -> float:
        """The smallest change in L that float64 can show: a unit in the last place of L."""
        return math.ulp(self.loss) if self.loss else 0.0


def gradient_check(query: Mapping[str, str]) -> StepCheckPage:
    """One-sided and centred differences of the neuron's ∂L/∂w for h from 1e-1 to 1e-12."""
    from gradquiz.core.lab import gradient_flow as flow

    page = open_graph("neuron", {k: v for k, v in query.items() if k != "step"})
    program = BY_SLUG["neuron"].program
    check = next(check for check in page.checks if check.input == "w")

    def loss_at(w: float) -> float:
        return forward_value(program, {**page.values, "w": w})

    return StepCheckPage(
        values=page.values,
        exact=check.exact,
        rows=flow.step_sweep(loss_at, page.values["w"], check.exact),
        kink_point=KINK_POINT,
        kink_rows=flow.relu_kink_sweep(KINK_POINT),
        loss=loss_at(page.values["w"]),
        backprop=check.backprop,
    )


# relu(v) checked at v = 1e-6: a step larger than that straddles the kink.
KINK_POINT = 1e-6

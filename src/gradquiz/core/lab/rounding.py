"""What float64 rounds onto 0, 1 or −1 in a graph though the exact number is not that.

0 and ±1 are where a graph's rules change what they say: log(p) is 0 at p = 1, σ(1 − σ) and
1 − tanh² are 0 at ±1, y − a is 0 where a reaches y. Float64 keeps about 16 significant
digits, so softmax's p₁ = 1 − 8.5e-18 at z₁ = 40 is stored as 1, and the loss −log p₁, which
is above 0 for any finite logits, as 0. The graph is worked out again, values, local
derivatives and the backward pass, in 30-digit arithmetic, and in WIDE_DIGITS where 30 digits
cannot tell either (1 − 10⁻¹⁵⁴ at z₁ = 355), by the rules of forward_mode.py; what the wide
pass also finds at 0 or ±1 is taken as exact.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from gradquiz.core.lab.forward_mode import (
    DIGITS,
    WIDE_DIGITS,
    Dual,
    Real,
    call,
    combine,
    context,
    is_noise,
    power,
)
from gradquiz.core.lab.graphs import Graph, Node
from gradquiz.core.lab.numbers import page_form, shown_number

SPECIAL = (0.0, 1.0, -1.0)
# Nearer ±1 than this, a value is written as ±1 and its distance from it: two figures of
# 1 − 8.5e-18 would read "1.0".
NEAR = 1e-3
_ARITHMETIC = {"add": "+", "sub": "-", "mul": "*", "div": "/"}

EdgeKey = tuple[str, str, int]  # source, target, position
K = TypeVar("K", str, EdgeKey)


@dataclass(frozen=True)
class Rounded:
    """The graph's numbers that float64 holds at 0 or ±1 (a gradient: at 0) though the exact
    one is not, each with the exact number to two figures ("-8.5e-18", "1 − 8.5e-18")."""

    values: dict[str, str] = field(default_factory=dict)
    locals: dict[EdgeKey, str] = field(default_factory=dict)
    gradients: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values or self.locals or self.gradients)


@dataclass(frozen=True)
class _Pass:
    values: dict[str, Any]  # float, or Real in a context's precision
    locals: dict[EdgeKey, Any]
    gradients: dict[str, Any]


def rounded_numbers(graph: Graph) -> Rounded:
    """The values, local derivatives and gradients of `graph` that float64 rounded onto 0 or
    ±1 (gradients: onto 0), against the exact ones."""
    floats = _Pass(
        {n.key: n.value for n in graph.nodes if n.kind not in ("input", "constant")},
        {(e.source, e.target, e.position): e.local for e in graph.edges},
        {s.node: s.gradient for s in graph.steps},
    )
    pending = _Pass(
        {k: v for k, v in floats.values.items() if v in SPECIAL},
        {k: v for k, v in floats.locals.items() if v in SPECIAL},
        {k: v for k, v in floats.gradients.items() if v == 0},
    )
    found = Rounded()
    for digits in (DIGITS, WIDE_DIGITS):
        if not (pending.values or pending.locals or pending.gradients):
            break
        ctx = context(digits)
        exact = _exact_pass(ctx, graph)
        if exact is None:
            break
        _compare(ctx, pending.values, exact.values, found.values)
        _compare(ctx, pending.locals, exact.locals, found.locals)
        _compare(ctx, pending.gradients, exact.gradients, found.gradients)
    return found


def gradient_signs(graph: Graph, scales: Mapping[str, float]) -> dict[str, int]:
    """The sign of every node's exact gradient (`exact_gradients`'), −1, 0 or 1."""
    return {key: (value > 0) - (value < 0) for key, value in exact_gradients(graph, scales).items()}


def exact_gradients(graph: Graph, scales: Mapping[str, float]) -> dict[str, float]:
    """Every node's exact gradient as the nearest float: in DIGITS digits, and in WIDE_DIGITS
    where that is 0 or its own rounding beside the node's `scales`; 0 where the wide pass finds
    0 too, or where an exact pass leaves a domain (one below float64's range keeps its sign as
    the smallest float). A gradient float64 leaves as residue or rounds to 0 (softmax's ∂L/∂e1
    at z1 = 40, −(e2 + e3)/(e1·S) ≈ −6.9e-35, is 0.0; σ′(40) = 4.2e-18 is 0.0 too, σ(40)
    rounding to 1) takes its value and sign from here."""
    signs: dict[str, float] = {}
    pending = [step.node for step in graph.steps]
    for digits in (DIGITS, WIDE_DIGITS):
        ctx = context(digits)
        exact = _exact_pass(ctx, graph)
        if exact is None:
            break
        for key in list(pending):
            gradient = exact.gradients[key]
            if gradient != 0 and not is_noise(ctx, gradient, digits, scales, key):
                signs[key] = float(gradient) or (5e-324 if gradient > 0 else -5e-324)
                pending.remove(key)
        if not pending:
            break
    return {step.node: signs.get(step.node, 0.0) for step in graph.steps}


def _compare(
    ctx: Any, wanted: dict[K, float], exact: Mapping[K, Real], shown: dict[K, str]
) -> None:
    """Move each of `wanted` whose exact number differs from its float one into `shown`."""
    for key, value in list(wanted.items()):
        if exact[key] != value:
            shown[key] = _text(ctx, value, exact[key] - value)
            del wanted[key]


def _text(ctx: Any, value: float, offset: Real) -> str:
    """The exact number to two figures; beside ±1, as ±1 and how far from it (1 − 8.5 ×
    10⁻¹⁸), written as the pages write numbers."""
    if value == 0 or abs(offset) >= NEAR:
        return page_form(str(ctx.nstr(value + offset, 2)))
    sign = "+" if offset > 0 else "−"
    return f"{shown_number(value, 6)} {sign} {page_form(str(ctx.nstr(abs(offset), 2)))}"


def _exact_pass(
    ctx: Any, graph: Graph, inputs: Mapping[str, Real] | None = None, *, held: bool = False
) -> _Pass | None:
    """Every value, local derivative and gradient in `ctx`'s precision, from the float64
    inputs and constants (None where the exact pass leaves a domain the float pass kept to).
    `inputs` replaces some leaves' values (an input's typed decimal, a constant's written
    one); `held` keeps each
    ReLU and max gate on the side the float pass took (a typed 0.1 against a constant 0.1 is
    a tie there, as the page shows it, not a winner by the constant's float rounding)."""
    values: dict[str, Real] = {}
    locals_: dict[EdgeKey, Real] = {}
    try:
        for node in graph.nodes:
            if node.kind in ("input", "constant"):
                if not math.isfinite(node.value):
                    return None
                values[node.key] = (inputs or {}).get(node.key, ctx.mpf(node.value))
                continue
            if held and node.kind in ("relu", "max"):
                by_position = {e.position: e.local for e in graph.edges_into(node.key)}
                slopes = [ctx.mpf(by_position[i]) for i in range(len(node.inputs))]
                values[node.key] = ctx.fsum(
                    slope * values[key] for slope, key in zip(slopes, node.inputs, strict=True)
                )
                for i, slope in enumerate(slopes):
                    locals_[(node.inputs[i], node.key, i)] = slope
                continue
            size = len(node.inputs)
            args = [
                Dual(values[key], tuple(ctx.one if j == i else ctx.zero for j in range(size)))
                for i, key in enumerate(node.inputs)
            ]
            out = _apply(ctx, node, args)
            values[node.key] = out.value
            for i, key in enumerate(node.inputs):
                locals_[(key, node.key, i)] = out.tangent[i]
    except (ArithmeticError, ValueError, TypeError):
        return None
    gradients: dict[str, Real] = {graph.output: ctx.one}
    for node in reversed(graph.nodes):
        if node.key == graph.output or node.is_constant:
            continue
        gradients[node.key] = ctx.fsum(
            gradients[e.target] * locals_[(e.source, e.target, e.position)]
            for e in graph.edges
            if e.source == node.key
        )
    return _Pass(values, locals_, gradients)


def exact_pass(
    ctx: Any, graph: Graph, inputs: Mapping[str, Real] | None = None
) -> tuple[dict[str, Real], dict[EdgeKey, Real], dict[str, Real]] | None:
    """`graph`'s values, local derivatives and gradients in `ctx`'s precision, with `inputs`
    in place of those leaves' floats (inputs or constants) and each ReLU and max gate on the
    float pass's side; None where the pass leaves a domain."""
    found = _exact_pass(ctx, graph, inputs, held=True)
    return None if found is None else (found.values, found.locals, found.gradients)


def _apply(ctx: Any, node: Node, args: list[Dual]) -> Dual:
    if node.kind in _ARITHMETIC:
        return combine(_ARITHMETIC[node.kind], args[0], args[1])
    if node.kind == "neg":
        return args[0].scaled(-args[0].value, -ctx.one)
    if node.kind == "pow":
        return power(ctx, args[0], ctx.mpf(node.exponent))
    return call(ctx, node.kind, args)

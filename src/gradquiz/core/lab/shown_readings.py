"""How far a gradient worked from the page's shown figures may be off, over consistent
readings of them.

The page shows each computed value to four significant figures; a learner working from them
reads each one as some number within its rounding (half a unit in its last figure), and the
same number wherever it is used. Every local derivative then follows from those values by the
gate's own rule (1/S, −e1/S², σ(1 − σ), …), and the gradients by the backward pass. The band
for a node is the farthest its gradient gets from the float's over every reading: softmax's
∂L/∂z1 at z1 = 40, z2 = 1, z3 = 0.1 is e1/(p1·S) · (e1/S − 1), and with e1 and S each read
within 2.354 × 10¹⁷'s rounding it stays within about 4.3 × 10⁻⁴ of 0. Counting each use of a
shown value as rounded on its own, as before, let 10⁻³ through.

The page also shows every local derivative to four figures, and a consistent reading agrees
with those too: σ(10) shows as 1, but the edge beside it shows σ′ = 4.54 × 10⁻⁵, so no
reading takes a as exactly 1 and σ′ as 0. Every consistent reading gives each local derivative
a number within the rounding of the one its edge shows, so the gradient over those (each read
on its own) bounds them as well; the band is the smaller of the two. At softmax's z1 = 40
the edges show 1/S and −e1/S² as ±4.248 × 10⁻¹⁸, which leaves about 2.4 × 10⁻⁴.

Each gradient is, over so small a box (a relative half-width of at most 5 × 10⁻⁴), monotone in
each value it reads, so its farthest reading is a corner of the box: all corners are worked
where there are at most CORNER_VALUES rounded values, else each value at either end with the
others as the float has them, the moves added up (the first-order bound).
"""

import contextlib
import itertools
import math
from collections.abc import Sequence

from gradquiz.core.lab.graphs import Graph
from gradquiz.core.lab.operations import OPERATIONS
from gradquiz.core.lab.scales import half_unit
from gradquiz.core.lab.scales import shown_rounding as each_use_rounded

FIGURES = 4
CORNER_VALUES = 6  # 2⁶ readings at most


def shown_rounding(graph: Graph, figures: int = FIGURES) -> dict[str, float]:
    """For each node that takes a gradient, the farthest a consistent reading of the shown
    values (each within half a unit in its last of `figures` figures) moves its gradient
    from the float one; 0 where no rounded value reaches it (inputs and constants are shown
    as typed)."""
    ends = {
        node.key: half_unit(node.value, figures)
        for node in graph.nodes
        if node.kind not in ("input", "constant")
        and math.isfinite(node.value)
        and float(f"{node.value:.{figures}g}") != node.value
    }
    try:
        by_values = _farthest(graph, ends)
    except (ArithmeticError, ValueError):
        # A reading that overflows float64: each use of a shown value counted as rounded on
        # its own, wider than any consistent reading.
        by_values = each_use_rounded(graph, figures)
    by_locals = _farthest_by_locals(graph, figures)
    return {key: min(slack, by_locals.get(key, slack)) for key, slack in by_values.items()}


def _farthest_by_locals(graph: Graph, figures: int) -> dict[str, float]:
    """The farthest each gradient gets from the float's with each shown local derivative read
    on its own within its rounding: every consistent reading of the page is one of these, as
    every local derivative it gives lies within the rounding of the one the edge shows."""
    ends: dict[tuple[str, str, int], tuple[float, float]] = {}
    for e in graph.edges:
        shown = float(f"{e.local:.{figures}g}") if math.isfinite(e.local) else e.local
        if shown != e.local:  # the ends of the shown figure's rounding, from the float
            half = half_unit(e.local, figures)
            ends[(e.source, e.target, e.position)] = (
                shown - half - e.local,
                shown + half - e.local,
            )
    backward = _Backward(graph)
    centre = backward.gradients({})
    slack = dict.fromkeys(centre, 0.0)
    if not ends:
        return slack
    if len(ends) <= CORNER_VALUES:
        corners = itertools.product(*ends.values())
        groups = [[dict(zip(ends, shifts, strict=True)) for shifts in corners]]
    else:  # the gradient is linear in each local derivative: the moves add
        groups = [[{edge: low}, {edge: high}] for edge, (low, high) in ends.items()]
    for group in groups:
        moved = dict.fromkeys(centre, 0.0)
        for shifts in group:
            gradients = backward.gradients({}, shifts)
            for key, value in gradients.items():
                moved[key] = max(moved[key], abs(value - centre[key]))
        for key in slack:
            slack[key] = slack[key] + moved[key] if len(groups) > 1 else moved[key]
    if not all(math.isfinite(value) for value in slack.values()):
        return dict.fromkeys(centre, math.inf)  # no bound from the local derivatives
    return slack


def _farthest(graph: Graph, ends: dict[str, float]) -> dict[str, float]:
    """The farthest each gradient gets from the float's over the readings of `ends`."""
    backward = _Backward(graph)
    centre = backward.gradients({})
    slack = dict.fromkeys(centre, 0.0)
    if not ends:
        return slack
    readings: list[list[dict[str, float]]]
    if len(ends) <= CORNER_VALUES:
        corners = itertools.product(*[(-h, h) for h in ends.values()])
        readings = [[dict(zip(ends, signs, strict=True)) for signs in corners]]
    else:
        readings = [[{key: -h}, {key: h}] for key, h in ends.items()]
    for group in readings:
        moved = dict.fromkeys(centre, 0.0)
        for shifts in group:
            gradients = backward.gradients(shifts)
            for key, value in gradients.items():
                moved[key] = max(moved[key], abs(value - centre[key]))
        for key in slack:  # corners: the farthest one; one value at a time: the moves add
            slack[key] = slack[key] + moved[key] if len(readings) > 1 else moved[key]
    if not all(math.isfinite(value) for value in slack.values()):
        raise ArithmeticError("a reading overflows float64")
    return slack


class _Backward:
    """The backward pass of one graph, its edges gathered once, for many readings."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        by_target: dict[str, list[tuple[int, tuple[str, str, int], float]]] = {}
        by_source: dict[str, list[tuple[str, tuple[str, str, int]]]] = {}
        for e in graph.edges:
            key = (e.source, e.target, e.position)
            by_target.setdefault(e.target, []).append((e.position, key, e.local))
            by_source.setdefault(e.source, []).append((e.target, key))
        self.into = {target: sorted(edges) for target, edges in by_target.items()}
        self.out_of = by_source
        self.order = [
            node.key
            for node in reversed(graph.nodes)
            if node.key != graph.output and not node.is_constant
        ]

    def gradients(
        self,
        shifts: dict[str, float],
        local_shifts: dict[tuple[str, str, int], float] | None = None,
    ) -> dict[str, float]:
        """The backward pass with each value in `shifts` read that much off the float's,
        and every local derivative from the values as read (a ReLU or max gate on the
        float's side), or, for an edge in `local_shifts`, the float's local read that much
        off."""
        graph = self.graph
        value = {n.key: n.value + shifts.get(n.key, 0.0) for n in graph.nodes}
        local: dict[tuple[str, str, int], float] = {}
        for gate in graph.nodes:
            if not gate.inputs:
                continue
            edges = self.into[gate.key]
            slopes: Sequence[float] = [e[2] for e in edges]
            if gate.kind not in ("relu", "max"):
                args = [value[key] for key in gate.inputs]
                with contextlib.suppress(ArithmeticError, ValueError):  # else the float's
                    slopes = OPERATIONS[gate.kind].local(args, value[gate.key], gate.exponent)
            for (_, edge, float_slope), slope in zip(edges, slopes, strict=True):
                local[edge] = slope
                if local_shifts and edge in local_shifts:
                    local[edge] = float_slope + local_shifts[edge]
        gradient = {graph.output: 1.0}
        for key in self.order:
            gradient[key] = math.fsum(
                gradient[target] * local[edge] for target, edge in self.out_of[key]
            )
        return gradient

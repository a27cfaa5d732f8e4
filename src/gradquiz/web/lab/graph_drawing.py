"""A computational graph as SVG, laid out left to right with networkx, drawn on the server.

Each node shows its name, operation, forward value and (once the backward pass reaches it)
its gradient; each edge shows its local derivative. The step being shown is highlighted:
the node receiving its gradient, the edges it reads and the consumers upstream of it.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from gradquiz.core.lab.graphs import Graph, Node
from gradquiz.core.lab.numbers import shown_number, written_number

COLUMN = 186  # px between layers: room for a local derivative on every edge
ROW = 88  # px between nodes of one layer
BOX_WIDTH, BOX_HEIGHT = 116, 66
CONSTANT_WIDTH, CONSTANT_HEIGHT = 56, 30
MARGIN = 16
# Drawn at this scale and never shrunk further: a wide graph scrolls in its box instead of
# shrinking its text out of legibility.
SCALE = 0.8


def number(value: float, figures: int = 4, kept: bool = False) -> str:
    """A value as the lab shows it: four significant figures (or `figures`, their trailing
    zeros `kept`), no negative zero, and a minus sign (U+2212) rather than a hyphen, as the
    practice pages write it (a number copied into a lab field with it is read as negative)."""
    return shown_number(value, figures, kept=kept)


def shown_inexactly(value: float, figures: int = 4) -> bool:
    """Whether `value` as the tables show it (`figures` significant figures) is another number:
    compared as numbers, not as text (−0.5 with its minus sign read as no number, and the page
    said −0.5 is "exactly -0.5, not −0.5")."""
    return math.isfinite(value) and float(f"{value:.{figures}g}") != value


def node_value(node: Node) -> str:
    """A node's value as shown: an input as read, every digit typed (-0.99999, never a rounded
    -1), so that a gradient worked from the inputs is exact; a computed value to four
    figures."""
    return written_number(node.value) if node.kind == "input" else number(node.value)


@dataclass(frozen=True)
class Placed:
    """A node's centre on the canvas."""

    x: float
    y: float


def _layers(graph: Graph) -> dict[str, int]:
    """Operations one column right of their latest input; leaves just left of their first use."""
    layer: dict[str, int] = {}
    for node in graph.nodes:
        layer[node.key] = 1 + max((layer[i] for i in node.inputs), default=-1)
    for node in graph.nodes:
        if not node.inputs:
            consumers = [layer[e.target] for e in graph.edges_out_of(node.key)]
            layer[node.key] = min(consumers, default=1) - 1
    lowest = min(layer.values())
    return {key: value - lowest for key, value in layer.items()}


def layout(graph: Graph) -> dict[str, Placed]:
    """Pixel positions: columns by layer, nodes in a column ordered by where their consumers sit."""
    import networkx as nx  # only lab pages need it; the exam's workers never load it

    layers = _layers(graph)
    rank: dict[str, float] = {graph.output: 0.0}
    # Right to left, each node takes the mean rank of where it enters its consumers (first
    # input above the second), so edges cross less and w sits above x in w*x.
    for node in reversed(graph.nodes):
        entries = [
            rank[e.target] + 0.1 * (e.position - (len(graph.by_key[e.target].inputs) - 1) / 2)
            for e in graph.edges_out_of(node.key)
            if e.target in rank
        ]
        rank.setdefault(node.key, sum(entries) / len(entries) if entries else 0.0)
    columns: dict[int, list[str]] = {}
    for node in sorted(graph.nodes, key=lambda n: (layers[n.key], rank[n.key])):
        columns.setdefault(layers[node.key], []).append(node.key)
    drawing = nx.DiGraph()
    drawing.add_nodes_from(node.key for node in graph.nodes)
    drawing.add_edges_from((e.source, e.target) for e in graph.edges)
    assert nx.is_directed_acyclic_graph(drawing)
    # Layers given as lists keep their order; as node attributes networkx groups them in sets,
    # whose order changes from one process to the next.
    positions = nx.multipartite_layout(drawing, subset_key=columns, scale=1)
    xs = sorted({round(float(p[0]), 9) for p in positions.values()})
    unit = (xs[1] - xs[0]) if len(xs) > 1 else 1.0  # the layout is scaled uniformly
    tallest = max(list(layers.values()).count(layer) for layer in set(layers.values()))
    top = MARGIN + BOX_HEIGHT / 2 + (tallest - 1) * ROW / 2
    return {
        key: Placed(
            MARGIN + BOX_WIDTH / 2 + (float(p[0]) - xs[0]) / unit * COLUMN,
            top + float(p[1]) / unit * ROW,
        )
        for key, p in positions.items()
    }


# The graph box's inner width on a wide screen (the page's 62rem less its padding): a graph
# drawn wider than this is clipped at every screen width, and says so without JavaScript.
BOX_INNER_WIDTH = 880


def drawn_width(svg: str) -> int:
    """The width in CSS pixels a graph from `draw_graph` is drawn at."""
    match = re.search(r'<svg class="lab-graph"[^>]* width="(\d+)"', svg)
    return int(match.group(1)) if match else 0


def draw_graph(
    graph: Graph,
    gradients: Mapping[str, float],
    *,
    current: str | None = None,
    hidden_gradients: bool = False,
    title: str = "Computational graph",
) -> str:
    """The graph as an inline SVG element (escaped; safe to mark as such in a template)."""
    places = layout(graph)
    width = max(p.x for p in places.values()) + BOX_WIDTH / 2 + MARGIN
    height = max(p.y for p in places.values()) + BOX_HEIGHT / 2 + MARGIN
    consumers = {e.target for e in graph.edges_out_of(current)} if current else set()
    parts = [
        f'<svg class="lab-graph" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width * SCALE:.0f}" height="{height * SCALE:.0f}" role="img" '
        'aria-labelledby="graph-title graph-desc">',
        f'<title id="graph-title">{escape(title)}</title>',
        '<desc id="graph-desc">Nodes with their forward values and gradients, edges with '
        "their local derivatives. The tables below list the same values.</desc>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ]
    parts.extend(_edges(graph, places, current))
    for node in graph.nodes:
        classes = ["node", node.kind if node.kind in ("input", "constant") else "operation"]
        if node.key == current:
            classes.append("current")
        elif node.key in consumers:
            classes.append("upstream")
        gradient = None if hidden_gradients else gradients.get(node.key)
        parts.append(_node(node, places[node.key], " ".join(classes), gradient))
    parts.append("</svg>")
    return "".join(parts)


def _edges(graph: Graph, places: Mapping[str, Placed], current: str | None) -> list[str]:
    parts = []
    seen: dict[tuple[str, str], int] = {}
    for edge in graph.edges:
        start, end = places[edge.source], places[edge.target]
        repeat = seen.get((edge.source, edge.target), 0)
        seen[(edge.source, edge.target)] = repeat + 1
        bend = 18 * repeat * (1 if repeat % 2 else -1)  # a second x in x*x curves apart
        x1 = start.x + _half_width(graph.by_key[edge.source])
        x2 = end.x - BOX_WIDTH / 2 - 2
        y1, y2 = (
            start.y,
            end.y + (edge.position - (len(graph.by_key[edge.target].inputs) - 1) / 2) * 12,
        )
        active = " active" if edge.source == current else ""
        if x2 - x1 > COLUMN:
            # An edge that skips a layer runs straight at its source's height past the layers
            # in between, and turns only in the last gap, so it does not cross their nodes.
            turn = x2 - 0.68 * COLUMN
            path = (
                f"M{x1:.1f},{y1:.1f} L{turn:.1f},{y1 + bend:.1f} C{x2 - 0.3 * COLUMN:.1f},"
                f"{y1 + bend:.1f} {x2 - 0.3 * COLUMN:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
            )
            label_x, label_y = (x1 + turn) / 2, y1 + bend - 5
        else:
            middle = (x1 + x2) / 2
            path = (
                f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1 + bend:.1f} {middle:.1f},{y2 + bend:.1f} "
                f"{x2:.1f},{y2:.1f}"
            )
            label_x, label_y = middle, (y1 + y2) / 2 + bend * 0.75 - 5
        parts.append(f'<path class="edge{active}" d="{path}" marker-end="url(#arrow)"/>')
        parts.append(
            f'<text class="edge-label{active}" x="{label_x:.1f}" y="{label_y:.1f}" '
            f'text-anchor="middle">{escape(number(edge.local))}</text>'
        )
    return parts


def _half_width(node: Node) -> float:
    return (CONSTANT_WIDTH if node.is_constant else BOX_WIDTH) / 2


def _node(node: Node, place: Placed, classes: str, gradient: float | None) -> str:
    if node.is_constant:
        return (
            f'<g class="{classes}"><rect x="{place.x - CONSTANT_WIDTH / 2:.1f}" '
            f'y="{place.y - CONSTANT_HEIGHT / 2:.1f}" width="{CONSTANT_WIDTH}" '
            f'height="{CONSTANT_HEIGHT}" rx="15"/><text x="{place.x:.1f}" y="{place.y + 5:.1f}" '
            f'text-anchor="middle" class="value">{escape(number(node.value))}</text></g>'
        )
    left, top = place.x - BOX_WIDTH / 2, place.y - BOX_HEIGHT / 2
    symbol = f' <tspan class="op">{escape(node.symbol)}</tspan>' if node.symbol else ""
    shown = "" if gradient is None else number(gradient)
    value = node_value(node)
    return (
        f'<g class="{classes}"><rect x="{left:.1f}" y="{top:.1f}" width="{BOX_WIDTH}" '
        f'height="{BOX_HEIGHT}" rx="8"/>'
        f'<text x="{place.x:.1f}" y="{top + 18:.1f}" text-anchor="middle" class="caption">'
        f'<tspan class="name">{escape(node.key)}</tspan>{symbol}</text>'
        f'<text x="{place.x:.1f}" y="{top + 37:.1f}" text-anchor="middle" class="value"'
        f"{_fitted(value)}>{escape(value)}</text>"
        f'<text x="{place.x:.1f}" y="{top + 55:.1f}" text-anchor="middle" class="gradient">'
        f"{'grad ' + escape(shown) if shown else ''}</text></g>"
    )


# Characters of a value that fit a node's box at the graph's font size; a longer one (an input
# typed with 16 digits, every one of them shown) is drawn narrower to fit, not cut short.
FITS = 11


def _fitted(text: str) -> str:
    """The attributes that draw `text` within a node's box when it is too long to fit."""
    if len(text) <= FITS:
        return ""
    return f' textLength="{BOX_WIDTH - 10}" lengthAdjust="spacingAndGlyphs"'


_INFIX = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}


def computes(graph: Graph, node: Node) -> str:
    """What a node computes, in words a table can show ("w × x", "sigmoid(z)")."""
    names = [
        number(graph.by_key[key].value) if graph.by_key[key].is_constant else key
        for key in node.inputs
    ]
    if node.kind in ("input", "constant"):
        return node.kind
    if node.kind in _INFIX:
        return f" {_INFIX[node.kind]} ".join(names)
    if node.kind == "neg":
        return f"−{names[0]}"
    if node.kind == "pow":
        return f"{names[0]}**{node.exponent:g}"
    return f"{node.kind}({', '.join(names)})"

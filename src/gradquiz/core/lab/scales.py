"""How large each gradient is made of: a bound on the size of the terms that give it.

A gradient of 10⁻¹⁷ may be a real value or what is left when two terms of size 1 cancel in
float64 arithmetic; only the size of the terms tells them apart. The bound is a backward pass
over sizes, never over signs: every forward value is replaced by a bound on the size of what
it was computed from (|a| + |b| for a − b, not |a − b|), and every local derivative by its
largest size over those bounds (1 for a ReLU or a max gate, whose slope is 0 or 1). It is at
least as large as the gradient itself. The lab uses it to tell rounding residue from a value
(`residue`).
"""

import math

from gradquiz.core.lab.graphs import Edge, Graph, Node

# float64 keeps 53 bits (ε ≈ 1.1e-16); 64ε covers the roundings of a lab graph's ≤ 60 parts.
RESIDUE = 64 * 2.0**-52


def magnitudes(graph: Graph) -> dict[str, float]:
    """For each node, a bound on the size of the values its value was computed from."""
    size: dict[str, float] = {}
    for node in graph.nodes:
        args = [size[key] for key in node.inputs]
        values = [graph.by_key[key].value for key in node.inputs]
        if node.kind in ("add", "sub"):
            bound = args[0] + args[1]
        elif node.kind == "mul":
            bound = args[0] * args[1]
        elif node.kind == "div":
            bound = args[0] / abs(values[1])
        elif node.kind in ("neg", "relu"):
            bound = args[0]
        elif node.kind == "max":
            bound = max(args)
        elif node.kind == "pow" and node.exponent > 0:
            bound = _power(args[0], node.exponent)
        else:  # inputs, constants and the functions whose value is its own size
            bound = abs(node.value)
        size[node.key] = _finite(bound, abs(node.value))
    return size


def gradient_scales(graph: Graph) -> dict[str, float]:
    """For each node that takes a gradient, a bound on the size of the terms it is the sum of."""
    size = magnitudes(graph)
    scale = {graph.output: 1.0}
    for node in reversed(graph.nodes):
        if node.key == graph.output or node.is_constant:
            continue
        edges = graph.edges_out_of(node.key)
        total = sum(scale[edge.target] * local_size(graph, edge, size) for edge in edges)
        scale[node.key] = _finite(total, abs(graph.gradients[node.key]))
    return scale


def local_size(graph: Graph, edge: Edge, size: dict[str, float]) -> float:
    """The largest size an edge's local derivative can have over the bounds of the inputs."""
    target = graph.by_key[edge.target]
    kind = target.kind
    if kind in ("add", "sub", "neg", "relu", "max"):
        return 1.0
    other = target.inputs[1 - edge.position] if kind in ("mul", "div") else None
    if kind == "mul" and other is not None:
        return size[other]
    if kind == "div" and other is not None:
        divisor = abs(graph.by_key[target.inputs[1]].value)
        return 1 / divisor if edge.position == 0 else size[other] / divisor / divisor
    if kind == "pow" and target.exponent >= 1:
        return abs(target.exponent) * _power(size[edge.source], target.exponent - 1)
    return abs(edge.local)


def shown_rounding(graph: Graph, figures: int = 4) -> dict[str, float]:
    """For each node that takes a gradient, how far a gradient worked by hand from values
    shown to `figures` significant figures may be off: half a unit in the last shown figure
    of each term upstream × local, plus the consumer's own such error times the local
    derivative. Inputs and constants are shown as typed, so a term is exact when its
    upstream gradient is and its local derivative is a number or a leaf (+, −, and × by an
    input): at y = -0.99999, f = x*y + x gives ∂f/∂x = y + 1 = 1e-5 exactly, and no rounding
    may turn its sign. A term with a computed node's value in it (σ(1 − σ)) is known only to
    the shown figures."""
    leaves = {node.key for node in graph.nodes if node.kind in ("input", "constant")}
    error = {graph.output: 0.0}
    for node in reversed(graph.nodes):
        if node.key == graph.output or node.is_constant:
            continue
        total = 0.0
        for edge in graph.edges_out_of(node.key):
            term = graph.gradients[edge.target] * edge.local
            if error[edge.target] or not _exact_local(graph.by_key[edge.target], edge, leaves):
                total += half_unit(term, figures)
            total += error[edge.target] * abs(edge.local)
        error[node.key] = total if math.isfinite(total) else 0.0
    return error


def _exact_local(target: Node, edge: Edge, leaves: set[str]) -> bool:
    """Whether `edge`'s local derivative follows exactly from numbers the page shows as typed:
    ±1 for a sum or difference, the other factor of a product when that is an input."""
    if target.kind in ("add", "sub", "neg"):
        return True
    if target.kind == "mul":
        return target.inputs[1 - edge.position] in leaves
    return False


def half_unit(value: float, figures: int = 4) -> float:
    """Half a unit in the last of `figures` significant figures of `value` (0 for 0)."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - figures + 1)


def residue(value: float, scale: float) -> bool:
    """Whether `value` is too small beside `scale` to be told from 0 in float64."""
    return abs(value) <= RESIDUE * scale


def _power(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return math.inf


def _finite(bound: float, fallback: float) -> float:
    return bound if math.isfinite(bound) and bound >= fallback else max(fallback, 0.0)

"""Computational graphs: nodes with forward values, edges with local derivatives, and the
backward pass as steps in reverse topological order with running sums at fan-outs.

A graph is built from a program: named assignments such as the worked example's neuron
(z = w*x + b; a = sigmoid(z); L = 0.5*(y - a)**2), each parsed by the safe parser. The last
assignment is the output, whose gradient is seeded with 1.
"""

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from gradquiz.core.lab.expressions import (
    BinaryOp,
    Call,
    Expr,
    ExpressionError,
    Name,
    Negate,
    Number,
    Power,
    children,
    parse_expression,
)
from gradquiz.core.lab.numbers import about_power_of_ten, shown_number, shown_size
from gradquiz.core.lab.operations import (
    BINARY_KINDS,
    OPERATIONS,
    TOO_LARGE,
    DomainError,
    LocalDerivativeTooLarge,
    NoDerivative,
    apply,
    forward,
)

Program = tuple[tuple[str, Expr], ...]
LARGEST = shown_size(sys.float_info.max)  # "the largest float, about 1.8 × 10³⁰⁸"


@dataclass(frozen=True)
class Node:
    """A value in the graph: an input, a constant, or the output of one operation."""

    key: str
    kind: str  # "input", "constant", or an operation's kind
    inputs: tuple[str, ...]
    value: float
    exponent: float = 0.0  # only for "pow"
    named: bool = False  # named by the program (z, a, L) rather than numbered (t1, t2)
    written: str = ""  # a constant worked out from numbers: the part as written ("0.1 + 0.2")

    @property
    def is_constant(self) -> bool:
        """Constants take no gradient."""
        return self.kind == "constant"

    @property
    def symbol(self) -> str:
        """What the node's shape shows for its operation."""
        if self.kind in ("input", "constant"):
            return ""
        if self.kind == "pow":
            return f"**{self.exponent:g}"
        return OPERATIONS[self.kind].symbol


@dataclass(frozen=True)
class Edge:
    """An input of a node: its local derivative ∂target/∂source and the rule that gave it."""

    source: str
    target: str
    position: int
    local: float
    rule: str


@dataclass(frozen=True)
class Contribution:
    """One consumer's share of a node's gradient: upstream × local, and the running sum."""

    consumer: str
    upstream: float
    local: float
    product: float
    running: float


@dataclass(frozen=True)
class BackwardStep:
    """A node receiving its gradient: the sum of its consumers' contributions (1 at the output)."""

    number: int
    node: str
    contributions: tuple[Contribution, ...]
    gradient: float

    @property
    def fans_out(self) -> bool:
        """Whether several branches add up here."""
        return len(self.contributions) > 1

    @property
    def consumers(self) -> tuple[str, ...]:
        """The nodes that use this one, each once, in the order of the contributions; fewer
        than the contributions where one node uses it twice (x*x, a + a)."""
        return tuple(dict.fromkeys(c.consumer for c in self.contributions))


@dataclass(frozen=True)
class Graph:
    """A computational graph with its forward values and its backward pass."""

    nodes: tuple[Node, ...]  # topological order: every node after its inputs
    edges: tuple[Edge, ...]
    output: str
    steps: tuple[BackwardStep, ...]  # output first, then reverse topological order

    @cached_property
    def by_key(self) -> dict[str, Node]:
        """Nodes by key."""
        return {node.key: node for node in self.nodes}

    @cached_property
    def gradients(self) -> dict[str, float]:
        """∂output/∂node for every node that takes a gradient."""
        return {step.node: step.gradient for step in self.steps}

    @property
    def inputs(self) -> tuple[str, ...]:
        """The graph's input variables, in the order they first appear."""
        return tuple(node.key for node in self.nodes if node.kind == "input")

    def edges_into(self, key: str) -> tuple[Edge, ...]:
        """The edges from a node's inputs."""
        return tuple(edge for edge in self.edges if edge.target == key)

    def edges_out_of(self, key: str) -> tuple[Edge, ...]:
        """The edges to a node's consumers."""
        return tuple(edge for edge in self.edges if edge.source == key)

    def use_of(self, edge: Edge) -> tuple[int, int]:
        """Which use of its source `edge` is at its target (0 for the first) and how many
        there are: x*x has two edges x → t1, each one use, whose local derivatives add up."""
        same = [e for e in self.edges if (e.source, e.target) == (edge.source, edge.target)]
        return same.index(edge), len(same)

    def repeated_uses(self) -> tuple[tuple[str, str, tuple[float, ...]], ...]:
        """For each node that uses one input more than once (x*x, max(x, x)): the input, the
        node and each use's local derivative, in the edges' order."""
        uses: dict[tuple[str, str], list[float]] = {}
        for edge in self.edges:
            if not self.by_key[edge.source].is_constant:
                uses.setdefault((edge.source, edge.target), []).append(edge.local)
        return tuple(
            (source, target, tuple(locals_))
            for (source, target), locals_ in uses.items()
            if len(locals_) > 1
        )

    def step_of(self, key: str) -> BackwardStep:
        """The backward step in which a node gets its gradient."""
        return next(step for step in self.steps if step.node == key)


def parse_program(assignments: Sequence[tuple[str, str]], inputs: Sequence[str]) -> Program:
    """Parse `name = expression` lines; each may read the inputs and the names before it."""
    known = list(inputs)
    program = []
    for name, text in assignments:
        program.append((name, parse_expression(text, known)))
        known.append(name)
    return tuple(program)


class _Builder:
    def __init__(self, values: Mapping[str, float], reserved: set[str]) -> None:
        self.values = values
        self.reserved = reserved | set(values)
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.numbered = 0
        self.constants = 0

    def fresh(self, prefix: str) -> str:
        while True:
            if prefix == "c":
                self.constants += 1
                key = f"c{self.constants}"
            else:
                self.numbered += 1
                key = f"t{self.numbered}"
            if key not in self.reserved:
                return key

    def shown(self, key: str) -> str:
        """How a rule names an input: constants by their value."""
        node = self.nodes[key]
        return f"{node.value:g}" if node.is_constant else key

    def underflow(self, arguments: Sequence[str]) -> str:
        """Why an input is 0 where its true value is not, if an exp before it underflowed."""
        zeros = [key for key in arguments if self.nodes[key].value == 0]
        if not zeros:
            return ""
        seen: set[str] = set()
        pending = list(zeros)
        while pending:
            key = pending.pop()
            node = self.nodes[key]
            if key in seen:
                continue
            seen.add(key)
            if node.kind == "exp" and node.value == 0:
                (source,) = node.inputs
                power = self.nodes[source].value / math.log(10)
                zero = self.shown(zeros[0])
                via = "" if zeros[0] == key else f", so {zero} is 0 too"
                return (
                    f"{key} = exp({self.shown(source)}) underflows to 0 in float64 (it is "
                    f"about {about_power_of_ten(power)}, below the smallest float, about "
                    f"4.9 × 10⁻³²⁴){via}; the true {zero} is not 0, but float64 cannot hold it"
                )
            if (
                node.kind in _UNDERFLOWING
                and node.value == 0
                and all(self.nodes[i].value != 0 for i in node.inputs)
            ):
                # A product, quotient, power or sigmoid of numbers that are not 0 is not 0:
                # e1 / S at z1 = -745 is about 4.9e-324 / 2, which rounds to 0.
                written = written_operation(
                    node.kind, [self.shown(i) for i in node.inputs], node.exponent
                )
                zero = self.shown(zeros[0])
                via = "" if zeros[0] == key else f", so {zero} is 0 too"
                return (
                    f"{key} = {written} underflows to 0 in float64 (none of its inputs is 0, "
                    f"but the result is below the smallest float, about 4.9 × 10⁻³²⁴){via}; the "
                    f"true {zero} is not 0, but float64 cannot hold it"
                )
            pending.extend(node.inputs)
        return ""

    def add(self, tree: Expr, name: str | None = None) -> str:
        if isinstance(tree, Name):
            if tree.name not in self.nodes:
                value = self.values[tree.name]
                self.nodes[tree.name] = Node(tree.name, "input", (), value, named=True)
            return tree.name
        if isinstance(tree, Number):
            key = self.fresh("c")
            self.nodes[key] = Node(key, "constant", (), tree.value, written=tree.written)
            return key
        arguments = tuple(self.add(child) for child in children(tree))
        kind, exponent = _kind(tree)
        key = name or self.fresh("t")
        args = [self.nodes[a].value for a in arguments]
        shown = [self.shown(a) for a in arguments]
        try:
            value, locals_ = apply(OPERATIONS[kind], args, exponent)
        except DomainError as error:
            written = written_operation(kind, shown, exponent)
            reason = self.underflow(arguments) or error.message
            if isinstance(error, LocalDerivativeTooLarge):
                value = forward(OPERATIONS[kind], args, exponent)
                source = arguments[error.position]
                reason = (
                    f"{key} = {shown_number(value)} is a float, but its local derivative "
                    f"∂{key}/∂{source} is too large for a float (above {LARGEST})"
                )
            if kind == "exp" and args[0] > 0 and error.message == TOO_LARGE:
                power = about_power_of_ten(args[0] / math.log(10))
                reason = f"exp({plain_number(args[0])}) is about {power}, above {LARGEST}"
            refusal = NoDerivative if isinstance(error, NoDerivative) else DomainError
            raise refusal(f"At {key} = {written}: {reason}.") from None
        rules = OPERATIONS[kind].rules(shown, key, exponent)
        self.nodes[key] = Node(key, kind, arguments, value, exponent, named=name is not None)
        self.edges.extend(
            Edge(source, key, position, local, rule)
            for position, (source, local, rule) in enumerate(
                zip(arguments, locals_, rules, strict=True)
            )
        )
        return key


def plain_number(value: float) -> str:
    """A number (a power of 10, an exp's argument) as a message writes it: -347.4 to four
    figures, and -434294 whole once it has more digits than that (not -4.343e+05), with no
    thousands commas, which the value fields refuse as ambiguous (1,000 or 1.000?)."""
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"


_INFIX = {"add": "+", "sub": "−", "mul": "×", "div": "/"}
# Operations whose result is 0 in float64 only by underflow when no input is 0.
_UNDERFLOWING = frozenset({"mul", "div", "pow", "sigmoid"})


def written_operation(kind: str, inputs: Sequence[str], exponent: float) -> str:
    """An operation as the learner would write it, with its inputs: "e1 / S", "log(p1)"."""
    if kind in _INFIX:
        return f"{inputs[0]} {_INFIX[kind]} {inputs[1]}"
    if kind == "neg":
        return f"−{inputs[0]}"
    if kind == "pow":
        return f"{inputs[0]}**{exponent:g}"
    return f"{kind}({', '.join(inputs)})"


def _kind(tree: Expr) -> tuple[str, float]:
    match tree:
        case BinaryOp(op=op):
            return BINARY_KINDS[op], 0.0
        case Negate():
            return "neg", 0.0
        case Power(exponent=exponent):
            return "pow", exponent.value
        case Call(function=function):
            return function, 0.0
    raise ValueError(f"not an operation: {tree!r}")


def build_graph(program: Program, values: Mapping[str, float]) -> Graph:
    """The graph of `program` at `values`: forward values, local derivatives, backward steps."""
    builder = _Builder(values, {name for name, _ in program})
    output = ""
    for name, tree in program:
        if isinstance(tree, Name | Number):
            # A graph of one leaf has no edge to differentiate along: the rule is stated.
            alone = tree.name if isinstance(tree, Name) else tree.text
            raise ExpressionError(
                f"{name} has no operation in it (it is just {alone}); the lab draws graphs of "
                "at least one operation, such as x*y or sigmoid(x) (for the identity write 1*x)",
                tree.column or 1,
            )
        output = builder.add(tree, name)
    nodes = tuple(builder.nodes.values())
    edges = tuple(builder.edges)
    return Graph(nodes, edges, output, _backward(nodes, edges, output))


def _backward(
    nodes: Sequence[Node], edges: Sequence[Edge], output: str
) -> tuple[BackwardStep, ...]:
    gradients: dict[str, float] = {output: 1.0}
    steps = [BackwardStep(1, output, (), 1.0)]
    for node in reversed(nodes):
        if node.key == output or node.is_constant:
            continue
        running = 0.0
        contributions = []
        for edge in edges:
            if edge.source != node.key:
                continue
            upstream = gradients[edge.target]
            product = upstream * edge.local
            running += product
            contributions.append(Contribution(edge.target, upstream, edge.local, product, running))
        gradients[node.key] = running
        steps.append(BackwardStep(len(steps) + 1, node.key, tuple(contributions), running))
    return tuple(steps)


def forward_value(program: Program, values: Mapping[str, float]) -> float:
    """The output's value alone (for finite differences), by the same forward rules.

    No graph is built (no nodes, edges, local derivatives or rules), so the 2 × inputs
    evaluations of a centred difference cost a fraction of the graph itself."""
    env = dict(values)
    for name, tree in program:
        env[name] = _value(tree, env, None)
    return env[program[-1][0]]


def gate_choices(program: Program, values: Mapping[str, float]) -> tuple[tuple[str, int], ...]:
    """Which side of its kink each ReLU is on (1: input > 0) and which input each max gate
    routes to, in evaluation order, each with its gate's kind ("relu" or "max"): two points
    with the same choices lie on one smooth piece."""
    env = dict(values)
    choices: list[tuple[str, int]] = []
    for name, tree in program:
        env[name] = _value(tree, env, choices)
    return tuple(choices)


def pole_signs(program: Program, values: Mapping[str, float]) -> tuple[tuple[bool, str], ...]:
    """The sign of every divisor, and of every base raised to a negative power, in evaluation
    order, with its name where it is an input: a point and a step with other signs lie on
    two sides of a pole (1/x across x = 0), where the function is not defined."""
    env = dict(values)
    poles: list[tuple[bool, str]] = []
    for name, tree in program:
        env[name] = _value(tree, env, None, poles)
    return tuple(poles)


def singular_points(program: Program, values: Mapping[str, float]) -> tuple[float, ...]:
    """The value of every divisor, base raised to a power below 1 and log's argument, in
    evaluation order: where one of them is 0 the function or its derivative is undefined."""
    env = dict(values)
    zeros: list[float] = []
    for name, tree in program:
        env[name] = _value(tree, env, None, None, zeros)
    return tuple(zeros)


def _value(
    tree: Expr,
    env: Mapping[str, float],
    choices: list[tuple[str, int]] | None,
    poles: list[tuple[bool, str]] | None = None,
    zeros: list[float] | None = None,
) -> float:
    if isinstance(tree, Name):
        return env[tree.name]
    if isinstance(tree, Number):
        return tree.value
    kind, exponent = _kind(tree)
    parts = children(tree)
    args = [_value(child, env, choices, poles, zeros) for child in parts]
    if zeros is not None and (
        kind in ("div", "log") or (kind == "pow" and exponent < 1 and exponent != 0)
    ):
        zeros.append(args[-1] if kind == "div" else args[0])
    if choices is not None and kind in ("relu", "max"):
        choices.append((kind, int(args[0] > 0) if kind == "relu" else args.index(max(args))))
    if poles is not None and (kind == "div" or (kind == "pow" and exponent < 0)):
        divisor = parts[-1] if kind == "div" else parts[0]
        value = args[-1] if kind == "div" else args[0]
        poles.append((value > 0, divisor.name if isinstance(divisor, Name) else ""))
    return forward(OPERATIONS[kind], args, exponent)

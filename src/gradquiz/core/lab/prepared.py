"""The lab's prepared graphs: programs of named steps, their inputs and default numbers."""

from dataclasses import dataclass
from functools import cached_property

from gradquiz.core.lab.graphs import Program, parse_program


@dataclass(frozen=True)
class PreparedGraph:
    """A named graph the lab can open with the learner's numbers."""

    slug: str
    title: str
    point: str  # the one idea the graph shows
    assignments: tuple[tuple[str, str], ...]
    defaults: tuple[tuple[str, float], ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        """The input variables, in the order the form asks for them."""
        return tuple(name for name, _ in self.defaults)

    @cached_property
    def program(self) -> Program:
        """The parsed program (parsed once)."""
        return parse_program(self.assignments, self.inputs)

    @property
    def source(self) -> str:
        """The program as the learner reads it, one step a line."""
        return "\n".join(f"{name} = {text}" for name, text in self.assignments)


PREPARED = (
    PreparedGraph(
        "neuron",
        "The worked example's neuron",
        "One sigmoid neuron with a squared-error loss: the chain rule from L back to w and b.",
        (("z", "w*x + b"), ("a", "sigmoid(z)"), ("L", "0.5*(y - a)**2")),
        (("w", 0.5), ("x", 2.0), ("b", -1.0), ("y", 1.0)),
    ),
    PreparedGraph(
        "fan-out",
        "Fan-out: f = x·y + x",
        "x feeds two gates, so its gradient is the sum of what comes back along both branches.",
        (("q", "x*y"), ("f", "q + x")),
        (("x", 3.0), ("y", -2.0)),
    ),
    PreparedGraph(
        "max-gate",
        "A max gate",
        "A max gate routes the whole upstream gradient to the larger input; the other gets 0.",
        (("m", "max(x, y)"), ("f", "z*m")),
        (("x", 4.0), ("y", 2.0), ("z", -3.0)),
    ),
    PreparedGraph(
        "add-multiply",
        "An add gate feeding a multiply",
        "The add gate passes its gradient to both inputs unchanged; the multiply gate gives "
        "each input the upstream gradient times the other input's value.",
        (("q", "x + y"), ("f", "q*z")),
        (("x", -2.0), ("y", 5.0), ("z", -4.0)),
    ),
    PreparedGraph(
        "tanh-chain",
        "A two-layer tanh chain",
        "Each layer multiplies the gradient by its weight times tanh′(z) = 1 − tanh²(z): "
        "tanh′ ≤ 1, but the weight can be larger, so a long chain shrinks the gradient only "
        "where |w·tanh′(z)| < 1 (saturated units, small weights) and grows it where it is > 1.",
        (("h", "tanh(w1*x + b1)"), ("o", "tanh(w2*h + b2)"), ("L", "0.5*(o - y)**2")),
        (("x", 1.0), ("w1", 0.8), ("b1", 0.1), ("w2", -1.2), ("b2", 0.3), ("y", 0.5)),
    ),
    PreparedGraph(
        "softmax",
        "Softmax with cross-entropy",
        "Three logits, the first is the true class: L = −log p₁ = log(e^z₁ + e^z₂ + e^z₃) − z₁ "
        "(Goodfellow, Bengio & Courville, Deep Learning, §6.2.2.3), so ∂L/∂zᵢ = pᵢ − 1 for "
        "the true class and pᵢ for the others.",
        (
            ("e1", "exp(z1)"),
            ("e2", "exp(z2)"),
            ("e3", "exp(z3)"),
            ("S", "e1 + e2 + e3"),
            ("p1", "e1/S"),
            ("L", "-log(p1)"),
        ),
        (("z1", 2.0), ("z2", 1.0), ("z3", 0.1)),
    ),
)

BY_SLUG = {graph.slug: graph for graph in PREPARED}

# A typed expression's variables start at these values until the learner sets them.
EXPRESSION_DEFAULTS = {"x": 1.5, "y": -2.0, "z": 0.5, "w": 2.0, "b": -1.0}
EXPRESSION_EXAMPLE = "x*y + sigmoid(x)"

"""Lab requests at and just past every limit, drawn from a seeded generator.

Each case is one lab request as the service sees it (a route's name and its query) and as a
browser sends it (`url`). Expressions are built to a chosen size, so the costly ones (near
60 parts, 20 levels of nesting, 200 characters) are as common as the cheap refusals.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from gradquiz.core.lab.expressions import (
    FUNCTIONS,
    MAX_ARGUMENTS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    VARIABLES,
)
from gradquiz.core.lab.gradient_flow import INITIALISATIONS, MAX_WEIGHTS, MAX_WIDTH
from gradquiz.core.lab.gradient_flow import MAX_DEPTH as MAX_LAYERS
from gradquiz.core.lab.prepared import PREPARED

ONE_ARGUMENT = [name for name in FUNCTIONS if name != "max"]
# Numbers at and just past the limits on their size, digits and characters.
CONSTANTS = [
    "1000000", "999999.9999", "1000000.1", "1e6", "1e-99", "9.99e-100", "1e-999999", "0e-999",
    "0.5", "2", "3.25", "123456789012345678901234", "1234567890123456789012345",
    "0.000000000000000000001", "1e-6",
]  # fmt: skip
VALUES = [
    "1000000", "-1000000", "1e6", "-1e+06", "1000000.5", "-1e7", "1e-999", "0", "-0.0",
    "0.000000000000000000000000000001", "0.0000000000000000000000000000001", "nan", "inf",
    "", " ", "1e1000", "0x10", "½", "9" * 33,
    # Numbers whose floats are not the decimals typed, or whose products underflow: each sends
    # the page to work it at the decimals typed and, where that moves a shown figure, a kink or
    # a tie, to search for a number to suggest.
    "1e-300", "-1e-160", "9.999999999999999e-161", "-0.9999999999999999", "1.234567890123456",
    "0.1", "0.3", "1.000000000000001",
]  # fmt: skip
EXPONENTS = ["2", "3", "-1", "0.5", "16", "-16", "16.0", "16.5", "-16.001", "17"]


@dataclass(frozen=True)
class Case:
    """One lab request: which service call, its query, and its URL."""

    route: str  # "graph", "your-turn", "flow" or "gradient-check"
    slug: str
    query: dict[str, str]

    @property
    def url(self) -> str:
        """The request a browser would send."""
        path = {
            "graph": f"/lab/{self.slug}",
            "your-turn": f"/lab/{self.slug}/your-turn",
            "flow": "/lab/flow",
            "gradient-check": "/lab/gradient-check",
        }[self.route]
        return path + "?" + urlencode(self.query)


class Fuzzer:
    """Seeded: the same cases on every run, so a failure can be run again."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def cases(self, count: int) -> Iterator[Case]:
        """`count` cases over every route, most near a limit."""
        makers = [
            (self.expression_case, 40),
            (self.prepared_case, 15),
            (self.your_turn_case, 20),
            (self.gradient_check_case, 12),
            (self.flow_case, 3),
        ]
        weights = [weight for _, weight in makers]
        for _ in range(count):
            (make,) = self.rng.choices([maker for maker, _ in makers], weights)
            yield make()

    # Expressions

    def expression_case(self) -> Case:
        kind = self.rng.choice(["parts", "depth", "length", "numbers", "powers", "arguments"])
        text = getattr(self, f"_{kind}")()
        query = {"f": text, **self.values(self.rng.sample(VARIABLES, 3), near_limit=0.05)}
        if self.rng.random() < 0.3:
            query["step"] = str(self.rng.randint(0, 70))
        return Case("graph", "expression", query)

    def _parts(self) -> str:
        return self.sized(self.rng.randint(MAX_NODES - 6, MAX_NODES + 2))

    def _depth(self) -> str:
        depth = self.rng.randint(MAX_DEPTH - 3, MAX_DEPTH + 2)
        text = self.sized(self.rng.randint(1, 12))
        for _ in range(depth):
            wrap = self.rng.choice(["(", "call", "-"])
            text = f"({text})" if wrap == "(" else f"-{text}" if wrap == "-" else self.call(text)
        return text

    def _length(self) -> str:
        text = self.sized(self.rng.randint(5, 40))
        target = self.rng.randint(MAX_LENGTH - 5, MAX_LENGTH + 3)
        return text + " " * max(0, target - len(text))

    def _numbers(self) -> str:
        constant = self.rng.choice(CONSTANTS)
        return self.rng.choice(
            [f"x*{constant}", f"{constant}*y + z", f"({constant}*{constant})*w", f"b/{constant}"]
        )

    def _powers(self) -> str:
        text = self.rng.choice(VARIABLES)
        for _ in range(self.rng.randint(1, 5)):
            text = f"({text})**{self.rng.choice(EXPONENTS)}"
        return text

    def _arguments(self) -> str:
        count = self.rng.randint(MAX_ARGUMENTS - 2, MAX_ARGUMENTS + 1)
        return "max(" + ", ".join(self.sized(self.rng.randint(1, 9)) for _ in range(count)) + ")"

    def sized(self, parts: int) -> str:
        """An expression of exactly `parts` parts (as the parser counts them)."""
        if parts <= 1:
            return self.leaf()
        roll = self.rng.random()
        if parts == 2 or roll < 0.35:
            inner = self.sized(parts - 1)
            return self.rng.choice([f"-{inner}", self.call(inner), f"({inner})**2"])
        if roll < 0.85:
            left = self.rng.randint(1, parts - 2)
            operator = self.rng.choice("+-*/")
            return f"({self.sized(left)} {operator} {self.sized(parts - 1 - left)})"
        count = min(self.rng.randint(2, MAX_ARGUMENTS), parts - 1)
        sizes = [1] * count
        for _ in range(parts - 1 - count):
            sizes[self.rng.randrange(count)] += 1
        return "max(" + ", ".join(self.sized(size) for size in sizes) + ")"

    def call(self, inner: str) -> str:
        """`inner` under one of the lab's one-argument functions."""
        return f"{self.rng.choice(ONE_ARGUMENT)}({inner})"

    def leaf(self) -> str:
        """A variable, mostly; sometimes a small number."""
        if self.rng.random() < 0.85:
            return self.rng.choice(VARIABLES)
        return self.rng.choice(["0.5", "2", "3", "1.5"])

    # Numbers typed into a form

    def values(self, names: list[str], near_limit: float) -> dict[str, str]:
        """A value for each name: in range mostly, at or past a limit with `near_limit`."""
        return {name: self.value(near_limit) for name in names}

    def value(self, near_limit: float) -> str:
        """One typed number."""
        if self.rng.random() < near_limit:
            return self.rng.choice(VALUES)
        return repr(round(self.rng.uniform(-3, 3), self.rng.randint(0, 6)))

    # The other routes

    def prepared_case(self) -> Case:
        graph = self.rng.choice(PREPARED)
        query = self.values(list(graph.inputs), near_limit=0.25)
        if self.rng.random() < 0.5:
            query["step"] = self.rng.choice(["0", "3", "10", "11", "16", "17", "-1", "x"])
        return Case("graph", graph.slug, query)

    def your_turn_case(self) -> Case:
        if self.rng.random() < 0.5:
            graph = self.rng.choice(PREPARED)
            slug, query = graph.slug, self.values(list(graph.inputs), near_limit=0.1)
            nodes = [name for name, _ in graph.assignments] + list(graph.inputs)
        else:
            slug, query = "expression", {"f": self._parts()}
            nodes = ["f", "t1", "t2", *VARIABLES]
        for node in self.rng.sample(nodes, min(len(nodes), self.rng.randint(1, 6))):
            query[f"grad-{node}"] = self.value(near_limit=0.1)
        if self.rng.random() < 0.05:
            query["grad-nowhere"] = "1"
        return Case("your-turn", slug, query)

    def gradient_check_case(self) -> Case:
        return Case("gradient-check", "neuron", self.values(["w", "x", "b", "y"], near_limit=0.2))

    def flow_case(self) -> Case:
        width = self.rng.choice([1, 2, 64, 100, 144, 145, 200, 256, MAX_WIDTH + 1])
        most = max(1, MAX_WEIGHTS // (width * width))
        depth = self.rng.choice([1, most, most + 1, MAX_LAYERS, MAX_LAYERS + 1, 0])
        init = self.rng.choice([*INITIALISATIONS, "zeros"])
        return Case("flow", "", {"init": init, "depth": str(depth), "width": str(width)})

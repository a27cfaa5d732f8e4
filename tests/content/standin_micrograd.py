"""A scalar autodiff `Value` that behaves as micrograd's does, for running the pack's snippets.

micrograd is not a dependency of gradquiz, so the snippets that import it run against this
stand-in. It keeps micrograd's observable rules: each node remembers the nodes it was made
from; `backward()` orders the graph topologically, sets the output's `grad` to 1 and runs
each node's `_backward` in reverse order; local gradients are added into `grad` with `+=`.
It also records the order in which the `_backward` functions run.
"""

from collections.abc import Callable


class Value:
    """A number in a computational graph, with the gradient that backward() leaves in it."""

    def __init__(self, data: float, _children: tuple["Value", ...] = (), _op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._prev = set(_children)
        self._op = _op
        self._backward: Callable[[], None] = lambda: None
        self.backward_order: list[Value] = []

    def __add__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> "Value":
        out = Value(self.data**exponent, (self,), f"**{exponent}")

        def _backward() -> None:
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> "Value":
        return self * -1

    def __sub__(self, other: "Value | float") -> "Value":
        return self + (-other)

    def __radd__(self, other: float) -> "Value":
        return self + other

    def __rmul__(self, other: float) -> "Value":
        return self * other

    def __rsub__(self, other: float) -> "Value":
        return Value(other) - self

    def backward(self) -> None:
        """Set this node's grad to 1 and run every `_backward` in reverse topological order."""
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for child in node._prev:
                    visit(child)
                order.append(node)

        visit(self)
        self.grad = 1.0
        self.backward_order = list(reversed(order))
        for node in self.backward_order:
            node._backward()

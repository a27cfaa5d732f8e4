"""'Your turn': check a learner's gradients node by node and name the mistake a wrong one looks
like (the bank's misconceptions: sign flipped, forgot the local derivative, did not add the
fan-out branches, routed the max gate's gradient to the loser, …)."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from gradquiz.core.lab.graphs import BackwardStep, Graph

# Learners work from values shown to four significant figures.
RELATIVE_TOLERANCE = 1e-2
ABSOLUTE_TOLERANCE = 5e-4


def close(a: float, b: float) -> bool:
    """Whether two gradients agree as far as hand-worked numbers can."""
    return abs(a - b) <= RELATIVE_TOLERANCE * max(abs(a), abs(b)) + ABSOLUTE_TOLERANCE


@dataclass(frozen=True)
class Verdict:
    """One node's answer: right, not answered, or wrong with the mistake it looks like."""

    node: str
    answer: float | None
    correct: bool
    mistake: str | None = None  # a short name for the mistake, such as "sign"
    message: str = ""


@dataclass(frozen=True)
class _Suspect:
    mistake: str
    value: float
    message: str


def check_answers(graph: Graph, answers: Mapping[str, float | None]) -> tuple[Verdict, ...]:
    """A verdict for every node that takes a gradient, in backward order."""
    verdicts = []
    for step in graph.steps:
        answer = answers.get(step.node)
        if answer is None:
            verdicts.append(Verdict(step.node, None, False, None, "Not answered yet."))
        elif close(answer, step.gradient):
            verdicts.append(Verdict(step.node, answer, True, None, "Right."))
        else:
            verdicts.append(_diagnose(graph, step, answer, answers))
    return tuple(verdicts)


def _diagnose(
    graph: Graph, step: BackwardStep, answer: float, answers: Mapping[str, float | None]
) -> Verdict:
    for suspect in _suspects(graph, step, answers):
        if close(answer, suspect.value) and not close(suspect.value, step.gradient):
            return Verdict(step.node, answer, False, suspect.mistake, suspect.message)
    return Verdict(
        step.node,
        answer,
        False,
        "other",
        "Not right. For each edge out of this node, multiply the consumer's gradient by the "
        "edge's local derivative, then add the products.",
    )


def _suspects(
    graph: Graph, step: BackwardStep, answers: Mapping[str, float | None]
) -> Iterator[_Suspect]:
    node = step.node
    if node == graph.output:
        yield _Suspect(
            "seed", 0.0, "The backward pass starts at the output with ∂out/∂out = 1, not 0."
        )
        yield _Suspect(
            "seed",
            graph.by_key[node].value,
            "That is the output's forward value; its gradient with respect to itself is 1.",
        )
        return
    carried = _carried_forward(step, answers)
    if carried is not None:
        yield _Suspect(
            "carried",
            carried,
            "Your method is right: this follows from your answer for the node it feeds, "
            "which is off. Fix that one and this one follows.",
        )
    yield from _gate_suspects(graph, step)
    upstream_sum = sum(c.upstream for c in step.contributions)
    yield _Suspect(
        "forgot-local",
        upstream_sum,
        "This is the upstream gradient alone: multiply it by the local derivative on the edge "
        "(the chain rule).",
    )
    if step.fans_out:
        for contribution in step.contributions:
            yield _Suspect(
                "fan-out",
                contribution.product,
                f"{node} feeds {len(step.contributions)} nodes: the gradients from every branch "
                f"add up (this is only the branch through {contribution.consumer}).",
            )
    yield _Suspect(
        "sign", -step.gradient, "The size is right but the sign is flipped; check each minus."
    )


def _gate_suspects(graph: Graph, step: BackwardStep) -> Iterator[_Suspect]:
    """Mistakes about the local derivative of the gate a node feeds (one consumer only)."""
    if step.fans_out:
        return
    (contribution,) = step.contributions
    consumer = graph.by_key[contribution.consumer]
    upstream = contribution.upstream
    own = graph.by_key[step.node].value
    out = consumer.value
    if consumer.kind == "add":
        yield _Suspect(
            "add-split",
            upstream / 2,
            "An add gate does not split the gradient: each input gets the upstream gradient "
            "whole (local derivative 1).",
        )
    elif consumer.kind == "max":
        if contribution.local == 0:
            yield _Suspect(
                "max-loser",
                upstream,
                f"This input lost the max ({step.node} is not the largest), so it gets 0: the "
                "max gate routes the whole gradient to the winner only.",
            )
        else:
            yield _Suspect(
                "max-average",
                upstream / len(consumer.inputs),
                "A max gate does not share the gradient out: the winner gets all of it.",
            )
    elif consumer.kind == "mul":
        yield _Suspect(
            "mul-own-input",
            upstream * own,
            "For a product, ∂(uv)/∂u is v, the other input, not u itself.",
        )
    elif consumer.kind == "sigmoid":
        yield _Suspect(
            "sigmoid-value",
            upstream * out,
            "The sigmoid's local derivative is σ(1 − σ), not σ itself.",
        )
    elif consumer.kind == "tanh":
        yield _Suspect(
            "tanh-value",
            upstream * (1 - out),
            "The tanh's local derivative is 1 − tanh², not 1 − tanh.",
        )
    elif consumer.kind == "relu" and contribution.local == 0:
        yield _Suspect(
            "relu-negative",
            upstream,
            "The ReLU's input is negative here, so its local derivative is 0: no gradient passes.",
        )
    elif consumer.kind == "sub" and contribution.local < 0:
        yield _Suspect(
            "sub-sign",
            upstream,
            "The second input of a subtraction gets −1 times the upstream gradient.",
        )
    elif consumer.kind == "pow":
        yield _Suspect(
            "pow-exponent",
            contribution.product / consumer.exponent if consumer.exponent else 0.0,
            f"The power rule brings the exponent down: d(u^n)/du = n·u^(n−1), "
            f"with n = {consumer.exponent:g}.",
        )


def _carried_forward(step: BackwardStep, answers: Mapping[str, float | None]) -> float | None:
    """The gradient the learner's own answers for the consumers imply, if one of them is off."""
    total = 0.0
    for contribution in step.contributions:
        upstream = answers.get(contribution.consumer)
        if upstream is None:
            return None
        total += upstream * contribution.local
    differs = any(not close(answers.get(c.consumer) or 0.0, c.upstream) for c in step.contributions)
    return total if differs else None

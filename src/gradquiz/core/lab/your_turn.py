"""'Your turn': check a learner's gradients node by node and name the mistake a wrong one looks
like (the bank's misconceptions: sign flipped, forgot the local derivative, did not add the
fan-out branches, routed the max gate's gradient to the loser, …)."""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from gradquiz.core.lab.checks import held
from gradquiz.core.lab.coarse_answers import COARSE_OPENING, coarse_rounding, significant_figures
from gradquiz.core.lab.graphs import BackwardStep, Graph
from gradquiz.core.lab.numbers import shown_factor, shown_number, written_number
from gradquiz.core.lab.rounding import exact_gradients
from gradquiz.core.lab.scales import gradient_scales, residue
from gradquiz.core.lab.shown_readings import shown_rounding

# The rule the page and the README state: where a gradient follows from the typed inputs
# alone it is worked exactly and an answer is right within 1 % of it, measured against the
# right value; an exact 0 takes 0 or an answer below ZERO_BOUND in size. Where it depends on
# values the page shows rounded to four figures, right is any value that follows from the
# shown figures (the gradient give or take what their rounding leaves unknown over readings
# that give each shown value one number, the same in every use: `shown_rounding`), widened
# by 1 %. A wrong sign is never right. (A floor of 10⁻⁴ × the size of the terms, as before,
# took 0.0001 for a gradient of 10⁻⁸.)
RELATIVE_TOLERANCE = 1e-2
ZERO_BOUND = 1e-12


@dataclass(frozen=True)
class Target:
    """What a node's gradient may be: one value, or at a kink anything from `low` to `high`."""

    low: float
    high: float
    # How far the shown values, rounded, leave the gradient unknown (0 where it follows from
    # the inputs alone), and at a tie the shares' 1 % of the gate's gradient: the range is
    # widened by it on both sides.
    slack: float = 0.0
    tie: str = ""  # at a max gate's tie: what the tied inputs' gradients must add up to
    # Where the gradient is a cancellation residue taken as 0 (softmax's p1 − 1 at z1 = 40,
    # −8.5e-18), the true gradient's sign: an answer of the other sign is never right. A
    # share at a tie has the gate's gradient's sign, or is 0.
    sign: int = 0
    # Whether the 1 % is taken again of the range's nearest point. Not for a share at a tie:
    # its slack already is the 1 % of the gate's gradient (−3.06 took the rest, −3, as 1 % of
    # −3.03 on top of the 0.03).
    relative: bool = True

    @property
    def at_kink(self) -> bool:
        """Whether a ReLU at 0 or a max gate's tie makes a range of answers right."""
        return self.low < self.high

    def accepts(self, answer: float) -> bool:
        """Whether `answer` is a right gradient: within 1 % of the (widened) range, never of
        the wrong sign, and for an exact 0 below ZERO_BOUND."""
        if not (math.isfinite(answer) and math.isfinite(self.low) and math.isfinite(self.high)):
            return False
        if (answer > 0 and self.high < 0) or (answer < 0 and self.low > 0):
            return False  # a wrong sign is never right
        if answer * self.sign < 0:
            return False  # nor where the gradient is a residue shown as ≈ 0
        if self.low == self.high == 0 and abs(answer) <= ZERO_BOUND:
            # An exact 0 (or residue whose exact value is 0) takes an answer below ZERO_BOUND
            # whatever the shown figures' slack. A gradient float64 only rounds to 0 is not
            # here: its target is its exact value (`answer_targets`).
            return True
        # Worked out on the decimals the floats print as, so that −1.01 is exactly 1 % off −1.
        slack = Decimal(repr(self.slack))
        low = Decimal(repr(self.low)) - slack
        high = Decimal(repr(self.high)) + slack
        given = Decimal(repr(answer))
        nearest = min(max(given, low), high)
        off = abs(given - nearest)
        allowed = Decimal(repr(RELATIVE_TOLERANCE)) * abs(nearest) if self.relative else Decimal(0)
        if nearest == 0:
            allowed = Decimal(repr(ZERO_BOUND))
        return off <= allowed


def close(answer: float, gradient: float, slack: float = 0.0) -> bool:
    """Whether a hand-worked answer counts as `gradient` (give or take `slack`, then 1 %)."""
    return Target(gradient, gradient, slack).accepts(answer)


@dataclass(frozen=True)
class Verdict:
    """One node's answer: right, not answered, or wrong with the mistake it looks like."""

    node: str
    answer: float | None
    correct: bool
    mistake: str | None = None  # a short name for the mistake, such as "sign"
    message: str = ""  # what is said after "Right." or "Not right."


@dataclass(frozen=True)
class _Suspect:
    mistake: str
    value: float
    message: str


def check_answers(
    graph: Graph,
    answers: Mapping[str, float | None],
    signs: Mapping[str, int] | None = None,
    derivatives: Mapping[str, float] | None = None,
    exact: Mapping[str, tuple[float, str]] | None = None,
    figures: Mapping[str, int] | None = None,
) -> tuple[Verdict, ...]:
    """A verdict for every node that takes a gradient, in backward order; `signs` gives the
    true sign of gradients that are residues of cancellation (GradientCheck.sign), and
    `derivatives` f's own derivative in an input where kinks cancel (GradientCheck.derivative),
    and `exact` an input's exact gradient and its text, said beside a right answer that only
    the shown figures make right (softmax's ∂L/∂z1 at z1 = 40 takes −0.001, and is
    −1.6 × 10⁻¹⁷), and `figures` how many significant figures each
    answer was typed with (1.10: three), so that the right value rounded too coarsely is
    said to be that, not a method mistake.

    What is asked is backprop's gradient through the graph, the chain rule node by node with
    a convention at each kink, so any value those conventions give is right; where the kinks
    cancel (relu(x) − relu(−x) at 0 is x) the verdict says that f's own derivative is
    another thing."""
    # Inputs whose gradient, small beside its terms, float64 holds as the exact pass gives it
    # (x − x + 1e-17·x at 1: 1e-17 both ways): a value, not residue taken as 0.
    kept = frozenset(
        key
        for key, (value, _) in (exact or {}).items()
        if key in graph.gradients and held(graph.gradients[key], value)
    )
    typed = {key: value for key, (value, _) in (exact or {}).items()}
    targets = answer_targets(graph, answers, signs, kept, typed)
    verdicts: dict[str, Verdict] = {}
    for step in graph.steps:
        answer, target = answers.get(step.node), targets[step.node]
        widened = (
            None
            if answer is None
            else _open_range(graph, answers, signs, step.node, targets, kept, typed)
        )
        if widened is not None and answer is not None:
            # A blank node upstream whose own gradient is a range (its share at a tie, a
            # ReLU at 0) leaves this one's range wider than that blank's default gives
            # (max(x, −x) at 0: ∂f/∂x = 1 − 2s, −1 to 1).
            low, high, blanks = widened
            wide = replace(target, low=low, high=high, tie="")
            whose = _listed(blanks)
            may = (
                f"is {shown_number(low)} whatever the choice"
                if low == high
                else f"may be anything from {_interval(wide)}"
            )
            said = (
                f"{whose} {'is' if len(blanks) == 1 else 'are'} not answered yet, and "
                f"{'its' if len(blanks) == 1 else 'their'} gradient is still open (a "
                f"convention at a kink): with every choice there, ∂{graph.output}/"
                f"∂{step.node} {may}."
            )
            if wide.accepts(answer):
                derivative = (derivatives or {}).get(step.node)
                if derivative is not None and wide.at_kink:
                    said = (
                        f"{_cancelled(wide, derivative, answer)} ({whose} "
                        f"{'is' if len(blanks) == 1 else 'are'} not answered yet, so the "
                        "convention there is open too.)"
                    )
                verdicts[step.node] = Verdict(step.node, answer, True, None, said)
            else:
                verdicts[step.node] = Verdict(
                    step.node,
                    answer,
                    False,
                    "tie-split" if target.tie else "other",
                    f"{said} Your {written_number(answer)} is "
                    f"{'not' if low == high else 'outside it'}.",
                )
            continue
        if answer is None:
            verdicts[step.node] = Verdict(step.node, None, False, None, "Not answered yet.")
        elif target.accepts(answer):
            message = _right(target)
            derivative = (derivatives or {}).get(step.node)
            if derivative is not None and target.at_kink:
                message = _cancelled(target, derivative, answer)
            true = (exact or {}).get(step.node)
            if (
                true is not None
                and not target.at_kink
                and not target.tie
                and not _through_kink(graph, step.node)
                and not close(answer, true[0])
            ):
                # Only where nothing but the shown figures makes it right: through a kink the
                # exact value is one convention's, and any split of a tie is right for that
                # reason, not for rounding.
                shown = f"It counts by the shown figures; the exact value is {true[1]}."
                message = f"{shown} {message}" if message else shown
            verdicts[step.node] = Verdict(step.node, answer, True, None, message)
        elif answer * target.sign < 0 and not target.tie:
            side = "negative" if target.sign < 0 else "positive"
            said = (
                f"float64 rounds this gradient to 0, but its exact value is "
                f"{shown_number(target.low)}, {side}, and a wrong sign is never right."
                if target.low == target.high != 0 and graph.gradients[step.node] == 0
                else "Its terms cancel, so float64 shows this gradient as ≈ 0, but it is "
                f"{side} (tiny as it is), and a wrong sign is never right."
            )
            verdicts[step.node] = Verdict(step.node, answer, False, "sign", said)
        elif target.tie:
            sign = (
                ": a share has the sign of the gate's gradient, or is 0"
                if answer * target.sign < 0
                else ""
            )
            if target.at_kink and not sign and not target.relative:
                outside = (
                    f" Your {written_number(answer)} is outside {_interval(target)} by more "
                    f"than {shown_number(target.slack)}."
                )
            elif target.at_kink:
                outside = f" Your {written_number(answer)} is outside {_interval(target)}."
            elif sign:
                outside = f" Your {written_number(answer)} has the other sign{sign}."
            elif not target.relative:
                outside = (
                    f" Your {written_number(answer)} is more than "
                    f"{shown_number(target.slack)} from {shown_number(target.low)}."
                )
            else:
                outside = ""
            verdicts[step.node] = Verdict(
                step.node, answer, False, "tie-split", target.tie + outside
            )
        else:
            verdict = _diagnose(graph, step, answer, answers, target, verdicts, targets)
            if graph.gradients[
                step.node
            ] == 0 != target.low == target.high and verdict.mistake not in (
                "carried",
                "kink-choice",
            ):
                # The mistakes' numbers are worked from float64's 0, which fits any of them
                # for an answer of 0: what is wrong is the size.
                verdict = Verdict(
                    step.node,
                    answer,
                    False,
                    "other",
                    f"float64 rounds this gradient to 0, but its exact value is "
                    f"{shown_number(target.low)}, and your {written_number(answer)} is not "
                    "within 1 % of it (nor of what the shown figures allow).",
                )
            coarse = (
                coarse_rounding(
                    answer,
                    (figures or {}).get(step.node) or significant_figures(answer),
                    target.low,
                    target.high,
                    target.accepts,
                    f"∂{graph.output}/∂{step.node}",
                )
                if verdict.mistake not in ("carried", "kink-choice")
                else None
            )
            if coarse and verdict.mistake != "other":
                # A number a method mistake gives may also be the right value rounded to the
                # figures typed (1 for ∂(xy)/∂x = 0.985): both are said, neither is claimed.
                verdict = replace(verdict, message=f"{verdict.message} {_also_coarse(coarse)}")
            elif coarse:
                verdict = Verdict(step.node, answer, False, "rounding", coarse)
            elif verdict.mistake == "other" and target.at_kink:
                verdict = Verdict(
                    step.node,
                    answer,
                    False,
                    "other",
                    f"At the kink any value from {_interval(target)} is right; "
                    f"{written_number(answer)} is outside it.",
                )
            verdicts[step.node] = verdict
    _judge_tie_pairs(graph, answers, verdicts, targets)
    return tuple(verdicts.values())


def _also_coarse(coarse: str) -> str:
    """The coarse-rounding hint said after a method mistake's, as the other reading."""
    return "Or it is the right value rounded too coarsely" + coarse.removeprefix(COARSE_OPENING)


def _judge_tie_pairs(
    graph: Graph,
    answers: Mapping[str, float | None],
    verdicts: dict[str, Verdict],
    targets: Mapping[str, Target],
) -> None:
    """At a max gate's tie whose tied inputs feed nothing else and are all answered, one rule,
    whether or not the gate's own gradient g was answered (g is its right value either way,
    or at a kink after the gate the learner's choice there): each
    share has g's sign or is 0 and is at most |g| give or take 1 % of it in size, and the
    shares add up to g within 1 % of |g|, exactly 1 % included, worked out on the decimals
    typed (−1.5 and −1.53 add up to −3.03, not −3.0300000000000002). Shares that do not add
    up are wrong together: which one the checks reach last is no reason to blame it alone."""
    for node in graph.nodes:
        tied = list(dict.fromkeys(kink_inputs(graph, node.key)))
        if node.kind != "max" or not tied or node.key not in verdicts:
            continue
        gate = verdicts[node.key]
        if gate.answer is not None and not gate.correct:
            continue  # a wrong g is judged on its own; each share against the right g
        if gate.answer is None and targets[node.key].at_kink:
            continue  # g is itself a range (a kink after it, not answered)
        if any(
            graph.by_key[key].is_constant
            or key not in verdicts
            or {e.target for e in graph.edges_out_of(key)} != {node.key}
            for key in tied
        ):
            continue
        shares = [answers.get(key) for key in tied]
        gate_target = targets[node.key]
        # g is the gate's right gradient, answered or not: a right answer for it within its
        # 1 % (−2.971 for −3) does not move the shares' target. Only where a kink after the
        # gate leaves g a choice is it the learner's answer, the convention they chose.
        chosen = gate.answer is not None and gate_target.at_kink
        upstream = gate.answer if chosen and gate.answer is not None else gate_target.low
        g = Decimal(repr(upstream))
        margin = Decimal(repr(RELATIVE_TOLERANCE)) * abs(g)
        if not chosen:  # g as the shown figures leave it, then 1 %
            margin += Decimal(repr(gate_target.slack))
        typed = [None if share is None else Decimal(repr(share)) for share in shares]
        if any(t is None or t * g < 0 or abs(t) > abs(g) + margin for t in typed):
            continue  # a share not answered or out of range is judged on its own, and said so
        total = sum((t for t in typed if t is not None), Decimal(0))
        given = _listed([written_number(share) for share in shares if share is not None])
        rule = (
            f"At the tie at {node.key} the gradient is split, not copied: the shares of "
            f"{_listed(tied)} must add up to ∂{graph.output}/∂{node.key} = "
            f"{shown_number(upstream)}, each between 0 and it."
        )
        margin_text = _tie_margin(graph, node.key, upstream)
        if abs(total - g) <= margin:
            if all(verdicts[key].correct for key in tied):
                continue
            message = (
                f"{rule} Yours, {given}, add up to {written_number(float(total))}, within 1 % of "
                f"it: any split is right, which one is a convention.{margin_text}"
            )
            for key in tied:
                verdicts[key] = Verdict(key, answers.get(key), True, None, message)
            continue
        # The sum in full: to four figures 1.0101 read 1.01, which is within 1 % of 1.
        message = (
            f"{rule} Yours, {given}, add up to {written_number(float(total))}: each may be a "
            f"share on its own, but not together.{margin_text}"
        )
        for key in tied:
            verdicts[key] = Verdict(key, answers.get(key), False, "tie-split", message)


# At most this many choices of the open blanks upstream are tried for one node's range (each
# blank at a kink is tried at both ends of its own range: the gradient is linear in each).
OPEN_CHOICES = 32


def _open_range(
    graph: Graph,
    answers: Mapping[str, float | None],
    signs: Mapping[str, int] | None,
    node: str,
    defaults: Mapping[str, Target],
    kept: frozenset[str] = frozenset(),
    typed: Mapping[str, float] | None = None,
) -> tuple[float, float, list[str]] | None:
    """`node`'s range of right gradients with every blank node before it (in backward order)
    whose own gradient is a range taken at either end of it, in turn; None where that is the
    range with the blanks left at their defaults, or where more than OPEN_CHOICES choices
    would be needed. (With a blank's default, max(x, x·1) at 0 took ∂f/∂x = 0, which no
    split gives: x's shares add up to 1 whatever the split.)"""
    order = [step.node for step in graph.steps]
    before = [key for key in order[: order.index(node)] if answers.get(key) is None]
    if not any(defaults[key].at_kink for key in before):
        return None  # no blank before it has a choice to make
    base = defaults[node]
    ends: list[tuple[float, float]] = []
    branched: list[str] = []
    pending: list[dict[str, float]] = [{}]
    tries = 0
    while pending:
        fills = pending.pop()
        tries += 1
        if tries > OPEN_CHOICES:
            return None
        targets = answer_targets(graph, {**answers, **fills}, signs, kept, typed)
        blank = next((k for k in before if k not in fills and targets[k].at_kink), None)
        if blank is None:
            ends.append((targets[node].low, targets[node].high))
            continue
        if blank not in branched:
            branched.append(blank)
        for end in dict.fromkeys((targets[blank].low, targets[blank].high)):
            pending.append({**fills, blank: end})
    low, high = min(e[0] for e in ends), max(e[1] for e in ends)
    if not branched or (low, high) == (base.low, base.high):
        return None
    return low, high, branched


def _through_kink(graph: Graph, node: str) -> bool:
    """Whether `node` reaches a node on its kink (a ReLU at 0, a max gate's tie) on its way
    to the output, so that its gradient depends on a convention there."""
    seen: set[str] = set()
    pending = [node]
    while pending:
        key = pending.pop()
        for edge in graph.edges_out_of(key):
            if kink_inputs(graph, edge.target):
                return True
            if edge.target not in seen:
                seen.add(edge.target)
                pending.append(edge.target)
    return False


def _interval(target: Target) -> str:
    """The answers a kink accepts, as the page writes numbers: "0 to 1.5", "−2 to 0"."""
    return f"{shown_number(target.low)} to {shown_number(target.high)}"


def _right(target: Target) -> str:
    if target.tie:
        return target.tie
    if not target.at_kink:
        return ""
    return (
        f"At a kink any gradient from {_interval(target)} is right here: which one is a convention."
    )


def _cancelled(target: Target, derivative: float, answer: float) -> str:
    """A right answer at kinks that cancel: right for backprop through the graph, and what
    f's own derivative is."""
    own = (
        "which is your answer too"
        if close(answer, derivative)
        else f"not your {written_number(answer)}: a convention at each kink does not see "
        "that they cancel"
    )
    return (
        f"That is what backprop through the graph asks: with a convention at each kink it gives "
        f"anything from {_interval(target)}. But the kinks cancel, so f itself has a "
        f"derivative here, {shown_number(derivative)}, {own}."
    )


@dataclass
class _Tie:
    """A max gate's tie while its tied inputs are checked, last consumer first."""

    upstream: float  # the gate's gradient, as the learner chose it: the shares add up to it
    remaining: float  # what is left of it for the tied inputs not yet checked
    pending: set[str]  # the tied inputs not yet checked
    known: bool = True  # whether every share so far is known (answered, or out of range)
    open_share: bool = False  # an input not answered yet may still take what is left
    counted: list[str] = field(default_factory=list)  # tied inputs whose share was taken


def answer_targets(
    graph: Graph,
    answers: Mapping[str, float | None],
    signs: Mapping[str, int] | None = None,
    kept: frozenset[str] = frozenset(),
    typed: Mapping[str, float] | None = None,
) -> dict[str, Target]:
    """What each node's gradient may be, given the learner's own choices at kinks; `typed`
    gives inputs' exact gradients at the decimals typed (0 for x·0.1 + x·0.2 − x·0.3, whose
    float64 residue either sign is right for), inner nodes' are worked from the floats.

    Where a ReLU's input is exactly 0 the derivative is not defined: implementations usually return
    one of the one-sided derivatives (Goodfellow et al., Deep Learning, §6.3; PyTorch's relu
    takes 0), and any slope between them is a subgradient, so any is right. At a max gate's
    tie the gradient is split among the tied inputs (shares from 0 to 1 adding up to 1: an
    argmax gives it all to one, torch.amax evenly), never copied: max(x + t, y + t) grows as
    t, not 2t. So the tied inputs are checked together: each one's share lies between 0 and
    what the right answers before it left, and the last one takes the rest (unless one before
    it is not answered yet). An answer out of its range takes nothing, so the right answers'
    shares never add up to more than the gate's gradient. A node that feeds
    a kink is then judged against the convention the learner chose there, if their answer at
    the kink was right."""
    scales = gradient_scales(graph)
    rounding = shown_rounding(graph)
    basis = {graph.output: 1.0}  # the gradient each node passes back, as the learner chose it
    ties: dict[str, _Tie] = {}
    targets = {}
    exact_values: dict[str, float] | None = None  # worked out where first needed
    for step in graph.steps:
        if step.node == graph.output:
            targets[step.node] = Target(1.0, 1.0)
            continue
        low = high = 0.0
        tied_consumers = [
            c
            for c in dict.fromkeys(e.target for e in graph.edges_out_of(step.node))
            if _tie_of(graph, c, step.node)
        ]
        mine: list[_Tie] = []  # the ties this node is checked together with
        notes = []
        slopes = kink_slopes(graph, step.node)
        elsewhere = [c for c, _, _ in slopes if c not in tied_consumers]
        for consumer, slope_low, slope_high in slopes:
            upstream = basis[consumer]
            if consumer in tied_consumers:
                state = ties.setdefault(
                    consumer,
                    _Tie(upstream, upstream, set(kink_inputs(graph, consumer))),
                )
                state.pending.discard(step.node)
                if state.known:
                    mine.append(state)
                    share_only = bool(elsewhere) or len(tied_consumers) > 1
                    notes.append(_tie_note(graph, consumer, step.node, state, share_only))
                    if not state.pending and not state.open_share:  # the last takes the rest
                        low += state.remaining
                        high += state.remaining
                        continue
                    slope_low, slope_high = 0.0, state.remaining / upstream if upstream else 0.0
            low += min(upstream * slope_low, upstream * slope_high)
            high += max(upstream * slope_low, upstream * slope_high)
        scale = scales[step.node]
        if residue(low, scale) and residue(high, scale) and step.node not in kept:
            low = high = 0.0
        if notes and (elsewhere or len(tied_consumers) > 1):
            # Its share at a tie is not its gradient: what its other paths bring adds to it.
            notes.append(_total_note(graph, step.node, elsewhere, tied_consumers, low, high))
        slack = rounding[step.node]
        share_only = bool(elsewhere) or len(tied_consumers) > 1
        if mine and not share_only:
            # Its share alone: what the shown figures leave unknown, then 1 % of the gate's
            # gradient, and no 1 % more of the range (Target.relative).
            slack += RELATIVE_TOLERANCE * abs(mine[0].upstream)
        for tie in mine:  # the shares add up to within 1 % of the gate's gradient
            slack = max(slack, RELATIVE_TOLERANCE * abs(tie.upstream))
        sign = 0
        if low == high == 0:
            sign = (signs or {}).get(step.node, 0)
            if step.node in (typed or {}) and graph.by_key[step.node].kind == "input":
                value = (typed or {})[step.node]
            else:
                if exact_values is None:
                    exact_values = exact_gradients(graph, scales)
                value = exact_values[step.node]
            if not sign:
                # A residue has a sign, at an input as at an inner node (softmax's ∂L/∂e1 at
                # z1 = 40 is −6.9e-35, 0.0 in float64): a flipped sign is never right.
                sign = (value > 0) - (value < 0)
            if value and graph.gradients[step.node] == 0:
                # float64 rounds it to 0 (σ′(40) = 4.2e-18, σ(40) rounding to 1) but it is
                # not 0: it is judged against its exact value, within the shown figures'
                # band, and only an exact 0 takes any answer below ZERO_BOUND.
                low = high = value
        if mine and not share_only:
            # Its gradient is its share alone: it has the gate's gradient's sign (or is 0),
            # and the 1 % of the gate's gradient is all the room it has.
            sign = (mine[0].upstream > 0) - (mine[0].upstream < 0)
        target = Target(low, high, slack, " ".join(notes), sign, not (mine and not share_only))
        answer = answers.get(step.node)
        accepted = answer is not None and target.accepts(answer)
        if accepted and answer is not None and (target.at_kink or mine):
            basis[step.node] = min(max(answer, low), high)  # the learner's convention
        elif mine and not target.at_kink:
            basis[step.node] = low  # what the learner's other shares leave for this one
        else:
            basis[step.node] = sum(basis[c.consumer] * c.local for c in step.contributions)
        still_open = [tie for tie in mine if tie.pending]
        if answer is not None and not accepted and mine:
            # Out of its range: it takes no share, and the others share what is left.
            pass
        elif answer is None and mine and len(still_open) == len(mine):
            for tie in still_open:  # not answered yet: it may still take what is left
                tie.open_share = True
        elif still_open and accepted and len(still_open) == 1:
            # This node's share in the one tie still open: its gradient less what comes
            # from its other consumers and the rest of the ties it closes.
            others = sum(
                basis[c.consumer] * c.local
                for c in step.contributions
                if c.consumer not in tied_consumers
            )
            closed = sum(tie.remaining for tie in mine if not tie.pending)
            still_open[0].remaining -= basis[step.node] - others - closed
            still_open[0].counted.append(step.node)
        else:
            for tie in still_open:  # its share in each is not known
                tie.known = False
        targets[step.node] = target
    return targets


def _tie_of(graph: Graph, consumer: str, node: str) -> bool:
    """Whether `consumer` is a max gate on a tie that `node` is one of several inputs to."""
    return graph.by_key[consumer].kind == "max" and node in kink_inputs(graph, consumer)


def _total_note(
    graph: Graph, node: str, elsewhere: list[str], ties: list[str], low: float, high: float
) -> str:
    """A tied input's whole gradient: its share at the tie plus what its other paths bring."""
    total = (
        f"anything from {shown_number(low)} to {shown_number(high)}"
        if low < high
        else shown_number(low)
    )
    gradient = f"∂{graph.output}/∂{node}"
    if not elsewhere:
        return f"{node}'s gradient {gradient} is the sum of its shares at {_listed(ties)}, {total}."
    shares = f"its share at {ties[0]}" if len(ties) == 1 else f"its shares at {_listed(ties)}"
    brings = "that path brings" if len(elsewhere) == 1 else "those paths bring"
    return (
        f"{node} also reaches {graph.output} through {_listed(elsewhere)}: its gradient "
        f"{gradient} is {shares} plus what {brings}, {total}."
    )


def _tie_margin(graph: Graph, gate: str, upstream: float) -> str:
    """What the 1 % is of at a tie: the gate's gradient, which the shares add up to, not each
    share (max(x, y) at x = y = 1 takes 0.5 and 0.51: 0.51 is 2 % from 0.5, but the shares
    add up to 1.01, 1 % from 1)."""
    return (
        f" At a tie the 1 % is of ∂{graph.output}/∂{gate}, not of each share: the shares may "
        f"add up to {shown_number(upstream)} give or take "
        f"{shown_number(RELATIVE_TOLERANCE * abs(upstream))}."
    )


def _tie_note(graph: Graph, gate: str, node: str, state: _Tie, share_only: bool = False) -> str:
    """How the tied inputs of `gate` share its gradient, what is left for `node`, and what
    the 1 % is of there."""
    split = _tie_split(graph, gate, node, state, share_only)
    return split + _tie_margin(graph, gate, state.upstream)


def _tie_split(graph: Graph, gate: str, node: str, state: _Tie, share_only: bool) -> str:
    inputs = list(dict.fromkeys(kink_inputs(graph, gate)))
    gradient = f"∂{graph.output}/∂{gate} = {shown_number(state.upstream)}"
    constants = [key for key in inputs if graph.by_key[key].is_constant]
    if constants:
        # A constant takes no gradient and has no field: its share is what the others leave.
        whose = "the constant's" if len(constants) == 1 else "the constants'"
        rule = (
            f"At the tie at {gate} the gradient is split, not copied: the shares of "
            f"{_listed([tied_name(graph, key) for key in inputs])} must add up to {gradient}, "
            f"each between 0 and it, and {whose} share goes nowhere (a constant takes no "
            "gradient)"
        )
    else:
        rule = (
            f"At the tie at {gate} the gradient is split, not copied: the gradients {gate} "
            f"passes back to {_listed(inputs)} must add up to {gradient}"
        )
    before = [key for key in inputs if key != node and key not in state.pending]
    this = f"{node}'s share at {gate}" if share_only else "this one"
    if not before and constants:
        return (
            f"{rule}: {node}'s share may be anything from 0 to "
            f"{shown_number(state.remaining)}; which split is a convention."
        )
    if not before:
        return f"{rule}, each between 0 and it; any split is right, which one is a convention."
    counted = [key for key in before if key in state.counted]
    others = [key for key in before if key not in state.counted]
    given = f"with your answer for {_listed(counted)}" if counted else "with no share taken"
    if others:
        given += f" ({_listed(others)}: out of range or not answered, so no share)"
    if state.pending or state.open_share:
        return (
            f"{rule}, each between 0 and it: {given}, {this} "
            f"{'may be anything' if share_only else 'may take'} from 0 to "
            f"{shown_number(state.remaining)}; which split is a convention."
        )
    return (
        f"{rule} (raising {'both' if len(inputs) == 2 else 'all of'} {_listed(inputs)} by t "
        f"raises their max by t, not by {len(inputs)}t), so {given}, {this} "
        f"{'is' if share_only else 'takes'} the rest, {shown_number(state.remaining)}."
    )


def tied_name(graph: Graph, key: str) -> str:
    """A tied input as the pages name it: a constant by its value ("the constant 0"), as the
    graph and its tables show it, not by its key (c1), which no page shows."""
    node = graph.by_key[key]
    return f"the constant {shown_number(node.value)}" if node.is_constant else key


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def kink_slopes(graph: Graph, node: str) -> list[tuple[str, float, float]]:
    """For each node `node` feeds: the lowest and highest total local derivative it may take
    (equal, except at a ReLU whose input is 0 or a max gate's tie, where it is 0 to 1)."""
    slopes: dict[str, tuple[float, float]] = {}
    for edge in graph.edges_out_of(node):
        if edge.target in slopes:
            continue
        tied = kink_inputs(graph, edge.target)
        if tied and graph.by_key[edge.target].kind == "relu":
            slopes[edge.target] = (0.0, 1.0)
        elif tied:
            # Any split of the gradient among the tied inputs (shares from 0 to 1, adding
            # up to 1): a node is all of them only if every tied input is that node.
            mine = [key for key in tied if key == node]
            slopes[edge.target] = (1.0 if len(mine) == len(tied) else 0.0, 1.0 if mine else 0.0)
        else:
            total = sum(e.local for e in graph.edges_into(edge.target) if e.source == node)
            slopes[edge.target] = (total, total)
    return [(consumer, low, high) for consumer, (low, high) in slopes.items()]


def kink_inputs(graph: Graph, key: str) -> tuple[str, ...]:
    """The inputs of a node sitting on its kink: a ReLU's input at exactly 0, or the max
    gate's tied largest inputs (when they are not all the same node); else ()."""
    node = graph.by_key[key]
    values = [graph.by_key[i].value for i in node.inputs]
    if node.kind == "relu" and values[0] == 0:
        return node.inputs
    if node.kind == "max":
        tied = tuple(i for i, v in zip(node.inputs, values, strict=True) if v == max(values))
        return tied if len(set(tied)) > 1 else ()
    return ()


def kink_notices(graph: Graph) -> tuple[str, ...]:
    """For each node on its kink, what sits there and which convention the lab follows."""
    notices = []
    for node in graph.nodes:
        tied = kink_inputs(graph, node.key)
        if not tied:
            continue
        if node.kind == "relu":
            notices.append(
                f"{node.key} = relu({tied[0]}) sits on its kink: its input is exactly 0, where "
                "relu has no derivative. The lab takes relu′(0) = 0, as PyTorch does; any "
                "slope from 0 to 1 is as valid."
            )
        else:
            names = [tied_name(graph, key) for key in dict.fromkeys(tied)]
            both = "both" if len(names) == 2 else "all"
            listed = _listed(names)
            arguments = ", ".join(
                f"{shown_number(graph.by_key[key].value)}" if graph.by_key[key].is_constant else key
                for key in node.inputs
            )
            first = tied_name(graph, tied[0])
            takers = [key for key in dict.fromkeys(tied) if not graph.by_key[key].is_constant]
            if graph.by_key[tied[0]].is_constant and takers:
                first += f", so {_listed(takers)} {'gets' if len(takers) == 1 else 'get'} none"
            nowhere = (
                "; a constant's share goes nowhere"
                if any(graph.by_key[key].is_constant for key in tied)
                else ""
            )
            if len(node.inputs) == 2:
                libraries = "as an argmax does; torch.maximum splits it evenly"
            else:
                # torch.maximum takes two inputs (nested, it splits 1/4, 1/4, 1/2): a gate of
                # three or more is a reduction over a tensor.
                libraries = (
                    "as torch.max(t, dim) does for the index it returns; torch.amax and "
                    "torch.max(t) split it evenly"
                )
            notices.append(
                f"{node.key} = max({arguments}) is a tie: {listed} are {both} the largest "
                f"({shown_number(node.value)}). The lab gives the whole gradient to the first "
                f"({first}), "
                f"{libraries}; any split whose shares, each between 0 and the gradient, add up "
                f"to it is as valid{nowhere}."
            )
    return tuple(notices)


def _diagnose(
    graph: Graph,
    step: BackwardStep,
    answer: float,
    answers: Mapping[str, float | None],
    target: Target,
    verdicts: Mapping[str, Verdict],
    targets: Mapping[str, Target],
) -> Verdict:
    fitting: list[_Suspect] = []
    for suspect in _suspects(graph, step, answers, verdicts, targets, answer):
        if close(answer, suspect.value, target.slack) and not target.accepts(suspect.value):
            if suspect.mistake in ("carried", "kink-choice"):  # the learner's own choices
                return Verdict(step.node, answer, False, suspect.mistake, suspect.message)
            if all(suspect.message != other.message for other in fitting):
                fitting.append(suspect)
    if any(suspect.mistake in _LOCAL_LEFT_OUT for suspect in fitting):
        # A ReLU's 0 or a max's loser is the local derivative left out, said of the gate.
        fitting = [suspect for suspect in fitting if suspect.mistake != "forgot-local"]
    if len(fitting) == 1:
        return Verdict(step.node, answer, False, fitting[0].mistake, fitting[0].message)
    if fitting:
        message = "This number fits more than one mistake. " + " Or: ".join(
            suspect.message for suspect in fitting
        )
        return Verdict(step.node, answer, False, fitting[0].mistake, message)
    return Verdict(step.node, answer, False, "other", _how_to(graph, step))


def _how_to(graph: Graph, step: BackwardStep) -> str:
    """How this node's gradient is worked, naming its consumers, where no known mistake fits:
    the old "For each edge out of this node, multiply the consumer's gradient …, then add the
    products" read oddly for one edge and for the output."""
    node, out = step.node, graph.output
    if not step.contributions:
        return (
            f"{node} is the output: the backward pass starts here, and its gradient with "
            f"respect to itself, ∂{out}/∂{node}, is 1."
        )
    consumers = step.consumers
    uses = {c: sum(1 for x in step.contributions if x.consumer == c) for c in consumers}
    if len(step.contributions) == 1:
        (consumer,) = consumers
        return (
            f"{node} feeds one node, {consumer}: multiply {consumer}'s gradient by the local "
            f"derivative on the edge from {node} to {consumer}, ∂{out}/∂{consumer} × "
            f"{_local(consumer, node, out)}."
        )
    if len(consumers) == 1:
        (consumer,) = consumers
        return (
            f"{consumer} uses {node} {_times(uses[consumer])}, so {_edges(uses[consumer])} lead "
            f"from {node} to {consumer}: multiply {consumer}'s gradient by each edge's local "
            "derivative, then add the products."
        )
    products = " + ".join(
        f"∂{out}/∂{c} × {_local(c, node, out)}"
        + (f" ({c} uses {node} {_times(uses[c])}: one product per use)" if uses[c] > 1 else "")
        for c in consumers
    )
    edge = "its edge" if len(step.contributions) == len(consumers) else "each of its edges"
    return (
        f"{node} feeds {_listed(list(consumers))}: multiply each one's gradient by the local "
        f"derivative on {edge} from {node}, then add the products: {products}."
    )


def _local(consumer: str, node: str, out: str) -> str:
    """The local derivative on the edge from `node` to `consumer`: ∂t1/∂x, but for the output
    not ∂f/∂x, the very gradient asked for."""
    if consumer == out:
        return f"the local derivative of {out}'s operation in {node}"
    return f"∂{consumer}/∂{node}"


def _times(uses: int) -> str:
    return "twice" if uses == 2 else f"{uses} times"


def _edges(uses: int) -> str:
    return "two edges" if uses == 2 else f"{uses} edges"


# Gate mistakes whose number is the upstream gradient alone: the same mistake as
# "forgot-local", named more closely.
_LOCAL_LEFT_OUT = frozenset({"relu-negative", "max-loser"})


def _suspects(
    graph: Graph,
    step: BackwardStep,
    answers: Mapping[str, float | None],
    verdicts: Mapping[str, Verdict],
    targets: Mapping[str, Target],
    answer: float,
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
    carried = _carried_forward(step, answers, verdicts)
    if carried is not None:
        yield _Suspect(
            "carried",
            carried,
            "Your method is right: this follows from your answer for the node it feeds, "
            "which is off. Fix that one and this one follows.",
        )
    yield from _kink_choice(graph, step, answers, verdicts, targets, answer)
    yield from _gate_suspects(graph, step)
    # Each consumer's gradient once, however often it uses this node: at x*x + x the
    # upstream gradients are ∂f/∂t1 and ∂f/∂f, 1 + 1, not 1 + 1 + 1.
    upstream_sum = sum({c.consumer: c.upstream for c in step.contributions}.values())
    yield _Suspect(
        "forgot-local",
        upstream_sum,
        "This is the upstream gradient alone: multiply it by the local derivative on the edge "
        "(the chain rule).",
    )
    if step.fans_out:
        yield from _fan_out_suspects(step)
    if step.gradient:  # of a 0 that float64 rounded, the flipped sign is no number
        yield _Suspect(
            "sign", -step.gradient, "The size is right but the sign is flipped; check each minus."
        )


def _fan_out_suspects(step: BackwardStep) -> Iterator[_Suspect]:
    """A branch or a use left out where a node feeds several nodes or one node twice."""
    node, consumers = step.node, step.consumers
    branches = {
        consumer: sum(c.product for c in step.contributions if c.consumer == consumer)
        for consumer in consumers
    }
    for consumer, branch in branches.items():
        if len(consumers) > 1:
            yield _Suspect(
                "fan-out",
                branch,
                f"{node} feeds {len(consumers)} nodes: the gradients from every branch add up "
                f"(this is only the branch through {consumer}).",
            )
        if len(consumers) > 2:
            yield _Suspect(
                "fan-out",
                step.gradient - branch,
                f"{node} feeds {len(consumers)} nodes: the gradients from every branch add up "
                f"(this leaves out the branch through {consumer}).",
            )
    for consumer in consumers:
        uses = [c for c in step.contributions if c.consumer == consumer]
        if len(uses) < 2:
            continue
        times = "twice" if len(uses) == 2 else f"{len(uses)} times"
        rule = (
            f"{consumer} uses {node} {times}: each use adds its own product, upstream × local "
            "derivative, to the gradient"
        )
        for use in uses:
            product = f"{shown_number(use.upstream)} × {shown_factor(use.local)}"
            yield _Suspect("fan-out", use.product, f"{rule} (this is only one use, {product}).")
            # Two uses and nothing else: leaving one out is the other alone, said above.
            if len(uses) > 2 or len(consumers) > 1:
                yield _Suspect(
                    "fan-out",
                    step.gradient - use.product,
                    f"{rule} (this leaves out one use, {product}).",
                )


def _kink_choice(
    graph: Graph,
    step: BackwardStep,
    answers: Mapping[str, float | None],
    verdicts: Mapping[str, Verdict],
    targets: Mapping[str, Target],
    answer: float,
) -> Iterator[_Suspect]:
    """An answer another convention at a kink would give, not the one the learner chose: with
    ∂f/∂t1 = -1 chosen at relu(t1)'s kink, ∂f/∂x for t1 = 2x is 2 × (-1) = -2, not -4."""
    given = [answers.get(c.consumer) for c in step.contributions]
    chosen = [
        c.consumer
        for c in step.contributions
        if targets[c.consumer].at_kink and verdicts[c.consumer].correct
    ]
    if not chosen:
        return
    low = high = implied = 0.0
    for contribution, value in zip(step.contributions, given, strict=True):
        if value is None:
            return
        implied += value * contribution.local
        if contribution.consumer in chosen:
            kink = targets[contribution.consumer]
            ends = (kink.low * contribution.local, kink.high * contribution.local)
        else:
            ends = (value * contribution.local, value * contribution.local)
        low, high = low + min(ends), high + max(ends)
    consumer = chosen[0]
    choice = answers[consumer]
    assert choice is not None  # a right answer at the kink: it was given
    mine = targets[step.node]
    if mine.at_kink:
        # A kink on the way leaves a range, not one value (relu(x) − relu(−x) at 0 with
        # ∂f/∂t1 = 1 and ∂f/∂t3 = −1: ∂f/∂x = s + 1, 1 to 2).
        working = (
            "each consumer's gradient as you gave it times its local derivative (a slope from "
            f"0 to 1 at a kink), added up: anything from {_interval(mine)}"
        )
    elif len(step.contributions) == 1:
        local = shown_number(step.contributions[0].local)
        working = f"{local} × ({written_number(choice)}) = {shown_number(implied)}"
    else:
        working = (
            "each consumer's gradient as you gave it times its local derivative, added up: "
            f"{shown_number(implied)}"
        )
    yield _Suspect(
        "kink-choice",
        min(max(answer, low), high),
        f"Your ∂{graph.output}/∂{consumer} = {written_number(choice)} is one of the values the "
        f"kink allows at {consumer}; this gradient must follow from that choice of yours: "
        f"{working}.",
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
        # Both mistakes on every input: sharing the gradient out, and routing it to a loser
        # (the loser then has it whole, the winner nothing).
        if contribution.local == 0:
            loser = (
                f"This input lost the max ({step.node} is not the largest), so it gets 0: the "
                "max gate routes the whole gradient to the winner only."
            )
        else:
            loser = (
                f"This input won the max ({step.node} is the largest), so it gets the whole "
                "gradient: the max gate routes all of it to the winner, none to the loser."
            )
        yield _Suspect("max-loser", upstream if contribution.local == 0 else 0.0, loser)
        yield _Suspect(
            "max-average",
            upstream / len(consumer.inputs),
            "Away from a tie a max gate does not share the gradient out: the largest input "
            "gets all of it and the others 0 (only at a tie is sharing it a valid convention).",
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
    elif consumer.kind == "relu" and own < 0:
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
            f"with n = {shown_number(consumer.exponent, 6)}.",
        )


def _carried_forward(
    step: BackwardStep, answers: Mapping[str, float | None], verdicts: Mapping[str, Verdict]
) -> float | None:
    """The gradient the learner's own answers for the consumers imply, if one of them is off."""
    total = 0.0
    for contribution in step.contributions:
        upstream = answers.get(contribution.consumer)
        if upstream is None:
            return None
        total += upstream * contribution.local
    differs = any(not verdicts[c.consumer].correct for c in step.contributions)
    return total if differs else None

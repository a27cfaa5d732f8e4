"""Whether a typed input's digits beyond float64's change what the lab shows.

The lab shows each input as typed and computes in float64, which holds the nearest float to
it: −0.9999999999999999 is held as −0.99999999999999988898, and log(x + 1) takes its slope
1/(x + 1) there, 9.007 × 10¹⁵, where the number typed gives 10¹⁶. The graph is worked out
again in 30-digit arithmetic at the float and at the decimal typed, each ReLU and max gate on
the side the float pass took; where a value, local derivative or gradient the page shows
differs between the two by more than half a unit in its fourth significant figure (the
page's four figures), the input is refused; only a 0 at the decimals that the floats leave as
float64's rounding of its terms (0.1·3 − 0.3) is not counted. 0.1, held as
0.1000000000000000055511, moves nothing a page shows. But where that 0 is a ReLU's input, or
the gap between a max gate's largest inputs, the numbers typed sit on its kink or tie while
the floats take one side: relu(x·y − z) at 0.1, 3, 0.3 would show relu′ = 1 and its side's
gradients as exact, with no kink notice. Such inputs are refused too, with a number off the
kink and the advice to type numbers float64 holds exactly to work at the kink itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import Any

from gradquiz.core.lab.forward_mode import DIGITS, NOISE_DIGITS, context
from gradquiz.core.lab.graphs import Graph, Program, build_graph
from gradquiz.core.lab.numbers import page_form, shown_number, written_number
from gradquiz.core.lab.operations import DomainError
from gradquiz.core.lab.rounding import exact_pass
from gradquiz.core.lab.scales import RESIDUE, gradient_scales, local_size, magnitudes

FIGURES = 4  # the page shows computed numbers to four significant figures
# A result this small beside its terms is 0 at the decimals: the 30-digit pass's own rounding.
NOISE = 10.0 ** (NOISE_DIGITS - DIGITS)


@dataclass(frozen=True)
class Moved:
    """A number the page shows that the input's float moves: what it is, at the float and at
    the number typed (None: at the number typed the graph leaves a domain)."""

    what: str
    at_float: str
    at_typed: str | None
    off: str = ""  # how far apart, measured against the number typed ("9.9 %")
    # At the number typed a ReLU's input is exactly 0 or a max gate's inputs tie, where the
    # float's are not: what that is, in a sentence; "" otherwise.
    kink: str = ""
    tie: bool = False  # the kink is a max gate's tie


def inexact_inputs(values: Mapping[str, float], typed: Mapping[str, Decimal]) -> list[str]:
    """The inputs whose float is not exactly the decimal typed (0.1, not 0.5)."""
    return [name for name, text in typed.items() if Decimal(values[name]) != text]


def moved_by_float(graph: Graph, typed: Mapping[str, Decimal]) -> Moved | None:
    """The first number the page shows (input gradients first, then the other gradients,
    local derivatives and values) that differs at `typed`'s decimals from the floats beyond
    the page's four figures and float64's own rounding; None where none does."""
    ctx = context(DIGITS)
    at_float = exact_pass(ctx, graph)
    if at_float is None:
        return None  # no reference to compare with
    # Constants as written (their shortest decimal, as the 30-digit column takes them), so
    # that a typed 0.1 less a constant 0.1 is 0 at the decimals as at the floats; a part
    # worked out from numbers (0.1 + 0.2) at its float, which the page says the graph uses.
    decimals = {
        n.key: ctx.mpf(repr(n.value)) for n in graph.nodes if n.kind == "constant" and not n.written
    }
    decimals.update({k: ctx.mpf(str(v)) for k, v in typed.items()})
    at_typed = exact_pass(ctx, graph, decimals)
    if at_typed is None:
        return Moved("the graph", "", None)
    values, locals_, gradients = at_float
    typed_values, typed_locals, typed_gradients = at_typed
    sizes = magnitudes(graph)
    kink = _kink_at_typed(ctx, graph, typed_values, sizes)
    if kink is not None:
        return kink
    scales = gradient_scales(graph)
    out = graph.output
    inputs = [key for key in graph.inputs if key in gradients]
    candidates: list[tuple[str, Any, Any, float]] = [
        (f"∂{out}/∂{key}", gradients[key], typed_gradients[key], scales[key]) for key in inputs
    ]
    candidates += [
        (f"∂{out}/∂{key}", gradients[key], typed_gradients[key], scales[key])
        for key in gradients
        if key not in inputs
    ]
    candidates += [
        (
            f"the local derivative ∂{e.target}/∂{e.source}",
            locals_[(e.source, e.target, e.position)],
            typed_locals[(e.source, e.target, e.position)],
            local_size(graph, e, sizes),
        )
        for e in graph.edges
    ]
    candidates += [
        (f"the value of {node.key}", values[node.key], typed_values[node.key], sizes[node.key])
        for node in graph.nodes
        if node.kind not in ("input", "constant")
    ]
    for what, float_value, typed_value, scale in candidates:
        gap = abs(float_value - typed_value)
        if abs(typed_value) <= NOISE * ctx.mpf(scale) and gap <= RESIDUE * ctx.mpf(scale):
            continue  # 0.1·3 − 0.3: what float64's rounding of the terms leaves, typed or not
        if gap > _half_unit(ctx, typed_value):
            off = gap / abs(typed_value) if typed_value else None
            return Moved(
                what,
                _figures(ctx, float_value),
                _figures(ctx, typed_value),
                "" if off is None else f"{shown_number(float(off * 100), 2)} %",
            )
    return None


def _kink_at_typed(
    ctx: Any, graph: Graph, typed_values: Mapping[str, Any], sizes: Mapping[str, float]
) -> Moved | None:
    """A ReLU whose input is exactly 0, or a max gate whose largest inputs tie, at the numbers
    typed (to the 30-digit pass's own rounding) though not at their floats: 0.1·3 − 0.3 is 0,
    a kink, where float64 computes 5.551 × 10⁻¹⁷ and takes one side's slope as exact."""
    for node in graph.nodes:
        if node.kind == "relu":
            (arg,) = node.inputs
            at_float = graph.by_key[arg].value
            if at_float != 0 and abs(typed_values[arg]) <= NOISE * ctx.mpf(sizes[arg]):
                side = "1, the right-hand" if at_float > 0 else "0, the left-hand"
                return Moved(
                    f"the input of {node.key} = relu({arg})",
                    shown_number(at_float),
                    "0",
                    kink=(
                        f"at the numbers typed, the input of relu, {_written(graph, arg)}, "
                        "is exactly 0, its kink; float64 computes "
                        f"{shown_number(at_float)} for it, so the page would take relu′ = "
                        f"{side} slope, with no kink notice, and call that side's gradients "
                        "exact"
                    ),
                )
        if node.kind == "max":
            floats = [graph.by_key[key].value for key in node.inputs]
            float_tied = {k for k, v in zip(node.inputs, floats, strict=True) if v == max(floats)}
            typed = [typed_values[key] for key in node.inputs]
            near = NOISE * ctx.mpf(max(sizes[key] for key in node.inputs))
            tied = {k for k, v in zip(node.inputs, typed, strict=True) if max(typed) - v <= near}
            if len(tied) > 1 and tied != float_tied:
                names = [key for key in dict.fromkeys(node.inputs) if key in tied]
                parts = [_leaf_or_written(graph, key) for key in names]
                held = _listed_and(
                    [
                        f"{part} as {written_number(graph.by_key[k].value)}"
                        for part, k in zip(parts, names, strict=True)
                    ]
                )
                return Moved(
                    f"the largest input of {node.key} = max({', '.join(node.inputs)})",
                    "",
                    "",
                    tie=True,
                    kink=(
                        f"at the numbers typed, {_listed_and(parts)}, the largest inputs of "
                        f"max, are {'both' if len(parts) == 2 else 'all'} "
                        f"{_figures(ctx, max(typed))}, a tie; float64 computes {held}, so the "
                        "page would give the whole gradient to the largest of those floats, "
                        "with no tie notice"
                    ),
                )
    return None


def kink_side_lost(
    program: Program, graph: Graph, typed: Mapping[str, Decimal], values: Mapping[str, float]
) -> tuple[str, str] | None:
    """The input to refuse, and why, where float64 puts a ReLU's input or a max gate's inputs
    on another side of the kink or tie than the numbers typed do: x·y at 1e-200 and 1e-200 is
    1e-400, which float64 rounds to 0, the kink, while relu′ there is 1 (`typed`: the inputs as
    typed; the others at their floats). None where every kink's side agrees."""
    found = _side_lost(graph, typed)
    if found is None:
        return None
    arg, sentence = found
    names = [key for key in graph.inputs if key in _leaves(graph, arg)] or list(graph.inputs)
    for name in names:
        near = _in_range(program, graph, name, typed, values)
        if near is not None:
            advice = (
                f" Type numbers at which float64 holds {_named(graph, arg)} on the side the "
                f"numbers typed put it, such as {name} = {near}."
            )
            return name, sentence + advice
    advice = " Type numbers at which float64 holds it on the side the numbers typed put it."
    return names[0], sentence + advice


def _side_lost(graph: Graph, typed: Mapping[str, Decimal]) -> tuple[str, str] | None:
    """The first ReLU or max gate whose side differs between float64 and the numbers typed:
    its input's key and a sentence saying so."""
    ctx = context(DIGITS)
    decimals = {
        n.key: ctx.mpf(repr(n.value)) for n in graph.nodes if n.kind == "constant" and not n.written
    }
    decimals.update({k: ctx.mpf(str(v)) for k, v in typed.items()})
    found = exact_pass(ctx, graph, decimals)
    if found is None:
        return None
    typed_values = found[0]
    sizes = magnitudes(graph)
    for node in graph.nodes:
        if node.kind == "relu":
            (arg,) = node.inputs
            at_float = graph.by_key[arg].value
            exact = typed_values[arg]
            if abs(exact) <= NOISE * ctx.mpf(sizes[arg]):
                continue  # on the kink at the numbers typed: moved_by_float's case
            side = 1 if exact > 0 else -1
            if at_float * side > 0:
                continue
            written = _named(graph, arg)
            where = (
                "its right-hand side, relu′ = 1" if side > 0 else "its left-hand side, relu′ = 0"
            )
            if at_float == 0:
                held = f"{_underflow(ctx, exact)}which float64 rounds to 0, the ReLU's kink"
                takes = "would show the kink and its convention"
            else:
                held = f"which float64 computes as {shown_number(at_float)}, across the kink"
                takes = "would take the other side's slope"
            return arg, (
                f"At the numbers typed, {written} is {_figures(ctx, exact)}, {held}: the page "
                f"{takes} where the numbers typed are on {where}."
            )
        if node.kind == "max":
            floats = [graph.by_key[key].value for key in node.inputs]
            float_top = {k for k, v in zip(node.inputs, floats, strict=True) if v == max(floats)}
            exact_values = [typed_values[key] for key in node.inputs]
            near = NOISE * ctx.mpf(max(sizes[key] for key in node.inputs))
            top = {
                k
                for k, v in zip(node.inputs, exact_values, strict=True)
                if max(exact_values) - v <= near
            }
            if len(top) > 1 or top == float_top:
                continue  # a tie at the numbers typed is moved_by_float's case
            (largest,) = top
            written = _named(graph, largest)
            exact = typed_values[largest]
            float_names = [k for k in dict.fromkeys(node.inputs) if k in float_top]
            held = _listed_and(
                [
                    f"{_named(graph, k)} as {written_number(graph.by_key[k].value)}"
                    for k in float_names
                ]
            )
            what = "a tie" if len(float_top) > 1 else "the largest"
            underflow = _underflow(ctx, exact) if graph.by_key[largest].value == 0 else ""
            verdict = "treat it as a tie" if len(float_top) > 1 else "take that as the largest"
            return largest, (
                f"At the numbers typed, {written} is {_figures(ctx, exact)}, {underflow}the "
                f"largest input of max alone; float64 computes {held}, {what}, so the page "
                f"would {verdict}, where the numbers typed give the whole gradient to "
                f"{written}."
            )
    return None


def _underflow(ctx: Any, exact: Any) -> str:
    """ "below float64's smallest positive number, " where `exact` is below it."""
    return "below float64's smallest positive number, " if abs(exact) < ctx.mpf(TINY) else ""


TINY = 5e-324  # float64's smallest positive (subnormal) number


def _named(graph: Graph, key: str) -> str:
    """A node written with its inputs' names and its constants' numbers ("x × y − 0.3")."""
    return _written(graph, key, by_name=True)


def _leaves(graph: Graph, key: str) -> set[str]:
    node = graph.by_key[key]
    if not node.inputs:
        return {key}
    return set().union(*(_leaves(graph, child) for child in node.inputs))


# The most exponents `_in_range` tries: shifts of 10, 20, … 320 places, none past 10⁰.
RANGE_TRIES = 6


def _in_range(
    program: Program,
    graph: Graph,
    name: str,
    typed: Mapping[str, Decimal],
    values: Mapping[str, float],
) -> str | None:
    """`name`'s number with its exponent moved toward 0 (by 10, 20, 40, … places, at most to
    0: a bounded search, each try a graph and two 30-digit passes), the first at which every
    kink keeps its side and every value is 0 or a normal float, as it is typed."""
    start = typed.get(name, Decimal(repr(values[name])))
    if start == 0 or start.adjusted() == 0:
        return None
    toward = 1 if start.adjusted() < 0 else -1
    farthest = abs(start.adjusted())
    shifts = sorted({min(10 * 2**k, farthest) for k in range(RANGE_TRIES)})
    for shift in shifts:
        near = start.scaleb(toward * shift)
        try:
            moved = build_graph(program, {**values, name: float(near)})
        except DomainError:
            continue
        if any(0 < abs(node.value) < 2.2250738585072014e-308 for node in moved.nodes):
            continue
        now = {**typed, name: near}
        if _side_lost(moved, now) is not None:
            continue
        inexact = {k: v for k, v in now.items() if Decimal(moved.by_key[k].value) != v}
        if inexact and moved_by_float(moved, inexact) is not None:
            continue
        return str(near.normalize()).replace("E", "e").replace("e+", "e")
    return None


def _written(graph: Graph, key: str, parent: str = "", by_name: bool = False) -> str:
    """A node worked out from the inputs as typed, as the learner would write it
    ("0.1 × 3 − 0.3"); `by_name`: with the inputs' names ("x × 3 − z")."""
    from gradquiz.core.lab.graphs import written_operation

    node = graph.by_key[key]
    if not node.inputs:
        return key if by_name and node.kind == "input" else written_number(node.value)
    parts = [_written(graph, child, node.kind, by_name) for child in node.inputs]
    text = written_operation(node.kind, parts, node.exponent)
    grouped = node.kind in ("add", "sub") and parent not in ("", "add", "sub", "relu", "max")
    return f"({text})" if grouped else text


def _leaf_or_written(graph: Graph, key: str) -> str:
    """An input by its name and number ("z = 0.3"), a computed node worked out ("0.1 × 3")."""
    node = graph.by_key[key]
    return _written(graph, key) if node.inputs else f"{key} = {written_number(node.value)}"


def _listed_and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


def _gradient_signs(graph: Graph, typed: Mapping[str, Decimal]) -> dict[str, int] | None:
    """Each gradient's sign at `typed`'s decimals (0 where it is 0 there, float64's rounding
    of its terms aside); None where the 30-digit pass cannot be made."""
    ctx = context(DIGITS)
    decimals = {  # constants as written, as moved_by_float takes them
        n.key: ctx.mpf(repr(n.value)) for n in graph.nodes if n.kind == "constant" and not n.written
    }
    decimals.update({k: ctx.mpf(str(v)) for k, v in typed.items()})
    result = exact_pass(ctx, graph, decimals)
    if result is None:
        return None
    scales = gradient_scales(graph)
    signs = {}
    for key, value in result[2].items():
        zero = abs(value) <= NOISE * ctx.mpf(scales[key])
        signs[key] = 0 if zero else (1 if value > 0 else -1)
    return signs


def refusal(
    program: Program,
    name: str,
    text: str,
    value: float,
    typed: Decimal,
    moved: Moved,
    values: Mapping[str, float],
    others: Mapping[str, Decimal] | None = None,
) -> str:
    """Why the input `name`, typed as `text`, is refused, and a number with fewer digits
    that the lab can take there (the typed one cut short), if one is found; at a kink or tie
    the numbers typed make, a number near it off the kink (`others`: the other inputs typed
    inexactly, as typed)."""
    held = format(Decimal(value), "f")
    held = held[: held.index(".") + 22] if "." in held else held  # 20 decimals: enough
    if moved.kink:
        near = _off_kink(program, name, typed, values, others or {})
        kink = "tie" if moved.tie else "kink"
        off = f"Type {name} off the {kink}, such as {near}, or t" if near else "T"
        return (
            f"The value of {name} is {text.strip()}, which float64 cannot hold: it holds the "
            f"nearest float, {page_form(held)}…, and the lab computes in float64. Here the "
            f"digits it loses matter: {moved.kink}. {off}ype inputs that float64 holds exactly "
            "(whole numbers, or fractions whose denominator is a power of 2, such as 0.25 or "
            f"0.375) to work at the {kink} itself."
        )
    others = others or {}
    number, floats = ("numbers", "floats") if others else ("number", "float")
    if moved.at_typed is None:
        where = (
            f"at the {number} typed the graph leaves a function's domain, at the {floats} it "
            "does not"
        )
    else:
        off = f" ({moved.off} apart)" if moved.off else ""
        where = (
            f"{moved.what} is {moved.at_float} at the {floats} and {moved.at_typed} at the "
            f"{number} typed{off}, and the page shows four figures"
        )
    also = ""
    if others:
        also = " " + _listed_and(
            [f"{key}, typed as {page_form(format(v, 'f'))}," for key, v in others.items()]
        )
        also += " is not held exactly either." if len(others) == 1 else " are not either."
    shorter = _shorter_together(program, name, typed, values, others)
    if shorter and list(shorter) == [name]:
        advice = f"Type {name} with fewer significant digits, such as {shorter[name]}."
    elif shorter:
        advice = (
            f"Type {_listed_and(list(shorter))} with fewer significant digits, such as "
            f"{_listed_and([f'{key} = {cut}' for key, cut in shorter.items()])}."
        )
    else:
        advice = (
            f"Type a value of {name} that float64 holds exactly (a whole number, or one whose "
            "fraction is a sum of powers of 2, such as 0.25 or 0.375), or one where f depends "
            "less on its last digits."
        )
    return (
        f"The value of {name} is {text.strip()}, which float64 cannot hold: it holds the "
        f"nearest float, {page_form(held)}…, and the lab computes in float64.{also} Here the "
        f"digits it loses matter: {where}. {advice}"
    )


def _shorter_together(
    program: Program,
    name: str,
    typed: Decimal,
    values: Mapping[str, float],
    others: Mapping[str, Decimal],
) -> dict[str, str]:
    """Shorter numbers for `name` and then, one by one, for as many of the other inexact
    inputs as it takes for the page to take them all, each as the page writes it; {} where
    one of them has no shorter number that the lab takes."""
    remaining = {name: typed, **{k: v for k, v in others.items() if k != name}}
    current = dict(values)
    found: dict[str, str] = {}
    for key in list(remaining):
        cut = _shorter(program, key, remaining.pop(key), current)
        if cut is None:
            return {}
        found[key] = page_form(format(cut.normalize(), "f"))
        current[key] = float(cut)
        try:
            graph = build_graph(program, current)
        except DomainError:
            return {}
        rest = {k: v for k, v in remaining.items() if Decimal(current[k]) != v}
        if not rest or moved_by_float(graph, rest) is None:
            return found
    return {}


def _shorter(
    program: Program, name: str, typed: Decimal, values: Mapping[str, float]
) -> Decimal | None:
    """`typed` cut short (toward 0, else away from it) to the most significant digits with
    which the lab takes it: nothing the page shows moves, the graph is defined there, and
    every gradient keeps its sign at the decimals, none turned 0 or made nonzero (in
    x·y − x·z at z = 1, y = 1.000000000000001 cut to 1 made ∂f/∂x exactly 0)."""
    try:
        signs = _gradient_signs(build_graph(program, values), {name: typed})
    except DomainError:
        signs = None
    digits = len(typed.as_tuple().digits)
    for keep in range(digits - 1, 0, -1):
        exponent = typed.adjusted() - keep + 1
        for rounding in (ROUND_DOWN, ROUND_UP):
            cut = typed.quantize(Decimal(1).scaleb(exponent), rounding=rounding)
            if cut == typed or cut == 0:
                continue
            try:
                graph = build_graph(program, {**values, name: float(cut)})
            except DomainError:
                continue
            if not (Decimal(float(cut)) == cut or moved_by_float(graph, {name: cut}) is None):
                continue
            if signs is not None and _gradient_signs(graph, {name: cut}) != signs:
                continue
            return cut
    return None


def _off_kink(
    program: Program,
    name: str,
    typed: Decimal,
    values: Mapping[str, float],
    others: Mapping[str, Decimal],
) -> str | None:
    """`typed` moved by a few units in its last digit to where the lab takes it with the
    other inputs as typed: off the kink, the graph defined, nothing the page shows moved."""
    unit = Decimal(1).scaleb(typed.as_tuple().exponent)  # type: ignore[arg-type]
    for step in range(1, 10):
        for sign in (1, -1):
            near = typed + sign * step * unit
            if near == 0:
                continue
            try:
                graph = build_graph(program, {**values, name: float(near)})
            except DomainError:
                continue
            inexact = {k: v for k, v in {**others, name: near}.items() if Decimal(float(v)) != v}
            if not inexact or moved_by_float(graph, inexact) is None:
                return page_form(format(near.normalize(), "f"))
    return None


def _half_unit(ctx: Any, value: Any) -> Any:
    """Half a unit in the FIGURES-th significant figure of `value` (0 for 0)."""
    if value == 0:
        return ctx.zero
    return ctx.mpf(10) ** (ctx.floor(ctx.log10(abs(value))) - FIGURES + 1) / 2


def _figures(ctx: Any, value: Any) -> str:
    """`value` to four significant figures as the pages write numbers."""
    return page_form(ctx.nstr(value, FIGURES))

"""Each input's gradient three ways: the backward pass, an exact reference, a finite difference.

The backward pass (float64, reverse mode), forward-mode differentiation in 30-digit arithmetic
(forward_mode.py, with its own statement of the rules) and a finite difference (no rules at
all) are three independent routes to the same number; the lab shows all three, and says why
where the finite difference disagrees: a step that reaches across a kink (or kinks that
cancel, where backprop's conventions are not f's derivative), a function that curves too
sharply over the step, or a point so near the edge of the function's domain that no step
float64 takes is fine enough.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from gradquiz.core.lab.forward_mode import WIDE_DIGITS, exact_gradients, nonzero_gradients
from gradquiz.core.lab.graphs import (
    Graph,
    Program,
    forward_value,
    gate_choices,
    pole_signs,
    singular_points,
)
from gradquiz.core.lab.numbers import page_form, shown_number
from gradquiz.core.lab.operations import DomainError, NoDerivative
from gradquiz.core.lab.scales import gradient_scales, residue

# The centred difference's step, scaled by the input's size.
STEP = 1e-5
# A difference this close to the exact gradient agrees (relatively, or beside the gradient's
# scale when the exact gradient is 0); a centred difference with STEP on a smooth function
# is typically within 1e-9.
AGREEMENT = 1e-6
# Smaller steps tried, each a tenth of the last, to show that a disagreement is the step's:
# down to STEP·10⁻⁶, still far above round-off.
SMALLER_STEPS = 6
# Near a domain's edge, steps of a tenth of the last are tried for one that stays inside, and
# a thousandth of the largest that does is taken where it is RESOLVED_ULPS units in the last
# place of the input or more (log(x) at x = 10⁻³⁰⁰ needs 10⁻³⁰¹, then takes 10⁻³⁰⁴).
RESOLVED_ULPS = 1000
# Closer to the edge than that, tenths of the largest step inside are tried, at most this
# many, for two in a row that agree (`inside_step`); the tenths down to the edge are at most
# MAX_TENTHS, which spans float64 (10³⁰⁸ to 10⁻³²⁴).
SETTLE_TENTHS = 8
MAX_TENTHS = 640
# A truncation error shrinks as h², so a hundredfold a tenth; a step's changes that shrink by
# this much or more a tenth are truncation, not round-off (which grows as h shrinks).
SHRINKING = 50
# Within this distance of a ReLU's or a max gate's kink, a difference may straddle it.
KINK_MARGIN = 1e-4


@dataclass(frozen=True)
class GradientCheck:
    """One input's gradient by backprop, by exact forward mode and by a finite difference."""

    input: str
    backprop: float
    exact: float  # 0 where what forward mode gives is rounding residue beside `scale`
    centred: float  # the finite difference: centred unless `method` says otherwise
    step: float
    scale: float = 1.0  # the size of the terms the gradient is made of (scales.py)
    method: str = "centred"  # "centred", or "forward"/"backward" (one-sided) at a domain edge
    note: str | None = None  # why the difference was taken another way, or disagrees
    # why it disagrees: "kink", "pole", "curvature", "round-off" or "step" (the smallest
    # step float64 takes is still too coarse beside a domain's edge)
    reason: str | None = None
    cancelled: bool = False  # `exact` is 0 because what forward mode gave is residue
    underflow: bool = False  # `exact` is 0 because the gradient is below the smallest float
    about: str = ""  # where `exact` is 0 but not exactly: the gradient to two figures
    about_value: float = 0.0  # and to float64's precision (0.0 where it underflows)
    floor: float = 0.0  # the round-off in f(v ± h) over the step (`roundoff_floor`)
    sign: int = 0  # where `exact` is 0 but not exactly: the true gradient's sign (1 or −1)
    # Where kinks cancel (relu(x) − relu(−x) at 0): f's own derivative, which the backward
    # pass's conventions at the kinks do not give; None elsewhere.
    derivative: float | None = None

    @property
    def measured_against(self) -> float:
        """What the Error column measures the difference against: f's own derivative where
        kinks cancel (backprop's 0 at relu(x) − relu(−x) there is a convention, and the
        difference, 1, is right), else the exact gradient."""
        return self.exact if self.derivative is None else self.derivative

    @property
    def error_is_absolute(self) -> bool:
        """A relative error means nothing when the reference is 0: the error is absolute."""
        return self.measured_against == 0

    @property
    def relative_error(self) -> float:
        """|reference − difference| / max(|reference|, |difference|), or |difference| when the
        reference (`measured_against`) is 0."""
        if self.error_is_absolute:
            return abs(self.centred)
        return relative_error(self.measured_against, self.centred)

    @property
    def agrees(self) -> bool:
        """Whether the difference confirms the exact gradient."""
        return _agree(self.exact, self.centred, self.scale, self.floor)

    @property
    def backprop_error(self) -> float:
        """How far the backward pass is from the exact gradient."""
        return relative_error(self.backprop, self.exact)


def relative_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|) (0 when both are 0)."""
    size = max(abs(a), abs(b))
    return 0.0 if size == 0 else abs(a - b) / size


def held(value: float, exact: float) -> bool:
    """Whether float64's `value` is `exact`'s (a nonzero, within AGREEMENT): what looks like
    residue beside its terms is then the gradient itself, which float64 kept."""
    return value != 0 and relative_error(value, exact) <= AGREEMENT


def _agree(exact: float, estimate: float, scale: float, floor: float = 0.0) -> bool:
    """Relatively within AGREEMENT; for an exact 0, within AGREEMENT of the gradient's scale
    or below the round-off in f(v ± h) (`floor`), which is all the difference can resolve.
    Against a scale of 0 (x**3 at 0, whose terms are all 0) only an exact 0 used to agree,
    and 10⁻¹² at h = 10⁻⁶ was called a disagreement."""
    if not math.isfinite(estimate):
        return False
    if exact == 0:
        return abs(estimate) <= max(AGREEMENT * scale, floor)
    return relative_error(exact, estimate) <= AGREEMENT


def step_for(value: float) -> float:
    """The centred difference's step at `value`: STEP·max(1, |value|)."""
    return STEP * max(1.0, abs(value))


def centred_difference(program: Program, values: Mapping[str, float], name: str) -> float:
    """∂output/∂name ≈ (f(v + h) − f(v − h)) / 2h with h = STEP·max(1, |v|); NaN where
    v ± h leaves the function's domain (`finite_difference` then steps another way)."""
    try:
        return _centred(program, values, name, step_for(values[name]))
    except DomainError:
        return math.nan


def _centred(program: Program, values: Mapping[str, float], name: str, step: float) -> float:
    v = values[name]
    up = forward_value(program, {**values, name: v + step})
    down = forward_value(program, {**values, name: v - step})
    # Divided by the step actually taken: at x ≈ 1 with h = 10⁻¹², x ± h round to floats
    # whose difference is not 2h, and dividing by 2h put an error of 2 × 10⁻⁵ that f's
    # rounding had no part in.
    return (up - down) / taken_step(v, step)


def roundoff_floor(program: Program, values: Mapping[str, float], name: str, step: float) -> float:
    """The most rounding f(v + h) and f(v − h) can put in a centred difference: an ulp of
    each over the step taken (2.2 × 10⁻¹¹ for f ≈ 1 at h = 10⁻⁵); 0 off the domain."""
    v = values[name]
    try:
        up = forward_value(program, {**values, name: v + step})
        down = forward_value(program, {**values, name: v - step})
    except DomainError:
        return 0.0
    if not (math.isfinite(up) and math.isfinite(down)):
        return 0.0
    return (math.ulp(up) + math.ulp(down)) / taken_step(v, step)


def taken_step(v: float, step: float) -> float:
    """(v + h) − (v − h) as float64 holds them: the step a centred difference takes."""
    return (v + step) - (v - step)


def finite_difference(
    program: Program, values: Mapping[str, float], name: str
) -> tuple[float, float, str, str | None]:
    """The estimate, its step, its method and a note, never a refusal of a valid point.

    A centred difference with STEP where v ± h stays in the domain; near a domain's edge a
    smaller step that stays inside (`inside_step`); where none settles, a centred step of a
    unit of the input or a few tenfold more (`_near_edge`); and at the edge itself a
    one-sided difference from the side that is inside, its step from one unit up
    (`_one_sided_step`)."""
    v, step = values[name], step_for(values[name])
    try:
        return _centred(program, values, name, step), step, "centred", None
    except DomainError:
        pass
    found = inside_step(program, values, name, step)
    if found is not None:
        estimate, smaller = found
        return (
            estimate,
            smaller,
            "centred",
            f"{name} ± {shown_number(step, 1)} leaves the function's domain, so the step is "
            f"{shown_number(smaller, 1)}.",
        )
    near = _near_edge(program, values, name)
    if near is not None:
        # Inside, but nearer the edge than any step `inside_step` settles at: a centred step
        # of one unit still stays inside (log(x + 1) at x = −0.99999999999999, 90 units from
        # the edge). It was one-sided with h = 10⁻⁵, 10⁹ times the distance, and 5 × 10⁷ too
        # small.
        estimate, h, units = near
        which = (
            "the smallest float64 takes there"
            if h <= math.ulp(v)
            else f"the first from one unit up tenfold that rounding f({name} ± h) does not "
            "swamp, or the largest that stays inside"
        )
        return (
            estimate,
            h,
            "centred",
            f"{name} ± {shown_number(step, 1)} leaves the function's domain, and {name} = "
            f"{point(v)} is {_units(units)} from its edge, so the step is {which}, "
            f"h = {shown_number(h, 2)}.",
        )
    centre = forward_value(program, values)
    for method, sign in (("forward", 1.0), ("backward", -1.0)):
        found = _one_sided_step(program, values, name, sign, step, centre)
        if found is None:
            continue
        estimate, taken = found
        return estimate, taken, method, _one_sided(program, values, name, sign, taken)
    nowhere = f"No finite difference at {name} = {shown_number(v, 6)} stays in the domain."
    return math.nan, step, "centred", nowhere


# Centred steps tried beside an edge: one unit of the input, then tenfold, while inside.
NEAR_EDGE_TRIES = 40


def _near_edge(
    program: Program, values: Mapping[str, float], name: str
) -> tuple[float, float, int] | None:
    """A centred difference nearer the edge than `inside_step` settles: its estimate, its step
    and the input's distance to the edge in units of its last place. The step is one unit,
    or tenfold more at a time while it stays inside and rounding f(v ± h) is above
    AGREEMENT of the difference ((x − 1)**1.5 + 3x, 500 units from the edge: one unit moves
    3x by less than a unit of it); None where one unit leaves the domain already."""
    v = values[name]
    h, found, units = math.ulp(v), None, None
    for _ in range(NEAR_EDGE_TRIES):
        estimate = _one_side(program, values, name, h)
        if estimate is None or not math.isfinite(estimate):
            break
        found = (estimate, h)
        if units is None:  # searched once, at the first step that stays inside
            units = _units_to_edge(program, values, name)
        if roundoff_floor(program, values, name, h) <= AGREEMENT * abs(estimate):
            break
        if units and h * 10 >= math.ulp(v) * units:
            break  # the next step would reach the edge
        h *= 10
    return None if found is None else (*found, units or 0)


def _one_sided_step(
    program: Program,
    values: Mapping[str, float],
    name: str,
    sign: float,
    step: float,
    centre: float,
) -> tuple[float, float] | None:
    """A one-sided difference from the side `sign` and the step it takes; None where that
    side is outside the domain.

    The step starts at the distance to the edge on the other side (one unit of the input
    where it is at the edge), not STEP: beside log(x + 1)'s edge 10⁻⁵ is 10¹⁶ times that
    distance, and gave 2.5 × 10⁶ for 9 × 10¹⁵. It grows tenfold, up to
    STEP, only while what rounding f(v + h) and f(v) can put in the difference is above
    AGREEMENT of it ((x − 1)**1.5 + 3x at x = 1: a unit of x moves 3x by less than a unit
    of it); at most MAX_TENTHS tries."""
    v = values[name]
    units = _units_to_edge(program, values, name, -sign)
    h = min(step, math.ulp(v) * units) if units else step
    for _ in range(MAX_TENTHS):
        try:
            moved = forward_value(program, {**values, name: v + sign * h})
        except DomainError:
            return None
        taken = abs((v + sign * h) - v)  # the step float64 takes, as for the centred one
        estimate = sign * (moved - centre) / taken
        rounding = (math.ulp(moved) + math.ulp(centre)) / taken
        if h * 10 > step or (math.isfinite(estimate) and rounding <= AGREEMENT * abs(estimate)):
            return estimate, taken
        h *= 10
    return None


# Units of the input's last place searched for the domain's edge (doubling, then halving):
# past 2⁴⁰ units the edge is further than a step of STEP anyway.
EDGE_UNITS = 2**40


def _units_to_edge(
    program: Program, values: Mapping[str, float], name: str, direction: float = 0.0
) -> int:
    """How many units of the input's last place it is from the first point outside the
    function's domain (in `direction`, or the nearer of the two), 0 where none is within
    EDGE_UNITS; bounded work: some 80 evaluations on each side at most."""
    v, unit = values[name], math.ulp(values[name])

    def outside(units: int, sign: float) -> bool:
        try:
            forward_value(program, {**values, name: v + sign * units * unit})
        except DomainError:
            return True
        return False

    found = []
    for sign in (direction,) if direction else (1.0, -1.0):
        high = 1
        while high <= EDGE_UNITS and not outside(high, sign):
            high *= 2
        if high > EDGE_UNITS:
            continue
        low = high // 2  # inside (or v itself); `high` is outside
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if outside(middle, sign) else (middle, high)
        found.append(high)
    return min(found, default=0)


def _units(count: int) -> str:
    return "one unit of its last place" if count == 1 else f"{count} units of its last place"


def _one_side(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> float | None:
    """The centred difference with `step`, or None where v ± step leaves the domain or lies on
    two sides of a pole."""
    if taken_step(values[name], step) == 0:
        return None  # v ± step are v
    try:
        estimate = _centred(program, values, name, step)
    except DomainError:
        return None
    return None if crosses_pole(program, values, name, step) is not None else estimate


def inside_step(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> tuple[float, float] | None:
    """A centred difference near a domain's edge or a pole: its estimate and step, from the
    largest tenth of `step` that stays inside (and on one side of any pole); None where no
    centred step float64 can take stays inside and settles.

    A thousandth of that step, where it is RESOLVED_ULPS units in the last place of the input
    or more; nearer the edge (log(x + 1) at x = −0.999999999 is 10⁻⁹ from it, and 10⁻¹³ is
    900 units of −1), the first of the smaller tenths whose estimate matches the last one's
    within AGREEMENT: the first steps are off by their truncation error, which shrinks a
    hundredfold a tenth, and below some step round-off takes over, so two that agree are
    past the one and short of the other. The search stopped at the units of the
    input before, and gave a one-sided estimate 1000 times too small."""
    v = values[name]
    inside = step
    for _ in range(MAX_TENTHS):
        inside /= 10
        if taken_step(v, inside) == 0:
            return None  # v ± h are v: no step is left
        if _one_side(program, values, name, inside) is None:
            continue
        if inside / 1000 >= RESOLVED_ULPS * math.ulp(v):
            smaller = inside / 1000  # the edge is further than `inside`: (h/distance)² ≤ 10⁻⁶
            estimate = _one_side(program, values, name, smaller)
            if estimate is None:  # a domain with a hole nearer than `inside`: look further
                continue
            return estimate, smaller
        return _settled(program, values, name, inside)
    return None


def _settled(
    program: Program, values: Mapping[str, float], name: str, inside: float
) -> tuple[float, float] | None:
    """The first tenth of `inside` (up to SETTLE_TENTHS of them) whose estimate matches the
    last one's (`inside`'s, for the first) within AGREEMENT, with that estimate; where
    float64 has no smaller step left, the last, if its changes shrink as h² (a hundredfold a
    tenth: truncation, not round-off) and what that leaves of it, under a SHRINKING-th of
    its last change, is within AGREEMENT (log(x + 1) at x = −0.9999999999999, 900 units of −1 from
    the edge, whose last step is one unit); None where none does."""
    v, h = values[name], inside
    first = _one_side(program, values, name, inside)  # inside: the first to compare with
    last = None if first is None else (first, inside)
    changes: list[float] = []
    for _ in range(SETTLE_TENTHS):
        h /= 10
        if taken_step(v, h) == 0:
            shrinking = len(changes) >= 2 and changes[-1] * SHRINKING <= changes[-2]
            if last is not None and shrinking and changes[-1] / SHRINKING <= AGREEMENT:
                return last
            return None
        estimate = _one_side(program, values, name, h)
        if estimate is None or not math.isfinite(estimate):
            return None
        if last is not None:
            changes.append(relative_error(last[0], estimate))
            if changes[-1] <= AGREEMENT:
                # The smaller of the two: its truncation error is a hundredth of the
                # larger's, which the two differ by; its round-off, which grows as h
                # shrinks, is no more than they differ by either.
                return estimate, h
        last = (estimate, h)
    return None


def _one_sided(
    program: Program, values: Mapping[str, float], name: str, sign: float, step: float
) -> str:
    """Why the difference is one-sided, and with what step: the input is at the domain's edge
    (the next float on the other side is outside it), or so near it that no centred step of
    one unit or more stays inside."""
    v = values[name]
    side = "below" if sign > 0 else "above"
    beyond = math.nextafter(v, -sign * math.inf)
    try:
        forward_value(program, {**values, name: beyond})
    except NoDerivative:
        # (x − 2)**0.5 at 2 + 4.4e-16: 2 is in the domain, with no derivative.
        where = (
            f"{name} is at the edge of where the function has a derivative (at {name} = "
            f"{point(beyond)}, the next float64 number {side}, it has a value but no derivative)"
        )
    except DomainError:
        # Only float64 numbers: log(x + 1) at x = −0.9999999999999999 is defined a little
        # lower too, at numbers float64 cannot hold.
        where = (
            f"{name} is at the edge of the function's domain (no float64 number {side} "
            f"{point(v)} is in it)"
        )
    else:
        where = (
            f"{name} = {point(v)} is so near the edge of the function's domain that no "
            "centred step float64 can take there stays inside it"
        )
    size = (
        f"one unit of {name}'s last place, the smallest step float64 takes there: what error "
        "remains is this step's, and float64 has no smaller one"
        if step <= math.ulp(v)
        else f"the first step from one unit of {name} up tenfold (to the usual "
        f"{shown_number(step_for(v), 1)} at most) at which what rounding "
        f"f({name} {'+' if sign > 0 else '−'} h) and f({name}) can put in the difference is "
        "under 10⁻⁶ of it"
    )
    return (
        f"{where}, so the difference is one-sided, (f({name} {'+' if sign > 0 else '−'} h) "
        f"− f({name})) / h, with h = {shown_number(step, 2)}, {size}."
    )


def check_gradients(program: Program, graph: Graph) -> tuple[GradientCheck, ...]:
    """Every input's gradient three ways, with a note on any difference that disagrees."""
    values = {key: graph.by_key[key].value for key in graph.inputs}
    scales = gradient_scales(graph)
    # What 30 digits leave of terms that cancel exactly (0.1 + 0.2 − 0.3 as typed is −4.9e-32
    # there) is the pass's own rounding, not a gradient: it is 0, with no sign.
    exact = exact_gradients(program, values, scales)
    residues = {
        name
        for name in graph.inputs
        if exact[name] != 0
        and residue(exact[name], scales[name])
        and residue(graph.gradients[name], scales[name])
        # float64 holding the value 30 digits give is a value, not residue: x − x + 1e-17·x
        # at 1 has ∂f/∂x = 1e-17 both ways, and was shown as cancelled.
        and not held(graph.gradients[name], exact[name])
    }
    wide: dict[str, tuple[str, bool, float]] = {}
    if residues or any(exact[name] == 0 for name in graph.inputs):
        # A 0 in 30 digits may be a cancellation (softmax's p1 − 1 at z1 = 355 is −1.3e-154):
        # only what is 0 in WIDE_DIGITS as well is shown as an exact 0; and a residue's size
        # (p1 − 1 at z1 = 40 is −8.5e-18 beside terms of 1) is told by the wide pass.
        wide = nonzero_gradients(program, values, WIDE_DIGITS, scales)
    checks = []
    for name in graph.inputs:
        scale, reference = scales[name], exact[name]
        underflow = reference == 0 and wide.get(name, ("", False, 0.0))[1]
        cancelled = name in wide and not underflow if reference == 0 else name in residues
        if cancelled or underflow:
            # What is left of terms that cancel, not a value: a true gradient smaller than
            # RESIDUE × scale (softmax's p1 − 1 ≈ −1.3e-154 at z1 = 355) looks the same in
            # 30 digits, so the page shows "≈ 0", never an exact 0.
            reference = 0.0
        estimate, step, method, note = finite_difference(program, values, name)
        about, _, about_value = wide.get(name, ("", False, 0.0))
        if not (cancelled or underflow):
            about, about_value = "", 0.0
        sign = 0
        if cancelled or underflow:  # p1 − 1 < 0 always, however it rounds
            negative = exact[name] < 0 if exact[name] != 0 else about.startswith(("−", "-"))
            sign = -1 if negative else 1
        check = GradientCheck(
            name,
            graph.gradients[name],
            reference,
            estimate,
            step,
            scale,
            method,
            note,
            cancelled=cancelled,
            underflow=underflow,
            about=about,
            about_value=about_value,
            floor=roundoff_floor(program, values, name, step) if method == "centred" else 0.0,
            sign=sign,
        )
        finite = math.isfinite(reference) and math.isfinite(estimate)
        told: tuple[str, str] | None = None
        if (
            check.method == "centred"
            and finite
            and not check.agrees
            and "from its edge" in (note or "")
        ):
            told = "step", _near_edge_cause(check, step <= math.ulp(values[name]))
        elif check.method == "centred" and finite and not check.agrees:
            told = _why(program, values, check)
        elif check.method == "centred" and finite and reference == 0 and estimate != 0:
            # An exact 0 that the difference meets only as its truncation error shrinks (tanh(x)
            # − x at 0: −h²/3) is told the same as one it has not met yet (x**3 at 0: h²).
            told = _truncation(program, values, check)
        if told is not None:
            reason, why = told
            check = replace(check, note=f"{note} {why}" if note else why, reason=reason)
            if reason == "kink" and "the kinks cancel" in why:
                slopes = one_sided_slopes(program, values, name, step)
                check = replace(check, derivative=None if slopes is None else slopes[0])
        checks.append(check)
    return tuple(checks)


def _near_edge_cause(check: GradientCheck, smallest: bool) -> str:
    """Why a centred difference beside an edge (`_near_edge`) disagrees: no step float64 can
    take is both inside and fine enough, or clear of round-off (the function is not at
    fault)."""
    name = check.input
    if check.floor > AGREEMENT * abs(check.centred):
        return (
            f"Rounding f({name} ± h) swamps the difference at every step that stays inside this "
            "near the edge: the change it has to see is below what rounding f can show (the "
            "function is not at fault)."
        )
    smaller = (
        "No smaller step is left"
        if smallest
        else f"A smaller step is swamped by rounding f({name} ± h)"
    )
    return (
        f"{smaller}, and this one is too coarse this near the edge: the difference keeps a "
        "truncation error float64 can make no smaller (the function is not at fault)."
    )


def _why(program: Program, values: Mapping[str, float], check: GradientCheck) -> tuple[str, str]:
    """Why a difference disagrees with the exact gradient: a reason and a sentence."""
    name, step, v = check.input, check.step, values[check.input]
    kinds = crosses_kink(program, values, name, step)
    if kinds:
        changes = " and ".join(
            what
            for kind, what in (
                ("relu", "a ReLU's input changes sign"),
                ("max", "a max gate's largest input changes"),
            )
            if kind in kinds
        )
        slopes = one_sided_slopes(program, values, name, step)
        if slopes is not None and not _agree(check.exact, slopes[0], check.scale):
            # f's slopes on the two sides agree, and not with backprop: the kinks cancel
            # (relu(x) − relu(−x) at 0 is x; max(x, y) − max(y, x) is 0), so f has a
            # derivative here and the conventions do not give it.
            return "kink", (
                f"Between {name} − h and {name} + h {changes}, but the kinks cancel: f's "
                f"slope is {shown_number(slopes[0], 6)} on both sides (one-sided differences "
                f"with h = {shown_number(slopes[1], 1)}), so that is f's derivative, which "
                "the difference finds. Backprop's convention at each kink gives "
                f"{shown_number(check.exact, 6)} here, which is not f's derivative."
            )
        return "kink", (
            f"Between {name} − h and {name} + h {changes}: the difference averages two "
            "slopes across the kink. The gradient is right; the check cannot see it at this "
            "step."
        )
    pole = crosses_pole(program, values, name, step)
    if check.exact == 0 and pole is None:
        told = _truncation(program, values, check)
        if told is not None:
            return told
    smaller = step
    for _ in range(SMALLER_STEPS):
        smaller /= 10
        if taken_step(v, smaller) == 0:
            break  # v ± h are v: no smaller step is left
        try:
            estimate = _centred(program, values, name, smaller)
        except DomainError:
            continue
        agrees = _agree(
            check.exact, estimate, check.scale, roundoff_floor(program, values, name, smaller)
        )
        if agrees and pole is not None:
            return (
                "pole",
                f"{_across(pole, name, step, v)} With h = {shown_number(smaller, 1)}, which "
                f"stays on one side, it gives {shown_number(estimate, 6)}, which agrees.",
            )
        if agrees:
            return "curvature", (
                f"The function curves too sharply over h = {shown_number(step, 1)} here "
                f"(at {name} = "
                f"{point(v)}) for the difference's truncation error to be small; with h = "
                f"{shown_number(smaller, 1)} it gives {shown_number(estimate, 6)}, which agrees."
            )
    if pole is not None:
        # Nearer the pole than SMALLER_STEPS reach (1/(x + 1) at x = −0.999999999), the step
        # the edge search finds stays on one side.
        found = inside_step(program, values, name, step)
        if found is not None and _agree(
            check.exact, found[0], check.scale, roundoff_floor(program, values, name, found[1])
        ):
            return (
                "pole",
                f"{_across(pole, name, step, v)} With h = {shown_number(found[1], 1)}, which "
                f"stays on one side, it gives {shown_number(found[0], 6)}, which agrees.",
            )
        return "pole", _across(pole, name, step, v)
    if check.exact == 0:
        cause = (
            f"The exact gradient is 0, so what the difference shows is round-off in f({name} ± h), "
            "which grows as h shrinks"
        )
    elif abs(check.exact) * taken_step(v, step) == 0:  # x**1.5 at x = 10⁻³⁰⁰: 3 × 10⁻⁴⁵⁴
        cause = (
            "What is left is round-off: the change the difference has to see, the gradient "
            f"× 2h, is below the smallest number a float64 holds, so f({name} ± h) cannot show it"
        )
    else:
        cause = (
            f"What is left is round-off: the change the difference has to see, about "
            f"{shown_number(abs(check.exact) * taken_step(v, step), 2)}, is lost in rounding "
            f"f({name} ± h)"
        )
    # Softmax has no singularity anywhere near (its divisor is a sum of exponentials): the
    # hedge is said only where one may lie within the step.
    hedge = (
        " (or a singularity lies closer than that step)"
        if _singularity_within(program, values, name, step)
        else ""
    )
    return "round-off", (
        f"No step down to h = {shown_number(smaller, 1)} agrees either. {cause}{hedge}."
    )


def _singularity_within(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> bool:
    """Whether a divisor, a log's argument or a base raised to a power below 1 may reach 0
    within `step` of the input: it is 0 there, or a linear guess from its change over the
    step puts its zero that close (or the step leaves the domain)."""
    v = values[name]
    h = taken_step(v, step)
    if h == 0:
        return False
    try:
        at = singular_points(program, values)
        up = singular_points(program, {**values, name: v + h})
        down = singular_points(program, {**values, name: v - h})
    except DomainError:
        return True
    for here, above, below in zip(at, up, down, strict=True):
        if here == 0:
            return True
        slope = (above - below) / (2 * h)
        if not math.isfinite(slope):
            return True
        if slope != 0 and abs(here / slope) <= step:
            return True
    return False


def one_sided_slopes(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> tuple[float, float] | None:
    """f's slope on the two sides of the input, where they agree: the slope and the step of
    the one-sided differences that show it (second order, (−3f(v) + 4f(v ± h) − f(v ± 2h))
    / 2h, with h a hundredth of `step`); None where they differ (a kink at v itself), leave
    the domain, or are not finite."""
    v, h = values[name], step / 100
    try:
        here = forward_value(program, values)
        sides = [
            sign
            * (
                -3 * here
                + 4 * forward_value(program, {**values, name: v + sign * h})
                - forward_value(program, {**values, name: v + 2 * sign * h})
            )
            / (2 * h)
            for sign in (1.0, -1.0)
        ]
    except DomainError:
        return None
    if not all(math.isfinite(side) for side in sides):
        return None
    right, left = sides
    size = max(abs(right), abs(left))
    if abs(right - left) > AGREEMENT * max(size, 1.0):
        return None
    return (right + left) / 2, h


def _truncation(
    program: Program, values: Mapping[str, float], check: GradientCheck
) -> tuple[str, str] | None:
    """Where the exact gradient is 0 and the difference is its truncation error (x**3 at 0:
    exactly h², 10⁻¹⁰ at h = 10⁻⁵): the sentence that says so, with smaller steps showing it
    shrink as h² until it agrees; None where it does not shrink (round-off, which grows as h
    shrinks, or a kink)."""
    name, estimate = check.input, check.centred
    v = values[name]
    shown: list[tuple[float, float]] = []
    last, step = abs(estimate), check.step
    for _ in range(SMALLER_STEPS):
        step /= 10
        try:
            smaller = _centred(program, values, name, step)
        except DomainError:
            return None
        if not math.isfinite(smaller) or abs(smaller) > last / 10:
            return None  # not shrinking as h² (a tenth of h, a hundredth of the difference)
        shown.append((step, smaller))
        last = abs(smaller)
        if abs(smaller) <= roundoff_floor(program, values, name, step):
            break  # what is left is below round-off: the difference agrees
    if not shown:
        return None
    steps = "; ".join(
        f"with h = {shown_number(h, 1)} it gives {shown_number(e, 6)}"
        for h, e in (shown[0], shown[-1])[: 1 if len(shown) == 1 else 2]
    )
    below = abs(shown[-1][1]) <= roundoff_floor(program, values, name, shown[-1][0])
    end = (
        ", below what rounding f(" + name + " ± h) can show, which agrees"
        if below
        else ", and it keeps shrinking toward the exact 0"
    )
    return "curvature", (
        f"The exact gradient is 0; what the difference shows at h = {shown_number(check.step, 1)} "
        f"(at {name} = {shown_number(v)}) is its truncation error, which the function's "
        f"curvature makes and which shrinks as h² (round-off would grow as h shrinks): "
        f"{steps}{end}. The gradient is right."
    )


def crosses_kink(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> frozenset[str]:
    """The kinds of gate ("relu", "max") that moving `name` by ± `step` moves across a kink
    of: a ReLU's side or a max gate's winner changes; empty where none does."""
    v = values[name]
    try:
        here = gate_choices(program, values)
        moved = [gate_choices(program, {**values, name: v + sign * step}) for sign in (1, -1)]
    except DomainError:
        return frozenset()
    return frozenset(
        kind
        for there in moved
        for (kind, choice), (_, other) in zip(here, there, strict=True)
        if choice != other
    )


def point(v: float) -> str:
    """Where a note says the difference was taken: the input to every digit it has (−0.99999999999
    was "−1" to ten figures, which named the pole itself)."""
    return page_form(repr(v).removesuffix(".0"))


def _across(pole: str, name: str, step: float, v: float) -> str:
    return (
        f"The step reaches across {pole}, where the function is not defined: {name} − h and "
        f"{name} + h (h = {shown_number(step, 1)}, at {name} = {point(v)}) lie on "
        "two sides of a pole, so the difference measures nothing there."
    )


def crosses_pole(
    program: Program, values: Mapping[str, float], name: str, step: float
) -> str | None:
    """Where moving `name` by ± `step` changes the sign of a divisor (or of a base raised to
    a negative power): "x = 0" where that is an input, "a point where a divisor is 0"
    otherwise; None where no divisor changes sign."""
    v = values[name]
    try:
        below = pole_signs(program, {**values, name: v - step})
        above = pole_signs(program, {**values, name: v + step})
    except DomainError:
        return None
    for (low, divisor), (high, _) in zip(below, above, strict=False):
        if low != high:
            return f"{divisor} = 0" if divisor else "a zero of a divisor"
    return None


def near_kink(graph: Graph) -> bool:
    """Whether a ReLU's input or a max gate's two largest inputs are about equal here."""
    for node in graph.nodes:
        args = sorted((graph.by_key[key].value for key in node.inputs), reverse=True)
        if node.kind == "relu" and abs(args[0]) < KINK_MARGIN:
            return True
        if node.kind == "max" and args[0] - args[1] < KINK_MARGIN:
            return True
    return False

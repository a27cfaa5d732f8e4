"""Judging a gradient check by its relative error (CS231n notes, gradient checks).

The notes' thresholds: above 1e-2 the gradient is probably wrong; between 1e-4 and 1e-2 it
should make you uncomfortable; below 1e-4 is usually okay for objectives with kinks, while
without kinks 1e-4 is too high; at 1e-7 and less you should be happy. They add that relative
errors grow with depth, and that a check at one point can pass a gradient that is wrong
elsewhere; the explanation says both. Versions of the notes differ in
the denominator of the relative error (max(|a|, |b|) or |a| + |b|), so the relative error is
drawn from decades far from every threshold: both denominators give the same decade and the
same verdict, and the checks compare the two.
"""

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from gradquiz.generators import (
    KeyCheck,
    Option,
    Variant,
    VariantRejected,
    approx,
    key_at_random_rank,
)

THRESHOLDS = (Fraction(1, 10**7), Fraction(1, 10**4), Fraction(1, 10**2))
# Relative errors are kept at least this factor away from every threshold.
MARGIN = 2


@dataclass(frozen=True)
class Verdict:
    id: str
    decade: int
    text: str
    meaning: str
    low: float  # the range a relative error (or a misleading absolute difference) is drawn from
    high: float


VERDICTS = (
    Verdict(
        "right",
        -9,
        "Below $10^{-7}$: you should be happy, the gradient looks right",
        "far below $10^{-7}$, where the CS231n notes say you should be happy",
        2e-9,
        9e-9,
    ),
    Verdict(
        "kinks",
        -6,
        "From $10^{-7}$ to $10^{-4}$: fine if the loss has kinks, worth a look if it is smooth",
        "between $10^{-7}$ and $10^{-4}$: the CS231n notes call a relative error below "
        "$10^{-4}$ usually okay for an objective with kinks (ReLUs, a max), call $10^{-4}$ too "
        "high for one without kinks, and say you should be happy only at $10^{-7}$ or less",
        2e-6,
        9e-6,
    ),
    Verdict(
        "suspicious",
        -3,
        "From $10^{-4}$ to $10^{-2}$: uncomfortable, the gradient is suspect",
        "between $10^{-4}$ and $10^{-2}$, which the CS231n notes say should make you uncomfortable",
        2.2e-3,
        4e-3,
    ),
    Verdict(
        "wrong",
        -1,
        "Above $10^{-2}$: the gradient is probably wrong",
        "above $10^{-2}$, which the CS231n notes say usually means the gradient is wrong",
        0.2,
        0.7,
    ),
)
# For each verdict, the verdicts that the absolute difference may wrongly suggest: those for
# which the gradients' size stays plausible (about 1e-6 to 1e4). Far smaller gradients are
# where the notes warn that round-off can make a relative error mislead, so none are drawn.
MISLEADING = {0: (1,), 1: (0, 2), 2: (0, 1, 3), 3: (1, 2)}


def _range(verdict: Verdict) -> str:
    """The verdict's range as the option states it, in lower case: "below $10^{-7}$"."""
    label = verdict.text.split(":")[0]
    return label[0].lower() + label[1:]


# How many times larger, or what part, for a range less than an order of magnitude away.
TIMES = {
    2: "twice",
    3: "three times",
    4: "four times",
    5: "five times",
    6: "six times",
    7: "seven times",
    8: "eight times",
    9: "nine times",
}
PARTS = {
    2: "half",
    3: "a third",
    4: "a quarter",
    5: "a fifth",
    6: "a sixth",
    7: "a seventh",
    8: "an eighth",
    9: "a ninth",
}


def _distance(option_band: int, key_band: int, error: Fraction) -> str:
    """How far every relative error in the option's range lies from `error`, measured from
    the range's nearest edge: "at least 6 orders of magnitude larger than the one here".

    The count is the number of whole powers of ten between `error` and that edge, so it
    holds for every value in the range. MARGIN keeps `error` more than a factor of 2 from
    every threshold, so a range less than an order of magnitude away is still named by a
    factor from 2 to 9.
    """
    larger = option_band > key_band
    ratio = THRESHOLDS[option_band - 1] / error if larger else error / THRESHOLDS[option_band]
    direction = "larger" if larger else "smaller"
    orders = 0
    while 10 ** (orders + 1) <= ratio:
        orders += 1
    if orders >= 2:
        return f"at least {orders} orders of magnitude {direction} than the one here"
    if orders == 1:
        return f"at least an order of magnitude {direction} than the one here"
    times = math.floor(ratio)
    return (
        f"at least {TIMES[times]} the one here"
        if larger
        else f"at most {PARTS[times]} the one here"
    )


def _band(error: Fraction | float) -> int:
    """The verdict's index for a relative error: how many thresholds it exceeds."""
    return sum(1 for t in THRESHOLDS if error > t)


def _decade(error: Fraction | float) -> int:
    return math.floor(math.log10(error))


def _far_from_thresholds(error: Fraction) -> bool:
    return all(error > t * MARGIN or error * MARGIN < t for t in THRESHOLDS)


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _shown_pair(values: list[int], exponent: int) -> tuple[str, str]:
    """Each value * 10^exponent with every drawn digit, both in one notation so that they can
    be compared at a glance: plain when the larger is at least 0.01, else each in scientific
    notation with a mantissa from 1 to 10."""
    largest = max(abs(v) for v in values)
    if largest * 10.0**exponent >= 0.01:
        return _plain(values[0], exponent), _plain(values[1], exponent)
    first, second = (_scientific(v, exponent, exponent + len(str(abs(v))) - 1) for v in values)
    return first, second


def _plain(value: int, exponent: int) -> str:
    sign = "-" if value < 0 else ""
    digits = str(abs(value))
    if exponent >= 0:
        return sign + digits + "0" * exponent
    digits = digits.rjust(1 - exponent, "0")
    return f"{sign}{digits[:exponent]}.{digits[exponent:]}"


def _scientific(value: int, exponent: int, power: int) -> str:
    """value * 10^exponent written as m * 10^power."""
    return f"{_plain(value, exponent - power)} \\times 10^{{{power}}}"


@key_at_random_rank(len(VERDICTS))
def classify(rng: random.Random, key_band: int) -> Variant:
    """Which verdict fits a gradient check's analytic and numerical gradients.

    The verdicts are shown in their order, so the key's band is its rank among the options.
    """
    verdict = VERDICTS[key_band]
    misleading_band = rng.choice(MISLEADING[key_band])
    misleading = VERDICTS[misleading_band]

    # The larger gradient is `larger` * 10^q and the smaller `larger - gap` * 10^q, so that
    # the absolute difference gap * 10^q (two significant digits) lands in the misleading
    # verdict's range and the relative error gap / larger in the key's.
    target_error = _log_uniform(rng, verdict.low, verdict.high)
    target_difference = _log_uniform(rng, misleading.low, misleading.high)
    exponent = math.floor(math.log10(target_difference)) - 1
    gap = round(target_difference / 10.0**exponent)
    larger = round(gap / target_error)
    smaller = larger - gap
    if smaller <= 0:
        raise VariantRejected("the smaller gradient is not positive")

    scale = Fraction(10) ** exponent
    difference = gap * scale
    error_max = Fraction(gap, larger)  # |a - b| / max(|a|, |b|)
    error_sum = Fraction(gap, larger + smaller)  # |a - b| / (|a| + |b|)
    if not (_far_from_thresholds(error_max) and _far_from_thresholds(error_sum)):
        raise VariantRejected("relative error too close to a threshold")
    if _band(difference) != misleading_band or not _far_from_thresholds(difference):
        raise VariantRejected("the absolute difference does not clearly suggest another verdict")
    if _band(error_max) != key_band or _decade(error_max) != verdict.decade:
        raise VariantRejected("relative error outside the key's decade")

    sign = rng.choice((-1, 1))
    values = [sign * larger, sign * smaller]
    rng.shuffle(values)
    analytic, numerical = _shown_pair(values, exponent)
    a_float, n_float = (v * 10.0**exponent for v in values)
    # Independent of the exact fractions: the decade and verdict from the other denominator,
    # computed in float64 from the two gradients as shown.
    error_other = abs(a_float - n_float) / (abs(a_float) + abs(n_float))

    # "= x" where two figures show a number exactly, "\\approx x" where they round it.
    d_is, r_is, r_other = approx(difference, 2), approx(error_max, 2), approx(error_sum, 2)
    relative = f"$\\frac{{|g_a - g_n|}}{{\\max(|g_a|, |g_n|)}} {r_is}$"
    options = []
    for index, option in enumerate(VERDICTS):
        if index == key_band:
            feedback = f"Correct: the relative error is {relative}, {verdict.meaning}."
        elif index == misleading_band:
            feedback = (
                f"This judges by the absolute difference $|g_a - g_n| {d_is}$. A gradient "
                f"check compares the difference with the size of the gradients: the relative "
                f"error {relative} lies {verdict.meaning}."
            )
        else:
            feedback = (
                f"This verdict is for a relative error {_range(option)}, "
                f"{_distance(index, key_band, error_max)}: {relative}, {verdict.meaning}."
            )
        options.append(Option(id=option.id, text=option.text, feedback=feedback))

    return Variant(
        stem=(
            "You check backprop's gradient for one weight of a small network against a "
            f"centred difference, in float64. Backprop gives $g_a = {analytic}$ and the "
            f"centred difference gives $g_n = {numerical}$. Where does their relative error "
            "lie, and what do you conclude?"
        ),
        options=tuple(options),
        key=verdict.id,
        explanation=(
            "Judge a gradient check by the relative error, not the absolute difference: the "
            "same difference is negligible for large gradients and fatal for tiny ones. Here "
            f"$|g_a - g_n| {d_is}$, so the relative error is {relative} (some versions of "
            "the CS231n notes divide by $|g_a| + |g_n|$ instead: "
            f"$\\frac{{|g_a - g_n|}}{{|g_a| + |g_n|}} {r_other}$). Either way it lies "
            f"{verdict.meaning}. Two "
            "cautions from the same notes: relative errors grow with the depth of the network, "
            "so these thresholds, meant for a small one like this, are read more leniently "
            "for a deep one; and a check is made at one point, so a gradient that passes "
            "there can still be wrong elsewhere."
        ),
        checks=(
            KeyCheck(
                "verdict from max(|a|, |b|) against |a| + |b| (float64)",
                key_band,
                _band(error_other),
            ),
            KeyCheck(
                "decade from max(|a|, |b|) against |a| + |b| (float64)",
                verdict.decade,
                _decade(error_other),
            ),
        ),
    )

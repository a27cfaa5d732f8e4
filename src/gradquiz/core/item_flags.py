"""Judging an item by its statistics: the discrimination bands, the flags a report raises and
what the exam's KR-20 means. Every threshold is defined here once; the bands, the flags,
their advice and the statistics page all read it from here, so they cannot disagree.

Figures are shown to two decimals, a half rounded away from 0, as every page rounds, and
judged as shown: a D shown as 0.40 is "very good", and a facility shown as 0.95 is not "above
0.95", so the value a reader sees and its band or flag never disagree.
"""

from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from fractions import Fraction
from math import ceil


class Band(StrEnum):
    """How well an item discriminates, by the bands of the content guide."""

    VERY_GOOD = "very good"
    GOOD = "good"
    MARGINAL = "marginal"
    POOR = "poor"
    NEGATIVE = "negative"


# The lowest D of each band at or above 0; below 0 is NEGATIVE (content guide, after Ebel).
BAND_FLOORS = ((0.40, Band.VERY_GOOD), (0.30, Band.GOOD), (0.20, Band.MARGINAL), (0.0, Band.POOR))
# D below this (and not negative) is a poor item: the band POOR, and the flag of the same name.
POOR_BELOW = BAND_FLOORS[2][0]
FACILITY_ABOVE = 0.95
FACILITY_BELOW = 0.20
# D is a difference of float means: an exact 0.2 may arrive as 0.19999999999999998 and must
# not be called poor, nor an exact 0 arrive as -1e-17 and read as negative.
TOLERANCE = 1e-9
# A figure is shown and judged to this many decimals.
PLACES = 2
# Fewer learners than this and the figures (KR-20 above all) move a lot between classes.
FEW_LEARNERS = 30
# KR-20 at or above this is the usual rule of thumb for a classroom test.
KR20_USUAL = 0.70
# The upper and the lower group: this share of the learners each (content guide).
GROUP_PERCENT = 27
# "Nobody chose this wrong option" is judged only once so many wrong answers were seen that,
# were they spread evenly at random over the m wrong options shown, the chance that a given
# option gets none of them, (1 - 1/m)^k, is below this.
UNCHOSEN_CHANCE = Fraction(1, 20)


class Flag(StrEnum):
    """Something about an item worth a look, in the order a report lists them."""

    NEGATIVE_DISCRIMINATION = "negative-discrimination"
    POOR_DISCRIMINATION = "poor-discrimination"
    TOO_EASY = "too-easy"
    TOO_HARD = "too-hard"
    UNCHOSEN_DISTRACTOR = "unchosen-distractor"

    @property
    def advice(self) -> str:
        """What the flag means and what to do, in one sentence."""
        return _ADVICE[self]


_ADVICE = {
    Flag.NEGATIVE_DISCRIMINATION: (
        "The lower group did better than the upper group (D < 0): check the key."
    ),
    Flag.POOR_DISCRIMINATION: (
        f"It barely separates strong from weak learners (D < {POOR_BELOW:.2f}, the band "
        f"'{Band.POOR.value}'): check the key, then the wording."
    ),
    Flag.TOO_EASY: (
        f"More than {FACILITY_ABOVE:.0%} of learners got it right: it tells little about who "
        "understands."
    ),
    Flag.TOO_HARD: (
        f"Fewer than {FACILITY_BELOW:.0%} of learners got it right: check the key, the wording "
        "and what was taught."
    ),
    Flag.UNCHOSEN_DISTRACTOR: (
        "A wrong option that none of the learners shown it chose, though they gave enough "
        "wrong answers for chance alone to leave it unchosen less than "
        f"{float(UNCHOSEN_CHANCE) * 100:g} % of the time, adds little: replace it with a more "
        "common mistake."
    ),
}


def group_size(learners: int) -> int:
    """Learners in each of the upper and lower groups: 27 % rounded half up, at least one."""
    # Half up, in integers: round() takes halves to even (27 % of 150 is 40.5, round gives 40).
    return max(1, (GROUP_PERCENT * learners + 50) // 100)


def wrong_answers_needed(wrong_options: int) -> int:
    """The fewest wrong answers k for which (1 - 1/m)^k < 5 %, m the wrong options shown:
    were the k wrong answers spread evenly at random over the m wrong options, a given one
    would then get none of them less than 5 % of the time (m = 1: 1, 2: 5, 3: 8, 4: 11)."""
    m = max(1, wrong_options)
    k = 1
    while Fraction(m - 1, m) ** k >= UNCHOSEN_CHANCE:
        k += 1
    return k


# A facility flag is judged only where one learner's answer moves the facility (by 1/n) by no
# more than the width of the range that raises the flag, so that no flag rests on a change
# smaller than one answer (one answer can still tip it at the minimum).
FACILITY_LEARNERS = {
    "too-easy": ceil(1 / (Fraction(1) - Fraction(str(FACILITY_ABOVE)))),
    "too-hard": ceil(1 / Fraction(str(FACILITY_BELOW))),
}
# D's bands are judged from groups of at least 1/0.20 = 5 learners, which needs this many
# learners: held in the same groups, one learner's answer to the question then weighs at most
# 1/5 = 0.20 in D, the width of the band 'poor'. That bounds less than it seems: an answer,
# to this question or any other, changes the learner's total and so who is in the groups, and
# near the minimum one answer can take D from 0.20 to below 0.
D_GROUP = ceil(1 / Fraction(str(POOR_BELOW)))
D_LEARNERS = next(n for n in range(1, 1000) if group_size(n) >= D_GROUP)


def learners_needed(flag: Flag) -> int:
    """The fewest learners in the class for `flag` to be judged (for an unchosen distractor,
    1: it has its own rule, `wrong_answers_needed`)."""
    if flag in (Flag.NEGATIVE_DISCRIMINATION, Flag.POOR_DISCRIMINATION):
        return D_LEARNERS
    return FACILITY_LEARNERS.get(flag.value, 1)


def unjudged_flags(learners: int) -> tuple[Flag, ...]:
    """The flags a class of `learners` is too small to judge, in Flag order."""
    return tuple(flag for flag in Flag if learners < learners_needed(flag))


def minimum_rule() -> str:
    """Each flag's minimum class size and why, as the statistics page and `gradquiz stats`
    state it."""
    easy, hard = FACILITY_LEARNERS["too-easy"], FACILITY_LEARNERS["too-hard"]
    # The facility's rule (the range that raises a flag is as wide as one answer's move)
    # does not explain D's minimum for negative D, whose range [−1, 0) is wide, and D moves
    # by more than one answer's weight when the answer moves learners between the groups:
    # D's rule is said apart, with no bound on that move (none has been proven).
    return (
        "A facility flag is judged only where the range of facilities that raises it is at "
        "least as wide as one learner's answer moves the facility, so that no flag rests on a "
        "change smaller than one answer (at the minimum one answer can still raise it: with "
        f"{easy} learners, {easy - 1} right is not too easy and {easy} right is): "
        f"too easy needs {easy} learners (1/{easy} = "
        f"{1 - FACILITY_ABOVE:.2f}, from {FACILITY_ABOVE:.2f} to 1), too hard {hard} "
        f"(1/{hard} = {FACILITY_BELOW:.2f}). D's bands and flags, {Band.POOR.value} and "
        f"negative alike, need {D_LEARNERS}, which make upper and lower groups of {D_GROUP}: "
        "with the groups held as they are, one learner's answer to the question weighs at "
        f"most 1/{D_GROUP} = {POOR_BELOW:.2f} in D, the width of the band "
        f"'{Band.POOR.value}' (0 to {POOR_BELOW:.2f}). But an answer, to this question or to "
        "any other, also changes that learner's total and can move learners between the "
        "groups, so near the minimum one answer can move D by more than that, even from "
        f"{POOR_BELOW:.2f} ({BAND_FLOORS[2][1].value}) to below 0: a D flag is a reason to "
        "read the question, not a verdict on it. With fewer learners than a flag needs, the "
        "statistics say too few learners to judge."
    )


def few_for_correlation(learners: int) -> str:
    """Why a point-biserial from a class under D_LEARNERS is not read as a judgement: the same
    minimum as D's, and at two learners a correlation is ±1 whatever the question."""
    if learners == 2:
        return "too few learners to judge: with two, any correlation is +1 or −1"
    return "too few learners to judge"


def unchosen_rule(most_options: int = 4) -> str:
    """The rule that judges an unchosen distractor, as the statistics page states it."""
    needed = ", ".join(
        f"{wrong_answers_needed(m)} for {m}" for m in range(1, max(2, most_options) + 1)
    )
    return (
        "A wrong option is flagged as unchosen only when, among the learners shown it, the "
        "number k of wrong answers is large enough that, were they spread evenly at random "
        "over the m wrong options those learners were shown (the most any of them was "
        f"shown), the chance (1 − 1/m)ᵏ that this option gets none is below "
        f"{float(UNCHOSEN_CHANCE) * 100:g} %: k at least {needed} wrong options. With fewer, the "
        "page says too few wrong answers were seen to judge it."
    )


def shown_figure(value: float) -> Decimal:
    """`value` to two decimals as the statistics page shows it: a half rounded away from 0
    (0.625 is 0.63, not 0.62), a float within TOLERANCE of a half counting as one (0.395
    computed as 0.39499999999999996 is 0.40), and never a negative zero."""
    size = Decimal(repr(abs(float(value))))
    step = Decimal(1).scaleb(-PLACES)
    nearest = (size / step + Decimal("0.5") + Decimal(TOLERANCE) / step).to_integral_value(
        ROUND_FLOOR
    )
    if nearest == 0:
        return Decimal(0).quantize(step)
    return (nearest * step if value > 0 else -nearest * step).quantize(step)


def shown_share(value: float) -> Decimal:
    """A share of learners (a facility, a group's share) as `shown_figure` shows it, but 1.00
    only when it is all of them and 0.00 only when none: 199 of 200 reads 0.99, not 1.00,
    and 1 of 1,000 reads 0.01."""
    figure = shown_figure(value)
    if figure == 1 and value < 1:
        return Decimal("0.99")
    if figure == 0 and value > 0:
        return Decimal("0.01")
    return figure


def discrimination_band(discrimination: float) -> Band:
    """The band of D as shown (two decimals): ≥ 0.40 very good, ≥ 0.30 good, ≥ 0.20 marginal,
    ≥ 0 poor, else negative."""
    figure = shown_figure(discrimination)
    for floor, band in BAND_FLOORS:
        if figure >= Decimal(str(floor)):
            return band
    return Band.NEGATIVE


def judged_band(facility: float, discrimination: float | None, learners: int) -> Band | None:
    """The band an item's D is judged by; None where D says nothing about the item: undefined
    (the upper and the lower group are the same learners), or 0 by construction because
    everyone got the item right, or everyone wrong (both groups then score alike), or the
    class is too small for groups of D_GROUP (`D_LEARNERS`)."""
    if learners < D_LEARNERS:
        return None
    return _band_of(facility, discrimination)


def _band_of(facility: float, discrimination: float | None) -> Band | None:
    """D's band whatever the class's size; None where D is undefined or 0 by construction."""
    if discrimination is None or facility in (0, 1):
        return None
    return discrimination_band(discrimination)


def band_legend() -> str:
    """The bands in words, as the statistics page states them."""
    floors = [f"{band.value} from {floor:.2f}" for floor, band in BAND_FLOORS]
    return f"{', '.join(floors)}, {Band.NEGATIVE.value} below 0"


def flags_for(
    *, facility: float, discrimination: float | None, unchosen_distractors: bool, learners: int
) -> tuple[Flag, ...]:
    """The flags an item with these figures (as shown) raises, in Flag order; none for D
    where it is undefined or 0 by construction (`judged_band`), and none that a class of
    `learners` is too small to judge (`learners_needed`)."""
    raised = _raised(facility, discrimination, unchosen_distractors)
    return tuple(flag for flag in raised if learners >= learners_needed(flag))


def withheld_flags(
    *, facility: float, discrimination: float | None, learners: int
) -> tuple[Flag, ...]:
    """The flags these figures (as shown) would raise were the class big enough, which a
    class of `learners` is too small to judge, in Flag order: a facility of 0.50 withholds
    neither too easy nor too hard, whatever the class's size."""
    raised = _raised(facility, discrimination, unchosen_distractors=False)
    return tuple(flag for flag in raised if learners < learners_needed(flag))


def _raised(
    facility: float, discrimination: float | None, unchosen_distractors: bool
) -> tuple[Flag, ...]:
    """The flags the figures as shown raise, whatever the class's size, in Flag order."""
    band = _band_of(facility, discrimination)
    shown_facility = shown_figure(facility)
    raised = {
        Flag.NEGATIVE_DISCRIMINATION: band is Band.NEGATIVE,
        Flag.POOR_DISCRIMINATION: band is Band.POOR,
        Flag.TOO_EASY: shown_facility > Decimal(str(FACILITY_ABOVE)),
        Flag.TOO_HARD: shown_facility < Decimal(str(FACILITY_BELOW)),
        Flag.UNCHOSEN_DISTRACTOR: unchosen_distractors,
    }
    return tuple(flag for flag in Flag if raised[flag])


def same_groups_note(learners: int, *, split: bool = True) -> str:
    """Why D is undefined when every learner has the same total (a class of one among them);
    `split`: whether some question was got right by some and wrong by others, the only case
    in which the point-biserial would be −1.00 by construction (a class
    that got every question right was told of questions "some got right and some wrong")."""
    if learners == 1:
        return (
            "With one learner, the upper and the lower group are that learner: D compares a "
            "group with itself, so it is undefined (–) for every question, and no question is "
            "flagged by it. The point-biserial is undefined (–) too: it correlates a question "
            "with the rest of the exam across learners, and one learner gives nothing to "
            "correlate."
        )
    groups = (
        "Every learner has the same total, so the upper and the lower group are the same "
        "learners: D compares a group with itself, so it is undefined (–) for every question, "
        "and no question is flagged by it. "
    )
    if not split:
        return groups + (
            "The point-biserial is undefined (–) too: every learner got each question alike "
            "(all right, or all wrong), so no question's score varies and there is nothing to "
            "correlate."
        )
    # "undefined (–)" and "would be −1.00" in one sentence; it is
    # −1.00, and says nothing about the question, so it is not shown.
    return groups + (
        "The point-biserial is not shown (–): each learner's rest score is that same total "
        "less the question's mark, so on a question some got right and some wrong it is "
        "−1.00 by construction, which says nothing about the question, and on one everyone "
        "got right or wrong it is undefined."
    )


def kr20_note(kr20: float | None, *, learners: int, items: int) -> str:
    """What the exam's KR-20 is, its range, what a low value means and what it needs."""
    what = (
        "KR-20 (Kuder–Richardson 20) is the exam's internal consistency: how far the questions "
        "agree in ranking the learners, which for right/wrong questions is Cronbach's α. "
        "It is at most 1 and can be negative when the questions disagree. "
        f"{KR20_USUAL:.2f} or more is the usual aim for a classroom test; a lower value means "
        "the total score carries much noise, because the questions measure different things, "
        "there are too few of them, or the class's abilities spread little (KR-20 divides by "
        "the variance of the totals, so a class of learners of similar ability reads low). "
    )
    if kr20 is None:
        why = (
            "it has a single question"
            if items < 2
            else "one learner's total has no spread"
            if learners == 1
            else "every learner has the same total"
        )
        return what + f"It is undefined here: {why}."
    if learners < FEW_LEARNERS:
        return what + (
            f"It needs at least {FEW_LEARNERS} learners to be read with any confidence; "
            f"with {learners} it moves a lot from one class to the next."
        )
    return what + f"It rests on {learners} learners."

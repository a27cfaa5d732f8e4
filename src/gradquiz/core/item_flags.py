"""Judging an item by its statistics: the discrimination bands, the flags a report raises and
what the exam's KR-20 means. Every threshold is defined here once; the bands, the flags,
their advice and the statistics page all read it from here, so they cannot disagree."""

from enum import StrEnum


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
# Fewer learners than this and the figures (KR-20 above all) move a lot between classes.
FEW_LEARNERS = 30
# KR-20 at or above this is the usual rule of thumb for a classroom test.
KR20_USUAL = 0.70


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
        "A wrong option that none of the learners shown it chose adds nothing: replace it "
        "with a more common mistake (if only a few were shown it, wait for more answers)."
    ),
}


def discrimination_band(discrimination: float) -> Band:
    """The band of D: ≥ 0.40 very good, ≥ 0.30 good, ≥ 0.20 marginal, ≥ 0 poor, else negative."""
    for floor, band in BAND_FLOORS:
        if discrimination >= floor - TOLERANCE:
            return band
    return Band.NEGATIVE


def band_legend() -> str:
    """The bands in words, as the statistics page states them."""
    floors = [f"{band.value} from {floor:.2f}" for floor, band in BAND_FLOORS]
    return f"{', '.join(floors)}, {Band.NEGATIVE.value} below 0"


def flags_for(
    *, facility: float, discrimination: float, unchosen_distractors: bool
) -> tuple[Flag, ...]:
    """The flags an item with these figures raises, in Flag order."""
    band = discrimination_band(discrimination)
    raised = {
        Flag.NEGATIVE_DISCRIMINATION: band is Band.NEGATIVE,
        Flag.POOR_DISCRIMINATION: band is Band.POOR,
        Flag.TOO_EASY: facility > FACILITY_ABOVE,
        Flag.TOO_HARD: facility < FACILITY_BELOW,
        Flag.UNCHOSEN_DISTRACTOR: unchosen_distractors,
    }
    return tuple(flag for flag in Flag if raised[flag])


def kr20_note(kr20: float | None, *, learners: int, items: int) -> str:
    """What the exam's KR-20 is, its range, what a low value means and what it needs."""
    what = (
        "KR-20 (Kuder–Richardson 20) is the exam's internal consistency: how far the questions "
        "agree in ranking the learners, which for right/wrong questions is Cronbach's α. "
        "It is at most 1 and can be negative when the questions disagree. "
        f"{KR20_USUAL:.2f} or more is the usual aim for a classroom test; a lower value means "
        "the total score carries much noise, because the questions measure different things "
        "or there are too few of them. "
    )
    if kr20 is None:
        why = "it has a single question" if items < 2 else "every learner has the same total"
        return what + f"It is undefined here: {why}."
    if learners < FEW_LEARNERS:
        return what + (
            f"It needs at least {FEW_LEARNERS} learners to be read with any confidence; "
            f"with {learners} it moves a lot from one class to the next."
        )
    return what + f"It rests on {learners} learners."

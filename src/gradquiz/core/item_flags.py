"""Judging an item by its statistics: the flags a report raises and the discrimination bands."""

from enum import StrEnum

# D below this (and not negative) barely separates strong from weak learners.
NEAR_ZERO_DISCRIMINATION = 0.10
FACILITY_ABOVE = 0.95
FACILITY_BELOW = 0.20
# D is a difference of float means: an exact 0.1 may arrive as 0.09999999999999998 and must
# not be flagged, nor an exact 0 arrive as -1e-17 and read as negative.
TOLERANCE = 1e-9


class Flag(StrEnum):
    """Something about an item worth a look, in the order a report lists them."""

    NEGATIVE_DISCRIMINATION = "negative-discrimination"
    NEAR_ZERO_DISCRIMINATION = "near-zero-discrimination"
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
    Flag.NEAR_ZERO_DISCRIMINATION: (
        f"It barely separates strong from weak learners (D < {NEAR_ZERO_DISCRIMINATION:.2f}): "
        "check the key, then the wording."
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
        "A wrong option that nobody chose adds nothing: replace it with a more common mistake."
    ),
}


class Band(StrEnum):
    """How well an item discriminates, by the bands of the content guide."""

    VERY_GOOD = "very good"
    GOOD = "good"
    MARGINAL = "marginal"
    POOR = "poor"
    NEGATIVE = "negative"


def discrimination_band(discrimination: float) -> Band:
    """The band of D: ≥ 0.40 very good, ≥ 0.30 good, ≥ 0.20 marginal, ≥ 0 poor, else negative."""
    for floor, band in ((0.40, Band.VERY_GOOD), (0.30, Band.GOOD), (0.20, Band.MARGINAL)):
        if discrimination >= floor - TOLERANCE:
            return band
    return Band.POOR if discrimination >= -TOLERANCE else Band.NEGATIVE


def flags_for(
    *, facility: float, discrimination: float, unchosen_distractors: bool
) -> tuple[Flag, ...]:
    """The flags an item with these figures raises, in Flag order."""
    raised = {
        Flag.NEGATIVE_DISCRIMINATION: discrimination < -TOLERANCE,
        Flag.NEAR_ZERO_DISCRIMINATION: (
            -TOLERANCE <= discrimination < NEAR_ZERO_DISCRIMINATION - TOLERANCE
        ),
        Flag.TOO_EASY: facility > FACILITY_ABOVE,
        Flag.TOO_HARD: facility < FACILITY_BELOW,
        Flag.UNCHOSEN_DISTRACTOR: unchosen_distractors,
    }
    return tuple(flag for flag in Flag if raised[flag])

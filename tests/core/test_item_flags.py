import pytest

from gradquiz.core.item_flags import Band, Flag, discrimination_band, flags_for


@pytest.mark.parametrize(
    ("discrimination", "band"),
    [
        (0.40, Band.VERY_GOOD),
        (0.7 - 0.4, Band.GOOD),  # an exact 0.3 that floats make 0.29999999999999993
        (0.39, Band.GOOD),
        (0.20, Band.MARGINAL),
        (0.29, Band.MARGINAL),
        (0.19, Band.POOR),
        (0.0, Band.POOR),
        (-1e-17, Band.POOR),
        (-0.01, Band.NEGATIVE),
    ],
)
def test_discrimination_bands_follow_the_content_guide(discrimination: float, band: Band) -> None:
    assert discrimination_band(discrimination) is band


def flags(facility: float = 0.5, d: float = 0.5, unchosen: bool = False) -> tuple[Flag, ...]:
    return flags_for(facility=facility, discrimination=d, unchosen_distractors=unchosen)


def test_discrimination_below_a_tenth_is_flagged_near_zero_and_below_zero_negative() -> None:
    assert flags(d=0.3 - 0.2) == ()  # an exact 0.1, computed as 0.09999999999999998
    assert flags(d=0.09) == (Flag.NEAR_ZERO_DISCRIMINATION,)
    assert flags(d=0.0) == (Flag.NEAR_ZERO_DISCRIMINATION,)
    assert flags(d=-1e-17) == (Flag.NEAR_ZERO_DISCRIMINATION,)
    assert flags(d=-0.05) == (Flag.NEGATIVE_DISCRIMINATION,)


def test_facility_is_flagged_strictly_above_095_and_strictly_below_02() -> None:
    assert flags(facility=19 / 20) == ()
    assert flags(facility=0.96) == (Flag.TOO_EASY,)
    assert flags(facility=2 / 10) == ()
    assert flags(facility=0.19) == (Flag.TOO_HARD,)


def test_flags_come_in_a_fixed_order_each_with_advice() -> None:
    assert flags(facility=1.0, d=0.0, unchosen=True) == (
        Flag.NEAR_ZERO_DISCRIMINATION,
        Flag.TOO_EASY,
        Flag.UNCHOSEN_DISTRACTOR,
    )
    assert "check the key" in Flag.NEGATIVE_DISCRIMINATION.advice
    assert "D < 0.10" in Flag.NEAR_ZERO_DISCRIMINATION.advice
    assert all(flag.advice.endswith(".") for flag in Flag)

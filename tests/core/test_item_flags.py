from decimal import Decimal

import pytest

from gradquiz.core.item_flags import (
    BAND_FLOORS,
    FEW_LEARNERS,
    POOR_BELOW,
    Band,
    Flag,
    band_legend,
    discrimination_band,
    flags_for,
    group_size,
    judged_band,
    kr20_note,
    learners_needed,
    minimum_rule,
    shown_figure,
    shown_share,
    unchosen_rule,
    unjudged_flags,
    withheld_flags,
    wrong_answers_needed,
)
from gradquiz.core.item_stats import Item, Response, analyse_items


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


def flags(
    facility: float = 0.5, d: float | None = 0.5, unchosen: bool = False, learners: int = 100
) -> tuple[Flag, ...]:
    return flags_for(
        facility=facility, discrimination=d, unchosen_distractors=unchosen, learners=learners
    )


def test_discrimination_below_the_poor_band_is_flagged_poor_and_below_zero_negative() -> None:
    assert flags(d=0.5 - 0.3) == ()  # an exact 0.2, computed as 0.19999999999999998
    assert flags(d=0.19) == (Flag.POOR_DISCRIMINATION,)  # before: "poor", yet no flag
    assert flags(d=0.09) == (Flag.POOR_DISCRIMINATION,)
    assert flags(d=0.0) == (Flag.POOR_DISCRIMINATION,)
    assert flags(d=-1e-17) == (Flag.POOR_DISCRIMINATION,)
    assert flags(d=-0.05) == (Flag.NEGATIVE_DISCRIMINATION,)


def test_bands_and_flags_agree_at_every_d_in_hundredths() -> None:
    for hundredths in range(-100, 101):
        d = hundredths / 100
        band, raised = discrimination_band(d), flags(d=d)
        assert (Flag.NEGATIVE_DISCRIMINATION in raised) == (band is Band.NEGATIVE), d
        assert (Flag.POOR_DISCRIMINATION in raised) == (band is Band.POOR), d


def test_the_thresholds_are_stated_from_one_place() -> None:
    assert POOR_BELOW == 0.20 and [band for _, band in BAND_FLOORS][-1] is Band.POOR
    assert f"D < {POOR_BELOW:.2f}" in Flag.POOR_DISCRIMINATION.advice
    assert band_legend() == (
        "very good from 0.40, good from 0.30, marginal from 0.20, poor from 0.00, negative below 0"
    )


@pytest.mark.parametrize(
    ("kr20", "learners", "items", "ending"),
    [
        (0.81, 120, 15, "It rests on 120 learners."),
        (0.81, FEW_LEARNERS, 15, f"It rests on {FEW_LEARNERS} learners."),
        (0.42, 12, 15, "It needs at least 30 learners to be read with any confidence; with 12"),
        (None, 40, 1, "It is undefined here: it has a single question."),
        (None, 40, 15, "It is undefined here: every learner has the same total."),
        # "every learner has the same total" of a class of one.
        (None, 1, 15, "It is undefined here: one learner's total has no spread."),
    ],
)
def test_the_kr20_note_says_what_it_is_its_range_what_low_means_and_what_it_needs(
    kr20: float | None, learners: int, items: int, ending: str
) -> None:
    note = kr20_note(kr20, learners=learners, items=items)
    assert "internal consistency" in note and "Cronbach's α" in note  # what it is
    assert "at most 1 and can be negative" in note  # its range
    assert "0.70 or more" in note and "a lower value means" in note  # what low means
    # The third usual cause, little spread in the class's ability.
    assert "the class's abilities spread little" in note and "variance of the totals" in note
    assert ending in note


def test_facility_is_flagged_strictly_above_095_and_strictly_below_02() -> None:
    assert flags(facility=19 / 20) == ()
    assert flags(facility=0.96) == (Flag.TOO_EASY,)
    assert flags(facility=2 / 10) == ()
    assert flags(facility=0.19) == (Flag.TOO_HARD,)


def test_flags_come_in_a_fixed_order_each_with_advice() -> None:
    assert flags(facility=0.99, d=0.0, unchosen=True) == (
        Flag.POOR_DISCRIMINATION,
        Flag.TOO_EASY,
        Flag.UNCHOSEN_DISTRACTOR,
    )
    assert "check the key" in Flag.NEGATIVE_DISCRIMINATION.advice
    assert "D < 0.20" in Flag.POOR_DISCRIMINATION.advice
    assert all(flag.advice.endswith(".") for flag in Flag)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5 / 8, "0.63"),  # before "%.2f": 0.62, half to even, while the bar showed 63 %
        (0.396, "0.40"),
        (0.395, "0.40"),  # the float 0.39499999999999996: a half all the same
        (0.7 - 0.4, "0.30"),
        (20 / 21, "0.95"),
        (0.004, "0.00"),
        (-0.004, "0.00"),  # never "-0.00"
        (-0.005, "-0.01"),  # a half away from 0
        (-0.125, "-0.13"),
        (1.0, "1.00"),
        (0.0, "0.00"),
        (2.125, "2.13"),
    ],
)
def test_figures_are_shown_to_two_decimals_halves_away_from_zero(value: float, text: str) -> None:
    assert str(shown_figure(value)) == text


@pytest.mark.parametrize(
    ("discrimination", "band"),
    [
        (0.396, Band.VERY_GOOD),  # before: "0.40 (good)", the lower band's label
        (0.395, Band.VERY_GOOD),
        (0.3949, Band.GOOD),
        (0.296, Band.GOOD),
        (0.196, Band.MARGINAL),
        (0.194, Band.POOR),
        (-0.004, Band.POOR),  # shown as 0.00
        (-0.005, Band.NEGATIVE),  # shown as -0.01
    ],
)
def test_the_band_is_that_of_the_figure_shown(discrimination: float, band: Band) -> None:
    assert discrimination_band(discrimination) is band
    shown = shown_figure(discrimination)
    floors = [Decimal(str(f)) for f, b in BAND_FLOORS if b is band]
    assert shown < 0 if band is Band.NEGATIVE else shown >= floors[0]


def test_every_figure_in_thousandths_gets_the_band_and_flags_of_its_shown_value() -> None:
    for thousandths in range(-1000, 1001):
        d = thousandths / 1000
        figure = float(shown_figure(d))
        assert discrimination_band(d) is discrimination_band(figure), d
        assert flags(d=d) == flags(d=figure), d
    for thousandths in range(1, 1000):
        facility = thousandths / 1000
        figure = float(shown_figure(facility))
        assert flags(facility=facility) == flags(facility=figure), facility


def test_a_facility_shown_as_095_or_020_raises_no_facility_flag() -> None:
    # Before: 20 of 21 right read "0.95" beside "⚑ More than 95 % … right".
    assert flags(facility=20 / 21) == ()
    assert flags(facility=0.956) == (Flag.TOO_EASY,)  # shown as 0.96
    assert flags(facility=0.196) == ()  # shown as 0.20
    assert flags(facility=0.194) == (Flag.TOO_HARD,)


def test_d_is_not_judged_where_it_is_undefined_or_0_by_construction() -> None:
    # Undefined (the groups are the same learners): no band, no D flag.
    assert judged_band(0.5, None, 100) is None
    assert flags(facility=0.5, d=None) == ()
    # Everyone right or everyone wrong: D is 0 by construction, so no "check the key".
    assert judged_band(1.0, 0.0, 100) is None and judged_band(0.0, 0.0, 100) is None
    assert flags(facility=1.0, d=0.0) == (Flag.TOO_EASY,)
    assert flags(facility=0.0, d=0.0) == (Flag.TOO_HARD,)
    # Anything between is judged, a 0 included.
    assert judged_band(0.99, 0.0, 100) is Band.POOR


@pytest.mark.parametrize(
    ("value", "text"),
    [(199 / 200, "0.99"), (0.9951, "0.99"), (1.0, "1.00"), (1 / 1000, "0.01"), (0.0, "0.00"),
     (0.625, "0.63")],
)  # fmt: skip
def test_a_share_shows_1_and_0_only_for_all_and_none(value: float, text: str) -> None:
    # A facility of 199/200 read 1.00.
    assert str(shown_share(value)) == text


@pytest.mark.parametrize("m", range(1, 11))
def test_an_unchosen_option_needs_wrong_answers_that_rarely_all_miss_it(m: int) -> None:
    # Judged from k >= m wrong answers, when a uniform spread over m = 3 wrong
    # options leaves a given one unchosen with chance (2/3)^3 = 30 %.
    k = wrong_answers_needed(m)
    assert (1 - 1 / m) ** k < 0.05 <= (1 - 1 / m) ** (k - 1) or (m == 1 and k == 1)


def test_the_wrong_answers_needed_are_the_bound_ln_005_over_ln_1_minus_1_over_m() -> None:
    assert [wrong_answers_needed(m) for m in range(1, 6)] == [1, 5, 8, 11, 14]
    assert wrong_answers_needed(0) == 1  # no wrong option shown: one wrong answer is enough
    rule = unchosen_rule(4)
    assert "(1 − 1/m)ᵏ" in rule and "^k" not in rule and "below 5 %" in rule
    assert "k at least 1 for 1, 5 for 2, 8 for 3, 11 for 4 wrong options" in rule


def test_each_flag_needs_its_own_number_of_learners() -> None:
    # A class of one learner was flagged "too easy" and "poor" as if it meant
    # something.
    assert learners_needed(Flag.TOO_EASY) == 20  # one learner moves facility by 0.05
    assert learners_needed(Flag.TOO_HARD) == 5  # by 0.20
    assert learners_needed(Flag.POOR_DISCRIMINATION) == 17  # groups of 5: D moves by 0.20
    assert learners_needed(Flag.NEGATIVE_DISCRIMINATION) == 17
    assert learners_needed(Flag.UNCHOSEN_DISTRACTOR) == 1  # judged by its wrong answers
    assert group_size(16) == 4 and group_size(17) == 5
    assert set(unjudged_flags(1)) == set(Flag) - {Flag.UNCHOSEN_DISTRACTOR}
    assert unjudged_flags(16) == (
        Flag.NEGATIVE_DISCRIMINATION, Flag.POOR_DISCRIMINATION, Flag.TOO_EASY
    )  # fmt: skip
    assert unjudged_flags(20) == ()
    rule = minimum_rule()
    assert "too easy needs 20 learners" in rule and "too hard 5" in rule
    assert "need 17, which make upper and lower groups of 5" in rule
    # The facility's rule ("the range that raises it is at least as wide
    # as one answer moves the figure") was said of D too, where it does not explain the
    # minimum for negative D ([−1, 0) is wide).
    assert "poor and negative alike" in rule
    assert "A flag is judged only where the range of figures" not in rule
    # Before: "so that one answer alone cannot raise it", false at the minimum (19/20 is not
    # too easy, 20/20 is).
    assert "cannot raise" not in rule
    assert "no flag rests on a change smaller than one answer" in rule
    assert Flag.TOO_EASY not in flags_for(
        facility=19 / 20, discrimination=0.5, unchosen_distractors=False, learners=20
    )
    assert Flag.TOO_EASY in flags_for(
        facility=1.0, discrimination=0.0, unchosen_distractors=False, learners=20
    )
    assert "19 right is not too easy and 20 right is" in rule


@pytest.mark.parametrize(
    ("learners", "facility", "d", "raised"),
    [
        (1, 1.0, None, ()),  # before: (TOO_EASY,)
        (1, 0.0, None, ()),  # before: (TOO_HARD,)
        (4, 0.0, 0.0, ()),  # before: (TOO_HARD,)
        (5, 0.0, 0.0, (Flag.TOO_HARD,)),
        (16, 1.0, 0.0, ()),  # before: (TOO_EASY,)
        (16, 0.5, -0.25, ()),  # before: (NEGATIVE_DISCRIMINATION,)
        (16, 0.5, 0.0, ()),  # before: (POOR_DISCRIMINATION,)
        (17, 0.5, -0.2, (Flag.NEGATIVE_DISCRIMINATION,)),
        (17, 0.5, 0.0, (Flag.POOR_DISCRIMINATION,)),
        (20, 1.0, 0.0, (Flag.TOO_EASY,)),
    ],
)
def test_a_flag_is_raised_only_from_its_own_minimum_class(
    learners: int, facility: float, d: float | None, raised: tuple[Flag, ...]
) -> None:
    assert flags(facility=facility, d=d, learners=learners) == raised
    assert (judged_band(facility, d, learners) is None) == (
        learners < 17 or d is None or facility in (0, 1)
    )


@pytest.mark.parametrize(
    ("facility", "discrimination", "learners", "withheld"),
    [
        (0.50, 0.50, 4, ()),  # raises nothing at any class size
        (0.50, 0.10, 16, (Flag.POOR_DISCRIMINATION,)),
        (0.50, -0.25, 4, (Flag.NEGATIVE_DISCRIMINATION,)),
        (1.0, 0.0, 4, (Flag.TOO_EASY,)),  # D is 0 by construction: no D flag
        (0.0, 0.0, 4, (Flag.TOO_HARD,)),
        (0.0, 0.0, 5, ()),  # too hard is judged from 5 learners: a flag, not withheld
        (0.10, 0.10, 4, (Flag.POOR_DISCRIMINATION, Flag.TOO_HARD)),
        (0.96, 0.10, 17, (Flag.TOO_EASY,)),  # D's flags judged (raised), too easy not yet
        (0.50, None, 1, ()),  # D undefined
    ],
)
def test_a_row_withholds_only_the_flags_its_figures_would_raise(
    facility: float,
    discrimination: float | None,
    learners: int,
    withheld: tuple[Flag, ...],
) -> None:
    # Every row of a class under 17 listed all four unjudged flags.
    assert (
        withheld_flags(facility=facility, discrimination=discrimination, learners=learners)
        == withheld
    )
    assert set(withheld) <= set(unjudged_flags(learners))
    big = flags_for(
        facility=facility, discrimination=discrimination, unchosen_distractors=False, learners=20
    )
    assert set(withheld) <= set(big)  # what a class big enough would flag


def _class_of(rows: list[tuple[int, ...]]) -> tuple[list[Item], list[dict[str, Response]]]:
    """Right/wrong rows, one per learner, as items of two options ("a" the key)."""
    items = [Item(id=f"q{i}", options=("a", "b"), key="a") for i in range(len(rows[0]))]
    responses = [
        {f"q{i}": Response(option="a" if r else "b", correct=bool(r)) for i, r in enumerate(row)}
        for row in rows
    ]
    return items, responses


def _d_of_q0(rows: list[tuple[int, ...]]) -> float:
    d = analyse_items(*_class_of(rows)).items[0].discrimination
    assert d is not None
    return d


def test_the_minimum_rule_claims_no_bound_that_one_answer_moving_the_groups_breaks() -> None:
    # Seventeen learners (groups of 5). Only the first gets q0 right; with q1 right as well
    # their total is 2, one of four such, so they are wholly in the upper group and D is 0.20.
    # Their answer to q1 turned wrong (q0 untouched) drops them into the eleven learners on 1,
    # who share the upper group's last place and the lower group's last three: the lower
    # group then holds more of them than the upper, and D is below 0.
    star = (1, 1, 0, 0)
    others = [(0, 1, 1, 0), (0, 1, 0, 1), (0, 0, 1, 1)] + [(0, 0, 0, 0)] * 2
    others += [(0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)] * 3 + [(0, 1, 0, 0)] * 2
    before = [star, *others]
    after = [(1, 0, 0, 0), *others]
    assert len(before) == learners_needed(Flag.NEGATIVE_DISCRIMINATION) == 17
    changes = zip(before, after, strict=True)
    assert sum(a != b for x, y in changes for a, b in zip(x, y, strict=True)) == 1
    first, second = analyse_items(*_class_of(before)), analyse_items(*_class_of(after))
    assert second.group_size == 5
    d_flags = {Flag.NEGATIVE_DISCRIMINATION, Flag.POOR_DISCRIMINATION}
    assert first.items[0].band is Band.MARGINAL and not d_flags & set(first.items[0].flags)
    assert second.items[0].band is Band.NEGATIVE
    assert Flag.NEGATIVE_DISCRIMINATION in second.items[0].flags
    moved = abs(_d_of_q0(after) - _d_of_q0(before))
    assert moved > POOR_BELOW
    rule = minimum_rule()
    # Before: "one answer then moves D by at most 1/5 = 0.20 ... so no answer alone takes D
    # from a band with no flag (0.20 or more) to negative", which this pair contradicts.
    assert "no answer alone" not in rule and "moves D by at most" not in rule
    assert "can move learners between the groups" in rule
    assert "one answer can move D by more than that, even from 0.20 (marginal) to below 0" in rule
    assert "a D flag is a reason to read the question, not a verdict on it" in rule
    # What it does claim: with the groups held (here by a second answer that keeps the
    # learner's total), one answer to q0 weighs at most 1/5 = 0.20 in D.
    held_rule = (
        "with the groups held as they are, one learner's answer to the question weighs at "
        "most 1/5 = 0.20 in D"
    )
    assert held_rule in rule
    weights = []
    for learner, row in enumerate(before):
        other = next(i for i in range(1, 4) if row[i] == row[0])  # flip q0 and this, total kept
        changed = list(row)
        changed[0], changed[other] = 1 - row[0], 1 - row[other]
        held = [*before[:learner], tuple(changed), *before[learner + 1 :]]
        weights.append(abs(_d_of_q0(held) - _d_of_q0(before)))
    assert max(weights) == pytest.approx(POOR_BELOW) and all(
        w <= POOR_BELOW + 1e-12 for w in weights
    )

import itertools
import math
import random
import re
import statistics
from collections.abc import Sequence

import numpy as np
import pytest
from scipy import stats as scipy_stats

from gradquiz.core.item_flags import Band, Flag
from gradquiz.core.item_stats import (
    Item,
    ItemAnalysis,
    ItemStats,
    OptionStats,
    Response,
    analyse_items,
    group_size,
)
from gradquiz.errors import InvalidInput

LETTERS = ("a", "b", "c", "d")


def lettered(ids: str, keys: str) -> list[Item]:
    """Items with options a–d, one key letter per item."""
    return [Item(id=i, options=LETTERS, key=k) for i, k in zip(ids, keys, strict=True)]


def rows(items: Sequence[Item], answers: Sequence[str]) -> list[dict[str, Response]]:
    """One row per learner from a string of letters, one per item ('-' for a blank)."""
    table = []
    for letters in answers:
        row = {}
        for item, letter in zip(items, letters, strict=True):
            option = None if letter == "-" else letter
            row[item.id] = Response(option=option, correct=option == item.key)
        table.append(row)
    return table


def by_id(analysis: ItemAnalysis) -> dict[str, ItemStats]:
    return {s.item: s for s in analysis.items}


# Ten learners, four items keyed a, b, c, d. Totals 3 3 3 3 2 2 2 2 1 0: four learners tie at
# the upper cut and four at the lower cut, so both ties are exercised.
SMALL_ITEMS = lettered("1234", "abcd")
SMALL_ANSWERS = [
    "abca",  # L0: 1 1 1 0 = 3
    "abca",  # L1: 1 1 1 0 = 3
    "abdd",  # L2: 1 1 0 1 = 3
    "aacd",  # L3: 1 0 1 1 = 3
    "abab",  # L4: 1 1 0 0 = 2
    "bbbd",  # L5: 0 1 0 1 = 2
    "acdd",  # L6: 1 0 0 1 = 2
    "cdcd",  # L7: 0 0 1 1 = 2
    "ba-d",  # L8: 0 0 0 1 = 1
    "-cac",  # L9: 0 0 0 0 = 0
]


@pytest.fixture
def small() -> ItemAnalysis:
    return analyse_items(SMALL_ITEMS, rows(SMALL_ITEMS, SMALL_ANSWERS))


def test_small_table_facility(small: ItemAnalysis) -> None:
    items = by_id(small)
    assert items["1"].facility == pytest.approx(6 / 10)  # L0 L1 L2 L3 L4 L6
    assert items["2"].facility == pytest.approx(5 / 10)  # L0 L1 L2 L4 L5
    assert items["3"].facility == pytest.approx(4 / 10)  # L0 L1 L3 L7
    assert items["4"].facility == pytest.approx(6 / 10)  # L2 L3 L5 L6 L7 L8


def test_small_table_groups_split_the_ties_at_the_cut(small: ItemAnalysis) -> None:
    # 27 % of 10 is 2.7, so 3 learners a group. Upper: L0–L3 tie at 3 for 3 places, each
    # counts 3/4. Lower: L9 (0) and L8 (1) count 1; L4–L7 tie at 2 for the last place, 1/4 each.
    assert small.group_size == 3
    items = by_id(small)
    upper = {"1": 4 * 3 / 4 / 3, "2": 3 * 3 / 4 / 3, "3": 3 * 3 / 4 / 3, "4": 2 * 3 / 4 / 3}
    lower = {
        "1": (1 / 4 + 1 / 4) / 3,  # L4 L6
        "2": (1 / 4 + 1 / 4) / 3,  # L4 L5
        "3": (1 / 4) / 3,  # L7
        "4": (1 / 4 + 1 / 4 + 1 / 4 + 1) / 3,  # L5 L6 L7, L8
    }
    for item_id, stats in items.items():
        assert stats.upper == pytest.approx(upper[item_id])
        assert stats.lower == pytest.approx(lower[item_id])
        assert stats.discrimination == pytest.approx(upper[item_id] - lower[item_id])
    assert items["1"].discrimination == pytest.approx(5 / 6)
    assert items["2"].discrimination == pytest.approx(7 / 12)
    assert items["3"].discrimination == pytest.approx(2 / 3)
    assert items["4"].discrimination == pytest.approx(-1 / 12)


def test_small_table_tie_rule_is_the_average_over_every_way_to_break_the_ties() -> None:
    items = SMALL_ITEMS
    table = rows(items, SMALL_ANSWERS)
    expected = {s.item: s.discrimination for s in analyse_items(items, table).items}
    ways = [
        (top, [8, 9, bottom])
        for top in itertools.combinations(range(4), 3)  # 3 of the 4 tied at 3
        for bottom in range(4, 8)  # 1 of the 4 tied at 2
    ]
    for item in items:
        ds = [
            sum(table[i][item.id].correct for i in top) / 3
            - sum(table[i][item.id].correct for i in bottom) / 3
            for top, bottom in ways
        ]
        assert statistics.fmean(ds) == pytest.approx(expected[item.id])


def test_small_table_corrected_point_biserial(small: ItemAnalysis) -> None:
    # r = (nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²)), x the item, y the rest score.
    # Item 1: x 1111101000, rest 2222121210: Σx 6, Σy 15, Σxy 10, Σy² 27.
    # Item 2: x 1110110000, rest 2223112210: Σx 5, Σy 16, Σxy 8, Σy² 32.
    # Item 3: x 1101000100, rest 2232222110: Σx 4, Σy 17, Σxy 7, Σy² 35.
    # Item 4: x 0011011110, rest 3322211100: Σx 6, Σy 15, Σxy 7, Σy² 33.
    items = by_id(small)
    assert items["1"].point_biserial == pytest.approx(
        (10 * 10 - 6 * 15) / math.sqrt((10 * 6 - 6**2) * (10 * 27 - 15**2))
    )
    assert items["2"].point_biserial == pytest.approx(0, abs=1e-12)  # 10·8 − 5·16 = 0
    assert items["3"].point_biserial == pytest.approx(
        (10 * 7 - 4 * 17) / math.sqrt((10 * 4 - 4**2) * (10 * 35 - 17**2))
    )
    assert items["4"].point_biserial == pytest.approx(
        (10 * 7 - 6 * 15) / math.sqrt((10 * 6 - 6**2) * (10 * 33 - 15**2))
    )


def test_small_table_options_by_group(small: ItemAnalysis) -> None:
    # Upper weights: L0–L3 3/4. Lower weights: L4–L7 1/4, L8 and L9 1. Groups of 3.
    q = 1 / 4
    expected = {
        "1": [
            ("a", 6, 4 * 3 / 4 / 3, 2 * q / 3),  # L0–L3 | L4 L6
            ("b", 2, 0, (q + 1) / 3),  # L5 L8
            ("c", 1, 0, q / 3),  # L7
            ("d", 0, 0, 0),
        ],
        "2": [
            ("a", 2, 3 / 4 / 3, 1 / 3),  # L3 | L8
            ("b", 5, 3 * 3 / 4 / 3, 2 * q / 3),  # L0 L1 L2 | L4 L5
            ("c", 2, 0, (q + 1) / 3),  # L6 L9
            ("d", 1, 0, q / 3),  # L7
        ],
        "3": [
            ("a", 2, 0, (q + 1) / 3),  # L4 L9
            ("b", 1, 0, q / 3),  # L5
            ("c", 4, 3 * 3 / 4 / 3, q / 3),  # L0 L1 L3 | L7
            ("d", 2, 3 / 4 / 3, q / 3),  # L2 | L6
        ],
        "4": [
            ("a", 2, 2 * 3 / 4 / 3, 0),  # L0 L1
            ("b", 1, 0, q / 3),  # L4
            ("c", 1, 0, 1 / 3),  # L9
            ("d", 6, 2 * 3 / 4 / 3, (3 * q + 1) / 3),  # L2 L3 | L5 L6 L7 L8
        ],
    }
    for item in SMALL_ITEMS:
        stats = by_id(small)[item.id]
        assert [o.option for o in stats.options] == list(LETTERS)
        assert [o.is_key for o in stats.options] == [o == item.key for o in LETTERS]
        for got, (option, count, upper, lower) in zip(
            stats.options, expected[item.id], strict=True
        ):
            assert (got.option, got.count) == (option, count)
            assert got.upper == pytest.approx(upper)
            assert got.lower == pytest.approx(lower)
    assert [by_id(small)[i].omitted for i in "1234"] == [1, 0, 1, 0]


def test_small_table_exam_figures(small: ItemAnalysis) -> None:
    # Totals 3 3 3 3 2 2 2 2 1 0: Σt 21, Σt² 53; population variance 53/10 − 2.1² = 0.89.
    # Σpq = 0.6·0.4 + 0.5·0.5 + 0.4·0.6 + 0.6·0.4 = 0.97; KR-20 = 4/3 (1 − 0.97/0.89).
    assert small.exam.learners == 10
    assert small.exam.items == 4
    assert small.exam.mean == pytest.approx(2.1)
    assert small.exam.sd == pytest.approx(math.sqrt(0.89))
    assert small.exam.kr20 == pytest.approx(4 / 3 * (1 - 0.97 / 0.89))  # −0.12: no clamping


def test_small_table_flags(small: ItemAnalysis) -> None:
    # Ten learners: too few for D's bands and flags (17) and for "too easy" (20); before,
    # bands very good ×3 and negative, "⚑ negative discrimination" on item 4 and "⚑ unchosen
    # distractor" on item 1 from 3 wrong answers over 3 wrong options.
    items = by_id(small)
    assert [items[i].flags for i in "1234"] == [()] * 4
    assert [items[i].band for i in "1234"] == [None] * 4
    assert items["4"].unjudged_flags == (
        Flag.NEGATIVE_DISCRIMINATION, Flag.POOR_DISCRIMINATION, Flag.TOO_EASY
    )  # fmt: skip
    assert [(o.option, o.wrong_answers, o.wrong_answers_needed)
            for o in items["1"].unjudged_distractors] == [("d", 3, 8)]  # fmt: skip
    # The same answers three times over, 30 learners: every flag is judged.
    thrice = by_id(analyse_items(SMALL_ITEMS, rows(SMALL_ITEMS, SMALL_ANSWERS * 3)))
    assert thrice["1"].flags == (Flag.UNCHOSEN_DISTRACTOR,)
    assert thrice["1"].unchosen_distractors == ("d",)
    assert [thrice[i].flags for i in "234"] == [(), (), (Flag.NEGATIVE_DISCRIMINATION,)]
    assert [thrice[i].band for i in "1234"] == [Band.VERY_GOOD] * 3 + [Band.NEGATIVE]
    # Twice over, 20 learners: 6 wrong answers over 3 wrong options are still too few (8).
    twice = by_id(analyse_items(SMALL_ITEMS, rows(SMALL_ITEMS, SMALL_ANSWERS * 2)))
    assert twice["1"].flags == () and twice["1"].unchosen_distractors == ()


def test_row_order_does_not_matter(small: ItemAnalysis) -> None:
    shuffled = rows(SMALL_ITEMS, SMALL_ANSWERS)
    random.Random(3).shuffle(shuffled)
    again = analyse_items(SMALL_ITEMS, shuffled)
    assert again.exam == small.exam
    for a, b in zip(again.items, small.items, strict=True):
        assert (a.item, a.flags, a.omitted) == (b.item, b.flags, b.omitted)
        assert (a.facility, a.discrimination) == pytest.approx((b.facility, b.discrimination))
        assert a.point_biserial == pytest.approx(b.point_biserial)
        assert [(o.option, o.count) for o in a.options] == [(o.option, o.count) for o in b.options]
        shares = [share for o in b.options for share in (o.upper, o.lower)]
        assert [share for o in a.options for share in (o.upper, o.lower)] == pytest.approx(shares)


# A simulated class: 200 learners, 15 items from a two-parameter logistic model,
# P(right) = 1 / (1 + exp(−a(θ − b))), θ ~ N(0, 1). Item "reversed" has a < 0.
DIFFICULTIES = np.linspace(-1.8, 1.8, 14)
REVERSED = "reversed"


def simulated_class(seed: int = 2026) -> tuple[list[Item], list[dict[str, Response]]]:
    rng = np.random.default_rng(seed)
    ids = [f"q{j:02d}" for j in range(len(DIFFICULTIES))] + [REVERSED]
    a = np.append(np.full(len(DIFFICULTIES), 1.7), -1.2)
    b = np.append(DIFFICULTIES, 0.0)
    theta = rng.standard_normal(200)
    right = rng.random((200, len(ids))) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    items = [Item(id=i, options=("key", "m1", "m2", "m3"), key="key") for i in ids]
    table = []
    for learner in range(200):
        row = {}
        for j, item in enumerate(items):
            if right[learner, j]:
                row[item.id] = Response("key", True)
                continue
            # Nobody falls for m3 of q00; one wrong answer in twenty is left blank.
            wrong = ("m1", "m2") if item.id == "q00" else ("m1", "m2", "m3")
            option = None if rng.random() < 0.05 else str(rng.choice(wrong))
            row[item.id] = Response(option, False)
        table.append(row)
    return items, table


Simulated = tuple[list[Item], list[dict[str, Response]], ItemAnalysis]


@pytest.fixture(scope="module")
def simulated() -> Simulated:
    items, table = simulated_class()
    return items, table, analyse_items(items, table)


def scores(items: Sequence[Item], table: Sequence[dict[str, Response]]) -> list[list[int]]:
    return [[int(row[item.id].correct) for item in items] for row in table]


def test_simulated_harder_items_have_lower_facility(simulated: Simulated) -> None:
    _, _, analysis = simulated
    facility = [s.facility for s in analysis.items if s.item != REVERSED]
    rho = scipy_stats.spearmanr(DIFFICULTIES, facility).statistic
    assert rho < -0.95


def test_simulated_reversed_item_is_flagged_and_no_other(simulated: Simulated) -> None:
    _, _, analysis = simulated
    negative = [s.item for s in analysis.items if Flag.NEGATIVE_DISCRIMINATION in s.flags]
    assert negative == [REVERSED]
    reversed_item = by_id(analysis)[REVERSED]
    assert reversed_item.discrimination < -0.2
    assert reversed_item.point_biserial is not None and reversed_item.point_biserial < -0.2
    assert all(s.discrimination > 0.1 for s in analysis.items if s.item != REVERSED)


def test_simulated_unchosen_distractor_is_flagged(simulated: Simulated) -> None:
    _, _, analysis = simulated
    assert [s.item for s in analysis.items if s.unchosen_distractors] == ["q00"]
    assert by_id(analysis)["q00"].unchosen_distractors == ("m3",)


def test_simulated_kr20_matches_cronbach_alpha_with_sample_variances(simulated: Simulated) -> None:
    items, table, analysis = simulated
    matrix = scores(items, table)
    k = len(items)
    item_variances = [statistics.variance(column) for column in zip(*matrix, strict=True)]
    total_variance = statistics.variance([sum(row) for row in matrix])
    alpha = k / (k - 1) * (1 - sum(item_variances) / total_variance)
    assert analysis.exam.kr20 == pytest.approx(alpha, abs=1e-12)
    assert 0.6 < alpha < 0.95  # 14 items of discrimination 1.7 hang together


def test_simulated_mean_and_population_sd(simulated: Simulated) -> None:
    items, table, analysis = simulated
    totals = [sum(row) for row in scores(items, table)]
    assert analysis.exam.mean == pytest.approx(statistics.fmean(totals))
    assert analysis.exam.sd == pytest.approx(statistics.pstdev(totals))
    assert analysis.exam.sd != pytest.approx(statistics.stdev(totals))


def test_simulated_point_biserial_matches_scipy_on_the_rest_score(simulated: Simulated) -> None:
    items, table, analysis = simulated
    matrix = scores(items, table)
    for j, stats in enumerate(analysis.items):
        item_scores = [row[j] for row in matrix]
        rest = [sum(row) - row[j] for row in matrix]
        expected = scipy_stats.pointbiserialr(item_scores, rest).statistic
        assert stats.point_biserial == pytest.approx(expected, abs=1e-12)


def test_simulated_groups_are_54_learners_and_option_shares_add_up(simulated: Simulated) -> None:
    _, _, analysis = simulated
    assert analysis.group_size == 54  # 27 % of 200
    for stats in analysis.items:
        assert sum(o.count for o in stats.options) + stats.omitted == 200
        assert sum(o.upper or 0 for o in stats.options) <= 1 + 1e-12
        key = next(o for o in stats.options if o.is_key)
        assert (key.upper, key.lower) == pytest.approx((stats.upper, stats.lower))


@pytest.mark.parametrize(
    ("learners", "size"),
    [(1, 1), (2, 1), (3, 1), (5, 1), (6, 2), (10, 3), (50, 14), (150, 41), (200, 54), (2000, 540)],
)
def test_group_size_is_27_percent_rounded_half_up_at_least_one(learners: int, size: int) -> None:
    assert group_size(learners) == size


def test_every_learner_right_on_an_item() -> None:
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["aa", "ab", "ab", "ac"]))
    x = by_id(analysis)["x"]
    assert (x.facility, x.upper, x.lower, x.discrimination) == (1.0, 1.0, 1.0, 0.0)
    assert x.point_biserial is None  # the item does not vary
    # D is 0 by construction, so it is not judged: before, also "poor: check the key".
    assert x.band is None
    # Nobody could choose a distractor, so none is flagged unchosen
    # (before: "⚑ too easy, ⚑ unchosen distractor", "replace it with a more common mistake").
    # Four learners are too few to call it too easy (it was flagged).
    assert x.flags == () and Flag.TOO_EASY in x.unjudged_flags
    assert x.unchosen_distractors == ()
    assert [(o.option, o.wrong_answers) for o in x.unjudged_distractors] == [
        ("b", 0), ("c", 0), ("d", 0)
    ]  # fmt: skip


def test_one_learner_is_too_few_wrong_answers_to_judge_a_distractor() -> None:
    # With one learner every question was flagged "unchosen distractor".
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["bc"]))
    assert all(Flag.UNCHOSEN_DISTRACTOR not in s.flags for s in analysis.items)
    x = by_id(analysis)["x"]
    assert [(o.option, o.wrong_answers, o.wrong_options) for o in x.unjudged_distractors] == [
        ("c", 1, 3), ("d", 1, 3)
    ]  # fmt: skip


def test_nobody_right_on_an_item() -> None:
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["ba", "ca", "db", "-c"]))
    x = by_id(analysis)["x"]
    assert (x.facility, x.discrimination, x.point_biserial) == (0.0, 0.0, None)
    assert x.band is None
    # Before, also "poor: check the key, then the wording"; four learners are too few to
    # call it too hard (it was flagged), five are enough.
    assert x.flags == () and Flag.TOO_HARD in x.unjudged_flags
    again = analyse_items(items, rows(items, ["ba", "ca", "db", "-c", "bb"]))
    assert by_id(again)["x"].flags == (Flag.TOO_HARD,)
    assert [o.count for o in x.options] == [0, 1, 1, 1]  # the key, unchosen, is no distractor


def test_a_class_of_one() -> None:
    items = lettered("xyz", "abc")
    analysis = analyse_items(items, rows(items, ["ab-"]))
    # The one learner is both the upper and the lower group: D is undefined (before: 0.0,
    # "poor", and every item flagged "check the key").
    assert analysis.group_size == 1 and analysis.same_groups
    assert [s.discrimination for s in analysis.items] == [None, None, None]
    assert [s.band for s in analysis.items] == [None, None, None]
    d_flags = {Flag.POOR_DISCRIMINATION, Flag.NEGATIVE_DISCRIMINATION}
    d_flags_order = [flag for flag in Flag if flag is not Flag.UNCHOSEN_DISTRACTOR]
    assert not d_flags.intersection(*(s.flags for s in analysis.items))
    # One learner's answers were flagged too easy, too easy and too hard.
    assert [s.flags for s in analysis.items] == [(), (), ()]
    assert all(s.unjudged_flags == tuple(d_flags_order) for s in analysis.items)
    assert [s.point_biserial for s in analysis.items] == [None, None, None]
    assert (analysis.exam.mean, analysis.exam.sd, analysis.exam.kr20) == (2.0, 0.0, None)


def test_groups_that_differ_give_d_even_where_they_overlap() -> None:
    # Totals 2 1 1 1: one upper place (the 2), one lower place shared by the three 1s.
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["aa", "ab", "ba", "ab"]))
    assert not analysis.same_groups
    x = by_id(analysis)["x"]
    assert x.discrimination == pytest.approx(1 - 2 / 3)


def test_a_class_of_three_compares_the_best_with_the_worst() -> None:
    # 27 % of 3 is 0.81, so one learner a group: totals 2, 1, 0 → the first and the last.
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["aa", "ba", "bb"]))
    x, y = analysis.items
    assert analysis.group_size == 1
    assert (x.upper, x.lower, x.discrimination) == (1.0, 0.0, 1.0)
    assert (y.upper, y.lower, y.discrimination) == (1.0, 0.0, 1.0)
    # Rest scores: for x, y's column 1 1 0 against x's 1 0 0: r = (3·1 − 1·2)/√((3−1)(6−4)) = 1/2.
    assert x.point_biserial == pytest.approx(0.5)
    # Totals 2 1 0: population variance 2/3; Σpq = 2 · (1/3)(2/3); KR-20 = 2 (1 − (4/9)/(2/3)).
    assert analysis.exam.sd == pytest.approx(math.sqrt(2 / 3))
    assert analysis.exam.kr20 == pytest.approx(2 * (1 - (4 / 9) / (2 / 3)))


def test_a_class_of_three_with_a_tie_at_the_cut() -> None:
    # Totals 1, 1, 0: the upper place is shared by the first two, half each.
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["ab", "ba", "bb"]))
    x, y = analysis.items
    assert (x.upper, x.lower, x.discrimination) == (0.5, 0.0, 0.5)
    assert (y.upper, y.lower, y.discrimination) == (0.5, 0.0, 0.5)


def test_everyone_tied_means_no_discrimination() -> None:
    items = lettered("xy", "aa")
    analysis = analyse_items(items, rows(items, ["ab", "ba", "ab", "ba", "ab", "ba"]))
    assert analysis.group_size == 2 and analysis.same_groups
    # Both groups are all six learners, a third each: D is undefined, not a "poor" 0.
    assert [s.discrimination for s in analysis.items] == [None, None]
    # Three wrong answers over three wrong options: too few (8) to call c and d unchosen.
    assert [s.flags for s in analysis.items] == [(), ()]
    assert [o.option for o in analysis.items[0].unjudged_distractors] == ["c", "d"]
    assert analysis.exam.kr20 is None  # every total is 1: no variance to explain


def test_equal_totals_leave_the_point_biserial_undefined_not_minus_one() -> None:
    # Two learners, one total each: rest = T - x, so r would be -1 by construction.
    items = lettered("xy", "ab")
    analysis = analyse_items(items, rows(items, ["aa", "bb"]))
    assert analysis.same_groups
    assert [s.point_biserial for s in analysis.items] == [None, None]
    assert [s.flags for s in analysis.items] == [(), ()]


def test_a_single_item_has_no_kr20() -> None:
    items = lettered("x", "a")
    assert analyse_items(items, rows(items, ["a", "b", "c"])).exam.kr20 is None


def test_option_ids_need_not_be_letters_and_variants_aggregate_by_id() -> None:
    # Two variants of one generator show the same mistakes under different letters; the
    # caller passes each option's stable id, so the mistakes add up across variants.
    item = Item(
        id="gates.routing",
        options=("key", "splits-in-half", "times-other-input", "averages"),
        key="key",
    )
    shown = {1: {"A": "splits-in-half", "B": "key"}, 2: {"A": "key", "B": "splits-in-half"}}
    answers = [(1, "A"), (2, "B"), (1, "B"), (2, "A"), (2, "A")]
    table = [
        {item.id: Response(shown[seed][letter], shown[seed][letter] == "key")}
        for seed, letter in answers
    ]
    stats = analyse_items([item], table).items[0]
    assert [(o.option, o.count) for o in stats.options] == [
        ("key", 3),
        ("splits-in-half", 2),
        ("times-other-input", 0),
        ("averages", 0),
    ]
    # Two wrong answers for three wrong options: too few to call the other two unchosen.
    assert stats.unchosen_distractors == ()
    assert [o.option for o in stats.unjudged_distractors] == ["times-other-input", "averages"]
    assert stats.facility == pytest.approx(3 / 5)


def test_option_stats_are_frozen() -> None:
    option = OptionStats(option="a", is_key=True, count=1, upper=1.0, lower=0.0, shown=1)
    with pytest.raises(AttributeError):
        option.count = 2  # type: ignore[misc]


# A generated question as a class sees it: each variant shows the right answer and three of
# the generator's wrong options, and which id is the key varies. As the class statistics do,
# right answers count under RIGHT, a row of its own; "x" is the key in 60 % of the variants
# and a wrong option in the rest; "y" is only ever the key; "m5" is shown in about 10 %
# (a variant offers it in 15 % of draws, and then shows three of the four wrong options).
RIGHT = "(right answer)"
GENERATED = Item(id="gen", options=(RIGHT, "x", "y", "m1", "m2", "m3", "m4", "m5"), key=RIGHT)


def generated_class(
    seed: int = 28, learners: int = 300
) -> tuple[list[Item], list[dict[str, Response]], list[frozenset[str]]]:
    rng = random.Random(seed)
    items = [GENERATED, *lettered("abcdef", "abcdab")]
    table, shown_as = [], []
    for _ in range(learners):
        theta = rng.gauss(0, 1)
        pool = ["m1", "m2", "m3", "m4"]
        if rng.random() < 0.15:
            pool = ["m5", *rng.sample(pool, 3)]
        wrong = rng.sample(pool, 3) if rng.random() < 0.6 else ["x", *rng.sample(pool, 2)]
        shown = frozenset({RIGHT, *wrong})
        right = rng.random() < 1 / (1 + math.exp(-1.5 * theta))
        tempting = [option for option in wrong if option != "m4"]  # nobody falls for m4
        choice = RIGHT if right else (None if rng.random() < 0.05 else rng.choice(tempting))
        row = {"gen": Response(choice, right, shown)}
        for item in items[1:]:
            correct = rng.random() < 1 / (1 + math.exp(-1.5 * theta))
            row[item.id] = Response(
                item.key if correct else "c" if item.key != "c" else "d", correct
            )
        table.append(row)
        shown_as.append(shown)
    return items, table, shown_as


def tie_split_weights(totals: Sequence[int], size: int) -> list[float]:
    """The documented group rule, written out: the `size` highest totals, ties at the cut
    sharing the places left."""
    cut = sorted(totals, reverse=True)[size - 1]
    above = sum(t > cut for t in totals)
    tied = sum(t == cut for t in totals)
    return [1.0 if t > cut else (size - above) / tied if t == cut else 0.0 for t in totals]


def test_generated_options_are_judged_among_the_learners_shown_them() -> None:
    items, table, shown_as = generated_class()
    analysis = analyse_items(items, table)
    stats = by_id(analysis)["gen"]
    totals = [sum(row[item.id].correct for item in items) for row in table]
    upper = tie_split_weights(totals, analysis.group_size)
    lower = tie_split_weights([-t for t in totals], analysis.group_size)
    exposures = {}
    for option in stats.options:
        offered = [i for i, shown in enumerate(shown_as) if option.option in shown]
        picked = [i for i in offered if table[i]["gen"].option == option.option]
        assert (option.shown, option.count) == (len(offered), len(picked)), option.option
        assert option.exposure == pytest.approx(len(offered) / len(table))
        for got, weights in ((option.upper, upper), (option.lower, lower)):
            base = sum(weights[i] for i in offered)
            if base == 0:
                assert got is None
            else:
                assert got == pytest.approx(sum(weights[i] for i in picked) / base, abs=1e-12)
        exposures[option.option] = option.exposure
    # Each learner saw only some options: the right answer all, the others 0 % to about 60 %.
    assert exposures[RIGHT] == 1 and exposures["y"] == 0
    assert 0.05 < exposures["m5"] < 0.15 and 0.3 < exposures["x"] < 0.5
    assert all(0.3 < exposures[m] < 0.8 for m in ("m1", "m2", "m3", "m4"))
    # Only m4, shown and never chosen, is a useless wrong option; "y", the right answer
    # wherever it was shown, is none (before, both were flagged, as y's count was 0 too).
    assert stats.unchosen_distractors == ("m4",)
    assert Flag.UNCHOSEN_DISTRACTOR in stats.flags
    y = next(o for o in stats.options if o.option == "y")
    assert (y.count, y.upper, y.lower) == (0, None, None)


def test_a_rarely_shown_option_is_a_share_of_those_shown_it() -> None:
    # Four learners; only the last two were shown "rare", and one of them chose it.
    item = Item(id="gen", options=("key", "common", "rare"), key="key")
    both = frozenset({"key", "common", "rare"})
    without = frozenset({"key", "common"})
    table = [
        {"gen": Response("key", True, without)},
        {"gen": Response("common", False, without)},
        {"gen": Response("rare", False, both)},
        {"gen": Response("key", True, both)},
    ]
    stats = analyse_items([item], table).items[0]
    rare = next(o for o in stats.options if o.option == "rare")
    assert (rare.shown, rare.exposure, rare.count) == (2, 0.5, 1)
    # Groups of one: ties at 1 right (learners 0 and 3) and at 0 (1 and 2) split the place.
    # Upper: learners 0 and 3 count 1/2 each; of them only 3 was shown "rare", and did not
    # pick it: 0. Lower: 1 and 2 count 1/2 each; only 2 was shown it, and picked it: 1, where
    # a share of the whole group (the old way) gave 1/2.
    assert (rare.upper, rare.lower) == (0.0, 1.0)


def test_an_option_chosen_but_not_shown_is_refused() -> None:
    item = Item(id="gen", options=("key", "a", "b"), key="key")
    with pytest.raises(InvalidInput, match="option 'b' was chosen but not shown"):
        analyse_items([item], [{"gen": Response("b", False, frozenset({"key", "a"}))}])
    with pytest.raises(InvalidInput, match="has no option 'z' to show"):
        analyse_items([item], [{"gen": Response("a", False, frozenset({"key", "a", "z"}))}])


@pytest.mark.parametrize(
    ("items", "table", "message"),
    [
        (lettered("x", "a"), [], "no attempts"),
        ([], [{}], "no items"),
        (lettered("xx", "aa"), [], "Item ids repeat: ['x']"),
        ([Item("x", ("a", "a"), "a")], [], "repeats an option id"),
        ([Item("x", ("a", "b"), "c")], [], "key 'c' is not one of its options"),
        (lettered("xy", "aa"), [{"x": Response("a", True)}], "missing ['y'], unknown []"),
        (
            lettered("x", "a"),
            [{"x": Response("a", True), "z": Response(None, False)}],
            "missing [], unknown ['z']",
        ),
        (lettered("x", "a"), [{"x": Response("e", False)}], "item 'x' has no option 'e'"),
        (lettered("x", "a"), [{"x": Response("b", True)}], "marked right for option 'b'"),
        (lettered("x", "a"), [{"x": Response("a", False)}], "marked wrong for option 'a'"),
    ],
)
def test_malformed_tables_are_refused_with_the_fault_named(
    items: list[Item], table: list[dict[str, Response]], message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        analyse_items(items, table)

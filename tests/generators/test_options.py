import random
from collections import Counter

import pytest

from gradquiz.generators import (
    Choice,
    KeyCheck,
    VariantRejected,
    distractors_around,
    key_at_random_rank,
    numeric_variant,
)

KEY = Choice("key", 5, "Correct.")
MISTAKES = [Choice(f"m{v}", v, "A named mistake.") for v in (1, 2, 3, 7, 8, 9)]


@pytest.mark.parametrize("rank", range(4))
def test_distractors_put_the_key_at_the_asked_rank(rank: int) -> None:
    chosen = distractors_around(random.Random(rank), KEY, MISTAKES, rank)
    variant = numeric_variant(
        stem="?", key=KEY, distractors=chosen, explanation=".", checks=[KeyCheck("k", 5, 5)]
    )
    assert [o.id for o in variant.options].index("key") == rank


def test_too_few_mistakes_on_one_side_ask_for_other_numbers() -> None:
    with pytest.raises(VariantRejected, match="rank 0 needs 0 and 3"):
        distractors_around(random.Random(0), KEY, [*MISTAKES[:3], MISTAKES[3]], 0)


def test_the_rank_is_drawn_first_and_kept_while_numbers_are_redrawn() -> None:
    @key_at_random_rank(4)
    def only_low_numbers_fit_rank_three(rng: random.Random, rank: int) -> int:
        low = rng.random() < 0.1  # draws that can put the key last are rare
        if rank == 3 and not low:
            raise VariantRejected("try other numbers")
        return rank

    ranks = Counter(only_low_numbers_fit_rank_three(random.Random(s)) for s in range(2000))
    assert all(400 <= ranks[r] <= 600 for r in range(4)), ranks


def test_numeric_options_keep_their_exact_values() -> None:
    variant = numeric_variant(
        stem="?",
        key=Choice("key", 0.123456, "Correct."),
        distractors=[Choice("m", -2, "A named mistake."), Choice("n", 7.5, "Another.")],
        explanation=".",
        checks=[KeyCheck("k", 0.123456, 0.123456)],
    )
    assert [(o.text, o.value) for o in variant.options] == [
        ("$-2$", -2.0),
        ("$0.123$", 0.123456),
        ("$7.5$", 7.5),
    ]


def test_options_closer_than_the_spacing_are_drawn_again() -> None:
    checks = [KeyCheck("k", 2.108, 2.108)]
    crowded = [Choice("fixed-step", 2.1, "Moved by eta alone."), Choice("far", 9, "No.")]
    with pytest.raises(VariantRejected, match=r"'fixed-step' \(2.1\) and 'key' \(2.108\)"):
        numeric_variant(
            stem="?", key=Choice("key", 2.108, "Yes."), distractors=crowded, explanation=".",
            checks=checks, digits=4,
        )  # fmt: skip
    # 2.01 % apart, but 1.00 and 1.02 as shown to three figures are 1.96 % apart.
    with pytest.raises(VariantRejected, match="apart as shown"):
        numeric_variant(
            stem="?", key=Choice("key", 1.0, "Yes."), distractors=[Choice("m", 1.0205, "No.")],
            explanation=".", checks=[KeyCheck("k", 1.0, 1.0)],
        )  # fmt: skip


def test_mistakes_too_close_to_the_key_are_never_drawn() -> None:
    close = [Choice("close-below", 4.95, "No."), Choice("close-above", 5.05, "No.")]
    for seed in range(50):
        chosen = distractors_around(random.Random(seed), KEY, [*MISTAKES, *close], seed % 4)
        assert not {c.id for c in chosen} & {"close-below", "close-above"}
    with pytest.raises(VariantRejected, match="0 mistakes below"):
        distractors_around(random.Random(0), KEY, close + MISTAKES[3:], 1)

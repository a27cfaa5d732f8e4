"""Building a variant's options from the key and the mistakes that produce each distractor.

Numeric options are shown in ascending order, so where the key lands among them is a cue
unless it is drawn: `key_at_random_rank` draws the key's rank first, uniformly, and
`distractors_around` picks mistakes that put the key at that rank.
"""

import functools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gradquiz.core.option_spacing import OPTION_SPACING, relative_error, spacing_problems
from gradquiz.core.questions import LabLink, Option
from gradquiz.core.variants import Generator, KeyCheck, Variant, VariantRejected
from gradquiz.generators.numbers import Number, as_float, fmt

RankedGenerator = Callable[[random.Random, int], Variant]
# Draws tried for one rank before the whole variant is drawn again (with a new rank).
RANK_TRIES = 200


@dataclass(frozen=True)
class Choice:
    """One option: a stable id, its value (or text) and the feedback naming its mistake."""

    id: str
    value: Number | str
    feedback: str


def numeric_variant(
    *,
    stem: str,
    key: Choice,
    distractors: Sequence[Choice],
    explanation: str,
    checks: Sequence[KeyCheck],
    digits: int = 3,
    suffix: str = "",
    lab: LabLink | None = None,
) -> Variant:
    """A variant whose options are numbers, shown in ascending order to `digits` figures.

    Each option keeps its exact value, so a learner may type the number instead of choosing.
    `lab` names the lab graph that computes the same numbers, for "open in the lab".

    Raises VariantRejected when two options would read the same, or lie closer than
    OPTION_SPACING (exact or as shown), so the numbers are drawn again: a typed number is then
    within the typed tolerance of one option at most.
    """
    choices = [key, *distractors]
    shown = {c.id: fmt(c.value, digits) for c in choices}
    if len(set(shown.values())) != len(shown):
        raise VariantRejected(f"options coincide after rounding: {shown}")
    ordered = sorted(choices, key=lambda c: as_float(c.value))
    options = tuple(
        Option(
            id=c.id, text=f"${shown[c.id]}${suffix}", feedback=c.feedback, value=as_float(c.value)
        )
        for c in ordered
    )
    crowded = spacing_problems(options)
    if crowded:
        raise VariantRejected("; ".join(crowded))
    return Variant(
        stem=stem,
        options=options,
        key=key.id,
        explanation=explanation,
        checks=tuple(checks),
        lab=lab,
    )


def text_variant(
    *,
    stem: str,
    key: Choice,
    distractors: Sequence[Choice],
    explanation: str,
    checks: Sequence[KeyCheck],
) -> Variant:
    """A variant whose options are Markdown text, kept in the order given (shuffled per attempt)."""
    choices = [key, *distractors]
    texts = [str(c.value) for c in choices]
    if len(set(texts)) != len(texts):
        raise VariantRejected(f"options coincide: {texts}")
    return Variant(
        stem=stem,
        options=tuple(Option(id=c.id, text=str(c.value), feedback=c.feedback) for c in choices),
        key=key.id,
        explanation=explanation,
        checks=tuple(checks),
    )


def key_at_random_rank(options: int) -> Callable[[RankedGenerator], Generator]:
    """Turn `build(rng, rank)` into a generator whose key sits at a uniformly drawn rank.

    The rank (0 for the smallest of `options` ordered options) is drawn once; numbers that
    cannot put the key there are drawn again with the same rank. Drawing the rank again on
    every rejection instead would favour the ranks that are easy to fill.
    """

    def wrap(build: RankedGenerator) -> Generator:
        @functools.wraps(build)
        def generate(rng: random.Random) -> Variant:
            rank = rng.randrange(options)
            for _ in range(RANK_TRIES):
                try:
                    return build(rng, rank)
                except VariantRejected:
                    continue
            raise VariantRejected(f"no draw in {RANK_TRIES} put the key at rank {rank}")

        return generate

    return wrap


def distractors_around(
    rng: random.Random, key: Choice, mistakes: Sequence[Choice], rank: int, count: int = 3
) -> list[Choice]:
    """`count` of the `mistakes`: `rank` of them below the key's value and the rest above it,
    each drawn at random from those that fit, leaving out those closer than OPTION_SPACING to
    the key (a typed answer could not tell them apart). Raises VariantRejected when too few
    fit."""
    value = as_float(key.value)
    apart = [m for m in mistakes if relative_error(as_float(m.value), value) >= OPTION_SPACING]
    below = [m for m in apart if as_float(m.value) < value]
    above = [m for m in apart if as_float(m.value) > value]
    if len(below) < rank or len(above) < count - rank:
        raise VariantRejected(
            f"{len(below)} mistakes below and {len(above)} above the key; rank {rank} needs "
            f"{rank} and {count - rank}"
        )
    return rng.sample(below, rank) + rng.sample(above, count - rank)

"""Running every generator over many seeds, as `gradquiz check` does before a pack ships."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.content.stored_variants import variant_line
from gradquiz.core.questions import Question
from gradquiz.core.variants import (
    StoredVariants,
    Variant,
    VariantRejected,
    draws,
    variant_problems,
)

CHECK_SEEDS = 200
SHOWN_PER_GENERATOR = 3


def check_generators(
    questions: Mapping[str, Question],
    paths: Mapping[str, Path],
    seeds: int = CHECK_SEEDS,
    *,
    with_stored: bool = False,
) -> list[Problem]:
    """A problem for each generator that raises, gives a key its check disputes, gives
    coinciding options, or finds no usable variant for some seed in range(seeds).

    `with_stored` checks the seeds of the generator's stored variants too, and that each
    stored variant is what the generator gives now."""
    problems = []
    for question in questions.values():
        if question.generator is None:
            continue
        stored = question.generator.stored if with_stored else None
        extra = stored.seeds if stored is not None else ()
        faults = _faults(question, sorted({*range(seeds), *extra}), stored)
        for fault in faults[:SHOWN_PER_GENERATOR]:
            problems.append(Problem(paths[question.id], 1, fault))
        if len(faults) > SHOWN_PER_GENERATOR:
            more = len(faults) - SHOWN_PER_GENERATOR
            problems.append(Problem(paths[question.id], 1, f"... and {more} more failing seeds"))
    return problems


def _faults(question: Question, seeds: Iterable[int], stored: StoredVariants | None) -> list[str]:
    assert question.generator is not None
    name = question.generator.name
    faults = []
    for seed in seeds:
        # The same draws, in the same order, that draw_variant makes for this seed.
        for rng in draws(seed):
            try:
                variant = question.generator.generate(rng)
            except VariantRejected:
                continue
            except Exception as error:  # a pack's own code: any failure is a finding
                faults.append(f"generator '{name}' seed {seed}: {type(error).__name__}: {error}")
                break
            found = variant_problems(variant)
            if found:
                faults.append(f"generator '{name}' seed {seed}: {'; '.join(found)}")
            elif _stale(stored, seed, variant):
                faults.append(
                    f"generator '{name}' seed {seed}: the stored variant differs from what "
                    "the generator gives now (run `gradquiz variants` on the pack)"
                )
            break
        else:
            faults.append(f"generator '{name}' seed {seed}: every draw was rejected")
    return faults


def _stale(stored: StoredVariants | None, seed: int, variant: Variant) -> bool:
    """Whether a variant is stored for `seed` and differs from `variant` as written."""
    kept = stored.get(seed) if stored is not None else None
    return kept is not None and variant_line(seed, kept) != variant_line(seed, variant)

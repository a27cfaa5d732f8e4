"""Running every generator over many seeds, as `gradquiz check` does before a pack ships."""

from collections.abc import Iterable, Mapping
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.core.questions import Question
from gradquiz.core.variants import VariantRejected, draws, variant_problems

CHECK_SEEDS = 200
SHOWN_PER_GENERATOR = 3


def check_generators(
    questions: Mapping[str, Question],
    paths: Mapping[str, Path],
    seeds: int = CHECK_SEEDS,
) -> list[Problem]:
    """A problem for each generator that raises, gives a key its check disputes, gives
    coinciding options, or finds no usable variant for some seed in range(seeds)."""
    problems = []
    for question in questions.values():
        if question.generator is None:
            continue
        faults = _faults(question, range(seeds))
        for fault in faults[:SHOWN_PER_GENERATOR]:
            problems.append(Problem(paths[question.id], 1, fault))
        if len(faults) > SHOWN_PER_GENERATOR:
            more = len(faults) - SHOWN_PER_GENERATOR
            problems.append(Problem(paths[question.id], 1, f"... and {more} more failing seeds"))
    return problems


def _faults(question: Question, seeds: Iterable[int]) -> list[str]:
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
            break
        else:
            faults.append(f"generator '{name}' seed {seed}: every draw was rejected")
    return faults

"""Where the key sits among options shown in written order: each position about equally often.

Options kept in their order (`shuffle: no`) put the key at a fixed letter. Across the bank,
and across a generator's seeds, each position must hold the key between LOW and HIGH times
its fair share, or a learner who always answers one letter beats chance. With items of
different sizes, a position's fair share is the sum over the items that have it of
1/(number of options).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.core.attempts import LETTERS
from gradquiz.core.questions import Question
from gradquiz.core.variants import GeneratorFailed

LOW, HIGH = 0.5, 1.5
# Below these, one item or a few seeds more or less decide the count, so it says little:
# 8 four-option items give each position a fair share of 2, and at 200 seeds a generator
# that places its key uniformly stays more than 3.5 standard deviations inside the band.
MIN_ITEMS = 8
MIN_SEEDS = 200


@dataclass(frozen=True)
class Placement:
    """Where one shown question put its key: position (0 for A) among `options`."""

    position: int
    options: int


@dataclass(frozen=True)
class Imbalance:
    """A position that holds the key too often or too rarely."""

    position: int
    count: int
    fair_share: float

    @property
    def letter(self) -> str:
        """The position as the learner sees it."""
        return LETTERS[self.position]

    def describe(self, total: int, unit: str) -> str:
        """`the key is at B in 10 of 26 <unit>; its fair share is 6.5 (allowed 3.2 to 9.8)`."""
        return (
            f"the key is at {self.letter} in {self.count} of {total} {unit}; its fair share "
            f"is {self.fair_share:.1f} (allowed {LOW * self.fair_share:.1f} to "
            f"{HIGH * self.fair_share:.1f})"
        )


def imbalances(placements: Sequence[Placement]) -> list[Imbalance]:
    """Each position whose count of keys lies outside [LOW, HIGH] times its fair share."""
    widest = max((p.options for p in placements), default=0)
    found = []
    for position in range(widest):
        fair = sum(1 / p.options for p in placements if position < p.options)
        count = sum(1 for p in placements if p.position == position)
        if not LOW * fair <= count <= HIGH * fair:
            found.append(Imbalance(position, count, fair))
    return found


def key_position_problems(
    questions: Mapping[str, Question], paths: Mapping[str, Path], manifest: Path, seeds: int
) -> list[Problem]:
    """Problems for an unbalanced bank of written-order questions (reported on `manifest`)
    and for each written-order generator unbalanced over `seeds` seeds."""
    return _written_problems(questions, manifest) + _generator_problems(questions, paths, seeds)


def _written_problems(questions: Mapping[str, Question], manifest: Path) -> list[Problem]:
    ordered = sorted(
        (q for q in questions.values() if not q.shuffle and not q.parametrized),
        key=lambda q: q.id,
    )
    if len(ordered) < MIN_ITEMS:
        return []
    placements = {q.id: _placement(q) for q in ordered}
    problems = []
    for found in imbalances(list(placements.values())):
        message = found.describe(len(ordered), "questions kept in written order (shuffle: no)")
        if found.count > found.fair_share:
            there = [qid for qid, p in placements.items() if p.position == found.position]
            message += f"; move some of these keys elsewhere: {', '.join(there)}"
        else:
            message += "; put more keys there"
        problems.append(Problem(manifest, 1, message))
    return problems


def _generator_problems(
    questions: Mapping[str, Question], paths: Mapping[str, Path], seeds: int
) -> list[Problem]:
    if seeds < MIN_SEEDS:
        return []
    problems = []
    for question in questions.values():
        if question.shuffle or question.generator is None:
            continue
        placements = _generated_placements(question, range(seeds))
        for found in imbalances(placements):
            message = f"generator '{question.generator.name}': {found.describe(seeds, 'seeds')}"
            problems.append(Problem(paths[question.id], 1, message))
    return problems


def _placement(question: Question) -> Placement:
    ids = [o.id for o in question.options]
    return Placement(ids.index(question.key), len(ids))


def _generated_placements(question: Question, seeds: Sequence[int]) -> list[Placement]:
    placements = []
    for seed in seeds:
        try:
            placements.append(_placement(question.resolve(seed)))
        except GeneratorFailed:  # the generator check reports it
            continue
    return placements

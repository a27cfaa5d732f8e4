"""Parametrized questions: a generator draws a variant from a seed; its key is checked first."""

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from gradquiz.core.option_spacing import relative_error, spacing_problems
from gradquiz.core.questions import LabLink, Option
from gradquiz.errors import GradquizError

# A variant's key must agree with an independent estimate to this relative error.
CHECK_TOLERANCE = 1e-6
MAX_REDRAWS = 50


@dataclass(frozen=True)
class KeyCheck:
    """The key's value and an independently computed estimate of it (such as a centred
    difference), which must agree before the variant may be shown."""

    name: str
    value: float
    estimate: float
    tolerance: float = CHECK_TOLERANCE

    @property
    def relative_error(self) -> float:
        """The relative error between the key's value and its independent estimate."""
        return relative_error(self.value, self.estimate)

    @property
    def passes(self) -> bool:
        """Whether the two agree within the tolerance."""
        return math.isfinite(self.relative_error) and self.relative_error < self.tolerance


@dataclass(frozen=True)
class Variant:
    """One drawing of a parametrized question: the numbers are in the text already."""

    stem: str
    options: tuple[Option, ...]
    key: str
    explanation: str
    checks: tuple[KeyCheck, ...] = ()
    lab: LabLink | None = None  # the lab graph that computes this variant, with its numbers


Generator = Callable[[random.Random], Variant]


class VariantRejected(Exception):
    """Raised by a generator whose drawn numbers make a poor variant; it is drawn again."""


class GeneratorFailed(GradquizError):
    """A generator gave no acceptable variant for a seed."""

    status = 500


# Seeds are drawn from this many: far too many to draw every variant ahead and look a
# question's key up by its text. BigInteger columns hold them on every database.
SEED_RANGE = 2**63


class VariantReserve(Protocol):
    """Variants drawn ahead of time, each for a secret seed and each handed out once.

    Each is what the generator gives for its seed, so a seed means the same variant whether
    it is taken from the reserve or drawn again.
    """

    def take(self) -> int | None:
        """The seed of a variant nobody has been given yet, or None when none is ready."""
        ...

    def get(self, seed: int) -> Variant | None:
        """The variant for `seed` if this reserve holds it, else None."""
        ...


@dataclass(frozen=True)
class VariantSource:
    """A question's generator, named as its file names it (`module.function`), and the
    reserve of variants drawn ahead for it, if any."""

    name: str
    generate: Generator
    reserve: VariantReserve | None = None
    # Changes whenever the generator's code may give other variants for the same seeds:
    # variants drawn ahead under another fingerprint are never handed out.
    fingerprint: str = ""

    def __call__(self, seed: int) -> Variant:
        """The variant for `seed`: the reserve's, or drawn (and cached); the same seed
        always gives the same variant."""
        held = self.held(seed)
        return held if held is not None else draw_variant(self.generate, seed)

    def held(self, seed: int) -> Variant | None:
        """The variant for `seed` if it is at hand without running the generator."""
        return self.reserve.get(seed) if self.reserve is not None else None

    def choose_seed(self, rng: random.Random) -> int:
        """A seed for one learner: a reserved variant's when one is ready, else a new one."""
        taken = self.reserve.take() if self.reserve is not None else None
        return taken if taken is not None else rng.randrange(SEED_RANGE)


def variant_problems(variant: Variant) -> list[str]:
    """Why a variant may not be shown (empty when it may)."""
    problems = []
    ids = [o.id for o in variant.options]
    if variant.key not in ids:
        problems.append(f"key '{variant.key}' is not one of the options {ids}")
    if len(set(ids)) != len(ids):
        problems.append(f"option ids repeat: {ids}")
    texts = [" ".join(o.text.split()) for o in variant.options]
    if len(set(texts)) != len(texts):
        problems.append(f"options coincide as shown: {texts}")
    for option in variant.options:
        if option.id != variant.key and not option.feedback.strip():
            problems.append(f"wrong option '{option.id}' has no feedback")
    problems.extend(spacing_problems(variant.options))
    if not variant.checks:
        problems.append("the key has no independent check")
    for check in variant.checks:
        if not check.passes:
            problems.append(
                f"check '{check.name}' disagrees: key {check.value!r}, independent "
                f"{check.estimate!r} (relative error {check.relative_error:.2e})"
            )
    return problems


def draws(seed: int) -> Iterator[random.Random]:
    """The random sources a seed's draws use, in order: the first, then each redraw's."""
    for redraw in range(MAX_REDRAWS):
        yield random.Random(f"{seed}/{redraw}")


# Bounded: a class of 2,000 holds about 5,000 variants, and each process keeps only the
# recent ones; an older one is simply drawn again from its seed.
@lru_cache(maxsize=1024)
def draw_variant(generator: Generator, seed: int) -> Variant:
    """The variant for `seed`: the same seed always gives the same variant.

    Draws that the generator rejects, or whose key fails its checks, are drawn again from a
    seed derived from the first, up to MAX_REDRAWS times.
    """
    last: list[str] = []
    for rng in draws(seed):
        try:
            variant = generator(rng)
        except VariantRejected:
            continue
        last = variant_problems(variant)
        if not last:
            return variant
    name = getattr(generator, "__name__", repr(generator))
    raise GeneratorFailed(f"Generator '{name}' gave no usable variant for seed {seed}: {last}")

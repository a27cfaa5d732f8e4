"""A pack's questions as exchange-format questions: each parametrized one as frozen variants."""

import secrets
from collections.abc import Sequence
from dataclasses import replace

from gradquiz.content.formats.report import BankQuestion
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty
from gradquiz.core.variants import SEED_RANGE


def pack_questions(
    pack: Pack, *, variants: int = 1, seeds: Sequence[int] | None = None
) -> list[BankQuestion]:
    """Every static question, and `variants` frozen variants of each parametrized one.

    A variant is a question of its own (`<id>-v1`, `<id>-v2`, …) with its numbers in the text
    and its key fixed; its seeds are secret unless `seeds` gives them (tests do).
    """
    found = []
    order = list(Difficulty)
    # By topic and difficulty, so that each category is written once.
    for question in sorted(
        pack.questions.values(), key=lambda q: (q.topic, order.index(q.difficulty), q.id)
    ):
        if not question.parametrized:
            found.append(BankQuestion(question))
            continue
        for number in range(1, variants + 1):
            seed = seeds[number - 1] if seeds is not None else secrets.randbelow(SEED_RANGE)
            variant = question.resolve(seed)
            frozen = replace(
                variant,
                id=f"{question.id}-v{number}",
                options=tuple(replace(option, value=None) for option in variant.options),
                lab=None,
            )
            found.append(BankQuestion(frozen))
    return found

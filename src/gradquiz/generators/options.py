"""Building a variant's options from the key and the mistakes that produce each distractor."""

from collections.abc import Sequence
from dataclasses import dataclass

from gradquiz.core.questions import Option
from gradquiz.core.variants import KeyCheck, Variant, VariantRejected
from gradquiz.generators.numbers import Number, fmt


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
) -> Variant:
    """A variant whose options are numbers, shown in ascending order to `digits` figures.

    Raises VariantRejected when two options would read the same, so the numbers are drawn
    again.
    """
    choices = [key, *distractors]
    shown = {c.id: fmt(float(c.value), digits) for c in choices}
    if len(set(shown.values())) != len(shown):
        raise VariantRejected(f"options coincide after rounding: {shown}")
    ordered = sorted(choices, key=lambda c: float(c.value))
    return Variant(
        stem=stem,
        options=tuple(
            Option(id=c.id, text=f"${shown[c.id]}${suffix}", feedback=c.feedback) for c in ordered
        ),
        key=key.id,
        explanation=explanation,
        checks=tuple(checks),
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

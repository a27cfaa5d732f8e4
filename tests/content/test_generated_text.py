"""What a generated variant says after submit agrees, digit for digit, with what it showed."""

import re

from gradquiz.core.packs import Pack

SEEDS = 200
# A decimal number as the text writes it; the lookbehind skips exponents and subscripts.
NUMBER = re.compile(r"(?<![\w.^{])-?\d+\.\d+")


def _decimals(text: str) -> int:
    return len(text.split(".")[1])


def _significant(text: str) -> int:
    return len(text.lstrip("-").replace(".", "").lstrip("0"))


def restates(quoted: str, shown: str) -> bool:
    """Whether `quoted` looks like the stem's `shown` rounded to fewer decimals.

    Only rounding down is a finding: a later number with more decimals than a stem number
    is, in these generators, another quantity that happens to share its first digits.
    """
    if _decimals(quoted) >= _decimals(shown):
        return False
    if _significant(quoted) < 3:  # "0.5" or "1.8" match too many numbers by chance
        return False
    return round(float(shown), _decimals(quoted)) == float(quoted)


def digit_mismatches(stem: str, later: str) -> list[tuple[str, str]]:
    """Numbers of the stem that `later` restates with other digits and never as shown."""
    quoted = set(NUMBER.findall(later))
    return [
        (shown, number)
        for shown in sorted(set(NUMBER.findall(stem)))
        if shown not in quoted
        for number in sorted(quoted)
        if restates(number, shown)
    ]


def test_restated_numbers_are_recognised() -> None:
    assert restates("0.881", "0.8808") and restates("-0.439", "-0.4386")
    assert not restates("0.8808", "0.8808") and not restates("0.5", "0.5012")
    assert not restates("0.7311", "0.7312") and not restates("-1.256", "-1.26")
    assert digit_mismatches("a = 0.8808", "a - y = 0.881") == [("0.8808", "0.881")]
    assert digit_mismatches("a = 0.8808", "a \\approx 0.8808, so 0.881") == []


def test_explanations_and_feedback_quote_the_stem_with_its_own_digits(pack: Pack) -> None:
    faults = []
    for question in (q for q in pack.questions.values() if q.parametrized):
        for seed in range(SEEDS):
            variant = question.resolve(seed)
            texts = {"explanation": variant.explanation}
            texts.update({f"feedback {o.id}": o.feedback for o in variant.options})
            for where, text in texts.items():
                faults.extend(
                    f"{question.id} seed {seed}, {where}: stem {shown}, quoted {quoted}"
                    for shown, quoted in digit_mismatches(variant.stem, text)
                )
    assert faults == [], faults[:10]

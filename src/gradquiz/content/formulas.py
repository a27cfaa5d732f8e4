"""LaTeX to polished MathML, converted once per shape of formula.

A variant's formulas change from one seed to the next only in their numbers
(`\\frac{\\partial L}{\\partial w} \\approx 0.0405`), and converting one takes a quarter of a
millisecond. So each number is first swapped for a placeholder number, the formula's shape
is converted (and kept), and the numbers are put back into its `<mn>` elements.

The swap is used only when every placeholder comes out as an `<mn>` of its own, exactly
once: where the tokenizer reads digits in some other way (`x^23` is `x^2` then `3`,
`\\frac12`, `3pt`, `\\text{step 3}`, `\\mathbf{3}`), the formula is converted whole, so the
result is always what converting it whole gives.
"""

import re
from functools import lru_cache

from latex2mathml.converter import convert as latex_to_mathml

from gradquiz.content.math_breaks import breakable
from gradquiz.content.mathml import polish

# A run of digits as latex2mathml's tokenizer reads a number, unless it follows a digit or a
# dot (part of a longer token) or a bare ^ or _ (which take a single digit).
_NUMBER = re.compile(r"(?<![\d.^_])\d+(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"<mn>(\d+)</mn>")
_FIRST = 1000  # placeholders are 1000, 1001, …: plain numbers, each a single token


def to_mathml(latex: str, display: bool) -> str:
    """`latex` as MathML (display or inline), with gradquiz's typographic fixes."""
    numbers: dict[str, str] = {}
    shape = numbers_held(latex, numbers)
    if numbers:
        mathml = numbers_put_back(_converted(shape, display), numbers)
        if mathml is not None:
            return mathml
    return _converted(latex, display)


def numbers_held(latex: str, numbers: dict[str, str]) -> str:
    """`latex` with each number swapped for the next placeholder, recorded in `numbers`."""

    def hold(match: re.Match[str]) -> str:
        placeholder = str(_FIRST + len(numbers))
        numbers[placeholder] = match.group()
        return placeholder

    return _NUMBER.sub(hold, latex)


def numbers_put_back(markup: str, numbers: dict[str, str]) -> str | None:
    """`markup` with each placeholder's number back in its `<mn>`; None unless every
    placeholder is an `<mn>` of its own exactly once."""
    if any(markup.count(f"<mn>{p}</mn>") != 1 for p in numbers):
        return None
    return _PLACEHOLDER.sub(lambda m: f"<mn>{numbers.get(m[1], m[1])}</mn>", markup)


# Shapes recur across seeds (about 600 in the built-in pack's variants over 100 seeds).
@lru_cache(maxsize=2048)
def _converted(latex: str, display: bool) -> str:
    polished = polish(str(latex_to_mathml(latex, display="block" if display else "inline")))
    return polished if display else breakable(polished)

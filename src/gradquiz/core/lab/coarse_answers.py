"""An answer that is the right gradient rounded to too few significant figures.

e^0.123 = 1.1309 typed as 1.1 is 2.7 % off, outside the 1 % that counts, but it is the right
value rounded to the two figures typed: that is not a method mistake, and the hint says how
many figures are needed instead.
"""

from collections.abc import Callable
from decimal import Decimal

from gradquiz.core.lab.numbers import shown_number, written_number

_WORDS = ("no", "one", "two", "three", "four", "five", "six")


def significant_figures(answer: float) -> int:
    """How many significant figures `answer` has in its shortest decimal (1.1: two)."""
    return len(Decimal(repr(abs(answer))).normalize().as_tuple().digits)


COARSE_OPENING = "That is the right value rounded too coarsely, not a method mistake"


def coarse_rounding(
    answer: float,
    figures: int,
    low: float,
    high: float,
    accepts: Callable[[float], bool],
    what: str,
) -> str | None:
    """The hint for an `answer` typed with `figures` significant figures that is within half
    a unit in its last figure of the right range `low` to `high` (the nearest point of it),
    though `accepts` refuses it; None for any other answer. `what` names the gradient
    (∂f/∂x)."""
    if answer == 0 or figures < 1:
        return None
    right = min(max(answer, low), high)
    if right == 0 or (right > 0) != (answer > 0):
        return None
    given = Decimal(repr(answer))
    half = Decimal(5).scaleb(given.adjusted() - figures)  # half a unit in the last figure
    if abs(given - Decimal(repr(right))) > half:
        return None
    needed = next((n for n in range(1, 18) if accepts(float(f"{right:.{n - 1}e}"))), None)
    if needed is None or needed <= figures:
        return None
    off = abs(answer - right) / abs(right) * 100
    return (
        f"{COARSE_OPENING}: {what} is "
        f"{shown_number(right)}, and {_as_typed(given, figures)} keeps "
        f"{_count(figures)} significant figure{'s' if figures > 1 else ''}, "
        f"{shown_number(off, 2)} % off it. An answer must be within 1 %: give {what} to "
        f"{_count(needed)} significant figures or more."
    )


def _as_typed(given: Decimal, figures: int) -> str:
    """The answer with the figures typed, trailing zeros kept (2.0, not 2)."""
    if not -7 < given.adjusted() < 17:
        return written_number(float(given))
    text = format(given.quantize(Decimal(1).scaleb(given.adjusted() - figures + 1)), "f")
    return "\N{MINUS SIGN}" + text[1:] if text.startswith("-") else text


def _count(number: int) -> str:
    return _WORDS[number] if number < len(_WORDS) else str(number)

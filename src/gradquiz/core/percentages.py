"""Whole percentages as every page shows them: halves rounded up, never to even.

Python's round() and Jinja's |round take a half to the even neighbour (1 of 8 would read
12 %, 5 of 8 62 %), and "%.0f" does the same; a reader expects 13 % and 63 %.
"""

import math
from fractions import Fraction


def whole_percent(part: float, whole: float = 1) -> int:
    """100 × part / whole to the nearest whole number, a half rounded away from zero (0 when
    `whole` is 0), except that 100 and 0 are kept for all and none: a share short of all
    reads 99 at most and a share above none 1 at least. A float counts as the decimal it
    prints as: 0.125 is exactly 1/8."""
    if whole == 0:
        return 0
    share = 100 * _exact(part) / _exact(whole)
    nearest = math.floor(abs(share) + Fraction(1, 2))
    # 100 % says "all" and 0 % "none": 199 of 200 reads 99 %, 1 of 1,000 reads 1 %.
    if nearest == 100 and abs(share) < 100:
        nearest = 99
    elif nearest == 0 and share != 0:
        nearest = 1
    return nearest if share >= 0 else -nearest


def _exact(number: float) -> Fraction:
    # repr is the shortest decimal that reads back as the float: 0.015, not 0.01499999….
    return Fraction(number) if isinstance(number, int) else Fraction(repr(float(number)))

"""Reading the numbers a learner types: plain decimals only, finite and of a sensible size."""

import re

from gradquiz.errors import InvalidInput

MAX_CHARS = 32
MAX_MAGNITUDE = 1e6
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")


def read_number(text: str, what: str, limit: float = MAX_MAGNITUDE) -> float:
    """`text` as a float, or InvalidInput naming `what` and the fault (never NaN or inf)."""
    cleaned = text.strip().replace("−", "-")
    if not cleaned:
        raise InvalidInput(f"{what} is empty: type a number such as 0.5 or -2.")
    if len(cleaned) > MAX_CHARS:
        raise InvalidInput(
            f"{what} is {len(cleaned)} characters long; a number needs at most {MAX_CHARS}."
        )
    if not _DECIMAL.fullmatch(cleaned):
        raise InvalidInput(
            f"{what} is not a number: {cleaned!r}. Type a decimal such as 0.5, -2 or 1e-3."
        )
    value = float(cleaned)
    if not abs(value) <= limit:
        raise InvalidInput(
            f"{what} is {cleaned}, too large: numbers up to {limit:g} in size are taken."
        )
    return value


def read_whole_number(text: str, what: str, low: int, high: int) -> int:
    """`text` as a whole number from `low` to `high`, or InvalidInput naming the range."""
    cleaned = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,6}", cleaned):
        raise InvalidInput(
            f"{what} must be a whole number from {low} to {high}, not {cleaned[:20]!r}."
        )
    value = int(cleaned)
    if not low <= value <= high:
        raise InvalidInput(f"{what} must be from {low} to {high}; {value} is outside that range.")
    return value

"""Reading the numbers a learner types: in any form the pages show, finite and of a sensible
size."""

import math
import re
import sys
from decimal import Decimal

from gradquiz.core.typed_numbers import (
    NumberFormError,
    parse_typed_number,
    quoted,
    typed_decimal,
)
from gradquiz.errors import InvalidInput

MAX_CHARS = 32
MAX_MAGNITUDE = 1e6


class FieldError(InvalidInput):
    """Input the lab refuses, with the form field it came from (None: the form as a whole),
    so that the page can show the form again with the message beside that field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def read_number(
    text: str,
    what: str,
    limit: float = MAX_MAGNITUDE,
    *,
    field: str | None = None,
    as_typed: bool = False,
) -> float:
    """`text` as a float, or FieldError naming `what` and the fault (never NaN or inf).

    Every form the pages show a number in is read (core.typed_numbers): 0.25, −1.5, 0,25,
    1,048,576, 2e-3, 2 × 10^-3, 10⁻⁸; what could be read two ways is refused. `as_typed`
    (an input the pages show as typed) also refuses a number whose shortest float is not
    the number typed."""
    cleaned = text.strip()
    if not cleaned:
        raise FieldError(f"{what} is empty: type a number such as 0.5 or -2.", field)
    if len(cleaned) > MAX_CHARS:
        raise FieldError(
            f"{what} is {len(cleaned)} characters long; a number needs at most {MAX_CHARS}.",
            field,
        )
    try:
        value = parse_typed_number(cleaned)
    except NumberFormError as error:
        raise FieldError(f"{what} {error}", field) from None
    if not abs(value) <= limit:
        raise FieldError(
            f"{what} is {cleaned}, too large: a number may be at most {shown_size(limit)}"
            f"{',' if limit == sys.float_info.max else ''} in size.",
            field,
        )
    if as_typed and typed_decimal(cleaned) != Decimal(repr(value)):
        # The pages show an input as typed and every column computes from it: a number a
        # float64 cannot hold (−0.99999999999999999999 is −1 in it) would be shown as typed
        # and computed as another, the 30-digit column included, so it is refused.
        raise FieldError(
            f"{what} is {cleaned}, which a float64 cannot hold as typed: the lab would "
            f"compute with {repr(value).removesuffix('.0')} instead (a float64 holds 15 to 17 "
            "significant digits). Type that number, or one with fewer digits.",
            field,
        )
    return value


def read_whole_number(
    text: str, what: str, low: int, high: int, *, field: str | None = None
) -> int:
    """`text` as a whole number from `low` to `high`, or FieldError naming the range."""
    cleaned = text.strip()
    if not re.fullmatch(r"[+-]?[0-9]{1,6}", cleaned):
        raise FieldError(
            f"{what} must be a whole number from {low} to {high}, not {quoted(cleaned[:20])}.",
            field,
        )
    value = int(cleaned)
    if not low <= value <= high:
        raise FieldError(
            f"{what} must be from {low} to {high}; {value} is outside that range.", field
        )
    return value


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def shown_size(limit: float) -> str:
    """A bound as the pages write it: 10⁶, not 1e+06; the largest float by name."""
    if limit == sys.float_info.max:
        return "the largest float, about 1.8 × 10³⁰⁸"
    power = math.floor(math.log10(limit))
    ten = power_of_ten(power)
    if limit == 10.0**power:
        return ten
    return f"{limit / 10.0**power:.4g} × {ten}"


def shown_number(value: float, figures: int = 4, *, kept: bool = False) -> str:
    """A value as the lab writes it: `figures` significant figures, written out where "%g"
    would (from 10⁻⁴ to under 10^figures), else as a × 10ᵏ (1 × 10²⁰⁰, never 1e+200); no
    negative zero, and a minus sign (U+2212) rather than a hyphen. `kept` keeps trailing
    zeros, so that an error of 1.0101 reads 1.0, not 1."""
    text = f"{value:#.{figures}g}" if kept and value != 0 else f"{value:.{figures}g}"
    text = text.replace(".e", "e").removesuffix(".")
    if not math.isfinite(value):
        return text
    if "e" in text:
        mantissa, power = text.split("e")
        text = f"{mantissa} × {power_of_ten(int(power))}"
    if text == "-0":
        return "0"
    return "\N{MINUS SIGN}" + text[1:] if text.startswith("-") else text


def shown_factor(value: float, figures: int = 4) -> str:
    """A value as the right-hand factor of a product: as shown_number, in parentheses when
    negative (0.5 × (−1), never 0.5 × −1)."""
    text = shown_number(value, figures)
    return f"({text})" if text.startswith("\N{MINUS SIGN}") else text


def page_form(text: str) -> str:
    """A number written with an exponent ("5.09e-88", mpmath's "1.21e-434295") as the pages
    write numbers: 5.09 × 10⁻⁸⁸, a minus sign for a hyphen; other text as it is."""
    mantissa, e, power = text.partition("e")
    if e:
        text = f"{mantissa.removesuffix('.0')} × {power_of_ten(int(power))}"
    return "\N{MINUS SIGN}" + text[1:] if text.startswith("-") else text


def written_number(value: float, longest: int = 16) -> str:
    """A typed number echoed back with every digit: the shortest decimal that reads back as
    it, written out (1234, 0.00025, 4000000, 0.1234567890123456) where that adds at most two
    characters to its significant digits or takes at most `longest` characters, else as
    a × 10ᵏ with the same digits (a 302-digit 1e-300 reads 1 × 10⁻³⁰⁰, 1.2345678901234568e20
    reads 1.2345678901234568 × 10²⁰); a minus sign. Never fewer digits: a shorter rounding
    names another number (0.1234567890123456 read 0.123456789)."""
    size = Decimal(repr(abs(float(value)))).normalize()
    digits = format(size, "f")
    significant = len(size.as_tuple().digits)
    if len(digits) > max(longest, significant + 2):
        mantissa, power = f"{size:e}".split("e")
        digits = f"{mantissa} × {power_of_ten(int(power))}"
    return "\N{MINUS SIGN}" + digits if value < 0 else digits


def about_power_of_ten(power: float) -> str:
    """10 to a power that need not be whole, as a × 10ᵏ to two figures: 10^347.4 is about
    2.5 × 10³⁴⁷, and 10^-434294.5 about 3.2 × 10⁻⁴³⁴²⁹⁵."""
    whole = math.floor(power)
    mantissa = f"{10 ** (power - whole):.2g}"
    if mantissa == "10":
        mantissa, whole = "1", whole + 1
    return f"{mantissa} × {power_of_ten(whole)}"


def power_of_ten(power: int) -> str:
    """10 to `power` as the pages write it: 10⁶, 10⁻³²⁴."""
    return "10" + str(power).translate(_SUPERSCRIPTS)


def number_word(count: int) -> str:
    """A small count in words, as the pages write it ("two to six"), else in figures."""
    return _WORDS[count] if 0 <= count < len(_WORDS) else str(count)

"""Reading a number as a learner types it, in every form the pages show one.

The pages write numbers as plain decimals (0.25, −1.5: a Unicode minus in the maths), in
Python's exponent form (1e-05, 2.5e+06, in tables and "You typed"), and as m × 10^k
(1.23 × 10⁻⁵ in rendered maths, 10⁻⁸ on chart ticks); the lab writes 1,048,576 with
thousands commas. Each of those is read back, with the dashes a keyboard or a copy may give
for a minus, and a decimal comma (0,25). What could be read two ways is refused with a
message that shows how to type it: 1,234 (1.234 or 1234?) and 1.2×10-5 (a superscript lost
in a copy: 1.2 × 10 − 5, or 1.2 × 10⁻⁵?).
"""

import re
import unicodedata
from decimal import Decimal

# Characters read as a minus: the hyphen-minus, the minus sign, the dashes a word processor
# or a copy of rendered maths may give (en, em and figure dashes, the horizontal bar, hyphens),
# and their small and full-width forms.
_MINUSES = "\u2212\u2013\u2014\u2015\u2012\u2010\u2011\ufe58\ufe63\uff0d"
_SIGNS = str.maketrans({**dict.fromkeys(_MINUSES, "-"), "\uff0b": "+"})
_SUPERSCRIPTS = str.maketrans("⁺⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "+-0123456789")
_SUPERSCRIPT_RUN = re.compile(r"[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_TIMES = r"(?:×|x|X|\*|·|⋅|\\times|\\cdot)"
_EXPONENT = r"[+-]?[0-9]{1,9}"
_MANTISSA = r"[+-]?[0-9.,]*[0-9][0-9.,]*|[+-]?[.,][0-9]+"
# 1e-5, 1E+05
_E_FORM = re.compile(rf"(?P<m>{_MANTISSA})[eE](?P<k>{_EXPONENT})")
# 1.2 × 10^-5, 1.2*10**-5, 1.2 \times 10^{-5}, 10^-8 (1 × 10^k with the 1 left out)
_TIMES_FORM = re.compile(
    rf"(?:(?P<m>{_MANTISSA}){_TIMES})?(?P<sign>[+-]?)10(?:\^|\*\*)"
    rf"(?:\{{(?P<braced>{_EXPONENT})\}}|\((?P<bracketed>{_EXPONENT})\)|(?P<k>{_EXPONENT}))"
)
# 1.2×10-5: the exponent's superscript lost, so it reads as a subtraction too.
_LOST_SUPERSCRIPT = re.compile(rf"(?P<m>{_MANTISSA}){_TIMES}10(?P<k>[+-][0-9]{{1,3}})")
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
# 1,234,567 and 1,234.5: commas between groups of three digits, a point for the fraction.
_GROUPED = re.compile(r"(?P<sign>[+-]?)(?P<int>[0-9]{1,3}(?:,[0-9]{3})+)(?P<frac>\.[0-9]*)?")
# 0,25 and ,5: a decimal comma.
_DECIMAL_COMMA = re.compile(r"(?P<sign>[+-]?)(?P<int>[0-9]*),(?P<frac>[0-9]+)")
EXAMPLES = "0.25, -1.5, 2e-3 or 2 × 10^-3"


class NumberFormError(ValueError):
    """Text that is not a number in any accepted form; the message says what to type."""


def quoted(text: str) -> str:
    """`text` in quotes as the learner typed it, not as a Python literal ('1 000', not
    '1\\xa0000'): a space of any kind as a space, any other character that does not print
    as �."""
    shown = "".join(
        ch if ch.isprintable() else " " if unicodedata.category(ch) == "Zs" else "�" for ch in text
    )
    return f"'{shown}'"


def parse_typed_number(text: str) -> float:
    """`text` as a float, in any form the pages show a number; NumberFormError otherwise.

    The result may be infinite (1e999); the caller bounds the size.
    """
    return _float(_python_form(text), text)


def typed_decimal(text: str) -> Decimal:
    """The number `text` writes, exactly, before it is rounded to a float (parse_typed_number's
    forms; NumberFormError otherwise): −0.99999999999999999999, which a float holds as −1."""
    return Decimal(_python_form(text))


def typed_figures(text: str) -> int:
    """The fewest significant figures `text` can have been written with (parse_typed_number's
    forms): trailing zeros with no decimal point may only hold the place, so 100 and 12,000,000
    count one and two, while 100.0 and 1.00e2 count every figure written."""
    form = _python_form(text)
    number = Decimal(form)
    if "." not in re.split("[eE]", form)[0]:
        number = number.normalize()
    return len(number.as_tuple().digits)


def _python_form(text: str) -> str:
    """`text` in Python's own form for a number ("-1.5", "2e-3"); NumberFormError otherwise."""
    stripped = text.strip()
    if _PLAIN.fullmatch(stripped):  # the usual case, at once: 0.25, -1.5
        return stripped
    spaced = _SUPERSCRIPT_RUN.sub(_caret, stripped.translate(_SIGNS))
    if re.search(r"[0-9.,]\s+[0-9.,]", spaced):
        raise NumberFormError(
            f"has a space inside a number: {quoted(text.strip())}. Type it without spaces, "
            f"such as {EXAMPLES}."
        )
    compact = re.sub(r"\s+", "", spaced)
    lost = _LOST_SUPERSCRIPT.fullmatch(compact)
    if lost:
        mantissa, power = _mantissa(lost["m"], text), lost["k"]
        result = Decimal(mantissa) * 10 + Decimal(power)
        sum_or_difference = "an addition" if power.startswith("+") else "a subtraction"
        raise NumberFormError(
            f"could be read two ways: {quoted(text.strip())} (a power of 10 whose superscript was "
            f"lost, or {sum_or_difference}). Type {mantissa}e{power} or {mantissa} × 10^{power} "
            f"for the power, {_decimal_text(result)} for the {sum_or_difference.split()[1]}."
        )
    if match := _E_FORM.fullmatch(compact):
        return _scaled(_mantissa(match["m"], text, f"e{match['k']}"), match["k"])
    if match := _TIMES_FORM.fullmatch(compact):
        power = match["braced"] or match["bracketed"] or match["k"]
        scale = f" × 10^{power}"
        mantissa = _mantissa(match["m"], text, scale) if match["m"] else f"{match['sign']}1"
        if match["m"] and match["sign"]:
            raise NumberFormError(_not_a_number(text))
        return _scaled(mantissa, power)
    return _mantissa(compact, text)


def _caret(run: re.Match[str]) -> str:
    """A run of superscript digits as the power it writes: ⁻⁵ is ^-5."""
    return "^" + run[0].translate(_SUPERSCRIPTS)


def _scaled(mantissa: str, power: str) -> str:
    """mantissa × 10^power in Python's form, to be rounded once (as float() rounds "1.5e-3")."""
    return f"{mantissa}e{int(power)}"


def _float(number: str, text: str) -> float:
    """`number` (Python's own form) as a float, or NumberFormError when a nonzero number is too
    small for a float and would be read as 0 (1e-400), as one too large is refused, not read as
    something else. Too large comes back infinite, for the caller to bound."""
    value = float(number)
    if value == 0 and Decimal(number) != 0:
        raise NumberFormError(
            f"is too small for a float: {quoted(text.strip())} is not 0, but a float holds "
            f"nothing between 0 and about 4.9 × 10⁻³²⁴ in size, so it would be read as 0. "
            f"Type 0 if you mean zero."
        )
    return value


def _mantissa(part: str, text: str, power: str = "") -> str:
    """A decimal's text with a point for the fraction and no separators, or NumberFormError;
    `power` is the power of ten the text goes on with ("e-3", " × 10^-3"), which the advice
    keeps (it said "Type 1.234 or 1234" for 1,234e-3)."""
    if _PLAIN.fullmatch(part):
        return part
    if "," not in part:
        raise NumberFormError(_not_a_number(text))
    grouped = _GROUPED.fullmatch(part)
    if grouped and (grouped["frac"] is not None or part.count(",") > 1):
        return grouped["sign"] + grouped["int"].replace(",", "") + (grouped["frac"] or "")
    comma = _DECIMAL_COMMA.fullmatch(part)
    if comma is None:
        raise NumberFormError(
            f"is not a number: {quoted(text.strip())}. Write the decimals after a point, with no "
            f"other separator (or commas between groups of three digits, as in 1,234.5): "
            f"for example {EXAMPLES}."
        )
    sign, whole, fraction = comma["sign"], comma["int"], comma["frac"]
    if grouped and not whole.startswith("0"):
        # One comma before three digits: a thousands separator or a decimal comma.
        raise NumberFormError(
            f"could be read two ways: {quoted(text.strip())} (a thousands comma or a decimal "
            f"comma). Type {sign}{whole}.{fraction}{power} or {sign}{whole}{fraction}{power}, "
            f"with no comma."
        )
    return f"{sign}{whole or '0'}.{fraction}"


def _decimal_text(number: Decimal) -> str:
    """A Decimal in plain digits, without trailing zeros: 7, not 7.0."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _not_a_number(text: str) -> str:
    return f"is not a number: {quoted(text.strip())}. Type a decimal such as {EXAMPLES}."

"""Typed numbers: every form a page shows a number in reads back; what could be read two ways
is refused with a message that shows what to type."""

import re
import sys
from collections.abc import Callable

import pytest

from gradquiz.core.lab.numbers import FieldError, read_number
from gradquiz.core.typed_numbers import (
    NumberFormError,
    parse_typed_number,
    quoted,
    typed_figures,
)
from gradquiz.generators import fmt
from gradquiz.services.lab import number_text
from gradquiz.web.lab.graph_drawing import number as graph_number
from gradquiz.web.lab.log_chart import _power_of_ten

VALUES = [
    0.25, -1.5, 2.108, -2.712, 0.5, 3, -1000, 12345.678, 1_048_576, 1e-5, -3.2e-9, 6.02e23,
    1.23e-146, 0.001, 999.5, -0.0004567, 7.0, 1e6,
]  # fmt: skip


def _latex_as_read(text: str) -> str:
    """fmt's LaTeX as the rendered maths reads: × for \\times, a caret for the power."""
    return text.replace(" \\times ", " × ").replace("^{", "^").replace("}", "")


def _superscript(text: str) -> str:
    """m × 10^k with the power set as superscripts, as rendered maths and chart ticks show it."""
    if "^" not in text:
        return text
    mantissa, power = text.split("^")
    return mantissa + power.translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


# Each way a page writes a number (see web/format.py, web/lab/graph_drawing.py, services/lab.py,
# web/lab/log_chart.py, the templates' format filters and generators.fmt for options and stems),
# and the number it means as written, rounding included.
FORMS: dict[str, tuple[Callable[[float], str], Callable[[float], float]]] = {
    "fmt (option maths, LaTeX)": (fmt, lambda v: float(f"{v:.3g}")),
    "fmt, four figures": (lambda v: fmt(v, 4), lambda v: float(f"{v:.4g}")),
    "fmt as rendered, caret": (lambda v: _latex_as_read(fmt(v)), lambda v: float(f"{v:.3g}")),
    "fmt as rendered, superscripts": (
        lambda v: _superscript(_latex_as_read(fmt(v))),
        lambda v: float(f"{v:.3g}"),
    ),
    "%g (You typed …, lab tables)": (lambda v: f"{v:g}", lambda v: float(f"{v:g}")),
    "%.2e (gradient-check table)": (lambda v: f"{v:.2e}", lambda v: float(f"{v:.2e}")),
    "%.1e (relative errors)": (lambda v: f"{v:.1e}", lambda v: float(f"{v:.1e}")),
    "%.6g (centred differences)": (lambda v: f"{v:.6g}", lambda v: float(f"{v:.6g}")),
    "%.4g (graph values)": (graph_number, lambda v: float(f"{v:.4g}")),
    "repr (lab links)": (number_text, float),
    "thousands commas (lab limits)": (lambda v: f"{v:,}", float),
    "whole thousands (lab limits)": (lambda v: f"{v:,.0f}", lambda v: float(f"{v:.0f}")),
}
MINUSES = [
    "-", "\u2212", "\u2013", "\u2014", "\u2015", "\u2012", "\u2010", "\u2011", "\ufe58",
    "\ufe63", "\uff0d",
]  # fmt: skip
# One comma before three digits, as 12,346: a thousands comma or a decimal comma.
ONE_GROUP = re.compile(r"-?[1-9][0-9]{0,2},[0-9]{3}")


@pytest.mark.parametrize("form", FORMS)
def test_every_form_a_page_shows_reads_back_as_its_number(form: str) -> None:
    write, meaning = FORMS[form]
    for value in VALUES:
        written = write(value)
        if ONE_GROUP.fullmatch(written):  # refused by design, with both readings shown
            with pytest.raises(NumberFormError, match="could be read two ways"):
                parse_typed_number(written)
            continue
        assert parse_typed_number(written) == meaning(value), (form, written)
        for minus in MINUSES:  # a typeset minus, or a dash from a copy or a word processor
            dashed = written.replace("-", minus)
            assert parse_typed_number(dashed) == meaning(value), (form, dashed)


def test_plain_decimals_read_exactly_as_python_reads_them() -> None:
    for text in ("0.25", "-1.5", "+2", ".5", "5.", "1e-05", "2.5e+06", "-8.0e-146", "1E3"):
        assert parse_typed_number(text) == float(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10⁻⁸", 1e-8),  # a chart tick
        ("10⁰", 1.0),
        ("1.23 × 10⁻⁵", 1.23e-5),
        ("1.23×10^-5", 1.23e-5),
        ("1.23 x 10^-5", 1.23e-5),
        ("1.23*10**-5", 1.23e-5),
        ("1.23 · 10^(−5)", 1.23e-5),
        ("1.23 \\times 10^{-5}", 1.23e-5),
        ("−2 × 10^3", -2000.0),
        ("-10^-8", -1e-8),
        ("2,5 × 10^-3", 2.5e-3),
        ("1,5e-3", 1.5e-3),
        ("0,25", 0.25),
        ("−1,5", -1.5),
        (",5", 0.5),
        ("12,5", 12.5),
        ("0,123", 0.123),  # a leading 0 is never a thousands group
        ("1,048,576", 1048576.0),
        ("1,234.5", 1234.5),
        ("  0.25  ", 0.25),
        ("- 0.25", -0.25),
    ],
)
def test_accepted_forms(text: str, value: float) -> None:
    assert parse_typed_number(text) == value


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1,234", "Type 1.234 or 1234"),
        ("-1,234", "Type -1.234 or -1234"),
        ("999,999", "Type 999.999 or 999999"),
        ("1.2×10-5", "Type 1.2e-5 or 1.2 × 10^-5 for the power, 7 for the subtraction"),
        ("1.2 × 10−5", "Type 1.2e-5 or 1.2 × 10^-5"),
        ("2,5×10+3", "Type 2.5e+3 or 2.5 × 10^+3 for the power, 28 for the addition"),
    ],
)
def test_input_that_reads_two_ways_is_refused_with_an_accepted_form(text: str, shown: str) -> None:
    with pytest.raises(NumberFormError, match="could be read two ways") as refused:
        parse_typed_number(text)
    assert shown in str(refused.value)


@pytest.mark.parametrize(
    "text",
    ["", "twelve", "inf", "nan", "1e6.5", "1_000", "0x10", "--1", "1,", "1.234,5", "1,23,456",
     "1 234", "1.2×105", "2×-10^3", "1.2.3", "10^", "e5", "1e1234567890", "½"],
)  # fmt: skip
def test_what_is_not_a_number_is_refused_with_examples(text: str) -> None:
    with pytest.raises(NumberFormError) as refused:
        parse_typed_number(text)
    assert "0.25, -1.5, 2e-3 or 2 × 10^-3" in str(refused.value)


def test_read_number_names_the_field_and_keeps_its_bounds() -> None:
    assert read_number("0,5", "The value of w", field="w") == 0.5
    assert read_number("−2 × 10^-3", "Your gradient") == -0.002
    with pytest.raises(FieldError, match="The value of w could be read two ways") as refused:
        read_number("1,234", "The value of w", field="w")
    assert refused.value.field == "w" and "1.234 or 1234" in str(refused.value)
    with pytest.raises(FieldError, match="too large"):
        read_number("2 × 10^6", "The value of x")
    with pytest.raises(FieldError, match="too large"):
        read_number("1e999", "The value of x")  # infinite
    with pytest.raises(FieldError, match="empty"):
        read_number("  ", "The value of x")
    with pytest.raises(FieldError, match="at most 32"):
        read_number("1" * 33, "The value of x")


def test_chart_ticks_read_back() -> None:
    for power in range(-12, 4):
        assert parse_typed_number(_power_of_ten(power)) == 10.0**power


def test_a_refused_number_is_quoted_as_typed_not_as_a_python_literal() -> None:
    # "'1\xa0000'" in the message.
    with pytest.raises(NumberFormError) as raised:
        parse_typed_number("1\xa0000")
    assert "'1 000'" in str(raised.value) and "\\x" not in str(raised.value)
    assert quoted("a\x00b\tc") == "'a�b�c'"


def test_typed_number_messages_name_the_operation_dash_and_size_they_refuse() -> None:
    # "1.2×10+5" is an addition, not a subtraction.
    with pytest.raises(NumberFormError) as refused:
        parse_typed_number("1.2×10+5")
    assert "17 for the addition" in str(refused.value)
    assert "subtraction" not in str(refused.value)
    assert "or an addition" in str(refused.value)
    # An em dash is a dash, as the README says ("an en dash or another dash").
    assert parse_typed_number("\u20141.5") == -1.5
    assert parse_typed_number("2 × 10^\u20143") == 0.002
    # 1e-400 is refused, as 1e309 is, not read silently as 0.
    for tiny in ("1e-400", "-2.5 × 10^-330", "0." + "0" * 400 + "1", "0," + "0" * 400 + "1"):
        with pytest.raises(NumberFormError, match="too small for a float") as refused:
            parse_typed_number(tiny)
        assert "Type 0 if you mean zero" in str(refused.value)
    for zero in ("0", "0e-400", "0.000", "-0", "0 × 10^-400"):
        assert parse_typed_number(zero) == 0.0
    assert parse_typed_number("5e-324") == 5e-324  # the smallest float is still read


@pytest.mark.parametrize("text", ["1e400", "1.2 × 10^1000", "1.2 × 10¹⁰⁰⁰", "2*10**12345"])
def test_a_huge_number_is_too_large_in_every_form(text: str) -> None:
    # "1.2 × 10^1000" was "not a number" (exponents of four digits were not
    # read) while "1e400" was "too large".
    with pytest.raises(FieldError, match=r"What you typed is .*, too large: a number may be"):
        read_number(text, "What you typed")


def test_a_too_large_number_s_message_reads_as_a_sentence() -> None:
    # "up to the largest float, about 1.8 × 10³⁰⁸ in size
    # are taken" lacked a comma.
    with pytest.raises(FieldError) as refused:
        read_number("1e309", "Your gradient", sys.float_info.max)
    assert str(refused.value) == (
        "Your gradient is 1e309, too large: a number may be at most the largest float, "
        "about 1.8 × 10³⁰⁸, in size."
    )
    with pytest.raises(FieldError) as refused:
        read_number("2e6", "The value of x")
    assert str(refused.value) == (
        "The value of x is 2e6, too large: a number may be at most 10⁶ in size."
    )


def test_the_lab_shows_a_negative_value_with_the_minus_sign() -> None:
    # lab tables wrote "-2" with a hyphen; practice writes "−".
    assert graph_number(-2.0) == "\N{MINUS SIGN}2" and graph_number(-0.0) == "0"
    assert parse_typed_number(graph_number(-2.712)) == -2.712


def test_an_input_shown_as_typed_must_be_the_float_it_is_read_as() -> None:
    # −0.99999999999999999999 is −1 in a float64.
    with pytest.raises(FieldError, match="cannot hold as typed: the lab would compute with -1 "):
        read_number("-0.99999999999999999999", "The value of y", as_typed=True)
    with pytest.raises(FieldError, match="with 5e-324 instead"):
        read_number("4.9e-324", "The value of y", 1e308, as_typed=True)
    assert read_number("-0.99999999999999999999", "What you typed") == -1.0  # an answer
    for text, value in (("0.1", 0.1), ("2 × 10^-3", 0.002), ("0,25", 0.25), ("10⁻⁸", 1e-8)):
        assert read_number(text, "The value of y", as_typed=True) == value


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("100", 1),
        ("12,000,000", 2),
        ("1e2", 1),
        ("100.0", 4),
        ("1.00e2", 3),
        ("0.0100", 3),
        ("0", 1),
    ],
)
def test_typed_figures_counts_the_fewest_a_number_can_have(text: str, figures: int) -> None:
    assert typed_figures(text) == figures

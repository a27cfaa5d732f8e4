"""Jinja filters for times, durations and percentages."""

import math
from datetime import datetime, timedelta
from decimal import Decimal

from jinja2 import Environment
from markupsafe import Markup

from gradquiz.core.item_flags import shown_figure, shown_share
from gradquiz.core.lab.numbers import power_of_ten, shown_number, written_number
from gradquiz.core.option_spacing import checkable_figures
from gradquiz.core.percentages import whole_percent


def clock(seconds: int) -> str:
    """Seconds as M:SS (or H:MM:SS)."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(value: timedelta) -> str:
    """A time allowed in words, to the nearest second (a half rounded up, as the site rounds):
    "25 minutes", "31 minutes 15 seconds" for 25 × 1.25, where minutes to one decimal read
    31.2 (half to even), or 31.3, promising 3 seconds the deadline does not give."""
    seconds = math.floor(value.total_seconds() + 0.5)
    minutes, rest = divmod(seconds, 60)
    parts = [f"{minutes} minute{'s' if minutes != 1 else ''}"] if minutes or not rest else []
    if rest:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


def utc_time(value: datetime) -> str:
    """A timestamp as 'YYYY-MM-DD HH:MM UTC'."""
    return value.strftime("%Y-%m-%d %H:%M UTC")


def local_time(value: datetime) -> Markup:
    """A timestamp in UTC that local-time.js rewrites in the reader's own time zone."""
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), utc_time(value))


def install_filters(env: Environment) -> None:
    """Register gradquiz's filters on a Jinja environment."""
    env.filters["clock"] = clock
    env.filters["duration"] = duration
    env.filters["utc_time"] = utc_time
    env.filters["local_time"] = local_time
    # {{ share|percent }} or {{ part|percent(whole) }}: a whole percentage, halves up.
    env.filters["percent"] = whole_percent
    # {{ value|hundredths }}: two decimals, halves away from zero, as the item statistics are
    # judged.
    env.filters["hundredths"] = hundredths
    # {{ facility|share_hundredths }}: the same, 1.00 for all and 0.00 for none only.
    env.filters["share_hundredths"] = lambda value: signed(str(shown_share(value)))
    # {{ answer.typed|typed_number }}: the number a learner typed, every digit kept.
    env.filters["typed_number"] = typed_number
    # {{ option.value|exact_value }}: an option's exact value to six significant figures
    # (fewer where it has fewer), so every value a page names has the same length.
    env.filters["exact_value"] = exact_value
    # {{ norm|two_figures }}: a measured figure to two significant figures, in one form.
    env.filters["two_figures"] = two_figures


def typed_number(value: float) -> str:
    """A typed number as the learner wrote it, every digit kept: the shortest decimal that
    reads back as the stored float, written out (1.108799966736, 0.6966119332414819,
    1000000, 0.00001), as a × 10ᵏ where that would pad it with zeros (a 302-digit 1e-300
    reads 1 × 10⁻³⁰⁰), a minus sign (U+2212) before a negative one. "%g" kept six
    significant figures, so 1.108799966736 read 1.1088, a number 1 % from an option."""
    return written_number(value)


def exact_value(value: float, typed: float | None = None) -> str:
    """An option's exact value to six significant figures, fewer where it has fewer
    (−0.0485706, −0.292789, 0.00390625, 0.5), a minus sign before a negative one: the
    typed-number feedback measures 1 % against it. Given the `typed` number, to as many
    more figures as it takes for "within 1 %" of the quoted figure to agree with the
    marking, which measures from the exact value (`checkable_figures`)."""
    figures = 6 if typed is None else checkable_figures(typed, value)
    return shown_number(value, figures)


def hundredths(value: float) -> str:
    """A figure to two decimals, a half rounded away from 0: 0.625 reads 0.63, and
    -0.17 reads −0.17, with the minus sign (U+2212) the practice pages use, not a hyphen."""
    return signed(str(shown_figure(value)))


def signed(figure: str) -> str:
    """A shown figure with its leading hyphen-minus written as a minus sign (U+2212)."""
    return "\N{MINUS SIGN}" + figure[1:] if figure.startswith("-") else figure


def two_figures(value: float) -> str:
    """A figure to two significant figures: written out from 10⁻⁴ to under 1000 (22, 320,
    0.00032), else as a × 10ᵏ (7.5 × 10⁻³¹, 1.2 × 10³), where the lab's tables, to three
    figures, switch too, so a summary and its table write one number in one form; never
    "3.2e+02"; a minus sign, not a hyphen."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    rounded = Decimal(f"{abs(value):.2g}")
    if Decimal("0.0001") <= rounded < 1000:
        digits = format(rounded.normalize(), "f")
    else:
        mantissa, power = f"{rounded:.1e}".split("e")
        # No-break spaces: a narrow screen never breaks "5.5 × 10⁻¹⁹" into two lines.
        digits = f"{mantissa.removesuffix('.0')}\N{NO-BREAK SPACE}×\N{NO-BREAK SPACE}"
        digits += power_of_ten(int(power))
    return f"\N{MINUS SIGN}{digits}" if value < 0 else digits

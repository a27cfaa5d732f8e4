"""Jinja filters for times, durations and percentages."""

import math
from datetime import datetime, timedelta

from jinja2 import Environment
from markupsafe import Markup

from gradquiz.core.item_flags import shown_figure
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
    # {{ value|hundredths }}: two decimals, halves up, as the item statistics are judged.
    env.filters["hundredths"] = hundredths


def hundredths(value: float) -> str:
    """A figure to two decimals, a half rounded up (away from 0): 0.625 reads 0.63."""
    return str(shown_figure(value))

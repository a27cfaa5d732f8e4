"""Line charts on a logarithmic y axis, written straight out as inline SVG, for the lab.

The lab draws a chart on every request for numbers the learner chose, so its cost counts
against each request's budget. matplotlib (charts.py) spent 230 to 600 ms of CPU on a lab
chart, and still 45 to 90 ms with its layout pass, TeX tick labels and minor ticks taken out
(27 ms for an empty figure); these charts need only lines, markers, decade ticks and a
legend, which cost about a millisecond written directly. They take charts.py's colours.
"""

import math
from collections.abc import Callable, Sequence
from html import escape

from gradquiz.web.charts import COLOURS, GRID_COLOUR, Series

# The chart is drawn FONT_SIZE units high in a WIDTH-unit box and never shown narrower than
# MIN_WIDTH CSS px (it scrolls inside its own box on a narrower screen), so its text is
# at least 12 CSS px at every width.
WIDTH, FONT_SIZE = 380, 14
MIN_WIDTH = WIDTH * 12 / FONT_SIZE
LEFT, RIGHT, TOP, BOTTOM = 64, 368, 10, 250  # the plotting area, in viewBox units
LEGEND_LEFT, LEGEND_TOP, LEGEND_LINE = 14, BOTTOM + 64, 22
MAX_TICKS = 7
CHAR_WIDTH = 8.4  # a character of DejaVu Sans at FONT_SIZE, on average, in viewBox units
_DASHES = ("", "7 4", "10 3 2 3", "2 3")
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_INK = "#1f2733"


def log_chart(
    series: Sequence[Series], *, title: str, x_label: str, y_label: str, log_x: bool = False
) -> str:
    """One `<svg>` element, labelled with `title`: a line and markers per series, y on a log
    scale (a value of 0 or less leaves a gap), x on a log or a linear scale."""
    xs = [x for line in series for x in line.x if _plottable(x, log_x)]
    ys = [y for line in series for y in line.y if _plottable(y, True)]
    x_ticks, x_at = _log_scale(xs, LEFT, RIGHT) if log_x else _linear_scale(xs, LEFT, RIGHT)
    y_ticks, y_at = _log_scale(ys, BOTTOM, TOP)
    legend, height = _legend(series)
    parts = [
        # Scrolls sideways in its own box when the screen is narrower than MIN_WIDTH, so
        # it takes the keyboard focus to be scrolled without a pointer.
        f'<div class="chart-scroll" tabindex="0" role="group" aria-label="{escape(title)}">',
        f'<svg class="chart-svg log-chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT_SIZE}" fill="{_INK}">',
        *_grid(x_ticks, y_ticks),
        *_labels(x_label, y_label),
    ]
    for index, line in enumerate(series):
        parts.extend(_line(line, index, x_at, y_at, log_x))
    parts.extend(['<g class="chart-legend">', *legend, "</g>"])
    parts.append("</svg></div>")
    return "".join(parts)


def _plottable(value: float, log: bool) -> bool:
    return math.isfinite(value) and (value > 0 or not log)


Scale = Callable[[float], float]
Ticks = list[tuple[float, str]]  # each tick's place on its axis, and its label


def _log_scale(values: Sequence[float], low: float, high: float) -> tuple[Ticks, Scale]:
    """Whole decades around the values (every k-th, for at most MAX_TICKS ticks)."""
    first, last, stride = _decades(values)

    def place(power: float) -> float:
        return low + (power - first) / (last - first) * (high - low)

    # Ticks are placed by their power of ten: 10³⁰⁸ and beyond is no float.
    ticks = [(place(power), _power_of_ten(power)) for power in range(first, last + 1, stride)]
    return ticks, lambda value: place(math.log10(value))


def _decades(values: Sequence[float]) -> tuple[int, int, int]:
    """The first and last powers of ten of a log axis around `values`, and the number of
    decades between its ticks (1, or more for at most MAX_TICKS ticks)."""
    first = math.floor(math.log10(min(values))) if values else 0
    last = math.ceil(math.log10(max(values))) if values else 1
    last = max(last, first + 1)
    stride = math.ceil((last - first) / (MAX_TICKS - 1))
    # Ticks at multiples of the stride (10⁻¹², 10⁻⁸, 10⁻⁴, 10⁰), widened until few enough.
    while (last + -last % stride - (first - first % stride)) // stride >= MAX_TICKS:
        stride += 1
    return first - first % stride, last + -last % stride, stride


def grid_factor(series: Sequence[Series]) -> str:
    """The factor between neighbouring grid lines of `series`' y axis as log_chart draws it:
    "10", or "10⁴" where the values span too many decades for one line each."""
    _, _, stride = _decades([y for line in series for y in line.y if _plottable(y, True)])
    return "10" if stride == 1 else _power_of_ten(stride)


def _power_of_ten(power: int) -> str:
    return "10" + str(power).translate(_SUPERSCRIPTS)


def _linear_scale(values: Sequence[float], low: float, high: float) -> tuple[Ticks, Scale]:
    """Ticks at 1, 2 or 5 times a power of ten, from the smallest value to the largest."""
    first, last = (min(values), max(values)) if values else (0.0, 1.0)
    if last == first:
        first, last = first - 1, last + 1
    rough = (last - first) / (MAX_TICKS - 1)
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(f * power for f in (1, 2, 5, 10) if f * power >= rough)

    def at(value: float) -> float:
        return low + (value - first) / (last - first) * (high - low)

    steps = range(math.ceil(first / step), math.floor(last / step) + 1)
    return [(at(step * k), f"{step * k:g}") for k in steps], at


def _grid(x_ticks: Ticks, y_ticks: Ticks) -> list[str]:
    parts = [
        f'<rect x="{LEFT}" y="{TOP}" width="{RIGHT - LEFT}" height="{BOTTOM - TOP}" '
        f'fill="none" stroke="{_INK}" stroke-width="0.8"/>'
    ]
    for x, label in x_ticks:
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{BOTTOM + 4}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.8"/>'
            f'<text x="{x:.1f}" y="{BOTTOM + 20}" text-anchor="middle">{label}</text>'
        )
    for y, label in y_ticks:
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.8"/>'
            f'<text x="{LEFT - 7}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        )
    return parts


def _labels(x_label: str, y_label: str) -> list[str]:
    middle_x, middle_y = (LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2
    return [
        f'<text x="{middle_x:.0f}" y="{BOTTOM + 42}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text transform="translate(14 {middle_y:.0f}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>",
    ]


def _line(line: Series, index: int, x_at: Scale, y_at: Scale, log_x: bool) -> list[str]:
    """The series as polylines broken where a point cannot be drawn, and a marker a point."""
    colour, dash = COLOURS[index % len(COLOURS)], _DASHES[index % len(_DASHES)]
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(line.x, line.y, strict=True):
        if _plottable(x, log_x) and _plottable(y, True):
            runs[-1].append((x_at(x), y_at(y)))
        elif runs[-1]:
            runs.append([])
    parts = []
    for run in runs:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        if len(run) > 1:
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="1.8"{dashes}/>'
            )
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{colour}"/>' for x, y in run)
    return parts


def _legend(series: Sequence[Series]) -> tuple[list[str], int]:
    """Rows under the x label, each entry a stretch of its line's stroke and then its name,
    a new row where the next would not fit; and the chart's height with them."""
    parts = []
    x, y = LEGEND_LEFT, LEGEND_TOP
    for index, line in enumerate(series):
        width = round(40 + CHAR_WIDTH * len(line.label))
        if x > LEGEND_LEFT and x + width > WIDTH:
            x, y = LEGEND_LEFT, y + LEGEND_LINE
        colour, dash = COLOURS[index % len(COLOURS)], _DASHES[index % len(_DASHES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{y - 5}" x2="{x + 28}" y2="{y - 5}" stroke="{colour}" '
            f'stroke-width="1.8"{dashes}/>'
            f'<text x="{x + 34}" y="{y}">{escape(line.label)}</text>'
        )
        x += width + 12
    return parts, y + 12

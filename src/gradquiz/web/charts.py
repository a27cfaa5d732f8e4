"""Charts as inline SVG, drawn on the server by matplotlib, for any page that plots.

The figure is a `matplotlib.figure.Figure` with the SVG canvas: no pyplot and so no global
figure state. Text stays text (`svg.fonttype = none`), so it is crisp, searchable and scales
with the page. matplotlib is imported on first use: it is slow to import and only chart pages
need it, so the server starts fast and exam workers stay small. Every page that shows a chart
shows the same numbers in a table beside it.
"""

import io
import math
import re
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# matplotlib's drawing code is not thread-safe, and FastAPI runs page handlers on a pool.
_DRAWING = threading.Lock()
COLOURS = (
    "#2d4fd6",
    "#c0392b",
    "#17663a",
    "#7a3fb8",
    "#b35900",
    "#0b7285",
    "#a61e4d",
    "#5c6b00",
    "#4f5b6d",
)
_DASHES = ("solid", "dashed", "dashdot", "dotted")
GRID_COLOUR = "#d5dbe5"
# Sizes in inches, at 72 SVG units an inch. All text is FONT_SIZE units. A compact chart
# (narrower than WIDE) is no wider than the narrowest box a chart gets on a 320 px phone
# (about 270 CSS px), so its text is drawn at FONT_SIZE CSS px or larger at every width.
WIDE = (6.4, 4.0)
COMPACT = (3.6, 3.2)
FONT_SIZE = 12
# More bars than this on a compact chart and only every other one is named under it.
CROWDED_BARS = 8


# Category names longer than this are wrapped, and legends of such names take one column.
WRAP_CHARS = 18


def _compact(size: tuple[float, float]) -> bool:
    return size[0] < WIDE[0]


@dataclass(frozen=True)
class Series:
    """One line: its label and points (NaN leaves a gap)."""

    label: str
    x: Sequence[float]
    y: Sequence[float]


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    log_x: bool = False,
    log_y: bool = False,
    reverse_x: bool = False,
    y_limits: tuple[float, float] | None = None,
    x_ticks: Sequence[tuple[float, str]] = (),
    size: tuple[float, float] = WIDE,
) -> str:
    """An SVG line chart (one `<svg>` element, labelled with `title`) for inlining in a page."""

    def draw(axes: "Axes") -> None:
        for index, line in enumerate(series):
            axes.plot(
                line.x,
                line.y,
                label=line.label,
                color=COLOURS[index % len(COLOURS)],
                linestyle=_DASHES[index % len(_DASHES)],
                marker="o",
                markersize=3,
                linewidth=1.8,
            )
        if log_x:
            axes.set_xscale("log")
        if log_y:
            axes.set_yscale("log", nonpositive="mask")  # an exact 0 has no place on a log axis
        if reverse_x:
            axes.invert_xaxis()
        if y_limits:
            axes.set_ylim(*y_limits)
        if x_ticks:
            axes.set_xticks([x for x, _ in x_ticks], [label for _, label in x_ticks])
        _label(axes, x_label, y_label)
        axes.grid(True, which="major", color=GRID_COLOUR, linewidth=0.6)
        if _compact(size):  # a legend beside a compact chart would squeeze the lines
            _legend_below(axes, [line.label for line in series])
        else:
            axes.legend(frameon=False)

    return _svg(title, draw, size)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_label: str,
    category_label: str = "",
    horizontal: bool = False,
    bar_texts: Sequence[str] = (),
    value_limits: tuple[float, float] | None = None,
    whole_numbers: bool = False,
    size: tuple[float, float] = COMPACT,
) -> str:
    """An SVG bar chart, one bar per label; `bar_texts` are written at the end of each bar.
    `whole_numbers` keeps the value axis to whole-number ticks (for counts)."""
    from matplotlib.ticker import MaxNLocator

    def draw(axes: "Axes") -> None:
        positions = list(range(len(labels)))
        if horizontal:
            bars = axes.barh(positions, values, color=COLOURS[0], height=0.6)
            # Long names on two lines, so the bars keep most of a phone's width.
            axes.set_yticks(positions, [textwrap.fill(label, WRAP_CHARS) for label in labels])
            axes.invert_yaxis()  # the first label on top, as in the table beside it
            axes.grid(True, axis="x", color=GRID_COLOUR, linewidth=0.6)
            _label(axes, value_label, category_label)
            if value_limits:
                axes.set_xlim(*value_limits)
        else:
            bars = axes.bar(positions, values, color=COLOURS[0], width=0.7)
            # Every other name where a compact chart has too many to fit at full size.
            every = 2 if _compact(size) and len(labels) > CROWDED_BARS else 1
            axes.set_xticks(positions, [t if i % every == 0 else "" for i, t in enumerate(labels)])
            axes.margins(y=0.12)  # room above the tallest bar for its text
            axes.grid(True, axis="y", color=GRID_COLOUR, linewidth=0.6)
            _label(axes, category_label, value_label)
            if value_limits:
                axes.set_ylim(*value_limits)
        axes.set_axisbelow(True)
        if whole_numbers:
            (axes.xaxis if horizontal else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
        if bar_texts:
            axes.bar_label(bars, labels=list(bar_texts), padding=3)

    return _svg(title, draw, size)


@dataclass(frozen=True)
class CalibrationMark:
    """One confidence level on a calibration chart: the chance it claims, how often it was
    right (None with no answers), and how many answers that rests on."""

    label: str
    stated: float
    observed: float | None
    count: int


def calibration_chart(marks: Sequence[CalibrationMark], *, title: str) -> str:
    """Stated chance against share right, one point per level sized by its answers, against
    the diagonal of perfect calibration."""

    def draw(axes: "Axes") -> None:
        axes.plot(
            [0, 100],
            [0, 100],
            linestyle="dashed",
            color="#4f5b6d",
            linewidth=1.2,
            label="perfect calibration",
        )
        shown = [m for m in marks if m.observed is not None]
        axes.scatter(
            [100 * m.stated for m in shown],
            [100 * (m.observed or 0) for m in shown],
            s=[30 + 6 * math.sqrt(m.count) for m in shown],
            color=COLOURS[0],
            zorder=3,
            label="you",
        )
        for mark in shown:
            # Two short lines under a high point or over a low one, kept off the right edge.
            high = (mark.observed or 0) > 0.5
            axes.annotate(
                f"{mark.label}\nn={mark.count}",
                (100 * mark.stated, 100 * (mark.observed or 0)),
                textcoords="offset points",
                xytext=(0, -10 if high else 10),
                ha="right" if mark.stated > 0.8 else "center",
                va="top" if high else "bottom",
            )
        axes.set_xlim(0, 100)
        axes.set_ylim(-3, 105)
        axes.grid(True, color=GRID_COLOUR, linewidth=0.6)
        _label(axes, "chance you claimed (%)", "answers right (%)")
        _legend_below(axes, ["perfect calibration", "you"])

    return _svg(title, draw, COMPACT)


def _legend_below(axes: "Axes", labels: Sequence[str]) -> None:
    """The legend under the axes: two columns of short names, one of long ones."""
    columns = 2 if max(map(len, labels), default=0) <= WRAP_CHARS else 1
    axes.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=columns)


def _label(axes: "Axes", x_label: str, y_label: str) -> None:
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)


def _svg(title: str, draw: Callable[["Axes"], None], size: tuple[float, float]) -> str:
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with (
        _DRAWING,
        rc_context({"svg.fonttype": "none", "svg.hashsalt": title, "font.size": FONT_SIZE}),
    ):
        figure = Figure(figsize=size, layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        draw(axes)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _inline(buffer.getvalue(), title)


def _inline(document: str, title: str) -> str:
    """The `<svg>` element alone, sized by CSS, with a role and an accessible name."""
    start = document.index("<svg")
    svg = document[start:]
    svg = re.sub(r'\s(width|height)="[^"]*pt"', "", svg, count=2)
    # A <style> element would need a style-src exception under the coming Content-Security-
    # Policy; its two rules live in style.css instead. The RDF metadata is dead weight.
    svg = re.sub(r"<metadata>.*?</metadata>|<style[^>]*>.*?</style>", "", svg, flags=re.S)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return svg.replace("<svg", f'<svg class="chart-svg" role="img" aria-label="{safe_title}"', 1)

"""Line charts as inline SVG, drawn on the server by matplotlib, for any page that plots.

The figure is a `matplotlib.figure.Figure` with the SVG canvas: no pyplot and so no global
figure state. Text stays text (`svg.fonttype = none`), so it is crisp, searchable and scales
with the page. matplotlib is imported on first use: it is slow to import and only chart pages
need it, so the server starts fast and exam workers stay small.
"""

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

# matplotlib's drawing code is not thread-safe, and FastAPI runs page handlers on a pool.
_DRAWING = threading.Lock()
_COLOURS = ("#2d4fd6", "#c0392b", "#17663a", "#7a3fb8")
_DASHES = ("solid", "dashed", "dashdot", "dotted")


@dataclass(frozen=True)
class Series:
    """One line: its label and points."""

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
) -> str:
    """An SVG line chart (one `<svg>` element, labelled with `title`) for inlining in a page."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with _DRAWING, rc_context({"svg.fonttype": "none", "svg.hashsalt": title}):
        figure = Figure(figsize=(6.4, 4.0), layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        for index, line in enumerate(series):
            axes.plot(
                line.x,
                line.y,
                label=line.label,
                color=_COLOURS[index % len(_COLOURS)],
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
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.grid(True, which="major", color="#d5dbe5", linewidth=0.6)
        axes.legend(frameon=False)
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

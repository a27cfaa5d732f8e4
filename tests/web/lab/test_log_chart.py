"""The lab's SVG line charts: decade ticks, gaps where a point cannot be drawn, a legend."""

import re
import time
import xml.etree.ElementTree as ET

from gradquiz.web.charts import Series
from gradquiz.web.lab.log_chart import BOTTOM, MAX_TICKS, TOP, log_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: str) -> ET.Element:
    """The chart's <svg> (inside the box that scrolls it on a narrow screen)."""
    box = ET.fromstring(chart)
    assert box.get("tabindex") == "0" and box.get("role") == "group"
    svg = box.find(f"{SVG}svg")
    assert svg is not None
    return svg


def test_a_log_log_chart_marks_whole_decades_and_draws_every_point() -> None:
    steps = [10.0**-k for k in range(1, 13)]
    svg = log_chart(
        [Series("centred", steps, [1e-3 * s for s in steps])],
        title="Error <by> step",
        x_label="step h",
        y_label="relative error",
        log_x=True,
    )
    root = _parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Error <by> step"
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "10⁻¹²" in labels and "10⁰" in labels and "step h" in labels and "centred" in labels
    assert len(list(root.iter(f"{SVG}circle"))) == 12
    assert "<style" not in svg and "<script" not in svg


def test_zeros_and_nan_leave_gaps_in_the_line() -> None:
    svg = log_chart(
        [Series("relu", [1, 2, 3, 4, 5, 6], [1.0, 0.5, 0.0, 0.2, float("nan"), 0.1])],
        title="t",
        x_label="layer",
        y_label="norm",
    )
    root = _parse(svg)
    runs = [line.get("points", "").split() for line in root.iter(f"{SVG}polyline")]
    assert [len(run) for run in runs] == [2]  # 1–2 joined; 4 and 6 stand alone
    assert len(list(root.iter(f"{SVG}circle"))) == 4


def test_ticks_stay_few_over_any_range_and_points_stay_inside_the_axes() -> None:
    values = [10.0**k for k in range(-300, 301, 3)]
    svg = log_chart(
        [Series("wide", list(range(1, len(values) + 1)), values)],
        title="t",
        x_label="x",
        y_label="y",
    )
    root = _parse(svg)
    decade_labels = [
        t.text for t in root.iter(f"{SVG}text") if re.fullmatch("10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", t.text or "")
    ]
    assert 4 <= len(decade_labels) <= MAX_TICKS
    ys = [float(circle.get("cy", "nan")) for circle in root.iter(f"{SVG}circle")]
    assert all(TOP - 0.1 <= y <= BOTTOM + 0.1 for y in ys)


def test_a_chart_of_three_fifty_point_lines_costs_about_a_millisecond() -> None:
    # matplotlib took 45 to 90 ms of CPU for this chart, and 230 to 600 ms as it was drawn.
    layers = list(range(1, 51))
    series = [Series(name, layers, [10.0 ** (-k / (i + 1)) for k in layers]) for i, name in
              enumerate(["sigmoid", "tanh", "relu"])]  # fmt: skip
    began = time.thread_time()
    svg = log_chart(series, title="flow", x_label="layer", y_label="norm")
    assert time.thread_time() - began < 0.02
    assert len(re.findall("<circle", svg)) == 150


def test_a_chart_is_never_drawn_narrower_than_its_text_allows() -> None:
    from pathlib import Path

    import gradquiz.web
    from gradquiz.web.lab.log_chart import FONT_SIZE, MIN_WIDTH, WIDTH

    assert FONT_SIZE * MIN_WIDTH / WIDTH >= 12  # text of 12 CSS px at the narrowest
    css = (Path(gradquiz.web.__file__).parent / "static" / "style.css").read_text()
    assert f".chart-svg.log-chart {{ min-width: {MIN_WIDTH:.1f}px;" in css


def test_a_long_legend_takes_more_rows_and_a_taller_chart() -> None:
    steps = [1.0, 2.0, 3.0]
    one = log_chart([Series("a", steps, steps)], title="t", x_label="x", y_label="y")
    names = ["one-sided (f(w+h) − f(w)) / h", "centred (f(w+h) − f(w−h)) / 2h", "third"]
    three = log_chart([Series(n, steps, steps) for n in names], title="t", x_label="x", y_label="y")

    def height(chart: str) -> float:
        return float(_parse(chart).get("viewBox", "").split()[3])

    assert height(three) > height(one)
    rows = {text.get("y") for text in _parse(three).iter(f"{SVG}text") if text.text in names}
    assert len(rows) >= 2

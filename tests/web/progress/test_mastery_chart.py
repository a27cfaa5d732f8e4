"""The mastery chart's bar texts stay inside its frame, even "20/20" on a full bar."""

from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from gradquiz.core.scoring import Tally
from gradquiz.web.progress import pages


@pytest.mark.parametrize("window", [3, 9, 20, 99])
def test_every_bar_text_ends_inside_the_axes(monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    overhangs: list[tuple[str, float]] = []
    save = Figure.savefig

    def measure_then_save(figure: Figure, *args: Any, **kwargs: Any) -> None:
        figure.draw_without_rendering()
        for axes in figure.axes:
            right = axes.get_window_extent().x1
            for text in axes.findobj(Text):
                if "/" in text.get_text():
                    end = text.get_window_extent().x1
                    overhangs.append((text.get_text(), end - right))
        save(figure, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", measure_then_save)
    pages._mastery_chart.cache_clear()
    full = Tally(window, window)
    pages._mastery_chart((("Chain rule", full), ("Vanishing gradients", Tally(0, window))), window)
    assert overhangs, "the chart wrote no bar text"
    assert all(overhang < 0 for _, overhang in overhangs), overhangs

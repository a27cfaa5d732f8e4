"""The progress page: mastery per topic and its trend, exam history, what is due day by day,
and calibration, each chart an SVG drawn on the server with its table beside it; the learner's
data to download, or to delete for good."""

import math
from datetime import date
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.progress import TREND_WEEKS
from gradquiz.core.scoring import Tally
from gradquiz.errors import InvalidInput
from gradquiz.services.learner_data import LearnerData
from gradquiz.services.progress import Progress, ProgressService
from gradquiz.web.charts import (
    COMPACT,
    CalibrationMark,
    Series,
    bar_chart,
    calibration_chart,
    line_chart,
)
from gradquiz.web.identity import Learner
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)

# The trend chart grows with its legend, which names each topic on a line below the lines;
# the mastery chart with its bars, whose names may take two lines each.
TREND_HEIGHT, LEGEND_LINE = 3.2, 0.24
MASTERY_HEIGHT, BAR_LINE = 1.2, 0.45
CACHED_CHARTS = 128


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, learner: Learner) -> HTMLResponse:
    """Mastery, trend, exams, the review calendar and calibration, as charts and tables."""
    service: ProgressService = request.app.state.progress
    progress = service.progress(learner=learner)
    names = {topic.id: topic.name for topic in service.pack.topics}
    return render_page(
        request,
        "progress/index.html",
        progress=progress,
        names=names,
        charts=_charts(progress, names) if progress.answers else None,
        due=request.app.state.review.summary(learner=learner),
        deleted=request.query_params.get("deleted") == "1",
    )


def _charts(progress: Progress, names: dict[str, str]) -> dict[str, str | None]:
    """Each chart's SVG, or None where it would be empty (the page says why instead)."""
    trend = {
        names[topic]: tallies
        for topic, tallies in progress.trend.by_topic.items()
        if any(tallies)  # a topic never answered would only fill the legend
    }
    weeks_shown = sum(
        any(tallies[week] for tallies in trend.values()) for week in range(TREND_WEEKS)
    )
    marks = tuple(
        CalibrationMark(point.confidence.value, point.stated, point.observed, point.tally.total)
        for point in progress.calibration
    )
    return {
        "mastery": _mastery_chart(
            tuple((names[topic], tally) for topic, tally in progress.mastery), progress.window
        ),
        # A trend needs two weeks: a first week's answers make one point per topic.
        "trend": _trend_chart(tuple(trend.items())) if weeks_shown >= 2 else None,
        "due": _due_chart(progress.due_by_day)
        if any(count for _, count in progress.due_by_day)
        else None,
        "calibration": _calibration_chart(marks)
        if any(mark.observed is not None for mark in marks)
        else None,
    }


# Drawing a chart takes tens of milliseconds; the same numbers (a reload with nothing new
# answered) give the same SVG, so each chart is kept by its numbers for a while.
@lru_cache(maxsize=CACHED_CHARTS)
def _mastery_chart(rows: tuple[tuple[str, Tally], ...], window: int) -> str:
    return bar_chart(
        [name for name, _ in rows],
        [100 * tally.correct / tally.total for _, tally in rows],
        title=f"Mastery per topic: share right among your last {window} answers on it",
        value_label="share right (%)",
        horizontal=True,
        bar_texts=[f"{tally.correct}/{tally.total}" for _, tally in rows],
        value_limits=(0, 135),  # room after a full bar for "99/99"
        size=(COMPACT[0], MASTERY_HEIGHT + BAR_LINE * len(rows)),
    )


@lru_cache(maxsize=CACHED_CHARTS)
def _trend_chart(rows: tuple[tuple[str, tuple[Tally | None, ...]], ...]) -> str:
    weeks_ago = [float(back) for back in range(-(TREND_WEEKS - 1), 1)]
    return line_chart(
        [
            Series(name, weeks_ago, [100 * t.correct / t.total if t else math.nan for t in tallies])
            for name, tallies in rows
        ],
        title="Mastery per topic at the end of each of the last eight weeks",
        x_label="weeks ago",
        y_label="mastery (%)",
        y_limits=(0, 105),
        x_ticks=[(x, "now" if x == 0 else str(int(-x))) for x in weeks_ago],
        size=(COMPACT[0], TREND_HEIGHT + LEGEND_LINE * len(rows)),
    )


@lru_cache(maxsize=CACHED_CHARTS)
def _due_chart(days: tuple[tuple[date, int], ...]) -> str:
    return bar_chart(
        [str(day.day) for day, _ in days],
        [count for _, count in days],
        title="Questions due for review on each of the next 14 days",
        value_label="questions due",
        category_label="day of the month (UTC), today first",
        bar_texts=[str(count) if count else "" for _, count in days],
        whole_numbers=True,
    )


@lru_cache(maxsize=CACHED_CHARTS)
def _calibration_chart(marks: tuple[CalibrationMark, ...]) -> str:
    return calibration_chart(
        marks, title="Calibration: how often you were right at each level of confidence"
    )


@router.get("/progress/my-data.zip")
def download_my_data(request: Request, learner: Learner) -> Response:
    """Everything this browser's learner has, as CSV files in one zip."""
    data: LearnerData = request.app.state.learner_data
    return Response(
        data.export(learner=learner),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="gradquiz-my-data.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/progress/delete-my-data")
def delete_my_data(
    request: Request,
    learner: Learner,
    confirm: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Delete everything this browser's learner has, once they have ticked the box."""
    if confirm != "yes":
        raise InvalidInput("Tick the box to confirm that deleting cannot be undone.")
    data: LearnerData = request.app.state.learner_data
    data.delete(learner=learner)
    return see_other("/progress?deleted=1")

"""A class exam's results as rows: for the results page and its CSV downloads."""

import csv
import io
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi.responses import Response

from gradquiz.core.classes import ClassExam
from gradquiz.services.classes import Standing


def result_rows(exam: ClassExam, standings: list[Standing]) -> list[dict[str, Any]]:
    """One row per sitting (or per member who has not started), for the page and the CSV."""
    rows = []
    for standing in standings:
        member = standing.member
        base = {
            "username": member.username,
            "time_multiplier": f"{member.multiplier:g}",
            "extra_minutes": int(member.extra.total_seconds() // 60),
        }
        if not standing.sittings:
            empty = dict.fromkeys(["attempt", "started_at", "submitted_at", "submitted_by"], "")
            rows.append(
                {
                    **base,
                    **empty,
                    "score": "",
                    "total": len(exam.question_ids),
                    "minutes_used": "",
                    "seconds_used": None,
                }
            )
        for sitting in standing.sittings:
            used = (sitting.submitted_at - sitting.started_at) if sitting.submitted_at else None
            rows.append(
                {
                    **base,
                    "attempt": sitting.id,
                    "started_at": sitting.started_at.isoformat(timespec="seconds"),
                    "submitted_at": sitting.submitted_at.isoformat(timespec="seconds")
                    if sitting.submitted_at
                    else "",
                    "submitted_by": sitting.submitted_by.value if sitting.submitted_by else "",
                    "score": "" if sitting.score is None else sitting.score,
                    "total": sitting.total,
                    "minutes_used": minutes_used(used) if used else "",
                    "seconds_used": int(used.total_seconds()) if used else None,  # the page's
                }
            )
    return rows


def minutes_used(used: timedelta) -> str:
    """Minutes to one decimal, a half rounded up as the site rounds: 1,875 s is 31.3 (":.1f"
    took the half to even, 31.2)."""
    minutes = Decimal(str(used.total_seconds())) / 60
    return str(minutes.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def csv_download(filename: str, columns: list[str], rows: list[list[Any]]) -> Response:
    """The rows as a CSV file to download, never cached."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )

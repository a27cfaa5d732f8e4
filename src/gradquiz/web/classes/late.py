"""Late answers of a class exam, per learner, for the live and results pages.

A save that reached the server after its sitting's time ran out (sent from a device that
was offline) did not count; the instructor sees each question's newest one beside the
answer that counted, and decides.
"""

from collections.abc import Sequence
from typing import Any

from gradquiz.core.attempts import Attempt
from gradquiz.core.late_answers import LateAnswer
from gradquiz.services.classes import Standing
from gradquiz.web.exam.views import late_answer_views

LateSittings = Sequence[tuple[Attempt, list[LateAnswer]]]


def late_rows(standings: Sequence[Standing], late: LateSittings) -> list[dict[str, Any]]:
    """One row per question with a late answer, by learner then question number."""
    names = {s.member.owner: s.member.username for s in standings}
    rows = []
    for attempt, answers in late:
        for view in late_answer_views(attempt, answers):
            rows.append(
                {
                    "username": names.get(attempt.owner, "a learner no longer in the class"),
                    "attempt": attempt.id,
                    "submitted": attempt.is_submitted,
                    "number": view.number,
                    "chosen": view.chosen,
                    "marked": view.marked,
                    "untrusted_device_time": view.untrusted_device_time,
                    "received_at": view.received_at,
                    "counted": view.counted,
                }
            )
    rows.sort(key=lambda row: (str(row["username"]).casefold(), row["attempt"], row["number"]))
    return rows


def late_counts(late: LateSittings) -> dict[str, int]:
    """How many questions of each sitting (by attempt id) have a late answer."""
    return {attempt.id: len(late_answer_views(attempt, answers)) for attempt, answers in late}

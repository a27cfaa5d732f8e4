"""The live table of a class exam: each member's state, found, filtered and sorted.

The page and its refresh (`live.json`) take the same query parameters, so the table works
without JavaScript (a GET form and sortable column headers) and the script only fetches
the same view again:

- `q`: part of a username (case does not matter);
- `show`: `all`, `joined` (not started), `in-progress`, `submitted` or `extra-time`;
- `sort`: `name`, `state`, `answered`, `left` or `score`; `order`: `asc` or `desc`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from gradquiz.core.attempts import SubmitReason
from gradquiz.core.classes import ClassExam
from gradquiz.services.classes import Event, Sitting, Standing

STATES = {
    SubmitReason.LEARNER: "submitted",
    SubmitReason.DEADLINE: "submitted at deadline",
    SubmitReason.CLOSED: "submitted at the close",
    SubmitReason.ABANDONED: "abandoned",
}
SHOWS = {
    "all": "Everyone",
    "joined": "Joined, not started",
    "in-progress": "In progress",
    "submitted": "Submitted",
    "extra-time": "With extra time",
}
SORTS = {
    "name": "Learner",
    "state": "State",
    "answered": "Answered",
    "left": "Time left",
    "score": "Score",
}
# The live page's success notices by code, each with the log action it reports: the text
# comes from the log, never from the address, which anyone can write.
NOTICES = {"closed": "closed", "time": "extra time"}
_STATE_ORDER = ["joined", "in progress", "time up", *STATES.values()]
_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda row: row["username"].casefold(),
    "state": lambda row: _STATE_ORDER.index(row["state"]),
    "answered": lambda row: row["answered"],
    "left": lambda row: row["seconds_left"],
    "score": lambda row: -1 if row["score"] is None else row["score"],
}
_SHOWN: dict[str, Callable[[dict[str, Any]], bool]] = {
    "all": lambda row: True,
    "joined": lambda row: row["state"] == "joined",
    "in-progress": lambda row: row["state"] in ("in progress", "time up"),
    "submitted": lambda row: row["state"] in STATES.values(),
    "extra-time": lambda row: bool(row["extra"]),
}


@dataclass(frozen=True)
class TableView:
    """What the instructor asked the table to show: a search, a filter and a sort."""

    q: str = ""
    show: str = "all"
    sort: str = "name"
    order: str = "asc"

    @classmethod
    def of(cls, query: Mapping[str, str]) -> "TableView":
        """The view a page's query asks for; anything unknown falls back to the default."""
        show, sort = query.get("show", "all"), query.get("sort", "name")
        return cls(
            q=query.get("q", "").strip()[:32],
            show=show if show in SHOWS else "all",
            sort=sort if sort in SORTS else "name",
            order="desc" if query.get("order") == "desc" else "asc",
        )

    @property
    def narrowed(self) -> bool:
        """Whether some rows may be left out."""
        return bool(self.q) or self.show != "all"

    def query(self, **changes: str) -> str:
        """This view's query string with `changes`, leaving defaults out."""
        values = {"q": self.q, "show": self.show, "sort": self.sort, "order": self.order}
        values.update(changes)
        default = TableView()
        kept = {k: v for k, v in values.items() if v != getattr(default, k)}
        return "?" + urlencode(kept) if kept else "?"

    def sort_link(self, column: str) -> str:
        """The query that sorts by `column`, turning the order round if it sorts by it now."""
        order = "desc" if column == self.sort and self.order == "asc" else "asc"
        return self.query(sort=column, order=order)

    def aria_sort(self, column: str) -> str:
        """The column header's aria-sort value."""
        if column != self.sort:
            return "none"
        return "ascending" if self.order == "asc" else "descending"

    def apply(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows this view shows, in its order."""
        needle = self.q.casefold()
        shown = _SHOWN[self.show]
        kept = [r for r in rows if shown(r) and needle in r["username"].casefold()]
        name = _KEYS["name"]
        kept.sort(key=name)  # ties in any column keep the usernames' order
        if self.sort != "name" or self.order == "desc":
            kept.sort(key=_KEYS[self.sort], reverse=self.order == "desc")
        return kept


def state(sitting: Sitting | None, now: datetime) -> str:
    """Where a member's latest sitting stands, in words."""
    if sitting is None:
        return "joined"
    if sitting.submitted_at is None:
        return "in progress" if now < sitting.deadline else "time up"
    return STATES[sitting.submitted_by or SubmitReason.DEADLINE]


def live_table(
    exam: ClassExam,
    standings: list[Standing],
    now: datetime,
    view: TableView,
    late: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The counts over every member, and the rows `view` shows; `late` counts each
    sitting's questions with an answer that arrived after its time ran out."""
    late = late or {}
    rows = []
    counts = {"joined": len(standings), "started": 0, "in_progress": 0, "submitted": 0}
    for standing in standings:
        latest, member = standing.latest, standing.member
        if latest is not None:
            counts["started"] += 1
            counts["in_progress" if latest.submitted_at is None else "submitted"] += 1
        left = (latest.deadline - now).total_seconds() if latest and not latest.submitted_at else 0
        rows.append(
            {
                "username": member.username,
                "state": state(latest, now),
                "answered": latest.answered if latest else 0,
                "late": late.get(latest.id, 0) if latest else 0,
                "total": latest.total if latest else len(exam.question_ids),
                "seconds_left": max(0, int(left)),
                "score": latest.score if latest else None,
                "extra": member.multiplier != 1 or bool(member.extra),
            }
        )
    shown = view.apply(rows)
    return {
        "window": exam.window(now).value,
        "closes": exam.closes.isoformat(),
        "counts": counts,
        "shown": len(shown),
        "rows": shown,
    }


def notice_text(code: str, events: list[Event]) -> str:
    """The success message a notice code stands for, with details from the log (never from
    the address, which anyone can write)."""
    action = NOTICES.get(code)
    last = next((e for e in reversed(events) if e.action == action), None)
    if last is None:
        return ""
    if code == "closed":
        return (
            f"Closed: {last.detail}. Each was submitted with the answers saved so far, and its"
            " learner is told that you closed the exam."
        )
    return f"Extra time set: {last.detail}."


def time_form(standings: list[Standing], username: str) -> dict[str, str]:
    """The extra-time form, filled in with a member's current time if one was picked."""
    key = username.casefold()
    member = next((s.member for s in standings if s.member.username.casefold() == key), None)
    if member is None:
        return {"username": "", "multiplier": "1", "extra_minutes": "0"}
    return {
        "username": member.username,
        "multiplier": f"{member.multiplier:g}",
        "extra_minutes": str(int(member.extra.total_seconds() // 60)),
    }

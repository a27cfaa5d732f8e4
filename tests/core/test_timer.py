from datetime import UTC, datetime, timedelta

from gradquiz.core.timer import accepts_saves, deadline_for, is_overdue, remaining

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GRACE = timedelta(seconds=15)


def test_deadline_is_start_plus_minutes() -> None:
    assert deadline_for(START, 25) == START + timedelta(minutes=25)


def test_remaining_counts_down_and_stops_at_zero() -> None:
    deadline = deadline_for(START, 25)
    assert remaining(deadline, START) == timedelta(minutes=25)
    assert remaining(deadline, START + timedelta(minutes=24, seconds=30)) == timedelta(seconds=30)
    assert remaining(deadline, deadline + timedelta(hours=1)) == timedelta(0)


def test_saves_are_accepted_through_the_grace_and_refused_after() -> None:
    deadline = deadline_for(START, 25)
    assert accepts_saves(deadline, deadline, GRACE)
    assert accepts_saves(deadline, deadline + GRACE, GRACE)
    assert not accepts_saves(deadline, deadline + GRACE + timedelta(microseconds=1), GRACE)
    assert is_overdue(deadline, deadline + GRACE + timedelta(seconds=1), GRACE)
    assert not is_overdue(deadline, deadline, GRACE)

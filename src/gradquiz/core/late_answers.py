"""Answers that reach the server after an attempt's time ran out: refused, but kept.

A learner who lost the network sends the choices kept on the device when it comes back. A
save arriving after the deadline and its grace does not count (the server holds the
deadline), but it is kept as late, with the time the device says it was made (the device's
clock is not trusted), so an instructor can see it and decide.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gradquiz.core.attempts import Attempt, SubmitReason
from gradquiz.core.timer import accepts_saves

# Late saves kept per attempt: a device holds at most a few per question, and anything past
# this is refused without being kept, so a looping client cannot fill the database.
LATE_ANSWERS_PER_ATTEMPT = 200


@dataclass(frozen=True)
class LateAnswer:
    """One save refused because the attempt's time had run out, as it arrived."""

    question_id: str
    option_id: str | None
    marked: bool
    seq: int
    received_at: datetime
    # What the learner's device said the time was when the choice was made: not verified.
    untrusted_device_time: datetime | None


def arrives_late(attempt: Attempt, now: datetime, grace: timedelta) -> bool:
    """Whether a save arriving at `now` is refused because time ran out (the deadline and
    its grace passed, or the instructor closed the exam), rather than because the learner
    had submitted or abandoned the attempt."""
    if attempt.submitted_by in (SubmitReason.LEARNER, SubmitReason.ABANDONED):
        return False
    if attempt.submitted_by is SubmitReason.CLOSED:
        return True
    return not accepts_saves(attempt.deadline, now, grace)


def last_per_question(late: Iterable[LateAnswer]) -> dict[str, LateAnswer]:
    """The newest late save of each question (highest seq, then the latest to arrive)."""
    newest: dict[str, LateAnswer] = {}
    for answer in late:
        held = newest.get(answer.question_id)
        if held is None or (answer.seq, answer.received_at) >= (held.seq, held.received_at):
            newest[answer.question_id] = answer
    return newest

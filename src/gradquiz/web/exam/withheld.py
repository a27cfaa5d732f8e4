"""What a class attempt's result shows while the class's review policy withholds its keys."""

from collections.abc import Collection

from gradquiz.core.attempts import Attempt
from gradquiz.core.classes import Disclosure
from gradquiz.core.scoring import Result
from gradquiz.errors import Withheld
from gradquiz.web.api.schemas import MarkOut, WithheldOut


def withheld_out(withheld: Withheld, held: Collection[str] = ()) -> WithheldOut:
    """What a class attempt's review policy shows now: the score, and marks if it allows, but
    none for the questions another class's open window holds back (`held`)."""
    attempt: Attempt = withheld.attempt
    result: Result = withheld.result
    marks = withheld.shown == Disclosure.MARKS
    assert attempt.submitted_at is not None  # a result is withheld only once submitted
    return WithheldOut(
        attempt_id=attempt.id,
        disclosure=str(withheld.shown),
        score=result.score.correct,
        total=result.score.total,
        marks=[
            MarkOut(number=n, correct=o.correct)
            for n, (slot, o) in enumerate(zip(attempt.slots, result.outcomes, strict=True), 1)
            if marks and slot.question_id not in held
        ],
        message=withheld.message,
        everything_from=withheld.everything_from,
        submitted_by=attempt.submitted_by.value if attempt.submitted_by else "",
        submitted_at=attempt.submitted_at,
    )

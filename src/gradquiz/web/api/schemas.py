"""JSON shapes of the API. An open attempt's shape has no field for the key or feedback."""

from datetime import UTC, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from gradquiz.core.scoring import Tally
from gradquiz.web.exam.views import AttemptView, ResultView


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class OptionOut(_Out):
    label: str = Field(description="The option's letter in this attempt's shuffled order.")
    html: str


class QuestionOut(_Out):
    number: int = Field(
        description="The question's number in this attempt; it names it in every call."
    )
    topic: str
    difficulty: str
    stem_html: str
    options: list[OptionOut]
    chosen: str | None = Field(description="Letter of the saved choice, if any.")
    marked: bool = Field(description="Marked for review.")
    next_seq: int = Field(description="The `seq` to send with the next save of this question.")


class AttemptOut(_Out):
    id: str
    started_at: datetime
    deadline: datetime
    remaining_seconds: int
    submitted: bool
    answered: int
    questions: list[QuestionOut]

    @classmethod
    def of(cls, view: AttemptView) -> "AttemptOut":
        """Serialise an attempt view."""
        return cls(
            id=view.id,
            started_at=view.started_at,
            deadline=view.deadline,
            remaining_seconds=view.remaining_seconds,
            submitted=view.submitted,
            answered=view.answered,
            questions=[
                QuestionOut(
                    number=q.number,
                    topic=q.topic,
                    difficulty=q.difficulty,
                    stem_html=q.stem_html,
                    options=[OptionOut(label=o.label, html=o.html) for o in q.options],
                    chosen=q.chosen,
                    marked=q.marked,
                    next_seq=q.next_seq,
                )
                for q in view.questions
            ],
        )


# Text a person types holds no control character. Saying so in the schema keeps a NUL byte (the
# request guard refuses it with a 400 before validation) out of what the API documents as valid.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option: str | None = Field(
        description="Letter of the chosen option, or null to clear the choice.",
        max_length=8,
        pattern=NO_CONTROL_CHARACTERS,
    )
    marked: bool = Field(default=False, description="Mark the question for review.")
    seq: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description=(
            "Order of this save among the saves of the question: one lower than the answer "
            "held is older and changes nothing. Leave it out to count as the newest."
        ),
    )
    device_time: AwareDatetime | None = Field(
        default=None,
        description=(
            "When the choice was made, by the device's clock (ISO 8601 with its offset). Not"
            " trusted: kept only with a save that arrives after the deadline (which is refused"
            " and stored as late, for the instructor to see); a time outside the years 2000 to"
            " 2999 (UTC) is kept as not given."
        ),
    )

    @field_validator("device_time")
    @classmethod
    def _in_range(cls, value: datetime | None) -> datetime | None:
        # A device's clock proves nothing, so a time no clock should show is dropped, not
        # refused: the save itself still counts or is kept as late.
        if value is None:
            return None
        try:
            in_utc = value.astimezone(UTC)
        except OverflowError:  # a year 1 or 9999 time pushed past the calendar by its offset
            return None
        return in_utc if 2000 <= in_utc.year <= 2999 else None


class SavedOut(_Out):
    number: int
    option: str | None = Field(description="Letter of the answer now held.")
    marked: bool
    seq: int = Field(description="Order of the answer now held.")
    applied: bool = Field(
        description="Whether this save changed the answer held (false: it was older, or the"
        " held save sent again)."
    )
    saved_at: datetime
    answered: int


class TallyOut(_Out):
    name: str
    correct: int
    total: int
    percent: int


class ReviewedOptionOut(_Out):
    label: str
    html: str
    chosen: bool
    key: bool
    feedback_html: str


class CitationOut(_Out):
    text: str
    url: str | None


class ReviewedQuestionOut(_Out):
    number: int
    topic: str
    difficulty: str
    stem_html: str
    options: list[ReviewedOptionOut]
    chosen: str | None
    key: str = Field(description="Letter of the key; empty while the question is held back.")
    correct: bool | None = Field(description="Right or wrong; null while held back.")
    explanation_html: str
    reference: str
    citations: list[CitationOut]
    held_until: datetime | None = Field(
        default=None,
        description=(
            "Set while a class exam that asks this question is open: its key, mark, feedback "
            "and explanation are held back until then."
        ),
    )


SUBMITTED_BY = (
    "Who ended the attempt: learner, deadline, abandoned (for a new exam), or closed (the"
    " instructor closed the class exam early)."
)


class LateAnswerOut(_Out):
    number: int
    chosen: str | None = Field(description="Letter the device sent after the deadline.")
    marked: bool
    device_time: datetime | None = Field(
        description="When the device says the choice was made: its own clock, not checked."
    )
    received_at: datetime = Field(description="When the save reached the server.")
    counted: str | None = Field(
        description="Letter the server held at the deadline, which counted."
    )


class ResultOut(_Out):
    attempt_id: str
    submitted_at: datetime
    submitted_by: str = Field(description=SUBMITTED_BY)
    score: int
    total: int
    percent: int
    by_difficulty: list[TallyOut]
    by_topic: list[TallyOut]
    questions: list[ReviewedQuestionOut]
    counted: list[int] = Field(
        description="Numbers of the questions whose answer counted (held when it was graded)."
    )
    late_answers: list[LateAnswerOut] = Field(
        description=(
            "Each question's newest save that reached the server after time ran out: refused,"
            " kept, and not counted."
        )
    )

    @classmethod
    def of(cls, view: ResultView) -> "ResultOut":
        """Serialise a result view."""
        return cls(
            attempt_id=view.attempt_id,
            submitted_at=view.submitted_at,
            submitted_by=view.submitted_by,
            score=view.score.correct,
            total=view.score.total,
            percent=view.score.percent,
            by_difficulty=[_tally(b.name, b.tally) for b in view.by_difficulty],
            by_topic=[_tally(b.name, b.tally) for b in view.by_topic],
            questions=[
                ReviewedQuestionOut(
                    number=q.number,
                    topic=q.topic_name,
                    difficulty=q.difficulty,
                    stem_html=q.stem_html,
                    options=[
                        ReviewedOptionOut(
                            label=o.label,
                            html=o.html,
                            chosen=o.chosen,
                            key=o.key,
                            feedback_html=o.feedback_html,
                        )
                        for o in q.options
                    ],
                    chosen=q.chosen,
                    key=q.key,
                    correct=q.correct,
                    explanation_html=q.explanation_html,
                    reference=q.reference,
                    citations=[CitationOut(text=c.text, url=c.url) for c in q.citations],
                    held_until=q.held_until,
                )
                for q in view.questions
            ],
            counted=list(view.counted),
            late_answers=[
                LateAnswerOut(
                    number=late.number,
                    chosen=late.chosen,
                    marked=late.marked,
                    device_time=late.untrusted_device_time,
                    received_at=late.received_at,
                    counted=late.counted,
                )
                for late in view.late
            ],
        )


def _tally(name: str, tally: Tally) -> TallyOut:
    return TallyOut(
        name=name,
        correct=tally.correct,
        total=tally.total,
        percent=tally.percent,
    )


class ErrorBody(_Out):
    status: int
    message: str


class ErrorOut(_Out):
    error: ErrorBody


class MarkOut(_Out):
    number: int
    correct: bool


class WithheldOut(_Out):
    """A class attempt's result while the class's review policy withholds its keys."""

    attempt_id: str
    disclosure: str = Field(description="What the policy shows now: score, or marks too.")
    score: int
    total: int
    marks: list[MarkOut] = Field(description="Right or wrong per question (policy 'marks').")
    message: str
    everything_from: datetime | None = Field(
        description="When keys, feedback and explanations are shown, if they will be."
    )
    submitted_by: str = Field(description=SUBMITTED_BY)
    submitted_at: datetime


class ClassJoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        max_length=32, pattern=NO_CONTROL_CHARACTERS, description="The class exam's join code."
    )


class ClassOut(_Out):
    id: str
    title: str
    opens_at: datetime
    closes_at: datetime
    minutes: int
    questions: int
    attempts_allowed: int
    window: str


def documented_errors(texts: dict[int, str]) -> dict[int | str, dict[str, object]]:
    """OpenAPI `responses` for a router: each status with the ErrorOut body and its meaning."""
    return {code: {"model": ErrorOut, "description": text} for code, text in texts.items()}

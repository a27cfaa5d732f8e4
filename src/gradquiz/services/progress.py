"""Progress: mastery per topic and its trend, exam history, what is due day by day, and
calibration, all read from the learner's own history at the moment the clock gives."""

from dataclasses import dataclass, field
from datetime import date, datetime

from gradquiz.core.answers import AnsweredQuestion, Confidence
from gradquiz.core.packs import Pack
from gradquiz.core.progress import (
    MASTERY_WINDOW,
    CalibrationPoint,
    Trend,
    calibration,
    mastery,
    mastery_trend,
)
from gradquiz.core.scheduling import due_by_day
from gradquiz.core.scoring import Tally
from gradquiz.services.clock import Clock, utc_now
from gradquiz.storage import attempts as attempt_store
from gradquiz.storage import review as review_store
from gradquiz.storage.database import Database


@dataclass(frozen=True)
class Progress:
    """Everything the progress page shows, topics in the pack's order."""

    now: datetime
    answers: int
    window: int
    mastery: tuple[tuple[str, Tally], ...]
    trend: Trend
    exams: tuple[attempt_store.PastAttempt, ...]
    due_by_day: tuple[tuple[date, int], ...]
    calibration: tuple[CalibrationPoint, ...]


@dataclass
class ProgressService:
    """Reads one learner's history and turns it into their progress."""

    database: Database
    pack: Pack
    clock: Clock = utc_now
    # Options per question id, counted once (a generated question's by running it once).
    _options: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    def progress(self, *, learner: str | None) -> Progress:
        """The learner's progress now (empty for a browser with no history)."""
        now = self.clock()
        history: list[AnsweredQuestion] = []
        exams: list[attempt_store.PastAttempt] = []
        dues: list[datetime] = []
        typed: set[tuple[str, datetime]] = set()
        if learner is not None:
            pack_id = self.pack.id
            with self.database.read() as session:
                history = review_store.load_history(session=session, owner=learner, pack_id=pack_id)
                exams = attempt_store.past_attempts(session=session, owner=learner, pack_id=pack_id)
                dues = review_store.due_times(session=session, owner=learner, pack_id=pack_id)
                typed = review_store.typed_guesses(session=session, owner=learner)
        by_topic = mastery(history)
        trend = mastery_trend(history, now)
        order = [topic.id for topic in self.pack.topics]
        return Progress(
            now=now,
            answers=len(history),
            window=MASTERY_WINDOW,
            mastery=tuple((topic, by_topic[topic]) for topic in order if topic in by_topic),
            trend=Trend(
                trend.week_ends,
                {topic: trend.by_topic[topic] for topic in order if topic in trend.by_topic},
            ),
            exams=tuple(exams),
            due_by_day=tuple(due_by_day(dues, now)),
            calibration=calibration(history, self._option_counts(history), typed),
        )

    def _option_counts(self, history: list[AnsweredQuestion]) -> dict[str, int]:
        """How many options each question answered as a guess has (a generated question's
        from one variant: a generator always offers the same number)."""
        guessed = {a.question_id for a in history if a.confidence is Confidence.GUESSING}
        counts = {}
        for question_id in guessed:
            if question_id not in self._options:
                question = self.pack.questions.get(question_id)
                if question is None:  # no longer in the pack: the default stands
                    continue
                shown = question.resolve(0) if question.parametrized else question
                self._options[question_id] = len(shown.options)
            counts[question_id] = self._options[question_id]
        return counts

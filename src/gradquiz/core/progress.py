"""Progress read from a learner's answer history (oldest first): mastery per topic, its trend
week by week, and calibration of stated confidence against answers. `now` is passed in."""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from gradquiz.core.answers import AnsweredQuestion, Confidence
from gradquiz.core.scoring import Tally

# Mastery of a topic is the share right among its last MASTERY_WINDOW answers.
MASTERY_WINDOW = 20
TREND_WEEKS = 8
# Options assumed for a question whose count is not given (most questions of the built-in
# pack have four; its gate questions have three).
DEFAULT_OPTIONS = 4
# The chance of being right each confidence level claims: sure is "about 9 in 10", unsure
# "better than even"; guessing claims a blind guess's chance, one in the number of options
# the question had (1 in 4 is only right for four), so `calibration` works it out per answer.
STATED_CHANCE = {
    Confidence.GUESSING: 1 / DEFAULT_OPTIONS,
    Confidence.UNSURE: 0.6,
    Confidence.SURE: 0.9,
}


# What a guess typed as a number claims: no options were shown, and a blind number within
# 1 % of the answer is a long shot.
TYPED_GUESS_CHANCE = 0.0


def guess_chance(options: int) -> float:
    """The chance of a blind guess being right among `options` options."""
    return 1 / options


def mastery(history: Sequence[AnsweredQuestion], last: int = MASTERY_WINDOW) -> dict[str, Tally]:
    """Per topic, right out of the `last` most recent answers on it."""
    by_topic: dict[str, list[bool]] = defaultdict(list)
    for answer in history:
        by_topic[answer.topic].append(answer.correct)
    return {topic: _tally(results[-last:]) for topic, results in by_topic.items()}


def _tally(results: Sequence[bool]) -> Tally:
    return Tally(correct=sum(results), total=len(results))


@dataclass(frozen=True)
class Trend:
    """Mastery at the end of each of the last weeks (oldest first), per topic; None for a
    topic with no answer yet by then."""

    week_ends: tuple[datetime, ...]
    by_topic: dict[str, tuple[Tally | None, ...]]


def mastery_trend(
    history: Sequence[AnsweredQuestion],
    now: datetime,
    *,
    weeks: int = TREND_WEEKS,
    last: int = MASTERY_WINDOW,
) -> Trend:
    """Mastery as it stood at `now` and at each of the `weeks - 1` weeks before it."""
    ends = tuple(now - timedelta(weeks=back) for back in range(weeks - 1, -1, -1))
    times = [answer.answered_at for answer in history]
    snapshots = [mastery(history[: bisect_right(times, end)], last) for end in ends]
    topics = sorted({answer.topic for answer in history})
    return Trend(
        week_ends=ends,
        by_topic={topic: tuple(snapshot.get(topic) for snapshot in snapshots) for topic in topics},
    )


@dataclass(frozen=True)
class CalibrationPoint:
    """One confidence level: the chance it claims, and right out of the answers given with it."""

    confidence: Confidence
    stated: float
    tally: Tally

    @property
    def observed(self) -> float | None:
        """The share right, or None with no answers at this level."""
        return self.tally.correct / self.tally.total if self.tally.total else None


def calibration(
    history: Sequence[AnsweredQuestion],
    options: Mapping[str, int] | None = None,
    typed: Collection[tuple[str, datetime]] = (),
) -> tuple[CalibrationPoint, ...]:
    """For each confidence level, from guessing to sure, how often the learner was right.

    `options` gives the number of options of each question (DEFAULT_OPTIONS where it does
    not say): guessing claims a blind guess's chance, 1/k on a question of k options,
    averaged over the answers given as guesses (1/DEFAULT_OPTIONS with none yet). An answer
    typed as a number rather than chosen, (question id, answered at) in `typed`, saw no
    options: a blind typed number is almost never within 1 %, so such a guess claims 0.
    """
    counts = options or {}
    typed_answers = set(typed)
    points = []
    for level, stated in STATED_CHANCE.items():
        answers = [a for a in history if a.confidence is level]
        if level is Confidence.GUESSING:
            chances = [
                TYPED_GUESS_CHANCE
                if (a.question_id, a.answered_at) in typed_answers
                else guess_chance(counts.get(a.question_id, DEFAULT_OPTIONS))
                for a in answers
            ]
            stated = fmean(chances) if chances else guess_chance(DEFAULT_OPTIONS)
        points.append(
            CalibrationPoint(
                confidence=level, stated=stated, tally=_tally([a.correct for a in answers])
            )
        )
    return tuple(points)

import random
from datetime import timedelta

from gradquiz.core.attempts import start_attempt
from gradquiz.core.packs import Pack
from gradquiz.core.questions import Difficulty
from gradquiz.core.scoring import Tally, grade_answer, grade_attempt
from tests.factories import FrozenClock

GRACE = timedelta(seconds=15)


def test_grade_answer_matches_only_the_key(pack: Pack) -> None:
    question = next(q for q in pack.questions.values() if not q.parametrized)
    assert grade_answer(question, question.key)
    assert not grade_answer(question, None)
    for option_id in question.option_ids:
        if option_id != question.key:
            assert not grade_answer(question, option_id)


def test_grade_attempt_counts_and_breaks_down(pack: Pack) -> None:
    clock = FrozenClock()
    attempt = start_attempt(attempt_id="a", owner="o", pack=pack, rng=random.Random(1), now=clock())
    right = []
    for index, slot in enumerate(attempt.slots):
        question = pack.questions[slot.question_id].resolve(slot.seed)
        if index % 3 == 0:
            continue  # left unanswered
        wrong = next(o for o in question.option_ids if o != question.key)
        choice = question.key if index % 3 == 1 else wrong
        attempt.record_answer(slot.question_id, choice, False, now=clock(), grace=GRACE)
        if choice == question.key:
            right.append(question)
    shown = [pack.questions[s.question_id].resolve(s.seed) for s in attempt.slots]
    result = grade_attempt(attempt, shown)
    assert result.score == Tally(correct=len(right), total=15)
    for difficulty in Difficulty:
        expected = sum(1 for q in right if q.difficulty == difficulty)
        assert result.by_difficulty[difficulty].correct == expected
        assert result.by_difficulty[difficulty].total == pack.blueprint.counts[difficulty]
    assert sum(t.total for t in result.by_topic.values()) == 15
    assert sum(t.correct for t in result.by_topic.values()) == len(right)


def test_tally_percent_rounds_and_handles_empty() -> None:
    assert Tally(2, 3).percent == 67
    assert Tally(0, 0).percent == 0

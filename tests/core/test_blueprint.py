import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradquiz.core.blueprint import disjoint_exam_count, draw_questions, unfillable_reason
from gradquiz.core.packs import Blueprint, Pack
from gradquiz.core.questions import Difficulty, Option, Question
from gradquiz.errors import BlueprintUnfillable

TOPICS = ("chain-rule", "gradient-descent", "computation-graph", "vanishing-gradient")
BLUEPRINT = Blueprint(
    counts={Difficulty.EASY: 5, Difficulty.MEDIUM: 6, Difficulty.HARD: 4}, required_topics=TOPICS
)


def make_question(qid: str, topic: str, difficulty: Difficulty) -> Question:
    options = tuple(Option(id=i, text=i, feedback="why") for i in "abcd")
    return Question(qid, topic, difficulty, "stem", options, "a", "because", "ref")


def bank_from(cells: dict[tuple[str, Difficulty], int]) -> list[Question]:
    return [
        make_question(f"{topic}-{difficulty.value}-{n}", topic, difficulty)
        for (topic, difficulty), count in cells.items()
        for n in range(count)
    ]


def assert_follows_blueprint(drawn: list[Question], blueprint: Blueprint) -> None:
    assert len(drawn) == blueprint.size
    assert len({q.id for q in drawn}) == len(drawn), "a question repeats"
    assert Counter(q.difficulty for q in drawn) == Counter(blueprint.counts)
    assert set(blueprint.required_topics) <= {q.topic for q in drawn}
    order = list(Difficulty)
    assert [order.index(q.difficulty) for q in drawn] == sorted(
        order.index(q.difficulty) for q in drawn
    )


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**64))
def test_every_draw_from_the_real_bank_follows_the_blueprint(seed: int, pack: Pack) -> None:
    drawn = draw_questions(pack.questions.values(), pack.blueprint, random.Random(seed))
    assert_follows_blueprint(drawn, pack.blueprint)


# A bank where each topic appears in only some difficulties, chosen by hypothesis.
cell_counts = st.dictionaries(
    keys=st.tuples(st.sampled_from(TOPICS), st.sampled_from(list(Difficulty))),
    values=st.integers(min_value=1, max_value=7),
    min_size=1,
)


@settings(max_examples=300, deadline=None)
@given(cells=cell_counts, seed=st.integers(min_value=0, max_value=2**32))
def test_draw_succeeds_exactly_when_the_bank_can_fill_the_blueprint(
    cells: dict[tuple[str, Difficulty], int], seed: int
) -> None:
    bank = bank_from(cells)
    reason = unfillable_reason(bank, BLUEPRINT)
    if reason is None:
        assert_follows_blueprint(draw_questions(bank, BLUEPRINT, random.Random(seed)), BLUEPRINT)
    else:
        with pytest.raises(BlueprintUnfillable):
            draw_questions(bank, BLUEPRINT, random.Random(seed))


def test_topic_coverage_is_found_when_only_one_assignment_works() -> None:
    # Three topics have only hard questions and the blueprint allows four hard ones, so
    # the fourth topic must take its anchor from easy or medium.
    cells = {(t, Difficulty.HARD): 1 for t in TOPICS[:3]}
    cells[(TOPICS[3], Difficulty.HARD)] = 1
    cells[(TOPICS[3], Difficulty.EASY)] = 5
    cells[(TOPICS[3], Difficulty.MEDIUM)] = 6
    for seed in range(50):
        assert_follows_blueprint(
            draw_questions(bank_from(cells), BLUEPRINT, random.Random(seed)), BLUEPRINT
        )


def test_unfillable_bank_names_the_shortfall() -> None:
    cells = {(t, d): 1 for t in TOPICS for d in Difficulty}
    reason = unfillable_reason(bank_from(cells), BLUEPRINT)
    assert reason is not None and "medium: needs 6, bank has 4" in reason


def test_missing_topic_is_named() -> None:
    cells = {(t, d): 3 for t in TOPICS[:3] for d in Difficulty}
    reason = unfillable_reason(bank_from(cells), BLUEPRINT)
    assert reason is not None and "vanishing-gradient" in reason


def test_same_seed_same_draw_and_seeds_vary_the_draw(pack: Pack) -> None:
    def ids(seed: int) -> list[str]:
        return [
            q.id
            for q in draw_questions(pack.questions.values(), pack.blueprint, random.Random(seed))
        ]

    assert ids(7) == ids(7)
    assert len({tuple(ids(seed)) for seed in range(20)}) > 1


def test_200_random_exams_follow_the_blueprint_without_repeats(pack: Pack) -> None:
    rng = random.Random(2026)
    for _ in range(200):
        assert_follows_blueprint(
            draw_questions(pack.questions.values(), pack.blueprint, rng), pack.blueprint
        )


def test_a_retake_meets_unseen_questions_first(pack: Pack) -> None:
    rng = random.Random(11)
    seen: set[str] = set()
    for _ in range(4):
        drawn = draw_questions(pack.questions.values(), pack.blueprint, rng, seen)
        assert_follows_blueprint(drawn, pack.blueprint)
        assert not seen & {q.id for q in drawn}, (
            "an unseen question was available but a seen one came back"
        )
        seen |= {q.id for q in drawn}


def test_seen_questions_fill_in_when_unseen_ones_run_out() -> None:
    cells = {(t, d): 2 for t in TOPICS for d in Difficulty}
    bank = bank_from(cells)
    seen = {q.id for q in bank[: len(bank) - 3]}
    drawn = draw_questions(bank, BLUEPRINT, random.Random(1), seen)
    assert_follows_blueprint(drawn, BLUEPRINT)
    assert {q.id for q in bank[-3:]} <= {q.id for q in drawn}


def test_disjoint_exam_count() -> None:
    cells = {(t, d): 4 for t in TOPICS for d in Difficulty}
    assert disjoint_exam_count(bank_from(cells), BLUEPRINT, target=4) == 2
    cells = {(t, d): 5 for t in TOPICS for d in Difficulty}
    assert disjoint_exam_count(bank_from(cells), BLUEPRINT, target=4) == 3


def test_questions_that_exclude_each_other_are_not_drawn_together() -> None:
    cells = {(t, d): 3 for t in TOPICS for d in Difficulty}
    bank = bank_from(cells)
    first, second = bank[0], bank[1]  # same topic and difficulty
    bank[0] = replace(first, excludes=frozenset({second.id}))
    for seed in range(200):
        ids = {q.id for q in draw_questions(bank, BLUEPRINT, random.Random(seed))}
        assert not {first.id, second.id} <= ids


def test_builtin_exclusions_hold_in_every_draw(pack: Pack) -> None:
    rng = random.Random(5)
    for _ in range(200):
        drawn = draw_questions(pack.questions.values(), pack.blueprint, rng)
        ids = {q.id for q in drawn}
        for question in drawn:
            assert not question.excludes & ids, question.id

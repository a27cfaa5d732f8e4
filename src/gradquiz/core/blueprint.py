"""Drawing an exam from the bank by difficulty split and topic coverage."""

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from gradquiz.core.packs import Blueprint
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import BlueprintUnfillable


def draw_questions(
    bank: Iterable[Question], blueprint: Blueprint, rng: random.Random
) -> list[Question]:
    """Draw one exam: the blueprint's count per difficulty, every required topic at least once.

    The questions come back easiest first, in random order within each difficulty.
    """
    questions = sorted(bank, key=lambda q: q.id)
    anchors = _topic_difficulties(questions, blueprint, rng)
    if anchors is None:
        raise BlueprintUnfillable(_shortfall(questions, blueprint))
    chosen: list[Question] = []
    for topic, difficulty in anchors.items():
        pool = [q for q in questions if q.topic == topic and q.difficulty == difficulty]
        chosen.append(rng.choice(pool))
    for difficulty, count in blueprint.counts.items():
        have = sum(1 for q in chosen if q.difficulty == difficulty)
        taken = {q.id for q in chosen}
        pool = [q for q in questions if q.difficulty == difficulty and q.id not in taken]
        chosen.extend(rng.sample(pool, count - have))
    rng.shuffle(chosen)
    order = list(Difficulty)
    return sorted(chosen, key=lambda q: order.index(q.difficulty))


def unfillable_reason(bank: Iterable[Question], blueprint: Blueprint) -> str | None:
    """Why no exam can be drawn from `bank`, or None when one can."""
    questions = list(bank)
    if _topic_difficulties(questions, blueprint, random.Random(0)) is not None:
        return None
    return _shortfall(questions, blueprint)


def _topic_difficulties(
    questions: Sequence[Question], blueprint: Blueprint, rng: random.Random
) -> dict[str, Difficulty] | None:
    """Pick a difficulty for each required topic's anchor question, within the blueprint.

    Any difficulty whose bank holds enough questions can take the rest of its slots from
    the remaining questions, so the only search needed is over the topics' anchors.
    """
    available = Counter(q.difficulty for q in questions)
    if any(available[d] < n for d, n in blueprint.counts.items()):
        return None
    present = {(q.topic, q.difficulty) for q in questions}
    topics = list(blueprint.required_topics)
    assigned: dict[str, Difficulty] = {}
    used: Counter[Difficulty] = Counter()

    def place(index: int) -> bool:
        if index == len(topics):
            return True
        topic = topics[index]
        choices = [d for d in blueprint.counts if (topic, d) in present]
        rng.shuffle(choices)
        for difficulty in choices:
            if used[difficulty] < blueprint.counts[difficulty]:
                assigned[topic] = difficulty
                used[difficulty] += 1
                if place(index + 1):
                    return True
                used[difficulty] -= 1
                del assigned[topic]
        return False

    return assigned if place(0) else None


def _shortfall(questions: Sequence[Question], blueprint: Blueprint) -> str:
    """Say why the blueprint cannot be filled, in terms an author can act on."""
    available = Counter(q.difficulty for q in questions)
    short = [
        f"{d.value}: needs {n}, bank has {available[d]}"
        for d, n in blueprint.counts.items()
        if available[d] < n
    ]
    if short:
        return "The bank cannot fill the blueprint (" + "; ".join(short) + ")."
    topics = {q.topic for q in questions}
    missing = [t for t in blueprint.required_topics if t not in topics]
    if missing:
        return "The bank has no question on topic(s): " + ", ".join(missing) + "."
    return "The bank cannot cover every required topic within the blueprint's difficulty counts."

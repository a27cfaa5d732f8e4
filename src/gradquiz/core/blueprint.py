"""Drawing an exam from the bank by difficulty split and topic coverage."""

import random
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from gradquiz.core.packs import Blueprint
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import BlueprintUnfillable


def draw_questions(
    bank: Iterable[Question],
    blueprint: Blueprint,
    rng: random.Random,
    seen: Collection[str] = frozenset(),
) -> list[Question]:
    """Draw one exam: the blueprint's count per difficulty, every required topic at least once.

    Questions whose ids are in `seen` are used only where unseen ones run out, so a retake
    meets new questions first. Two questions where one `excludes` the other (because one
    would give the other away) are not drawn together while the bank has alternatives.
    They come back easiest first, shuffled within a difficulty.
    """
    questions = sorted(bank, key=lambda q: q.id)
    fresh_cells = {(q.topic, q.difficulty) for q in questions if q.id not in seen}
    anchors = _topic_difficulties(questions, blueprint, rng, fresh_cells)
    if anchors is None:
        raise BlueprintUnfillable(_shortfall(questions, blueprint))
    chosen: list[Question] = []
    for topic, difficulty in anchors.items():
        pool = [q for q in questions if q.topic == topic and q.difficulty == difficulty]
        chosen.extend(_sample_unseen_first(_compatible(pool, chosen, 1), 1, seen, rng))
    for difficulty, count in blueprint.counts.items():
        have = sum(1 for q in chosen if q.difficulty == difficulty)
        taken = {q.id for q in chosen}
        pool = [q for q in questions if q.difficulty == difficulty and q.id not in taken]
        for _ in range(count - have):
            chosen.extend(_sample_unseen_first(_compatible(pool, chosen, 1), 1, seen, rng))
            pool = [q for q in pool if q.id != chosen[-1].id]
    rng.shuffle(chosen)
    order = list(Difficulty)
    return sorted(chosen, key=lambda q: order.index(q.difficulty))


def disjoint_exam_count(
    bank: Iterable[Question], blueprint: Blueprint, *, target: int, tries: int = 20
) -> int:
    """How many exams (up to `target`) can be drawn in a row without reusing a question.

    Greedy draws from several seeds; the best run is a witness, so the answer never
    overstates what the bank can do.
    """
    questions = list(bank)
    best = 0
    for seed in range(tries):
        rng, remaining, count = random.Random(seed), questions, 0
        while count < target and unfillable_reason(remaining, blueprint) is None:
            drawn = {q.id for q in draw_questions(remaining, blueprint, rng)}
            remaining = [q for q in remaining if q.id not in drawn]
            count += 1
        best = max(best, count)
        if best >= target:
            break
    return best


def unfillable_reason(bank: Iterable[Question], blueprint: Blueprint) -> str | None:
    """Why no exam can be drawn from `bank`, or None when one can."""
    questions = list(bank)
    if _topic_difficulties(questions, blueprint, random.Random(0)) is not None:
        return None
    return _shortfall(questions, blueprint)


def _compatible(pool: list[Question], chosen: list[Question], needed: int) -> list[Question]:
    """The part of `pool` that neither excludes nor is excluded by a chosen question, or the
    whole pool when that part is too small to take `needed` from."""
    chosen_ids = {q.id for q in chosen}
    blocked = set().union(*(q.excludes for q in chosen))
    fits = [q for q in pool if q.id not in blocked and not q.excludes & chosen_ids]
    return fits if len(fits) >= needed else pool


def _sample_unseen_first(
    pool: list[Question], count: int, seen: Collection[str], rng: random.Random
) -> list[Question]:
    unseen = [q for q in pool if q.id not in seen]
    if len(unseen) >= count:
        return rng.sample(unseen, count)
    repeats = [q for q in pool if q.id in seen]
    return unseen + rng.sample(repeats, count - len(unseen))


def _topic_difficulties(
    questions: Sequence[Question],
    blueprint: Blueprint,
    rng: random.Random,
    preferred: Collection[tuple[str, Difficulty]] = frozenset(),
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
        choices.sort(key=lambda d: (topic, d) not in preferred)  # stable: fresh cells first
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

"""Running every generator over many seeds, as `gradquiz check` does before a pack ships."""

import multiprocessing
import os
import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.core.questions import Question
from gradquiz.core.variants import Variant, VariantRejected, draws, variant_problems

CHECK_SEEDS = 200
# A generator whose options are numbers is run on this many seeds in all by `gradquiz
# check`: a typed number must never be within the tolerance of two options, for any seed.
SPACING_SEEDS = 10_000
SHOWN_PER_GENERATOR = 3
# Seeds in one task of the numeric sweep; the tasks run on every core there is.
CHUNK = 1_000
# A generator's question id, and the seeds from start to stop (not included) to draw.
Task = tuple[str, int, int]


def check_generators(
    questions: Mapping[str, Question],
    paths: Mapping[str, Path],
    seeds: int = CHECK_SEEDS,
    numeric_seeds: int = 0,
) -> list[Problem]:
    """A problem for each generator that raises, gives a key its check disputes, gives
    coinciding options or numeric options too close to tell a typed number's meaning, or
    finds no usable variant for some seed in range(seeds); a generator that gave numeric
    options is run on range(numeric_seeds) in all (when that is more)."""
    generated = {qid: q for qid, q in questions.items() if q.generator is not None}
    found = {qid: _faults(question, range(seeds)) for qid, question in generated.items()}
    tasks = [
        (qid, start, min(start + CHUNK, numeric_seeds))
        for qid, (_, numeric) in found.items()
        if numeric
        for start in range(seeds, numeric_seeds, CHUNK)
    ]
    for (qid, _, _), faults in zip(tasks, _run(tasks, generated), strict=True):
        found[qid][0].extend(faults)
    problems = []
    for qid, (faults, _) in found.items():
        for fault in faults[:SHOWN_PER_GENERATOR]:
            problems.append(Problem(paths[qid], 1, fault))
        if len(faults) > SHOWN_PER_GENERATOR:
            more = len(faults) - SHOWN_PER_GENERATOR
            problems.append(Problem(paths[qid], 1, f"... and {more} more failing seeds"))
    return problems


# The questions the numeric sweep's forked workers draw from (set just before they fork).
_SWEPT: Mapping[str, Question] = {}


def _run(tasks: list[Task], questions: Mapping[str, Question]) -> list[list[str]]:
    """Each task's faults, in order: on every core in forked workers where that is safe (a
    process with one thread), else here."""
    global _SWEPT
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if cores < 2 or len(tasks) < 2 or threading.active_count() > 1 or not _can_fork():
        return [_task(task, questions) for task in tasks]
    _SWEPT = questions
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
            return list(pool.map(_forked_task, tasks))
    finally:
        _SWEPT = {}


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _forked_task(task: Task) -> list[str]:
    return _task(task, _SWEPT)


def _task(task: Task, questions: Mapping[str, Question]) -> list[str]:
    qid, start, stop = task
    return _faults(questions[qid], range(start, stop))[0]


def _faults(question: Question, seeds: Iterable[int]) -> tuple[list[str], bool]:
    """What is wrong with the generator's first draw for each seed, and whether any of those
    draws had numeric options."""
    assert question.generator is not None
    name = question.generator.name
    faults = []
    numeric = False
    for seed in seeds:
        try:
            variant = _first_draw(question, seed)
        except Exception as error:  # a pack's own code: any failure is a finding
            faults.append(f"generator '{name}' seed {seed}: {type(error).__name__}: {error}")
            continue
        if variant is None:
            faults.append(f"generator '{name}' seed {seed}: every draw was rejected")
            continue
        numeric = numeric or all(o.value is not None for o in variant.options)
        found = variant_problems(variant)
        if found:
            faults.append(f"generator '{name}' seed {seed}: {'; '.join(found)}")
    return faults, numeric


def _first_draw(question: Question, seed: int) -> Variant | None:
    """The first draw the generator does not reject, of the draws draw_variant makes for
    `seed`, in the same order (None when it rejects them all)."""
    assert question.generator is not None
    for rng in draws(seed):
        try:
            return question.generator.generate(rng)
        except VariantRejected:
            continue
    return None

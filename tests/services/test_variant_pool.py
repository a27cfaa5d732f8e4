"""Variants drawn ahead per install: secret seeds, each variant shown once, never drawn by
a server process for its pages."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack
from gradquiz.core.attempts import Attempt
from gradquiz.core.packs import Pack
from gradquiz.core.variants import SEED_RANGE, GeneratorFailed, VariantSource
from gradquiz.services import variant_pool
from gradquiz.services.exam import ExamService
from gradquiz.services.variant_pool import BATCH, VariantPool
from gradquiz.storage.database import Database
from gradquiz.storage.variant_pool import filling_alone
from tests.conftest import FrozenClock


def generators(pack: Pack) -> dict[str, VariantSource]:
    return {q.generator.name: q.generator for q in pack.questions.values() if q.generator}


def served(database: Database, size: int, clock: FrozenClock) -> tuple[ExamService, VariantPool]:
    """A server's exam service: a served pack whose generators take from the pool."""
    pool = VariantPool(database, size=size)
    pack = serving_pack(builtin_pack_dir(), reserves=pool.reserve)
    service = ExamService(
        database=database, pack=pack, grace=timedelta(seconds=15), clock=clock, variant_pool=pool
    )
    return service, pool


def drawn(attempt: Attempt) -> list[tuple[str, int]]:
    return [(s.question_id, s.seed) for s in attempt.slots if s.seed is not None]


def start_with_variants(service: ExamService, learner: str) -> Attempt:
    """An attempt that drew parametrized questions (about four in five do)."""
    for n in range(50):
        attempt = service.start(learner=f"{learner}-{n}")
        if drawn(attempt):
            return attempt
    raise AssertionError("50 exams drew no parametrized question")


def test_a_fill_draws_secret_seeds_up_to_the_size_for_every_generator(
    database: Database, pack: Pack
) -> None:
    pool = VariantPool(database, size=12)
    pool.serve(pack.questions.values())
    sources = generators(pack)
    assert pool.generators == sorted(sources)
    assert pool.fill() == 12 * len(sources)
    assert pool.counts() == dict.fromkeys(sources, 12)
    assert pool.fill() == 0  # full already
    seeds = [seed for name in sources for seed, _ in pool.take(name, 100)]
    assert len(seeds) == len(set(seeds)) == 12 * len(sources)
    assert all(0 <= s < SEED_RANGE for s in seeds)
    # Secret seeds from 2**63: none small enough to have been drawn ahead by anyone.
    assert min(seeds) > 2**32
    assert pool.counts() == {}


def test_each_pooled_variant_is_handed_to_one_learner_and_the_pool_shrinks(
    database: Database, clock: FrozenClock
) -> None:
    service, pool = served(database, 40, clock)
    pool.fill()
    before = sum(pool.counts().values())
    attempts = [service.start(learner=f"learner-{n}") for n in range(30)]
    handed = [pair for attempt in attempts for pair in drawn(attempt)]
    assert handed, "the exams drew parametrized questions"
    assert len(handed) == len(set(handed))
    # Taken a batch at a time: what left the pool covers every variant handed out.
    assert before - sum(pool.counts().values()) >= len(handed)
    for attempt in attempts:
        for slot, question in zip(attempt.slots, service.shown.of(attempt), strict=True):
            if slot.seed is not None:
                assert question.key in slot.option_order


def test_an_empty_pool_draws_on_the_spot_and_asks_to_be_filled(
    database: Database, clock: FrozenClock
) -> None:
    service, pool = served(database, 40, clock)
    attempt = start_with_variants(service, "first")
    assert all(2**32 < seed < SEED_RANGE for _, seed in drawn(attempt))
    assert pool.wanted.is_set()
    service.submit(learner=attempt.owner, attempt_id=attempt.id)
    _, result = service.result(learner=attempt.owner, attempt_id=attempt.id)
    assert result.score.total == 15


def test_another_process_shows_a_pooled_variant_from_the_kept_version_without_drawing(
    database: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    starter, pool = served(database, 40, clock)
    pool.fill()
    attempt = start_with_variants(starter, "someone")
    other, _ = served(database, 40, clock)

    def no_drawing(*args: object) -> None:
        raise AssertionError("a server drew a variant for a page")

    monkeypatch.setattr("gradquiz.core.variants.draw_variant", no_drawing)
    shown_here = starter.shown.of(attempt)
    shown_there = other.shown.of(attempt)
    assert shown_here == shown_there
    for slot in attempt.slots:
        assert other.shown.of_slot(slot) == starter.shown.of_slot(slot)


def test_two_processes_taking_at_once_never_get_the_same_variant(
    database: Database, pack: Pack
) -> None:
    name = next(iter(generators(pack)))
    served = [q for q in pack.questions.values() if q.generator and q.generator.name == name]
    pool = VariantPool(database, size=10 * BATCH)
    pool.serve(served)
    pool.fill()
    takers = [VariantPool(database, size=10 * BATCH) for _ in range(4)]
    for taker in takers:
        taker.serve(served)
    taken: list[list[int]] = [[] for _ in takers]

    def take(n: int) -> None:
        for _ in range(4):
            taken[n].extend(seed for seed, _ in takers[n].take(name, BATCH))

    threads = [threading.Thread(target=take, args=(n,)) for n in range(len(takers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seeds = [seed for part in taken for seed in part]
    assert len(seeds) == len(set(seeds)) == 10 * BATCH


def test_a_server_keeps_its_pool_filled_through_the_fill_command(
    database: Database, pack: Pack
) -> None:
    pool = VariantPool(database, size=3)
    pool.serve(pack.questions.values())
    names = pool.generators
    stop = threading.Event()
    environment = {
        "GRADQUIZ_DATABASE_URL": database.url.render_as_string(hide_password=False),
        "GRADQUIZ_VARIANT_POOL_SIZE": "3",
    }
    filler = threading.Thread(
        target=variant_pool.fill_in_background, args=(pool, stop, environment)
    )
    filler.start()
    try:
        for _ in range(600):
            if not pool.short() and len(pool.counts()) == len(names):
                break
            stop.wait(0.1)
    finally:
        stop.set()
        pool.wanted.set()
        filler.join(timeout=30)
    assert pool.counts() == dict.fromkeys(names, 3)


def test_the_package_ships_no_variant_and_no_variants_folder() -> None:
    folder = builtin_pack_dir()
    assert not (folder / "variants").exists()
    assert not list(folder.rglob("*.jsonl"))


def test_variants_drawn_by_other_code_are_never_handed_out_and_the_fill_drops_them(
    database: Database, pack: Pack
) -> None:
    pool = VariantPool(database, size=5)
    pool.serve(pack.questions.values())
    pool.fill()
    name = pool.generators[0]
    released = [
        replace(q, generator=replace(q.generator, fingerprint="another release"))
        if q.generator and q.generator.name == name
        else q
        for q in pack.questions.values()
    ]
    upgraded = VariantPool(database, size=5)
    upgraded.serve(released)
    assert name not in upgraded.counts() and upgraded.take(name, 5) == []
    assert upgraded.fill() == 5  # the old ones are gone, five new ones drawn
    assert upgraded.counts()[name] == 5 and pool.counts().get(name) is None


def test_a_seed_whose_draws_all_fail_is_skipped_not_the_whole_fill(
    database: Database, pack: Pack, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = VariantPool(database, size=4)
    pool.serve(pack.questions.values())
    real = variant_pool.draw_variant
    failures = iter(range(3))

    def sometimes(generate: object, seed: int) -> object:
        if next(failures, None) is not None:
            raise GeneratorFailed(f"no usable variant for seed {seed}")
        return real(generate, seed)  # type: ignore[arg-type]

    monkeypatch.setattr(variant_pool, "draw_variant", sometimes)
    pool.fill()
    assert pool.counts() == dict.fromkeys(pool.generators, 4)


def test_one_fill_runs_at_a_time_and_another_process_filling_adds_nothing(
    database: Database, pack: Pack
) -> None:
    pool = VariantPool(database, size=3)
    pool.serve(pack.questions.values())
    with filling_alone(database) as alone:  # as another server's fill would hold it
        assert alone
        assert pool.fill() == 0
        assert pool.counts() == {}
        with filling_alone(database) as also:
            assert not also
    assert pool.fill() == 3 * len(pool.generators)


def test_a_class_starting_keeps_the_cores_until_the_pool_runs_low(
    database: Database, pack: Pack
) -> None:
    pool = VariantPool(database, size=8)
    pool.serve(pack.questions.values())
    assert pool.wants_filling()  # empty
    pool.fill()
    assert not pool.wants_filling()
    name = pool.generators[0]
    assert len(pool.take(name, 5)) == 5  # 3 of 8 left: under half, not under a quarter
    assert not pool.wants_filling()  # takes are still under way
    pool.taken_at -= variant_pool.QUIET_SECONDS
    assert pool.wants_filling()  # quiet since
    assert len(pool.take(name, 2)) == 2  # 1 of 8 left: under a quarter
    assert pool.wants_filling()

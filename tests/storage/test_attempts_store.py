import random
import threading
from datetime import timedelta

from gradquiz.core.attempts import Answer, SubmitReason, start_attempt
from gradquiz.core.packs import Pack
from gradquiz.storage import attempts as store
from gradquiz.storage.database import Database
from tests.factories import FrozenClock


def new_attempt(pack: Pack, clock: FrozenClock, attempt_id: str = "att-1", owner: str = ""):  # type: ignore[no-untyped-def]
    return start_attempt(
        attempt_id=attempt_id,
        owner=owner or f"owner-of-{attempt_id}",
        pack=pack,
        rng=random.Random(5),
        now=clock(),
    )


def test_attempt_round_trips_with_layout_and_aware_times(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt = new_attempt(pack, clock)
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
    with database.read() as session:
        loaded = store.load_attempt(session=session, attempt_id="att-1")
    assert loaded is not None
    assert loaded.slots == attempt.slots
    assert loaded.started_at == attempt.started_at and loaded.started_at.tzinfo is not None
    assert loaded.deadline == attempt.deadline
    assert loaded.answers == {} and not loaded.is_submitted


def test_saving_the_same_answer_twice_is_harmless(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt = new_attempt(pack, clock)
    slot = attempt.slots[0]
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
    answer = Answer(option_id=slot.option_order[1], marked=True, saved_at=clock())
    for _ in range(2):
        with database.write() as session:
            store.save_answer(
                session=session, attempt_id="att-1", question_id=slot.question_id, answer=answer
            )
    changed = Answer(option_id=slot.option_order[2], marked=False, saved_at=clock())
    with database.write() as session:
        store.save_answer(
            session=session, attempt_id="att-1", question_id=slot.question_id, answer=changed
        )
    with database.read() as session:
        loaded = store.load_attempt(session=session, attempt_id="att-1")
    assert loaded is not None
    assert loaded.answers == {slot.question_id: changed}


def test_submission_is_recorded_once(database: Database, pack: Pack, clock: FrozenClock) -> None:
    attempt = new_attempt(pack, clock)
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
    attempt.submit(now=clock(), grace=timedelta(seconds=15))
    with database.write() as session:
        assert store.record_submission(session=session, attempt=attempt, score=7)
    with database.write() as session:
        assert not store.record_submission(session=session, attempt=attempt, score=9)
    with database.read() as session:
        loaded = store.load_attempt(session=session, attempt_id="att-1")
    assert loaded is not None and loaded.submitted_by is SubmitReason.LEARNER


def test_overdue_listing_finds_only_open_attempts_past_the_cutoff(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    early = new_attempt(pack, clock, "early")
    clock.advance(minutes=10)
    later = new_attempt(pack, clock, "later")
    with database.write() as session:
        store.insert_attempt(session=session, attempt=early)
        store.insert_attempt(session=session, attempt=later)
    with database.read() as session:
        cutoff = early.deadline + timedelta(minutes=1)
        assert store.overdue_attempt_ids(session=session, cutoff=cutoff) == ["early"]


def test_a_burst_of_concurrent_saves_all_land(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempts = [new_attempt(pack, clock, f"burst-{n}") for n in range(8)]
    with database.write() as session:
        for attempt in attempts:
            store.insert_attempt(session=session, attempt=attempt)
    errors: list[BaseException] = []

    def learner(attempt) -> None:  # type: ignore[no-untyped-def]
        try:
            for slot in attempt.slots:
                answer = Answer(option_id=slot.option_order[0], marked=False, saved_at=clock())
                with database.write() as session:
                    store.save_answer(
                        session=session,
                        attempt_id=attempt.id,
                        question_id=slot.question_id,
                        answer=answer,
                    )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=learner, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.read() as session:
        for attempt in attempts:
            loaded = store.load_attempt(session=session, attempt_id=attempt.id)
            assert loaded is not None and len(loaded.answers) == 15


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    database.dispose()


def test_variant_seeds_are_stored_with_the_layout(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt = None
    for seed in range(50):  # find a draw that includes a parametrized question
        candidate = start_attempt(
            attempt_id="seeded", owner="o", pack=pack, rng=random.Random(seed), now=clock()
        )
        if any(s.seed is not None for s in candidate.slots):
            attempt = candidate
            break
    assert attempt is not None
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
    with database.read() as session:
        loaded = store.load_attempt(session=session, attempt_id="seeded")
    assert loaded is not None and loaded.slots == attempt.slots
    assert any(s.seed is not None for s in loaded.slots)


def test_an_attempts_slots_are_built_once_and_read_back_on_every_load(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt = new_attempt(pack, clock, "built-once")
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
    with database.reading() as connection:
        first = store.load_attempt(session=connection, attempt_id="built-once")
        hits = store._slots.cache_info().hits
        again = store.load_attempt(session=connection, attempt_id="built-once")
    assert first is not None and again is not None
    assert first.slots == again.slots == attempt.slots
    assert again.slots is first.slots  # the stored layout's text was not decoded again
    assert store._slots.cache_info().hits == hits + 1


def test_attempts_loaded_apart_share_their_question_and_option_ids(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempts = [
        start_attempt(
            attempt_id=f"shares-{n}", owner=f"o{n}", pack=pack, rng=random.Random(n), now=clock()
        )
        for n in range(2)
    ]
    with database.write() as session:
        for attempt in attempts:
            store.insert_attempt(session=session, attempt=attempt)
    with database.reading() as connection:
        loaded = [store.load_attempt(session=connection, attempt_id=a.id) for a in attempts]
    first, second = ({s.question_id: s for s in a.slots} for a in loaded if a is not None)
    common = [q for q in first if q in second and first[q].seed is None]
    assert common and first.keys() != second.keys()  # two different layouts
    for question_id in common:
        one, other = first[question_id], second[question_id]
        # One copy of each string for every cached attempt, not one per attempt.
        assert one.question_id is other.question_id
        assert one.version is other.version
        assert all(a is b for a, b in zip(one.option_order, other.option_order, strict=True))


def test_an_owner_holds_one_open_attempt_per_pack(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    first = new_attempt(pack, clock, "first", owner="same-owner")
    with database.write() as session:
        store.insert_attempt(session=session, attempt=first)
    with pytest.raises(IntegrityError), database.write() as session:
        store.insert_attempt(
            session=session, attempt=new_attempt(pack, clock, "second", "same-owner")
        )
    first.submit(now=clock(), grace=timedelta(seconds=15))
    with database.write() as session:
        store.record_submission(session=session, attempt=first, score=3)
        store.insert_attempt(
            session=session, attempt=new_attempt(pack, clock, "third", "same-owner")
        )
    with database.read() as session:
        assert (
            store.open_attempt_id(session=session, owner="same-owner", pack_id=pack.id) == "third"
        )
        past = store.past_attempts(session=session, owner="same-owner", pack_id=pack.id)
        seen = store.seen_question_ids(session=session, owner="same-owner", pack_id=pack.id)
    assert [(p.id, p.score, p.total) for p in past] == [("first", 3, 15)]
    assert seen == {s.question_id for s in first.slots}


def test_saves_keep_their_order_number(database: Database, pack: Pack, clock: FrozenClock) -> None:
    attempt = new_attempt(pack, clock)
    slot = attempt.slots[0]
    with database.write() as session:
        store.insert_attempt(session=session, attempt=attempt)
        store.save_answer(
            session=session,
            attempt_id=attempt.id,
            question_id=slot.question_id,
            answer=Answer(option_id=None, marked=True, saved_at=clock(), seq=41),
        )
    with database.read() as session:
        loaded = store.load_attempt(session=session, attempt_id=attempt.id)
    assert loaded is not None and loaded.answers[slot.question_id].seq == 41

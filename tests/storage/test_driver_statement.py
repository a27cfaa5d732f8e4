from datetime import timedelta

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import IntegrityError

from gradquiz.core.attempts import Answer, SubmitReason
from gradquiz.core.packs import Pack
from gradquiz.storage import attempts as store
from gradquiz.storage.database import Database
from gradquiz.storage.driver_statement import DriverStatement
from gradquiz.storage.models import AnswerRow, AttemptRow, SeenQuestionRow
from gradquiz.storage.upserts import insert_or_ignore
from tests.factories import FrozenClock
from tests.storage.test_attempts_store import new_attempt

ANSWERS = select(
    AnswerRow.question_id, AnswerRow.option_id, AnswerRow.marked, AnswerRow.saved_at, AnswerRow.seq
).where(AnswerRow.attempt_id == bindparam("attempt_id"), AnswerRow.seq >= bindparam("from_seq"))
ATTEMPT = select(
    AttemptRow.id, AttemptRow.submitted_at, AttemptRow.submitted_by, AttemptRow.score
).where(AttemptRow.id == bindparam("attempt_id"))


def _stored(database: Database, pack: Pack, clock: FrozenClock) -> str:
    attempt = new_attempt(pack, clock)
    with database.writing() as connection:
        store.insert_attempt(session=connection, attempt=attempt)
        for seq, slot in enumerate(attempt.slots[:4]):
            clock.advance(seconds=7)
            answer = Answer(
                option_id=None if seq == 2 else slot.option_order[seq % 2],
                marked=seq == 1,
                saved_at=clock(),
                seq=seq,
            )
            store.save_answer(
                session=connection,
                attempt_id=attempt.id,
                question_id=slot.question_id,
                answer=answer,
            )
    return attempt.id


def test_rows_match_what_sqlalchemy_returns(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt_id = _stored(database, pack, clock)
    params = {"from_seq": 1, "attempt_id": attempt_id}
    with database.reading() as connection:
        expected = sorted(tuple(row) for row in connection.execute(ANSWERS, params))
        got = sorted(DriverStatement(ANSWERS).rows(connection, params))
    assert len(got) == 3
    assert got == expected
    # Converted by the column types: aware UTC times, real booleans, NULL as None.
    assert all(row[3].tzinfo is not None and type(row[2]) is bool for row in got)
    assert any(row[1] is None for row in got)


def test_a_session_a_lock_and_no_match(database: Database, pack: Pack, clock: FrozenClock) -> None:
    attempt_id = _stored(database, pack, clock)
    locked = DriverStatement(ATTEMPT.with_for_update())
    with database.write() as session:
        assert locked.rows(session, {"attempt_id": attempt_id}) == [(attempt_id, None, None, None)]
        assert locked.rows(session, {"attempt_id": "no-such-attempt"}) == []
        loaded = store.load_attempt(session=session, attempt_id=attempt_id, lock=True)
        assert loaded is not None
        loaded.submit(now=clock(), grace=timedelta(0))
        store.record_submission(session=session, attempt=loaded, score=2)
    with database.reading() as connection:
        [(_, submitted_at, submitted_by, score)] = DriverStatement(ATTEMPT).rows(
            connection, {"attempt_id": attempt_id}
        )
    assert submitted_at == clock() and submitted_by == SubmitReason.LEARNER.value
    assert score == 2


def test_driver_errors_come_as_sqlalchemys(database: Database, clock: FrozenClock) -> None:
    answer = Answer(option_id="a", marked=False, saved_at=clock(), seq=1)
    with pytest.raises(IntegrityError), database.writing() as connection:
        # No such attempt: the answers' foreign key refuses it.
        store.save_answer(
            session=connection, attempt_id="no-such-attempt", question_id="q", answer=answer
        )


def test_cursor_event_listeners_see_the_statements(
    database: Database, pack: Pack, clock: FrozenClock
) -> None:
    attempt_id = _stored(database, pack, clock)
    seen: list[tuple[str, str]] = []

    def before(_c, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(("before", statement))

    def after(_c, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append(("after", statement))

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    try:
        with database.reading() as connection:
            assert store.load_attempt(session=connection, attempt_id=attempt_id) is not None
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
        event.remove(database.engine, "after_cursor_execute", after)
    assert [when for when, _ in seen] == ["before", "after", "before", "after"]
    assert "FROM attempts" in seen[0][1] and "FROM answers" in seen[2][1]


def test_execute_many_writes_each_row_and_tells_listeners(database: Database) -> None:
    statement = DriverStatement(
        insert_or_ignore(SeenQuestionRow, database.engine.dialect.name),
        keys=("owner", "pack_id", "question_id"),
    )
    rows = [{"owner": "o", "pack_id": "p", "question_id": f"q{n}"} for n in range(5)]
    calls: list[bool] = []

    def before(_c, _cursor, _statement, _params, _context, many) -> None:  # type: ignore[no-untyped-def]
        calls.append(many)

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        with database.writing() as connection:
            statement.execute_many(connection, rows)
            statement.execute_many(connection, rows[:2])  # taken already: ignored
            statement.execute_many(connection, [])  # nothing to run
    finally:
        event.remove(database.engine, "before_cursor_execute", before)
    assert calls == [True, True]
    with database.reading() as connection:
        stored = connection.execute(select(SeenQuestionRow.question_id)).scalars().all()
    assert sorted(stored) == [f"q{n}" for n in range(5)]

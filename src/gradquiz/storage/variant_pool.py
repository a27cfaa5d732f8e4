"""The variants drawn ahead on this install: adding them, counting them and taking them.

A generator is named with the fingerprint of its code: rows drawn by other code (a release
since) are never counted or taken, and the fill deletes them.
"""

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from gradquiz.storage.database import Database, Executor
from gradquiz.storage.models import PooledVariantRow
from gradquiz.storage.upserts import dialect_of

try:
    import fcntl
except ImportError:  # Windows: fills may overlap, each only slower
    fcntl = None  # type: ignore[assignment]

# A variant drawn ahead: its seed, its record, and the version digests of what it shows.
Pooled = tuple[int, dict[str, Any], list[str]]
# A generator's name and the fingerprint of its code.
Drawer = tuple[str, str]
# The advisory lock one fill at a time holds on PostgreSQL, per schema: ("fill" in ASCII,
# the schema's hash).
FILL_LOCK = int.from_bytes(b"fill", "big") >> 1


def add_pooled(*, session: Executor, drawer: Drawer, drawn: Iterable[Pooled]) -> None:
    """Keep each drawn variant ready for the generator `drawer` names."""
    name, fingerprint = drawer
    rows = [
        {
            "generator": name,
            "fingerprint": fingerprint,
            "seed": seed,
            "body": body,
            "digests": " ".join(digests),
        }
        for seed, body, digests in drawn
    ]
    if rows:
        session.execute(insert(PooledVariantRow), rows)


def pooled_counts(*, session: Executor, drawers: Iterable[Drawer]) -> dict[str, int]:
    """How many variants each generator's current code has ready (none: left out)."""
    counts = {}
    rows = session.execute(
        select(PooledVariantRow.generator, PooledVariantRow.fingerprint, func.count()).group_by(
            PooledVariantRow.generator, PooledVariantRow.fingerprint
        )
    )
    found = {(name, fingerprint): count for name, fingerprint, count in rows}
    for drawer in drawers:
        if drawer in found:
            counts[drawer[0]] = found[drawer]
    return counts


def forget_stale(*, session: Executor, drawer: Drawer) -> int:
    """Delete the generator's variants drawn by other code; how many there were."""
    name, fingerprint = drawer
    gone = session.execute(
        delete(PooledVariantRow).where(
            PooledVariantRow.generator == name, PooledVariantRow.fingerprint != fingerprint
        )
    )
    return int(getattr(gone, "rowcount", 0) or 0)


def take_pooled(*, session: Executor, drawer: Drawer, count: int) -> list[Pooled]:
    """Take up to `count` of the generator's ready variants: each is deleted as it is taken,
    so two processes taking at once never get the same one."""
    name, fingerprint = drawer
    oldest = (
        select(PooledVariantRow.id)
        .where(PooledVariantRow.generator == name, PooledVariantRow.fingerprint == fingerprint)
        .order_by(PooledVariantRow.id)
        .limit(count)
    )
    if dialect_of(session) == "postgresql":
        # Rows another process is taking are passed over instead of waited for.
        oldest = oldest.with_for_update(skip_locked=True)
    taken = session.execute(
        delete(PooledVariantRow)
        .where(PooledVariantRow.id.in_(oldest.scalar_subquery()))
        .returning(PooledVariantRow.seed, PooledVariantRow.body, PooledVariantRow.digests)
    )
    return [(seed, dict(body), digests.split()) for seed, body, digests in taken]


@contextmanager
def filling_alone(database: Database) -> Iterator[bool]:
    """Whether this process is the only one filling the pool now; held until the block ends.

    Every server process may find the pool short at once: the others' fills would only race
    this one for the same rows and the cores a class needs. A lock file beside SQLite's
    database (flock, let go if the process dies), a session-level advisory lock on PostgreSQL.
    """
    if database.is_sqlite:
        name = database.url.database
        if fcntl is None or not name or name == ":memory:" or name.startswith("file:"):
            yield True
            return
        path = Path(name).expanduser().with_name(Path(name).name + ".fill-lock")
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(descriptor)  # closing lets go of the lock
        return
    key = (FILL_LOCK, func.hashtext(func.current_schema()))
    with database.reading() as connection:
        alone = bool(connection.execute(select(func.pg_try_advisory_lock(*key))).scalar())
        try:
            yield alone
        finally:
            if alone:
                connection.execute(select(func.pg_advisory_unlock(*key)))

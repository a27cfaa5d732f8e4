"""The variants drawn ahead on this install: adding them, counting them and taking them.

A generator is named with the fingerprint of its code: rows drawn by other code (a release
since) are never counted or taken, and the fill deletes them.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select

from gradquiz.storage.database import Executor
from gradquiz.storage.models import PooledVariantRow
from gradquiz.storage.upserts import dialect_of

# A variant drawn ahead: its seed, its record, and the version digests of what it shows.
Pooled = tuple[int, dict[str, Any], list[str]]
# A generator's name and the fingerprint of its code.
Drawer = tuple[str, str]


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

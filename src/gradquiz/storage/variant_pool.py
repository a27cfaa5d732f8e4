"""The variants drawn ahead on this install: adding them, counting them and taking them."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select

from gradquiz.storage.database import Executor
from gradquiz.storage.models import PooledVariantRow
from gradquiz.storage.upserts import dialect_of

# A variant drawn ahead: its seed, its record, and the version digests of what it shows.
Pooled = tuple[int, dict[str, Any], list[str]]


def add_pooled(*, session: Executor, generator: str, drawn: Iterable[Pooled]) -> None:
    """Keep each drawn variant ready for the generator called `generator`."""
    rows = [
        {"generator": generator, "seed": seed, "body": body, "digests": " ".join(digests)}
        for seed, body, digests in drawn
    ]
    if rows:
        session.execute(insert(PooledVariantRow), rows)


def pooled_counts(*, session: Executor) -> dict[str, int]:
    """How many variants are ready, per generator (generators with none are left out)."""
    rows = session.execute(
        select(PooledVariantRow.generator, func.count()).group_by(PooledVariantRow.generator)
    )
    return {generator: count for generator, count in rows}


def take_pooled(*, session: Executor, generator: str, count: int) -> list[Pooled]:
    """Take up to `count` of the generator's ready variants: each is deleted as it is taken,
    so two processes taking at once never get the same one."""
    oldest = (
        select(PooledVariantRow.id)
        .where(PooledVariantRow.generator == generator)
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

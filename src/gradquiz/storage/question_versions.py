"""Reading and writing the questions attempts showed, by version digest."""

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select

from gradquiz.storage.database import Executor
from gradquiz.storage.models import QuestionVersionRow
from gradquiz.storage.upserts import dialect_of, insert_or_ignore

_CHUNK = 500  # digests per query, well under every backend's limit on bound parameters


def save_versions(*, session: Executor, records: Mapping[str, dict[str, Any]]) -> None:
    """Keep each record under its digest; a digest already kept is left as it is."""
    if records:
        session.execute(
            insert_or_ignore(QuestionVersionRow, dialect_of(session)),
            [{"digest": digest, "body": body} for digest, body in records.items()],
        )


def load_version(*, session: Executor, digest: str) -> dict[str, Any] | None:
    """The record kept under `digest`, if any."""
    body = session.scalar(
        select(QuestionVersionRow.body).where(QuestionVersionRow.digest == digest)
    )
    return dict(body) if body is not None else None


def load_versions(*, session: Executor, digests: Collection[str]) -> dict[str, dict[str, Any]]:
    """The records kept under these digests (those that are kept), in a few queries."""
    found: dict[str, dict[str, Any]] = {}
    wanted = sorted(digests)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(
            select(QuestionVersionRow.digest, QuestionVersionRow.body).where(
                QuestionVersionRow.digest.in_(chunk)
            )
        )
        found.update((row.digest, dict(row.body)) for row in rows)
    return found

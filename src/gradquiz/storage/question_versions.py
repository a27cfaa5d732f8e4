"""Reading and writing the questions attempts showed, by version digest."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from gradquiz.storage.database import Executor
from gradquiz.storage.models import QuestionVersionRow
from gradquiz.storage.upserts import dialect_of, insert_or_ignore


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

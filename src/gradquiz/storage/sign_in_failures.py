"""Failed sign-ins, per username and per client address. Every function takes the session."""

import hashlib
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from gradquiz.storage.models import SignInFailureRow
from gradquiz.storage.upserts import dialect_of

ACCOUNT = "account"
ADDRESS = "address"
KEY_CHARS = 64


def hold_count(*, session: Session, scope: str, key: str) -> None:
    """Until this transaction ends, keep any other from counting `key`'s sign-ins.

    PostgreSQL takes a transaction-level advisory lock on the key; SQLite's writers already
    take turns for the whole database (BEGIN IMMEDIATE, and the write lock every process
    shares), so there is nothing more to take.
    """
    if dialect_of(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _lock(scope, key)})


def record_failure(*, session: Session, scope: str, key: str, at: datetime) -> int:
    """Count one failed sign-in against `key` (a username or an address); its row's id."""
    row = SignInFailureRow(scope=scope, key=key[:KEY_CHARS], failed_at=at)
    session.add(row)
    session.flush()
    return row.id


def recent_failures(
    *, session: Session, scope: str, key: str, since: datetime, limit: int
) -> list[datetime]:
    """When `key`'s latest failures since `since` happened, newest first, at most `limit`."""
    return list(
        session.scalars(
            select(SignInFailureRow.failed_at)
            .where(
                SignInFailureRow.scope == scope,
                SignInFailureRow.key == key[:KEY_CHARS],
                SignInFailureRow.failed_at > since,
            )
            .order_by(SignInFailureRow.failed_at.desc())
            .limit(limit)
        )
    )


def forget_failure(*, session: Session, failure_id: int) -> None:
    """Stop counting one failure (a sign-in counted before its password proved right)."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.id == failure_id))


def forget_failures(*, session: Session, scope: str, key: str, up_to: int | None = None) -> None:
    """Stop counting `key`'s failures (a right password ends a run of wrong ones): all of
    them, or those recorded no later than failure `up_to`."""
    query = delete(SignInFailureRow).where(
        SignInFailureRow.scope == scope, SignInFailureRow.key == key[:KEY_CHARS]
    )
    if up_to is not None:  # ids grow with each count, which hold_count takes in turn
        query = query.where(SignInFailureRow.id <= up_to)
    session.execute(query)


def forget_failures_before(*, session: Session, before: datetime) -> None:
    """Delete failures too old to count any more, but none another transaction is deleting:
    two sign-ins tidying up at once never wait for, or deadlock on, each other."""
    stale = (
        select(SignInFailureRow.id)
        .where(SignInFailureRow.failed_at <= before)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.id.in_(stale)))


def _lock(scope: str, key: str) -> int:
    """The advisory lock number of a key: 64 bits of its hash, signed as PostgreSQL's bigint."""
    digest = hashlib.sha256(f"gradquiz sign-in {scope} {key[:KEY_CHARS]}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)

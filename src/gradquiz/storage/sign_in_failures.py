"""Failed sign-ins, per username and per client address. Every function takes the session."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gradquiz.storage.models import SignInFailureRow

ACCOUNT = "account"
ADDRESS = "address"
KEY_CHARS = 64


def record_failure(*, session: Session, scope: str, key: str, at: datetime) -> None:
    """Count one failed sign-in against `key` (a username or an address)."""
    session.add(SignInFailureRow(scope=scope, key=key[:KEY_CHARS], failed_at=at))


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


def forget_failures(*, session: Session, scope: str, key: str) -> None:
    """Stop counting `key`'s failures (a right password ends a run of wrong ones)."""
    session.execute(
        delete(SignInFailureRow).where(
            SignInFailureRow.scope == scope, SignInFailureRow.key == key[:KEY_CHARS]
        )
    )


def forget_failures_before(*, session: Session, before: datetime) -> None:
    """Delete failures too old to count any more."""
    session.execute(delete(SignInFailureRow).where(SignInFailureRow.failed_at <= before))

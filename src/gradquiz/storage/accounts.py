"""Accounts and their sessions. Every function takes the session explicitly."""

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from gradquiz.core.accounts import Account, Role
from gradquiz.storage.models import AccountRow, AccountSessionRow


def insert_account(*, session: Session, account: Account, password_hash: str) -> None:
    """Store a new account; IntegrityError (at commit) if its username is taken."""
    session.add(
        AccountRow(
            id=account.id,
            username=account.username,
            username_key=account.username_key,
            password_hash=password_hash,
            owner_key=account.owner,
            role=account.role.value,
            created_at=account.created_at,
        )
    )
    session.flush()


def account_by_username(*, session: Session, username_key: str) -> tuple[Account, str] | None:
    """The account with this username (compared in lower case) and its password hash."""
    row = session.scalar(select(AccountRow).where(AccountRow.username_key == username_key))
    return (_account(row), row.password_hash) if row else None


def account_by_id(*, session: Session, account_id: str) -> Account | None:
    """The account with this id, if it exists."""
    row = session.get(AccountRow, account_id)
    return _account(row) if row else None


def password_hash(*, session: Session, account_id: str) -> str | None:
    """The account's password hash, or None if the account is gone."""
    return session.scalar(select(AccountRow.password_hash).where(AccountRow.id == account_id))


def replace_password_hash(*, session: Session, account_id: str, password_hash: str) -> None:
    """Store a new hash for the account's password."""
    session.execute(
        update(AccountRow).where(AccountRow.id == account_id).values(password_hash=password_hash)
    )


def set_role(*, session: Session, account_id: str, role: Role) -> None:
    """Give the account a role."""
    session.execute(update(AccountRow).where(AccountRow.id == account_id).values(role=role.value))


def delete_account(*, session: Session, account_id: str) -> None:
    """Delete the account and its sessions (its learner rows are `ownership`'s to delete)."""
    session.execute(delete(AccountSessionRow).where(AccountSessionRow.account_id == account_id))
    session.execute(delete(AccountRow).where(AccountRow.id == account_id))


def insert_session(
    *,
    session: Session,
    token_hash: str,
    account_id: str,
    created_at: datetime,
    expires_at: datetime,
) -> None:
    """Store a signed-in browser's session under the hash of its cookie."""
    session.add(
        AccountSessionRow(
            token_hash=token_hash,
            account_id=account_id,
            created_at=created_at,
            expires_at=expires_at,
        )
    )


def signed_in_account(*, session: Session, token_hash: str, now: datetime) -> Account | None:
    """The account whose unexpired session has this hash."""
    row = session.scalar(
        select(AccountRow)
        .join(AccountSessionRow, AccountSessionRow.account_id == AccountRow.id)
        .where(AccountSessionRow.token_hash == token_hash, AccountSessionRow.expires_at > now)
    )
    return _account(row) if row else None


def delete_session(*, session: Session, token_hash: str) -> None:
    """End one session."""
    session.execute(delete(AccountSessionRow).where(AccountSessionRow.token_hash == token_hash))


def delete_sessions(*, session: Session, account_id: str) -> None:
    """End every session of the account."""
    session.execute(delete(AccountSessionRow).where(AccountSessionRow.account_id == account_id))


def delete_expired_sessions(*, session: Session, now: datetime) -> None:
    """Forget sessions that have ended."""
    session.execute(delete(AccountSessionRow).where(AccountSessionRow.expires_at <= now))


def count_sessions(*, session: Session, account_id: str, now: datetime) -> int:
    """How many browsers are signed in to the account."""
    return (
        session.scalar(
            select(func.count())
            .select_from(AccountSessionRow)
            .where(AccountSessionRow.account_id == account_id, AccountSessionRow.expires_at > now)
        )
        or 0
    )


def _account(row: AccountRow) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        owner=row.owner_key,
        role=Role(row.role),
        created_at=row.created_at,
    )

"""Secrets shared by every app process, made on first use and kept in the database."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from gradquiz.storage.models import ServerSecretRow
from gradquiz.storage.upserts import insert_or_ignore


def shared_secret(*, session: Session, name: str) -> str:
    """The secret called `name`; the first process to ask makes it, the others read it."""
    session.execute(
        insert_or_ignore(ServerSecretRow, session.get_bind().dialect.name),
        {"name": name, "value": secrets.token_urlsafe(48)},
    )
    value = session.scalar(select(ServerSecretRow.value).where(ServerSecretRow.name == name))
    assert value is not None
    return value

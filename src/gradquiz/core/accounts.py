"""Accounts: what a username and a password may be, roles, and when sign-in opens again."""

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from gradquiz.core.text import checked_text
from gradquiz.errors import InvalidInput, NotFound

USERNAME_CHARS = (3, 32)
PASSWORD_CHARS = (10, 256)
USERNAME_RULE = (
    "A username is 3 to 32 characters: letters a to z (either case), digits, and "
    "'.', '_' or '-' after the first character."
)
# ASCII only: usernames that look alike in other scripts could pass for one another.
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,31}")
# Only A to Z fold: str.lower() also folds some look-alikes into ASCII (the Kelvin sign K
# into k), so a name sign-up refuses would reach an account at sign-in.
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


class Role(StrEnum):
    """What an account may do: every account learns; instructors also run classes."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"


@dataclass(frozen=True)
class Account:
    """A learner's account: its name as typed, the owner key its rows carry, and its role."""

    id: str
    username: str
    owner: str
    role: Role
    created_at: datetime

    @property
    def username_key(self) -> str:
        """The name two accounts may not share."""
        return username_key(self.username)


def require_instructor(account: Account | None) -> Account:
    """The account if it is an instructor's; NotFound otherwise (what instructors run is not
    probeable)."""
    if account is None or account.role is not Role.INSTRUCTOR:
        raise NotFound("Only an instructor can do that.")
    return account


def username_key(username: str) -> str:
    """The name as compared and looked up: A to Z in lower case, so Ada and ada are one
    username; any other character stays as it is, so no look-alike reaches an account."""
    return username.strip().translate(_ASCII_LOWER)


def checked_username(text: str) -> str:
    """The username without surrounding spaces; InvalidInput naming the rule if it breaks it."""
    username = checked_text(text, field="username").strip()
    if not _USERNAME.fullmatch(username):
        raise InvalidInput(USERNAME_RULE)
    return username


def checked_password(text: str, *, username: str) -> str:
    """The password exactly as typed; InvalidInput if too short, too long or the username."""
    password = checked_text(text, field="password")
    shortest, longest = PASSWORD_CHARS
    if len(password) < shortest:
        raise InvalidInput(f"Choose a password of at least {shortest} characters.")
    if len(password) > longest:
        raise InvalidInput(f"A password may have at most {longest} characters.")
    if username_key(password) == username_key(username):
        raise InvalidInput("Choose a password other than your username.")
    return password


def throttled_until(
    failures: Sequence[datetime], *, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """When sign-in opens again after these failures (newest first), or None if it is open.

    Only failures within `window` of `now` count; it stays shut while `limit` of them do.
    """
    recent = [failed for failed in failures if failed > now - window]
    if len(recent) < limit:
        return None
    return recent[limit - 1] + window

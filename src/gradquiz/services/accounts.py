"""Accounts: sign up, sign in and out, change the password, delete everything.

A signed-in browser holds a random session token; the database keeps only its hash, with
an expiry. Every sign-in and every password change issues a new token. What the browser
did before signing in (under its anonymous identity) is carried into the account.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gradquiz.core.accounts import (
    Account,
    Role,
    checked_password,
    checked_username,
    require_instructor,
    username_key,
)
from gradquiz.core.classes import ClassExam
from gradquiz.core.text import checked_text
from gradquiz.errors import GradquizError, InvalidInput, SignInRequired
from gradquiz.services.classes import ClassRefused, ClassService
from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.exam import ExamService
from gradquiz.services.passwords import Passwords
from gradquiz.services.sign_in_throttle import SignInThrottle, ThrottleLimits
from gradquiz.storage import accounts as store
from gradquiz.storage import classes as classes_store
from gradquiz.storage import sign_in_failures
from gradquiz.storage.ownership import delete_owner, rows_owned, transfer_owner

log = logging.getLogger(__name__)

WRONG_USERNAME_OR_PASSWORD = "Wrong username or password."
_TOKEN_CHARS = 43  # secrets.token_urlsafe(32)
_CARRY_TRIES = 3


@dataclass(frozen=True)
class NewSession:
    """A browser just signed in: the token for its cookie, the account, and when it ends."""

    token: str
    account: Account
    expires_at: datetime


@dataclass(frozen=True)
class Holdings:
    """What an account holds: its rows in each table of learner data, its signed-in
    browsers, and the class exams it runs (newest first)."""

    rows: dict[str, int]
    browsers: int
    class_exams: tuple[ClassExam, ...] = ()


@dataclass
class AccountService:
    """Accounts and sessions for the learners of one exam service's database."""

    exam: ExamService
    passwords: Passwords = field(default_factory=Passwords)
    limits: ThrottleLimits = field(default_factory=ThrottleLimits)
    session_lifetime: timedelta = timedelta(days=30)
    clock: Clock = utc_now

    def __post_init__(self) -> None:
        self.database = self.exam.database
        self.throttle = SignInThrottle(self.database, self.limits, self.clock)
        self.classes = ClassService(exam=self.exam)

    def sign_up(
        self,
        *,
        username: str,
        password: str,
        repeated: str,
        browser: str | None,
        ending: str | None,
    ) -> NewSession:
        """Make an account, carry the browser's history into it, and sign the browser in."""
        if repeated != password:
            raise InvalidInput("The two passwords differ; type the same password twice.")
        account = self.create_account(username=username, password=password, role=Role.LEARNER)
        return self._signed_in(account, browser=browser, ending=ending)

    def create_account(self, *, username: str, password: str, role: Role) -> Account:
        """Make an account with this role (the CLI makes the first instructor this way)."""
        name = checked_username(username)
        checked_password(password, username=name)
        account = Account(
            id=secrets.token_hex(16),  # never starts with "-": safe in a CSV cell too
            username=name,
            owner=secrets.token_hex(32),
            role=role,
            created_at=self.clock(),
        )
        hashed = self.passwords.hash(password)
        try:
            with self.database.write() as session:
                store.insert_account(session=session, account=account, password_hash=hashed)
        except IntegrityError:
            raise InvalidInput(f"The username {name} is taken; choose another.") from None
        log.info("account %s created as %s", account.id, role.value)
        return account

    def promote(self, *, by: Account | None, username: str) -> Account:
        """Make the named account an instructor; only an instructor may (None: the CLI)."""
        if by is not None:
            require_instructor(by)
        key = username_key(checked_text(username, field="username"))
        with self.database.write() as session:
            found = store.account_by_username(session=session, username_key=key)
            if found is None:
                raise InvalidInput(f"There is no account named {username.strip()[:32]}.")
            store.set_role(session=session, account_id=found[0].id, role=Role.INSTRUCTOR)
        log.info("account %s made an instructor by %s", found[0].id, by.id if by else "the CLI")
        return replace(found[0], role=Role.INSTRUCTOR)

    def sign_in(
        self, *, username: str, password: str, address: str, browser: str | None, ending: str | None
    ) -> NewSession:
        """Check the password (throttled), carry the browser's history in, start a session."""
        key = username_key(checked_text(username, field="username"))
        counted = self.throttle.reserve(username_key=key, address=address)
        with self.database.read() as session:
            found = store.account_by_username(session=session, username_key=key)
        # An unknown username is checked too (against a stand-in): it takes as long.
        matched = self.passwords.verify(found[1] if found else None, password)
        if found is None or not matched:
            self.throttle.failed(counted)
            raise InvalidInput(WRONG_USERNAME_OR_PASSWORD)
        account, stored = found
        self.throttle.succeeded(counted)
        if self.passwords.needs_rehash(stored):
            self._store_hash(account, self.passwords.hash(password))
        return self._signed_in(account, browser=browser, ending=ending)

    def signed_in(self, token: str | None) -> Account | None:
        """The account this session token is signed in to, if it is current."""
        if not token or len(token) != _TOKEN_CHARS or not token.isascii():
            return None
        with self.database.read() as session:
            return store.signed_in_account(
                session=session, token_hash=_token_hash(token), now=self.clock()
            )

    def vouched_session(self, account: Account) -> NewSession:
        """Sign in an account without its password, because a party it trusts vouched for
        the user (an LTI launch the platform signed)."""
        with self.database.write() as session:
            store.delete_expired_sessions(session=session, now=self.clock())
            return self._open_session(session, account)

    def sign_out(self, token: str | None) -> None:
        """End this session (nothing to do without one)."""
        if token:
            with self.database.write() as session:
                store.delete_session(session=session, token_hash=_token_hash(token))

    def change_password(
        self, *, account: Account, current: str, new: str, repeated: str, address: str
    ) -> NewSession:
        """Replace the password; every session of the account ends, this browser gets a new one."""
        self._confirm_password(account, current, address, "Your current password is not right.")
        checked_password(new, username=account.username)
        if repeated != new:
            raise InvalidInput("The two new passwords differ; type the same password twice.")
        hashed = self.passwords.hash(new)
        with self.database.write() as session:
            store.replace_password_hash(
                session=session, account_id=account.id, password_hash=hashed
            )
            store.delete_sessions(session=session, account_id=account.id)
            created = self._open_session(session, account)
        log.info("account %s changed its password; its other sessions ended", account.id)
        return created

    def delete_account(
        self, *, account: Account, password: str, address: str, archive_classes: bool = False
    ) -> None:
        """Delete the account, its sessions and every row its learner owns, for good.

        The class exams it runs stay, with every learner's sittings and results: they must
        be handed to another instructor or archived first, or `archive_classes` archives
        them now (InvalidInput otherwise).
        """
        running = self.classes.running(account)
        if running and not archive_classes:
            raise InvalidInput(_archive_first(len(running)))
        self._confirm_password(account, password, address, "That password is not right.")
        for exam in running:
            self.classes.archive(instructor=account, class_id=exam.id)
        with self.database.write() as session:
            taught = classes_store.instructor_class_exams(session=session, instructor_id=account.id)
            if any(exam.archived_at is None for exam in taught):
                raise ClassRefused(
                    "You made a class exam while deleting your account; archive it or hand"
                    " it over, then delete the account."
                )
            delete_owner(session=session, owner=account.owner)
            classes_store.forget_actor(session=session, username=account.username)
            sign_in_failures.forget_failures(
                session=session, scope=sign_in_failures.ACCOUNT, key=account.username_key
            )
            store.delete_account(session=session, account_id=account.id)
        log.info("account %s deleted with everything it owned", account.id)

    def holdings(self, account: Account) -> Holdings:
        """How many rows the account owns in each table, how many browsers are signed in, and
        the class exams it runs."""
        with self.database.read() as session:
            return Holdings(
                rows=rows_owned(session=session, owner=account.owner),
                browsers=store.count_sessions(
                    session=session, account_id=account.id, now=self.clock()
                ),
                class_exams=tuple(
                    classes_store.instructor_class_exams(session=session, instructor_id=account.id)
                ),
            )

    def _confirm_password(self, account: Account, password: str, address: str, wrong: str) -> None:
        counted = self.throttle.reserve(username_key=account.username_key, address=address)
        with self.database.read() as session:
            stored = store.password_hash(session=session, account_id=account.id)
        if stored is None:
            raise SignInRequired("This account no longer exists.")
        if not self.passwords.verify(stored, password):
            self.throttle.failed(counted)
            raise InvalidInput(wrong)
        self.throttle.succeeded(counted)

    def _store_hash(self, account: Account, hashed: str) -> None:
        with self.database.write() as session:
            store.replace_password_hash(
                session=session, account_id=account.id, password_hash=hashed
            )

    def _signed_in(
        self, account: Account, *, browser: str | None, ending: str | None
    ) -> NewSession:
        if browser and browser != account.owner:
            self._carry_over(browser, account.owner)
        with self.database.write() as session:
            if ending:
                store.delete_session(session=session, token_hash=_token_hash(ending))
            store.delete_expired_sessions(session=session, now=self.clock())
            return self._open_session(session, account)

    def _open_session(self, session: Session, account: Account) -> NewSession:
        token, now = secrets.token_urlsafe(32), self.clock()
        expires = now + self.session_lifetime
        store.insert_session(
            session=session,
            token_hash=_token_hash(token),
            account_id=account.id,
            created_at=now,
            expires_at=expires,
        )
        return NewSession(token=token, account=account, expires_at=expires)

    def _carry_over(self, browser: str, owner: str) -> None:
        """Give the account the browser's rows; of two exams open at once, keep the account's."""
        for _ in range(_CARRY_TRIES):
            theirs = self.exam.open_attempt(learner=browser)
            if theirs and self.exam.open_attempt(learner=owner):
                self.exam.abandon(learner=browser, attempt_id=theirs.id)
            try:
                with self.database.write() as session:
                    transfer_owner(session=session, source=browser, target=owner)
                return
            except IntegrityError:
                continue  # the browser started another exam meanwhile: resolve it too
        raise GradquizError("Your exams changed while signing in; sign in again.")


def _archive_first(count: int) -> str:
    exams = "a class exam" if count == 1 else f"{count} class exams"
    return (
        f"You run {exams} not yet archived: hand each to another instructor or archive it"
        " (under Your class exams), or tick “Archive my class exams” to archive them as the"
        " account is deleted."
    )


def _token_hash(token: str) -> str:
    """What the database keeps of a session token: enough to find it, not to use it."""
    return hashlib.sha256(token.encode()).hexdigest()

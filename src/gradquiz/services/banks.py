"""Instructors' private banks: importing a file into one, listing, reading, sharing, deleting.

A bank lives in the database, so every worker and machine serves it. Its questions are kept
as versions (the same records attempts keep), so re-importing an unchanged file changes
nothing and an edited question becomes a new version while old attempts keep theirs. An
import stores all its accepted questions in one transaction, or none.
"""

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gradquiz.content.formats import (
    DEFAULT_IMPORT_MAX_BYTES,
    BankQuestion,
    Format,
    ImportReport,
    detect_format,
    read_questions,
)
from gradquiz.content.formats.markup import MEDIA_PREFIX
from gradquiz.content.formats.report import Changes, MediaFile
from gradquiz.content.formats.rules import Defaults
from gradquiz.core.accounts import (
    USERNAME_CHARS,
    Account,
    Role,
    require_instructor,
    username_key,
)
from gradquiz.core.question_versions import question_from_record, question_record, version_of
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.clock import Clock, utc_now
from gradquiz.storage import accounts as account_store
from gradquiz.storage import banks as store
from gradquiz.storage.database import Database
from gradquiz.storage.question_versions import load_versions, save_versions

log = logging.getLogger(__name__)
MAX_NAME = 120
DEFAULT_MAX_QUESTIONS = 2000
DEFAULT_MAX_BANKS = 50


@dataclass(kw_only=True)
class BankImport(Changes):
    """What one import into a bank did: the file's report, then what changed in the bank."""

    bank: store.Bank
    report: ImportReport

    def summary(self) -> str:
        """One line: the bank and what changed in it."""
        return f"bank {self.bank.name!r}: {super().summary()}"


@dataclass
class BankService:
    """Private banks of one server, for instructors only."""

    database: Database
    clock: Clock = utc_now
    max_bytes: int = DEFAULT_IMPORT_MAX_BYTES
    max_questions: int = DEFAULT_MAX_QUESTIONS  # in one bank
    max_banks: int = DEFAULT_MAX_BANKS  # owned by one instructor

    def import_file(
        self,
        *,
        instructor: Account | None,
        bank_name: str,
        data: bytes,
        file_name: str = "",
        file_format: Format | None = None,
        defaults: Defaults = Defaults(),
    ) -> BankImport:
        """Read a file and store its accepted questions in the instructor's bank of that name."""
        owner = require_instructor(instructor)
        name = _bank_name(bank_name)
        chosen = file_format or detect_format(file_name, data)
        report = read_questions(data, chosen, defaults, max_bytes=self.max_bytes)
        now = self.clock()
        try:
            return self._import(owner, name, report, now)
        except IntegrityError:  # another import made the same new bank at the same moment
            raise InvalidInput(
                f"Another import into the bank {name!r} was under way; import the file again."
            ) from None

    def _import(self, owner: Account, name: str, report: ImportReport, now: datetime) -> BankImport:
        with self.database.write() as session:
            bank = store.bank_named(session=session, instructor_id=owner.id, name=name)
            self._check_limits(session, owner, name, bank, report.imported)
            if bank is None:
                bank_id = secrets.token_hex(16)
                store.insert_bank(
                    session=session, bank_id=bank_id, instructor_id=owner.id, name=name, now=now
                )
            else:
                bank_id = bank.id
            changes = _store(session, bank_id, report.imported)
            if changes.new or changes.changed:
                store.touch_bank(session=session, bank_id=bank_id, now=now)
            stored = store.bank_named(session=session, instructor_id=owner.id, name=name)
        assert stored is not None
        done = BankImport(
            bank=stored,
            report=report,
            new=changes.new,
            changed=changes.changed,
            unchanged=changes.unchanged,
        )
        log.info("bank %s: %s", stored.id, done.summary())
        return done

    def _check_limits(
        self,
        session: Session,
        owner: Account,
        name: str,
        bank: store.Bank | None,
        items: list[BankQuestion],
    ) -> None:
        """Refuse an import that would make a bank past the instructor's number of banks, or
        put more questions in one bank than it holds."""
        if bank is None and store.banks_owned(session=session, instructor_id=owner.id) >= (
            self.max_banks
        ):
            raise InvalidInput(
                f"You have {self.max_banks:,} banks, the most one instructor may have; "
                f"import into one of them or delete one. Nothing was imported."
            )
        held = store.question_versions(session=session, bank_id=bank.id) if bank else {}
        total = len(held.keys() | {item.question.id for item in items})
        if total > self.max_questions:
            raise InvalidInput(
                f"The bank {name!r} would hold {total:,} questions; a bank holds at most "
                f"{self.max_questions:,}. Nothing was imported."
            )

    def banks(self, *, instructor: Account | None) -> list[store.Bank]:
        """The banks the instructor owns or was given."""
        owner = require_instructor(instructor)
        with self.database.read() as session:
            return store.banks_for(session=session, account_id=owner.id)

    def difficulties(self, *, instructor: Account | None) -> dict[str, dict[Difficulty, int]]:
        """For each bank the instructor may use, its questions of each difficulty."""
        owner = require_instructor(instructor)
        with self.database.read() as session:
            ids = [bank.id for bank in store.banks_for(session=session, account_id=owner.id)]
            found = store.difficulty_counts(session=session, bank_ids=ids)
        return {
            bank_id: {d: counts.get(d.value, 0) for d in Difficulty}
            for bank_id, counts in found.items()
        }

    def bank(self, *, instructor: Account | None, bank_id: str) -> store.Bank:
        """One bank the instructor may use; NotFound for any other."""
        owner = require_instructor(instructor)
        with self.database.read() as session:
            bank = store.may_use(session=session, bank_id=bank_id, account_id=owner.id)
        if bank is None:
            raise NotFound("There is no such bank.")
        return bank

    def named(self, *, instructor: Account | None, name: str) -> store.Bank:
        """The instructor's own bank of that name."""
        owner = require_instructor(instructor)
        with self.database.read() as session:
            bank = store.bank_named(session=session, instructor_id=owner.id, name=name.strip())
        if bank is None:
            raise NotFound(f"{owner.username} has no bank named {name.strip()[:MAX_NAME]!r}.")
        return bank

    def questions(self, *, instructor: Account | None, bank_id: str) -> list[BankQuestion]:
        """Every question of the bank at its current version, with the images it shows."""
        self.bank(instructor=instructor, bank_id=bank_id)
        with self.database.read() as session:
            versions = store.question_versions(session=session, bank_id=bank_id)
            records = load_versions(session=session, digests=set(versions.values()))
            found = []
            for digest in versions.values():
                question = question_from_record(records[digest])
                files = tuple(
                    MediaFile(name, *stored)
                    for name in _media_names(question)
                    if (stored := store.bank_file(session=session, bank_id=bank_id, name=name))
                )
                found.append(BankQuestion(question, files))
        return found

    def image(self, *, instructor: Account | None, bank_id: str, name: str) -> tuple[str, bytes]:
        """An image of the bank: its type and bytes."""
        self.bank(instructor=instructor, bank_id=bank_id)
        with self.database.read() as session:
            found = store.bank_file(session=session, bank_id=bank_id, name=name)
        if found is None:
            raise NotFound("There is no such image.")
        return found

    def share(self, *, instructor: Account | None, bank_id: str, username: str) -> str:
        """Let another instructor use one of the instructor's own banks; their username."""
        return self._set_shared(instructor, bank_id, username, shared=True)

    def unshare(self, *, instructor: Account | None, bank_id: str, username: str) -> str:
        """Stop sharing one of the instructor's own banks with another; their username."""
        return self._set_shared(instructor, bank_id, username, shared=False)

    def _set_shared(
        self, instructor: Account | None, bank_id: str, username: str, *, shared: bool
    ) -> str:
        owner = require_instructor(instructor)
        change = store.share_bank if shared else store.unshare_bank
        with self.database.write() as session:
            _own(session, owner, bank_id)
            other = _other_instructor(session, owner, username)
            if not change(session=session, bank_id=bank_id, account_id=other.id):
                already = "already" if shared else "not"
                raise InvalidInput(f"The bank is {already} shared with {other.username}.")
        log.info("bank %s shared with %s: %s", bank_id, other.id, shared)
        return other.username

    def shared_with(self, *, instructor: Account | None, bank_id: str) -> list[str]:
        """The usernames of the instructors one of the instructor's own banks is shared with."""
        owner = require_instructor(instructor)
        with self.database.read() as session:
            _own(session, owner, bank_id)
            return store.shared_with(session=session, bank_id=bank_id)

    def instructor_named(self, username: str) -> Account:
        """The instructor account of that name (for the command line, which acts for one)."""
        with self.database.read() as session:
            found = account_store.account_by_username(
                session=session, username_key=username_key(username.strip())
            )
        if found is None or found[0].role is not Role.INSTRUCTOR:
            raise InvalidInput(f"There is no instructor named {username.strip()[:32]}.")
        return found[0]

    def delete(self, *, instructor: Account | None, bank_id: str) -> None:
        """Delete one of the instructor's own banks (attempts keep the versions they showed)."""
        owner = require_instructor(instructor)
        with self.database.write() as session:
            _own(session, owner, bank_id)
            store.delete_bank(session=session, bank_id=bank_id)
        log.info("bank %s deleted", bank_id)


def _own(session: Session, owner: Account, bank_id: str) -> store.Bank:
    """One of the owner's own banks (not one shared with them); NotFound otherwise."""
    bank = store.may_use(session=session, bank_id=bank_id, account_id=owner.id)
    if bank is None or bank.instructor_id != owner.id:
        raise NotFound("There is no such bank of yours.")
    return bank


def _other_instructor(session: Session, owner: Account, username: str) -> Account:
    """The instructor of that name, other than the owner: the one a bank is shared with."""
    name = username.strip()
    if not name:
        raise InvalidInput("Type the username of the instructor to share the bank with.")
    longest = USERNAME_CHARS[1]
    found = (
        account_store.account_by_username(session=session, username_key=username_key(name))
        if len(name) <= longest
        else None
    )
    if found is None:
        raise InvalidInput(f"There is no account named {name[:longest]}.")
    if found[0].role is not Role.INSTRUCTOR:
        raise InvalidInput(
            f"{found[0].username} is not an instructor; only instructors share banks."
        )
    if found[0].id == owner.id:
        raise InvalidInput("The bank is yours already; share it with another instructor.")
    return found[0]


def _store(session: Session, bank_id: str, items: list[BankQuestion]) -> Changes:
    """Point each question at its version (an unchanged one whose images changed counts as
    changed)."""
    current = store.question_versions(session=session, bank_id=bank_id)
    changes = Changes()
    records = {}
    for position, item in enumerate(items, start=len(current)):
        question = item.question
        digest = version_of(question)
        files_changed = [
            store.put_file(session=session, bank_id=bank_id, name=f.name, mime=f.mime, data=f.data)
            for f in item.files
        ]
        kept = current.get(question.id)
        if kept == digest and any(files_changed):
            changes.changed.append(question.id)
            continue
        if not changes.note(question.id, kept, digest):
            continue
        records[digest] = question_record(question)
        store.put_question(
            session=session,
            bank_id=bank_id,
            question_id=question.id,
            position=position,
            version=digest,
        )
    save_versions(session=session, records=records)
    return changes


def _media_names(question: Question) -> list[str]:
    """The images a question's Markdown shows from its bank (`![…](media/<name>)`)."""
    texts = [question.stem, question.explanation]
    for option in question.options:
        texts += [option.text, option.feedback]
    names = re.findall(rf"\]\({re.escape(MEDIA_PREFIX)}([^)\s]+)\)", "\n".join(texts))
    return sorted(set(names))


def _bank_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput(f"A bank's name is 1 to {MAX_NAME} characters.")
    return cleaned

"""Accounts: history carried in, sessions that rotate and end, and deletion that leaves nothing."""

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from gradquiz.core.accounts import Role
from gradquiz.core.attempts import SubmitReason
from gradquiz.errors import InvalidInput, SignInRequired
from gradquiz.services.accounts import WRONG_USERNAME_OR_PASSWORD, AccountService, NewSession
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.services.passwords import Passwords
from gradquiz.storage.database import Database
from gradquiz.storage.models import AccountRow, Base
from gradquiz.storage.ownership import rows_owned
from tests.factories import FrozenClock, class_rules
from tests.storage.test_ownership import fill

PASSWORD = "correct horse battery"
BROWSER = "browser-owner-key-0000000000000001"
OTHER_BROWSER = "browser-owner-key-0000000000000002"


def sign_up(accounts: AccountService, name: str = "ada", browser: str | None = None) -> NewSession:
    return accounts.sign_up(
        username=name, password=PASSWORD, repeated=PASSWORD, browser=browser, ending=None
    )


def sign_in(
    accounts: AccountService,
    name: str = "ada",
    password: str = PASSWORD,
    *,
    browser: str | None = None,
    ending: str | None = None,
    address: str = "192.0.2.1",
) -> NewSession:
    return accounts.sign_in(
        username=name, password=password, address=address, browser=browser, ending=ending
    )


def stored_hash(database: Database, name: str) -> str:
    with database.read() as session:
        found = session.scalar(select(AccountRow.password_hash).where(AccountRow.username == name))
    assert found is not None
    return found


def test_sign_up_keeps_an_argon2id_hash_and_signs_in(accounts: AccountService) -> None:
    new = sign_up(accounts, "Ada")
    assert accounts.signed_in(new.token) == new.account
    assert new.account.username == "Ada" and new.account.role == "learner"
    hashed = stored_hash(accounts.database, "Ada")
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert len(new.account.owner) == 64 and new.account.owner != new.account.id


def test_usernames_are_unique_whatever_their_case(accounts: AccountService) -> None:
    sign_up(accounts, "Ada")
    with pytest.raises(InvalidInput, match="ADA is taken"):
        sign_up(accounts, "ADA")
    with pytest.raises(InvalidInput, match="differ"):
        accounts.sign_up(
            username="bob", password=PASSWORD, repeated=PASSWORD + "!", browser=None, ending=None
        )


def test_unknown_username_and_wrong_password_are_refused_alike(accounts: AccountService) -> None:
    sign_up(accounts)
    refusals = []
    for name, password in (("ada", "wrong password"), ("nobody", PASSWORD), ("ADA", "x")):
        with pytest.raises(InvalidInput) as refused:
            sign_in(accounts, name, password)
        refusals.append(refused.value.message)
    assert refusals == [WRONG_USERNAME_OR_PASSWORD] * 3
    assert sign_in(accounts, " ADA ").account.username == "ada"


@pytest.mark.parametrize("look_alike", ["\u212aelvin", "\u212aELVIN", "kelv\u0131n"])
def test_a_look_alike_of_a_username_reaches_no_account(
    accounts: AccountService, look_alike: str
) -> None:
    sign_up(accounts, "kelvin")
    with pytest.raises(InvalidInput, match="3 to 32 characters"):
        sign_up(accounts, look_alike)
    with pytest.raises(InvalidInput, match=WRONG_USERNAME_OR_PASSWORD):
        sign_in(accounts, look_alike)
    with pytest.raises(InvalidInput, match="There is no account named"):
        accounts.promote(by=None, username=look_alike)
    assert sign_in(accounts, "KELVIN").account.username == "kelvin"


def test_an_unknown_username_costs_a_password_check_like_a_known_one(
    accounts: AccountService,
) -> None:
    sign_up(accounts)
    checked: list[str | None] = []
    verify = accounts.passwords.verify

    def counting(stored: str | None, password: str) -> bool:
        checked.append(stored and stored[:10])
        return verify(stored, password)

    accounts.passwords.verify = counting  # type: ignore[method-assign]
    for name in ("ada", "nobody"):
        with pytest.raises(InvalidInput):
            sign_in(accounts, name, "a wrong guess")
    assert checked == ["$argon2id$", None]


def test_sign_up_carries_the_browsers_exam_and_interview_answers(
    accounts: AccountService, service: ExamService
) -> None:
    attempt_id = fill(service, BROWSER)
    new = sign_up(accounts, browser=BROWSER)
    owner = new.account.owner
    assert [past.id for past in service.history(learner=owner)] == [attempt_id]
    interview = InterviewPractice(database=service.database, pack=service.pack)
    assert interview.responses(learner=owner)["chain-rule"].answer == f"{BROWSER} says"
    with service.database.read() as session:
        assert set(rows_owned(session=session, owner=BROWSER).values()) == {0}


def test_of_two_open_exams_the_accounts_stays_and_the_browsers_is_graded(
    accounts: AccountService, service: ExamService
) -> None:
    owner = sign_up(accounts).account.owner
    kept = service.start(learner=owner)
    theirs = service.start(learner=OTHER_BROWSER)
    service.save_answer(learner=OTHER_BROWSER, attempt_id=theirs.id, number=1, letter="A")
    sign_in(accounts, browser=OTHER_BROWSER)
    still_open = service.open_attempt(learner=owner)
    assert still_open is not None and still_open.id == kept.id
    [graded] = service.history(learner=owner)
    assert graded.id == theirs.id and graded.submitted_by == SubmitReason.ABANDONED
    assert graded.score is not None


def test_a_second_browser_sees_what_the_first_carried_in(
    accounts: AccountService, service: ExamService
) -> None:
    fill(service, BROWSER)
    first = sign_up(accounts, browser=BROWSER)
    second = sign_in(accounts, browser=OTHER_BROWSER)
    assert second.account == first.account
    assert len(service.history(learner=second.account.owner)) == 1


def test_every_sign_in_issues_a_new_session_and_ends_the_one_it_replaces(
    accounts: AccountService,
) -> None:
    first = sign_up(accounts)
    elsewhere = sign_in(accounts)
    again = sign_in(accounts, ending=first.token)
    assert len({first.token, elsewhere.token, again.token}) == 3
    assert accounts.signed_in(first.token) is None
    assert accounts.signed_in(again.token) == accounts.signed_in(elsewhere.token) == first.account


def test_sign_out_ends_only_this_session(accounts: AccountService) -> None:
    here, there = sign_up(accounts), sign_in(accounts)
    accounts.sign_out(here.token)
    assert accounts.signed_in(here.token) is None
    assert accounts.signed_in(there.token) == there.account
    accounts.sign_out(None)  # a browser that was not signed in


def test_sessions_end_after_their_lifetime(accounts: AccountService, clock: FrozenClock) -> None:
    new = sign_up(accounts)
    clock.advance(days=29, hours=23)
    assert accounts.signed_in(new.token) == new.account
    clock.advance(hours=1)
    assert accounts.signed_in(new.token) is None
    assert accounts.holdings(new.account).browsers == 0


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "é" * 43, "a" * 5000])
def test_made_up_session_tokens_are_nobody(accounts: AccountService, token: str) -> None:
    sign_up(accounts)
    assert accounts.signed_in(token) is None


def test_changing_the_password_ends_every_other_session(accounts: AccountService) -> None:
    here = sign_up(accounts)
    there = sign_in(accounts)
    new_password = "a new and longer passphrase"
    with pytest.raises(InvalidInput, match="current password is not right"):
        accounts.change_password(
            account=here.account,
            current="not it at all",
            new=new_password,
            repeated=new_password,
            address="192.0.2.1",
        )
    renewed = accounts.change_password(
        account=here.account,
        current=PASSWORD,
        new=new_password,
        repeated=new_password,
        address="192.0.2.1",
    )
    assert accounts.signed_in(here.token) is None and accounts.signed_in(there.token) is None
    assert accounts.signed_in(renewed.token) == here.account
    with pytest.raises(InvalidInput):
        sign_in(accounts)
    assert sign_in(accounts, password=new_password).account == here.account


def test_sign_in_rehashes_a_password_hashed_with_other_parameters(
    accounts: AccountService, service: ExamService, clock: FrozenClock
) -> None:
    sign_up(accounts)
    assert ",t=1," in stored_hash(service.database, "ada")
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    upgraded = AccountService(exam=service, passwords=Passwords(stronger), clock=clock)
    sign_in(upgraded)
    rehashed = stored_hash(service.database, "ada")
    assert rehashed.startswith("$argon2id$v=19$m=1024,t=2,p=1$")
    assert not upgraded.passwords.needs_rehash(rehashed)
    sign_in(upgraded)  # and the new hash verifies


def test_deleting_an_account_leaves_no_row_that_mentions_it(
    accounts: AccountService, service: ExamService
) -> None:
    fill(service, BROWSER)
    leaving = sign_up(accounts, "Qx-Leaver-7", browser=BROWSER)
    service.start(learner=leaving.account.owner)  # and an exam left open
    with pytest.raises(InvalidInput):
        sign_in(accounts, "qx-leaver-7", "a wrong password")  # a failure counted against the name
    staying = sign_up(accounts, "staying", browser=OTHER_BROWSER)
    fill(service, staying.account.owner)
    with pytest.raises(InvalidInput, match="not right"):
        accounts.delete_account(account=leaving.account, password="nope", address="192.0.2.1")
    accounts.delete_account(account=leaving.account, password=PASSWORD, address="192.0.2.1")
    account = leaving.account
    assert rows_mentioning(service.database, account.id, account.owner, "qx-leaver-7") == []
    assert accounts.signed_in(leaving.token) is None
    with service.database.read() as session:
        assert rows_owned(session=session, owner=staying.account.owner)["attempts"] == 1
        assert session.execute(select(Base.metadata.tables["answers"])).all()  # the other's
    with pytest.raises(SignInRequired):
        accounts.delete_account(account=account, password=PASSWORD, address="192.0.2.1")


def test_deleting_an_instructor_asks_first_then_keeps_every_learners_sitting_and_result(
    accounts: AccountService, service: ExamService, clock: FrozenClock
) -> None:
    teacher = accounts.create_account(
        username="Qx-Teacher-9", password=PASSWORD, role=Role.INSTRUCTOR
    )
    classes = ClassService(exam=service)
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    archived_before = classes.create(instructor=teacher, rules=class_rules(clock()))
    classes.archive(instructor=teacher, class_id=archived_before.id)
    learner = sign_up(accounts, "learner").account
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    service.save_answer(learner=learner.owner, attempt_id=sitting.id, number=1, letter="A")
    service.submit(learner=learner.owner, attempt_id=sitting.id)
    with pytest.raises(InvalidInput, match="tick “Archive my class exams”"):
        accounts.delete_account(account=teacher, password=PASSWORD, address="192.0.2.1")
    assert classes.running(teacher) == [exam]  # nothing changed
    with pytest.raises(InvalidInput, match="not right"):
        accounts.delete_account(
            account=teacher, password="nope", address="192.0.2.1", archive_classes=True
        )
    assert classes.running(teacher) == [exam]
    accounts.delete_account(
        account=teacher, password=PASSWORD, address="192.0.2.1", archive_classes=True
    )
    view = classes.for_learner(learner=learner, class_id=exam.id)
    assert view.exam.instructor is None and view.exam.archived_at == clock()
    assert [s.id for s in view.sittings] == [sitting.id]
    attempt, result = service.result(learner=learner.owner, attempt_id=sitting.id)
    assert attempt.answers and len(result.outcomes) == 15
    assert rows_mentioning(service.database, teacher.id, teacher.owner, "qx-teacher-9") == []


def rows_mentioning(database: Database, *needles: str) -> list[str]:
    """Every row, in every table, any of whose values contains one of `needles`."""
    found = []
    with database.read() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                text = " ".join(str(value) for value in row).lower()
                found += [f"{table.name}: {row}" for n in needles if n.lower() in text]
    return found

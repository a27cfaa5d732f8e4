"""A learner's rows move to another owner, or go for good, in every table at once."""

from sqlalchemy import func, select

from gradquiz.core.accounts import Role
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.services.practice import PracticeService
from gradquiz.storage.classes import add_member
from gradquiz.storage.export import EXPORTS, NOT_EXPORTED
from gradquiz.storage.models import Base
from gradquiz.storage.ownership import OWNED, delete_owner, rows_owned, transfer_owner
from tests.factories import account, class_rules

# Tables shared by every learner: what they hold names nobody. The accounts and the class
# exams here are an instructor's, not the learner's.
SHARED = {"question_versions", "server_secrets", "accounts", "class_exams", "class_events"}


def fill(service: ExamService, learner: str) -> str:
    """A row of `learner`'s in every table of learner data; return their attempt's id."""
    attempt = service.start(learner=learner)
    service.save_answer(learner=learner, attempt_id=attempt.id, number=1, letter="A")
    service.submit(learner=learner, attempt_id=attempt.id)
    interview = InterviewPractice(database=service.database, pack=service.pack)
    interview.save_answer(learner=learner, question_id="chain-rule", text=f"{learner} says")
    practice = PracticeService(
        database=service.database, pack=service.pack, shown=service.shown, windows=service.windows
    )
    practice_set = practice.start(learner=learner, count=2)
    practice.answer(learner=learner, session_id=practice_set.id, number=1, letter="A")
    join_a_class(service, learner)
    return attempt.id


def join_a_class(service: ExamService, learner: str) -> None:
    """Make `learner` a member of a class exam of a fresh instructor."""
    now = service.clock()
    teacher = account(service.database, f"teacher-{learner[:20]}", Role.INSTRUCTOR, now)
    exam = ClassService(exam=service).create(instructor=teacher, rules=class_rules(now))
    with service.database.write() as session:
        add_member(session=session, class_id=exam.id, owner=learner, at=now)


def test_every_table_with_an_owner_column_is_listed() -> None:
    with_owner = {t.name for t in Base.metadata.sorted_tables if "owner" in t.c}
    assert with_owner == {owned.table.name for owned in OWNED}


def test_every_table_of_learner_data_is_downloaded_or_says_why_not() -> None:
    exported = {model.__tablename__ for model in EXPORTS.values()}
    assert {owned.table.name for owned in OWNED} <= exported | set(NOT_EXPORTED)


def test_transfer_moves_everything_and_keeps_the_targets_twins(service: ExamService) -> None:
    browser, account = "browser-owner", "account-owner"
    moved = fill(service, browser)
    fill(service, account)
    with service.database.write() as session:
        transfer_owner(session=session, source=browser, target=account)
    with service.database.read() as session:
        assert set(rows_owned(session=session, owner=browser).values()) == {0}
        counts = rows_owned(session=session, owner=account)
    assert counts["attempts"] == 2 and counts["interview_responses"] == 1
    assert counts["practice_sessions"] == 2 and counts["practice_items"] >= 4  # a miss may add one
    assert service.attempt(learner=account, attempt_id=moved).answers  # answers went along
    interview = InterviewPractice(database=service.database, pack=service.pack)
    assert interview.responses(learner=account)["chain-rule"].answer == "account-owner says"


def test_delete_leaves_nothing_of_the_owner(service: ExamService) -> None:
    from sqlalchemy import text

    fill(service, "leaving-owner")
    fill(service, "staying-owner")
    with service.database.write() as session:
        delete_owner(session=session, owner="leaving-owner")
    with service.database.read() as session:
        assert set(rows_owned(session=session, owner="leaving-owner").values()) == {0}
        assert rows_owned(session=session, owner="staying-owner")["attempts"] == 1
        answers = session.execute(text("SELECT count(*) FROM answers")).scalar_one()
    assert answers == 1  # only the staying learner's answer is left


def test_deleting_the_only_learner_leaves_every_table_empty(service: ExamService) -> None:
    fill(service, "only-owner")
    with service.database.read() as session:
        assert all(rows_owned(session=session, owner="only-owner").values())  # one of each
    with service.database.write() as session:
        delete_owner(session=session, owner="only-owner")
    with service.database.read() as session:
        left = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in SHARED
        }
    assert set(left.values()) == {0}, left

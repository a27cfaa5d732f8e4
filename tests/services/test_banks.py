"""Private banks: an import is stored whole in the instructor's bank, idempotent and versioned,
and only the instructor (and those they share it with) can read it."""

import pytest
from sqlalchemy import func, select

from gradquiz.content.formats import FileRefused, Format, write_questions
from gradquiz.core.accounts import Account, Role
from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.banks import BankService
from gradquiz.storage.database import Database
from gradquiz.storage.models import BankQuestionRow, QuestionBankRow, QuestionVersionRow
from tests.content.formats.samples import PNG, answer, moodle_quiz
from tests.factories import FrozenClock, account

GIFT = (
    "$CATEGORY: $course$/top/Backprop/Chain rule/easy\n\n"
    "::Chain::Which rule? {=chain ~product#No. ~quotient#No.}\n\n"
    "::Gate::Which gate copies? {=add ~max#No. ~mul#No.}\n\n"
    "::Essay::Explain. {}\n"
)


@pytest.fixture
def banks(database: Database, clock: FrozenClock) -> BankService:
    return BankService(database, clock=clock)


def instructor(banks: BankService, name: str = "prof") -> Account:
    return account(banks.database, name, Role.INSTRUCTOR, banks.clock())


def test_an_import_stores_the_accepted_questions_in_the_instructors_bank(
    banks: BankService,
) -> None:
    prof = instructor(banks)
    done = banks.import_file(
        instructor=prof, bank_name="Week 3", data=GIFT.encode(), file_name="w.gift"
    )
    assert done.report.summary() == "2 imported, 1 skipped (1 essay), 0 refused"
    assert (done.new, done.changed, done.unchanged) == (["chain", "gate"], [], [])
    assert done.summary() == "bank 'Week 3': 2 new, 0 changed (a new version), 0 unchanged"
    assert [(b.name, b.questions) for b in banks.banks(instructor=prof)] == [("Week 3", 2)]
    stored = banks.questions(instructor=prof, bank_id=done.bank.id)
    assert [item.question for item in stored] == done.report.questions


def test_the_same_file_twice_changes_nothing(banks: BankService, clock: FrozenClock) -> None:
    prof = instructor(banks)
    first = banks.import_file(
        instructor=prof, bank_name="B", data=GIFT.encode(), file_name="w.gift"
    )
    with banks.database.read() as session:
        before = session.execute(select(QuestionBankRow.updated_at)).scalar_one()
        versions = session.scalar(select(func.count()).select_from(QuestionVersionRow))
    clock.advance(minutes=5)
    again = banks.import_file(
        instructor=prof, bank_name="B", data=GIFT.encode(), file_name="w.gift"
    )
    assert (again.new, again.changed, again.unchanged) == ([], [], ["chain", "gate"])
    assert again.bank.id == first.bank.id
    with banks.database.read() as session:
        assert session.execute(select(QuestionBankRow.updated_at)).scalar_one() == before
        assert session.scalar(select(func.count()).select_from(QuestionVersionRow)) == versions


def test_an_edited_question_is_a_new_version_and_the_old_one_is_kept(banks: BankService) -> None:
    prof = instructor(banks)
    first = banks.import_file(
        instructor=prof, bank_name="B", data=GIFT.encode(), file_name="w.gift"
    )
    edited = GIFT.replace("~product#No.", "~product#The product rule is for products.")
    again = banks.import_file(
        instructor=prof, bank_name="B", data=edited.encode(), file_name="w.gift"
    )
    assert (again.new, again.changed, again.unchanged) == ([], ["chain"], ["gate"])
    with banks.database.read() as session:
        assert session.scalar(select(func.count()).select_from(QuestionVersionRow)) == 3
        rows = session.scalar(select(func.count()).select_from(BankQuestionRow))
    assert rows == 2
    stored = banks.questions(instructor=prof, bank_id=first.bank.id)
    assert stored[0].question.options[1].feedback == "The product rule is for products."


def test_a_refused_file_stores_nothing(banks: BankService) -> None:
    prof = instructor(banks)
    with pytest.raises(FileRefused):
        banks.import_file(
            instructor=prof, bank_name="B", data=b"<quiz><oops></quiz>", file_format=Format.MOODLE
        )
    assert banks.banks(instructor=prof) == []


def test_a_failing_database_stores_none_of_the_import(
    banks: BankService, monkeypatch: pytest.MonkeyPatch
) -> None:
    prof = instructor(banks)
    from gradquiz.storage import banks as store

    calls = []

    def fail_on_second(**kwargs: object) -> None:
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        original(**kwargs)  # type: ignore[arg-type]

    original = store.put_question
    monkeypatch.setattr(store, "put_question", fail_on_second)
    with pytest.raises(RuntimeError):
        banks.import_file(instructor=prof, bank_name="B", data=GIFT.encode(), file_name="w.gift")
    assert banks.banks(instructor=prof) == []
    with banks.database.read() as session:
        assert session.scalar(select(func.count()).select_from(BankQuestionRow)) == 0


def test_images_are_kept_with_the_bank(banks: BankService) -> None:
    import base64

    prof = instructor(banks)
    xml = moodle_quiz(
        '<question type="multichoice"><name><text>Img</text></name>'
        '<questiontext format="html"><text>&lt;img src="@@PLUGINFILE@@/g.png" alt="g"&gt;'
        f'Which?</text><file name="g.png" path="/" encoding="base64">{base64.b64encode(PNG).decode()}'
        "</file></questiontext>" + answer("100", "a") + answer("0", "b", "no") + "</question>"
    )
    done = banks.import_file(instructor=prof, bank_name="B", data=xml, file_format=Format.MOODLE)
    assert banks.image(instructor=prof, bank_id=done.bank.id, name="g.png") == ("image/png", PNG)
    stored = banks.questions(instructor=prof, bank_id=done.bank.id)
    assert [f.name for f in stored[0].files] == ["g.png"]
    exported = write_questions(stored, Format.MOODLE, pack_id="b")
    assert base64.b64encode(PNG) in exported


def test_only_the_owner_and_those_it_is_shared_with_can_read_a_bank(banks: BankService) -> None:
    prof, other, learner = (
        instructor(banks, "prof"),
        instructor(banks, "other"),
        account(banks.database, "pupil", Role.LEARNER, banks.clock()),
    )
    done = banks.import_file(instructor=prof, bank_name="B", data=GIFT.encode(), file_name="w.gift")
    bank_id = done.bank.id
    for stranger in (other, learner, None):
        with pytest.raises(NotFound):
            banks.questions(instructor=stranger, bank_id=bank_id)
    with pytest.raises(InvalidInput, match="pupil is not an instructor"):
        banks.share(instructor=prof, bank_id=bank_id, username="pupil")
    assert banks.share(instructor=prof, bank_id=bank_id, username="Other") == "other"
    assert banks.shared_with(instructor=prof, bank_id=bank_id) == ["other"]
    with pytest.raises(NotFound):  # only the owner sees or changes who may use it
        banks.shared_with(instructor=other, bank_id=bank_id)
    assert len(banks.questions(instructor=other, bank_id=bank_id)) == 2
    with pytest.raises(NotFound):
        banks.delete(instructor=other, bank_id=bank_id)
    banks.delete(instructor=prof, bank_id=bank_id)
    assert banks.banks(instructor=prof) == [] and banks.banks(instructor=other) == []


def test_a_learner_cannot_import(banks: BankService) -> None:
    learner = account(banks.database, "pupil", Role.LEARNER, banks.clock())
    with pytest.raises(NotFound, match="Only an instructor"):
        banks.import_file(instructor=learner, bank_name="B", data=GIFT.encode())


def csv_questions(first: int, count: int) -> bytes:
    """`count` questions in the headerless 6-column CSV, numbered from `first`."""
    return "".join(
        f"Question {n} stem?,a{n},b{n},c{n},d{n},A\n" for n in range(first, first + count)
    ).encode()


def counted(database: Database, model: type[BankQuestionRow] | type[QuestionBankRow]) -> int:
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(("limit", "held"), [(1, 0), (1, 1), (3, 0), (3, 1), (3, 3), (7, 3)])
def test_a_bank_holds_up_to_its_question_limit_and_an_import_past_it_stores_nothing(
    database: Database, clock: FrozenClock, limit: int, held: int
) -> None:
    banks = BankService(database, clock=clock, max_questions=limit)
    prof = instructor(banks)
    if held:
        banks.import_file(instructor=prof, bank_name="B", data=csv_questions(0, held))
    room = limit - held
    # Re-imported questions (the first `held`) take no new room; only new ones count.
    at_limit = csv_questions(0, held) + csv_questions(held, room)
    past = csv_questions(limit, 1)
    with pytest.raises(InvalidInput) as refused:
        banks.import_file(instructor=prof, bank_name="B", data=at_limit + past)
    assert refused.value.message == (
        f"The bank 'B' would hold {limit + 1:,} questions; a bank holds at most {limit:,}. "
        "Nothing was imported."
    )
    assert counted(database, BankQuestionRow) == held
    done = banks.import_file(instructor=prof, bank_name="B", data=at_limit)
    assert len(done.new) == room and len(done.unchanged) == held
    assert counted(database, BankQuestionRow) == limit
    with pytest.raises(InvalidInput, match="would hold"):
        banks.import_file(instructor=prof, bank_name="B", data=past)


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_an_instructor_owns_up_to_the_bank_limit_and_shared_banks_do_not_count(
    database: Database, clock: FrozenClock, limit: int
) -> None:
    banks = BankService(database, clock=clock, max_banks=limit)
    prof, other = instructor(banks, "prof"), instructor(banks, "other")
    for n in range(limit):
        banks.import_file(instructor=prof, bank_name=f"B{n}", data=csv_questions(n, 1))
    theirs = banks.import_file(instructor=other, bank_name="Theirs", data=csv_questions(0, 1))
    banks.share(instructor=other, bank_id=theirs.bank.id, username="prof")
    with pytest.raises(InvalidInput) as refused:
        banks.import_file(instructor=prof, bank_name="One more", data=csv_questions(0, 1))
    assert refused.value.message == (
        f"You have {limit:,} banks, the most one instructor may have; import into one of them "
        "or delete one. Nothing was imported."
    )
    assert counted(database, QuestionBankRow) == limit + 1
    again = banks.import_file(instructor=prof, bank_name="B0", data=csv_questions(100, 1))
    assert again.new == ["question-100-stem"]  # an existing bank still takes questions
    banks.delete(instructor=prof, bank_id=again.bank.id)
    banks.import_file(instructor=prof, bank_name="One more", data=csv_questions(0, 1))
    assert len(banks.banks(instructor=prof)) == limit + 1  # its own limit, and the shared one


def test_the_limits_default_to_2000_questions_and_50_banks() -> None:
    from gradquiz.config import Settings

    fields = Settings.model_fields
    assert (fields["bank_max_questions"].default, fields["banks_per_instructor"].default) == (
        2000,
        50,
    )
    service = BankService(Database("sqlite://"))
    assert (service.max_questions, service.max_banks) == (2000, 50)

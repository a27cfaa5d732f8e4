"""Download my data: every kind of it as CSV; delete my data: all of it, nobody else's."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest

from gradquiz.core.accounts import Role
from gradquiz.core.attempts import Attempt
from gradquiz.core.packs import Pack
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.services.learner_data import LearnerData
from gradquiz.services.practice import PracticeService
from gradquiz.storage.database import Database
from gradquiz.storage.ownership import rows_owned
from tests.factories import FrozenClock, account, class_rules
from tests.storage.test_ownership import fill


def read_zip(data: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.StringIO(archive.read(name).decode()))
            )
            for name in archive.namelist()
        }


def test_the_download_holds_every_kind_of_the_learners_data(service: ExamService) -> None:
    attempt_id = fill(service, "exporting-owner")
    fill(service, "other-owner")
    InterviewPractice(database=service.database, pack=service.pack).save_answer(
        learner="exporting-owner", question_id="chain-rule", text="=HYPERLINK(1)"
    )
    files = read_zip(LearnerData(service).export(learner="exporting-owner"))
    assert set(files) == {
        "attempts",
        "exam_answers",
        "late_answers",
        "practice_sets",
        "practice_answers",
        "review_cards",
        "review_log",
        "interview_answers",
        "seen_questions",
        "class_memberships",
    }
    assert [row["id"] for row in files["attempts"]] == [attempt_id]
    assert "owner" not in files["attempts"][0]  # the key names nobody; it is left out
    assert [row["attempt_id"] for row in files["exam_answers"]] == [attempt_id]
    assert len(files["practice_sets"]) == 1 and len(files["review_log"]) == 2
    assert files["review_log"][0]["source"] in ("exam", "practice")
    assert files["interview_answers"][0]["answer"] == "'=HYPERLINK(1)"  # never a formula
    assert len(files["seen_questions"]) == 15


def test_a_browser_without_data_downloads_empty_files(service: ExamService) -> None:
    files = read_zip(LearnerData(service).export(learner=None))
    assert files["review_log"] == [] and len(files) == 10


def test_delete_removes_the_learners_rows_and_keeps_others(service: ExamService) -> None:
    fill(service, "leaving-owner")
    fill(service, "staying-owner")
    data = LearnerData(service)
    data.delete(learner="leaving-owner")
    data.delete(learner=None)  # a browser without an identity has nothing to delete
    with service.database.read() as session:
        assert set(rows_owned(session=session, owner="leaving-owner").values()) == {0}
        assert all(rows_owned(session=session, owner="staying-owner").values())


@pytest.fixture
def drawing(database: Database, pack: Pack, clock: FrozenClock) -> ExamService:
    """The exam service over the pack, with no variant pool: every seed is drawn from 2**63,
    so a seed in a file cannot pass for a small number such as a question's."""
    return ExamService(database=database, pack=pack, clock=clock)


def answered_everything(service: ExamService, owner: str) -> None:
    """A practice set of the whole bank answered, and a self-study exam submitted: cards,
    a log and seen questions for every question of the bank."""
    practice = PracticeService(
        database=service.database, pack=service.pack, shown=service.shown, windows=service.windows
    )
    every = practice.start(learner=owner, count=None)
    for number in range(1, len(every.items) + 1):
        practice.answer(learner=owner, session_id=every.id, number=number, letter="A")
    done = service.start(learner=owner)
    for number in range(1, len(done.slots) + 1):
        service.save_answer(learner=owner, attempt_id=done.id, number=number, letter="B")
    service.submit(learner=owner, attempt_id=done.id)


def secrets_of(attempt: Attempt) -> set[str]:
    """Everything of an attempt's layout that, with the public pack, answers it."""
    found: set[str] = set()
    for slot in attempt.slots:
        found |= {slot.question_id, *slot.option_order}
        found |= {str(part) for part in (slot.seed, slot.version) if part is not None}
    return found


def cells_naming(files: dict[str, list[dict[str, str]]], secrets: set[str]) -> list[str]:
    """Every cell holding one of `secrets` as a word of its own (ids are words of letters,
    digits, "_" and "-"; option "b" is not in "Backprop"), as file:column:secret."""
    return [
        f"{name}:{column}:{word}"
        for name, rows in files.items()
        for row in rows
        for column, cell in row.items()
        for word in re.findall(r"[\w-]+", cell)
        if word in secrets
    ]


def test_no_file_names_anything_of_an_open_class_or_self_study_attempt(
    drawing: ExamService, clock: FrozenClock
) -> None:
    service = drawing
    learner = account(service.database, "learner", Role.LEARNER, clock())
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    answered_everything(service, learner.owner)
    classes = ClassService(exam=service)
    rules = class_rules(clock() + timedelta(minutes=10), prefer_parametrized=True)
    exam = classes.create(instructor=teacher, rules=rules)
    own = service.start(learner=learner.owner)  # before the window: any question
    clock.advance(minutes=10)
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    for attempt in (own, sitting):
        for number in range(1, len(attempt.slots) + 1):
            service.save_answer(
                learner=learner.owner, attempt_id=attempt.id, number=number, letter="C"
            )
    assert any(s.seed is not None for s in sitting.slots)  # options named after their roles
    files = read_zip(LearnerData(service).export(learner=learner.owner))
    assert cells_naming(files, secrets_of(own) | secrets_of(sitting)) == []
    # The files still say what the pages do: every answer, by number and letter.
    answers = [row for row in files["exam_answers"] if row["attempt_id"] == sitting.id]
    assert [(r["number"], r["chosen"], r["correct"]) for r in answers] == [
        (str(n), "C", "") for n in range(1, len(sitting.slots) + 1)
    ]
    # What is sealed is only what the open attempts hold: the rest keeps its names.
    named = {row["question_id"] for row in files["review_cards"]}
    assert named - {""} == set(service.pack.questions) - {
        s.question_id for a in (own, sitting) for s in a.slots
    }


def test_once_the_result_shows_the_keys_the_file_says_them_too(
    service: ExamService, classes: ClassService, clock: FrozenClock
) -> None:
    learner = account(service.database, "learner", Role.LEARNER, clock())
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))
    classes.join(learner=learner, code=exam.code)
    sitting = classes.start(learner=learner, class_id=exam.id)
    service.save_answer(learner=learner.owner, attempt_id=sitting.id, number=1, letter="B")
    service.submit(learner=learner.owner, attempt_id=sitting.id)
    data = LearnerData(service)
    (during,) = read_zip(data.export(learner=learner.owner))["exam_answers"]
    assert (during["question_id"], during["key"], during["correct"]) == ("", "", "")
    clock.advance(hours=3)  # the window closed: the policy shows everything
    (after,) = read_zip(data.export(learner=learner.owner))["exam_answers"]
    _, result = service.result(learner=learner.owner, attempt_id=sitting.id)
    first = sitting.slots[0]
    assert after["question_id"] == first.question_id
    assert after["key"] == first.letter_of(result.outcomes[0].question.key)
    assert after["correct"] == str(result.outcomes[0].correct)


def test_while_a_window_is_open_no_file_names_its_questions(
    service: ExamService, classes: ClassService, clock: FrozenClock
) -> None:
    learner = account(service.database, "learner", Role.LEARNER, clock())
    answered_everything(service, learner.owner)  # long before any class exam
    teacher = account(service.database, "teacher", Role.INSTRUCTOR, clock())
    exam = classes.create(instructor=teacher, rules=class_rules(clock()))  # not joined
    data = LearnerData(service)
    during = read_zip(data.export(learner=learner.owner))
    asked = set(exam.question_ids)
    assert cells_naming(during, asked) == []
    practised = [row for row in during["practice_answers"] if row["question_id"]]
    assert len(practised) == len(service.pack.questions) - len(asked)  # the rest say all
    assert all(row["key"] and row["correct"] for row in practised)
    # Nor does any row of a held question say how it went (its mark, rating or card).
    for name, outcome in (
        ("review_log", "correct"),
        ("review_log", "rating"),
        ("review_cards", "lapses"),
    ):
        blank = [row for row in during[name] if not row["question_id"]]
        assert blank and all(row[outcome] == "" for row in blank), name
    clock.advance(hours=2, seconds=15)
    after = read_zip(data.export(learner=learner.owner))
    assert {row["question_id"] for row in after["review_cards"]} == set(service.pack.questions)

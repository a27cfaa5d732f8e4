"""Download my data: every kind of it as CSV; delete my data: all of it, nobody else's."""

import csv
import io
import zipfile

from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.services.learner_data import LearnerData
from gradquiz.storage.ownership import rows_owned
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
    files = read_zip(LearnerData(service.database).export(learner="exporting-owner"))
    assert set(files) == {
        "attempts",
        "exam_answers",
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
    files = read_zip(LearnerData(service.database).export(learner=None))
    assert files["review_log"] == [] and len(files) == 9


def test_delete_removes_the_learners_rows_and_keeps_others(service: ExamService) -> None:
    fill(service, "leaving-owner")
    fill(service, "staying-owner")
    data = LearnerData(service.database)
    data.delete(learner="leaving-owner")
    data.delete(learner=None)  # a browser without an identity has nothing to delete
    with service.database.read() as session:
        assert set(rows_owned(session=session, owner="leaving-owner").values()) == {0}
        assert all(rows_owned(session=session, owner="staying-owner").values())

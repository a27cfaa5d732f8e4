"""An attempt is graded and reviewed as it was shown, whatever the bank has become since."""

import dataclasses

from gradquiz.core.packs import Pack
from gradquiz.core.question_versions import question_from_record, question_record, version_of
from gradquiz.core.questions import Option
from gradquiz.services.exam import ExamService
from gradquiz.services.shown_questions import REVISED
from gradquiz.storage.attempts import load_attempt
from gradquiz.web.exam.finished_results import FinishedResults

LEARNER = "versioned-learner-token-00000"


def revise(pack: Pack, question_id: str) -> Pack:
    """The pack with one question's options rewritten (its last option gets a new id)."""
    question = pack.questions[question_id]
    options = list(question.options)
    last = options[-1]
    options[-1] = Option(id=last.id + "-v2", text=last.text + " (revised)", feedback=last.feedback)
    key = question.key if question.key != last.id else last.id + "-v2"
    revised = dataclasses.replace(question, options=tuple(options), key=key, stem="Revised stem.")
    return dataclasses.replace(pack, questions={**pack.questions, question_id: revised})


def test_records_round_trip_and_digests_follow_the_content(pack: Pack) -> None:
    for question in pack.questions.values():
        shown = question.resolve(7)
        assert question_from_record(question_record(shown)) == dataclasses.replace(
            shown, excludes=frozenset()
        )
    one = next(q for q in pack.questions.values() if not q.parametrized)
    assert version_of(one) == version_of(dataclasses.replace(one, excludes=frozenset({"x"})))
    assert version_of(one) != version_of(dataclasses.replace(one, stem=one.stem + " "))


def test_option_values_round_trip_and_leave_the_digest_alone(pack: Pack) -> None:
    shown = pack.questions["neuron-dl-dw"].resolve(11)
    assert shown.numeric
    record = question_record(shown)
    assert all(isinstance(o["value"], float) for o in record["options"])
    assert question_from_record(record).options == shown.options
    without = tuple(dataclasses.replace(o, value=None) for o in shown.options)
    assert version_of(shown) == version_of(dataclasses.replace(shown, options=without))


def test_a_result_shows_the_version_the_learner_saw(service: ExamService) -> None:
    attempt = service.start(learner=LEARNER)
    for number in range(1, 16):
        service.save_answer(learner=LEARNER, attempt_id=attempt.id, number=number, letter="A")
    service.submit(learner=LEARNER, attempt_id=attempt.id)
    before = service.result(learner=LEARNER, attempt_id=attempt.id)[1]
    changed = next(
        s.question_id
        for s in attempt.slots
        if not service.pack.questions[s.question_id].parametrized
    )
    later = ExamService(
        database=service.database, pack=revise(service.pack, changed), clock=service.clock
    )
    after = later.result(learner=LEARNER, attempt_id=attempt.id)[1]
    assert [question_record(o.question) for o in after.outcomes] == [
        question_record(o.question) for o in before.outcomes
    ]
    assert after.score == before.score
    assert all("Revised stem." not in o.question.stem for o in after.outcomes)


def test_an_older_attempt_without_versions_never_breaks(service: ExamService) -> None:
    attempt = service.start(learner=LEARNER)
    service.submit(learner=LEARNER, attempt_id=attempt.id)
    with service.database.write() as session:
        from gradquiz.storage.models import AttemptRow

        row = session.get(AttemptRow, attempt.id)
        assert row is not None
        row.layout = [{k: v for k, v in item.items() if k != "version"} for item in row.layout]
    static = [
        n
        for n, s in enumerate(attempt.slots)
        if not service.pack.questions[s.question_id].parametrized
    ]
    changed_at, kept_at = static[0], static[1]
    changed = attempt.slots[changed_at].question_id
    later = ExamService(
        database=service.database, pack=revise(service.pack, changed), clock=service.clock
    )
    with service.database.read() as session:
        stored = load_attempt(session=session, attempt_id=attempt.id)
    assert stored is not None and stored.slots[changed_at].version is None
    shown = later.shown.of(stored)
    assert shown[changed_at].stem == REVISED
    assert shown[kept_at] == service.shown.of(stored)[kept_at]
    _, result = later.result(learner=LEARNER, attempt_id=attempt.id)
    assert len(result.outcomes) == 15 and not result.outcomes[changed_at].correct


def test_the_result_page_of_a_revised_question_still_renders(client, service) -> None:  # type: ignore[no-untyped-def]
    attempt_id = client.post("/api/v1/attempts").json()["id"]
    client.post(f"/api/v1/attempts/{attempt_id}/submit")
    with service.database.write() as session:
        from gradquiz.storage.models import AttemptRow

        row = session.get(AttemptRow, attempt_id)
        row.layout = [
            {**item, "version": None, "question": "no-longer-in-the-bank"} if n == 2 else item
            for n, item in enumerate(row.layout)
        ]
    client.app.state.finished = FinishedResults(
        service.owner_of
    )  # as after the restart a new bank needs
    page = client.get(f"/attempts/{attempt_id}/result")
    assert page.status_code == 200 and "was revised after this attempt" in page.text
    assert client.get(f"/api/v1/attempts/{attempt_id}/result").json()["questions"][2]["key"] == ""

import pytest

from gradquiz.core.interview import MAX_ANSWER_CHARS
from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from tests.factories import FrozenClock
from tests.web.exam.test_exam_pages import SEED_PHRASES

LEARNER = "interview-learner-token-0001"


@pytest.fixture
def practice(service: ExamService, clock: FrozenClock) -> InterviewPractice:
    return InterviewPractice(database=service.database, pack=service.pack, clock=clock)


def test_every_seed_interview_question_has_a_model_answer_and_key_points(
    practice: InterviewPractice,
) -> None:
    questions = practice.pack.page.interview_questions
    assert [q.text for q in questions] == SEED_PHRASES[-6:]
    for question in questions:
        assert len(question.model_answer) > 300
        assert len(question.key_points) >= 4


def test_answer_then_tick_points_is_kept_per_browser(
    practice: InterviewPractice, clock: FrozenClock
) -> None:
    assert practice.responses(learner=LEARNER) == {}
    practice.save_answer(
        learner=LEARNER, question_id="chain-rule", text="  Product of local derivatives.  "
    )
    practice.save_points(learner=LEARNER, question_id="chain-rule", covered=[2, 0, 2])
    clock.advance(minutes=5)
    practice.save_answer(
        learner=LEARNER, question_id="chain-rule", text="Product of Jacobians, output to input."
    )
    kept = practice.responses(learner=LEARNER)["chain-rule"]
    assert kept.answer == "Product of Jacobians, output to input."
    assert kept.covered == (0, 2)
    assert kept.saved_at == clock()
    assert practice.responses(learner="someone-else-token-00000") == {}


def test_points_need_an_answer_first_and_must_exist(practice: InterviewPractice) -> None:
    with pytest.raises(InvalidInput, match="Write your own answer first"):
        practice.save_points(learner=LEARNER, question_id="chain-rule", covered=[0])
    practice.save_answer(learner=LEARNER, question_id="chain-rule", text="Something.")
    with pytest.raises(InvalidInput, match="has key points 1 to 6"):
        practice.save_points(learner=LEARNER, question_id="chain-rule", covered=[6])


def test_empty_or_huge_answers_and_unknown_questions_are_refused(
    practice: InterviewPractice,
) -> None:
    with pytest.raises(InvalidInput, match="Write your own answer first"):
        practice.save_answer(learner=LEARNER, question_id="chain-rule", text="   ")
    with pytest.raises(InvalidInput, match="keep it under"):
        practice.save_answer(
            learner=LEARNER, question_id="chain-rule", text="x" * (MAX_ANSWER_CHARS + 1)
        )
    with pytest.raises(NotFound):
        practice.save_answer(learner=LEARNER, question_id="no-such", text="x")

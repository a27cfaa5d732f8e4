"""Interview practice: write an answer, compare it with the model answer, tick the points made."""

from dataclasses import dataclass, field

from gradquiz.core.interview import InterviewResponse, checked_answer, checked_points
from gradquiz.core.packs import InterviewQuestion, Pack
from gradquiz.errors import InvalidInput, NotFound
from gradquiz.services.clock import Clock, utc_now
from gradquiz.storage import interview as store
from gradquiz.storage.database import Database


@dataclass
class InterviewPractice:
    """Keeps each browser's interview answers and self-assessment with its progress."""

    database: Database
    pack: Pack
    clock: Clock = field(default=utc_now)

    def question(self, question_id: str) -> InterviewQuestion:
        """The interview question with this id, or NotFound."""
        for question in self.pack.page.interview_questions:
            if question.id == question_id:
                return question
        raise NotFound("There is no such interview question.")

    def responses(self, *, learner: str | None) -> dict[str, InterviewResponse]:
        """This learner's responses, by question id (none without a learner)."""
        if not learner:
            return {}
        with self.database.read() as session:
            return store.load_responses(session=session, owner=learner, pack_id=self.pack.id)

    def save_answer(self, *, learner: str, question_id: str, text: str) -> InterviewResponse:
        """Keep the learner's own answer; points already ticked stay ticked."""
        self.question(question_id)
        answer = checked_answer(text)
        earlier = self.responses(learner=learner).get(question_id)
        response = InterviewResponse(
            question_id=question_id,
            answer=answer,
            covered=earlier.covered if earlier else (),
            saved_at=self.clock(),
        )
        self._store(learner, response)
        return response

    def save_points(
        self, *, learner: str | None, question_id: str, covered: list[int]
    ) -> InterviewResponse:
        """Record which key points the learner's answer covered; needs their answer first."""
        question = self.question(question_id)
        earlier = self.responses(learner=learner).get(question_id)
        if earlier is None or not learner:
            raise InvalidInput("Write your own answer first; then tick the points it covered.")
        response = InterviewResponse(
            question_id=question_id,
            answer=earlier.answer,
            covered=checked_points(question, covered),
            saved_at=self.clock(),
        )
        self._store(learner, response)
        return response

    def _store(self, learner: str, response: InterviewResponse) -> None:
        with self.database.write() as session:
            store.save_response(
                session=session, owner=learner, pack_id=self.pack.id, response=response
            )

"""Reading and writing interview responses. Every function takes the session explicitly."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from gradquiz.core.interview import InterviewResponse
from gradquiz.storage.models import InterviewResponseRow
from gradquiz.storage.upserts import upsert


def load_responses(*, session: Session, owner: str, pack_id: str) -> dict[str, InterviewResponse]:
    """This owner's responses for the pack, by question id."""
    rows = session.scalars(
        select(InterviewResponseRow).where(
            InterviewResponseRow.owner == owner, InterviewResponseRow.pack_id == pack_id
        )
    )
    return {
        row.question_id: InterviewResponse(
            question_id=row.question_id,
            answer=row.answer,
            covered=tuple(row.covered),
            saved_at=row.saved_at,
        )
        for row in rows
    }


def save_response(
    *, session: Session, owner: str, pack_id: str, response: InterviewResponse
) -> None:
    """Insert or replace the owner's response to one interview question."""
    statement = upsert(
        InterviewResponseRow,
        session.get_bind().dialect.name,
        keys=("owner", "pack_id", "question_id"),
        updated=("answer", "covered", "saved_at"),
    )
    session.execute(
        statement,
        {
            "owner": owner,
            "pack_id": pack_id,
            "question_id": response.question_id,
            "answer": response.answer,
            "covered": list(response.covered),
            "saved_at": response.saved_at,
        },
    )

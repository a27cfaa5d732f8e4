"""Reading and writing review cards and the answer log. Every function takes the session."""

from collections.abc import Collection, Sequence
from datetime import datetime

from fsrs import Rating
from sqlalchemy import func, insert, select

from gradquiz.core.answers import AnsweredQuestion, Confidence, Source
from gradquiz.core.questions import Difficulty
from gradquiz.core.scheduling import ReviewCard
from gradquiz.storage.database import Executor
from gradquiz.storage.models import PracticeItemRow, ReviewCardRow, ReviewLogRow
from gradquiz.storage.upserts import dialect_of, upsert

_CARDS = ReviewCardRow.__table__

_CARD_FIELDS = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reviews",
    "lapses",
)


def load_cards(
    *,
    session: Executor,
    owner: str,
    pack_id: str,
    question_ids: Collection[str] | None = None,
    due_by: datetime | None = None,
) -> dict[str, ReviewCard]:
    """The owner's cards at the pack by question id: all, these questions', or those due
    by a time."""
    query = select(_CARDS).where(_CARDS.c.owner == owner, _CARDS.c.pack_id == pack_id)
    if question_ids is not None:
        query = query.where(_CARDS.c.question_id.in_(list(question_ids)))
    if due_by is not None:
        query = query.where(_CARDS.c.due <= due_by)
    return {
        row.question_id: ReviewCard(
            question_id=row.question_id, **{name: getattr(row, name) for name in _CARD_FIELDS}
        )
        for row in session.execute(query)
    }


def save_cards(*, session: Executor, owner: str, pack_id: str, cards: Sequence[ReviewCard]) -> None:
    """Insert or replace these cards of the owner's."""
    if not cards:
        return
    statement = upsert(
        ReviewCardRow,
        dialect_of(session),
        keys=("owner", "pack_id", "question_id"),
        updated=_CARD_FIELDS,
    )
    session.execute(
        statement,
        [
            {
                "owner": owner,
                "pack_id": pack_id,
                "question_id": card.question_id,
                **{name: getattr(card, name) for name in _CARD_FIELDS},
            }
            for card in cards
        ],
    )


def add_log(
    *,
    session: Executor,
    owner: str,
    pack_id: str,
    entries: Sequence[tuple[AnsweredQuestion, Rating, datetime]],
) -> None:
    """Append answers to the owner's log, each with its rating and the due time it set."""
    if not entries:
        return
    session.execute(
        insert(ReviewLogRow),
        [
            {
                "owner": owner,
                "pack_id": pack_id,
                "question_id": answer.question_id,
                "topic": answer.topic,
                "difficulty": answer.difficulty.value,
                "source": answer.source.value,
                "correct": answer.correct,
                "confidence": answer.confidence.value if answer.confidence else None,
                "seconds": answer.seconds,
                "rating": int(rating),
                "answered_at": answer.answered_at,
                "due_after": due_after,
            }
            for answer, rating, due_after in entries
        ],
    )


def load_history(*, session: Executor, owner: str, pack_id: str) -> list[AnsweredQuestion]:
    """Every answer the owner gave at the pack, oldest first."""
    rows = session.execute(
        select(
            ReviewLogRow.question_id,
            ReviewLogRow.topic,
            ReviewLogRow.difficulty,
            ReviewLogRow.correct,
            ReviewLogRow.answered_at,
            ReviewLogRow.source,
            ReviewLogRow.confidence,
            ReviewLogRow.seconds,
        )
        .where(ReviewLogRow.owner == owner, ReviewLogRow.pack_id == pack_id)
        .order_by(ReviewLogRow.answered_at, ReviewLogRow.id)
    )
    return [
        AnsweredQuestion(
            question_id=row.question_id,
            topic=row.topic,
            difficulty=Difficulty(row.difficulty),
            correct=row.correct,
            answered_at=row.answered_at,
            source=Source(row.source),
            confidence=Confidence(row.confidence) if row.confidence else None,
            seconds=row.seconds,
        )
        for row in rows
    ]


def typed_guesses(*, session: Executor, owner: str) -> set[tuple[str, datetime]]:
    """(question id, answered at) of each practice answer the owner typed as a number and
    gave as a guess: no options were shown for it."""
    rows = session.execute(
        select(PracticeItemRow.question_id, PracticeItemRow.answered_at).where(
            PracticeItemRow.owner == owner,
            PracticeItemRow.typed.is_not(None),
            PracticeItemRow.confidence == Confidence.GUESSING.value,
        )
    )
    return {(row.question_id, row.answered_at) for row in rows if row.answered_at}


def due_times(*, session: Executor, owner: str, pack_id: str) -> list[datetime]:
    """When each of the owner's cards at the pack is due."""
    query = select(ReviewCardRow.due).where(
        ReviewCardRow.owner == owner, ReviewCardRow.pack_id == pack_id
    )
    return list(session.scalars(query))


def due_summary(
    *, session: Executor, owner: str, pack_id: str, now: datetime, held: Collection[str] = ()
) -> tuple[int, datetime | None, int]:
    """How many of the owner's cards are due at `now` (apart from those `held` back), when
    the next one after it is, and how many of the due ones are held back."""
    mine = (ReviewCardRow.owner == owner, ReviewCardRow.pack_id == pack_id)
    due_now = (*mine, ReviewCardRow.due <= now)
    due = int(session.scalar(select(func.count()).where(*due_now)) or 0)
    waiting = 0
    if held and due:
        in_held = ReviewCardRow.question_id.in_(list(held))
        waiting = int(session.scalar(select(func.count()).where(*due_now, in_held)) or 0)
    upcoming = session.scalar(
        select(func.min(ReviewCardRow.due)).where(*mine, ReviewCardRow.due > now)
    )
    return due - waiting, upcoming, waiting

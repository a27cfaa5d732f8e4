"""Every answer, in an exam, a practice set or a review, becomes or updates a review card.

Called inside the transaction that records the answers, so an answer and its card are
kept together or not at all.
"""

from collections.abc import Sequence

from gradquiz.core.answers import AnsweredQuestion
from gradquiz.core.scheduling import new_card, review
from gradquiz.storage import review as store
from gradquiz.storage.database import Executor


def record_answers(
    session: Executor, *, owner: str, pack_id: str, answers: Sequence[AnsweredQuestion]
) -> None:
    """Schedule each answered question's card by how the answer went, and log the answers."""
    if not answers:
        return
    cards = store.load_cards(
        session=session,
        owner=owner,
        pack_id=pack_id,
        question_ids={answer.question_id for answer in answers},
    )
    entries = []
    for answer in answers:
        card = cards.get(answer.question_id) or new_card(answer.question_id, answer.answered_at)
        cards[answer.question_id], rating = review(card, answer)
        entries.append((answer, rating, cards[answer.question_id].due))
    changed = {answer.question_id for answer in answers}
    store.save_cards(
        session=session,
        owner=owner,
        pack_id=pack_id,
        cards=[card for question_id, card in cards.items() if question_id in changed],
    )
    store.add_log(session=session, owner=owner, pack_id=pack_id, entries=entries)

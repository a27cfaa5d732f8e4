"""A question exactly as one attempt showed it: a record to store, and its version digest.

Banks change between releases (a distractor rewritten, a generator's numbers redrawn), but
an attempt must be graded and reviewed as it was shown. Each slot keeps the digest of its
question; the record is stored once per digest and read back only when the bank has moved on.
"""

import hashlib
import json
from functools import lru_cache
from typing import Any

from gradquiz.core.questions import Difficulty, LabLink, Option, Question


def question_record(question: Question) -> dict[str, Any]:
    """The shown (static or resolved) question as plain JSON-able data."""
    if question.generator is not None:
        raise ValueError(f"Question '{question.id}' must be resolved before it is recorded.")
    return {
        "id": question.id,
        "topic": question.topic,
        "difficulty": question.difficulty.value,
        "stem": question.stem,
        "options": [_option_record(o) for o in question.options],
        "key": question.key,
        "explanation": question.explanation,
        "reference": question.reference,
        "shuffle": question.shuffle,
        **({"lab": [question.lab.graph, list(question.lab.values)]} if question.lab else {}),
    }


def question_from_record(record: dict[str, Any]) -> Question:
    """The question a record describes."""
    return Question(
        id=record["id"],
        topic=record["topic"],
        difficulty=Difficulty(record["difficulty"]),
        stem=record["stem"],
        options=tuple(
            Option(o["id"], o["text"], o["feedback"], o.get("value")) for o in record["options"]
        ),
        key=record["key"],
        explanation=record["explanation"],
        reference=record["reference"],
        shuffle=record["shuffle"],
        lab=_lab(record.get("lab")),
    )


def _lab(stored: list[Any] | None) -> LabLink | None:
    if not stored:
        return None
    graph, values = stored
    return LabLink(graph, tuple((str(name), value) for name, value in values))


def _option_record(option: Option) -> dict[str, Any]:
    record: dict[str, Any] = {"id": option.id, "text": option.text, "feedback": option.feedback}
    if option.value is not None:
        record["value"] = option.value
    return record


@lru_cache(maxsize=1024)  # static questions come back with every attempt
def version_of(question: Question) -> str:
    """A digest that changes whenever anything a learner sees of the question changes.

    An option's value is its text read as a number, and the lab link repeats the stem's
    numbers, so both are left out: digests taken before questions carried them still match.
    """
    record = question_record(question)
    record.pop("lab", None)
    for option in record["options"]:
        option.pop("value", None)
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]

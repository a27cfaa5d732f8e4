"""Finding stems that say nearly the same thing, so the bank does not ask one question twice."""

import re
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from gradquiz.content.problems import Problem
from gradquiz.core.questions import Question

# Two stems sharing this much of their text (difflib ratio, 0..1) count as near-duplicates.
NEAR_DUPLICATE_RATIO = 0.8


def normalised(text: str) -> str:
    """Lower-case words of a stem, math and punctuation kept, whitespace folded."""
    return " ".join(re.sub(r"\s+", " ", text.lower()).split())


def near_duplicate_stems(questions: dict[str, Question], paths: dict[str, Path]) -> list[Problem]:
    """A problem for each pair of questions whose stems are near-duplicates."""
    stems = {qid: normalised(q.stem) for qid, q in sorted(questions.items()) if not q.parametrized}
    problems = []
    for first, second in combinations(stems, 2):
        matcher = SequenceMatcher(None, stems[first], stems[second], autojunk=False)
        if matcher.real_quick_ratio() < NEAR_DUPLICATE_RATIO:
            continue
        if matcher.quick_ratio() < NEAR_DUPLICATE_RATIO:
            continue
        ratio = matcher.ratio()
        if ratio >= NEAR_DUPLICATE_RATIO:
            message = f"stem is a near-duplicate of '{first}' ({ratio:.0%} alike)"
            problems.append(Problem(paths[second], 1, message))
    return problems

"""The page blocks of a pack: article, glossary, worked example, interview tip and questions."""

import re
from pathlib import Path

from pydantic import Field

from gradquiz.content.problems import Problem
from gradquiz.content.question_file import SLUG
from gradquiz.content.toml_files import StrictModel, load_toml_model
from gradquiz.core.packs import GlossaryTerm, InterviewQuestion, PackPage

PAGE_FILES = {
    "intro": "page/intro.md",
    "why": "page/why.md",
    "glossary": "page/glossary.toml",
    "code_example": "page/example.txt",
    "code_runnable": "page/example-runnable.py",
    "interview_tip": "page/interview-tip.md",
    "interview": "page/interview.toml",
}


class _TermSpec(StrictModel):
    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class _GlossarySpec(StrictModel):
    term: list[_TermSpec] = Field(min_length=1)


class _InterviewQuestionSpec(StrictModel):
    id: str = Field(pattern=SLUG.pattern)
    text: str = Field(min_length=1)
    model_answer: str = Field(min_length=1)
    key_points: list[str] = Field(min_length=2)


class _InterviewSpec(StrictModel):
    question: list[_InterviewQuestionSpec] = Field(min_length=1)


def read_page(directory: Path, code_title: str, problems: list[Problem]) -> PackPage | None:
    """The page blocks under `directory`/page, or None (with problems added) if any is bad."""
    texts: dict[str, str] = {}
    for name, relative in PAGE_FILES.items():
        path = directory / relative
        if not path.is_file():
            problems.append(Problem(path, 1, f"page file {relative} is missing"))
            continue
        texts[name] = path.read_text(encoding="utf-8").strip()
        if not texts[name]:
            problems.append(Problem(path, 1, f"page file {relative} is empty"))
    glossary = interview = None
    if texts.get("glossary"):
        glossary = load_toml_model(directory / PAGE_FILES["glossary"], _GlossarySpec, problems)
    if texts.get("interview"):
        interview = load_toml_model(directory / PAGE_FILES["interview"], _InterviewSpec, problems)
    if glossary is None or interview is None or len(texts) != len(PAGE_FILES):
        return None
    ids = [q.id for q in interview.question]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        path = directory / PAGE_FILES["interview"]
        problems.append(Problem(path, 1, f"interview question id '{duplicate}' is used twice"))
    return PackPage(
        intro=texts["intro"],
        why=texts["why"],
        glossary=tuple(
            GlossaryTerm(term=t.term, slug=_slugify(t.term), definition=t.definition)
            for t in glossary.term
        ),
        code_title=code_title,
        code_example=texts["code_example"],
        code_runnable=texts["code_runnable"],
        interview_tip=texts["interview_tip"],
        interview_questions=tuple(
            InterviewQuestion(
                id=q.id,
                text=q.text,
                model_answer=q.model_answer.strip(),
                key_points=tuple(q.key_points),
            )
            for q in interview.question
        ),
    )


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

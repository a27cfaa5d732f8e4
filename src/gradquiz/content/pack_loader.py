"""Loading a pack folder (pack.toml, page/, questions/) into a validated Pack."""

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gradquiz.content.problems import Problem
from gradquiz.content.question_file import SLUG, parse_question_file
from gradquiz.core.blueprint import unfillable_reason
from gradquiz.core.packs import Blueprint, GlossaryTerm, Pack, PackPage, Topic
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import PackInvalid

M = TypeVar("M", bound=BaseModel)

PAGE_FILES = {
    "intro": "page/intro.md",
    "why": "page/why.md",
    "glossary": "page/glossary.toml",
    "code_example": "page/example.txt",
    "interview_tip": "page/interview-tip.md",
    "interview_questions": "page/interview-questions.md",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _TopicSpec(_Strict):
    id: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=1)


class _PackSpec(_Strict):
    id: str = Field(pattern=SLUG.pattern)
    title: str = Field(min_length=1)
    subtitle: str = Field(min_length=1)
    description: str = Field(min_length=1)
    questions: int = Field(gt=0)
    minutes: int = Field(gt=0)
    code_title: str = Field(min_length=1)
    blueprint: dict[Difficulty, int]
    topics: list[_TopicSpec] = Field(min_length=1)


class _TermSpec(_Strict):
    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class _GlossarySpec(_Strict):
    term: list[_TermSpec] = Field(min_length=1)


def builtin_pack_dir(name: str = "backprop") -> Path:
    """The folder of a pack shipped with gradquiz."""
    return Path(str(files("gradquiz") / "packs" / name))


def load_pack(directory: Path) -> Pack:
    """Load and validate a pack; raise PackInvalid listing every problem found."""
    pack, problems = _read_pack(directory)
    if problems or pack is None:
        lines = [str(p) for p in sorted(problems)]
        raise PackInvalid(f"The pack in {directory} has {len(lines)} problem(s).", lines)
    return pack


def check_pack(directory: Path) -> list[Problem]:
    """Every problem in the pack at `directory`, sorted by file and line."""
    return sorted(_read_pack(directory)[1])


def _read_pack(directory: Path) -> tuple[Pack | None, list[Problem]]:
    problems: list[Problem] = []
    manifest = directory / "pack.toml"
    if not manifest.is_file():
        return None, [Problem(manifest, 1, "pack.toml is missing")]
    spec = _load_toml_model(manifest, _PackSpec, problems)
    code_title = spec.code_title if spec else ""
    page = _read_page(directory, code_title, problems)
    questions, paths = _read_questions(directory / "questions", problems)
    if spec is None or page is None:
        return None, problems
    topics = tuple(Topic(id=t.id, name=t.name) for t in spec.topics)
    _check_questions_against_spec(spec, manifest, questions, paths, problems)
    blueprint = Blueprint(
        counts={d: spec.blueprint.get(d, 0) for d in Difficulty},
        required_topics=tuple(t.id for t in topics),
    )
    reason = unfillable_reason(questions.values(), blueprint)
    if reason is not None:
        problems.append(Problem(manifest, _line_of(manifest, "blueprint"), reason))
    pack = Pack(
        id=spec.id,
        title=spec.title,
        subtitle=spec.subtitle,
        description=spec.description,
        minutes=spec.minutes,
        blueprint=blueprint,
        topics=topics,
        page=page,
        questions=questions,
    )
    return pack, problems


def _check_questions_against_spec(
    spec: _PackSpec,
    manifest: Path,
    questions: dict[str, Question],
    paths: dict[str, Path],
    problems: list[Problem],
) -> None:
    total = sum(spec.blueprint.values())
    if total != spec.questions:
        problems.append(
            Problem(
                manifest,
                _line_of(manifest, "questions"),
                f"questions = {spec.questions} but the blueprint adds up to {total}",
            )
        )
    topic_ids = {t.id for t in spec.topics}
    for question in questions.values():
        if question.topic not in topic_ids:
            path = paths[question.id]
            problems.append(
                Problem(
                    path,
                    _line_of(path, "topic", sep=":"),
                    f"topic '{question.topic}' is not declared in pack.toml "
                    f"({', '.join(sorted(topic_ids))})",
                )
            )


def _read_questions(
    folder: Path, problems: list[Problem]
) -> tuple[dict[str, Question], dict[str, Path]]:
    """Every question file under `folder` (subfolders too), and where each came from."""
    questions: dict[str, Question] = {}
    seen: dict[str, Path] = {}
    if not folder.is_dir():
        problems.append(Problem(folder, 1, "questions/ folder is missing"))
        return questions, seen
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix != ".txt":
            problems.append(Problem(path, 1, "not a question file (expected a .txt file)"))
            continue
        question, found = parse_question_file(path, path.read_text(encoding="utf-8"))
        problems.extend(found)
        if question is None:
            continue
        if question.id in seen:
            problems.append(
                Problem(
                    path, 1, f"duplicate question id '{question.id}' (also in {seen[question.id]})"
                )
            )
            continue
        seen[question.id] = path
        questions[question.id] = question
    return questions, seen


def _read_page(directory: Path, code_title: str, problems: list[Problem]) -> PackPage | None:
    texts: dict[str, str] = {}
    for name, relative in PAGE_FILES.items():
        path = directory / relative
        if not path.is_file():
            problems.append(Problem(path, 1, f"page file {relative} is missing"))
            continue
        texts[name] = path.read_text(encoding="utf-8").strip()
        if not texts[name]:
            problems.append(Problem(path, 1, f"page file {relative} is empty"))
    glossary = None
    if texts.get("glossary"):
        glossary = _load_toml_model(directory / PAGE_FILES["glossary"], _GlossarySpec, problems)
    if glossary is None or len(texts) != len(PAGE_FILES):
        return None
    questions_path = directory / PAGE_FILES["interview_questions"]
    items = [
        line[2:].strip()
        for line in texts["interview_questions"].splitlines()
        if line.startswith("- ")
    ]
    if not items:
        problems.append(Problem(questions_path, 1, "expected a list of '- question' lines"))
    return PackPage(
        intro=texts["intro"],
        why=texts["why"],
        glossary=tuple(
            GlossaryTerm(term=t.term, slug=_slugify(t.term), definition=t.definition)
            for t in glossary.term
        ),
        code_title=code_title,
        code_example=texts["code_example"],
        interview_tip=texts["interview_tip"],
        interview_questions=tuple(items),
    )


def _load_toml_model(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _toml_error_line(str(error))
        problems.append(Problem(path, line, f"invalid TOML: {error}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            location = ".".join(str(part) for part in detail["loc"])
            first = str(detail["loc"][0]) if detail["loc"] else ""
            line = _line_of(path, first) if first else 1
            message = detail["msg"]
            if detail["type"] == "extra_forbidden":
                message = "unknown key"
            problems.append(Problem(path, line, f"{location}: {message}"))
        return None


def _toml_error_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


def _line_of(path: Path, name: str, sep: str = "=") -> int:
    """The first line of `path` that sets `name` (or opens table `[name]`), else 1."""
    pattern = re.compile(rf"^\s*(\[+\s*{re.escape(name)}\s*\]+|{re.escape(name)}\s*{sep})")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return 1


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

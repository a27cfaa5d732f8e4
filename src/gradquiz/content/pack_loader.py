"""Loading a pack folder (pack.toml, page/, questions/) into a validated Pack."""

from importlib.resources import files
from pathlib import Path

from pydantic import Field

from gradquiz.content.code_blocks import code_block_problems
from gradquiz.content.generator_check import CHECK_SEEDS, check_generators
from gradquiz.content.generator_modules import GeneratorModules, Reserves
from gradquiz.content.key_balance import key_position_problems
from gradquiz.content.page_files import read_page
from gradquiz.content.problems import Problem
from gradquiz.content.question_file import SLUG, parse_question_file
from gradquiz.content.similarity import near_duplicate_stems
from gradquiz.content.toml_files import StrictModel, line_of, load_toml_model
from gradquiz.core.blueprint import disjoint_exam_count, unfillable_reason
from gradquiz.core.packs import Blueprint, Pack, Source, Topic
from gradquiz.core.questions import Difficulty, Question
from gradquiz.errors import PackInvalid


class _TopicSpec(StrictModel):
    id: str = Field(pattern=SLUG.pattern)
    name: str = Field(min_length=1)
    required: bool = True


class _SourceSpec(StrictModel):
    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")


class _PackSpec(StrictModel):
    id: str = Field(pattern=SLUG.pattern)
    title: str = Field(min_length=1)
    subtitle: str = Field(min_length=1)
    description: str = Field(min_length=1)
    questions: int = Field(gt=0)
    minutes: int = Field(gt=0)
    code_title: str = Field(min_length=1)
    disjoint_exams: int = Field(default=1, ge=1, le=20)
    blueprint: dict[Difficulty, int]
    topics: list[_TopicSpec] = Field(min_length=1)
    sources: list[_SourceSpec] = Field(default_factory=list)


def builtin_pack_dir(name: str = "backprop") -> Path:
    """The folder of a pack shipped with gradquiz."""
    return Path(str(files("gradquiz") / "packs" / name))


# Loading a pack for serving tries each generator on a few seeds; `gradquiz check` on many.
LOAD_SEEDS = 3


def load_pack(directory: Path) -> Pack:
    """Load and validate a pack; raise PackInvalid listing every problem found."""
    return _valid_pack(directory, *_read_pack(directory, LOAD_SEEDS))


def serving_pack(directory: Path, reserves: Reserves | None = None) -> Pack:
    """Load a pack to serve: as `load_pack`, but its generators are imported on first use,
    and each takes its variants from `reserves(name)` when that gives a reserve.

    Start-up then skips sympy and the generators' compiled keys; a server warms them up in
    the background (`warm_up`), and `gradquiz check` runs every generator before release.
    The authoring checks (near-duplicate stems, key positions, code blocks that run, disjoint
    exams) are `gradquiz check`'s too: a server checks only what it needs to serve.
    """
    return _valid_pack(
        directory, *_read_pack(directory, 0, deferred=True, authoring=False, reserves=reserves)
    )


def warm_up(pack: Pack) -> list[str]:
    """Import and run every generator once (seed 0); return what failed, one line each."""
    failures = []
    for question in pack.questions.values():
        if question.parametrized:
            try:
                question.resolve(0)
            except Exception as error:  # a pack's own code: report, do not stop the server
                failures.append(f"question '{question.id}': {type(error).__name__}: {error}")
    return failures


def _valid_pack(directory: Path, pack: Pack | None, problems: list[Problem]) -> Pack:
    if problems or pack is None:
        lines = [str(p) for p in sorted(problems)]
        raise PackInvalid(f"The pack in {directory} has {len(lines)} problem(s).", lines)
    return pack


def check_pack(directory: Path, seeds: int = CHECK_SEEDS, numeric_seeds: int = 0) -> list[Problem]:
    """Every problem in the pack at `directory` (each generator run on `seeds` seeds, and one
    whose options are numbers on `numeric_seeds` in all, when that is more)."""
    return sorted(_read_pack(directory, seeds, numeric_seeds=numeric_seeds)[1])


def _read_pack(
    directory: Path,
    seeds: int,
    *,
    numeric_seeds: int = 0,
    deferred: bool = False,
    authoring: bool = True,
    reserves: Reserves | None = None,
) -> tuple[Pack | None, list[Problem]]:
    problems: list[Problem] = []
    manifest = directory / "pack.toml"
    if not manifest.is_file():
        return None, [Problem(manifest, 1, "pack.toml is missing")]
    spec = load_toml_model(manifest, _PackSpec, problems)
    code_title = spec.code_title if spec else ""
    page = read_page(directory, code_title, problems)
    modules = GeneratorModules(directory / "generators", deferred=deferred, reserves=reserves)
    questions, paths = _read_questions(directory / "questions", problems, modules)
    problems.extend(check_generators(questions, paths, seeds, numeric_seeds))
    if authoring:
        problems.extend(code_block_problems(directory))
    if spec is None or page is None:
        return None, problems
    topics = tuple(Topic(id=t.id, name=t.name, required=t.required) for t in spec.topics)
    _check_questions_against_spec(spec, manifest, questions, paths, problems)
    blueprint = Blueprint(
        counts={d: spec.blueprint.get(d, 0) for d in Difficulty},
        required_topics=tuple(t.id for t in topics if t.required),
    )
    reason = unfillable_reason(questions.values(), blueprint)
    if reason is not None:
        problems.append(Problem(manifest, line_of(manifest, "blueprint"), reason))
    elif authoring and spec.disjoint_exams > 1:
        found = disjoint_exam_count(questions.values(), blueprint, target=spec.disjoint_exams)
        if found < spec.disjoint_exams:
            problems.append(
                Problem(
                    manifest,
                    line_of(manifest, "disjoint_exams"),
                    f"the bank fills only {found} exam(s) without reusing a question; "
                    f"disjoint_exams asks for {spec.disjoint_exams}",
                )
            )
    if authoring:
        problems.extend(near_duplicate_stems(questions, paths))
        problems.extend(key_position_problems(questions, paths, manifest, seeds))
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
        sources=tuple(Source(name=s.name, url=s.url) for s in spec.sources),
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
                line_of(manifest, "questions"),
                f"questions = {spec.questions} but the blueprint adds up to {total}",
            )
        )
    topic_ids = {t.id for t in spec.topics}
    for question in questions.values():
        for unknown in sorted(question.excludes - questions.keys()):
            path = paths[question.id]
            problems.append(
                Problem(
                    path,
                    line_of(path, "excludes", sep=":"),
                    f"excludes unknown question '{unknown}'",
                )
            )
        if question.topic not in topic_ids:
            path = paths[question.id]
            problems.append(
                Problem(
                    path,
                    line_of(path, "topic", sep=":"),
                    f"topic '{question.topic}' is not declared in pack.toml "
                    f"({', '.join(sorted(topic_ids))})",
                )
            )


def _read_questions(
    folder: Path, problems: list[Problem], modules: GeneratorModules
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
        text = path.read_text(encoding="utf-8")
        question, found = parse_question_file(path, text, modules.find)
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

"""The command line: serve the web app, migrate the database, check a pack, import and export
questions."""

import logging
import logging.config
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit, urlunsplit

import typer

from gradquiz.config import Settings
from gradquiz.content.generator_check import SPACING_SEEDS
from gradquiz.errors import GradquizError, PackInvalid
from gradquiz.logs import log_config
from gradquiz.lti_cli import lti as lti_commands

# Each command imports what it alone needs: `serve` starts its workers sooner, and each
# worker, which imports this module again, reaches its first answer sooner.
if TYPE_CHECKING:
    from rich.console import Console

    from gradquiz.services.accounts import AccountService
    from gradquiz.services.banks import BankService
    from gradquiz.services.exam import ExamService

app = typer.Typer(
    help="gradquiz: timed multiple-choice exams and practice on deep learning fundamentals.",
    no_args_is_help=True,
    add_completion=False,
)


@cache
def _console(*, stderr: bool = False) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr)


def out() -> "Console":
    """Standard output, through Rich."""
    return _console()


def err() -> "Console":
    """Standard error, through Rich."""
    return _console(stderr=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    migrate: Annotated[bool, typer.Option(help="Apply migrations before serving.")] = True,
) -> None:
    """Serve the web app (SQLite in the user data folder unless GRADQUIZ_DATABASE_URL is set)."""
    import uvicorn

    settings = Settings()
    config = log_config(settings.log_level)
    logging.config.dictConfig(config)
    # Each worker migrates as it starts (one at a time), so this process starts them at once
    # instead of first loading SQLAlchemy to look at the schema.
    os.environ["GRADQUIZ_MIGRATE_ON_START"] = "true" if migrate else "false"
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"gradquiz: serving {load_pack_title(settings)} on http://{host}:{port}")
    typer.echo(f"gradquiz: database {_redacted(settings.database_url)}")
    uvicorn.run(
        "gradquiz.web.asgi:create_default_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level=settings.log_level.lower(),
        log_config=config,  # applied again in every worker process, so all log alike
        access_log=settings.access_log,
        proxy_headers=True,
        timeout_keep_alive=settings.keep_alive_seconds,
    )


@app.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database schema."""
    settings = Settings()
    _migrate(settings)
    out().print(f"gradquiz: database {_redacted(settings.database_url)} is up to date")


@app.command()
def check(
    pack_dir: Annotated[Path, typer.Argument(help="Folder holding pack.toml.")],
    numeric_seeds: Annotated[
        int,
        typer.Option(
            min=0,
            help="Seeds each generator with numeric options is run on in all, so that no "
            "typed number could mean two options.",
        ),
    ] = SPACING_SEEDS,
) -> None:
    """Validate a content pack; print each problem as file:line: message."""
    from gradquiz.content.pack_loader import check_pack, load_pack

    problems = check_pack(pack_dir, numeric_seeds=numeric_seeds)
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        err().print(f"{len(problems)} problem(s) in {pack_dir}")
        raise typer.Exit(1)
    pack = load_pack(pack_dir)
    counts = ", ".join(
        f"{sum(1 for q in pack.questions.values() if q.difficulty == d)} {d.value}"
        for d in pack.blueprint.counts
    )
    typer.echo(
        f"ok: {pack.id}: {len(pack.questions)} questions ({counts}), {len(pack.topics)} topics; "
        f"exam draws {pack.blueprint.size} in {pack.minutes} min"
    )


@app.command("import")
def import_questions(
    file: Annotated[Path, typer.Argument(help="GIFT, Moodle XML, QTI 3.0 (.zip or .xml) or CSV.")],
    file_format: Annotated[
        str, typer.Option("--format", help="auto, gift, moodle, qti or csv.")
    ] = "auto",
    topic: Annotated[
        str | None, typer.Option(help="Topic of questions whose file gives no category.")
    ] = None,
    difficulty: Annotated[
        str, typer.Option(help="Difficulty where the file gives none: easy, medium, hard.")
    ] = "medium",
    owner: Annotated[
        str | None,
        typer.Option(help="Store the questions in this instructor's private bank (database)."),
    ] = None,
    bank: Annotated[
        str | None, typer.Option(help="The bank's name with --owner [default: the file's name].")
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the questions into, one <id>.txt each (a pack's "
            "questions/ format); without it, only the report is printed.",
        ),
    ] = None,
) -> None:
    """Read a file of questions: print what is imported, skipped by type and refused by rule."""
    from gradquiz.content.formats import Format, check_size, detect_format, read_questions
    from gradquiz.content.formats.question_files import write_question_folder
    from gradquiz.content.formats.rules import Defaults, slug
    from gradquiz.core.questions import Difficulty
    from gradquiz.errors import InvalidInput

    choices = ("auto", *(f.value for f in Format))
    if file_format not in choices:
        raise InvalidInput(f"--format {file_format!r} is not one of: {', '.join(choices)}")
    if difficulty not in {d.value for d in Difficulty}:
        raise InvalidInput(f"--difficulty {difficulty!r} is not one of: easy, medium, hard")
    settings = Settings()
    try:
        check_size(file.stat().st_size, settings.import_max_bytes)
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput(f"Cannot read {file}: {error.strerror or error}") from None
    chosen = detect_format(file.name, data) if file_format == "auto" else Format(file_format)
    defaults = Defaults(topic=slug(topic) if topic else None, difficulty=Difficulty(difficulty))
    if owner is not None:
        banks = _bank_service(settings)
        stored = banks.import_file(
            instructor=banks.instructor_named(owner),
            bank_name=bank or file.stem,
            data=data,
            file_name=file.name,
            file_format=chosen,
            defaults=defaults,
        )
        report = stored.report
    else:
        report = read_questions(data, chosen, defaults, max_bytes=settings.import_max_bytes)
    for line in report.lines()[:-1]:
        typer.echo(line)
    out().print(f"{file} ({chosen.value}): {report.summary()}", soft_wrap=True, markup=False)
    if owner is not None:
        out().print(f"{owner}'s {stored.summary()}", soft_wrap=True, markup=False)
    if folder is not None:
        changes = write_question_folder(report.imported, folder)
        out().print(f"{folder}: {changes.summary()}", soft_wrap=True, markup=False)
    if report.refused or not report.imported:
        raise typer.Exit(1)


@app.command("export")
def export_questions(
    pack: Annotated[str, typer.Argument(help="A pack folder, or the name of a built-in pack.")],
    file_format: Annotated[str, typer.Option("--format", help="gift, moodle, qti or csv.")],
    target: Annotated[Path, typer.Option("--out", help="File to write.")],
    variants: Annotated[
        int,
        typer.Option(min=0, max=100, help="Frozen variants of each parametrized question."),
    ] = 1,
    owner: Annotated[
        str | None,
        typer.Option(help="Export this instructor's private bank named PACK instead of a pack."),
    ] = None,
) -> None:
    """Write a pack's (or a private bank's) questions in an exchange format; importing the file
    gives them back."""
    from gradquiz.content.formats import Format, write_questions
    from gradquiz.content.formats.pack_export import pack_questions
    from gradquiz.content.formats.rules import slug
    from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
    from gradquiz.errors import InvalidInput

    if file_format not in {f.value for f in Format}:
        raise InvalidInput(f"--format {file_format!r} is not one of: gift, moodle, qti, csv")
    if owner is not None:
        banks = _bank_service(Settings())
        instructor = banks.instructor_named(owner)
        found = banks.named(instructor=instructor, name=pack)
        items = banks.questions(instructor=instructor, bank_id=found.id)
        source, title = slug(found.name), found.name
    else:
        pack_dir = Path(pack)
        if not pack_dir.is_dir() and builtin_pack_dir(pack).is_dir():
            pack_dir = builtin_pack_dir(pack)
        loaded = load_pack(pack_dir)
        items = pack_questions(loaded, variants=variants)
        source, title = loaded.id, loaded.title
    data = write_questions(items, Format(file_format), pack_id=source, title=title)
    target.write_bytes(data)
    out().print(
        f"{target}: {len(items)} questions from {source} ({len(data):,} bytes)",
        soft_wrap=True,
        markup=False,
    )


variants_commands = typer.Typer(
    help="Variants of parametrized questions, drawn ahead on this install.", no_args_is_help=True
)
app.add_typer(variants_commands, name="variants")


@variants_commands.command("fill")
def fill_variants(
    size: Annotated[
        int | None,
        typer.Option(min=1, max=100_000, help="Variants per generator [default: the setting]."),
    ] = None,
) -> None:
    """Draw variants for secret seeds into the database until each generator has `size`."""
    from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack
    from gradquiz.services.variant_pool import VariantPool
    from gradquiz.storage.database import Database

    if hasattr(os, "nice"):
        os.nice(10)  # a server started this: learners' requests come first
    settings = Settings()
    pool = VariantPool(Database(settings.database_url), size=size or settings.variant_pool_size)
    # The pack as a server loads it: what it serves, the fill draws for.
    pool.serve(serving_pack(settings.pack_dir or builtin_pack_dir()).questions.values())
    added = pool.fill()
    ready = pool.counts()
    least = min((ready.get(name, 0) for name in pool.generators), default=0)
    out().print(
        f"{added} variant(s) drawn; at least {least} ready for each of "
        f"{len(pool.generators)} generator(s)"
    )


app.add_typer(lti_commands, name="lti")

admin = typer.Typer(help="Instructor accounts.", no_args_is_help=True)
app.add_typer(admin, name="admin")


@admin.command("create-instructor")
def create_instructor(
    username: Annotated[str, typer.Argument(help="The new instructor's username.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Asked for when not given (typing it here leaves it in the shell history).",
        ),
    ],
) -> None:
    """Make an instructor account (the first one; instructors can promote others)."""
    from gradquiz.core.accounts import Role

    accounts = _services(Settings())[1]
    account = accounts.create_account(username=username, password=password, role=Role.INSTRUCTOR)
    out().print(f"gradquiz: instructor {account.username} created; sign in at /account/sign-in")


@admin.command("promote")
def promote(
    username: Annotated[str, typer.Argument(help="An existing account's username.")],
) -> None:
    """Make an existing account an instructor."""
    account = _services(Settings())[1].promote(by=None, username=username)
    out().print(f"gradquiz: {account.username} is now an instructor")


@app.command()
def stats(
    code: Annotated[str, typer.Argument(help="The class exam's join code.")],
) -> None:
    """Item statistics of a class exam from each learner's first submitted attempt."""
    import time

    from rich.table import Table

    from gradquiz.core.item_flags import (
        D_LEARNERS,
        few_for_correlation,
        kr20_note,
        minimum_rule,
        same_groups_note,
        shown_figure,
    )
    from gradquiz.services.classes import ClassService

    classes = ClassService(exam=_services(Settings())[0])
    exam = classes.by_code(code)
    started = time.perf_counter()
    analysis = classes.statistics(exam)
    took = time.perf_counter() - started
    e = analysis.exam
    kr20 = "undefined" if e.kr20 is None else str(shown_figure(e.kr20))
    learners = "1 learner" if e.learners == 1 else f"{e.learners} learners"
    out().print(
        f"{exam.rules.title} ({exam.code}): {learners}, {e.items} items, "
        f"mean {shown_figure(e.mean)}, population sd {shown_figure(e.sd)}, KR-20 {kr20}; "
        f"upper/lower groups of {analysis.group_size}; computed in {took * 1000:.0f} ms"
    )
    out().print(kr20_note(e.kr20, learners=e.learners, items=e.items))
    if analysis.same_groups:
        out().print(same_groups_note(e.learners, split=analysis.any_split))
    unjudged = analysis.items[0].unjudged_flags
    if unjudged:
        names = ", ".join(flag.value.replace("-", " ") for flag in unjudged)
        out().print(f"{minimum_rule()} With {learners}, too few to judge: {names}.")
    # Two decimals, halves away from zero, as the statistics page shows them and the flags
    # judge them; D with the words the page puts beside it (its band, or why it has none).
    rows = []
    for number, item in enumerate(analysis.items, start=1):
        r_pb = "–" if item.point_biserial is None else str(shown_figure(item.point_biserial))
        if item.point_biserial is not None and item.learners < D_LEARNERS:
            r_pb += f" ({few_for_correlation(item.learners)})"
        if item.discrimination is None:
            d = "– (undefined)"
        elif item.facility in (0, 1):
            everyone = "right" if item.facility == 1 else "wrong"
            d = f"{shown_figure(item.discrimination)} (everyone {everyone}: no band)"
        elif item.band is None:
            d = f"{shown_figure(item.discrimination)} (too few learners to judge)"
        else:
            d = f"{shown_figure(item.discrimination)} ({item.band.value})"
        # As the page says it: a flag the class is too small to judge is named, not "–", and
        # "too hard", not "too-hard".
        withheld = [
            f"would be flagged {f.value.replace('-', ' ')}, but too few learners to judge"
            for f in item.withheld_flags
        ]
        named = [f.value.replace("-", " ") for f in item.flags]
        flags = "\n".join([*named, *withheld]) or "–"
        rows.append((str(number), item.item, str(shown_figure(item.facility)), d, r_pb, flags))
    # The numbers whole on a narrow terminal, never "…": the flags column wraps instead (a
    # long one squeezed the item, facility and D columns at 80 columns).
    table = Table("#")
    table.add_column("item", overflow="fold")  # ids are long; fold them, never cut them
    for index, heading in enumerate(("facility", "D", "r_pb"), start=2):
        widest = max(len(heading), *(len(row[index].split(" (")[0]) for row in rows))
        table.add_column(heading, min_width=widest, overflow="fold")
    # One flag a line; a name wraps at its space, never cut (its longest word sets the width).
    table.add_column("flags", overflow="fold")
    for row in rows:
        table.add_row(*row)
    out().print(table)


def _services(settings: Settings) -> "tuple[ExamService, AccountService]":
    from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack
    from gradquiz.services.accounts import AccountService
    from gradquiz.services.exam import ExamService
    from gradquiz.storage.database import Database

    exam = ExamService(
        database=Database(settings.database_url),
        pack=serving_pack(settings.pack_dir or builtin_pack_dir()),
    )
    return exam, AccountService(exam=exam)


def _bank_service(settings: Settings) -> "BankService":
    from gradquiz.services.banks import BankService
    from gradquiz.storage.database import Database

    return BankService(
        Database(settings.database_url),
        max_bytes=settings.import_max_bytes,
        max_questions=settings.bank_max_questions,
        max_banks=settings.banks_per_instructor,
    )


def load_pack_title(settings: Settings) -> str:
    """The title of the pack the settings select, read from its pack.toml alone."""
    from gradquiz.content.pack_loader import builtin_pack_dir

    manifest = (settings.pack_dir or builtin_pack_dir()) / "pack.toml"
    try:
        return str(tomllib.loads(manifest.read_text(encoding="utf-8"))["title"])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise PackInvalid(f"Cannot read the pack's title from {manifest}: {error}", []) from None


def _migrate(settings: Settings) -> None:
    from gradquiz.storage.database import Database

    database = Database(settings.database_url)
    try:
        database.migrate()
    finally:
        database.dispose()


def _redacted(url: str) -> str:
    """The database URL with its password, if any, shown as ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}"))


def main() -> None:
    """Entry point: run the CLI, turning gradquiz errors into one line and exit status 1."""
    try:
        app()
    except GradquizError as error:
        err().print(f"gradquiz: {error.message}")
        for line in getattr(error, "problems", []):
            err().print(line)
        raise SystemExit(1) from None


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

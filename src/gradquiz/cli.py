"""The command line: serve the web app, migrate the database, check a pack."""

import logging
import logging.config
import os
import tomllib
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from gradquiz.config import Settings
from gradquiz.content.pack_loader import check_pack, load_pack
from gradquiz.errors import GradquizError, PackInvalid
from gradquiz.logs import log_config
from gradquiz.storage.database import Database

app = typer.Typer(
    help="gradquiz: timed multiple-choice exams and practice on deep learning fundamentals.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)
out = Console()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    migrate: Annotated[bool, typer.Option(help="Apply migrations before serving.")] = True,
) -> None:
    """Serve the web app (SQLite in the user data folder unless GRADQUIZ_DATABASE_URL is set)."""
    settings = Settings()
    config = log_config(settings.log_level)
    logging.config.dictConfig(config)
    if migrate:
        _migrate(settings)
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
    )


@app.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database schema."""
    settings = Settings()
    _migrate(settings)
    out.print(f"gradquiz: database {_redacted(settings.database_url)} is up to date")


@app.command()
def check(pack_dir: Annotated[Path, typer.Argument(help="Folder holding pack.toml.")]) -> None:
    """Validate a content pack; print each problem as file:line: message."""
    problems = check_pack(pack_dir)
    if problems:
        for problem in problems:
            typer.echo(str(problem))
        err.print(f"{len(problems)} problem(s) in {pack_dir}")
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


def load_pack_title(settings: Settings) -> str:
    """The title of the pack the settings select, read from its pack.toml alone."""
    from gradquiz.content.pack_loader import builtin_pack_dir

    manifest = (settings.pack_dir or builtin_pack_dir()) / "pack.toml"
    try:
        return str(tomllib.loads(manifest.read_text(encoding="utf-8"))["title"])
    except (OSError, tomllib.TOMLDecodeError, KeyError) as error:
        raise PackInvalid(f"Cannot read the pack's title from {manifest}: {error}", []) from None


def _migrate(settings: Settings) -> None:
    database = Database(settings.database_url)
    try:
        database.migrate()
    finally:
        database.dispose()


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    """Entry point: run the CLI, turning gradquiz errors into one line and exit status 1."""
    try:
        app()
    except GradquizError as error:
        err.print(f"gradquiz: {error.message}")
        for line in getattr(error, "problems", []):
            err.print(line)
        raise SystemExit(1) from None


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

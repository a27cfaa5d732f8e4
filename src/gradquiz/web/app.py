"""The app factory: one service, one rendered pack, pages, API and error handling."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from gradquiz import __version__
from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, load_pack
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.storage.database import Database
from gradquiz.web import exam_api, exam_pages, interview_pages, lab_pages
from gradquiz.web.errors import install_error_handlers
from gradquiz.web.format import install_filters
from gradquiz.web.rendered import RenderedPack

log = logging.getLogger(__name__)


def build_service(settings: Settings) -> ExamService:
    """The exam service the settings describe (the CLI builds the same one)."""
    pack = load_pack(settings.pack_dir or builtin_pack_dir())
    return ExamService(
        database=Database(settings.database_url),
        pack=pack,
        grace=timedelta(seconds=settings.grace_seconds),
    )


def create_app(settings: Settings | None = None, service: ExamService | None = None) -> FastAPI:
    """Build the web app; tests pass their own settings and service."""
    settings = settings or Settings()
    service = service or build_service(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        swept = service.sweep()
        if swept:
            log.info("start-up sweep submitted %d overdue attempt(s)", swept)
        yield

    app = FastAPI(
        title="gradquiz",
        version=__version__,
        summary=f"{service.pack.title}: timed multiple-choice exams on deep learning fundamentals.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.pack = service.pack
    app.state.rendered = RenderedPack(service.pack)
    app.state.interview = InterviewPractice(
        database=service.database, pack=service.pack, clock=service.clock
    )
    templates = Jinja2Templates(directory=str(files("gradquiz") / "web" / "templates"))
    install_filters(templates.env)
    app.state.templates = templates
    app.mount(
        "/static", StaticFiles(directory=str(files("gradquiz") / "web" / "static")), name="static"
    )
    install_error_handlers(app)
    app.include_router(exam_api.router)
    app.include_router(exam_pages.router)
    app.include_router(interview_pages.router)
    app.include_router(lab_pages.router)
    return app

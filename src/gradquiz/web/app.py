"""The app factory: the services, one rendered pack, the pages and API, and their guards."""

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import fastapi_offline
from asgi_cross_origin_protection import CrossOriginProtection
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from fastapi.templating import Jinja2Templates
from jinja2.bccache import Bucket, BytecodeCache
from starlette.middleware.gzip import GZipMiddleware

from gradquiz import __version__
from gradquiz.config import Settings
from gradquiz.content.pack_loader import builtin_pack_dir, serving_pack, warm_up
from gradquiz.content.render import MarkdownRenderer
from gradquiz.services.accounts import AccountService
from gradquiz.services.banks import BankService
from gradquiz.services.classes import ClassService
from gradquiz.services.exam import ExamService
from gradquiz.services.interview import InterviewPractice
from gradquiz.services.learner_data import LearnerData
from gradquiz.services.lti import KeySets, LtiService
from gradquiz.services.lti_grades import LtiGrades
from gradquiz.services.practice import PracticeService
from gradquiz.services.progress import ProgressService
from gradquiz.services.review import ReviewService
from gradquiz.services.sign_in_throttle import ThrottleLimits
from gradquiz.services.variant_pool import VariantPool, fill_in_background
from gradquiz.storage.database import Database
from gradquiz.storage.secrets import shared_secret
from gradquiz.web import (
    site_routes,
)
from gradquiz.web.accounts import pages as account_pages
from gradquiz.web.api import exam as exam_api
from gradquiz.web.banks import pages as bank_pages
from gradquiz.web.classes import pages as class_pages
from gradquiz.web.errors import error_response, install_error_handlers
from gradquiz.web.exam import offline
from gradquiz.web.exam import pages as exam_pages
from gradquiz.web.exam.finished_results import GZIP_LEVEL, FinishedResults
from gradquiz.web.exam.palette import palette_cells
from gradquiz.web.format import install_filters
from gradquiz.web.identity import identity_signer
from gradquiz.web.interview import pages as interview_pages
from gradquiz.web.lab import pages as lab_pages
from gradquiz.web.lab.work import LabWork
from gradquiz.web.lti import class_routes as lti_class_routes
from gradquiz.web.lti import link_routes as lti_link_routes
from gradquiz.web.lti import routes as lti_routes
from gradquiz.web.lti.adapter import fetch_json
from gradquiz.web.lti.framing import PlatformOrigins
from gradquiz.web.practice import pages as practice_pages
from gradquiz.web.progress import pages as progress_pages
from gradquiz.web.rate_limits import RateLimits
from gradquiz.web.rendered import RenderedPack
from gradquiz.web.request_guard import RequestGuard
from gradquiz.web.review import pages as review_pages
from gradquiz.web.security import SecuredApp, refuse_cross_site, security_headers
from gradquiz.web.sessions import signed_in
from gradquiz.web.static_files import HashedStaticFiles

log = logging.getLogger(__name__)

SWEEP_SECONDS = 20
CHECKPOINT_SECONDS = 1.0
SCORES_SECONDS = 5
# Collections of the middle generation before a full one (Python's default is 10).
FULL_COLLECTION_AFTER = 100

WEB = Path(str(files("gradquiz") / "web"))
SWAGGER_ASSETS = Path(fastapi_offline.__file__).parent / "static"
# What gradquiz serves that is compressed already. Starlette's default list names 14 types,
# and each request's responder normalises the whole list again.
SERVED_COMPRESSED = ("application/zip", "font/woff2")
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def build_service(settings: Settings) -> ExamService:
    """The exam service the settings describe (the CLI builds the same one)."""
    database = Database(settings.database_url, background_checkpoints=True)
    pool = VariantPool(database, size=settings.variant_pool_size)
    pack = serving_pack(settings.pack_dir or builtin_pack_dir(), reserves=pool.reserve)
    if settings.migrate_on_start:
        database.migrate()
    return ExamService(
        database=database,
        pack=pack,
        grace=timedelta(seconds=settings.grace_seconds),
        variant_pool=pool if pool.size > 0 else None,
    )


def build_accounts(settings: Settings, service: ExamService) -> AccountService:
    """The account service the settings describe, over the exam service's database."""
    return AccountService(
        exam=service,
        limits=ThrottleLimits(
            per_account=settings.sign_in_failures_per_account,
            per_address=settings.sign_in_failures_per_address,
            window=timedelta(minutes=settings.sign_in_throttle_minutes),
        ),
        session_lifetime=timedelta(days=settings.session_days),
        clock=service.clock,
    )


def create_app(settings: Settings | None = None, service: ExamService | None = None) -> FastAPI:
    """Build the web app; tests pass their own settings and service."""
    settings = settings or Settings()
    service = service or build_service(settings)
    ready, stopping = threading.Event(), threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Warming up and sweeping run in the background: the server answers at once, any
        # generator a request needs first is imported on the spot, and any attempt a request
        # touches first is settled on the spot.
        work = (service, app.state.rendered, ready, stopping)
        background = threading.Thread(target=_after_start_up, args=work, daemon=True)
        background.start()
        checkpoints = threading.Thread(
            target=_checkpoints, args=(service.database, stopping), daemon=True
        )
        if service.database.background_checkpoints:
            checkpoints.start()
        pool = service.variant_pool
        filling = threading.Thread(
            target=fill_in_background,
            args=(pool, stopping, _filler_environment(settings)),
            daemon=True,
        )
        if pool is not None:
            filling.start()
        grading = threading.Thread(
            target=_post_scores, args=(app.state.lti_grades, stopping), daemon=True
        )
        grading.start()
        yield
        app.state.lab_work.close()
        stopping.set()
        if pool is not None:
            pool.wanted.set()
        background.join(timeout=30)
        for thread in (checkpoints, filling, grading):
            if thread.is_alive():
                thread.join(timeout=30)

    app = SecuredApp(
        secure=security_headers(hsts=settings.secure_cookies),
        title="gradquiz",
        version=__version__,
        summary=f"{service.pack.title}: timed multiple-choice exams on deep learning fundamentals.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by site_routes, not kept by caches as every API answer
        # Otherwise every request looks up three OpenTelemetry providers (about 5 µs).
        telemetry=None if settings.opentelemetry else NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.ready = ready
    app.state.pack = service.pack
    app.state.rendered = RenderedPack.for_pack(service.pack)
    app.state.interview = InterviewPractice(
        database=service.database, pack=service.pack, clock=service.clock
    )
    app.state.accounts = build_accounts(settings, service)
    app.state.practice = PracticeService(
        database=service.database,
        pack=service.pack,
        shown=service.shown,
        windows=service.windows,
        clock=service.clock,
    )
    app.state.review = ReviewService(
        database=service.database,
        pack=service.pack,
        practice=app.state.practice,
        clock=service.clock,
    )
    app.state.progress = ProgressService(
        database=service.database, pack=service.pack, clock=service.clock
    )
    app.state.classes = ClassService(exam=service)
    app.state.banks = BankService(
        service.database,
        clock=service.clock,
        max_bytes=settings.import_max_bytes,
        max_questions=settings.bank_max_questions,
        max_banks=settings.banks_per_instructor,
    )
    app.state.bank_markdown = MarkdownRenderer()
    app.state.learner_data = LearnerData(exam=service)
    app.state.lti = LtiService(service.database, clock=service.clock)
    app.state.key_sets = KeySets(fetch_json)
    app.state.lti_grades = LtiGrades(app.state.lti, clock=service.clock)
    app.framing = PlatformOrigins(app.state.lti.origins)
    app.state.identity_signer = identity_signer(_secret(settings, service.database))
    app.state.rate_limits = RateLimits(settings)
    app.state.finished = FinishedResults(service.owner_of)
    app.state.lab_work = LabWork(settings.lab_processes, settings.lab_pages_per_second)
    app.state.static = HashedStaticFiles(WEB / "static", "/static")
    api_assets = HashedStaticFiles(SWAGGER_ASSETS, "/api/docs/assets")
    app.state.templates = _templates(app.state.static, api_assets)
    app.mount("/static", app.state.static, name="static")
    app.mount("/api/docs/assets", api_assets, name="api-docs-assets")
    install_error_handlers(app)
    # A request is matched against every route of the routers included before its own (and
    # its own router's twice), so the busiest come first: saves, the exam's pages, its API.
    app.include_router(exam_api.saves)
    app.include_router(exam_pages.router)
    app.include_router(exam_api.router)
    app.include_router(site_routes.router)
    app.include_router(offline.router)
    app.include_router(interview_pages.router)
    app.include_router(lab_pages.router)
    app.include_router(account_pages.router)
    app.include_router(practice_pages.router)
    app.include_router(review_pages.router)
    app.include_router(progress_pages.router)
    app.include_router(bank_pages.router)  # before /classes/{class_id} could take "banks"
    app.include_router(class_pages.router)
    app.include_router(class_pages.api)
    app.include_router(lti_routes.router)
    app.include_router(lti_class_routes.router)
    app.include_router(lti_link_routes.router)
    # The last added runs first; the security headers wrap them all (SecuredApp).
    # A platform posts logins and launches from its own site; each carries its own proof
    # (a registered issuer, then a signed token bound to a state this server issued).
    app.add_middleware(
        CrossOriginProtection, deny_app=refuse_cross_site, exempt_paths=lti_routes.CROSS_SITE
    )
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        refuse=error_response,
        uploads=bank_pages.upload_limits(settings.import_max_bytes),
    )
    # Pages and JSON over 1 KB go out compressed to clients that accept it; results come
    # compressed already (FinishedResults) and pass through.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=GZIP_LEVEL,
        exclude_content_types=SERVED_COMPRESSED,
    )
    return app


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process, kept in memory: a server builds one app, but a
    process that builds an app per test would otherwise compile each template again for
    every app (about 70 ms of CPU for the first page). Jinja checks each entry against the
    template's source before using it."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _templates(static: HashedStaticFiles, api_assets: HashedStaticFiles) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    # Templates ship with the package and never change under a running server: no stat()
    # of every template file on every render.
    templates.env.auto_reload = False
    templates.env.bytecode_cache = _COMPILED
    install_filters(templates.env)
    templates.env.globals["palette_cells"] = palette_cells
    templates.env.globals["static_url"] = static.url
    templates.env.globals["api_asset_url"] = api_assets.url
    templates.env.globals["signed_in"] = signed_in
    templates.env.globals["pygments_url"] = (
        f"/static-generated/pygments.css?v={site_routes.PYGMENTS_VERSION}"
    )
    return templates


def _filler_environment(settings: Settings) -> dict[str, str]:
    """What `gradquiz variants fill` needs to fill this server's pool."""
    environment = {
        "GRADQUIZ_DATABASE_URL": settings.database_url,
        "GRADQUIZ_VARIANT_POOL_SIZE": str(settings.variant_pool_size),
    }
    if settings.pack_dir is not None:
        environment["GRADQUIZ_PACK_DIR"] = str(settings.pack_dir)
    return environment


def _secret(settings: Settings, database: Database) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    with database.write() as session:
        return shared_secret(session=session, name="identity-cookie")


def _after_start_up(
    service: ExamService, rendered: RenderedPack, done: threading.Event, stop: threading.Event
) -> None:
    """Import the generators and render the bank, submit overdue attempts, then keep sweeping.

    An attempt nobody touches again is submitted within SWEEP_SECONDS of its deadline and
    grace, so results and class pages never wait for the learner to come back.
    """
    try:
        # With a filled pool, generators run in the filler's process, not in this one; with
        # none (a new install), the first starts draw theirs here until the fill catches up.
        pool = service.variant_pool
        if pool is None or pool.short():
            for failure in warm_up(service.pack):
                log.error("generator failed while warming up: %s", failure)
        rendered.render_questions()
        # What is loaded by now lives as long as the process: keep the cyclic collector
        # from walking it again on every full collection, and walk the caches that fill
        # later (tens of ms each time) a tenth as often: requests leave no cycles behind.
        gc.freeze()
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
        service.sweep(stopping=stop.is_set)
        log.info("start-up work done: generators warmed, questions rendered, overdue swept")
    except Exception:
        log.exception("start-up work failed; what it missed is done when first needed")
    finally:
        done.set()
    while not stop.wait(SWEEP_SECONDS):
        try:
            service.sweep(stopping=stop.is_set)
        except Exception:
            log.exception("sweep failed; it runs again in %d s", SWEEP_SECONDS)


def _post_scores(grades: LtiGrades, stop: threading.Event) -> None:
    """Post submitted sittings' scores to the courses that link their class exams."""
    while not stop.wait(SCORES_SECONDS):
        if not grades.background:
            continue
        try:
            grades.sync()
        except Exception:
            log.exception("posting scores failed; it runs again in %d s", SCORES_SECONDS)


def _checkpoints(database: Database, stop: threading.Event) -> None:
    """Checkpoint SQLite's write-ahead log every second, off the request path."""
    while not stop.wait(CHECKPOINT_SECONDS):
        try:
            database.checkpoint()
        except Exception:
            log.exception("checkpoint failed; commits checkpoint once the log is long")

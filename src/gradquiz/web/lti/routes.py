"""The LTI 1.3 routes: the tool's key set, OIDC login, launch, the way on from a launch
(in the frame, or in a new window when the browser keeps the frame's cookies), the
configuration an admin pastes into the platform, and deep linking."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from gradquiz.core.accounts import Role
from gradquiz.errors import GradquizError
from gradquiz.services.lti import LtiRefused, LtiService, role_of
from gradquiz.web import rate_limits
from gradquiz.web.lti import deep_linking
from gradquiz.web.lti.adapter import (
    FastApiRequest,
    PlatformStorage,
    check_launch,
    start_login,
    storage_fallback,
    storage_launch,
)
from gradquiz.web.lti.views import FRAMED_COOKIE, refused_page, tool_configuration
from gradquiz.web.rate_limits import Action
from gradquiz.web.sessions import set_framed_cookie, signed_in, start_session
from gradquiz.web.templating import render_page, see_other

log = logging.getLogger(__name__)

router = APIRouter(prefix="/lti", include_in_schema=False)
# What a login or launch request may carry, each value cut to this many characters (an
# id_token of a platform is a few kilobytes; the request guard bounds the whole body).
MAX_PARAMS = 32
CROSS_SITE = ("/lti/login", "/lti/launch")
MAX_VALUE_CHARS = 16_000
Ticket = Annotated[str, Path(min_length=1, max_length=64)]


def lti_service(request: Request) -> LtiService:
    """The app's LTI service."""
    service: LtiService = request.app.state.lti
    return service


async def lti_request(request: Request) -> FastApiRequest:
    """The request's parameters (its form for a POST, its query for a GET) and cookies."""
    source: Any = await request.form() if request.method == "POST" else request.query_params
    params = {
        str(k): str(v)[:MAX_VALUE_CHARS]
        for k, v in list(source.items())[:MAX_PARAMS]
        if isinstance(v, str)
    }
    return FastApiRequest(
        params, request.cookies, request.url.scheme == "https", same_origin=_same_origin(request)
    )


def _same_origin(request: Request) -> bool:
    """Whether one of gradquiz's own pages sent the request (Fetch Metadata, which a page
    of another origin cannot forge; else the Origin header)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    return request.headers.get("origin") == str(request.base_url).rstrip("/")


def launch_url(request: Request) -> str:
    """Where platforms send launches: this server's /lti/launch."""
    return str(request.url_for("lti_launch"))


@router.get("/jwks")
def jwks(request: Request) -> Response:
    """The tool's public keys, which platforms check its signatures with."""
    keys = lti_service(request).jwks()
    return JSONResponse(keys, headers={"Cache-Control": "public, max-age=300"})


@router.api_route("/login", methods=["GET", "POST"])
async def login(request: Request) -> Response:
    """OIDC login initiation: back to the platform's login with a new state and nonce."""
    rate_limits.check(request, Action.LTI_LOGIN, None)  # each login keeps two rows
    params = await lti_request(request)
    try:
        started = await run_in_threadpool(
            start_login, lti_service(request), params, launch_url(request)
        )
    except LtiRefused as refusal:
        log.warning("LTI login refused: %s", refusal.message)
        return refused_page(request, refusal)
    if isinstance(started, PlatformStorage):
        fallback = request.url_for("lti_storage_fallback").include_query_params(state=started.state)
        return render_page(
            request, "lti/storage.html", mode="put", stored=started, fallback=str(fallback)
        )
    return started


@router.get("/storage-fallback", name="lti_storage_fallback")
def storage_fallback_route(
    request: Request, state: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """The LMS's storage did not take the login's state: on to its login all the same,
    the launch checked with the server-side state alone."""
    next_url = storage_fallback(lti_service(request), state)
    if next_url is None:
        return refused_page(
            request, LtiRefused("The launch's state is unknown, expired or used already.")
        )
    log.info("LTI login without the LMS's storage (it did not answer)")
    return RedirectResponse(next_url, status_code=302, headers={"Cache-Control": "no-store"})


@router.post("/launch", name="lti_launch")
async def launch(request: Request) -> Response:
    """A platform's launch: checked, then the user is signed in and sent on."""
    rate_limits.check(request, Action.LTI_LAUNCH, None)
    params = await lti_request(request)
    lti = lti_service(request)
    stored = await run_in_threadpool(storage_launch, lti, params)
    if stored is not None:  # the page reads state and nonce back from the LMS, posts again
        return render_page(
            request,
            "lti/storage.html",
            mode="get",
            stored=stored,
            id_token=params.get_param("id_token"),
            fallback="",
        )
    try:
        checked = await run_in_threadpool(
            check_launch, lti, params, request.app.state.key_sets, launch_url(request)
        )
        claims = checked.get_launch_data()
        if not params.same_origin:  # gradquiz's own storage page posted it: no LMS origin
            await run_in_threadpool(lti.check_origin, claims, request.headers.get("origin"))
        if checked.is_deep_link_launch():
            if role_of(claims) is not Role.INSTRUCTOR:
                raise LtiRefused("Only an instructor can add gradquiz to a course.")
            account = await run_in_threadpool(lti.launched_account, claims)
            destination = deep_linking.start(lti, checked, account)
        else:
            landing = await run_in_threadpool(lti.land, claims)
            account, destination = landing.account, landing.destination
    except GradquizError as refusal:
        log.warning("LTI launch refused: %s", refusal.message)
        return refused_page(request, refusal)
    ticket = await run_in_threadpool(lti.issue_ticket, account, destination)
    response = see_other(f"/lti/continue/{ticket}")
    new = await run_in_threadpool(request.app.state.accounts.vouched_session, account)
    start_session(request, response, new, framed=True)
    _mark_framed(request, response)
    return response


@router.get("/continue/{ticket}")
def continue_launch(request: Request, ticket: Ticket) -> Response:
    """On from a launch. Signed in (the frame kept its cookie): to the destination. Else the
    browser refused the framed page's cookies: a link opens gradquiz in a new window."""
    lti = lti_service(request)
    found = lti.peek_ticket(ticket)
    if found is None:
        return refused_page(
            request, LtiRefused("This launch link was used already or has expired; launch again.")
        )
    account = signed_in(request)
    if account is not None and account.id == found[0]:
        lti.use_ticket(ticket)
        return see_other(found[1])
    return render_page(request, "lti/new_window.html", ticket=ticket)


@router.get("/window/{ticket}")
def new_window(request: Request, ticket: Ticket) -> Response:
    """The launch opened in a window of its own: sign in there (first-party) and go on."""
    used = lti_service(request).use_ticket(ticket)
    if used is None:
        return refused_page(
            request, LtiRefused("This launch link was used already or has expired; launch again.")
        )
    account, destination = used
    response = see_other(destination)
    start_session(request, response, request.app.state.accounts.vouched_session(account))
    return response


@router.get("/config", response_class=HTMLResponse)
def config_page(request: Request) -> Response:
    """The values an admin types into Moodle or Canvas to register gradquiz."""
    return render_page(request, "lti/config.html", tool=tool_configuration(request))


@router.get("/config.json")
def config_json(request: Request) -> Response:
    """The tool's configuration as JSON (Canvas's "Paste JSON" takes it as it is)."""
    return JSONResponse(tool_configuration(request).canvas_json())


@router.get("/deep-link/{launch_id}", response_class=HTMLResponse)
def deep_link_form(request: Request, launch_id: Annotated[str, Path(max_length=64)]) -> Response:
    """The instructor picks the class exam the course's new link opens, or makes one."""
    return deep_linking.form(request, lti_service(request), launch_id)


@router.post("/deep-link/{launch_id}", response_class=HTMLResponse)
def deep_link_choose(
    request: Request,
    launch_id: Annotated[str, Path(max_length=64)],
    class_id: Annotated[str, Form(max_length=64)] = "",
    title: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    """The chosen (or new) class exam, sent back to the platform as a resource link."""
    return deep_linking.choose(request, lti_service(request), launch_id, class_id, title)


def _mark_framed(request: Request, response: Response) -> None:
    """Mark the browser as launched from an LMS: its pages may be framed by the platforms."""
    secure = request.app.state.settings.secure_cookies
    set_framed_cookie(response, FRAMED_COOKIE, "1", max_age=12 * 3600, secure=secure)

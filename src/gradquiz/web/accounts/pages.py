"""Account pages: sign up, sign in, sign out, the account page, password and deletion.

Every form is a plain POST (no JavaScript, no token: cross-site posts are refused by the
Fetch Metadata middleware). A refused form comes back filled in, with what was wrong.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.accounts import PASSWORD_CHARS, USERNAME_CHARS, USERNAME_RULE, Account
from gradquiz.errors import GradquizError, InvalidInput, TooManyRequests
from gradquiz.services.accounts import NewSession
from gradquiz.services.classes import ClassRefused
from gradquiz.web import rate_limits
from gradquiz.web.classes.pages import join_on_arrival
from gradquiz.web.destinations import join_code_of, local_path, with_next
from gradquiz.web.exam.offline import CLEAR_SITE_DATA
from gradquiz.web.identity import (
    browser_owner,
    client_address,
    forget_identity,
    issue_identity,
)
from gradquiz.web.rate_limits import Action
from gradquiz.web.sessions import (
    accounts,
    end_session,
    required_account,
    session_token,
    signed_in,
    start_session,
)
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)

# Generous bounds, so that the service, not the form parser, says what is wrong.
Username = Annotated[str, Form(max_length=200)]
Password = Annotated[str, Form(max_length=2000)]
Checkbox = Annotated[str | None, Form(max_length=8)]
# Where to go once signed in (a class's join link, say); only a path on this site is used.
NextField = Annotated[str, Form(alias="next", max_length=400)]
NextParameter = Annotated[str, Query(alias="next")]
ClassId = Annotated[str, Path(min_length=1, max_length=64)]
REFUSALS = (InvalidInput, TooManyRequests)

HOLDING_NAMES = {
    "attempts": "Exam attempts",
    "seen_questions": "Questions seen in exams",
    "interview_responses": "Interview answers",
    "practice_sessions": "Practice sets",
    "practice_items": "Practice questions",
    "review_cards": "Questions in your review queue",
    "review_log": "Answers in your history",
    "class_members": "Classes joined",
}


def _form(
    request: Request, template: str, refusal: GradquizError | None, **context: Any
) -> Response:
    """An account form, with the reason it was refused if it was."""
    page = render_page(
        request,
        template,
        status=refusal.status if refusal else 200,
        error=refusal.message if refusal else None,
        username_chars=USERNAME_CHARS,
        password_chars=PASSWORD_CHARS,
        username_rule=USERNAME_RULE,
        **context,
    )
    page.headers.update(refusal.headers if refusal else {})
    return page


def _signed_in_to(request: Request, new: NewSession, destination: str) -> Response:
    response = see_other(destination)
    start_session(request, response, new)
    return response


def _signed_in_afresh(request: Request, new: NewSession, destination: str) -> Response:
    """Signed in, with a new anonymous identity: the old one's rows are the account's now,
    and a copy of its cookie (planted, or kept by whoever planted it) reaches nothing new."""
    response = _signed_in_to(request, new, destination)
    issue_identity(request, response)
    return response


def _entry_form(
    request: Request,
    template: str,
    refusal: GradquizError | None,
    username: str,
    destination: str | None,
) -> Response:
    """The sign-in or sign-up form, carrying where to go once signed in."""
    return _form(
        request,
        template,
        refusal,
        username=username,
        destination=destination,
        joining=join_code_of(destination),
        sign_in_url=with_next("/account/sign-in", destination),
        sign_up_url=with_next("/account/sign-up", destination),
    )


def _arrival(request: Request, account: Account, destination: str | None, default: str) -> str:
    """Where a browser just signed in goes: a class it came to join, joined; the page it came
    from; or `default`."""
    code = join_code_of(destination)
    if code is not None:
        return join_on_arrival(request, account, code)
    return destination or default


def _required(request: Request) -> Account:
    return required_account(
        request, "You are not signed in (or your sign-in has ended); sign in first."
    )


@router.get("/account/sign-up", response_class=HTMLResponse)
def sign_up_page(request: Request, go_to: NextParameter = "") -> Response:
    """The form that makes an account."""
    return _entry_form(request, "accounts/sign_up.html", None, "", local_path(go_to))


@router.post("/account/sign-up")
def sign_up(
    request: Request,
    username: Username = "",
    password: Password = "",
    repeated: Password = "",
    go_to: NextField = "",
) -> Response:
    """Make the account, carry this browser's history into it, and sign in."""
    try:
        rate_limits.check(request, Action.SIGN_UP, browser_owner(request))
        new = accounts(request).sign_up(
            username=username,
            password=password,
            repeated=repeated,
            browser=browser_owner(request),
            ending=session_token(request),
        )
    except REFUSALS as refusal:
        destination = local_path(go_to)
        return _entry_form(request, "accounts/sign_up.html", refusal, username, destination)
    arrival = _arrival(request, new.account, local_path(go_to), "/account?done=welcome")
    return _signed_in_afresh(request, new, arrival)


@router.get("/account/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, go_to: NextParameter = "") -> Response:
    """The sign-in form; a signed-in browser goes on (to its account, if it came from
    nowhere in particular) instead."""
    destination = local_path(go_to)
    if signed_in(request):
        return see_other(destination or "/account")
    return _entry_form(request, "accounts/sign_in.html", None, "", destination)


@router.post("/account/sign-in")
def sign_in(
    request: Request, username: Username = "", password: Password = "", go_to: NextField = ""
) -> Response:
    """Sign in with a new session, carrying this browser's history into the account."""
    try:
        new = accounts(request).sign_in(
            username=username,
            password=password,
            address=client_address(request),
            browser=browser_owner(request),
            ending=session_token(request),
        )
    except REFUSALS as refusal:
        destination = local_path(go_to)
        return _entry_form(request, "accounts/sign_in.html", refusal, username, destination)
    return _signed_in_afresh(request, new, _arrival(request, new.account, local_path(go_to), "/"))


@router.post("/account/sign-out")
def sign_out(request: Request) -> Response:
    """End this browser's session; it starts again with a fresh anonymous identity."""
    accounts(request).sign_out(session_token(request))
    response = see_other("/")
    end_session(request, response)
    issue_identity(request, response)
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request) -> Response:
    """The account: what it holds, the password form and the way to delete it."""
    account = signed_in(request)
    if account is None:
        return see_other("/account/sign-in")
    return _account_form(request, account, None)


def _account_form(
    request: Request, account: Account, refusal: GradquizError | None, refused: str = ""
) -> Response:
    service = accounts(request)
    holdings = service.holdings(account)
    return _form(
        request,
        "accounts/account.html",
        refusal,
        account=account,
        holdings=[
            (HOLDING_NAMES.get(table, table.replace("_", " ").capitalize()), count)
            for table, count in holdings.rows.items()
        ],
        browsers=holdings.browsers,
        running=[exam for exam in holdings.class_exams if exam.archived_at is None],
        archived=[exam for exam in holdings.class_exams if exam.archived_at is not None],
        now=service.clock(),
        session_days=service.session_lifetime.days,
        throttle_minutes=int(service.limits.window.total_seconds() // 60),
        refused=refused,
        notice=request.query_params.get("done", ""),
    )


@router.post("/account/password")
def change_password(
    request: Request, current: Password = "", new: Password = "", repeated: Password = ""
) -> Response:
    """Change the password; every other browser signed in to the account is signed out."""
    account = _required(request)
    try:
        created = accounts(request).change_password(
            account=account,
            current=current,
            new=new,
            repeated=repeated,
            address=client_address(request),
        )
    except REFUSALS as refusal:
        return _account_form(request, account, refusal, refused="password")
    return _signed_in_to(request, created, "/account?done=password")


@router.post("/account/classes/{class_id}/hand-over")
def hand_over(request: Request, class_id: ClassId, username: Username = "") -> Response:
    """Give one of your class exams to another instructor."""
    account = _required(request)
    try:
        accounts(request).classes.hand_over(
            instructor=account, class_id=class_id, username=username
        )
    except REFUSALS as refusal:
        return _account_form(request, account, refusal, refused="classes")
    return see_other("/account?done=handed-over#classes")


@router.post("/account/classes/{class_id}/archive")
def archive(request: Request, class_id: ClassId) -> Response:
    """Close one of your class exams for good; its learners keep their results."""
    accounts(request).classes.archive(instructor=_required(request), class_id=class_id)
    return see_other("/account?done=archived#classes")


@router.post("/account/delete")
def delete_account(
    request: Request, password: Password = "", archive_classes: Checkbox = None
) -> Response:
    """Delete the account and everything it holds, then forget this browser's cookies."""
    account = _required(request)
    try:
        accounts(request).delete_account(
            account=account,
            password=password,
            address=client_address(request),
            archive_classes=archive_classes == "yes",
        )
    except (*REFUSALS, ClassRefused) as refusal:
        return _account_form(request, account, refusal, refused="delete")
    response = see_other("/account/deleted")
    end_session(request, response)
    forget_identity(request, response)
    return response


@router.get("/account/deleted", response_class=HTMLResponse)
def deleted(request: Request) -> Response:
    """Confirmation that the account and its data are gone."""
    return render_page(request, "accounts/deleted.html")

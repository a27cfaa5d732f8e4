"""The session cookie of a signed-in browser, and the account it is signed in to."""

from fastapi import Request, Response

from gradquiz.core.accounts import Account
from gradquiz.errors import SignInRequired
from gradquiz.services.accounts import AccountService, NewSession

SESSION_COOKIE = "gradquiz_session"
_LOOKED_UP = "signed_in_account"


def accounts(request: Request) -> AccountService:
    """The app's account service."""
    service: AccountService = request.app.state.accounts
    return service


def session_token(request: Request) -> str | None:
    """The session token the browser sent, if any (checked by `signed_in`)."""
    return request.cookies.get(SESSION_COOKIE)


def signed_in(request: Request) -> Account | None:
    """The account this browser is signed in to; looked up once per request."""
    state = request.state
    if not hasattr(state, _LOOKED_UP):
        token = session_token(request)
        setattr(state, _LOOKED_UP, accounts(request).signed_in(token) if token else None)
    account: Account | None = getattr(state, _LOOKED_UP)
    return account


def required_account(request: Request, refusal: str) -> Account:
    """The account this browser is signed in to; SignInRequired with `refusal` if none."""
    account = signed_in(request)
    if account is None:
        raise SignInRequired(refusal)
    return account


def start_session(
    request: Request, response: Response, new: NewSession, *, framed: bool = False
) -> None:
    """Give the browser the new session's cookie (HttpOnly, SameSite=Lax; SameSite=None over
    HTTPS for a page an LMS frames, which another site's page holds)."""
    secure = request.app.state.settings.secure_cookies
    max_age = int(accounts(request).session_lifetime.total_seconds())
    if framed:
        set_framed_cookie(response, SESSION_COOKIE, new.token, max_age=max_age, secure=secure)
        return
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def set_framed_cookie(
    response: Response, key: str, value: str, *, max_age: int | None, secure: bool, path: str = "/"
) -> None:
    """An HttpOnly cookie for pages inside an LMS's frame: over HTTPS `SameSite=None; Secure;
    Partitioned` (CHIPS: kept for that LMS's site even where the browser blocks other
    third-party cookies), else `SameSite=Lax`."""
    response.set_cookie(
        key,
        value,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
        path=path,
    )
    if secure:  # Starlette writes Partitioned itself on Python 3.14 and later only
        name, header = response.raw_headers[-1]
        response.raw_headers[-1] = (name, header + b"; Partitioned")


def end_session(request: Request, response: Response) -> None:
    """Tell the browser to drop its session cookie."""
    response.delete_cookie(
        SESSION_COOKIE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )

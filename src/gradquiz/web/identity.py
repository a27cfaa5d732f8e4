"""Who is asking: a signed-in account, else the browser's anonymous identity.

The anonymous identity is a random token, signed by the server, in an HttpOnly cookie.
Only tokens this server signed are accepted, so a value planted in someone's browser (a
cookie set by a sibling site, say) is ignored and replaced by a fresh identity.
"""

import hashlib
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool

from gradquiz.services.identity import new_identity, owner_key
from gradquiz.web.sessions import session_token, signed_in

COOKIE = "gradquiz_id"
ONE_YEAR = 365 * 24 * 3600
_MAX_COOKIE_CHARS = 200


def identity_signer(secret: str) -> Signer:
    """The signer for identity cookies made with the server's secret."""
    return Signer(secret, salt="gradquiz.identity", digest_method=hashlib.sha256)


def current_identity(request: Request) -> str | None:
    """The browser's identity, if its cookie carries one this server signed."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or len(cookie) > _MAX_COOKIE_CHARS:
        return None
    return _unsigned(request.app.state.identity_signer, cookie)


@lru_cache(maxsize=4096)
def _unsigned(signer: Signer, cookie: str) -> str | None:
    """The identity in a cookie this signer signed. Kept: checking a signature costs two
    HMACs, and a learner's cookie comes with every save and page of an attempt."""
    try:
        return signer.unsign(cookie).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


def browser_owner(request: Request) -> str | None:
    """The owner key of the browser's anonymous identity, whoever is signed in."""
    identity = current_identity(request)
    return owner_key(identity) if identity else None


async def current_learner(request: Request) -> str | None:
    """The owner key services store for this learner: the signed-in account's, else the
    browser's (None for a browser with neither)."""
    if session_token(request):  # only then is there a database lookup, off the event loop
        account = await run_in_threadpool(signed_in, request)
        if account:
            return account.owner
    return browser_owner(request)


Learner = Annotated[str | None, Depends(current_learner)]


def ensure_learner(request: Request, response: Response, learner: str | None) -> str:
    """Return the learner, giving the browser a new identity (its cookie on `response`) if
    it has none."""
    return learner or issue_identity(request, response)


def issue_identity(request: Request, response: Response) -> str:
    """Give the browser a new anonymous identity (its cookie on `response`); its owner key.

    Signing up, in and out do this, so whoever planted or copied the browser's earlier
    cookie holds a key to nothing the browser does from then on.
    """
    token = new_identity()
    signer: Signer = request.app.state.identity_signer
    response.set_cookie(
        COOKIE,
        signer.sign(token).decode(),
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )
    return owner_key(token)


def forget_identity(request: Request, response: Response) -> None:
    """Tell the browser to drop its anonymous identity; its next action makes a fresh one."""
    response.delete_cookie(
        COOKIE,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


def client_address(request: Request) -> str:
    """The client's network address, as the server (or a trusted proxy) reports it."""
    return request.client.host if request.client else "unknown"

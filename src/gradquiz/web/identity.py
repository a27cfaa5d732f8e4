"""The anonymous identity: a random token, signed by the server, in an HttpOnly cookie.

Only tokens this server signed are accepted, so a value planted in someone's browser (a
cookie set by a sibling site, say) is ignored and replaced by a fresh identity.
"""

import hashlib
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, Signer

from gradquiz.services.identity import new_identity, owner_key

COOKIE = "gradquiz_id"
ONE_YEAR = 365 * 24 * 3600
_MAX_COOKIE_CHARS = 200


def identity_signer(secret: str) -> Signer:
    """The signer for identity cookies made with the server's secret."""
    return Signer(secret, salt="gradquiz.identity", digest_method=hashlib.sha256)


async def current_identity(request: Request) -> str | None:
    """The browser's identity, if its cookie carries one this server signed."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or len(cookie) > _MAX_COOKIE_CHARS:
        return None
    signer: Signer = request.app.state.identity_signer
    try:
        return signer.unsign(cookie).decode()
    except (BadSignature, UnicodeDecodeError):
        return None


async def current_learner(request: Request) -> str | None:
    """The owner key services store for this browser's learner, if it has an identity."""
    identity = await current_identity(request)
    return owner_key(identity) if identity else None


Learner = Annotated[str | None, Depends(current_learner)]


def ensure_learner(request: Request, response: Response, learner: str | None) -> str:
    """Return the learner, giving the browser a new identity (its cookie on `response`) if
    it has none."""
    if learner:
        return learner
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

"""The anonymous identity: a random token, signed by the server, in an HttpOnly cookie.

Only tokens this server signed are accepted, so a value planted in someone's browser (a
cookie set by a sibling site, say) is ignored and replaced by a fresh identity.
"""

import hashlib
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, Signer

from gradquiz.services.identity import new_identity

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


Identity = Annotated[str | None, Depends(current_identity)]


def ensure_identity(request: Request, response: Response, identity: str | None) -> str:
    """Return the identity, creating one and setting its cookie on `response` if missing."""
    if identity:
        return identity
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
    return token

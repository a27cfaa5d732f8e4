"""The anonymous identity: a random token in an HttpOnly, SameSite cookie."""

from typing import Annotated

from fastapi import Depends, Request, Response

from gradquiz.services.identity import new_identity

COOKIE = "gradquiz_id"
ONE_YEAR = 365 * 24 * 3600


async def current_identity(request: Request) -> str | None:
    """The browser's identity token, if it has one."""
    token = request.cookies.get(COOKIE)
    return token if token and 20 <= len(token) <= 100 else None


Identity = Annotated[str | None, Depends(current_identity)]


def ensure_identity(request: Request, response: Response, identity: str | None) -> str:
    """Return the identity, creating one and setting its cookie on `response` if missing."""
    if identity:
        return identity
    token = new_identity()
    response.set_cookie(
        COOKIE,
        token,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )
    return token

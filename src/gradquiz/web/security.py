"""Security headers (the `secure` package) and cross-site request refusal.

Cross-site requests are refused by Fetch Metadata (`asgi-cross-origin-protection`): a
browser marks every request with `Sec-Fetch-Site`, which a page on another origin cannot
forge, so state-changing requests that are not `same-origin` are refused, with an `Origin`
check for browsers that do not send it. Unlike a double-submit token it needs no secret
shared between processes, no token in every form (pages keep working without JavaScript),
and no reading of the body before the app's own size limit and error handling see it.
"""

from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any, Protocol, cast

from fastapi import FastAPI
from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from secure.middleware import SecureASGIMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gradquiz.web.errors import error_response

CROSS_SITE = "This form came from another site, so it was not accepted."


class Framing(Protocol):
    """Wraps the app to loosen `frame-ancestors` where an LMS may frame a page."""

    def wrap(self, app: ASGIApp) -> ASGIApp: ...


class FixedHeaders(Secure):
    """Secure headers serialised once: `Secure.headers` builds every value again on each
    call, and the middleware asks for them on every response."""

    @cached_property
    def headers(self) -> Mapping[str, str]:
        return MappingProxyType(dict(super().headers))


# A year: browsers then keep to HTTPS between visits a term apart. No includeSubDomains: the
# server cannot know what else runs under its parent domain.
HSTS_SECONDS = 365 * 24 * 60 * 60


class SecuredApp(FastAPI):
    """FastAPI with its security headers outside everything else, the server-error handler
    included: a 500 carries them as every other answer does."""

    def __init__(self, *, secure: Secure, **options: Any) -> None:
        super().__init__(**options)
        self.secure = secure
        self.framing: Framing | None = None

    def build_middleware_stack(self) -> ASGIApp:
        """The app's own stack, wrapped in the security headers (and, outside them, what
        lets registered LMSs frame the LTI pages)."""
        wrapped = SecureASGIMiddleware(super().build_middleware_stack(), secure=self.secure)
        app = cast(ASGIApp, wrapped)  # `secure` types its messages as plain objects
        return self.framing.wrap(app) if self.framing is not None else app


def security_headers(*, hsts: bool = False) -> Secure:
    """The headers every response carries: no inline script, no framing, no sniffing; and,
    when served over HTTPS only (`hsts`), Strict-Transport-Security."""
    policy = (
        ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'")
        .style_src("'self'", "'unsafe-inline'")
        .img_src("'self'", "data:")
        .font_src("'self'")
        .connect_src("'self'")
        .object_src("'none'")
        .base_uri("'none'")
        .form_action("'self'")
        .frame_ancestors("'none'")
    )
    return FixedHeaders(
        csp=policy,
        coop=CrossOriginOpenerPolicy().same_origin(),
        permissions=PermissionsPolicy().geolocation().camera().microphone(),
        referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
        xcto=XContentTypeOptions(),
        xfo=XFrameOptions().deny(),
        hsts=StrictTransportSecurity().max_age(HSTS_SECONDS) if hsts else None,
    )


async def refuse_cross_site(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer to a refused cross-site request, in gradquiz's own error shape."""
    response = error_response(Request(scope), 403, CROSS_SITE)
    await response(scope, receive, send)

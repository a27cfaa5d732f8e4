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

from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    XContentTypeOptions,
    XFrameOptions,
)
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from gradquiz.web.errors import error_response

CROSS_SITE = "This form came from another site, so it was not accepted."


class FixedHeaders(Secure):
    """Secure headers serialised once: `Secure.headers` builds every value again on each
    call, and the middleware asks for them on every response."""

    @cached_property
    def headers(self) -> Mapping[str, str]:
        return MappingProxyType(dict(super().headers))


def security_headers() -> Secure:
    """The headers every response carries: no inline script, no framing, no sniffing."""
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
    )


async def refuse_cross_site(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer to a refused cross-site request, in gradquiz's own error shape."""
    response = error_response(Request(scope), 403, CROSS_SITE)
    await response(scope, receive, send)

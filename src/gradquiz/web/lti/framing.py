"""Who may frame gradquiz's pages: nobody, except the registered platforms for the LTI
routes and for a browser that an LTI launch marked (its pages then sit in the LMS's frame).

The security headers say `frame-ancestors 'none'` and `X-Frame-Options: DENY` everywhere;
this wraps them and, for those requests, names the platforms' origins instead (and lets the
deep linking page post its answer back to them).
"""

import logging
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradquiz.web.lti.views import FRAMED_COOKIE

log = logging.getLogger(__name__)

KEPT_SECONDS = 30.0
_NO_FRAMING = b"frame-ancestors 'none'"
_FORMS = b"form-action 'self'"


class PlatformOrigins:
    """The registered platforms' origins, read again at most every KEPT_SECONDS (a platform
    added from the command line is framed-for within that)."""

    def __init__(self, read: Callable[[], frozenset[str]]) -> None:
        self._read = read
        self._kept: tuple[float, bytes] | None = None
        self._lock = threading.Lock()

    def origins(self) -> bytes:
        """The origins, space-separated, as a header value takes them."""
        now = time.monotonic()
        with self._lock:
            kept = self._kept
        if kept is not None and now - kept[0] < KEPT_SECONDS:
            return kept[1]
        try:
            value = " ".join(sorted(self._read())).encode("latin-1")
        except Exception:  # the database is down: no page gets framable, every page answers
            log.exception("could not read the platforms' origins; nothing may frame this page")
            return b""
        with self._lock:
            self._kept = (now, value)
        return value

    def forget(self) -> None:
        """Read the origins again on the next request."""
        with self._lock:
            self._kept = None

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """`app` with framing by the platforms allowed where the module says."""

        async def framed(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not _framable(scope):
                await app(scope, receive, send)
                return
            deep_link = str(scope.get("path", "")).startswith("/lti/deep-link/")

            async def send_framable(message: Message) -> None:
                if message["type"] == "http.response.start":
                    origins = self.origins()
                    if origins:
                        message["headers"] = _allow(message.get("headers", []), origins, deep_link)
                await send(message)

            await app(scope, receive, send_framable)

        return framed


def _framable(scope: Scope) -> bool:
    if str(scope.get("path", "")).startswith("/lti/"):
        return True
    marker = f"{FRAMED_COOKIE}=1".encode()
    return any(name == b"cookie" and marker in value for name, value in scope.get("headers", []))


def _allow(
    headers: list[tuple[bytes, bytes]], origins: bytes, forms: bool
) -> list[tuple[bytes, bytes]]:
    kept = []
    for name, value in headers:
        if name.lower() == b"x-frame-options":
            continue
        if name.lower() == b"content-security-policy":
            value = value.replace(_NO_FRAMING, b"frame-ancestors 'self' " + origins)
            if forms:
                value = value.replace(_FORMS, _FORMS + b" " + origins)
        kept.append((name, value))
    return kept

"""Refuse oversized bodies before they are read, and NUL bytes before anything sees them."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Refusal = Callable[[Request, int, str], Response]


class BodyTooLarge(HTTPException):
    """A body sent without a length passed the limit while the app was reading it."""


class RequestGuard:
    """ASGI middleware: a body over `max_body_bytes` is a 413, a NUL in the path or query a 400.

    A declared Content-Length over the limit is refused without reading a byte; a body sent
    in chunks is cut off as soon as it passes the limit (the app's error handler answers).
    NUL bytes are refused because PostgreSQL rejects them in text and a log line should
    never carry one; NUL in form and JSON fields is refused where the fields are read.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, refuse: Refusal) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if _has_nul(scope):
            response = self.refuse(request, 400, "The address contains a NUL byte.")
        elif _declared_length(request) > self.max_body_bytes:
            response = self.refuse(request, 413, self.too_large)
            response.headers["Connection"] = "close"
        else:
            await self.app(scope, self._counting(receive), send)
            return
        await response(scope, receive, send)

    @property
    def too_large(self) -> str:
        """The message a refused body gets."""
        kilobytes = self.max_body_bytes // 1024
        return f"The request body is larger than {kilobytes} KB, the most this server accepts."

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge(413, self.too_large)
            return message

        return counted


def _declared_length(request: Request) -> int:
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isascii() and declared.isdigit() else 0


def _has_nul(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)

"""Refuse oversized bodies before they are read, and NUL bytes before anything sees them."""

from collections.abc import Callable, Mapping
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gradquiz.web.body_nul import field_with_nul, may_hold_nul, shown_name

Refusal = Callable[[Request, int, str], Response]


class BodyTooLarge(HTTPException):
    """A body sent without a length passed the limit while the app was reading it."""


class NulInBody(HTTPException):
    """A form field or JSON value of the body holds a NUL byte."""


class RequestGuard:
    """ASGI middleware: a body over `max_body_bytes` is a 413, a NUL in the path or query a 400,
    a NUL in a form field or JSON value a 422 naming the field.

    A declared Content-Length over the limit is refused without reading a byte; a body sent
    in chunks is cut off as soon as it passes the limit. NUL bytes are refused because
    PostgreSQL rejects them in text and a log line should never carry one. The body is looked
    at when the app first reads it, whole (it is at most `max_body_bytes`), so that no route
    and no field needs a check of its own; the app's error handler answers either refusal.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        refuse: Refusal,
        uploads: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.refuse = refuse
        # Paths that take a file (question imports), each with its own larger limit.
        self.uploads = dict(uploads or {})

    def _limit(self, scope: Scope) -> int:
        return self.uploads.get(scope.get("path", ""), self.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if _has_nul(scope):
            response = self.refuse(request, 400, "The address contains a NUL byte.")
        elif _declared_length(request) > self._limit(scope):
            response = self.refuse(request, 413, self.too_large(self._limit(scope)))
            response.headers["Connection"] = "close"
        else:
            await self.app(scope, self._checked(scope, receive), send)
            return
        await response(scope, receive, send)

    @staticmethod
    def too_large(limit: int) -> str:
        """The message a refused body gets."""
        kilobytes = limit // 1024
        return f"The request body is larger than {kilobytes} KB, the most this server accepts."

    def _checked(self, scope: Scope, receive: Receive) -> Receive:
        """`receive`, except that the first read gets the whole body, counted and checked."""
        done = False

        async def checked() -> Message:
            nonlocal done
            if done:
                return await receive()
            done = True
            message = await receive()
            if message["type"] != "http.request":
                return message  # the client went away: the app hears of it as usual
            limit = self._limit(scope)
            if message.get("more_body", False):
                message = await self._rest(receive, message, limit)
            body: bytes = message.get("body", b"")
            if len(body) > limit:
                raise BodyTooLarge(413, self.too_large(limit))
            if may_hold_nul(scope, body) and (field := await field_with_nul(scope, body)):
                raise NulInBody(422, _nul_message(field))
            return message

        return checked

    async def _rest(self, receive: Receive, first: Message, limit: int) -> Message:
        """The body sent in chunks, as one message; cut off once past the limit."""
        body = bytearray(first.get("body", b""))
        message = first
        while message.get("more_body", False):
            message = await receive()
            if message["type"] != "http.request":
                return message
            body += message.get("body", b"")
            if len(body) > limit:
                raise BodyTooLarge(413, self.too_large(limit))
        return {"type": "http.request", "body": bytes(body), "more_body": False}


def _nul_message(field: str) -> str:
    return f'The field "{shown_name(field)}" contains a control character (U+0000); remove it.'


def _declared_length(request: Request) -> int:
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isascii() and declared.isdigit() else 0


def _has_nul(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)

"""Find the form field or JSON value of a request body that holds a NUL byte.

PostgreSQL cannot store NUL in text, so a NUL that reached any field stored as text was a 500
there (and stored as is on SQLite). Every form and JSON body is looked at once, before any
route reads it, so that no field, present or future, depends on its own check.
"""

import json
from collections.abc import AsyncGenerator
from typing import Any

from starlette.datastructures import FormData, Headers
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.types import Scope

_FORM = b"application/x-www-form-urlencoded"
# A multipart body may declare a charset (UTF-7 spells NUL "+AAA-"): it is always parsed.
_MULTIPART = b"multipart/form-data"
_SHOWN_CHARS = 40


def may_hold_nul(scope: Scope, body: bytes) -> bool:
    """Whether `field_with_nul` must look: most bodies show at once that they hold no NUL."""
    # A NUL in a URL-encoded form is raw or percent-encoded; in JSON escaped, or raw in
    # UTF-16 and UTF-32 (which json.loads reads as the app does).
    return (
        b"\x00" in body or b"%00" in body or b"\\u0000" in body or _media_type(scope) == _MULTIPART
    )


async def field_with_nul(scope: Scope, body: bytes) -> str | None:
    """The name of the first form field or JSON place whose name or text holds a NUL."""
    media = _media_type(scope)
    if media == _MULTIPART:
        return await _form_field(MultiPartParser(Headers(scope=scope), _once(body)))
    if media == _FORM:
        return await _form_field(FormParser(Headers(scope=scope), _once(body)))
    return _json_place(body)


def shown_name(name: str) -> str:
    """A field name as a message can show it: control characters escaped, and cut short."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)
    return shown[:_SHOWN_CHARS] + ("…" if len(shown) > _SHOWN_CHARS else "")


def _media_type(scope: Scope) -> bytes:
    # Read from the raw headers (ASGI names are lower case): this runs for every body.
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media: bytes = value.split(b";", 1)[0].strip().lower()
            return media
    return b""


async def _once(body: bytes) -> AsyncGenerator[bytes, None]:
    yield body
    yield b""


async def _form_field(parser: FormParser | MultiPartParser) -> str | None:
    try:
        form: FormData = await parser.parse()
    except MultiPartException:
        return None  # the route's own parser refuses it with a 400
    try:
        for name, value in form.multi_items():
            if "\x00" in name or (isinstance(value, str) and "\x00" in value):
                return name
        return None
    finally:
        await form.close()


def _json_place(body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON the app can read either: its own parser refuses it
    return _place_in(document)


def _place_in(document: Any) -> str | None:
    """The place of the first key or string holding a NUL; a walk without recursion, since
    a document may nest as deep as json.loads allows."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return place or "body"
        if isinstance(value, dict):
            inner = [(f"{place}.{key}" if place else key, key, item) for key, item in value.items()]
            for name, key, _ in inner:
                if "\x00" in key:
                    return name
            stack.extend((name, item) for name, _, item in reversed(inner))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{place or 'body'}[{n}]", v) for n, v in enumerate(value)]))
    return None

"""Where a form sends the browser next: only ever a path on this site.

Sign-in and sign-up carry a `next` destination (a class's join link, say) through their
forms. A destination that a browser would read as another site (`//evil.example`,
`https:…`, `/\\evil.example`, which browsers treat like `//`) is dropped, so the forms are
no open redirect.
"""

import re
from urllib.parse import quote

MAX_CHARS = 200
# A path and an optional query: a single leading slash, then printable ASCII without
# backslashes; no scheme, no authority, no fragment, no spaces or control characters.
_LOCAL = re.compile(r"/(?![/\\])[!$&'()*+,;=:@%/?A-Za-z0-9._~-]*")
_JOIN = re.compile(r"/join/([A-Za-z0-9]{1,32})")


def local_path(text: str | None) -> str | None:
    """`text` if it is a path on this site to send a browser to; None otherwise."""
    if not text or len(text) > MAX_CHARS or not _LOCAL.fullmatch(text):
        return None
    return text


def join_code_of(path: str | None) -> str | None:
    """The class code if `path` is a class's join link (`/join/CODE`)."""
    found = _JOIN.fullmatch(path or "")
    return found.group(1) if found else None


def with_next(path: str, destination: str | None) -> str:
    """`path` carrying `destination` as its `next` parameter, if there is one."""
    if destination is None:
        return path
    return f"{path}?next={quote(destination, safe='/')}"

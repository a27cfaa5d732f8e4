"""JSON responses that no cache keeps: they carry one learner's attempt."""

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

NO_STORE = {"Cache-Control": "no-store"}


class PrivateJSONResponse(JSONResponse):
    """A JSON response with `Cache-Control: no-store` unless told otherwise."""

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(
            content, status_code, {**NO_STORE, **(headers or {})}, media_type, background
        )

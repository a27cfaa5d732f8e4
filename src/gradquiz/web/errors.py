"""One error handler: JSON under /api, an HTML page everywhere else. Never a traceback."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from gradquiz.errors import GradquizError, SignInRequired
from gradquiz.web.destinations import local_path, with_next

log = logging.getLogger(__name__)

_FRIENDLIER = {
    "Not Found": "There is no page at this address.",
    "There was an error parsing the body": "The request body could not be read as JSON text.",
}

_TITLES = {
    400: "Bad request",
    403: "Not accepted",
    404: "Not found",
    405: "Method not allowed",
    409: "Not possible now",
    413: "Too large",
    422: "That could not be read",
    429: "Too many requests",
    500: "Something went wrong",
}


_UNEXPECTED = "Something went wrong on our side; nothing you saved was lost."
_PLAIN_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Something went wrong · gradquiz</title></head>"
    f'<body><h1>Something went wrong</h1><p>{_UNEXPECTED}</p><p><a href="/">Home</a></p>'
    "</body></html>"
)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through `error_response`."""

    @app.exception_handler(GradquizError)
    async def on_gradquiz_error(request: Request, error: GradquizError) -> Response:
        if error.status == 500:
            # Its message is for the log: a failing generator names its seed, for one. A
            # deliberate refusal (503, the lab busy) says what it says.
            log.error(
                "%s on %s %s: %s",
                type(error).__name__,
                request.method,
                request.url.path,
                error.message,
            )
            return error_response(request, 500, _UNEXPECTED, error.headers)
        if isinstance(error, SignInRequired) and request.method == "GET":
            # Signed out on a page that needs an account: sign in, then come straight back.
            here = local_path(request.url.path)
            return error_response(request, error.status, error.message, sign_in=here)
        return error_response(request, error.status, error.message, error.headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, 422, _describe(error))

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, error: HTTPException) -> Response:
        message = error.detail if isinstance(error.detail, str) else "Request failed."
        message = _FRIENDLIER.get(message, message)
        return error_response(request, error.status_code, message, dict(error.headers or {}))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        try:
            return error_response(request, 500, _UNEXPECTED)
        except Exception:
            # The page needs what may have failed (the database, for the header's account);
            # without an answer from here the server would send a bare 500 of its own.
            log.exception("the error page failed too; answering with the plain one")
            return HTMLResponse(_PLAIN_500, status_code=500, headers={"Cache-Control": "no-store"})


def error_response(
    request: Request,
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    sign_in: str | None = None,
) -> Response:
    """An error as JSON for API clients, or as a page for people (with a way to sign in
    and come back to `sign_in`, if given)."""
    headers = {"Cache-Control": "no-store", **(headers or {})}
    if request.url.path.startswith("/api/"):
        body = {"error": {"status": status, "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)
    templates = request.app.state.templates
    html = templates.get_template("error.html").render(
        request=request,
        status=status,
        title=_TITLES.get(status, "Error"),
        message=message,
        pack=request.app.state.pack,
        sign_in_url=with_next("/account/sign-in", sign_in) if sign_in else None,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


def _describe(error: RequestValidationError) -> str:
    parts = []
    for detail in error.errors():
        location = ".".join(str(p) for p in detail.get("loc", ()) if p != "body")
        parts.append(f"{location or 'body'}: {detail.get('msg', 'invalid')}")
    return "The request is not valid: " + "; ".join(parts) + "."

"""Routes every page relies on: the code colours, the icon, and the API's documentation."""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from gradquiz.content.render import pygments_css
from gradquiz.web.private_json import PrivateJSONResponse
from gradquiz.web.static_files import ONE_HOUR, ONE_YEAR, short_digest
from gradquiz.web.templating import render_page

router = APIRouter(include_in_schema=False)

PYGMENTS_CSS = pygments_css()
PYGMENTS_VERSION = short_digest(PYGMENTS_CSS.encode())


@router.get("/static-generated/pygments.css")
async def code_style(request: Request) -> Response:
    """Colours for highlighted code."""
    fresh = request.query_params.get("v") == PYGMENTS_VERSION
    return Response(
        PYGMENTS_CSS,
        media_type="text/css",
        headers={"Cache-Control": ONE_YEAR if fresh else ONE_HOUR},
    )


@router.get("/favicon.ico")
async def favicon(request: Request) -> Response:
    """The site icon, for browsers that ask for it at the root."""
    path = request.app.state.static.root / "favicon.ico"
    return FileResponse(path, media_type="image/x-icon", headers={"Cache-Control": ONE_HOUR})


@router.get("/api/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for the JSON API, from assets this server serves (no CDN)."""
    return render_page(request, "api/docs.html")


@router.get("/openapi.json")
async def openapi(request: Request) -> Response:
    """The API's OpenAPI description, kept by no cache, as every answer of the API."""
    return PrivateJSONResponse(request.app.openapi())

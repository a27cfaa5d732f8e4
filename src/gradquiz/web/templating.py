"""Rendering a page template with what every page needs in its context."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse


def render_page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A template rendered with the pack and the exam's grace in its context."""
    html = render_html(request, template, **context)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def render_html(request: Request, template: str, **context: Any) -> str:
    """The page `template` makes with the pack and the exam's grace in its context."""
    templates = request.app.state.templates
    grace = request.app.state.service.grace
    return str(
        templates.get_template(template).render(
            request=request,
            pack=request.app.state.pack,
            grace_seconds=int(grace.total_seconds()),
            **context,
        )
    )


def see_other(url: str) -> RedirectResponse:
    """303 to `url` (the answer to a form post), never cached."""
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})

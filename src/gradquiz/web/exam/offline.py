"""The exam's service worker at a stable address, the page it shows when the network drops
one of an attempt's, and the header that clears a browser.

The worker (`static/exam-sw.js`) keeps an attempt's question and review pages so the exam
goes on without the network. It must keep one address for the browser to update it in
place, so it is served here at `/exam-sw.js`, revalidated on every check, with the hashed
address of Workbox (a file of the package, `static/vendor/`) written into it.
"""

from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gradquiz.web.static_files import HashedStaticFiles
from gradquiz.web.templating import render_page

router = APIRouter(include_in_schema=False)

WORKBOX = "vendor/workbox-7.4.1"
# The pages the worker may control: the attempts' own (questions, review, result).
SCOPE = "/attempts/"
# The page the worker shows in place of an attempt's page that the network dropped; stored on
# the device with the attempt's pages.
DROPPED = "/exam-network-dropped"
# Sent when a browser signs out: the device's copies of any exam (IndexedDB, Cache Storage,
# the worker) go with it, so the next person at a shared computer finds nothing.
CLEAR_SITE_DATA = '"cache", "storage"'


@cache
def worker_script(static: HashedStaticFiles) -> str:
    """The worker's code with Workbox's hashed address and module folder written in."""
    source = (static.root / "exam-sw.js").read_text(encoding="utf-8")
    return (
        source.replace("__WORKBOX_SW__", static.url(f"{WORKBOX}/workbox-sw.js"))
        .replace("__WORKBOX_MODULES__", f"{static.prefix}/{WORKBOX}/")
        .replace("__DROPPED__", DROPPED)
    )


@router.get("/exam-sw.js")
async def exam_worker(request: Request) -> Response:
    """The exam's service worker, for pages under /attempts/."""
    return Response(
        worker_script(request.app.state.static),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": SCOPE},
    )


@router.get(DROPPED)
async def network_dropped(request: Request) -> Response:
    """What the worker shows when the network drops a page of an attempt: the same for
    everyone (it names no learner), so the device may keep it."""
    return render_page(request, "exam/network_dropped.html")

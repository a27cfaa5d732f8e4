"""Linking: a learner or instructor whom an LMS launch signed in (an account without a
password) joins that account to the gradquiz account they made themselves, by signing in to
it here. Their sittings, classes and course logins move to it; the launch's account goes."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from gradquiz.core.accounts import Account, username_key
from gradquiz.core.text import checked_text
from gradquiz.errors import GradquizError, NotFound
from gradquiz.services.lti import LtiService
from gradquiz.web.identity import client_address
from gradquiz.web.sessions import accounts, required_account, session_token, start_session
from gradquiz.web.templating import render_page, see_other

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=400)]


@router.get("/lti/link", response_class=HTMLResponse)
def link_form(request: Request) -> Response:
    """The form: the username and password of the account to link into."""
    _launched(request)
    return render_page(request, "lti/link.html", error=None, username="")


@router.post("/lti/link")
def link(request: Request, username: Field = "", password: Field = "") -> Response:
    """Sign in to the named account, carrying the launch's account into it."""
    launched = _launched(request)
    lti: LtiService = request.app.state.lti
    try:
        lti.check_link_target(username_key(checked_text(username, field="username")))
        new = accounts(request).sign_in(
            username=username,
            password=password,
            address=client_address(request),
            browser=launched.owner,
            ending=session_token(request),
        )
        lti.absorb(launched=launched, into=new.account)
    except GradquizError as refusal:
        return render_page(
            request,
            "lti/link.html",
            status=refusal.status,
            error=refusal.message,
            username=username[:32],
        )
    response = see_other("/account")
    start_session(request, response, new, framed=True)
    return response


def _launched(request: Request) -> Account:
    account = required_account(request, "Open gradquiz from your course first.")
    if not request.app.state.lti.is_bound(account):
        raise NotFound("Only an account an LMS launch made can be linked.")
    return account

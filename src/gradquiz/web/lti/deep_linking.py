"""Deep linking: an instructor adding gradquiz to a course picks one of their class exams (or
makes one from the pack), and the platform gets back an `ltiResourceLink` with a line item,
so it makes the gradebook column once."""

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from gradquiz.core.accounts import Account
from gradquiz.core.classes import ClassRules, Disclosure
from gradquiz.errors import GradquizError, InvalidInput
from gradquiz.services.classes import ClassService
from gradquiz.services.lti import (
    CLAIM,
    CUSTOM_CLASS,
    LAUNCH_SECONDS,
    LtiRefused,
    LtiService,
    client_id_of,
)
from gradquiz.web.lti.views import refused_page
from gradquiz.web.sessions import signed_in
from gradquiz.web.templating import render_page

SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK = "ltiResourceLink"
NEW_CLASS_DAYS = 14


def check_settings(claims: Mapping[str, Any]) -> Mapping[str, Any]:
    """A deep linking request's settings, if gradquiz can answer it: a return URL, and
    `ltiResourceLink` among the accepted types; LtiRefused naming what is missing else."""
    settings = claims.get(SETTINGS_CLAIM)
    if not isinstance(settings, Mapping):
        raise LtiRefused("The deep linking request has no deep_linking_settings.")
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
        raise LtiRefused(
            "The deep linking request names no deep_link_return_url to send the choice to."
        )
    types = settings.get("accept_types")
    if not isinstance(types, list) or RESOURCE_LINK not in types:
        raise LtiRefused(
            "The LMS does not accept a resource link here (accept_types lacks"
            " ltiResourceLink), the only kind of item gradquiz adds."
        )
    return settings


def start(lti: LtiService, launch: Any, account: Account) -> str:
    """Keep what the response to this deep linking request needs; the picker's address."""
    claims = launch.get_launch_data()
    picking = secrets.token_urlsafe(16)
    lti.launches.put(
        f"deeplink-{picking}",
        {
            "account": account.id,
            "iss": claims.get("iss"),
            "client_id": client_id_of(claims),
            "deployment_id": claims.get(f"{CLAIM}deployment_id"),
            "settings": claims.get(SETTINGS_CLAIM) or {},
        },
        LAUNCH_SECONDS,
    )
    return f"/lti/deep-link/{picking}"


def form(
    request: Request, lti: LtiService, picking: str, error: str | None = None, title: str = ""
) -> Response:
    """The picker: the instructor's class exams, and a new one from the pack."""
    found = _picking(request, lti, picking)
    if isinstance(found, Response):
        return found
    account, _ = found
    exams = [e for e in _classes(request).taught(instructor=account) if e.archived_at is None]
    return render_page(
        request,
        "lti/deep_link.html",
        status=422 if error else 200,
        exams=exams,
        picking=picking,
        error=error,
        title=title or request.app.state.pack.title,
    )


def choose(request: Request, lti: LtiService, picking: str, class_id: str, title: str) -> Response:
    """The signed response to the platform, posted back by the page's form."""
    found = _picking(request, lti, picking)
    if isinstance(found, Response):
        return found
    account, kept = found
    classes = _classes(request)
    try:
        if class_id:
            exam = classes.owned(instructor=account, class_id=class_id)
        elif title.strip():
            exam = classes.create(instructor=account, rules=_pack_rules(classes, title))
        else:
            raise InvalidInput("Pick a class exam, or give the new one a title.")
    except GradquizError as refusal:
        return form(request, lti, picking, refusal.message, title)
    platform = lti.platform(kept["iss"], kept["client_id"])
    if platform is None:
        return refused_page(request, LtiRefused("That LMS is no longer registered."))
    lti.launches.take(f"deeplink-{picking}")
    resource = (
        DeepLinkResource()
        .set_url(str(request.url_for("lti_launch")))
        .set_title(exam.rules.title)
        .set_custom_params({CUSTOM_CLASS: lti.class_claim(platform, exam.id)})
    )
    # One item, so any accept_multiple is honoured; a gradebook column only where the
    # platform accepts one (accept_lineitem absent means it does).
    if kept["settings"].get("accept_lineitem", True) is not False:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(len(exam.question_ids))
            .set_label(exam.rules.title)
            .set_resource_id(exam.id)
        )
    link = DeepLink(lti.registration(platform), str(kept["deployment_id"]), kept["settings"])
    return render_page(
        request,
        "lti/deep_link_return.html",
        return_url=kept["settings"].get("deep_link_return_url", ""),
        token=link.get_response_jwt([resource]),
        title=exam.rules.title,
    )


def _picking(
    request: Request, lti: LtiService, picking: str
) -> tuple[Account, dict[str, Any]] | Response:
    kept = lti.launches.get(f"deeplink-{picking}")
    account = signed_in(request)
    if not isinstance(kept, dict) or account is None or account.id != kept.get("account"):
        return refused_page(
            request,
            LtiRefused("This choice has expired or is someone else's; add gradquiz again."),
        )
    return account, kept


def _pack_rules(classes: ClassService, title: str) -> ClassRules:
    pack = classes.exam.pack
    now = classes.now().replace(second=0, microsecond=0)
    return ClassRules(
        title=title,
        opens_at=now,
        closes_at=now + timedelta(days=NEW_CLASS_DAYS),
        minutes=pack.minutes,
        counts=dict(pack.blueprint.counts),
        prefer_parametrized=False,
        at_submit=Disclosure.SCORE,
        after_close=Disclosure.EVERYTHING,
        attempts_allowed=1,
    )


def _classes(request: Request) -> ClassService:
    service: ClassService = request.app.state.classes
    return service

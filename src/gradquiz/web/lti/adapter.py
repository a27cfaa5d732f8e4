"""pylti1p3next on FastAPI: its request, cookie and redirect interfaces over Starlette's, and
the OIDC login and message launch with gradquiz's checks.

The launch checks, in order: the state (issued by this server's login, used once), the
token's form, the registration (issuer and client id), the signature against the platform's
key set (kept, fetched again for an unknown `kid`), `iss`, `aud`, `azp`, `exp` and `iat`
within SKEW_SECONDS, the deployment, the message type and version, the target_link_uri
(gradquiz's own launch URL), and last the nonce (the
one the login issued with this state, used once in any process). Each refusal is an
LtiRefused naming the fault. The login's browser cookie, where the launch's browser sends
one, must be the login's (the route checks the launch's Origin too).

Platform storage (1EdTech "Client Side postMessages"): a login initiation that names an
`lti_storage_target` is answered with a page that puts the state and nonce into the LMS's
storage (`lti.put_data`) before going on to the platform's login; its launch is answered
with a page that reads them back (`lti.get_data`) and posts them with the id_token to
/lti/launch again, from gradquiz's own page. That launch is accepted only when both
values are the login's and the post is same-origin, so a launch the browser did not log in
for is refused without any cookie. Where the LMS's storage does not answer, the login page
falls back to the server-side state alone (as a login without a storage target has).
"""

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from pylti1p3.cookie import CookieService
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.request import Request as LtiRequest
from starlette.responses import RedirectResponse, Response

from gradquiz.services.lti import (
    DatabaseSessions,
    KeySets,
    LtiRefused,
    LtiService,
    client_id_of,
    origin_of,
)
from gradquiz.web.lti.deep_linking import check_settings
from gradquiz.web.sessions import set_framed_cookie

log = logging.getLogger(__name__)

SKEW_SECONDS = 60
FETCH_SECONDS = 10
MESSAGE_TYPES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
# A cookie naming the browser that logged in (SameSite=None; Secure over HTTPS): a launch
# from a browser that sends another one is refused, so an attacker's own unused launch
# cannot sign a victim in. A browser that blocks the framed page's cookies sends none.
BROWSER_COOKIE = "browser"
BROWSER_SECONDS = 30 * 24 * 3600
_BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{24}")
# A frame name a platform's storage answers from (`_parent`, or Canvas's
# `post_message_forwarding`).
STORAGE_TARGET = re.compile(r"[A-Za-z0-9_.-]{1,100}")
STORED_STATE = "lti_storage_state"  # the values the launch page read back from the LMS
STORED_NONCE = "lti_storage_nonce"


@dataclass(frozen=True)
class PlatformStorage:
    """What the login's page puts into the LMS's storage, and where it goes on to."""

    target: str  # the frame that answers lti.put_data
    origin: str  # the origin it answers from: the platform's login URL's
    state: str
    nonce: str
    next_url: str  # the platform's login, with this state and nonce


class FastApiRequest(LtiRequest):
    """A request's form or query parameters and cookies, as pylti1p3 reads them."""

    def __init__(
        self,
        params: Mapping[str, str],
        cookies: Mapping[str, str],
        secure: bool,
        same_origin: bool = False,
    ):
        self._params = params
        self._cookies = cookies
        self._secure = secure
        self.same_origin = same_origin  # posted by one of gradquiz's own pages

    @property
    def session(self) -> dict[str, Any]:
        return {}  # never used: DatabaseSessions keeps everything server-side

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self._params.get(key, "")

    def has_param(self, key: str) -> bool:
        """Whether the request carries the parameter, even empty."""
        return key in self._params

    def get_cookie(self, key: str) -> str | None:
        return self._cookies.get(key)


class FastApiCookies(CookieService):
    """The cookies pylti1p3 sets, put on the response (SameSite=None; Secure over HTTPS, so
    a framed page keeps them where the browser allows; nothing depends on them)."""

    def __init__(self, request: FastApiRequest) -> None:
        self._request = request
        self._to_set: dict[str, tuple[str, int | None]] = {}

    @property
    def prefix(self) -> str:
        return self._cookie_prefix

    def get_cookie(self, name: str) -> str | None:
        return self._request.get_cookie(f"{self._cookie_prefix}-{name}")

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self._to_set[f"{self._cookie_prefix}-{name}"] = (str(value), exp)

    def apply(self, response: Response) -> Response:
        """Put the cookies set so far on `response`."""
        secure = self._request.is_secure()
        for key, (value, exp) in self._to_set.items():
            set_framed_cookie(response, key, value, max_age=exp, secure=secure, path="/lti/")
        return response


class FastApiRedirect(Redirect[Response]):
    """A 302 to the platform's login, with the cookies pylti1p3 set."""

    def __init__(self, location: str, cookies: FastApiCookies) -> None:
        self._location = location
        self._cookies = cookies

    def do_redirect(self) -> Response:
        return self._cookies.apply(
            RedirectResponse(self._location, status_code=302, headers={"Cache-Control": "no-store"})
        )

    def do_js_redirect(self) -> Response:
        return self.do_redirect()  # no inline script (CSP): a plain redirect does the same

    def set_redirect_url(self, location: str) -> None:
        self._location = location

    def get_redirect_url(self) -> str:
        return self._location


class Login(OIDCLogin[FastApiRequest, Any, DatabaseSessions, FastApiCookies, Response]):
    """OIDC login initiation: checks the platform is registered, stores state and nonce."""

    def get_redirect(self, url: str) -> Redirect[Response]:
        return FastApiRedirect(url, self._cookie_service)


def start_login(
    lti: LtiService, request: FastApiRequest, launch_url: str
) -> Response | PlatformStorage:
    """The redirect to the platform's login for this initiation, or, when it names a
    storage target, what the page that stores state and nonce there needs; LtiRefused if
    refused."""
    cookies = FastApiCookies(request)
    login = Login(
        request,
        lti.tool_conf,
        session_service=DatabaseSessions(lti.launches),
        cookie_service=cookies,
    )
    browser = request.get_cookie(f"{cookies.prefix}-{BROWSER_COOKIE}") or ""
    if not _BROWSER_ID.fullmatch(browser):
        browser = secrets.token_urlsafe(18)
    # The browser that logged in; its launch must come from it where it sends the cookie.
    cookies.set_cookie(BROWSER_COOKIE, browser, BROWSER_SECONDS)
    target = request.get_param("lti_storage_target")
    storage = target if STORAGE_TARGET.fullmatch(target) else None
    login.pass_params_to_launch(
        {
            "target": request.get_param("target_link_uri")[:1000],
            "browser": browser,
            "storage": storage,
        }
    )
    try:
        redirect = login.get_redirect_object(launch_url)
    except OIDCException as error:
        raise LtiRefused(_login_fault(str(error), request)) from None
    if storage is None:
        return redirect.do_redirect()
    next_url = redirect.get_redirect_url()
    sent = {k: v[0] for k, v in parse_qs(urlsplit(next_url).query).items()}
    stored = PlatformStorage(
        target=storage,
        origin=origin_of(next_url),
        state=sent["state"],
        nonce=sent["nonce"],
        next_url=next_url,
    )
    sessions = DatabaseSessions(lti.launches)
    sessions.update_state(stored.state, origin=stored.origin, next_url=next_url)
    return stored


def storage_fallback(lti: LtiService, state: str) -> str | None:
    """The LMS's storage did not take this login's state: its launch is checked with the
    server-side state alone. The platform's login URL to go on to; None if the state is
    unknown, used or not a storage login."""
    sessions = DatabaseSessions(lti.launches)
    params = sessions.get_state_params(state[:200])
    next_url = params.get("next_url")
    if not params.get("storage") or not isinstance(next_url, str):
        return None
    sessions.update_state(state[:200], storage=None)
    return next_url


def storage_launch(lti: LtiService, request: FastApiRequest) -> PlatformStorage | None:
    """For a launch whose login stored its state in the LMS's storage and that does not
    carry the values read back yet: what the page that reads them needs. None otherwise
    (the launch is checked at once)."""
    if request.has_param(STORED_STATE) or request.has_param(STORED_NONCE):
        return None  # read back already (if empty, the launch is refused for it)
    state = request.get_param("state")[:200]
    params = DatabaseSessions(lti.launches).get_state_params(state) if state else {}
    target, origin = params.get("storage"), params.get("origin")
    if not isinstance(target, str) or not isinstance(origin, str):
        return None
    return PlatformStorage(
        target=target, origin=origin, state=state, nonce=str(params.get("nonce")), next_url=""
    )


class Launch(MessageLaunch[FastApiRequest, Any, DatabaseSessions, FastApiCookies]):
    """A message launch checked as the module says."""

    key_sets: KeySets
    launch_url: str

    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)

    def get_client_id(self) -> str:
        return client_id_of(self._get_jwt_body()) or ""

    def validate(self) -> "Launch":
        self._validated = True
        try:
            self.validate_state()
            _step(self.validate_jwt_format, "The launch's id_token is not a JSON Web Token.")
            self._check_shape()
            self._check_registration()
            self.validate_jwt_signature()
            _step(self.validate_deployment, None)
            self._check_message()
            self._check_target()
            self.validate_nonce()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    def validate_state(self) -> "Launch":
        state = self._get_request_param("state")
        params = self._session_service.take_state(state[:200]) if state else None
        if params is None:
            raise LtiRefused(
                "The launch's state is unknown, expired or used already: start it again from"
                " the course."
            )
        sent = self._cookie_service.get_cookie(BROWSER_COOKIE)
        if sent and params.get("browser") and sent != params["browser"]:
            raise LtiRefused(
                "This launch was started in another browser: start it again from the course."
            )
        if params.get("storage"):
            self._check_stored(state, params)
        self._login_params = params
        return self

    def _check_stored(self, state: str, params: Mapping[str, object]) -> None:
        """The login stored its state and nonce in the LMS's storage: this browser's
        gradquiz page read both back and posted them itself."""
        stored = (self._get_request_param(STORED_STATE), self._get_request_param(STORED_NONCE))
        if not self._request.same_origin:
            raise LtiRefused(
                "The launch's state must be read back from the LMS's storage by gradquiz's"
                " own page; this launch was posted from elsewhere."
            )
        if stored != (state, params.get("nonce")):
            raise LtiRefused(
                "The LMS's storage does not hold this launch's state and nonce: it was"
                " started in another browser or tab. Start it again from the course."
            )

    def validate_nonce(self) -> "Launch":
        nonce = str(self._jwt.get("body", {}).get("nonce") or "")
        if not nonce or nonce != self._login_params.get("nonce"):
            raise LtiRefused("The launch's nonce is not the one its login issued.")
        if not self._session_service.check_nonce(nonce[:200]):
            raise LtiRefused("The launch's nonce was used before: a launch is accepted once.")
        return self

    def _check_shape(self) -> None:
        """The token's header and claims are JSON objects, its iss a text and its aud a text
        or a list of texts (what the library's look-ups take for granted)."""
        header, body = self._jwt.get("header"), self._jwt.get("body")
        if not isinstance(header, dict) or not isinstance(body, dict):
            raise LtiRefused("The launch's id_token is not a JSON Web Token.")
        audience = body.get("aud")
        texts = (
            isinstance(audience, list) and audience and all(isinstance(a, str) for a in audience)
        )
        if not isinstance(body.get("iss"), str) or not (isinstance(audience, str) or texts):
            raise LtiRefused("The launch token's iss or aud claim is not a text.")

    def _check_registration(self) -> None:
        body = self._jwt.get("body", {})
        try:
            self.validate_registration()
        except LtiException:
            raise LtiRefused(
                f"No platform is registered with issuer {str(body.get('iss'))[:200]!r} and"
                f" client id (aud) {str(body.get('aud'))[:200]!r}."
            ) from None

    def get_public_key(self, again: bool = False) -> tuple[str, str]:
        assert self._registration is not None
        url = self._registration.get_key_set_url()
        kid = self._jwt.get("header", {}).get("kid")
        if not kid:
            raise LtiRefused("The launch token names no key (kid).")
        if url:
            keys = self.key_sets.get(url, str(kid), again=again)
            self._registration.set_key_set(cast(Any, keys))
        try:
            return super().get_public_key()
        except LtiException:
            self._check_algorithm(str(kid))
            raise LtiRefused(
                f"The platform's key set has no key {str(kid)[:100]!r}, the one that signed"
                " the launch token."
            ) from None

    def _check_algorithm(self, kid: str) -> None:
        """LtiRefused naming both algorithms if the platform has the token's key but for
        another algorithm than the token names (the library says only "no key")."""
        assert self._registration is not None
        key_set: Any = self._registration.get_key_set() or {}
        keys = key_set.get("keys", []) if isinstance(key_set, dict) else []
        signed_with = self._jwt.get("header", {}).get("alg")
        for key in keys if isinstance(keys, list) else ():
            if isinstance(key, dict) and key.get("kid") == kid:
                meant = key.get("alg", "RS256")
                raise LtiRefused(
                    f"The launch token is signed with {str(signed_with)[:20]!r}, but the"
                    f" platform's key {kid[:100]!r} is for {str(meant)[:20]!r}."
                )

    def validate_jwt_signature(self) -> "Launch":
        assert self._registration is not None
        try:
            claims = self._decode(*self.get_public_key())
        except jwt.InvalidSignatureError:
            try:  # the platform may have replaced the key under its kid: fetch them again
                claims = self._decode(*self.get_public_key(again=True))
            except jwt.InvalidSignatureError:
                raise LtiRefused(
                    "The launch token's signature does not match the platform's key."
                ) from None
        client_id = self._registration.get_client_id()
        audience = claims.get("aud")
        azp = claims.get("azp")
        several = isinstance(audience, list) and len(audience) > 1
        if (several or azp is not None) and azp != client_id:
            raise LtiRefused("The launch token's authorized party (azp) is not gradquiz.")
        return self

    def _decode(self, public_key: str, algorithm: str) -> dict[str, Any]:
        """The token's claims checked against this key; LtiRefused naming the fault, but
        jwt.InvalidSignatureError for a signature the key does not match."""
        assert self._registration is not None
        try:
            return jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[algorithm],
                audience=self._registration.get_client_id(),
                issuer=self._registration.get_issuer(),
                leeway=SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.InvalidSignatureError:
            raise
        except jwt.ExpiredSignatureError:
            raise LtiRefused("The launch token has expired.") from None
        except jwt.ImmatureSignatureError:
            raise LtiRefused("The launch token was issued in the future (iat).") from None
        except jwt.InvalidAudienceError:
            raise LtiRefused("The launch token is not addressed to gradquiz (aud).") from None
        except jwt.InvalidIssuerError:
            raise LtiRefused("The launch token's issuer (iss) is not the platform's.") from None
        except jwt.InvalidTokenError as error:
            raise LtiRefused(f"The launch token is not valid: {error}.") from None

    def _check_message(self) -> None:
        body = self._jwt.get("body", {})
        kind = body.get(f"{_CLAIM}message_type")
        if kind not in MESSAGE_TYPES:
            raise LtiRefused(f"gradquiz takes no {str(kind)[:100]!r} message.")
        if body.get(f"{_CLAIM}version") != "1.3.0":
            raise LtiRefused("gradquiz takes LTI version 1.3.0 messages only.")
        if kind == "LtiDeepLinkingRequest":
            check_settings(body)
        _step(self.validate_message, "The launch message lacks a claim LTI requires.")

    def _check_target(self) -> None:
        """The token is for gradquiz's launch URL (its target_link_uri, query aside): a
        launch a platform signed for another tool is not taken here."""
        target = self._jwt.get("body", {}).get(f"{_CLAIM}target_link_uri")
        text = target if isinstance(target, str) else ""
        parts = urlsplit(text)
        if parts._replace(query="", fragment="").geturl() != self.launch_url:
            raise LtiRefused(
                f"The launch is for {text[:200]!r}, not gradquiz's launch URL"
                f" (target_link_uri): {self.launch_url}."
            )


def check_launch(
    lti: LtiService, request: FastApiRequest, key_sets: KeySets, launch_url: str
) -> Launch:
    """The checked launch of this request (posted to `launch_url`, gradquiz's own launch
    URL); LtiRefused naming the fault otherwise."""
    launch = Launch(
        request,
        lti.tool_conf,
        session_service=DatabaseSessions(lti.launches),
        cookie_service=FastApiCookies(request),
    )
    launch.key_sets = key_sets
    launch.launch_url = launch_url
    return launch.validate()


def fetch_json(url: str) -> Any:
    """The JSON a URL serves (a platform's key set); LtiRefused if it cannot be had."""
    try:
        answer = requests.get(url, timeout=FETCH_SECONDS)
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("could not fetch the key set at %s: %s", url, error)
        raise LtiRefused("The platform's key set (JWKS) could not be fetched.") from None


def _step(check: Any, message: str | None) -> None:
    """Run one of the library's checks; whatever it raises on a hostile token (its own
    exceptions, or a claim of an unexpected type) is a refusal."""
    try:
        check()
    except LtiException as error:
        raise LtiRefused(message or str(error)) from None
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as error:
        log.info("LTI check %s failed on a malformed token: %r", check.__name__, error)
        raise LtiRefused(message or "The launch token has a claim of the wrong type.") from None


def _login_fault(fault: str, request: FastApiRequest) -> str:
    if "registration" in fault:
        return (
            f"No platform is registered with issuer {request.get_param('iss')[:200]!r}"
            f" and client id {request.get_param('client_id')[:200]!r}."
        )
    return f"The login request is incomplete: {fault}."

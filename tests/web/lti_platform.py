"""A simulated LMS for the LTI tests, served by uvicorn on a local port: its own RSA keys and
JWKS, an OIDC login endpoint that answers with the id_token it would post, an OAuth2
client-credentials token endpoint, AGS line items and scores, and NRPS memberships."""

import html
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jwcrypto.jwk import JWK

from tests.rsa_keys import PLATFORM_KEYS

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CLIENT_ID = "gradquiz-client"
DEPLOYMENT = "deployment-1"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINE_ITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
# The course page's platform storage (1EdTech "Client Side postMessages"): it keeps what a
# framed tool puts, by the tool's origin, gives it back, and lists each message it got in
# window.ltiMessages. With `?tamper=1` it answers every get with another login's value.
STORAGE_SCRIPT = """
window.ltiMessages = [];
const kept = {};
const tamper = new URLSearchParams(location.search).has("tamper");
window.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || typeof data !== "object" || !String(data.subject).startsWith("lti.")) return;
  window.ltiMessages.push(data.subject + " " + data.key);
  const reply = { message_id: data.message_id, key: data.key };
  const slot = event.origin + " " + data.key;
  if (data.subject === "lti.put_data") {
    kept[slot] = data.value;
    reply.subject = "lti.put_data.response";
    reply.value = data.value;
  } else if (data.subject === "lti.get_data") {
    reply.subject = "lti.get_data.response";
    reply.value = tamper ? "state-of-another-login" : kept[slot];
  } else {
    return;
  }
  event.source.postMessage(reply, event.origin);
});
"""


@dataclass
class SigningKey:
    """One of the platform's RSA keys, with its kid."""

    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def new(cls) -> "SigningKey":
        return cls(kid=uuid.uuid4().hex, private=PLATFORM_KEYS.take())

    @property
    def pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def jwk(self) -> dict[str, Any]:
        public = self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        key = json.loads(JWK.from_pem(public).export_public())
        key.update(kid=self.kid, alg="RS256", use="sig")
        return dict(key)


@dataclass
class Platform:
    """What the simulated LMS holds, and the addresses it serves at."""

    base: str
    keys: list[SigningKey] = field(default_factory=lambda: [SigningKey.new()])
    tool_jwks: dict[str, Any] = field(default_factory=dict)
    scores: list[dict[str, Any]] = field(default_factory=list)
    failures_left: int = 0  # scores answered 503 before one is accepted
    members: list[dict[str, Any]] = field(default_factory=list)
    members_per_page: int = 1000  # the roster's page size; a Link header names the next
    endless_roster: bool = False  # every page links a next one
    member_pages_served: int = 0
    next_page_base: str = ""  # where the Link header sends the next page (default: here)
    tokens_issued: int = 0
    client_ids: set[str] = field(default_factory=lambda: {CLIENT_ID})  # the token endpoint's
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> its client id
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_launch: dict[str, Any] = field(default_factory=dict)  # claims of /auth's next answer
    tool: str = ""  # the tool's base URL, for the course page's frame
    storage_target: str = ""  # the course page's login names it: the LMS offers storage
    # The custom class value deep linking gave this platform for a class id (the tool's
    # MAC); the fixture sets it, so a test's launch names a class as a deep link did.
    link_class: Callable[[str], str] = field(default=lambda class_id: class_id)

    @property
    def issuer(self) -> str:
        return self.base

    @property
    def line_item(self) -> str:
        return f"{self.base}/lineitems/1"

    def registration(self) -> dict[str, Any]:
        """What `gradquiz lti add-platform` is given for this platform."""
        return {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "deployment_ids": [DEPLOYMENT],
            "auth_login_url": f"{self.base}/auth",
            "auth_token_url": f"{self.base}/token",
            "jwks_url": f"{self.base}/jwks",
        }

    def claims(
        self,
        *,
        nonce: str,
        sub: str = "user-1",
        roles: tuple[str, ...] = (LEARNER,),
        class_id: str | None = None,
        custom_class: str | None = None,
        message_type: str = "LtiResourceLinkRequest",
        deployment: str = DEPLOYMENT,
        audience: str = CLIENT_ID,
        lifetime: int = 300,
        link: str = "link-1",
        name: str = "Ada Lovelace",
        course: str = "course-1",
        line_item: str | None = None,
        target: str = "http://testserver/lti/launch",
        deep_linking: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A launch's claims, as this platform signs them."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": sub,
            "exp": now + lifetime,
            "iat": now - 5 if lifetime > 0 else now - 600,
            "nonce": nonce,
            "name": name,
            f"{CLAIM}message_type": message_type,
            f"{CLAIM}version": "1.3.0",
            f"{CLAIM}deployment_id": deployment,
            f"{CLAIM}target_link_uri": target,
            f"{CLAIM}roles": list(roles),
            f"{CLAIM}context": {"id": course, "title": "Deep learning 101"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [SCORE_SCOPE, LINE_ITEM_SCOPE],
                "lineitems": f"{self.base}/lineitems",
                "lineitem": line_item or self.line_item,
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.base}/memberships",
                "service_versions": ["2.0"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            claims[f"{CLAIM}resource_link"] = {"id": link}
        if class_id is not None:
            custom_class = self.link_class(class_id)
        if custom_class is not None:
            claims[f"{CLAIM}custom"] = {"gradquiz_class": custom_class}
        if message_type == "LtiDeepLinkingRequest":
            settings = {
                "deep_link_return_url": f"{self.base}/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
            }
            settings.update(deep_linking or {})  # a None value drops the setting
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                k: v for k, v in settings.items() if v is not None
            }
        return claims

    def sign(self, claims: dict[str, Any], *, key: SigningKey | None = None) -> str:
        """The id_token: the claims signed with the platform's newest key (or `key`)."""
        signing = key or self.keys[-1]
        return jwt.encode(claims, signing.private, algorithm="RS256", headers={"kid": signing.kid})

    def rotate(self) -> SigningKey:
        """A new key signs from now on (the old one stays in the JWKS)."""
        key = SigningKey.new()
        self.keys.append(key)
        return key


def login_redirect(location: str) -> dict[str, str]:
    """The parameters the tool's login sent the browser to the platform with."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def platform_app(platform: Platform) -> FastAPI:
    """The simulated LMS's HTTP endpoints."""
    app = FastAPI()

    @app.get("/course", response_class=HTMLResponse)
    def course() -> str:
        """A course page that frames the tool's login initiation, as an LMS does."""
        initiation = {
            "iss": platform.issuer,
            "login_hint": "hint",
            "target_link_uri": f"{platform.tool}/lti/launch",
            "client_id": CLIENT_ID,
        }
        script = ""
        if platform.storage_target:
            initiation["lti_storage_target"] = platform.storage_target
            script = f"<script>{STORAGE_SCRIPT}</script>"
        login = f"{platform.tool}/lti/login?" + urlencode(initiation)
        return (
            f"<!doctype html><title>Course</title>{script}<h1>Deep learning 101</h1>"
            f'<iframe title="gradquiz" src="{html.escape(login)}" width="1000" height="700">'
            "</iframe>"
        )

    @app.get("/auth", response_class=HTMLResponse)
    def auth(state: str, nonce: str, redirect_uri: str) -> str:
        """The OIDC authentication: the signed launch, posted back to the tool by a form."""
        claims = {"target": redirect_uri, **platform.next_launch}
        token = platform.sign(platform.claims(nonce=nonce, **claims))
        return (
            f'<!doctype html><form id="f" method="post" action="{html.escape(redirect_uri)}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{html.escape(state)}"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )

    @app.get("/jwks")
    def jwks() -> dict[str, Any]:
        return {"keys": [key.jwk() for key in platform.keys]}

    @app.post("/token")
    def token(
        grant_type: str = Form(),
        client_assertion: str = Form(),
        scope: str = Form(""),
        client_assertion_type: str = Form(""),
    ) -> Response:
        header = jwt.get_unverified_header(client_assertion)
        keys = {k["kid"]: k for k in platform.tool_jwks.get("keys", [])}
        if grant_type != "client_credentials" or header.get("kid") not in keys:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        public = JWK(**keys[header["kid"]]).export_to_pem()
        try:
            asserted = jwt.decode(
                client_assertion, public, algorithms=["RS256"], audience=f"{platform.base}/token"
            )
        except jwt.InvalidTokenError as error:
            return JSONResponse({"error": str(error)}, status_code=401)
        if asserted.get("iss") not in platform.client_ids:
            return JSONResponse({"error": "unknown client"}, status_code=401)
        access = uuid.uuid4().hex
        with platform.lock:
            platform.tokens_issued += 1
            platform.tokens[access] = asserted["iss"]
        return JSONResponse({"access_token": access, "expires_in": 3600, "scope": scope})

    @app.post("/lineitems/{item}/scores")
    async def score(item: str, request: Request) -> Response:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        with platform.lock:
            client = platform.tokens.get(bearer)
            if client is None:
                return JSONResponse({"error": "unknown or revoked token"}, status_code=401)
            if platform.failures_left > 0:
                platform.failures_left -= 1
                return JSONResponse({"error": "down for maintenance"}, status_code=503)
            body = json.loads(await request.body())
            platform.scores.append({"item": item, **body, "client": client})
        return Response(status_code=204)

    @app.get("/memberships")
    def memberships(page: int = 0) -> Response:
        size = platform.members_per_page
        with platform.lock:
            platform.member_pages_served += 1
        more = platform.endless_roster or (page + 1) * size < len(platform.members)
        link = (
            f'<{platform.next_page_base or platform.base}/memberships?page={page + 1}>; rel="next"'
        )
        return JSONResponse(
            {
                "id": f"{platform.base}/memberships",
                "context": {"id": "course-1"},
                "members": platform.members[page * size : (page + 1) * size],
            },
            media_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
            headers={"Link": link} if more else {},
        )

    return app


def serve_platform() -> Iterator[Platform]:
    """The simulated LMS on a free local port while the caller iterates."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    platform = Platform(base=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(
        uvicorn.Config(platform_app(platform), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the simulated platform did not start"
        time.sleep(0.02)
    try:
        yield platform
    finally:
        server.should_exit = True
        thread.join(timeout=10)

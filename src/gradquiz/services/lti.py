"""gradquiz as an LTI 1.3 tool: registered platforms, the tool's keys, server-side login
state, and what a checked launch does (an account bound to the platform's user, joined to
or running the linked class exam).

pylti1p3next checks the messages; this module gives it its configuration from the database
(`DatabaseToolConf`) and keeps the OIDC state and nonce in a table (`LaunchStore`), so a
launch works in any process and in a framed page whose cookies the browser drops.
"""

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy.exc import IntegrityError

from gradquiz.core.accounts import Account, Role
from gradquiz.core.classes import Window
from gradquiz.errors import GradquizError, InvalidInput, NotFound
from gradquiz.services.classes import ClassRefused
from gradquiz.services.clock import Clock, utc_now
from gradquiz.storage import accounts as accounts_store
from gradquiz.storage import classes as classes_store
from gradquiz.storage import lti as store
from gradquiz.storage.database import Database
from gradquiz.storage.lti import Link, Platform
from gradquiz.storage.secrets import shared_secret

log = logging.getLogger(__name__)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
CUSTOM_CLASS = "gradquiz_class"
CLASS_SECRET = "lti-class-link"  # the install's key for the class a deep link names
# The course (context) membership roles that make an instructor there; every other role,
# or none, launches a learner. Institution and system roles say nothing about this course:
# an institution's Instructor taking a course as a student is a learner in it.
INSTRUCTOR_ROLES = frozenset(
    {
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator",
        "Instructor",
        "Administrator",
    }
)
CO_TEACHER_SECONDS = 12 * 3600  # a course co-teacher's view of a class exam, from a launch
LOGIN_SECONDS = 600  # an OIDC login's state and nonce
LAUNCH_SECONDS = 3600  # a checked launch's claims, for deep linking and the roster
TICKET_SECONDS = 120  # a launch's one-time ticket to open gradquiz in a new window
# A retired key stays published this long: longer than any token it signed (a deep linking
# response lives 10 minutes, a client assertion one).
KEY_OVERLAP = timedelta(hours=1)
FIELD_CHARS = 255
URL_CHARS = 1000
_USERNAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


class LtiRefused(GradquizError):
    """A login or launch that gradquiz does not accept; the message names the fault."""

    status = 403


@dataclass(frozen=True)
class Landing:
    """Where a checked resource-link launch goes, signed in as whom."""

    account: Account
    destination: str
    class_id: str


def checked_url(value: str, *, field: str) -> str:
    """An https URL (http only for this machine, as a test platform is); InvalidInput else."""
    url = value.strip()
    parts = urlsplit(url)
    local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if len(url) > URL_CHARS or not parts.hostname:
        raise InvalidInput(f"The {field} must be a full URL of at most {URL_CHARS} characters.")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise InvalidInput(f"The {field} must start with https:// (http:// only for localhost).")
    return url


def checked_field(value: str, *, field: str) -> str:
    """A non-empty identifier of at most FIELD_CHARS characters; InvalidInput else."""
    text = value.strip()
    if not text or len(text) > FIELD_CHARS or not text.isprintable():
        raise InvalidInput(f"The {field} must be 1 to {FIELD_CHARS} printable characters.")
    return text


def origin_of(url: str) -> str:
    """The origin (scheme, host and port) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _frame_origins(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(origin_of(checked_url(u, field="frame origin")) for u in urls))


def platform_origins(platform: Platform) -> frozenset[str]:
    """The origins a platform's pages are served from: its issuer's, its login's and the
    frame origins it was registered with."""
    urls = (platform.issuer, platform.auth_login_url, *platform.frame_origins)
    return frozenset(origin_of(u) for u in urls if urlsplit(u).scheme in {"http", "https"})


@dataclass
class LaunchStore:
    """Server-side login state in the database, shared by every process."""

    database: Database
    clock: Clock = utc_now

    def put(self, key: str, value: Any, seconds: int) -> None:
        """Keep `value` under `key` for `seconds` (and forget what has expired, so logins
        nobody launches from do not pile up)."""
        now = self.clock()
        with self.database.write() as session:
            store.delete_expired(session=session, now=now)
            store.put_value(
                session=session, key=key, value=value, expires_at=now + timedelta(seconds=seconds)
            )

    def get(self, key: str) -> Any:
        """The value under `key` if it has not expired, else None."""
        if not _storable(key):
            return None
        with self.database.read() as session:
            return store.get_value(session=session, key=key, now=self.clock())

    def take(self, key: str) -> Any:
        """The value under `key`, removed: of any number of callers, one gets it, the others
        None (a nonce or a ticket is used once)."""
        if not _storable(key):
            return None
        now = self.clock()
        with self.database.write() as session:
            value = store.get_value(session=session, key=key, now=now)
            taken = store.take_value(session=session, key=key, now=now)
            store.delete_expired(session=session, now=now)
        return value if taken else None


class DatabaseSessions(SessionService):
    """pylti1p3's session service over `LaunchStore`: the state and nonce an OIDC login
    issues are stored server-side, bound together, each used once."""

    def __init__(self, launches: LaunchStore) -> None:
        # Not SessionService.__init__: it would keep the data in a cookie-backed session.
        self.launches = launches
        self._nonce: str | None = None

    def save_nonce(self, nonce: str) -> None:
        self._nonce = nonce
        self.launches.put(f"nonce-{nonce}", True, LOGIN_SECONDS)

    def check_nonce(self, nonce: str) -> bool:
        return bool(self.launches.take(f"nonce-{nonce}"))

    def save_state_params(self, state: str, params: Mapping[str, object]) -> None:
        self.launches.put(f"state-{state}", {**params, "nonce": self._nonce}, LOGIN_SECONDS)

    def get_state_params(self, state: str) -> dict[str, object]:
        found = self.launches.get(f"state-{state}")
        return dict(found) if isinstance(found, dict) else {}

    def update_state(self, state: str, **more: object) -> None:
        """Add to (or replace in) the parameters kept for a login's unused state."""
        found = self.get_state_params(state)
        if found:
            self.launches.put(f"state-{state}", {**found, **more}, LOGIN_SECONDS)

    def take_state(self, state: str) -> dict[str, object] | None:
        """The login's parameters for this state, used up; None if unknown or used."""
        found = self.launches.take(f"state-{state}")
        return dict(found) if isinstance(found, dict) else None

    def save_launch_data(self, key: str, jwt_body: Mapping[str, Any]) -> None:
        """Nothing: the route acts on the checked launch's claims at once (and may still
        refuse it), so none are kept for a later request."""

    def get_launch_data(self, key: str) -> Any:
        return None

    def set_state_valid(self, state: str, id_token_hash: str) -> None:
        """Nothing: a state is used once, so no later request re-checks it."""

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False


@dataclass
class KeySets:
    """Platforms' public key sets, fetched from their JWKS URLs and kept; fetched again when
    a token names a key the kept set lacks (a platform rotated its key) or its signature
    does not match the kept key (a key replaced under the same kid), at most once per
    `refresh_seconds` for each URL."""

    fetch: Any  # (url) -> dict, the JSON the URL serves
    clock: Clock = utc_now
    refresh_seconds: float = 10.0
    max_age: timedelta = timedelta(days=1)  # a removed (compromised) key is dropped by then
    _kept: dict[str, tuple[datetime, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, url: str, kid: str | None, *, again: bool = False) -> dict[str, Any]:
        """The key set at `url`, fetched again if it lacks `kid` (or, `again`, if a token's
        signature did not match its key) and may be refreshed."""
        now = self.clock()
        with self._lock:
            kept = self._kept.get(url)
        if kept is not None:
            fetched_at, keys = kept
            known = not again and any(k.get("kid") == kid for k in keys.get("keys", []))
            fresh = (now - fetched_at).total_seconds() < self.refresh_seconds
            if (known or fresh) and now - fetched_at < self.max_age:
                return keys
        keys = self.fetch(url)
        if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
            raise LtiRefused("The platform's key set (JWKS) is not a JSON key set.")
        with self._lock:
            self._kept[url] = (now, keys)
        return keys


class DatabaseToolConf(ToolConfAbstract[Any]):
    """pylti1p3's tool configuration read from gradquiz's tables: one registration per
    issuer and client id, the deployments registered for it, and the tool's current key."""

    def __init__(self, lti: "LtiService") -> None:
        self.lti = lti
        self.issuers_relation_types = {}

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        raise NotImplementedError  # every issuer may have many client ids

    def find_registration_by_params(  # type: ignore[override]  # None: not found
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration | None:
        platform = self.lti.platform(iss, client_id)
        return self.lti.registration(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        raise NotImplementedError

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = self.lti.platform(iss, client_id)
        if platform is None or deployment_id not in platform.deployment_ids:
            return None
        return Deployment().set_deployment_id(deployment_id)


@dataclass
class LtiService:
    """Registration, keys and launches of gradquiz as an LTI 1.3 tool."""

    database: Database
    clock: Clock = utc_now

    def __post_init__(self) -> None:
        self.launches = LaunchStore(self.database, self.clock)
        self._class_key: bytes | None = None
        self.tool_conf = DatabaseToolConf(self)

    # Platforms ---------------------------------------------------------------------------

    def add_platform(
        self,
        *,
        issuer: str,
        client_id: str,
        deployment_ids: Iterable[str],
        auth_login_url: str,
        auth_token_url: str,
        jwks_url: str,
        auth_audience: str | None = None,
        frame_origins: Iterable[str] = (),
    ) -> Platform:
        """Register a platform; InvalidInput naming the field that is wrong or taken.
        `frame_origins`: the origins, besides the issuer's and the login URL's, whose pages
        frame gradquiz and post its launches (a Canvas school's own host)."""
        deployments = tuple(
            dict.fromkeys(checked_field(d, field="deployment id") for d in deployment_ids)
        )
        if not deployments:
            raise InvalidInput("Give at least one deployment id.")
        platform = Platform(
            id=secrets.token_hex(16),
            issuer=checked_field(issuer, field="issuer"),
            client_id=checked_field(client_id, field="client id"),
            auth_login_url=checked_url(auth_login_url, field="OIDC login URL"),
            auth_token_url=checked_url(auth_token_url, field="token URL"),
            jwks_url=checked_url(jwks_url, field="JWKS URL"),
            auth_audience=checked_field(auth_audience, field="audience") if auth_audience else None,
            deployment_ids=deployments,
            created_at=self.clock(),
            frame_origins=_frame_origins(frame_origins),
        )
        try:
            with self.database.write() as session:
                store.insert_platform(session=session, platform=platform)
        except IntegrityError:
            raise InvalidInput(
                f"{platform.issuer} with client id {platform.client_id} is registered already."
            ) from None
        self.ensure_key()
        log.info("LTI platform %s (%s) registered", platform.issuer, platform.client_id)
        return platform

    def platforms(self) -> list[Platform]:
        """Every registered platform, oldest first."""
        with self.database.read() as session:
            return store.platforms(session=session)

    def platform(self, issuer: str | None, client_id: str | None) -> Platform | None:
        """The platform with this issuer and client id (the issuer's only one when no client
        id is given), or None."""
        if not isinstance(issuer, str) or not _storable(issuer):
            return None
        if client_id is not None and not _storable(client_id):
            return None
        with self.database.read() as session:
            found = store.platforms(session=session, issuer=issuer)
        if client_id is None:
            return found[0] if len(found) == 1 else None
        return next((p for p in found if p.client_id == client_id), None)

    def platform_by_id(self, platform_id: str) -> Platform:
        """The platform with this id; NotFound if it was removed."""
        found = next((p for p in self.platforms() if p.id == platform_id), None)
        if found is None:
            raise NotFound("That LMS is no longer registered.")
        return found

    def set_frame_origins(
        self, *, issuer: str, client_id: str | None, frame_origins: Iterable[str]
    ) -> Platform:
        """Replace the frame origins of a registered platform (its users and links stay);
        InvalidInput if it is not registered or an origin is not a URL."""
        platform = self.platform(issuer, client_id)
        if platform is None:
            raise InvalidInput(f"No platform {issuer[:200]} is registered with that client id.")
        origins = _frame_origins(frame_origins)
        with self.database.write() as session:
            store.set_frame_origins(session=session, platform_id=platform.id, origins=origins)
        return replace(platform, frame_origins=origins)

    def remove_platform(
        self, *, issuer: str, client_id: str | None = None, force: bool = False
    ) -> Platform:
        """Forget a platform, its users' bindings (not their accounts), its course links and
        their scores' posting records. While it has course links, InvalidInput saying how
        many, unless `force`."""
        platform = self._registered(issuer, client_id)
        with self.database.write() as session:
            users, links, scores = store.platform_usage(session=session, platform_id=platform.id)
            if links and not force:
                raise InvalidInput(
                    f"{platform.issuer} ({platform.client_id}) has {links} course link(s),"
                    f" {users} bound user(s) and {scores} score(s) posted or waiting; removing"
                    " it unlinks those courses and forgets their scores' posting (accounts and"
                    " results stay). Pass --force to remove it all the same."
                )
            store.delete_platform(session=session, platform_id=platform.id)
        log.info("LTI platform %s (%s) removed", platform.issuer, platform.client_id)
        return platform

    def _registered(self, issuer: str, client_id: str | None) -> Platform:
        platform = self.platform(issuer, client_id)
        if platform is None:
            raise InvalidInput(
                f"No platform {issuer} is registered"
                + (f" with client id {client_id}." if client_id else " alone; name its client id.")
            )
        return platform

    def add_deployment(self, *, issuer: str, client_id: str | None, deployment_id: str) -> Platform:
        """Register one more deployment id of a platform; InvalidInput if it is already."""
        platform = self._registered(issuer, client_id)
        deployment = checked_field(deployment_id, field="deployment id")
        if deployment in platform.deployment_ids:
            raise InvalidInput(f"Deployment {deployment} is registered already.")
        with self.database.write() as session:
            store.add_deployment(session=session, platform_id=platform.id, deployment_id=deployment)
        return replace(platform, deployment_ids=(*platform.deployment_ids, deployment))

    def remove_deployment(
        self, *, issuer: str, client_id: str | None, deployment_id: str
    ) -> Platform:
        """Forget one deployment id (its launches are refused from now on); InvalidInput if
        it is not registered or is the platform's last."""
        platform = self._registered(issuer, client_id)
        if deployment_id not in platform.deployment_ids:
            raise InvalidInput(f"Deployment {deployment_id[:200]} is not registered.")
        if len(platform.deployment_ids) == 1:
            raise InvalidInput(
                "That is the platform's last deployment id: add its new one first, or remove"
                " the platform."
            )
        with self.database.write() as session:
            store.delete_deployment(
                session=session, platform_id=platform.id, deployment_id=deployment_id
            )
        kept = tuple(d for d in platform.deployment_ids if d != deployment_id)
        return replace(platform, deployment_ids=kept)

    def origins(self) -> frozenset[str]:
        """The origins of every registered platform (who may frame the LTI pages)."""
        return frozenset(o for p in self.platforms() for o in platform_origins(p))

    def check_origin(self, claims: Mapping[str, Any], origin: str | None) -> None:
        """LtiRefused unless a checked launch was posted from one of its platform's origins
        (a browser names the page that posted it; a launch without the header comes from
        no browser page, so no other site can have sent it)."""
        if origin is None:
            return
        platform = self._launching_platform(claims)
        if origin not in platform_origins(platform):
            raise LtiRefused(
                f"The launch was posted from {origin[:200]!r}, not from the LMS's site; an"
                " administrator registers the LMS's own host with --frame-origin."
            )

    # The tool's keys ---------------------------------------------------------------------

    def ensure_key(self) -> str:
        """The kid of the key that signs, making the first key pair if there is none."""
        with self.database.read() as session:
            found = store.signing_key(session=session)
        return found[0] if found else self._new_key()

    def rotate_key(self) -> str:
        """Sign with a new key pair from now on; the old one stays published for KEY_OVERLAP
        (the tokens it signed are still checked). Returns the new kid."""
        with self.database.write() as session:
            store.retire_keys(session=session, served_until=self.clock() + KEY_OVERLAP)
        kid = self._new_key()
        log.info("LTI tool key rotated; %s signs from now on", kid)
        return kid

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The tool's public key set: the signing key and the retired ones still valid."""
        self.ensure_key()
        with self.database.read() as session:
            return {"keys": store.served_keys(session=session, now=self.clock())}

    def signing_key(self) -> tuple[str, str]:
        """The kid and private key (PEM) that sign now."""
        self.ensure_key()
        with self.database.read() as session:
            found = store.signing_key(session=session)
        assert found is not None
        return found

    def _new_key(self) -> str:
        private = new_private_key()
        private_pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public = JWK.from_pem(_public_pem(private_pem).encode())
        jwk: dict[str, Any] = json.loads(public.export_public())
        jwk.update(alg="RS256", use="sig", kid=public.thumbprint())
        with self.database.write() as session:
            store.insert_key(
                session=session,
                kid=jwk["kid"],
                private_pem=private_pem,
                public_jwk=jwk,
                at=self.clock(),
            )
        return str(jwk["kid"])

    def registration(self, platform: Platform) -> Registration:
        """pylti1p3's registration for a platform, holding the tool's signing key."""
        _, private_pem = self.signing_key()
        registration = (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.jwks_url)
            .set_tool_private_key(private_pem)
            .set_tool_public_key(_public_pem(private_pem))
        )
        if platform.auth_audience:
            registration.set_auth_audience(platform.auth_audience)
        return registration

    # Launches ----------------------------------------------------------------------------

    def land(self, claims: Mapping[str, Any]) -> Landing:
        """What a checked resource-link launch does: the platform user's account (made on
        first launch), a learner joined to the linked class exam and sent to its page, an
        instructor sent to its live page. LtiRefused (nothing stored) if it cannot."""
        platform = self._launching_platform(claims)
        role = role_of(claims)
        resource_link = claims.get(f"{CLAIM}resource_link")
        link_id = _text(resource_link.get("id") if isinstance(resource_link, Mapping) else "")
        if not link_id:
            raise LtiRefused("The launch names no resource link.")
        class_id = self._linked_class(platform, claims, link_id)
        now = self.clock()
        with self.database.write() as session:
            exam = classes_store.load_class_exam(session=session, class_id=class_id)
            if exam is None:
                raise LtiRefused("The class exam this link opens no longer exists.")
            account = self._account(session, platform, claims, role)
            if role is Role.INSTRUCTOR:
                destination = f"/classes/{exam.id}/live"
            else:
                member = classes_store.member(
                    session=session, class_id=exam.id, owner=account.owner
                )
                if member is None and exam.window(now) is Window.CLOSED:
                    raise ClassRefused("This class exam has closed; it takes no new members.")
                classes_store.add_member(
                    session=session, class_id=exam.id, owner=account.owner, at=now
                )
                destination = f"/classes/{exam.id}"
            link = _link(platform, claims, link_id, exam.id)
            store.save_link(session=session, link=link, at=now)
            if link.context_id is not None:
                sub = checked_field(str(claims.get("sub") or ""), field="user id (sub)")
                store.add_course_member(
                    session=session, platform_id=platform.id, context_id=link.context_id, sub=sub
                )
        if role is Role.INSTRUCTOR and exam.instructor != account.id:
            # Another teacher of the course: they follow the class exam (its live page, read
            # only) while its instructor runs it.
            self.launches.put(f"co-teacher-{account.id}-{exam.id}", True, CO_TEACHER_SECONDS)
        log.info("LTI launch of %s as %s into class exam %s", account.id, role.value, class_id)
        return Landing(account=account, destination=destination, class_id=class_id)

    def co_teaches(self, account: Account | None, class_id: str) -> bool:
        """Whether an instructor launched this class exam from a course they teach (within
        CO_TEACHER_SECONDS) without running it: they may follow its live page."""
        if account is None or account.role is not Role.INSTRUCTOR:
            return False
        return bool(self.launches.get(f"co-teacher-{account.id}-{class_id[:64]}"))

    def launched_account(self, claims: Mapping[str, Any]) -> Account:
        """The account of a checked launch's user (made on first launch), whatever it opens
        (a deep linking request's instructor, say)."""
        platform = self._launching_platform(claims)
        with self.database.write() as session:
            return self._account(session, platform, claims, role_of(claims))

    def _launching_platform(self, claims: Mapping[str, Any]) -> Platform:
        platform = self.platform(claims.get("iss"), client_id_of(claims))
        if platform is None:
            raise LtiRefused("No platform with this issuer and client id is registered.")
        return platform

    def class_claim(self, platform: Platform, class_id: str) -> str:
        """The custom value a deep linking response gives `platform` for a class exam: the
        class id and a MAC over platform and class with the install's secret, so that a
        launch opens a class only from the platform it was deep-linked to (a bare class id,
        or one deep-linked elsewhere, is refused)."""
        return f"{class_id}.{self._class_mac(platform, class_id)}"

    def _class_mac(self, platform: Platform, class_id: str) -> str:
        if self._class_key is None:
            with self.database.write() as session:
                self._class_key = shared_secret(session=session, name=CLASS_SECRET).encode()
        message = f"{platform.id}\n{class_id}".encode()
        return hmac.new(self._class_key, message, hashlib.sha256).hexdigest()[:32]

    def _linked_class(self, platform: Platform, claims: Mapping[str, Any], link_id: str) -> str:
        custom = claims.get(f"{CLAIM}custom") or {}
        named = custom.get(CUSTOM_CLASS) if isinstance(custom, Mapping) else None
        if isinstance(named, str) and _text(named):
            class_id, _, mac = _text(named)[:200].rpartition(".")
            if not class_id or not hmac.compare_digest(mac, self._class_mac(platform, class_id)):
                raise LtiRefused(
                    "This link names a class exam that was not added to the course from this"
                    " LMS: an instructor adds it again (deep linking)."
                )
            return class_id[:64]
        with self.database.read() as session:
            link = store.link(session=session, platform_id=platform.id, resource_link_id=link_id)
        if link is None:
            raise LtiRefused(
                "This link opens no class exam yet: an instructor picks one by adding gradquiz"
                " to the course again (deep linking)."
            )
        return link.class_exam_id

    def _account(
        self, session: Any, platform: Platform, claims: Mapping[str, Any], role: Role
    ) -> Account:
        sub = checked_field(str(claims.get("sub") or ""), field="user id (sub)")
        bound = store.bound_account(session=session, platform_id=platform.id, sub=sub)
        if bound is not None:
            account = accounts_store.account_by_id(session=session, account_id=bound)
            if account is None:
                raise LtiRefused("The account this user launches into was deleted.")
            if role is Role.INSTRUCTOR and account.role is not Role.INSTRUCTOR:
                accounts_store.set_role(session=session, account_id=account.id, role=role)
                account = Account(
                    account.id, account.username, account.owner, role, account.created_at
                )
            return account
        name = _text(claims.get("name") or claims.get("given_name") or "")[:200]
        account = Account(
            id=secrets.token_hex(16),
            username=_username(name, claims.get("email")),
            owner=secrets.token_hex(32),
            role=role,
            created_at=self.clock(),
        )
        # No password: "!" is no hash any password matches; the platform vouches instead.
        accounts_store.insert_account(session=session, account=account, password_hash="!")
        store.bind_account(
            session=session, platform_id=platform.id, sub=sub, account_id=account.id, name=name
        )
        log.info("account %s made for %s's user on first launch", account.id, platform.issuer)
        return account

    # Linking a launch's account to a username account -----------------------------------

    def is_bound(self, account: Account) -> bool:
        """Whether the account is one a platform's launches made (no password of its own)."""
        with self.database.read() as session:
            return (
                accounts_store.password_hash(session=session, account_id=account.id) == "!"
                and store.binding_of(session=session, account_id=account.id) is not None
            )

    def check_link_target(self, username_key: str) -> None:
        """InvalidInput unless the named account may take a launch's account: it has a
        password and no platform binding of its own (it is checked again when linked)."""
        with self.database.read() as session:
            found = accounts_store.account_by_username(session=session, username_key=username_key)
            bound = store.binding_of(session=session, account_id=found[0].id) if found else None
        if found is not None and (found[1] == "!" or bound is not None):
            raise InvalidInput(
                "That account is itself one an LMS made; name the account you made yourself."
            )

    def absorb(self, *, launched: Account, into: Account) -> None:
        """Make `into` the account the platform user of `launched` launches into, hand it
        the class exams `launched` runs (and its instructor role), and delete `launched`
        (whose learner rows the sign-in carried into `into` already)."""
        with self.database.write() as session:
            store.rebind(session=session, account_id=launched.id, to=into.id)
            classes_store.hand_over_all(
                session=session, from_instructor=launched.id, to_instructor=into.id
            )
            if launched.role is Role.INSTRUCTOR:
                accounts_store.set_role(session=session, account_id=into.id, role=Role.INSTRUCTOR)
            accounts_store.delete_account(session=session, account_id=launched.id)
        log.info("account %s (made by an LTI launch) linked into %s", launched.id, into.id)

    # Tickets: a launch's way into a window whose cookies the framed page could not set ---

    def issue_ticket(self, account: Account, destination: str) -> str:
        """A one-time ticket that signs this account in and goes to `destination`."""
        ticket = secrets.token_urlsafe(32)
        self.launches.put(
            f"ticket-{ticket}",
            {"account": account.id, "destination": destination},
            TICKET_SECONDS,
        )
        return ticket

    def peek_ticket(self, ticket: str) -> tuple[str, str] | None:
        """The account id and destination of an unused ticket, leaving it unused."""
        return _ticket(self.launches.get(f"ticket-{ticket[:64]}"))

    def use_ticket(self, ticket: str) -> tuple[Account, str] | None:
        """The account and destination of a ticket, used up; None if unknown or used."""
        found = _ticket(self.launches.take(f"ticket-{ticket[:64]}"))
        if found is None:
            return None
        with self.database.read() as session:
            account = accounts_store.account_by_id(session=session, account_id=found[0])
        return (account, found[1]) if account else None


def client_id_of(claims: Mapping[str, Any]) -> str | None:
    """The client id a launch is addressed to: `aud` when it is one text; when it is a list,
    the authorized party (`azp`) if the list holds it (the client id need not come first),
    else its first entry (pylti1p3 takes the first alone)."""
    audience = claims.get("aud")
    if not isinstance(audience, list):
        return str(audience) if audience else None
    azp = claims.get("azp")
    if isinstance(azp, str) and azp in audience:
        return azp
    return str(audience[0]) if audience else None


def role_of(claims: Mapping[str, Any]) -> Role:
    """Instructor for the course's (context) Instructor and Administrator membership roles,
    learner otherwise."""
    roles = claims.get(f"{CLAIM}roles") or []
    if not isinstance(roles, list):
        return Role.LEARNER
    return Role.INSTRUCTOR if INSTRUCTOR_ROLES.intersection(map(str, roles)) else Role.LEARNER


def _link(platform: Platform, claims: Mapping[str, Any], link_id: str, class_id: str) -> Link:
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    line_item = ags.get("lineitem") if isinstance(ags, Mapping) else None
    scopes = ags.get("scope") if isinstance(ags, Mapping) else None
    members = nrps.get("context_memberships_url") if isinstance(nrps, Mapping) else None
    context = claims.get(f"{CLAIM}context")
    course = _text(context.get("id")) if isinstance(context, Mapping) else ""
    return Link(
        platform_id=platform.id,
        resource_link_id=link_id[:FIELD_CHARS],
        class_exam_id=class_id,
        deployment_id=_text(claims.get(f"{CLAIM}deployment_id"))[:FIELD_CHARS],
        line_item_url=_text(line_item)[:URL_CHARS] or None if line_item else None,
        ags_scopes=tuple(_text(s) for s in scopes) if isinstance(scopes, list) else (),
        memberships_url=_text(members)[:URL_CHARS] or None if members else None,
        context_id=course[:FIELD_CHARS] or None,
    )


def _storable(text: str) -> bool:
    """Whether a text can be stored and looked up on every backend (PostgreSQL takes no
    NUL character)."""
    return "\x00" not in text


def _text(value: object) -> str:
    """A claim as text that every backend stores: NUL characters dropped."""
    return "" if value is None else str(value).replace("\x00", "")


def _username(name: str, email: object) -> str:
    """A username for a new LTI account: the user's name as far as the rules allow, with a
    random ending so that it is free (instructors see it on the live and results pages)."""
    base = _USERNAME_CHARS.sub("-", name or (str(email).split("@")[0] if email else "")).strip(
        "-._"
    )
    return f"{base[:22] or 'lms'}-{secrets.token_hex(4)}"


def new_private_key() -> rsa.RSAPrivateKey:
    """A new key pair for the tool to sign with (RSA 2048, as LTI 1.3's RS256 needs)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@lru_cache(maxsize=8)
def _public_pem(private_pem: str) -> str:
    """The public half of a private key (kept: loading a private key takes tens of ms, as
    it checks the key, and every login and launch needs the tool's)."""
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _ticket(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    return str(value.get("account")), str(value.get("destination"))

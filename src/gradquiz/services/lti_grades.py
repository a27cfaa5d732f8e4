"""Grades to the LMS (LTI Assignment and Grade Services) and its course roster (Names and
Role Provisioning Services).

A submitted sitting of a class exam that a course links to, by an account bound to that
course's platform whose user launched from that course, gets one row per line item
(unique: queued twice, it is one row). A process posts a row only after claiming it in the
database, so each score is posted once
however many processes and retries there are; a platform that is down (5xx, 429, no answer)
is tried again with growing waits, a refusal (4xx) is recorded as failed with the platform's
message, and an instructor can post any score again.

Every review policy shows the score once a sitting is submitted, so that is when it is
posted; nothing is posted for a sitting still open.
"""

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector

from gradquiz.services.clock import Clock, utc_now
from gradquiz.services.lti import LtiService, origin_of
from gradquiz.storage import lti as store
from gradquiz.storage.lti import Link, Platform, Score

log = logging.getLogger(__name__)

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
ROSTER_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CALL_SECONDS = 15
MAX_ROSTER = 5000  # members kept of a course's roster
MAX_ROSTER_PAGES = 50  # pages of it fetched (a platform's rel=next may never end)
ROSTER_SECONDS = 30.0  # no page is asked for after this long


class TokenConnector(ServiceConnector):
    """pylti1p3's service connector with its access tokens kept until they expire (shared
    by the connectors of one process), each under its own registration: issuer, client
    id, token URL and audience, and the scopes (pylti1p3 keys by issuer and scopes alone,
    so two registrations with one issuer, as every Canvas Cloud school has, would share a
    token). A request the platform answers 401 drops the token and is made once more."""

    _tokens: dict[str, tuple[str, datetime]] = {}  # noqa: RUF012 (shared on purpose)
    _lock = threading.Lock()

    def _scope_key(self, scopes: Iterable[str]) -> str:
        registration = self._registration
        parts = [
            registration.get_issuer(),
            registration.get_client_id(),
            registration.get_auth_token_url(),
            registration.get_auth_audience(),
            *sorted(scopes),
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        with self._lock:
            kept = self._tokens.get(scope_key)
        if kept is not None and kept[1] > utc_now():
            return kept[0]
        return None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        # Used until a minute before the platform said it expires.
        expires = utc_now() + timedelta(seconds=max(0.0, float(expires_in) - 60))
        with self._lock:
            self._tokens[scope_key] = (access_token, expires)

    def make_service_request(  # type: ignore[no-untyped-def]
        self, scopes: Sequence[str], url: str, **kwargs: Any
    ):
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as error:
            if error.response.status_code != 401:
                raise
        with self._lock:  # the platform no longer takes the kept token: ask for a new one
            self._tokens.pop(self._scope_key(sorted(scopes)), None)
        return super().make_service_request(scopes, url, **kwargs)


class TimedSession(requests.Session):
    """A requests session whose calls give up after CALL_SECONDS."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", CALL_SECONDS)
        return super().request(*args, **kwargs)


@dataclass(frozen=True)
class RosterEntry:
    """A course member as the platform lists them, and where they stand in the class exam."""

    name: str
    user_id: str
    roles: tuple[str, ...]
    standing: str  # "not started", "joined", "in progress", "submitted"


@dataclass
class LtiGrades:
    """Posts scores to line items and pulls course rosters, for one LTI service."""

    lti: LtiService
    clock: Clock = utc_now
    first_wait: timedelta = timedelta(seconds=30)
    max_tries: int = 6
    claim_for: timedelta = timedelta(minutes=2)
    roster_pages: int = MAX_ROSTER_PAGES
    roster_seconds: float = ROSTER_SECONDS
    background: bool = True  # whether the server's own thread posts (tests post themselves)
    _session: requests.Session = field(default_factory=TimedSession)

    # Scores ------------------------------------------------------------------------------

    def queue(self, class_id: str | None = None) -> None:
        """Queue the score of every submitted sitting that a linked course should get.

        The links are read first: a server with no course to score (most, every 5 s in
        every worker) takes no write transaction, which on SQLite would queue behind saves.
        """
        with self.lti.database.read() as session:
            links = [
                (link, link.line_item_url)
                for link in store.scored_links(session=session, class_id=class_id)
                if link.line_item_url and SCORE_SCOPE in link.ags_scopes
            ]
        if not links:
            return
        with self.lti.database.write() as session:
            for link, line_item_url in links:
                for attempt_id, sub, score, total, at in store.bound_sittings(
                    session=session,
                    class_id=link.class_exam_id,
                    platform_id=link.platform_id,
                    context_id=link.context_id,
                ):
                    store.queue_score(
                        session=session,
                        score=Score(
                            id=0,
                            attempt_id=attempt_id,
                            line_item_url=line_item_url,
                            platform_id=link.platform_id,
                            class_exam_id=link.class_exam_id,
                            user_sub=sub,
                            score=score,
                            maximum=total,
                            submitted_at=at,
                            state="waiting",
                            tries=0,
                            next_try_at=self.clock(),
                            message="",
                            posted_at=None,
                        ),
                    )

    def post_due(self) -> int:
        """Post every score whose time has come and that this process claims; how many were
        posted."""
        now = self.clock()
        with self.lti.database.read() as session:
            due = store.due_scores(session=session, now=now)
        posted = 0
        for score in due:
            with self.lti.database.write() as session:
                if not store.claim_score(session=session, score=score, until=now + self.claim_for):
                    continue  # another process has it
            posted += self._post(score, tries=score.tries + 1)
        return posted

    def sync(self, class_id: str | None = None) -> int:
        """Queue what is new and post what is due."""
        self.queue(class_id)
        return self.post_due()

    def scores(self, class_id: str) -> list[Score]:
        """The class exam's scores and where posting each stands."""
        with self.lti.database.read() as session:
            return store.scores_of_class(session=session, class_id=class_id)

    def post_again(self, *, class_id: str, score_id: int) -> bool:
        """Post a score (posted or failed) again now; whether it was put back in line."""
        with self.lti.database.write() as session:
            return store.retry_score(
                session=session, class_id=class_id, score_id=score_id, now=self.clock()
            )

    def _post(self, score: Score, *, tries: int) -> int:
        now = self.clock()
        try:
            platform = self.lti.platform_by_id(score.platform_id)
            service = AssignmentsGradesService(
                self._connector(platform),
                cast(Any, {"scope": [SCORE_SCOPE], "lineitem": score.line_item_url}),
            )
            service.put_grade(_grade(score))
        except LtiServiceException as error:
            status = error.response.status_code
            message = f"The platform answered {status}: {error.response.text[:300]}"
            self._failed(score, message, tries, retry=status >= 500 or status == 429)
            return 0
        except (requests.RequestException, LtiException) as error:
            self._failed(score, f"The platform could not be reached: {error}", tries, retry=True)
            return 0
        except Exception as error:  # a removed platform, say: recorded, not raised
            self._failed(score, str(getattr(error, "message", error)), tries, retry=False)
            return 0
        with self.lti.database.write() as session:
            store.finish_score(
                session=session,
                score_id=score.id,
                state="posted",
                message="",
                next_try_at=now,
                posted_at=now,
            )
        log.info("score of attempt %s posted to %s", score.attempt_id, score.line_item_url)
        return 1

    def _failed(self, score: Score, message: str, tries: int, *, retry: bool) -> None:
        again = retry and tries < self.max_tries
        wait = self.first_wait * (2 ** (tries - 1))
        with self.lti.database.write() as session:
            store.finish_score(
                session=session,
                score_id=score.id,
                state="waiting" if again else "failed",
                message=message,
                next_try_at=self.clock() + wait,
                posted_at=None,
            )
        log.warning("score of attempt %s not posted (try %d): %s", score.attempt_id, tries, message)

    def _connector(self, platform: Platform) -> ServiceConnector:
        registration: Registration = self.lti.registration(platform)
        return TokenConnector(registration, self._session)

    # Rosters -----------------------------------------------------------------------------

    def roster(self, class_id: str, standings: Mapping[str, str]) -> list[RosterEntry] | None:
        """The learners of the course that links to the class exam, each with their standing
        (`standings`: by platform user id); None if no linked course offers its roster."""
        with self.lti.database.read() as session:
            links = [
                link
                for link in store.links_of_class(session=session, class_id=class_id)
                if link.memberships_url
            ]
        if not links:
            return None
        link: Link = links[0]
        platform = self.lti.platform_by_id(link.platform_id)
        service = NamesRolesProvisioningService(
            self._connector(platform),
            {"context_memberships_url": link.memberships_url or ""},
        )
        members = self._members(service, link.memberships_url or "")
        return [
            RosterEntry(
                name=str(m.get("name") or m.get("user_id") or ""),
                user_id=str(m.get("user_id") or ""),
                roles=tuple(str(r) for r in m.get("roles") or []),
                standing=standings.get(str(m.get("user_id")), "not started"),
            )
            for m in members
            if m.get("status", "Active") == "Active"
            and any(str(r).endswith("#Learner") or r == "Learner" for r in m.get("roles") or [])
        ]

    def _members(self, service: NamesRolesProvisioningService, url: str) -> list[Any]:
        """The roster's members, page after page while the platform links a next page on
        its own origin, up to `roster_pages` pages, MAX_ROSTER members and `roster_seconds`
        (pylti1p3's get_members follows rel=next without end, and to any host)."""
        members: list[Any] = []
        deadline = time.monotonic() + self.roster_seconds
        next_url: str | None = url
        for _ in range(self.roster_pages):
            if not next_url or origin_of(next_url) != origin_of(url):
                break
            page, next_url = service.get_members_page(next_url)
            members += [m for m in page if isinstance(m, dict)] if isinstance(page, list) else []
            if len(members) >= MAX_ROSTER or time.monotonic() >= deadline:
                break
        if next_url:
            log.warning("roster at %s cut at %d members", url, min(len(members), MAX_ROSTER))
        return members[:MAX_ROSTER]

    def names(self, class_id: str) -> dict[str, str]:
        """The username of each platform user id bound to a course linking the class exam."""
        with self.lti.database.read() as session:
            links = store.links_of_class(session=session, class_id=class_id)
            return store.usernames(
                session=session, platform_ids={link.platform_id for link in links}
            )

    def subs(self, class_id: str) -> dict[str, str]:
        """The platform user id of each account bound to a course linking the class exam, by
        the account's owner key."""
        with self.lti.database.read() as session:
            links = store.links_of_class(session=session, class_id=class_id)
            found: dict[str, str] = {}
            for platform_id in {link.platform_id for link in links}:
                found.update(store.user_subs(session=session, platform_id=platform_id))
        return found


def _grade(score: Score) -> Grade:
    return (
        Grade()
        .set_score_given(score.score)
        .set_score_maximum(score.maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(score.submitted_at.isoformat(timespec="milliseconds"))
        .set_user_id(score.user_sub)
    )

"""LTI 1.3 tables: platforms and deployments, the tool's keys, server-side login state,
bound users, resource links and the scores to post. Every function takes the session."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from gradquiz.storage.models import (
    AccountRow,
    AttemptRow,
    LtiCourseMemberRow,
    LtiDeploymentRow,
    LtiKeyRow,
    LtiLaunchDataRow,
    LtiLinkRow,
    LtiPlatformRow,
    LtiScoreRow,
    LtiUserRow,
)
from gradquiz.storage.upserts import dialect_of, insert_or_ignore, upsert


@dataclass(frozen=True)
class Platform:
    """A registered LMS and the deployment ids it launches with."""

    id: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    jwks_url: str
    auth_audience: str | None
    deployment_ids: tuple[str, ...]
    created_at: datetime
    frame_origins: tuple[str, ...] = ()  # more origins it frames gradquiz and launches from


@dataclass(frozen=True)
class Link:
    """A course's resource link, the class exam it opens and the services it named."""

    platform_id: str
    resource_link_id: str
    class_exam_id: str
    deployment_id: str
    line_item_url: str | None
    ags_scopes: tuple[str, ...]
    memberships_url: str | None
    context_id: str | None = None  # the course it is in (None: launched before 0018)


@dataclass(frozen=True)
class Score:
    """A sitting's score for a line item and where posting it stands."""

    id: int
    attempt_id: str
    line_item_url: str
    platform_id: str
    class_exam_id: str
    user_sub: str
    score: int
    maximum: int
    submitted_at: datetime
    state: str
    tries: int
    next_try_at: datetime
    message: str
    posted_at: datetime | None


# Platforms -------------------------------------------------------------------------------


def insert_platform(*, session: Session, platform: Platform) -> None:
    """Store a platform with its deployments; IntegrityError if issuer and client id exist."""
    session.execute(
        insert(LtiPlatformRow),
        {
            "id": platform.id,
            "issuer": platform.issuer,
            "client_id": platform.client_id,
            "auth_login_url": platform.auth_login_url,
            "auth_token_url": platform.auth_token_url,
            "jwks_url": platform.jwks_url,
            "auth_audience": platform.auth_audience,
            "created_at": platform.created_at,
            "frame_origins": list(platform.frame_origins),
        },
    )
    for deployment in platform.deployment_ids:
        session.execute(
            insert(LtiDeploymentRow),
            {"platform_id": platform.id, "deployment_id": deployment},
        )


def platforms(*, session: Session, issuer: str | None = None) -> list[Platform]:
    """Every registered platform (or those of one issuer), oldest first."""
    query = select(LtiPlatformRow).order_by(LtiPlatformRow.created_at, LtiPlatformRow.id)
    if issuer is not None:
        query = query.where(LtiPlatformRow.issuer == issuer)
    rows = list(session.scalars(query))
    deployments: dict[str, list[str]] = {}
    for platform_id, deployment in session.execute(
        select(LtiDeploymentRow.platform_id, LtiDeploymentRow.deployment_id).order_by(
            LtiDeploymentRow.deployment_id
        )
    ):
        deployments.setdefault(platform_id, []).append(deployment)
    return [_platform(row, deployments.get(row.id, [])) for row in rows]


def set_frame_origins(*, session: Session, platform_id: str, origins: tuple[str, ...]) -> None:
    """Replace a platform's frame origins."""
    session.execute(
        update(LtiPlatformRow)
        .where(LtiPlatformRow.id == platform_id)
        .values(frame_origins=list(origins))
    )


def add_deployment(*, session: Session, platform_id: str, deployment_id: str) -> None:
    """Register one more deployment id of a platform (IntegrityError if it is already)."""
    session.execute(
        insert(LtiDeploymentRow), {"platform_id": platform_id, "deployment_id": deployment_id}
    )


def delete_deployment(*, session: Session, platform_id: str, deployment_id: str) -> bool:
    """Forget one deployment id of a platform; whether it was registered."""
    done = session.execute(
        delete(LtiDeploymentRow).where(
            LtiDeploymentRow.platform_id == platform_id,
            LtiDeploymentRow.deployment_id == deployment_id,
        )
    )
    return bool(getattr(done, "rowcount", 0))


def platform_usage(*, session: Session, platform_id: str) -> tuple[int, int, int]:
    """How many bound users, course links and queued scores a platform has."""
    return tuple(  # type: ignore[return-value]
        int(
            session.scalar(
                select(func.count()).select_from(model).where(model.platform_id == platform_id)
            )
            or 0
        )
        for model in (LtiUserRow, LtiLinkRow, LtiScoreRow)
    )


def delete_platform(*, session: Session, platform_id: str) -> bool:
    """Forget a platform with its deployments, users' bindings and links; whether it was."""
    for model in (LtiDeploymentRow, LtiUserRow, LtiCourseMemberRow, LtiLinkRow, LtiScoreRow):
        session.execute(delete(model).where(model.platform_id == platform_id))
    done = session.execute(delete(LtiPlatformRow).where(LtiPlatformRow.id == platform_id))
    return bool(getattr(done, "rowcount", 0))


def _platform(platform: LtiPlatformRow, deployments: list[str]) -> Platform:
    return Platform(
        id=platform.id,
        issuer=platform.issuer,
        client_id=platform.client_id,
        auth_login_url=platform.auth_login_url,
        auth_token_url=platform.auth_token_url,
        jwks_url=platform.jwks_url,
        auth_audience=platform.auth_audience,
        deployment_ids=tuple(deployments),
        created_at=platform.created_at,
        frame_origins=tuple(str(o) for o in platform.frame_origins or []),
    )


# The tool's keys ---------------------------------------------------------------------------


def insert_key(
    *, session: Session, kid: str, private_pem: str, public_jwk: dict[str, Any], at: datetime
) -> None:
    """Store a new key pair; it signs from now on."""
    session.execute(
        insert(LtiKeyRow),
        {
            "kid": kid,
            "private_pem": private_pem,
            "public_jwk": public_jwk,
            "created_at": at,
            "served_until": None,
        },
    )


def signing_key(*, session: Session) -> tuple[str, str] | None:
    """The kid and private key of the key that signs now (the newest unretired one)."""
    row = session.execute(
        select(LtiKeyRow.kid, LtiKeyRow.private_pem)
        .where(LtiKeyRow.served_until.is_(None))
        .order_by(LtiKeyRow.created_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def served_keys(*, session: Session, now: datetime) -> list[dict[str, Any]]:
    """The public keys to publish: the signing one and those retired but still valid."""
    rows = session.execute(
        select(LtiKeyRow.public_jwk)
        .where(or_(LtiKeyRow.served_until.is_(None), LtiKeyRow.served_until > now))
        .order_by(LtiKeyRow.served_until.is_not(None), LtiKeyRow.created_at.desc())
    )
    return [dict(row[0]) for row in rows]


def retire_keys(*, session: Session, served_until: datetime) -> None:
    """Stop signing with every current key; publish each until `served_until`."""
    session.execute(
        update(LtiKeyRow).where(LtiKeyRow.served_until.is_(None)).values(served_until=served_until)
    )


# Server-side login state ----------------------------------------------------------------


def put_value(*, session: Session, key: str, value: Any, expires_at: datetime) -> None:
    """Keep `value` under `key` until `expires_at` (replacing what was there)."""
    statement = upsert(LtiLaunchDataRow, dialect_of(session), ("key",), ("value", "expires_at"))
    session.execute(statement, {"key": key, "value": value, "expires_at": expires_at})


def get_value(*, session: Session, key: str, now: datetime) -> Any:
    """The unexpired value under `key`, or None."""
    return session.scalar(
        select(LtiLaunchDataRow.value).where(
            LtiLaunchDataRow.key == key, LtiLaunchDataRow.expires_at > now
        )
    )


def take_value(*, session: Session, key: str, now: datetime) -> bool:
    """Delete the unexpired value under `key`; whether this call was the one that did (so
    of any number of processes, one alone takes a nonce)."""
    done = session.execute(
        delete(LtiLaunchDataRow).where(
            LtiLaunchDataRow.key == key, LtiLaunchDataRow.expires_at > now
        )
    )
    return bool(getattr(done, "rowcount", 0))


def delete_expired(*, session: Session, now: datetime) -> None:
    """Forget login state that has expired."""
    session.execute(delete(LtiLaunchDataRow).where(LtiLaunchDataRow.expires_at <= now))


# Users and links -------------------------------------------------------------------------


def bound_account(*, session: Session, platform_id: str, sub: str) -> str | None:
    """The account id a platform's user launches into, if bound."""
    return session.scalar(
        select(LtiUserRow.account_id).where(
            LtiUserRow.platform_id == platform_id, LtiUserRow.sub == sub
        )
    )


def bind_account(
    *, session: Session, platform_id: str, sub: str, account_id: str, name: str
) -> None:
    """Bind a platform's user to an account (IntegrityError if bound already)."""
    session.execute(
        insert(LtiUserRow),
        {"platform_id": platform_id, "sub": sub, "account_id": account_id, "name": name},
    )


def user_subs(*, session: Session, platform_id: str) -> dict[str, str]:
    """Each bound account's platform user id (`sub`), by the account's owner key."""
    rows = session.execute(
        select(AccountRow.owner_key, LtiUserRow.sub)
        .join(AccountRow, AccountRow.id == LtiUserRow.account_id)
        .where(LtiUserRow.platform_id == platform_id)
    )
    return {owner: sub for owner, sub in rows}


def save_link(*, session: Session, link: Link, at: datetime) -> None:
    """Store the resource link, or update its class exam and services."""
    statement = upsert(
        LtiLinkRow,
        dialect_of(session),
        ("platform_id", "resource_link_id"),
        (
            "class_exam_id",
            "deployment_id",
            "line_item_url",
            "ags_scopes",
            "memberships_url",
            "updated_at",
            "context_id",
        ),
    )
    session.execute(
        statement,
        {
            "platform_id": link.platform_id,
            "resource_link_id": link.resource_link_id,
            "class_exam_id": link.class_exam_id,
            "deployment_id": link.deployment_id,
            "line_item_url": link.line_item_url,
            "ags_scopes": list(link.ags_scopes),
            "memberships_url": link.memberships_url,
            "updated_at": at,
            "context_id": link.context_id,
        },
    )


def add_course_member(*, session: Session, platform_id: str, context_id: str, sub: str) -> None:
    """Record that a platform user launched from a course (once)."""
    session.execute(
        insert_or_ignore(LtiCourseMemberRow, dialect_of(session)),
        {"platform_id": platform_id, "context_id": context_id, "sub": sub},
    )


def links_of_class(*, session: Session, class_id: str) -> list[Link]:
    """The resource links that open this class exam, most recently launched first."""
    rows = session.execute(
        select(LtiLinkRow)
        .where(LtiLinkRow.class_exam_id == class_id)
        .order_by(LtiLinkRow.updated_at.desc())
    ).scalars()
    return [_link(row) for row in rows]


def _link(row: LtiLinkRow) -> Link:
    return Link(
        platform_id=row.platform_id,
        resource_link_id=row.resource_link_id,
        class_exam_id=row.class_exam_id,
        deployment_id=row.deployment_id,
        line_item_url=row.line_item_url,
        ags_scopes=tuple(row.ags_scopes),
        memberships_url=row.memberships_url,
        context_id=row.context_id,
    )


# Scores ------------------------------------------------------------------------------------


def queue_score(*, session: Session, score: Score) -> None:
    """Queue a sitting's score for its line item, unless it is queued already."""
    session.execute(
        insert_or_ignore(LtiScoreRow, dialect_of(session)),
        {
            "attempt_id": score.attempt_id,
            "line_item_url": score.line_item_url,
            "platform_id": score.platform_id,
            "class_exam_id": score.class_exam_id,
            "user_sub": score.user_sub,
            "score": score.score,
            "maximum": score.maximum,
            "submitted_at": score.submitted_at,
            "state": score.state,
            "tries": 0,
            "next_try_at": score.next_try_at,
            "message": "",
            "posted_at": None,
        },
    )


def due_scores(*, session: Session, now: datetime, limit: int = 50) -> list[Score]:
    """Scores waiting whose time to try has come, and claims that have lapsed."""
    rows = session.execute(
        select(LtiScoreRow)
        .where(LtiScoreRow.state.in_(("waiting", "posting")), LtiScoreRow.next_try_at <= now)
        .order_by(LtiScoreRow.next_try_at, LtiScoreRow.id)
        .limit(limit)
    ).scalars()
    return [_score(row) for row in rows]


def claim_score(*, session: Session, score: Score, until: datetime) -> bool:
    """Claim a due score for posting until `until`; whether this call won it (a score is
    claimed by one process at a time, so it is posted once)."""
    done = session.execute(
        update(LtiScoreRow)
        .where(
            LtiScoreRow.id == score.id,
            LtiScoreRow.state == score.state,
            LtiScoreRow.next_try_at == score.next_try_at,
            LtiScoreRow.tries == score.tries,
        )
        .values(state="posting", next_try_at=until, tries=score.tries + 1)
    )
    return bool(getattr(done, "rowcount", 0))


def finish_score(
    *,
    session: Session,
    score_id: int,
    state: str,
    message: str,
    next_try_at: datetime,
    posted_at: datetime | None,
) -> None:
    """Record how a claimed try ended: posted, waiting for another try, or failed."""
    session.execute(
        update(LtiScoreRow)
        .where(LtiScoreRow.id == score_id)
        .values(state=state, message=message[:500], next_try_at=next_try_at, posted_at=posted_at)
    )


def retry_score(*, session: Session, class_id: str, score_id: int, now: datetime) -> bool:
    """Put a posted or failed score of the class back in line for posting now."""
    done = session.execute(
        update(LtiScoreRow)
        .where(
            LtiScoreRow.id == score_id,
            LtiScoreRow.class_exam_id == class_id,
            LtiScoreRow.state.in_(("posted", "failed")),
        )
        .values(state="waiting", next_try_at=now, tries=0, message="")
    )
    return bool(getattr(done, "rowcount", 0))


def scores_of_class(*, session: Session, class_id: str) -> list[Score]:
    """Every queued score of the class exam's sittings, in the order they were queued."""
    rows = session.execute(
        select(LtiScoreRow).where(LtiScoreRow.class_exam_id == class_id).order_by(LtiScoreRow.id)
    ).scalars()
    return [_score(row) for row in rows]


def _score(row: LtiScoreRow) -> Score:
    return Score(
        id=row.id,
        attempt_id=row.attempt_id,
        line_item_url=row.line_item_url,
        platform_id=row.platform_id,
        class_exam_id=row.class_exam_id,
        user_sub=row.user_sub,
        score=row.score,
        maximum=row.maximum,
        submitted_at=row.submitted_at,
        state=row.state,
        tries=row.tries,
        next_try_at=row.next_try_at,
        message=row.message,
        posted_at=row.posted_at,
    )


def bound_sittings(
    *, session: Session, class_id: str, platform_id: str, context_id: str | None = None
) -> list[tuple[str, str, int, int, datetime]]:
    """The class exam's submitted sittings by accounts bound to the platform (and, given a
    course, whose users launched from it): attempt id, the user's `sub`, score, total and
    when submitted, oldest first."""
    query = (
        select(
            AttemptRow.id,
            LtiUserRow.sub,
            AttemptRow.score,
            AttemptRow.total,
            AttemptRow.submitted_at,
        )
        .join(AccountRow, AccountRow.owner_key == AttemptRow.owner)
        .join(LtiUserRow, LtiUserRow.account_id == AccountRow.id)
        .where(
            AttemptRow.class_exam_id == class_id,
            AttemptRow.submitted_at.is_not(None),
            AttemptRow.score.is_not(None),
            LtiUserRow.platform_id == platform_id,
        )
        .order_by(AttemptRow.submitted_at, AttemptRow.id)
    )
    if context_id is not None:
        query = query.join(
            LtiCourseMemberRow,
            (LtiCourseMemberRow.platform_id == platform_id)
            & (LtiCourseMemberRow.context_id == context_id)
            & (LtiCourseMemberRow.sub == LtiUserRow.sub),
        )
    rows = session.execute(query)
    return [(a, sub, score or 0, total, at) for a, sub, score, total, at in rows if at]


def link(*, session: Session, platform_id: str, resource_link_id: str) -> Link | None:
    """The resource link of this platform with this id, if launched before."""
    row = session.get(LtiLinkRow, (platform_id, resource_link_id))
    return _link(row) if row else None


def scored_links(*, session: Session, class_id: str | None = None) -> list[Link]:
    """Every resource link with a line item (of one class exam, if given)."""
    query = select(LtiLinkRow).where(LtiLinkRow.line_item_url.is_not(None))
    if class_id is not None:
        query = query.where(LtiLinkRow.class_exam_id == class_id)
    return [_link(row) for row in session.scalars(query)]


def usernames(*, session: Session, platform_ids: set[str]) -> dict[str, str]:
    """The username of each bound platform user id (`sub`) of these platforms."""
    rows = session.execute(
        select(LtiUserRow.sub, AccountRow.username)
        .join(AccountRow, AccountRow.id == LtiUserRow.account_id)
        .where(LtiUserRow.platform_id.in_(platform_ids))
    )
    return {sub: username for sub, username in rows}


def binding_of(*, session: Session, account_id: str) -> tuple[str, str] | None:
    """The platform and `sub` an account is bound to, if any."""
    row = session.execute(
        select(LtiUserRow.platform_id, LtiUserRow.sub).where(LtiUserRow.account_id == account_id)
    ).first()
    return (row[0], row[1]) if row else None


def rebind(*, session: Session, account_id: str, to: str) -> None:
    """Let the platform user bound to one account launch into another from now on."""
    session.execute(
        update(LtiUserRow).where(LtiUserRow.account_id == account_id).values(account_id=to)
    )

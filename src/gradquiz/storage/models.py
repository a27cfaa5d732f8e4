"""Tables. Times are stored in UTC and always come back timezone-aware."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that refuses naive datetimes and returns aware UTC ones on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time was expected")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for gradquiz tables."""


class AttemptRow(Base):
    """An exam attempt: who owns it, its questions and option order, and how it ended."""

    __tablename__ = "attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    pack_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[datetime] = mapped_column(UtcDateTime())
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int] = mapped_column(Integer)
    # Set for a sitting of a class exam; such attempts are the class's, not the learner's own.
    class_exam_id: Mapped[str | None] = mapped_column(
        String(32),
        ForeignKey("class_exams.id", ondelete="CASCADE", name="fk_attempts_class_exam_id"),
        nullable=True,
    )

    __table_args__ = (
        Index("ix_attempts_open_deadline", "submitted_at", "deadline"),
        Index("ix_attempts_owner_pack", "owner", "pack_id", "started_at"),
        Index("ix_attempts_class_exam", "class_exam_id", "owner"),
        # At most one open attempt per learner and pack, however many processes race to start;
        # and, apart from those, at most one open attempt per learner and class exam.
        Index(
            "uq_attempts_one_open",
            "owner",
            "pack_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL AND class_exam_id IS NULL"),
            postgresql_where=text("submitted_at IS NULL AND class_exam_id IS NULL"),
        ),
        Index(
            "uq_attempts_one_open_per_class",
            "owner",
            "class_exam_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL AND class_exam_id IS NOT NULL"),
            postgresql_where=text("submitted_at IS NULL AND class_exam_id IS NOT NULL"),
        ),
    )


class AnswerRow(Base):
    """The saved choice and review mark for one question of one attempt."""

    __tablename__ = "answers"

    attempt_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    option_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LateAnswerRow(Base):
    """A save refused because its attempt's time had run out, kept for the instructor.

    `untrusted_device_time` is what the learner's device said the time was when the choice
    was made; devices' clocks can be set to anything, so it is shown as such, never used.
    A save sent again (same question and seq) is kept once.
    """

    __tablename__ = "late_answers"

    attempt_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    option_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    untrusted_device_time: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SeenQuestionRow(Base):
    """A question some attempt of this owner drew, so a retake can prefer unseen ones."""

    __tablename__ = "seen_questions"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(128), primary_key=True)


class QuestionVersionRow(Base):
    """A question exactly as some attempt showed it, kept under its version digest."""

    __tablename__ = "question_versions"

    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


# SQLite numbers a table's rows only through an INTEGER primary key.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class PooledVariantRow(Base):
    """A variant drawn ahead for a secret seed, waiting to be handed to one learner.

    Rows are taken (deleted) as they are handed out, so no variant is shown twice; they are
    made by `gradquiz variants fill` on each install and never shipped in the package.
    """

    __tablename__ = "variant_pool"

    id: Mapped[int] = mapped_column(_ROW_ID, primary_key=True, autoincrement=True)
    generator: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(32))  # of the code that drew it
    seed: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The version digests of the questions this variant gives (kept already by the fill),
    # space-separated: a server reads them with every variant it takes.
    digests: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_variant_pool_generator", "generator", "id"),)


class ServerSecretRow(Base):
    """A secret every app process shares, made once (the key that signs identity cookies)."""

    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class InterviewResponseRow(Base):
    """A learner's own answer to an interview question and the key points they ticked."""

    __tablename__ = "interview_responses"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)
    covered: Mapped[list[int]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AccountRow(Base):
    """An account: its username, password hash, role, and the owner key of its learner rows."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    # The username in lower case; unique, so names differing only in case are one name.
    username_key: Mapped[str] = mapped_column(String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Not named `owner`: the account is not learner data that moves between owners.
    owner_key: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="learner", server_default="learner")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint("role IN ('learner', 'instructor')", name="ck_accounts_role"),
    )


class AccountSessionRow(Base):
    """A signed-in browser: the hash of its session cookie, its account, and when it ends."""

    __tablename__ = "account_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class SignInFailureRow(Base):
    """One failed sign-in, counted against a username or a client address for a while."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16))  # "account" or "address"
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        Index("ix_sign_in_failures_scope_key_failed_at", "scope", "key", "failed_at"),
        Index("ix_sign_in_failures_failed_at", "failed_at"),
    )


class PracticeSessionRow(Base):
    """A practice or review set: whose it is, what it was made from, and when it began."""

    __tablename__ = "practice_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    pack_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source_attempt: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (Index("ix_practice_sessions_owner", "owner", "pack_id", "started_at"),)


class PracticeItemRow(Base):
    """One question of a set as shown (numbers and option order), and the answer once given."""

    __tablename__ = "practice_items"

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("practice_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    question_id: Mapped[str] = mapped_column(String(128))
    seed: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    option_order: Mapped[list[str]] = mapped_column(JSON)
    version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    presented_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    option_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    typed: Mapped[float | None] = mapped_column(Float, nullable=True)
    confidence: Mapped[str | None] = mapped_column(String(16), nullable=True)
    correct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class ReviewCardRow(Base):
    """A question in a learner's spaced review: FSRS's memory state and when it is due."""

    __tablename__ = "review_cards"

    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    pack_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime] = mapped_column(UtcDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    reviews: Mapped[int] = mapped_column(Integer)
    lapses: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_review_cards_owner_due", "owner", "pack_id", "due"),)


class ReviewLogRow(Base):
    """Every answer a learner gave, anywhere, with its rating: mastery and calibration read it."""

    __tablename__ = "review_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(64))
    pack_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(128))
    topic: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    correct: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_after: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ix_review_log_owner", "owner", "pack_id", "answered_at"),)


class ClassExamRow(Base):
    """A class exam: its instructor, window, limit, questions, review policy and join code."""

    __tablename__ = "class_exams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    pack_id: Mapped[str] = mapped_column(String(64))
    # None once the instructor's account is deleted: the class exam stays, archived, with
    # every learner's sittings and results.
    instructor_id: Mapped[str | None] = mapped_column(
        String(32),
        ForeignKey("accounts.id", ondelete="SET NULL", name="fk_class_exams_instructor_id"),
        index=True,
        nullable=True,
    )
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_early_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    archived_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    minutes: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    prefer_parametrized: Mapped[bool] = mapped_column(Boolean)
    at_submit: Mapped[str] = mapped_column(String(16))
    after_close: Mapped[str] = mapped_column(String(16))
    attempts_allowed: Mapped[int] = mapped_column(Integer)
    question_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A class exam drawn from a private bank: the bank, and its questions' pinned versions.
    bank_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    versions: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class ClassMemberRow(Base):
    """A learner who joined a class exam, with their extra time (a multiplier and minutes)."""

    __tablename__ = "class_members"

    class_exam_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("class_exams.id", ondelete="CASCADE"), primary_key=True
    )
    owner: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())
    multiplier: Mapped[float] = mapped_column(Float, default=1.0)
    extra_seconds: Mapped[int] = mapped_column(Integer, default=0)


class ClassEventRow(Base):
    """What an instructor did to a class exam (extra time, closing early), and when."""

    __tablename__ = "class_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_exam_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("class_exams.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(256))


class QuestionBankRow(Base):
    """An instructor's private bank of imported questions (issue 30): never public."""

    __tablename__ = "question_banks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (Index("ux_question_banks_name", "instructor_id", "name", unique=True),)


class BankQuestionRow(Base):
    """A question of a bank: its current version (the record is kept in question_versions,
    so an edited question is a new version and old attempts keep theirs)."""

    __tablename__ = "bank_questions"

    bank_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("question_banks.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))


class BankFileRow(Base):
    """An image a bank's questions show (checked to be PNG, JPEG or GIF when imported)."""

    __tablename__ = "bank_files"

    bank_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("question_banks.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BankShareRow(Base):
    """Another instructor a bank is shared with."""

    __tablename__ = "bank_shares"

    bank_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("question_banks.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class LtiPlatformRow(Base):
    """An LMS registered to launch gradquiz with LTI 1.3: its issuer, our client id there,
    and its OIDC login, token and key set addresses."""

    __tablename__ = "lti_platforms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    auth_audience: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Origins besides the issuer's and the login's that frame gradquiz and post launches (a
    # Canvas school's own host, say); a JSON list.
    frame_origins: Mapped[list[str]] = mapped_column(JSON, server_default="[]")

    __table_args__ = (Index("uq_lti_platforms_issuer_client", "issuer", "client_id", unique=True),)


class LtiDeploymentRow(Base):
    """A deployment id a registered platform launches with."""

    __tablename__ = "lti_deployments"

    platform_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255), primary_key=True)


class LtiKeyRow(Base):
    """gradquiz's own signing key pair as an LTI tool; the newest unretired one signs, a
    retired one stays published until `served_until`."""

    __tablename__ = "lti_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    served_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LtiLaunchDataRow(Base):
    """What an LTI login hands to its launch, kept server-side by key (OIDC state, nonce,
    launch data), so no check depends on a cookie a framed page may not keep."""

    __tablename__ = "lti_launch_data"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class LtiUserRow(Base):
    """The account a platform's user (issuer and `sub`) launches into."""

    __tablename__ = "lti_users"

    platform_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    sub: Mapped[str] = mapped_column(String(255), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")


class LtiLinkRow(Base):
    """A resource link in a course, the class exam it opens, and the course's grade and
    roster services as its last launch named them."""

    __tablename__ = "lti_links"

    platform_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    resource_link_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    class_exam_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("class_exams.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))
    line_item_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    ags_scopes: Mapped[list[str]] = mapped_column(JSON)
    memberships_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The course (LTI context) the link is in; None for links last launched before 0018.
    context_id: Mapped[str | None] = mapped_column(String(255), nullable=True)


class LtiCourseMemberRow(Base):
    """A platform user who launched from a course (LTI context): their scores go to that
    course's line items only."""

    __tablename__ = "lti_course_members"

    platform_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True
    )
    context_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    sub: Mapped[str] = mapped_column(String(255), primary_key=True)


class LtiScoreRow(Base):
    """One sitting's score for one line item: posted at most once, whoever tries."""

    __tablename__ = "lti_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("attempts.id", ondelete="CASCADE")
    )
    line_item_url: Mapped[str] = mapped_column(String(1000))
    platform_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("lti_platforms.id", ondelete="CASCADE")
    )
    class_exam_id: Mapped[str] = mapped_column(String(32), index=True)
    user_sub: Mapped[str] = mapped_column(String(255))
    score: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # waiting (to post, at `next_try_at`), posting (claimed until `next_try_at`), posted, failed
    state: Mapped[str] = mapped_column(String(16))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UtcDateTime())
    message: Mapped[str] = mapped_column(String(500), default="")
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    __table_args__ = (
        Index("uq_lti_scores_attempt_line_item", "attempt_id", "line_item_url", unique=True),
        Index("ix_lti_scores_state_next", "state", "next_try_at"),
    )

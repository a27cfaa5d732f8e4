"""Settings, read from GRADQUIZ_* environment variables."""

import os
from pathlib import Path

from limits import parse_many
from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    """SQLite in the user's data folder."""
    return f"sqlite:///{Path(user_data_dir('gradquiz')) / 'gradquiz.db'}"


class Settings(BaseSettings):
    """Every setting gradquiz reads, each with a default."""

    model_config = SettingsConfigDict(env_prefix="GRADQUIZ_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL of the database; SQLite in the user data folder by default.",
    )
    pack_dir: Path | None = Field(
        default=None,
        description="Folder of the content pack to serve; the built-in backprop pack if unset.",
    )
    grace_seconds: int = Field(
        default=15,
        ge=0,
        le=300,
        description="Seconds after the deadline in which a save still counts (network latency).",
    )
    migrate_on_start: bool = Field(
        default=False,
        description=(
            "Bring the schema up to date as each worker starts (`gradquiz serve` sets this "
            "unless given --no-migrate); workers starting together migrate one at a time."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `gradquiz serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `gradquiz serve` listens on.")
    workers: int = Field(
        default_factory=lambda: max(1, min(4, os.cpu_count() or 1)),
        ge=1,
        description="Worker processes for `gradquiz serve`: one per core, up to four.",
    )
    keep_alive_seconds: int = Field(
        default=75,
        ge=1,
        le=3600,
        description=(
            "Seconds `gradquiz serve` keeps an idle connection open: longer than a learner "
            "thinks over a question, so the next save needs no new connection."
        ),
    )
    lab_processes: int = Field(
        default=1,
        ge=0,
        le=8,
        description=(
            "Processes each worker runs lab pages in, at a lower CPU priority, so that a flood "
            "of lab requests cannot hold up learners' saves; 0 runs them in the worker's threads."
        ),
    )
    lab_pages_per_second: int = Field(
        default=10,
        ge=1,
        description=(
            "Lab pages each worker starts in any second; later ones wait their turn (up to 64 "
            "in flight, then 503), so a flood of lab requests costs a worker little."
        ),
    )
    secure_cookies: bool = Field(
        default=False,
        description=(
            "Send the identity and session cookies over HTTPS only, and tell browsers to come "
            "back over HTTPS only for a year (Strict-Transport-Security); set it behind TLS."
        ),
    )
    log_level: str = Field(
        default="info", description="Logging level: debug, info, warning, error."
    )
    access_log: bool = Field(
        default=True, description="Log one line per request (uvicorn's access log)."
    )
    opentelemetry: bool = Field(
        default=False,
        description=(
            "Report each request to the OpenTelemetry providers set up in the process "
            "(FastAPI's telemetry); off, no request looks for them."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs identity cookies; made once and kept in the database if unset.",
    )
    max_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        description="Request bodies larger than this are refused before they are read.",
    )
    import_max_bytes: int = Field(
        default=5 * 1024 * 1024,
        ge=1024,
        description=(
            "Largest question file `gradquiz import` reads (GIFT, Moodle XML, QTI zip or CSV); "
            "larger ones are refused before they are parsed."
        ),
    )
    bank_max_questions: int = Field(
        default=2000,
        ge=1,
        le=1_000_000,
        description="Most questions one private bank holds; an import past it stores nothing.",
    )
    banks_per_instructor: int = Field(
        default=50,
        ge=1,
        le=100_000,
        description="Most private banks one instructor owns (banks shared with them not counted).",
    )
    variant_pool_size: int = Field(
        default=1000,
        ge=0,
        le=100_000,
        description=(
            "Variants of each parametrized question kept drawn ahead in the database, each for "
            "a secret seed and each shown once; 0 draws every variant when it is needed."
        ),
    )
    start_limit_per_identity: str = Field(
        default="10/minute",
        description="How often one browser may start an attempt (limits notation).",
    )
    start_limit_per_address: str = Field(
        default="60/minute",
        description="How often one client address may start attempts (limits notation).",
    )
    # The limits below are far above what a person does, so only a script meets them; the
    # per-address ones leave room for a class sitting behind one address (raise them when a
    # larger class does). A refusal is a 429 with Retry-After.
    practice_limit_per_identity: str = Field(
        default="60/hour",
        description=(
            "How many practice, review and missed-question sets one browser may make "
            "(limits notation): a set a minute for an hour, each of 10 questions or more."
        ),
    )
    practice_limit_per_address: str = Field(
        default="600/hour",
        description="How many practice sets one client address may make (limits notation).",
    )
    sign_up_limit_per_identity: str = Field(
        default="10/hour",
        description=(
            "How many sign-ups one browser may post (limits notation): a person makes one "
            "account, and refused forms count too."
        ),
    )
    sign_up_limit_per_address: str = Field(
        default="100/hour",
        description=(
            "How many sign-ups one client address may post (limits notation); each hashes a "
            "password (64 MiB, about 0.2 s)."
        ),
    )
    join_limit_per_identity: str = Field(
        default="20/hour",
        description=(
            "How many class codes one account may try (limits notation), wrong ones included: "
            "a learner joins a few classes and mistypes a code now and then."
        ),
    )
    join_limit_per_address: str = Field(
        default="300/hour",
        description=(
            "How many class codes one client address may try (limits notation): a class of "
            "300 joining at once; guessing one of 100 open classes' codes then takes years."
        ),
    )
    lti_limit_per_address: str = Field(
        default="300/minute;3000/hour",
        description=(
            "How many LTI logins, and how many launches, one client address may make (limits"
            " notation): a class of 300 behind one school address launching at once; each"
            " login keeps a state and a nonce for ten minutes."
        ),
    )
    session_days: int = Field(
        default=30,
        ge=1,
        le=400,
        description="Days a sign-in lasts; then the learner signs in again.",
    )
    sign_in_failures_per_account: int = Field(
        default=10,
        ge=1,
        description="Wrong passwords in a row for one username before its sign-in is refused.",
    )
    sign_in_failures_per_address: int = Field(
        default=50,
        ge=1,
        description="Failed sign-ins from one client address before its sign-ins are refused.",
    )
    sign_in_throttle_minutes: int = Field(
        default=15,
        ge=1,
        le=24 * 60,
        description="Minutes a failed sign-in counts towards the two limits above.",
    )
    rate_limit_prefix: str = Field(
        default="gradquiz",
        description="Prefix of this server's counters in a rate-limit store other apps share.",
    )
    rate_limit_storage: str = Field(
        default="memory://",
        description="Where rate-limit counters live: memory:// (one process) or redis://host:port.",
    )

    @field_validator(
        "start_limit_per_identity",
        "start_limit_per_address",
        "practice_limit_per_identity",
        "practice_limit_per_address",
        "sign_up_limit_per_identity",
        "sign_up_limit_per_address",
        "join_limit_per_identity",
        "join_limit_per_address",
        "lti_limit_per_address",
    )
    @classmethod
    def _in_limits_notation(cls, value: str) -> str:
        """A limit that does not parse is refused at start-up, not at the first request."""
        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not in limits notation, e.g. '10/minute' or '10/minute;100/hour'"
            ) from None
        return value

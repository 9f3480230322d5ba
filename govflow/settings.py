"""Settings: the only place that reads the environment.

``GOVFLOW_*`` variables configure govflow; eventsourcing's own names
(``PERSISTENCE_MODULE``, ``SQLITE_DBNAME``, ``POSTGRES_*``) configure the event store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.reporting_calendar import DEFAULT_REPORTING_CALENDAR, ReportingCalendar

# Development default, clearly marked: refused when GOVFLOW_ENV=production.
DEVELOPMENT_JWT_SECRET = "govflow-development-only-secret-do-not-use-in-production"

SQLITE_PERSISTENCE = "govflow.sqlite_persistence"
POSTGRES_PERSISTENCE = "govflow.postgres_persistence"


def _unprefixed(name: str, default: Any) -> Any:
    """A setting read from an environment variable of eventsourcing's own name."""
    return Field(default=default, validation_alias=AliasChoices(name))


class Settings(BaseSettings):
    """govflow's configuration, validated at start-up."""

    model_config = SettingsConfigDict(env_prefix="GOVFLOW_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path(".govflow")

    # Temporal: with no address, `govflow dev` starts the embedded dev server.
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    task_queue: str = "govflow"

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    jwt_issuer: str = "govflow"
    token_ttl_hours: int = 12

    # Domain settings that differ by city (DESIGN.md §3).
    publicity_days: int = Field(default=7, ge=1, le=60)
    publicity_day_basis: Literal["calendar", "working"] = "calendar"
    referral_days: int = Field(default=15, ge=1, le=120)
    referral_day_basis: Literal["calendar", "working"] = "calendar"
    reminder_fraction: float = Field(default=0.8, gt=0, lt=1)
    classification_set: Literal["mof102", "guangdong"] = "mof102"

    # Grade evaluation (等级评估, DESIGN.md §3.3).
    grade_publicity_days: int = Field(default=7, ge=1, le=60)
    appeal_answer_days: int = Field(default=15, ge=1, le=60)
    grade_cutoff_5a: int = Field(default=900, ge=1, le=1000)
    grade_cutoff_4a: int = Field(default=800, ge=1, le=1000)
    grade_cutoff_3a: int = Field(default=700, ge=1, le=1000)
    grade_cutoff_2a: int = Field(default=600, ge=1, le=1000)
    grade_threshold: int = Field(default=3, ge=1, le=5)
    """The lowest grade that may undertake transferred functions or purchased services."""

    # Purchase of services and performance review (购买服务、绩效评价, DESIGN.md §3.5).
    hold_final_payment: bool = True
    """The final payment of a contract waits for its performance review."""
    poor_review_bar_years: int = Field(default=1, ge=0, le=5)
    """A 差 review bars the provider from new awards for this many years."""
    review_weight_decision: int = Field(default=20, ge=1, le=97)
    review_weight_process: int = Field(default=20, ge=1, le=97)
    review_weight_output: int = Field(default=30, ge=1, le=97)
    review_weight_effect: int = Field(default=30, ge=1, le=97)

    # Open Contracting Data Standard (OCDS 1.1) publication of purchase contracts.
    ocid_prefix: str = Field(default="ocds-govflow", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
                             max_length=64)
    """GOVFLOW_OCID_PREFIX: ocids are ``<prefix>-<contract id>``; set the prefix registered
    for the publisher with the OCDS Data Support Team.  Added when read: no rebuild needed."""

    # Reporting (季度报告、验收考核, DESIGN.md §3.6).
    report_due_days: int = Field(default=15, ge=1, le=90)
    """A quarterly report not submitted this many days after it opens is escalated."""
    reporting_calendar: str = DEFAULT_REPORTING_CALENDAR
    """GOVFLOW_REPORTING_CALENDAR: when the ``quarterly-reporting`` schedule opens the reports
    of the quarter just ended, China time: one ``MM-DD`` per quarter, then the time of day,
    e.g. ``01-01,04-01,07-01,10-01 01:00`` (the default) or ``01-02,04-02,07-02,10-02 08:30``.
    Applied to the schedule at the worker's next start."""

    read_wait_seconds: float = Field(default=5.0, gt=0, le=30)
    projection_poll_seconds: float = Field(default=0.2, gt=0, le=10)

    # eventsourcing's own variables (no GOVFLOW_ prefix).
    persistence_module: str | None = _unprefixed("PERSISTENCE_MODULE", None)
    sqlite_dbname: str | None = _unprefixed("SQLITE_DBNAME", None)
    postgres_dbname: str = _unprefixed("POSTGRES_DBNAME", "govflow")
    postgres_host: str = _unprefixed("POSTGRES_HOST", "127.0.0.1")
    postgres_port: int = _unprefixed("POSTGRES_PORT", 5432)
    postgres_user: str = _unprefixed("POSTGRES_USER", "postgres")
    postgres_password: str = _unprefixed("POSTGRES_PASSWORD", "")

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Settings:
        if self.env == "production":
            if self.jwt_secret == DEVELOPMENT_JWT_SECRET or len(self.jwt_secret) < 32:
                raise ValueError(
                    "GOVFLOW_JWT_SECRET must be set to a secret of at least 32 characters "
                    "in production; the development default is refused"
                )
            if self.temporal_address is None:
                raise ValueError(
                    "GOVFLOW_TEMPORAL_ADDRESS must point at a Temporal cluster in production"
                )
        return self

    @model_validator(mode="after")
    def _grade_cutoffs_fall(self) -> Settings:
        cutoffs = (self.grade_cutoff_5a, self.grade_cutoff_4a, self.grade_cutoff_3a,
                   self.grade_cutoff_2a)
        if not cutoffs[0] > cutoffs[1] > cutoffs[2] > cutoffs[3]:
            raise ValueError(
                "GOVFLOW_GRADE_CUTOFF_5A > _4A > _3A > _2A is required; got " + str(cutoffs))
        return self

    @model_validator(mode="after")
    def _review_weights_add_up(self) -> Settings:
        weights = (self.review_weight_decision, self.review_weight_process,
                   self.review_weight_output, self.review_weight_effect)
        if sum(weights) != 100:
            raise ValueError(
                "GOVFLOW_REVIEW_WEIGHT_DECISION + _PROCESS + _OUTPUT + _EFFECT must add up to "
                f"100; got {weights} (sum {sum(weights)})")
        return self

    @field_validator("reporting_calendar")
    @classmethod
    def _reporting_calendar_is_sound(cls, value: str) -> str:
        return str(ReportingCalendar.parse(value))  # ValueError says what is wrong

    @property
    def uses_postgres(self) -> bool:
        module = self.persistence_module or ""
        return "postgres" in module

    def event_store_env(self) -> dict[str, str]:
        """The environment eventsourcing reads, for the application and the views."""
        if self.uses_postgres:
            return {
                "PERSISTENCE_MODULE": POSTGRES_PERSISTENCE,
                "POSTGRES_DBNAME": self.postgres_dbname,
                "POSTGRES_HOST": self.postgres_host,
                "POSTGRES_PORT": str(self.postgres_port),
                "POSTGRES_USER": self.postgres_user,
                "POSTGRES_PASSWORD": self.postgres_password,
                "POSTGRES_POLL_SECONDS": str(self.projection_poll_seconds),
            }
        dbname = self.sqlite_dbname or str(self.data_dir / "events.sqlite3")
        return {
            "PERSISTENCE_MODULE": SQLITE_PERSISTENCE,
            "SQLITE_DBNAME": dbname,
            "SQLITE_LOCK_TIMEOUT": "10",
            "SQLITE_POLL_SECONDS": str(self.projection_poll_seconds),
        }

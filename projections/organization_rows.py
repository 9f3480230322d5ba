"""What the organizations and grade-evaluation views return (社会组织、评估等级、等级评估)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.organizations.bars import PerformanceBar
from domain.organizations.records import CreditFlag, FlagPeriod, OrganizationKind


@dataclass(frozen=True)
class OrganizationRow:
    """A registered social organization (社会组织) and its public record.

    ``board`` holds each member's public-office status: the API shows it to the
    committee only.  Complainants are never in the view, only what was complained
    about and the outcome.
    """

    id: UUID
    credit_code: str
    name: str
    category: str
    kind: str
    industry: str
    region_code: str
    region_name: str
    registered_on: date
    full_time_staff: int
    compliance: dict[str, bool]
    """五自四无, item → declared compliant (empty until declared)."""
    compliance_declared_on: date | None
    compliance_verified_on: date | None
    board: list[dict[str, Any]]
    """person_id, name, position, public_office, retired_on, elected_on (ISO dates)."""
    inspections: list[dict[str, Any]]
    """year, result, inspected_on; by year."""
    penalties: list[dict[str, Any]]
    """decision_number, authority, decided_on, description."""
    flags: list[dict[str, Any]]
    """flag, raised_on, reason, cleared_on, clear_reason."""
    complaints: list[dict[str, Any]]
    """complaint_id, content, filed_on, outcome, resolved_on — never the complainant."""
    grade_level: int | None
    """The latest grade neither lapsed nor revoked (it may start next year), if any."""
    grade_valid_from: date | None
    grade_valid_until: date | None
    open_evaluation_id: UUID | None
    registered_at: datetime
    updated_at: datetime
    version: int
    last_notification_id: int
    position: int = 0
    """The log position of its registration: organizations are listed in that order."""
    bars: list[dict[str, Any]] = field(default_factory=list)
    """Bars from poor performance reviews (绩效评价为差), in order: until (ISO date, the
    last barred day), reason, contract_id."""

    @property
    def performance_bars(self) -> list[PerformanceBar]:
        """``bars`` as the eligibility rules read them."""
        return [PerformanceBar(until=date.fromisoformat(str(bar["until"])),
                               reason=str(bar["reason"])) for bar in self.bars]

    # What ``domain.organizations.eligibility.UndertakerRecord`` reads.

    @property
    def is_industry_association(self) -> bool:
        return self.kind == OrganizationKind.INDUSTRY_ASSOCIATION.value

    @property
    def compliance_verified(self) -> bool:
        return self.compliance_verified_on is not None

    def flag_active_on(self, flag: CreditFlag, day: date) -> FlagPeriod | None:
        for entry in self.flags:
            period = FlagPeriod(
                CreditFlag(entry["flag"]), date.fromisoformat(entry["raised_on"]),
                entry["reason"],
                date.fromisoformat(entry["cleared_on"]) if entry.get("cleared_on") else None,
                entry.get("clear_reason"))
            if period.flag is flag and period.active_on(day):
                return period
        return None


@dataclass(frozen=True)
class OrganizationFilter:
    """Filters of ``GET /organizations``; each is optional."""

    q: str | None = None
    """Chinese name search (as for the catalogue)."""
    kind: str | None = None
    category: str | None = None
    region_code: str | None = None
    industry: str | None = None
    grade_level: int | None = None


@dataclass(frozen=True)
class GradeRow:
    """A grade (评估等级) an evaluation awarded, as it stands now, with what changed it."""

    evaluation_id: UUID
    organization_id: UUID
    organization_name: str
    credit_code: str
    awarded_level: int
    level: int
    confirmed_on: date
    valid_from: date
    valid_until: date
    status: str
    """有效, 已到期 or 已撤销 (``domain.organizations.records.GradeStatus``)."""
    changes: list[dict[str, Any]]
    """Downgrades, revocation and lapse, in order: kind (降级/撤销/到期), from_level,
    to_level, basis, reference, reason, on (ISO date)."""
    updated_at: datetime
    last_notification_id: int
    position: int = 0
    """The log position of the award: the organization's newest grade has the highest."""

    @property
    def label(self) -> str:
        return f"{self.level}A"

    def in_force_on(self, day: date) -> bool:
        return self.status == "有效" and self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class EvaluationRow:
    """A grade evaluation (等级评估) and where it stands."""

    id: UUID
    organization_id: UUID
    organization_name: str
    credit_code: str
    category: str
    applied_on: date
    applied_by_role: str
    status: str
    """``domain.grading.stages.EvaluationStatus`` value, e.g. 公示中."""
    evaluator_id: UUID | None
    evaluator_name: str | None
    scores: dict[str, int]
    total: int | None
    level: int | None
    publicity_starts_on: date | None
    publicity_ends_on: date | None
    publicity_closed: bool
    appeal_reason: str | None
    appeal_filed_on: date | None
    appeal_answer_due_on: date | None
    appeal_escalated: bool
    appeal_outcome: str | None
    appeal_answer: str | None
    appeal_answered_on: date | None
    confirmed_on: date | None
    created_at: datetime
    updated_at: datetime
    version: int
    last_notification_id: int
    position: int = 0
    """The log position of the application: the newest application has the highest."""


@dataclass(frozen=True)
class EvaluationFilter:
    """Filters of ``GET /grade-evaluations``; each is optional."""

    organization_id: UUID | None = None
    evaluator_id: UUID | None = None
    status: str | None = None


@dataclass(frozen=True)
class EvaluatorRow:
    """A third-party evaluator (第三方评估机构), its affiliations and its workload."""

    id: UUID
    name: str
    contact: str
    affiliations: list[UUID]
    """Registered organizations it is affiliated with (it may not evaluate them)."""
    open_evaluations: int
    """Assigned and not yet confirmed."""
    confirmed_evaluations: int
    registered_at: datetime
    updated_at: datetime
    version: int
    last_notification_id: int
    position: int = 0
    """The log position of its registration: evaluators are listed in that order."""

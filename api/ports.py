"""What the API needs from the write side: the gateway the workflows package provides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol
from uuid import UUID

from domain.actors import Actor
from domain.agency.commands import AppointExpert, DeclareAffiliations, EstablishAgency, RemoveExpert
from domain.catalogue.commands import CommandResult, ItemFields, RecordExistingItem
from domain.catalogue.importing import ImportResult, ImportRow, RowError
from domain.grading.commands import (
    DeclareEvaluatorAffiliations,
    DowngradeGrade,
    RecordExistingGrade,
    RegisterEvaluator,
    RevokeGrade,
)
from domain.organizations.commands import (
    ClearCreditFlag,
    DeclareCompliance,
    ElectBoardMember,
    FileComplaint,
    RaiseCreditFlag,
    RecordAnnualInspection,
    RecordPenalty,
    RegisterOrganization,
    ResolveComplaint,
    VerifyCompliance,
)
from domain.purchase.contract import MilestonePlan
from domain.registry.commands import RegisterDepartment
from domain.reporting.commands import ScoreAcceptanceReview
from domain.reporting.periods import Quarter
from domain.transfer.commands import DecideStaffing, RequestStaffing


class CatalogueCommands(Protocol):
    """Commands on catalogue items (目录事项).

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def draft(
        self, *, command_id: str, actor: Actor, department: str, fields: ItemFields
    ) -> CommandResult: ...

    async def revise(
        self, *, item_id: UUID, command_id: str, actor: Actor, fields: ItemFields
    ) -> CommandResult: ...

    async def publish(self, *, item_id: UUID, command_id: str, actor: Actor) -> CommandResult: ...

    async def withdraw(
        self, *, item_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def allocate_budget(
        self, *, item_id: UUID, command_id: str, actor: Actor, fiscal_year: int, amount_fen: int
    ) -> CommandResult: ...

    async def refer(
        self, *, item_id: UUID, command_id: str, actor: Actor, agency_id: UUID
    ) -> CommandResult: ...

    async def give_opinion(
        self, *, item_id: UUID, command_id: str, actor: Actor, recommendation: str,
        reasons: str, expert_ids: tuple[str, ...], organizations: tuple[str, ...],
    ) -> CommandResult: ...

    async def extend_referral(
        self, *, item_id: UUID, command_id: str, actor: Actor, due_on: date, reason: str
    ) -> CommandResult: ...

    async def decide(
        self, *, item_id: UUID, command_id: str, actor: Actor, mode: str, reason: str = "",
        justification: str = "",
    ) -> CommandResult: ...

    async def review_retention(
        self, *, item_id: UUID, command_id: str, actor: Actor, approved: bool, comment: str = ""
    ) -> CommandResult: ...


class CatalogueImporter(Protocol):
    """The catalogue import (目录导入): a file's rows drafted as one batch, or none.

    Raises ``CatalogueImportRejectedError`` listing every bad row (``unreadable`` ones
    included); repeating a ``command_id`` returns the first answer, ``replayed``.
    """

    async def import_items(
        self, *, command_id: str, actor: Actor, department: str, rows: Sequence[ImportRow],
        unreadable: Sequence[RowError] = (),
    ) -> ImportResult: ...

    async def record_existing(self, command: RecordExistingItem) -> CommandResult:
        """登记既有目录事项: published and decided before govflow (one command, once)."""
        ...


class RegistryCommands(Protocol):
    """The committee's registers: departments (登记部门), consulting agencies and experts.

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def register_department(self, command: RegisterDepartment) -> CommandResult: ...

    async def establish_agency(self, command: EstablishAgency) -> CommandResult: ...

    async def appoint_expert(self, command: AppointExpert) -> CommandResult: ...

    async def declare_affiliations(self, command: DeclareAffiliations) -> CommandResult: ...

    async def remove_expert(self, command: RemoveExpert) -> CommandResult: ...


class OrganizationCommands(Protocol):
    """The committee's registry of social organizations and evaluators, and the
    organizations' own declarations (one-shot commands).

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.  A downgrade
    or revocation also tells every live case of the organization (its grade evaluation;
    transfers and contracts once they exist).
    """

    async def register_organization(self, command: RegisterOrganization) -> CommandResult: ...

    async def declare_compliance(self, command: DeclareCompliance) -> CommandResult: ...

    async def verify_compliance(self, command: VerifyCompliance) -> CommandResult: ...

    async def elect_board_member(self, command: ElectBoardMember) -> CommandResult: ...

    async def record_annual_inspection(self, command: RecordAnnualInspection) -> CommandResult: ...

    async def record_penalty(self, command: RecordPenalty) -> CommandResult: ...

    async def raise_credit_flag(self, command: RaiseCreditFlag) -> CommandResult: ...

    async def clear_credit_flag(self, command: ClearCreditFlag) -> CommandResult: ...

    async def file_complaint(self, command: FileComplaint) -> CommandResult: ...

    async def resolve_complaint(self, command: ResolveComplaint) -> CommandResult: ...

    async def downgrade_grade(self, command: DowngradeGrade) -> CommandResult: ...

    async def revoke_grade(self, command: RevokeGrade) -> CommandResult: ...

    async def record_existing_grade(self, command: RecordExistingGrade) -> CommandResult:
        """登记既有评估等级 (from the certificate); it lapses like a confirmed grade."""
        ...

    async def register_evaluator(self, command: RegisterEvaluator) -> CommandResult: ...

    async def declare_evaluator_affiliations(
        self, command: DeclareEvaluatorAffiliations
    ) -> CommandResult: ...


class GradingCommands(Protocol):
    """Commands on a grade evaluation (等级评估), each an update of its workflow
    (``grade-evaluation:<id>``).  Dates ("today", deadlines) are the workflow's.

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def apply(
        self, *, command_id: str, actor: Actor, organization_id: UUID
    ) -> CommandResult:
        """申请等级评估 / 启动评估: the evaluation's id is ``aggregate_id_for(command_id)``."""
        ...

    async def assign_evaluator(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, evaluator_id: UUID
    ) -> CommandResult: ...

    async def score(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, scores: dict[str, int]
    ) -> CommandResult: ...

    async def appeal(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def answer_appeal(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor, upheld: bool, answer: str,
        revised_scores: dict[str, int] | None = None,
    ) -> CommandResult: ...

    async def confirm(
        self, *, evaluation_id: UUID, command_id: str, actor: Actor
    ) -> CommandResult: ...


class TransferCommands(Protocol):
    """Commands on a function transfer (职能转移), each an update of its workflow
    (``transfer:<id>``), and the one-shot staffing requests (编制申请).  Dates ("today")
    are the workflow's.

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def propose(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        legal_basis: str, effective_from: date, effective_until: date, conditions: str,
    ) -> CommandResult:
        """提出转移方案: the transfer's id is ``aggregate_id_for(command_id)``."""
        ...

    async def approve(
        self, *, transfer_id: UUID, command_id: str, actor: Actor
    ) -> CommandResult: ...

    async def reject(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def suspend(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def resume(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def revoke(
        self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def request_staffing(self, command: RequestStaffing) -> CommandResult: ...

    async def decide_staffing(self, command: DecideStaffing) -> CommandResult: ...


class PurchaseCommands(Protocol):
    """Commands on a purchase contract (购买服务合同), each an update of its workflow
    (``purchase-contract:<id>``).  Dates ("today") are the workflow's.

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def award(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        method: str, fiscal_year: int, amount_fen: int, term_start: date, term_end: date,
        milestones: tuple[MilestonePlan, ...], secured_and_stable: bool = False,
    ) -> CommandResult:
        """签订合同: the contract's id is ``aggregate_id_for(command_id)``; it is announced
        (公告) right after."""
        ...

    async def report_delivery(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        report: str,
    ) -> CommandResult: ...

    async def review_delivery(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        accepted: bool, findings: str,
    ) -> CommandResult: ...

    async def approve_payment(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        amount_fen: int,
    ) -> CommandResult: ...

    async def amend(
        self, *, contract_id: UUID, command_id: str, actor: Actor, reason: str,
        added_fen: int = 0, added_milestone: MilestonePlan | None = None,
        term_end: date | None = None,
    ) -> CommandResult: ...

    async def terminate(
        self, *, contract_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult: ...

    async def record_review(
        self, *, contract_id: UUID, command_id: str, actor: Actor, scores: dict[str, int],
        comment: str,
    ) -> CommandResult: ...

    async def confirm_provider(
        self, *, contract_id: UUID, command_id: str, actor: Actor, note: str
    ) -> CommandResult: ...


class AuditHead(Protocol):
    """The last link of the event log's audit chain (审计链链头)."""

    @property
    def position(self) -> int: ...

    @property
    def hash_hex(self) -> str: ...


class AuditLog(Protocol):
    """The event log's audit chain (审计链); ``head()`` reads the store (blocking)."""

    def head(self) -> AuditHead: ...


class OpenedReportingCase(Protocol):
    """A report (or acceptance review) a reporting run came to: opened by it, or open
    already."""

    @property
    def department(self) -> str: ...

    @property
    def opened(self) -> bool: ...


class OpenedQuarterlyReport(OpenedReportingCase, Protocol):
    @property
    def report_id(self) -> UUID: ...


class OpenedAcceptanceReview(OpenedReportingCase, Protocol):
    @property
    def review_id(self) -> UUID: ...


class ReportingRunResult(Protocol):
    """What a reporting run did (报告开启): each registered department's report of the
    quarter and, after a fourth quarter, its acceptance review of the year."""

    @property
    def quarter(self) -> Quarter: ...

    @property
    def reports(self) -> Sequence[OpenedQuarterlyReport]: ...

    @property
    def acceptance_reviews(self) -> Sequence[OpenedAcceptanceReview]: ...

    @property
    def notification_id(self) -> int: ...


class ReportingCommands(Protocol):
    """Commands on quarterly reports (季度报告), each an update of the report's workflow
    (``quarterly-report:<id>``; "today" is the workflow's), the committee's scoring of an
    acceptance review (验收考核) and its reporting runs.

    Each raises a ``domain.errors.DomainError`` subclass when the command is refused;
    repeating a ``command_id`` returns the first answer and records nothing.
    """

    async def save_narrative(
        self, *, report_id: UUID, command_id: str, actor: Actor, narrative: str
    ) -> CommandResult: ...

    async def submit(
        self, *, report_id: UUID, command_id: str, actor: Actor, narrative: str | None = None
    ) -> CommandResult:
        """With ``narrative``, or (None) the one saved before."""
        ...

    async def score_acceptance(self, command: ScoreAcceptanceReview) -> CommandResult: ...

    async def run_quarter(
        self, *, command_id: str, actor: Actor, quarter: str | None = None
    ) -> ReportingRunResult:
        """Open the reports of ``quarter`` (``2026Q4``; default: the quarter that ended
        last), as the schedule does."""
        ...

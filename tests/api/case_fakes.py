"""Fakes of the transfer and purchase ports and views, for the edge tests.

The commands go to the real domain application in memory (as the workflows' updates and
activities call it, without Temporal) and are remembered, so a test sees exactly what
the API sent.  They decide the dates a workflow would from the app's clock (today in
China), and the award is announced right after, as the contract workflow does.  The
views serve the rows a test gives them and remember what they were asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from domain.actors import SYSTEM_ACTOR, Actor
from domain.application import GovflowApplication
from domain.calendar import china_date
from domain.catalogue.commands import CommandResult
from domain.organizations.eligibility import DEFAULT_GRADE_THRESHOLD
from domain.purchase.commands import (
    AmendContract,
    AnnounceContract,
    ApprovePayment,
    AwardContract,
    ConfirmProvider,
    NoteProviderGradeChange,
    OpenReview,
    RecordReview,
    ReportDelivery,
    ReviewDelivery,
    TerminateContract,
)
from domain.purchase.contract import MilestonePlan
from domain.transfer.commands import (
    ApproveTransfer,
    DecideStaffing,
    ProposeTransfer,
    RejectTransfer,
    RequestStaffing,
    ResumeTransfer,
    RevokeTransfer,
    SuspendTransfer,
)
from projections.case_rows import (
    ContractFilter,
    ContractRow,
    LedgerLine,
    LedgerTotals,
    ReviewRow,
    StaffingRow,
    TransferFilter,
    TransferRow,
)
from projections.rows import Page
from tests.api.fakes import FakeClock
from tests.api.organization_fakes import _Lagging, page_of

CommandT = TypeVar("CommandT")


class _Recording:
    """Runs domain commands and remembers them, dated by the app's clock."""

    def __init__(self, application: GovflowApplication, clock: FakeClock,
                 threshold: int = DEFAULT_GRADE_THRESHOLD) -> None:
        self.application = application
        self.clock = clock
        self.threshold = threshold
        self.commands: list[Any] = []

    @property
    def command_ids(self) -> list[str]:
        return [c.command_id for c in self.commands]

    @property
    def today(self) -> date:
        return china_date(self.clock())

    def _run(self, handler: Callable[[CommandT], CommandResult], command: CommandT
             ) -> CommandResult:
        self.commands.append(command)
        return handler(command)


class FakeTransferCommands(_Recording):
    """``api.ports.TransferCommands`` without Temporal: each update becomes the domain
    command the transfer workflow would give; the staffing commands pass straight on."""

    async def propose(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        legal_basis: str, effective_from: date, effective_until: date, conditions: str,
    ) -> CommandResult:
        return self._run(self.application.propose_transfer, ProposeTransfer(
            command_id=command_id, actor=actor, item_id=item_id,
            organization_id=organization_id, legal_basis=legal_basis,
            effective_from=effective_from, effective_until=effective_until,
            conditions=conditions))

    async def approve(self, *, transfer_id: UUID, command_id: str, actor: Actor
                      ) -> CommandResult:
        return self._run(self.application.approve_transfer, ApproveTransfer(
            command_id=command_id, actor=actor, transfer_id=transfer_id,
            approved_on=self.today, threshold=self.threshold))

    async def reject(self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
                     ) -> CommandResult:
        return self._run(self.application.reject_transfer, RejectTransfer(
            command_id=command_id, actor=actor, transfer_id=transfer_id, reason=reason))

    async def suspend(self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
                      ) -> CommandResult:
        return self._run(self.application.suspend_transfer, SuspendTransfer(
            command_id=command_id, actor=actor, transfer_id=transfer_id, reason=reason,
            on=self.today))

    async def resume(self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
                     ) -> CommandResult:
        return self._run(self.application.resume_transfer, ResumeTransfer(
            command_id=command_id, actor=actor, transfer_id=transfer_id, reason=reason,
            on=self.today, threshold=self.threshold))

    async def revoke(self, *, transfer_id: UUID, command_id: str, actor: Actor, reason: str
                     ) -> CommandResult:
        return self._run(self.application.revoke_transfer, RevokeTransfer(
            command_id=command_id, actor=actor, transfer_id=transfer_id, reason=reason,
            on=self.today))

    async def request_staffing(self, command: RequestStaffing) -> CommandResult:
        return self._run(self.application.request_staffing, command)

    async def decide_staffing(self, command: DecideStaffing) -> CommandResult:
        return self._run(self.application.decide_staffing, command)


class FakePurchaseCommands(_Recording):
    """``api.ports.PurchaseCommands`` without Temporal: each update becomes the domain
    command the contract workflow would give."""

    async def award(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        method: str, fiscal_year: int, amount_fen: int, term_start: date, term_end: date,
        milestones: tuple[MilestonePlan, ...], secured_and_stable: bool = False,
    ) -> CommandResult:
        awarded = self._run(self.application.award_contract, AwardContract(
            command_id=command_id, actor=actor, item_id=item_id,
            organization_id=organization_id, method=method, fiscal_year=fiscal_year,
            amount_fen=amount_fen, term_start=term_start, term_end=term_end,
            milestones=milestones, awarded_on=self.today,
            secured_and_stable=secured_and_stable, threshold=self.threshold))
        # The workflow announces the award right after (公告); the answer is its last event.
        return self.application.announce_contract(AnnounceContract(
            command_id=f"{command_id}:announce", actor=SYSTEM_ACTOR,
            contract_id=awarded.aggregate_id, announced_on=self.today))

    async def report_delivery(self, *, contract_id: UUID, command_id: str, actor: Actor,
                              milestone_id: str, report: str) -> CommandResult:
        return self._run(self.application.report_delivery, ReportDelivery(
            command_id=command_id, actor=actor, contract_id=contract_id,
            milestone_id=milestone_id, report=report, delivered_on=self.today))

    async def review_delivery(self, *, contract_id: UUID, command_id: str, actor: Actor,
                              milestone_id: str, accepted: bool, findings: str
                              ) -> CommandResult:
        return self._run(self.application.review_delivery, ReviewDelivery(
            command_id=command_id, actor=actor, contract_id=contract_id,
            milestone_id=milestone_id, accepted=accepted, findings=findings,
            reviewed_on=self.today))

    async def approve_payment(self, *, contract_id: UUID, command_id: str, actor: Actor,
                              milestone_id: str, amount_fen: int) -> CommandResult:
        return self._run(self.application.approve_payment, ApprovePayment(
            command_id=command_id, actor=actor, contract_id=contract_id,
            milestone_id=milestone_id, amount_fen=amount_fen, approved_on=self.today))

    async def amend(self, *, contract_id: UUID, command_id: str, actor: Actor, reason: str,
                    added_fen: int = 0, added_milestone: MilestonePlan | None = None,
                    term_end: date | None = None) -> CommandResult:
        return self._run(self.application.amend_contract, AmendContract(
            command_id=command_id, actor=actor, contract_id=contract_id, reason=reason,
            amended_on=self.today, added_fen=added_fen, added_milestone=added_milestone,
            term_end=term_end))

    async def terminate(self, *, contract_id: UUID, command_id: str, actor: Actor,
                        reason: str) -> CommandResult:
        return self._run(self.application.terminate_contract, TerminateContract(
            command_id=command_id, actor=actor, contract_id=contract_id, reason=reason,
            terminated_on=self.today))

    async def record_review(self, *, contract_id: UUID, command_id: str, actor: Actor,
                            scores: dict[str, int], comment: str) -> CommandResult:
        return self._run(self.application.record_review, RecordReview(
            command_id=command_id, actor=actor, contract_id=contract_id, scores=scores,
            comment=comment, reviewed_on=self.today))

    async def confirm_provider(self, *, contract_id: UUID, command_id: str, actor: Actor,
                               note: str) -> CommandResult:
        return self._run(self.application.confirm_provider, ConfirmProvider(
            command_id=command_id, actor=actor, contract_id=contract_id, note=note,
            confirmed_on=self.today))

    # --- what the workflow's timers and signals do ------------------------------------------

    def open_review(self, contract_id: UUID) -> None:
        """The term ended: the performance review is due."""
        self.application.open_review(OpenReview(
            command_id=f"timer:term:{contract_id}", actor=SYSTEM_ACTOR,
            contract_id=contract_id, opened_on=self.today))

    def note_grade_change(self, contract_id: UUID, reason: str = "评估等级降为 2A") -> None:
        """The provider's grade changed: the department is to review it."""
        self.application.note_provider_grade_change(NoteProviderGradeChange(
            command_id=f"signal:grade:{contract_id}", actor=SYSTEM_ACTOR,
            contract_id=contract_id, change="降级", reason=reason, on=self.today))


# --- views --------------------------------------------------------------------------------


@dataclass
class FakeTransferViews(_Lagging):
    """``projections.readers.TransferReader`` serving the rows the test puts in (newest
    first: the last added is listed first)."""

    transfers: dict[UUID, TransferRow] = field(default_factory=dict)
    staffing: dict[UUID, StaffingRow] = field(default_factory=dict)
    filters: list[TransferFilter] = field(default_factory=list)
    staffing_asked: list[tuple[str | None, bool | None]] = field(default_factory=list)

    def add_transfer(self, row: TransferRow) -> TransferRow:
        self.transfers[row.id] = row
        return row

    def add_staffing(self, row: StaffingRow) -> StaffingRow:
        self.staffing[row.id] = row
        return row

    def get_transfer(self, transfer_id: UUID) -> TransferRow | None:
        return self.transfers.get(transfer_id)

    def list_transfers(self, filters: TransferFilter, *, cursor: str | None, limit: int
                       ) -> Page[TransferRow]:
        self.filters.append(filters)
        wanted = {"department": filters.department, "organization_id": filters.organization_id,
                  "item_id": filters.item_id, "status": filters.status, "mode": filters.mode}
        rows = [r for r in reversed(self.transfers.values())
                if all(v is None or getattr(r, k) == v for k, v in wanted.items())]
        return page_of(rows, cursor=cursor, limit=limit)

    def get_staffing_request(self, request_id: UUID) -> StaffingRow | None:
        return self.staffing.get(request_id)

    def list_staffing_requests(self, *, department: str | None, flagged: bool | None,
                               cursor: str | None, limit: int) -> Page[StaffingRow]:
        self.staffing_asked.append((department, flagged))
        rows = [r for r in reversed(self.staffing.values())
                if (department is None or r.department == department)
                and (flagged is None or r.flagged == flagged)]
        return page_of(rows, cursor=cursor, limit=limit)


@dataclass
class FakeContractViews(_Lagging):
    """``projections.readers.ContractReader`` serving the rows the test puts in; the ledger
    is computed from the contract rows as the view does (groups add up to the totals)."""

    contracts: dict[UUID, ContractRow] = field(default_factory=dict)
    review_rows: list[ReviewRow] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    """Ledger labels by key (department names, organization names)."""
    filters: list[ContractFilter] = field(default_factory=list)
    ledger_asked: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    reviews_asked: list[tuple[UUID | None, str | None, UUID | None]] = field(
        default_factory=list)

    def add_contract(self, row: ContractRow) -> ContractRow:
        self.contracts[row.id] = row
        return row

    def add_review(self, row: ReviewRow) -> ReviewRow:
        self.review_rows.append(row)
        return row

    def get_contract(self, contract_id: UUID) -> ContractRow | None:
        return self.contracts.get(contract_id)

    def list_contracts(self, filters: ContractFilter, *, cursor: str | None, limit: int
                       ) -> Page[ContractRow]:
        self.filters.append(filters)
        wanted = {"department": filters.department, "provider_id": filters.provider_id,
                  "item_id": filters.item_id, "fiscal_year": filters.fiscal_year,
                  "status": filters.status}
        rows = [r for r in reversed(self.contracts.values())
                if all(v is None or getattr(r, k) == v for k, v in wanted.items())]
        return page_of(rows, cursor=cursor, limit=limit)

    def ledger(self, *, group_by: str, fiscal_year: int | None, department: str | None
               ) -> tuple[list[LedgerLine], LedgerTotals]:
        self.ledger_asked.append((group_by, fiscal_year, department))
        rows = [r for r in self.contracts.values()
                if (fiscal_year is None or r.fiscal_year == fiscal_year)
                and (department is None or r.department == department)]
        groups: dict[str, list[ContractRow]] = {}
        for row in rows:
            key = {"department": row.department, "organization": str(row.provider_id),
                   "fiscal_year": str(row.fiscal_year)}[group_by]
            groups.setdefault(key, []).append(row)
        lines = [LedgerLine(key=key, label=self.labels.get(key, key), totals=_totals(group))
                 for key, group in sorted(groups.items())]
        return lines, _totals(rows)

    def reviews(self, *, provider_id: UUID | None, department: str | None,
                contract_id: UUID | None, cursor: str | None, limit: int) -> Page[ReviewRow]:
        self.reviews_asked.append((provider_id, department, contract_id))
        rows = sorted((r for r in self.review_rows
                       if (provider_id is None or r.provider_id == provider_id)
                       and (department is None or r.department == department)
                       and (contract_id is None or r.contract_id == contract_id)),
                      key=lambda r: r.position, reverse=True)
        return page_of(rows, cursor=cursor, limit=limit)


def _totals(rows: list[ContractRow]) -> LedgerTotals:
    return LedgerTotals(
        contracts=len(rows), amount_fen=sum(r.amount_fen for r in rows),
        accepted_fen=sum(r.accepted_fen for r in rows), paid_fen=sum(r.paid_fen for r in rows),
        outstanding_fen=sum(r.outstanding_fen for r in rows),
        overdue_milestones=sum(r.overdue_milestones for r in rows))

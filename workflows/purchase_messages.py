"""What crosses the Temporal boundary for a purchase contract (购买服务合同).

One dataclass per workflow, update and activity input, the settings the workflow runs
under (:class:`PurchasePolicy`), and the contract's state as the workflow holds it.
Each update input knows the guard it must pass (``check``), so that the validator and
the handler ask the same question.

The contract aggregate keeps its guards on itself rather than on a facts object, so the
state below states the ones a validator can answer (role, scope, stage, milestone) with
the domain's errors and wording; amounts, terms and review scores are left to the domain
itself, whose refusal fails the update and records nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.actors import Actor, Role
from domain.calendar import start_of_day
from domain.errors import OtherDepartmentError
from domain.organizations.eligibility import DEFAULT_GRADE_THRESHOLD
from domain.purchase.contract import (
    ContractPolicy,
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    PurchaseContract,
)
from domain.purchase.errors import (
    ContractStageError,
    MilestoneNotFoundError,
    MilestoneStageError,
    NotTheProviderError,
)
from domain.purchase.review import Rating
from domain.purchase.service import contract_not_found

ONE_DAY = timedelta(days=1)
AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)
"""When a step the system owes at once (the announcement, the closing) is due."""
LIVE = frozenset({ContractStatus.PERFORMING, ContractStatus.REVIEW_DUE})


@dataclass(frozen=True)
class PurchasePolicy:
    """The purchase settings (DESIGN.md §3.3, §3.5), fixed for a run by its input."""

    grade_threshold: int = DEFAULT_GRADE_THRESHOLD
    """The lowest grade (nA) a provider needs at the award."""
    contract: ContractPolicy = field(default_factory=ContractPolicy)


@dataclass(frozen=True)
class PurchaseContractInput:
    """Starts a contract's workflow; its ``award`` update comes with the start."""

    contract_id: UUID
    policy: PurchasePolicy = field(default_factory=PurchasePolicy)


@dataclass(frozen=True)
class MilestoneState:
    """履约节点 as the workflow knows it."""

    milestone_id: str
    name: str
    due_on: date
    amount_fen: int
    status: MilestoneStatus = MilestoneStatus.PENDING
    overdue: bool = False
    paid_fen: int = 0

    @property
    def overdue_at(self) -> datetime | None:
        """逾期: 00:00 China time after the due date, while not accepted nor marked."""
        if self.status is MilestoneStatus.ACCEPTED or self.overdue:
            return None
        return start_of_day(self.due_on + ONE_DAY)


@dataclass(frozen=True)
class PurchaseContractState:
    """A contract as its workflow knows it; ``status`` is None until it is awarded."""

    contract_id: UUID
    status: ContractStatus | None = None
    version: int = 0
    department: str = ""
    provider_id: UUID | None = None
    provider_name: str = ""
    item_code: str = ""
    item_name: str = ""
    amount_fen: int = 0
    paid_fen: int = 0
    awarded_on: date | None = None
    term_start: date | None = None
    term_end: date | None = None
    milestones: tuple[MilestoneState, ...] = ()
    review_total: int | None = None
    review_rating: Rating | None = None
    provider_review_pending: bool = False

    @classmethod
    def of(cls, contract: PurchaseContract) -> PurchaseContractState:
        """As recorded."""
        return cls(
            contract_id=contract.id, status=contract.status, version=contract.version,
            department=contract.department, provider_id=UUID(contract.provider_id),
            provider_name=contract.provider_name, item_code=contract.item_code,
            item_name=contract.item_name, amount_fen=contract.amount_fen,
            paid_fen=contract.paid_fen, awarded_on=contract.awarded_on,
            term_start=contract.term_start, term_end=contract.term_end,
            milestones=tuple(
                MilestoneState(milestone_id=m.milestone_id, name=m.name, due_on=m.due_on,
                               amount_fen=m.amount_fen, status=m.status, overdue=m.overdue,
                               paid_fen=m.paid_fen)
                for m in contract.milestones.values()
            ),
            review_total=contract.review_total, review_rating=contract.review_rating,
            provider_review_pending=contract.provider_review_pending,
        )

    @property
    def ended(self) -> bool:
        """Closed or terminated: nothing is left to wait for."""
        return self.status in (ContractStatus.CLOSED, ContractStatus.TERMINATED)

    @property
    def closable(self) -> bool:
        """Reviewed and fully paid (the domain's ``closable``)."""
        return (self.status is ContractStatus.REVIEW_DUE and self.review_rating is not None
                and self.paid_fen == self.amount_fen)

    def system_steps(self) -> list[tuple[datetime, str]]:
        """The steps the system owes the contract, with when each is due: the announcement
        right after the award; each milestone's overdue mark; the review when the term is
        over; the closing once reviewed and fully paid."""
        if self.status is None or self.ended:
            return []
        if self.status is ContractStatus.AWARDED:
            return [(AT_ONCE, "announce")]
        steps = [(at, f"overdue:{m.milestone_id}") for m in self.milestones
                 if (at := m.overdue_at) is not None]
        if self.status is ContractStatus.PERFORMING and self.term_end is not None:
            steps.append((start_of_day(self.term_end + ONE_DAY), "open-review"))
        if self.closable:
            steps.append((AT_ONCE, "close"))
        return steps

    # --- guards (the domain's, against the state held) ---------------------------

    def check_awarded(self) -> None:
        """Refuses with not-found before the award."""
        if self.status is None:
            raise contract_not_found(self.contract_id)

    def check_status(self, allowed: frozenset[ContractStatus], action: str) -> None:
        self.check_awarded()
        assert self.status is not None
        if self.status not in allowed:
            shown = "、".join(sorted(s.value for s in allowed))
            raise ContractStageError(
                f"合同（{self.item_code}「{self.item_name}」，{self.provider_name}）当前状态为"
                f"{self.status.value}，不能{action}；{action}须在以下状态：{shown}")

    def check_department(self, actor: Actor, action: str) -> None:
        self.check_awarded()
        PurchaseContract.check_role(actor, frozenset({Role.DEPARTMENT}), action=action)
        if actor.scope != self.department:
            raise OtherDepartmentError(
                f"您所在的部门为 {actor.scope}，该合同的采购部门为 {self.department}，不能{action}")

    def check_provider(self, actor: Actor) -> None:
        self.check_awarded()
        PurchaseContract.check_role(actor, frozenset({Role.ORGANIZATION}),
                                    action="报告履约节点交付")
        if actor.scope != str(self.provider_id):
            raise NotTheProviderError(
                f"该合同的承接方为「{self.provider_name}」，您所在的社会组织 {actor.scope} "
                f"不能报告其交付")

    def milestone(self, milestone_id: str) -> MilestoneState:
        found = next((m for m in self.milestones if m.milestone_id == milestone_id), None)
        if found is None:
            raise MilestoneNotFoundError(
                f"合同没有编号为 {milestone_id} 的履约节点；应为以下之一："
                f"{'、'.join(m.milestone_id for m in self.milestones)}", field="milestone_id")
        return found


class ContractCommandInput(Protocol):
    """An update's input: who gives it, its command id, and the guard it must pass."""

    @property
    def command_id(self) -> str: ...

    @property
    def actor(self) -> Actor: ...

    def check(self, state: PurchaseContractState) -> None: ...


@dataclass(frozen=True)
class AwardInput:
    """签订合同 (the department): the contract's id is ``aggregate_id_for(command_id)``."""

    command_id: str
    actor: Actor
    item_id: UUID
    organization_id: UUID
    method: str
    fiscal_year: int
    amount_fen: int
    term_start: date
    term_end: date
    milestones: tuple[MilestonePlan, ...]
    secured_and_stable: bool = False


@dataclass(frozen=True)
class ReportDeliveryInput:
    """交付 (the provider)."""

    command_id: str
    actor: Actor
    milestone_id: str
    report: str

    def check(self, state: PurchaseContractState) -> None:
        state.check_provider(self.actor)
        state.check_status(LIVE, "报告交付")
        milestone = state.milestone(self.milestone_id)
        if milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED):
            raise MilestoneStageError(
                f"履约节点 {milestone.milestone_id}「{milestone.name}」当前为"
                f"{milestone.status.value}，不能再报告交付", field="milestone_id")


@dataclass(frozen=True)
class ReviewDeliveryInput:
    """验收 (the department): accepted, or rejected with findings."""

    command_id: str
    actor: Actor
    milestone_id: str
    accepted: bool
    findings: str

    def check(self, state: PurchaseContractState) -> None:
        state.check_department(self.actor, "验收")
        state.check_status(LIVE, "验收")
        milestone = state.milestone(self.milestone_id)
        if milestone.status is not MilestoneStatus.DELIVERED:
            raise MilestoneStageError(
                f"履约节点 {milestone.milestone_id}「{milestone.name}」当前为"
                f"{milestone.status.value}，承接方报告交付后方可验收", field="milestone_id")


@dataclass(frozen=True)
class ApprovePaymentInput:
    """支付审批 (finance): the domain checks the amount against the milestone, the
    contract and the review."""

    command_id: str
    actor: Actor
    milestone_id: str
    amount_fen: int

    def check(self, state: PurchaseContractState) -> None:
        state.check_awarded()
        PurchaseContract.check_role(self.actor, frozenset({Role.FINANCE}), action="审批支付")
        state.check_status(LIVE, "审批支付")
        state.milestone(self.milestone_id)


@dataclass(frozen=True)
class AmendInput:
    """补充合同 (the department): more amount with its milestone, and/or a new term end."""

    command_id: str
    actor: Actor
    reason: str
    added_fen: int = 0
    added_milestone: MilestonePlan | None = None
    term_end: date | None = None

    def check(self, state: PurchaseContractState) -> None:
        state.check_department(self.actor, "签订补充合同")
        state.check_status(frozenset({ContractStatus.PERFORMING}), "签订补充合同")


@dataclass(frozen=True)
class TerminateInput:
    """终止合同 (the department), with the reason; the run ends."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, state: PurchaseContractState) -> None:
        state.check_department(self.actor, "终止合同")
        state.check_status(frozenset({ContractStatus.AWARDED, *LIVE}), "终止")


@dataclass(frozen=True)
class RecordReviewInput:
    """绩效评价 (the department, once the term is over): points per dimension."""

    command_id: str
    actor: Actor
    scores: dict[str, int]
    comment: str

    def check(self, state: PurchaseContractState) -> None:
        state.check_department(self.actor, "开展绩效评价")
        state.check_status(frozenset({ContractStatus.REVIEW_DUE}), "开展绩效评价")


@dataclass(frozen=True)
class ConfirmProviderInput:
    """复查后继续履行 (the department), after a change of the provider's grade."""

    command_id: str
    actor: Actor
    note: str

    def check(self, state: PurchaseContractState) -> None:
        state.check_department(self.actor, "复查承接方")
        if not state.provider_review_pending:
            raise ContractStageError("没有待复查的承接方等级变动")


@dataclass(frozen=True)
class DescribePurchaseContract:
    contract_id: UUID

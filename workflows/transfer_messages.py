"""What crosses the Temporal boundary for a function transfer (职能转移).

One dataclass per workflow, update and activity input, the settings the workflow runs
under (:class:`TransferPolicy`), and the transfer's state as the workflow holds it.
Each update input knows the domain guard it must pass (``check``), so that the
validator and the handler ask the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol, cast
from uuid import UUID

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.calendar import start_of_day
from domain.organizations.eligibility import DEFAULT_GRADE_THRESHOLD
from domain.transfer.service import transfer_not_found
from domain.transfer.transfer import ENDED, LIVE, FunctionTransfer, TransferStatus
from workflows.grade_signals import DOWNGRADED, GradeChanged

ONE_DAY = timedelta(days=1)

_COMMITTEE = frozenset({Role.COMMITTEE})
_SUSPENDING = frozenset({Role.COMMITTEE, Role.SYSTEM})
_PROPOSED = frozenset({TransferStatus.PROPOSED})
_SUSPENDABLE = frozenset({TransferStatus.EFFECTIVE, TransferStatus.APPROVED})
"""What the domain lets each command do, and from which status (``FunctionTransfer``)."""


@dataclass(frozen=True)
class TransferPolicy:
    """The transfer settings (DESIGN.md §3.3), fixed for a run by its input."""

    grade_threshold: int = DEFAULT_GRADE_THRESHOLD
    """The lowest grade (1–5, i.e. 1A–5A) that may undertake: checked on approval and
    resumption."""

    def __post_init__(self) -> None:
        if not 1 <= self.grade_threshold <= 5:
            raise ValueError(
                f"grade_threshold must be a grade from 1 to 5, got {self.grade_threshold}")


@dataclass(frozen=True)
class TransferInput:
    """Starts a transfer's workflow; its ``propose`` update comes with the start."""

    transfer_id: UUID
    policy: TransferPolicy = field(default_factory=TransferPolicy)


@dataclass(frozen=True)
class TransferFacts:
    """What the domain's guards read of a transfer, as the workflow holds it."""

    item_code: str
    item_name: str
    organization_name: str
    status: TransferStatus

    def check(self, actor: Actor, *, roles: frozenset[Role], acting: str,
              stages: frozenset[TransferStatus], stage_action: str) -> None:
        """The domain's own guards, in its order: who may act, then the stage."""
        GovAggregate.check_role(actor, roles, action=acting)
        # ``check_status`` reads only the four fields above: the refusal is worded exactly
        # as the aggregate words it.
        FunctionTransfer.check_status(cast(FunctionTransfer, self), stages, stage_action)


class TransferCommandInput(Protocol):
    """An update's input: who gives it, its command id, and the guard it must pass."""

    @property
    def command_id(self) -> str: ...

    @property
    def actor(self) -> Actor: ...

    def check(self, facts: TransferFacts) -> None: ...


@dataclass(frozen=True)
class ProposeInput:
    """提出转移方案 (the deciding department): the first update, sent with the start."""

    command_id: str
    actor: Actor
    item_id: UUID
    organization_id: UUID
    legal_basis: str
    effective_from: date
    effective_until: date
    conditions: str


@dataclass(frozen=True)
class ApproveInput:
    """审批通过 (the committee): eligibility is checked today (China time)."""

    command_id: str
    actor: Actor

    def check(self, facts: TransferFacts) -> None:
        facts.check(self.actor, roles=_COMMITTEE, acting="审批职能转移", stages=_PROPOSED,
                    stage_action="审批")


@dataclass(frozen=True)
class RejectInput:
    """不予批准 (the committee), with the reason; the run ends."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: TransferFacts) -> None:
        facts.check(self.actor, roles=_COMMITTEE, acting="审批职能转移", stages=_PROPOSED,
                    stage_action="不予批准")


@dataclass(frozen=True)
class SuspendInput:
    """暂停 (the committee), pending its review."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: TransferFacts) -> None:
        facts.check(self.actor, roles=_SUSPENDING, acting="暂停职能转移", stages=_SUSPENDABLE,
                    stage_action="暂停")


@dataclass(frozen=True)
class ResumeInput:
    """恢复 (the committee, after review): the organization must be eligible today."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: TransferFacts) -> None:
        facts.check(self.actor, roles=_COMMITTEE, acting="恢复职能转移",
                    stages=frozenset({TransferStatus.SUSPENDED}), stage_action="恢复")


@dataclass(frozen=True)
class RevokeInput:
    """撤销 (the committee), with the reason; the undertaking and the run end."""

    command_id: str
    actor: Actor
    reason: str

    def check(self, facts: TransferFacts) -> None:
        facts.check(self.actor, roles=_COMMITTEE, acting="撤销职能转移", stages=LIVE,
                    stage_action="撤销")


@dataclass(frozen=True)
class DescribeTransfer:
    transfer_id: UUID


@dataclass(frozen=True)
class TransferState:
    """A transfer as its workflow knows it; ``status`` is None until it is proposed."""

    transfer_id: UUID
    status: TransferStatus | None = None
    version: int = 0
    item_id: UUID | None = None
    item_code: str = ""
    item_name: str = ""
    organization_id: UUID | None = None
    organization_name: str = ""
    mode: str = ""
    """转移, 授权 or 委托."""
    effective_from: date | None = None
    effective_until: date | None = None
    suspension_reason: str | None = None
    step_refused: str | None = None
    """A system step (a timer's command) the record refused as no longer applicable, with
    the domain's reason; the run then ended."""

    @property
    def ended(self) -> bool:
        """Rejected, revoked or expired, or a step of the run refused by the record."""
        return self.status in ENDED or self.step_refused is not None

    @classmethod
    def of(cls, transfer: FunctionTransfer) -> TransferState:
        """As recorded."""
        return cls(
            transfer_id=transfer.id, status=transfer.status, version=transfer.version,
            item_id=UUID(transfer.item_id), item_code=transfer.item_code,
            item_name=transfer.item_name, organization_id=UUID(transfer.organization_id),
            organization_name=transfer.organization_name, mode=transfer.mode.value,
            effective_from=transfer.effective_from, effective_until=transfer.effective_until,
            suspension_reason=transfer.suspension_reason,
        )

    def facts(self) -> TransferFacts:
        """What the domain's guards need; refuses with not-found before the proposal."""
        if self.status is None:
            raise transfer_not_found(self.transfer_id)
        return TransferFacts(item_code=self.item_code, item_name=self.item_name,
                             organization_name=self.organization_name, status=self.status)

    @property
    def takes_effect_at(self) -> datetime | None:
        """生效: 00:00 China time on the first day, once approved (and not yet effective)."""
        if self.status is not TransferStatus.APPROVED or self.effective_from is None:
            return None
        return start_of_day(self.effective_from)

    @property
    def expires_at(self) -> datetime | None:
        """到期: 00:00 China time after the last day, while the transfer is live."""
        if self.status not in LIVE or self.effective_until is None:
            return None
        return start_of_day(self.effective_until + ONE_DAY)

    @property
    def suspendable(self) -> bool:
        return self.status in _SUSPENDABLE


def suspension_reason(change: GradeChanged) -> str:
    """暂停理由 of a grade change: what changed, why, and that the committee reviews it."""
    if change.change == DOWNGRADED and change.to_level is not None:
        what = f"评估等级由 {change.from_level}A 降为 {change.to_level}A（降级：{change.reason}）"
    else:
        what = f"评估等级 {change.from_level}A 被{change.change}（{change.reason}）"
    return f"承接组织{what}，{change.decided_on.isoformat()} 起暂停，待市社工委审查"

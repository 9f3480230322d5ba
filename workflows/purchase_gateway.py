"""Purchase contracts' write side as the HTTP API sees it: each command is a workflow update.

Every call takes the command id (the client's ``Idempotency-Key``) as the update id,
so Temporal answers a repeated call with the first answer.  A refusal is raised as
the ``DomainError`` the domain raised.

The award (签订合同) starts the contract's workflow with it (update-with-start, using
the running workflow if there is one).  Every other command is an update of that
workflow: a command on a contract without one is refused as not found, and one on a
contract whose run has ended (closed or terminated) as being at no stage that takes
commands.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.workflow import UpdateMethodMultiParam

from domain.actors import Actor
from domain.aggregate import aggregate_id_for
from domain.catalogue.commands import CommandResult
from domain.purchase.contract import MilestonePlan
from domain.purchase.errors import ContractStageError
from domain.purchase.service import contract_not_found
from workflows.case_ids import purchase_contract_workflow_id
from workflows.case_updates import update_case
from workflows.failures import raise_refusal_in
from workflows.purchase_contract import PurchaseContractWorkflow
from workflows.purchase_messages import (
    AmendInput,
    ApprovePaymentInput,
    AwardInput,
    ConfirmProviderInput,
    ContractCommandInput,
    PurchaseContractInput,
    PurchaseContractState,
    PurchasePolicy,
    RecordReviewInput,
    ReportDeliveryInput,
    ReviewDeliveryInput,
    TerminateInput,
)

CommandT = TypeVar("CommandT", bound=ContractCommandInput)


class PurchaseGateway:
    """购买服务合同的写入口: from the award to the closing."""

    def __init__(self, client: Client, *, task_queue: str, policy: PurchasePolicy) -> None:
        self._client = client
        self._task_queue = task_queue
        self._policy = policy

    async def award(
        self, *, command_id: str, actor: Actor, item_id: UUID, organization_id: UUID,
        method: str, fiscal_year: int, amount_fen: int, term_start: date, term_end: date,
        milestones: tuple[MilestonePlan, ...], secured_and_stable: bool = False,
    ) -> CommandResult:
        """签订合同: starts the contract's workflow (id from ``command_id``); it is announced
        (公告) right after."""
        contract_id = aggregate_id_for(command_id)
        start: WithStartWorkflowOperation[PurchaseContractWorkflow, PurchaseContractState] = (
            WithStartWorkflowOperation(
                PurchaseContractWorkflow.run,
                PurchaseContractInput(contract_id=contract_id, policy=self._policy),
                id=purchase_contract_workflow_id(contract_id),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=self._task_queue,
            )
        )
        try:
            return await self._client.execute_update_with_start_workflow(
                PurchaseContractWorkflow.award,
                AwardInput(
                    command_id=command_id, actor=actor, item_id=item_id,
                    organization_id=organization_id, method=method, fiscal_year=fiscal_year,
                    amount_fen=amount_fen, term_start=term_start, term_end=term_end,
                    milestones=tuple(milestones), secured_and_stable=secured_and_stable,
                ),
                start_workflow_operation=start, id=command_id,
            )
        except WorkflowUpdateFailedError as error:
            raise_refusal_in(error)
            raise

    async def report_delivery(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        report: str,
    ) -> CommandResult:
        """交付 (the provider)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.report_delivery,
            ReportDeliveryInput(command_id=command_id, actor=actor, milestone_id=milestone_id,
                                report=report),
        )

    async def review_delivery(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        accepted: bool, findings: str,
    ) -> CommandResult:
        """验收 (the department)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.review_delivery,
            ReviewDeliveryInput(command_id=command_id, actor=actor, milestone_id=milestone_id,
                                accepted=accepted, findings=findings),
        )

    async def approve_payment(
        self, *, contract_id: UUID, command_id: str, actor: Actor, milestone_id: str,
        amount_fen: int,
    ) -> CommandResult:
        """支付审批 (finance)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.approve_payment,
            ApprovePaymentInput(command_id=command_id, actor=actor, milestone_id=milestone_id,
                                amount_fen=amount_fen),
        )

    async def amend(
        self, *, contract_id: UUID, command_id: str, actor: Actor, reason: str,
        added_fen: int = 0, added_milestone: MilestonePlan | None = None,
        term_end: date | None = None,
    ) -> CommandResult:
        """补充合同 (the department)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.amend,
            AmendInput(command_id=command_id, actor=actor, reason=reason, added_fen=added_fen,
                       added_milestone=added_milestone, term_end=term_end),
        )

    async def terminate(
        self, *, contract_id: UUID, command_id: str, actor: Actor, reason: str
    ) -> CommandResult:
        """终止合同 (the department)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.terminate,
            TerminateInput(command_id=command_id, actor=actor, reason=reason),
        )

    async def record_review(
        self, *, contract_id: UUID, command_id: str, actor: Actor, scores: dict[str, int],
        comment: str,
    ) -> CommandResult:
        """绩效评价 (the department, once the term is over)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.record_review,
            RecordReviewInput(command_id=command_id, actor=actor, scores=dict(scores),
                              comment=comment),
        )

    async def confirm_provider(
        self, *, contract_id: UUID, command_id: str, actor: Actor, note: str
    ) -> CommandResult:
        """复查后继续履行 (the department)."""
        return await self._update(
            contract_id, PurchaseContractWorkflow.confirm_provider,
            ConfirmProviderInput(command_id=command_id, actor=actor, note=note),
        )

    async def _update(
        self, contract_id: UUID,
        update: UpdateMethodMultiParam[[PurchaseContractWorkflow, CommandT], CommandResult],
        input: CommandT,
    ) -> CommandResult:
        handle = self._client.get_workflow_handle_for(
            PurchaseContractWorkflow.run, purchase_contract_workflow_id(contract_id))
        return await update_case(
            handle, update, input,
            not_found=lambda: contract_not_found(contract_id),
            terminated=lambda: ContractStageError(
                f"购买服务合同 {contract_id} 的流程已被终止，不再受理命令；请联系采购部门",
                field="contract_id"),
            ended=lambda state: ContractStageError(
                f"购买服务合同 {contract_id} 当前状态为"
                f"{state.status.value if state.status else '已结束'}，合同流程已办结，"
                f"不再受理命令", field="contract_id"),
        )

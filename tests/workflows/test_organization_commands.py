"""One-shot commands of the social-organization registry and of evaluators, as workflows on
the time-skipping server.

Each command is a workflow whose id follows from its command id: it records its event
once, a repeat answers with the first result, a refusal comes back as the domain's own
error and records nothing.  A downgrade or revocation also signals the organization's
live cases (for now: the grade's evaluation workflow) with the grade change.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import uuid4

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from api.ports import OrganizationCommands
from domain.actors import Actor, Role
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.grading.commands import DeclareEvaluatorAffiliations, RegisterEvaluator, RevokeGrade
from domain.grading.errors import DowngradeBasisNotOnRecordError
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
    complaint_id_for,
)
from domain.organizations.errors import (
    CreditCodeCheckCharacterError,
    OfficialOnBoardError,
    OrganizationAlreadyRegisteredError,
)
from domain.organizations.records import ComplianceItem, GradeStatus, InspectionResult
from tests.workflows.harness import notifications
from tests.workflows.record_organization_history import (
    COMMITTEE,
    Graded,
    downgrade,
    grade_service_centre,
    organization_worker,
    register_service_centre,
)
from workflows.grade_signals import GRADE_CHANGED_SIGNAL, GradeChanged, grade_evaluation_workflow_id
from workflows.organization_gateway import OrganizationGateway

ASSOCIATION_CODE = "51440700MJL000016A"


@workflow.defn(sandboxed=False)
class GradeChangeListener:
    """Stands in for a live case: keeps every grade change it is told, until finished."""

    def __init__(self) -> None:
        self.received: list[GradeChanged] = []
        self.finished = False

    @workflow.run
    async def run(self) -> list[GradeChanged]:
        await workflow.wait_condition(lambda: self.finished)
        return self.received

    @workflow.signal(name=GRADE_CHANGED_SIGNAL)
    def grade_changed(self, notice: GradeChanged) -> None:
        self.received.append(notice)

    @workflow.signal
    def finish(self) -> None:
        self.finished = True


CommandIds = Callable[[str], str]


@pytest.fixture
def cid() -> CommandIds:
    """This test's command ids: the Temporal server (and each ``command:<id>`` run on it)
    outlives a test, so every test names its commands apart."""
    run = uuid4().hex[:8]
    return lambda name: f"{name}@{run}"


@pytest.fixture
async def task_queue(env: WorkflowEnvironment, app: GovflowApplication) -> AsyncIterator[str]:
    """A worker with the organization commands and the stand-in live case."""
    async with organization_worker(env, app, extra_workflows=[GradeChangeListener]) as queue:
        yield queue


@pytest.fixture
def organizations(env: WorkflowEnvironment, task_queue: str) -> OrganizationGateway:
    return OrganizationGateway(env.client, task_queue=task_queue)


def event_names(app: GovflowApplication) -> list[str]:
    return [n.topic.rsplit(".", 1)[-1] for n in notifications(app)]


def register_association(command_id: str,
                         credit_code: str = ASSOCIATION_CODE) -> RegisterOrganization:
    """江门市养老服务协会, an industry association (社会团体, 行业协会商会)."""
    return RegisterOrganization(
        command_id=command_id, actor=COMMITTEE, credit_code=credit_code,
        name="江门市养老服务协会", category="社会团体", kind="行业协会商会", industry="养老",
        region_code="440700", registered_on=date(2019, 6, 1), full_time_staff=6,
    )


Listener = WorkflowHandle[GradeChangeListener, list[GradeChanged]]


@asynccontextmanager
async def listening(env: WorkflowEnvironment, task_queue: str,
                    graded: Graded) -> AsyncIterator[Listener]:
    """A live workflow under the id of the grade's evaluation workflow.

    Time stands still meanwhile: the listener has no timer, so the time-skipping server
    would otherwise jump to its execution timeout while a command's result is awaited.
    """
    with env.auto_time_skipping_disabled():
        yield await env.client.start_workflow(
            GradeChangeListener.run, id=grade_evaluation_workflow_id(graded.evaluation_id),
            task_queue=task_queue,
        )


async def told(handle: Listener) -> list[GradeChanged]:
    """Every grade change the listener was told (signals are delivered in order)."""
    await handle.signal(GradeChangeListener.finish)
    return await handle.result()


def test_organization_gateway_has_every_method_of_the_api_port_with_its_signature() -> None:
    # The API depends on the protocol (workflows may not import api/): keep them in step.
    commands = [name for name in vars(OrganizationCommands) if not name.startswith("_")]

    assert len(commands) == 15
    assert {name: inspect.signature(getattr(OrganizationGateway, name), eval_str=True)
            for name in commands} == {
        name: inspect.signature(getattr(OrganizationCommands, name), eval_str=True)
        for name in commands}


async def test_register_organization_records_registered_answers_credit_code(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    result = await organizations.register_organization(register_association(cid("register")))

    assert (result.code, result.replayed) == (ASSOCIATION_CODE, False)
    assert event_names(app) == ["Registered"]
    organization = app.get_organization(result.aggregate_id)
    assert (organization.name, organization.kind.value) == ("江门市养老服务协会", "行业协会商会")


async def test_record_commands_on_association_each_record_their_event_once(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    registered = await organizations.register_organization(register_association(cid("register")))
    organization_id = registered.aggregate_id
    own = Actor("he.secretary", Role.ORGANIZATION, str(organization_id))
    complaint_id = complaint_id_for(cid("complain"))
    commands: list[tuple[Callable[[Any], Awaitable[CommandResult]], Any]] = [
        (organizations.declare_compliance, DeclareCompliance(
            cid("declare"), own, organization_id, {item.value: True for item in ComplianceItem},
            date(2027, 1, 10))),
        (organizations.verify_compliance, VerifyCompliance(
            cid("verify"), COMMITTEE, organization_id, date(2027, 1, 20))),
        (organizations.elect_board_member, ElectBoardMember(
            cid("elect"), own, organization_id, "p-001", "梁会长", "会长", "无",
            date(2027, 2, 1))),
        (organizations.record_annual_inspection, RecordAnnualInspection(
            cid("inspect"), COMMITTEE, organization_id, 2026, "基本合格", date(2027, 3, 1))),
        (organizations.record_penalty, RecordPenalty(
            cid("penalty"), COMMITTEE, organization_id, "江民罚〔2027〕3号", "江门市民政局",
            date(2027, 4, 1), "未按规定公开会费标准")),
        (organizations.raise_credit_flag, RaiseCreditFlag(
            cid("flag"), COMMITTEE, organization_id, "异常名录", "未按时报送年报",
            date(2027, 4, 2))),
        (organizations.clear_credit_flag, ClearCreditFlag(
            cid("unflag"), COMMITTEE, organization_id, "异常名录", "已补报年报",
            date(2027, 5, 2))),
        (organizations.file_complaint, FileComplaint(
            cid("complain"), Actor("anonymous", Role.PUBLIC), organization_id, "林女士",
            "138-0000-0000", "会费收取标准未公开", date(2027, 5, 6))),
        (organizations.resolve_complaint, ResolveComplaint(
            cid("resolve"), COMMITTEE, organization_id, complaint_id, "已责令公开会费标准",
            date(2027, 5, 20))),
    ]

    first = [await send(command) for send, command in commands]
    again = [await send(command) for send, command in commands]

    assert [r.replayed for r in first] == [False] * len(commands)
    assert [r.replayed for r in again] == [True] * len(commands)
    assert [r.version for r in again] == [r.version for r in first] == list(range(2, 11))
    assert event_names(app) == [
        "Registered", "ComplianceDeclared", "ComplianceVerified", "BoardMemberElected",
        "AnnualInspectionRecorded", "PenaltyRecorded", "CreditFlagRaised", "CreditFlagCleared",
        "ComplaintFiled", "ComplaintResolved",
    ]
    organization = app.get_organization(organization_id)
    assert organization.compliance_verified_on == date(2027, 1, 20)
    assert organization.board["p-001"].name == "梁会长"
    assert organization.inspections[2026].result is InspectionResult.BASICALLY_PASSED
    assert list(organization.penalties) == ["江民罚〔2027〕3号"]
    assert [(f.flag.value, f.cleared_on) for f in organization.flags] == [
        ("异常名录", date(2027, 5, 2))]
    assert organization.complaints[complaint_id].outcome == "已责令公开会费标准"


async def test_register_evaluator_and_declare_affiliations_record_their_events(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    registered = await organizations.register_organization(register_association(cid("register")))
    evaluator = await organizations.register_evaluator(RegisterEvaluator(
        cid("register-evaluator"), COMMITTEE, "江门市社会组织评估中心", "0750-1234567"))
    declared = await organizations.declare_evaluator_affiliations(DeclareEvaluatorAffiliations(
        cid("affiliations"), COMMITTEE, evaluator.aggregate_id, (registered.aggregate_id,)))

    assert evaluator.aggregate_id == aggregate_id_for(cid("register-evaluator"))
    assert declared.aggregate_id == evaluator.aggregate_id
    assert event_names(app) == ["Registered", "Registered", "AffiliationsDeclared"]
    assert app.get_evaluator(evaluator.aggregate_id).is_affiliated_with(registered.aggregate_id)


async def test_register_organization_bad_check_character_raises_with_expected_character(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    with pytest.raises(CreditCodeCheckCharacterError) as refused:
        await organizations.register_organization(
            register_association(cid("register"), credit_code="51440700MJL000016B"))

    assert refused.value.detail == "统一社会信用代码 51440700MJL000016B 的校验码应为 A"
    assert refused.value.field == "credit_code"
    assert event_names(app) == []


async def test_register_organization_credit_code_twice_raises_already_registered(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    await organizations.register_organization(register_association(cid("register")))

    with pytest.raises(OrganizationAlreadyRegisteredError) as refused:
        await organizations.register_organization(register_association(cid("again")))

    assert refused.value.detail == (
        f"统一社会信用代码 {ASSOCIATION_CODE} 已登记为「江门市养老服务协会」，不能重复登记")
    assert event_names(app) == ["Registered"]


async def test_elect_serving_official_to_association_board_raises_official_on_board(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    registered = await organizations.register_organization(register_association(cid("register")))

    with pytest.raises(OfficialOnBoardError) as refused:
        await organizations.elect_board_member(ElectBoardMember(
            cid("elect-official"), COMMITTEE, registered.aggregate_id, "p-002", "陈科长",
            "副会长", "现职", date(2027, 2, 1)))

    assert refused.value.detail.startswith(
        "陈科长为现职国家机关工作人员，不能当选行业协会商会「江门市养老服务协会」的理事会成员")
    assert event_names(app) == ["Registered"]
    assert app.get_organization(registered.aggregate_id).board == {}


async def test_register_organization_same_command_id_twice_answers_first_result(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    first = await organizations.register_organization(register_service_centre(cid("register")))

    again = await organizations.register_organization(register_service_centre(cid("register")))

    assert again.replayed is True
    assert (again.aggregate_id, again.version, again.notification_id) == (
        first.aggregate_id, first.version, first.notification_id)
    assert event_names(app) == ["Registered"]


async def test_downgrade_grade_signals_live_evaluation_with_the_grade_change(
    env: WorkflowEnvironment, app: GovflowApplication, organizations: OrganizationGateway,
    task_queue: str, cid: CommandIds,
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))
    async with listening(env, task_queue, graded) as listener:
        result = await organizations.downgrade_grade(downgrade(graded, cid("downgrade")))
        notices = await told(listener)

    assert (result.aggregate_id, result.replayed) == (graded.organization_id, False)
    assert event_names(app)[-1] == "GradeDowngraded"
    assert app.get_organization(graded.organization_id).grades[-1].level == 3
    assert notices == [GradeChanged(
        organization_id=graded.organization_id, evaluation_id=graded.evaluation_id,
        change="降级", from_level=4, to_level=3, reason="2026 年度年检不合格，降低一级",
        decided_on=date(2027, 3, 2), command_id=cid("downgrade"),
    )]


async def test_revoke_grade_signals_live_evaluation_with_no_level_left(
    env: WorkflowEnvironment, app: GovflowApplication, organizations: OrganizationGateway,
    task_queue: str, cid: CommandIds,
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))
    async with listening(env, task_queue, graded) as listener:
        await organizations.revoke_grade(RevokeGrade(
            command_id=cid("revoke"), actor=COMMITTEE, organization_id=graded.organization_id,
            reason="弄虚作假骗取评估等级", decided_on=date(2027, 6, 1)))
        notices = await told(listener)

    assert app.get_organization(graded.organization_id).grades[-1].status is GradeStatus.REVOKED
    assert notices == [GradeChanged(
        organization_id=graded.organization_id, evaluation_id=graded.evaluation_id,
        change="撤销", from_level=4, to_level=None, reason="弄虚作假骗取评估等级",
        decided_on=date(2027, 6, 1), command_id=cid("revoke"),
    )]


async def test_downgrade_grade_no_live_evaluation_still_records_and_answers(
    app: GovflowApplication, organizations: OrganizationGateway, cid: CommandIds
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))

    result = await organizations.downgrade_grade(downgrade(graded, cid("downgrade")))

    assert result.replayed is False
    assert event_names(app)[-1] == "GradeDowngraded"
    assert app.get_organization(graded.organization_id).grades[-1].level == 3


async def test_revoke_grade_after_evaluation_ended_still_records_and_answers(
    env: WorkflowEnvironment, app: GovflowApplication, organizations: OrganizationGateway,
    task_queue: str, cid: CommandIds,
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))
    async with listening(env, task_queue, graded) as ended:
        assert await told(ended) == []

    result = await organizations.revoke_grade(RevokeGrade(
        command_id=cid("revoke"), actor=COMMITTEE, organization_id=graded.organization_id,
        reason="弄虚作假骗取评估等级", decided_on=date(2027, 6, 1)))

    assert result.replayed is False
    assert event_names(app)[-1] == "GradeRevoked"


async def test_downgrade_grade_fact_not_on_record_raises_records_and_tells_nothing(
    env: WorkflowEnvironment, app: GovflowApplication, organizations: OrganizationGateway,
    task_queue: str, cid: CommandIds,
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))
    recorded = event_names(app)
    async with listening(env, task_queue, graded) as listener:
        with pytest.raises(DowngradeBasisNotOnRecordError) as refused:
            await organizations.downgrade_grade(
                replace(downgrade(graded, cid("downgrade")), reference="2025"))
        notices = await told(listener)

    assert refused.value.detail.endswith("「蓬江区长者服务中心」的记录为：2025 年度未登记")
    assert event_names(app) == recorded
    assert notices == []


async def test_downgrade_grade_same_command_id_twice_records_and_tells_once(
    env: WorkflowEnvironment, app: GovflowApplication, organizations: OrganizationGateway,
    task_queue: str, cid: CommandIds,
) -> None:
    graded = grade_service_centre(app, evaluation_command=cid("apply"))
    async with listening(env, task_queue, graded) as listener:
        first = await organizations.downgrade_grade(downgrade(graded, cid("downgrade")))
        again = await organizations.downgrade_grade(downgrade(graded, cid("downgrade")))
        notices = await told(listener)

    assert (again.replayed, again.version) == (True, first.version)
    assert event_names(app).count("GradeDowngraded") == 1
    assert [notice.command_id for notice in notices] == [cid("downgrade")]

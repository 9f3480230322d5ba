"""The grade-evaluation workflow (等级评估), driven through the gateway as the HTTP API drives
it, on Temporal's time-skipping server and a real SQLite event store.

The module has a time-skipping server of its own: a five-year sleep here moves the clock
of every workflow on the server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.grading.commands import RevokeGrade
from domain.grading.errors import (
    AppealNotAllowedError,
    AppealNotEscalatedError,
    EvaluationNotDueError,
    EvaluationNotFoundError,
    EvaluationStageError,
    InvalidScoresError,
    OtherEvaluatorError,
)
from domain.grading.stages import AppealOutcome, EvaluationStatus
from domain.organizations.records import GradeStatus
from tests.workflows.harness import sqlite_env, start_time_skipping
from tests.workflows.record_grade_history import (
    COMMITTEE,
    REVISED_SCORES,
    SCORES,
    Grading,
    grading_world,
)
from tests.workflows.test_catalogue_item import CommitThenFailOnce
from workflows.grading_messages import GradingPolicy


@pytest.fixture(scope="module")
async def grading_env() -> AsyncIterator[WorkflowEnvironment]:
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
async def grading(
    grading_env: WorkflowEnvironment, app: GovflowApplication
) -> AsyncIterator[Grading]:
    async with grading_world(grading_env, app) as world:
        yield world


async def _history(grading: Grading, evaluation_id: UUID) -> list[EventType.ValueType]:
    history = await grading.handle(evaluation_id).fetch_history()
    return [event.event_type for event in history.events]


# --- the path to a confirmed grade ------------------------------------------------------


async def test_score_opens_seven_day_publicity_from_tomorrow_china_time(
    grading: Grading,
) -> None:
    evaluation_id = await grading.scored()
    today = await grading.today()

    state = await grading.state(evaluation_id)

    assert state.status is EvaluationStatus.PUBLICITY
    assert (state.total, state.level) == (780, 3)
    assert state.publicity_starts_on == today + timedelta(days=1)
    assert state.publicity_ends_on == today + timedelta(days=7)
    assert state.evaluator_id == grading.evaluator_id
    assert grading.events(evaluation_id) == ["Applied", "EvaluatorAssigned", "Scored"]


async def test_publicity_closes_at_midnight_after_last_day_not_before(grading: Grading) -> None:
    evaluation_id = await grading.scored()
    ends_on = (await grading.state(evaluation_id)).publicity_ends_on
    assert ends_on is not None

    await grading.sleep_until(start_of_day(ends_on + timedelta(days=1)) - timedelta(minutes=1))
    assert not (await grading.state(evaluation_id)).publicity_closed
    await grading.sleep_past(ends_on)
    state = await grading.until(evaluation_id, lambda s: s.publicity_closed)

    assert state.status is EvaluationStatus.AWAITING_CONFIRMATION
    assert grading.events(evaluation_id)[-1] == "PublicityClosed"
    assert grading.app.get_evaluation(evaluation_id).has_applied(
        f"grade-evaluation:{evaluation_id}:close-publicity")


async def test_upheld_appeal_revises_grade_then_confirmed_valid_to_fifth_year(
    grading: Grading,
) -> None:
    evaluation_id = await grading.scored()
    await grading.appeal(evaluation_id)
    filed_on = await grading.today()
    appealed = await grading.state(evaluation_id)
    assert appealed.status is EvaluationStatus.APPEALED
    assert appealed.appeal_answer_due_on == filed_on + timedelta(days=15)

    await grading.gateway.answer_appeal(
        evaluation_id=evaluation_id, command_id=f"answer-{uuid4()}", actor=grading.evaluator,
        upheld=True, answer="复核成立，内部治理得分调整为 330 分", revised_scores=REVISED_SCORES,
    )
    answered = await grading.state(evaluation_id)
    assert (answered.total, answered.level) == (810, 4)
    assert answered.appeal_outcome is AppealOutcome.UPHELD
    assert answered.status is EvaluationStatus.PUBLICITY  # the publicity period runs on

    await grading.publicity_over(evaluation_id)
    await grading.gateway.confirm(evaluation_id=evaluation_id, command_id=f"confirm-{uuid4()}",
                                  actor=COMMITTEE)
    confirmed_on = await grading.today()

    state = await grading.state(evaluation_id)
    assert state.status is EvaluationStatus.CONFIRMED
    assert state.confirmed_on == confirmed_on
    assert state.valid_from == date(confirmed_on.year + 1, 1, 1)
    assert state.valid_until == date(confirmed_on.year + 5, 12, 31)
    grade = grading.app.get_organization(grading.organization_id).grades[-1]
    assert (grade.level, grade.valid_from, grade.valid_until) == (
        4, state.valid_from, state.valid_until)
    assert grading.events(evaluation_id) == [
        "Applied", "EvaluatorAssigned", "Scored", "AppealFiled", "AppealAnswered",
        "PublicityClosed", "Confirmed",
    ]


async def test_rejected_appeal_keeps_preliminary_grade(grading: Grading) -> None:
    evaluation_id = await grading.scored()
    await grading.appeal(evaluation_id)

    await grading.gateway.answer_appeal(
        evaluation_id=evaluation_id, command_id=f"answer-{uuid4()}", actor=grading.evaluator,
        upheld=False, answer="满意度调查已计入社会评价，维持原评估结果",
    )
    await grading.publicity_over(evaluation_id)
    await grading.gateway.confirm(evaluation_id=evaluation_id, command_id=f"confirm-{uuid4()}",
                                  actor=COMMITTEE)

    state = await grading.state(evaluation_id)
    assert (state.total, state.level) == (780, 3)
    assert state.appeal_outcome is AppealOutcome.REJECTED
    assert grading.app.get_organization(grading.organization_id).grades[-1].level == 3


async def test_unanswered_appeal_escalated_after_fifteen_days_committee_answers(
    grading: Grading,
) -> None:
    evaluation_id = await grading.scored()
    await grading.appeal(evaluation_id)
    due_on = (await grading.state(evaluation_id)).appeal_answer_due_on
    assert due_on is not None

    await grading.sleep_until(start_of_day(due_on + timedelta(days=1)) - timedelta(minutes=1))
    waiting = await grading.until(evaluation_id, lambda s: s.publicity_closed)
    assert not waiting.appeal_escalated
    assert waiting.status is EvaluationStatus.APPEALED  # publicity over, the appeal open
    with pytest.raises(AppealNotEscalatedError):  # the evaluator's 15 days still run
        await grading.gateway.answer_appeal(
            evaluation_id=evaluation_id, command_id=f"answer-{uuid4()}", actor=COMMITTEE,
            upheld=False, answer="维持原评估结果")

    await grading.sleep_past(due_on)
    await grading.until(evaluation_id, lambda s: s.appeal_escalated)
    assert "AppealEscalated" in grading.events(evaluation_id)
    await grading.gateway.answer_appeal(
        evaluation_id=evaluation_id, command_id=f"answer-{uuid4()}", actor=COMMITTEE,
        upheld=True, answer="评估机构逾期未答复；经市社工委复核，复核成立",
        revised_scores=REVISED_SCORES,
    )

    state = await grading.state(evaluation_id)
    assert state.status is EvaluationStatus.AWAITING_CONFIRMATION
    assert state.level == 4
    answer = grading.app.get_evaluation(evaluation_id).appeal
    assert answer is not None and answer.answered_on == due_on + timedelta(days=1)


# --- after confirmation: expiry, downgrade, revocation -------------------------------


async def test_grade_lapses_day_after_fifth_year_run_completes(grading: Grading) -> None:
    evaluation_id = await grading.confirmed()
    valid_until = (await grading.state(evaluation_id)).valid_until
    assert valid_until is not None

    await grading.sleep_until(start_of_day(valid_until + timedelta(days=1)) - timedelta(hours=1))
    organization = grading.app.get_organization(grading.organization_id)
    assert organization.grades[-1].status is GradeStatus.VALID
    final = await grading.ended(evaluation_id)

    assert final.lapsed
    grade = grading.app.get_organization(grading.organization_id).grades[-1]
    assert grade.status is GradeStatus.LAPSED
    assert grade.status.value == "已到期"
    assert grading.events(grading.organization_id)[-1] == "GradeLapsed"
    assert (await _history(grading, evaluation_id))[-1] == (
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
    with pytest.raises(EvaluationStageError) as refused:
        await grading.gateway.confirm(evaluation_id=evaluation_id,
                                      command_id=f"confirm-{uuid4()}", actor=COMMITTEE)
    assert str(refused.value) == f"等级评估 {evaluation_id} 已办结（评估等级已到期），不再受理命令"


async def test_downgrade_signal_lowers_level_revocation_signal_ends_run(
    grading: Grading,
) -> None:
    evaluation_id = await grading.confirmed()

    await grading.signal(evaluation_id, "降级", 2)
    downgraded = await grading.until(evaluation_id, lambda s: s.level == 2)
    assert not downgraded.ended
    grading.app.revoke_grade(RevokeGrade(
        command_id=f"revoke-{uuid4()}", actor=COMMITTEE, organization_id=grading.organization_id,
        reason="弄虚作假骗取评估等级", decided_on=await grading.today()))
    await grading.signal(evaluation_id, "撤销", None)
    final = await grading.handle(evaluation_id).result()

    assert final.revoked and not final.lapsed
    assert final.level == 2
    history = await _history(grading, evaluation_id)
    assert EventType.EVENT_TYPE_TIMER_CANCELED in history  # the expiry timer
    assert "GradeLapsed" not in grading.events(grading.organization_id)


async def test_grade_revoked_without_signal_lapse_refused_run_ends_quietly(
    grading: Grading,
) -> None:
    evaluation_id = await grading.confirmed()
    grading.app.revoke_grade(RevokeGrade(
        command_id=f"revoke-{uuid4()}", actor=COMMITTEE, organization_id=grading.organization_id,
        reason="弄虚作假骗取评估等级", decided_on=await grading.today()))

    final = await grading.ended(evaluation_id)

    assert final.step_refused is not None and "无需到期处理" in final.step_refused
    assert not final.lapsed
    assert grading.events(grading.organization_id)[-1] == "GradeRevoked"


# --- refusals: the domain's words, nothing recorded -------------------------------------


async def test_appeal_after_publicity_refused_records_nothing(grading: Grading) -> None:
    evaluation_id = await grading.scored()
    state = await grading.publicity_over(evaluation_id)
    position = grading.position()

    with pytest.raises(AppealNotAllowedError) as refused:
        await grading.appeal(evaluation_id)

    assert str(refused.value) == (
        f"复核只能在公示期内申请（公示期至 {state.publicity_ends_on}）；当前阶段：待确认")
    assert grading.position() == position
    history = await _history(grading, evaluation_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 3


async def test_score_by_evaluator_not_assigned_refused_records_nothing(
    grading: Grading,
) -> None:
    evaluation_id = await grading.assigned()
    position = grading.position()

    with pytest.raises(OtherEvaluatorError) as refused:
        await grading.gateway.score(evaluation_id=evaluation_id, command_id=f"score-{uuid4()}",
                                    actor=grading.other_evaluator, scores=SCORES)

    assert str(refused.value) == (
        f"本次评估指派的评估机构为 {grading.evaluator_id}，"
        f"您所在的评估机构 {grading.other_evaluator_id} 不能评分")
    assert grading.position() == position
    assert (await grading.state(evaluation_id)).status is EvaluationStatus.ASSIGNED


async def test_confirm_during_open_appeal_refused_records_nothing(grading: Grading) -> None:
    evaluation_id = await grading.scored()
    await grading.appeal(evaluation_id)
    await grading.publicity_over(evaluation_id)
    position = grading.position()

    with pytest.raises(EvaluationStageError) as refused:
        await grading.gateway.confirm(evaluation_id=evaluation_id,
                                      command_id=f"confirm-{uuid4()}", actor=COMMITTEE)

    assert str(refused.value) == "复核申请尚未答复；答复后方可确认评估等级"
    assert grading.position() == position


async def test_command_on_unknown_evaluation_refused_not_found(grading: Grading) -> None:
    evaluation_id = aggregate_id_for(f"apply-{uuid4()}")

    with pytest.raises(EvaluationNotFoundError) as refused:
        await grading.gateway.assign_evaluator(
            evaluation_id=evaluation_id, command_id=f"assign-{uuid4()}", actor=COMMITTEE,
            evaluator_id=grading.evaluator_id)

    assert str(refused.value) == f"找不到等级评估 {evaluation_id}"


async def test_command_after_run_terminated_refused_at_no_stage(grading: Grading) -> None:
    evaluation_id = await grading.scored()
    await grading.handle(evaluation_id).terminate(reason="运维终止")

    with pytest.raises(EvaluationStageError) as refused:
        await grading.appeal(evaluation_id)

    assert str(refused.value) == (
        f"等级评估 {evaluation_id} 的流程已被终止，不再受理命令；请联系市社工委")


async def test_application_refused_by_domain_then_evaluation_not_found(
    grading: Grading,
) -> None:
    evaluation_id = await grading.confirmed()  # the grade stands until the fifth year
    position = grading.position()
    command_id = f"apply-{uuid4()}"

    with pytest.raises(EvaluationNotDueError):
        await grading.applied(command_id)
    with pytest.raises(EvaluationNotFoundError):
        await grading.gateway.assign_evaluator(
            evaluation_id=aggregate_id_for(command_id), command_id=f"assign-{uuid4()}",
            actor=COMMITTEE, evaluator_id=grading.evaluator_id)

    assert grading.position() == position
    assert (await grading.state(evaluation_id)).status is EvaluationStatus.CONFIRMED


async def test_scores_outside_dimensions_refused_by_domain_evaluator_may_score_again(
    grading: Grading,
) -> None:
    evaluation_id = await grading.assigned()
    position = grading.position()

    with pytest.raises(InvalidScoresError) as refused:
        await grading.gateway.score(evaluation_id=evaluation_id, command_id=f"score-{uuid4()}",
                                    actor=grading.evaluator, scores={**SCORES, "基础条件": 99})

    assert refused.value.field == "scores"
    assert "基础条件的得分应在 0 至 80 分之间（现为 99）" in str(refused.value)
    assert grading.position() == position
    assert (await grading.state(evaluation_id)).status is EvaluationStatus.ASSIGNED
    await grading.gateway.score(evaluation_id=evaluation_id, command_id=f"score-{uuid4()}",
                                actor=grading.evaluator, scores=SCORES)
    assert (await grading.state(evaluation_id)).status is EvaluationStatus.PUBLICITY


# --- idempotency ----------------------------------------------------------------------


async def test_repeated_command_id_answered_with_first_result_records_once(
    grading: Grading,
) -> None:
    apply_id = f"apply-{uuid4()}"
    evaluation_id = await grading.assigned(apply_id)
    command_id = f"score-{uuid4()}"
    first = await grading.gateway.score(evaluation_id=evaluation_id, command_id=command_id,
                                        actor=grading.evaluator, scores=SCORES)
    position = grading.position()

    again = await grading.gateway.score(evaluation_id=evaluation_id, command_id=command_id,
                                        actor=grading.evaluator, scores=SCORES)
    applied_again = await grading.applied(apply_id)

    assert again == first
    assert applied_again == evaluation_id
    assert grading.position() == position
    assert grading.events(evaluation_id).count("Scored") == 1
    history = await _history(grading, evaluation_id)
    assert history.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 3


async def test_score_activity_fails_after_commit_retried_records_once(
    grading_env: WorkflowEnvironment, sqlite_path: Path,
) -> None:
    app = CommitThenFailOnce(sqlite_env(sqlite_path), event_name="Scored")
    async with grading_world(grading_env, app) as grading:
        evaluation_id = await grading.assigned()
        scored = await grading.gateway.score(
            evaluation_id=evaluation_id, command_id=f"score-{uuid4()}", actor=grading.evaluator,
            scores=SCORES)
        state = await grading.state(evaluation_id)

    assert app.failures == 1
    assert scored.replayed  # answered by the retry
    assert grading.events(evaluation_id).count("Scored") == 1
    assert state.status is EvaluationStatus.PUBLICITY
    assert state.version == scored.version == 3


# --- settings -------------------------------------------------------------------------


async def test_policy_publicity_and_answer_days_are_settings(
    grading_env: WorkflowEnvironment, app: GovflowApplication,
) -> None:
    async with grading_world(grading_env, app,
                             policy=GradingPolicy(publicity_days=5, appeal_answer_days=10)
                             ) as grading:
        evaluation_id = await grading.scored()
        today = await grading.today()
        await grading.appeal(evaluation_id)
        state = await grading.state(evaluation_id)

    assert state.publicity_ends_on == today + timedelta(days=5)
    assert state.appeal_answer_due_on == today + timedelta(days=10)


@pytest.mark.parametrize(("publicity_days", "appeal_answer_days"), [(0, 15), (7, 0)])
def test_policy_with_no_days_refused(publicity_days: int, appeal_answer_days: int) -> None:
    with pytest.raises(ValueError, match="must be at least 1"):
        GradingPolicy(publicity_days=publicity_days, appeal_answer_days=appeal_answer_days)


"""登记既有评估等级 on the time-skipping server: the grade stands, then lapses by itself
at 00:00 China time after 31 December of its fifth year — or stops waiting once revoked."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.calendar import start_of_day
from domain.grading.commands import RecordExistingGrade, RevokeGrade
from domain.grading.errors import GradeAlreadyRecordedError, InvalidGradeLevelError
from domain.organizations.records import GradeStatus
from tests.workflows.harness import sqlite_env, start_time_skipping
from tests.workflows.record_organization_history import (
    organization_worker,
    register_service_centre,
)
from workflows.grade_signals import grade_evaluation_workflow_id
from workflows.organization_gateway import OrganizationGateway

COMMITTEE = Actor("zhou.min", Role.COMMITTEE)


@pytest.fixture(scope="module")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    # Its own server: this module skips years.
    async with await start_time_skipping() as environment:
        yield environment


@pytest.fixture
def app(tmp_path: Path) -> AsyncIterator[GovflowApplication]:
    application = GovflowApplication(sqlite_env(tmp_path / "events.sqlite3"))
    yield application
    application.close()


def existing(organization_id: object, *, today: date, confirmed_on: date, level: int = 4,
             certificate: str | None = None) -> RecordExistingGrade:
    return RecordExistingGrade(
        command_id=f"existing-{uuid4()}", actor=COMMITTEE, organization_id=organization_id,  # type: ignore[arg-type]
        level=level, confirmed_on=confirmed_on,
        certificate_number=certificate or f"江社评〔2025〕{uuid4().hex[:6]}号",
        evaluator_name="江门市社会组织评估服务中心", recorded_on=today)


async def test_existing_grade_stands_then_lapses_after_its_fifth_year(
    env: WorkflowEnvironment, app: GovflowApplication,
) -> None:
    organization_id = app.register_organization(
        register_service_centre(f"register-{uuid4()}")).aggregate_id
    today = (await env.get_current_time()).astimezone(UTC).date()
    confirmed_on = date(today.year - 1, 11, 20)
    command = existing(organization_id, today=today, confirmed_on=confirmed_on)
    async with organization_worker(env, app) as task_queue:
        gateway = OrganizationGateway(env.client, task_queue=task_queue)
        with env.auto_time_skipping_disabled():
            await gateway.record_existing_grade(command)
        (grade,) = app.get_organization(organization_id).grades
        assert (grade.level, grade.valid_from, grade.valid_until, grade.status) == (
            4, date(today.year, 1, 1), date(today.year + 4, 12, 31), GradeStatus.VALID)

        expiry = env.client.get_workflow_handle(grade_evaluation_workflow_id(command.grade_id))
        lapses_at = start_of_day(date(today.year + 5, 1, 1))
        await env.sleep(lapses_at - timedelta(hours=1) - await env.get_current_time())
        assert (await expiry.describe()).status == WorkflowExecutionStatus.RUNNING
        await _skip_until_closed(env, expiry, by=timedelta(hours=2))
        assert await expiry.result() is True

    (grade,) = app.get_organization(organization_id).grades
    assert grade.status is GradeStatus.LAPSED


async def test_revoked_existing_grade_stops_waiting_for_its_expiry(
    env: WorkflowEnvironment, app: GovflowApplication,
) -> None:
    organization_id = app.register_organization(
        register_service_centre(f"register-{uuid4()}")).aggregate_id
    today = (await env.get_current_time()).astimezone(UTC).date()
    command = existing(organization_id, today=today, confirmed_on=date(today.year - 1, 6, 1))
    async with organization_worker(env, app) as task_queue:
        gateway = OrganizationGateway(env.client, task_queue=task_queue)
        with env.auto_time_skipping_disabled():
            await gateway.record_existing_grade(command)
            await gateway.revoke_grade(RevokeGrade(
                command_id=f"revoke-{uuid4()}", actor=COMMITTEE, organization_id=organization_id,
                reason="以虚假材料取得评估等级", decided_on=today))
            expiry = env.client.get_workflow_handle(
                grade_evaluation_workflow_id(command.grade_id))
            assert await expiry.result() is False

    (grade,) = app.get_organization(organization_id).grades
    assert grade.status is GradeStatus.REVOKED


async def test_existing_grade_refusals_record_nothing(
    env: WorkflowEnvironment, app: GovflowApplication,
) -> None:
    organization_id = app.register_organization(
        register_service_centre(f"register-{uuid4()}")).aggregate_id
    today = (await env.get_current_time()).astimezone(UTC).date()
    first = existing(organization_id, today=today, confirmed_on=date(today.year - 1, 6, 1),
                     certificate="江社评〔2025〕17号")
    async with organization_worker(env, app) as task_queue:
        gateway = OrganizationGateway(env.client, task_queue=task_queue)
        with env.auto_time_skipping_disabled():
            await gateway.record_existing_grade(first)
            before = app.recorder.max_notification_id()
            with pytest.raises(GradeAlreadyRecordedError, match="江社评〔2025〕17号 已登记"):
                await gateway.record_existing_grade(existing(
                    organization_id, today=today, confirmed_on=date(today.year - 1, 6, 1),
                    certificate="江社评〔2025〕17号"))
            with pytest.raises(InvalidGradeLevelError, match="应为 1–5"):
                await gateway.record_existing_grade(existing(
                    organization_id, today=today, confirmed_on=date(today.year - 1, 6, 1),
                    level=6))
            with pytest.raises(InvalidGradeLevelError, match="只能登记已确认的等级"):
                await gateway.record_existing_grade(existing(
                    organization_id, today=today, confirmed_on=today + timedelta(days=3)))
            assert app.recorder.max_notification_id() == before
        await env.client.get_workflow_handle(
            grade_evaluation_workflow_id(first.grade_id)).terminate("test over")


async def _skip_until_closed(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], *,
                             by: timedelta) -> None:
    """Skip time until ``handle``'s run has closed.  The test server's sleep does not return
    once a child whose parent has closed completes during it, so the sleep is left behind
    as soon as the run is seen closed."""
    sleeping = asyncio.create_task(env.sleep(by))
    try:
        for _ in range(200):
            if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{handle.id} still running after skipping {by}")
    finally:
        sleeping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sleeping

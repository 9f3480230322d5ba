"""Short-hands of the /organizations, /evaluators and /grade-evaluations tests: the
organizations seeded in the domain, and the view rows the fake views serve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import GovflowApplication
from domain.grading.commands import (
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    RegisterEvaluator,
    ScoreEvaluation,
)
from domain.organizations.commands import RegisterOrganization
from domain.organizations.organization import SocialOrganization
from domain.organizations.records import ComplianceItem
from projections.organization_rows import EvaluationRow, EvaluatorRow, GradeRow, OrganizationRow

TODAY = date(2027, 3, 23)
"""The test clock's day in Jiangmen (tests.api.conftest ``clock``)."""
MOMENT = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)

SEEDER = Actor(user="zhou.committee", role=Role.COMMITTEE)

CENTRE_CODE = "52440703MJL000016J"
CENTRE = "蓬江区长者服务中心"
ASSOCIATION_CODE = "51440700MJL000016A"
ASSOCIATION = "江门市养老服务协会"

ALL_COMPLIANT = {item.value: True for item in ComplianceItem}

CENTRE_BODY: dict[str, Any] = {
    "credit_code": CENTRE_CODE, "name": CENTRE, "category": "民办非企业单位",
    "kind": "社会服务类", "industry": "养老服务", "region_code": "440703",
    "registered_on": "2020-05-08", "full_time_staff": 4,
}
ASSOCIATION_BODY: dict[str, Any] = {
    "credit_code": ASSOCIATION_CODE, "name": ASSOCIATION, "category": "社会团体",
    "kind": "行业协会商会", "industry": "养老服务", "region_code": "440700",
    "registered_on": "2019-09-01", "full_time_staff": 6,
}
SOCIAL_SERVICE_SCORES = {"基础条件": 70, "内部治理": 300, "业务活动和诚信建设": 320, "社会评价": 90}
"""A 民办非企业单位's scores: 780 points, 3A."""


def register(application: GovflowApplication, body: dict[str, Any]) -> UUID:
    """Register the organization ``body`` describes, as the committee did before the test."""
    application.register_organization(RegisterOrganization(
        command_id=f"seed:organization:{body['credit_code']}", actor=SEEDER,
        **{**body, "registered_on": date.fromisoformat(body["registered_on"])}))
    return SocialOrganization.create_id(body["credit_code"])


def register_evaluator(application: GovflowApplication,
                       name: str = "江门市社会组织评估中心") -> UUID:
    return application.register_evaluator(RegisterEvaluator(
        command_id=f"seed:evaluator:{name}", actor=SEEDER, name=name,
        contact="0750-1234567")).aggregate_id


@dataclass(frozen=True)
class Seeded:
    """蓬江区长者服务中心 and 江门市养老服务协会 in the domain, and one evaluator."""

    centre: UUID
    association: UUID
    evaluator: UUID


def seed(application: GovflowApplication) -> Seeded:
    return Seeded(centre=register(application, CENTRE_BODY),
                  association=register(application, ASSOCIATION_BODY),
                  evaluator=register_evaluator(application))


# --- view rows ------------------------------------------------------------------------------


def organization_row(**overrides: Any) -> OrganizationRow:
    """蓬江区长者服务中心 as the organizations view shows it, with ``overrides``."""
    values: dict[str, Any] = {
        "id": SocialOrganization.create_id(CENTRE_CODE), "credit_code": CENTRE_CODE,
        "name": CENTRE, "category": "民办非企业单位", "kind": "社会服务类",
        "industry": "养老服务", "region_code": "440703", "region_name": "蓬江区",
        "registered_on": date(2020, 5, 8), "full_time_staff": 4, "compliance": {},
        "compliance_declared_on": None, "compliance_verified_on": None, "board": [],
        "inspections": [], "penalties": [], "flags": [], "complaints": [],
        "grade_level": None, "grade_valid_from": None, "grade_valid_until": None,
        "open_evaluation_id": None, "registered_at": MOMENT, "updated_at": MOMENT,
        "version": 1, "last_notification_id": 1,
    }
    values.update(overrides)
    return OrganizationRow(**values)


def association_row(**overrides: Any) -> OrganizationRow:
    """江门市养老服务协会 (an industry association) as the view shows it."""
    return organization_row(**{
        "id": SocialOrganization.create_id(ASSOCIATION_CODE), "credit_code": ASSOCIATION_CODE,
        "name": ASSOCIATION, "category": "社会团体", "kind": "行业协会商会",
        "region_code": "440700", "region_name": "江门市", "registered_on": date(2019, 9, 1),
        **overrides})


def grade_row(organization: OrganizationRow, *, level: int = 4,
              confirmed_on: date = date(2025, 11, 20), status: str = "有效",
              **overrides: Any) -> GradeRow:
    """A grade the organization was awarded (valid for the five years after confirmation)."""
    first = confirmed_on.year + 1
    values: dict[str, Any] = {
        "evaluation_id": uuid4(), "organization_id": organization.id,
        "organization_name": organization.name, "credit_code": organization.credit_code,
        "awarded_level": level, "level": level, "confirmed_on": confirmed_on,
        "valid_from": date(first, 1, 1), "valid_until": date(first + 4, 12, 31),
        "status": status, "changes": [], "updated_at": MOMENT, "last_notification_id": 2,
    }
    values.update(overrides)
    return GradeRow(**values)


def evaluation_row(**overrides: Any) -> EvaluationRow:
    """蓬江区长者服务中心's evaluation in publicity, appealed, as the view shows it."""
    values: dict[str, Any] = {
        "id": uuid4(), "organization_id": SocialOrganization.create_id(CENTRE_CODE),
        "organization_name": CENTRE, "credit_code": CENTRE_CODE, "category": "民办非企业单位",
        "applied_on": date(2027, 3, 1), "applied_by_role": "organization",
        "status": "复核中", "evaluator_id": uuid4(), "evaluator_name": "江门市社会组织评估中心",
        "scores": dict(SOCIAL_SERVICE_SCORES), "total": 780, "level": 3,
        "publicity_starts_on": date(2027, 3, 15), "publicity_ends_on": date(2027, 3, 21),
        "publicity_closed": False, "appeal_reason": "社会评价得分偏低",
        "appeal_filed_on": date(2027, 3, 17), "appeal_answer_due_on": date(2027, 4, 1),
        "appeal_escalated": False, "appeal_outcome": None, "appeal_answer": None,
        "appeal_answered_on": None, "confirmed_on": None, "created_at": MOMENT,
        "updated_at": MOMENT, "version": 4, "last_notification_id": 9,
    }
    values.update(overrides)
    return EvaluationRow(**values)


def evaluator_row(**overrides: Any) -> EvaluatorRow:
    values: dict[str, Any] = {
        "id": uuid4(), "name": "江门市社会组织评估中心", "contact": "0750-1234567",
        "affiliations": [], "open_evaluations": 2, "confirmed_evaluations": 5,
        "registered_at": MOMENT, "updated_at": MOMENT, "version": 1, "last_notification_id": 3,
    }
    values.update(overrides)
    return EvaluatorRow(**values)


def award_grade(application: GovflowApplication, organization_id: UUID, evaluator_id: UUID,
                *, on: date = TODAY) -> UUID:
    """Run an evaluation of the organization through to a confirmed 3A, all on ``on``."""
    evaluator = Actor(user="wu.evaluator", role=Role.EVALUATOR, scope=str(evaluator_id))
    evaluation_id = application.apply_for_evaluation(ApplyForEvaluation(
        command_id=f"seed:apply:{organization_id}", actor=SEEDER,
        organization_id=organization_id, applied_on=on)).aggregate_id
    application.assign_evaluator(AssignEvaluator(
        command_id=f"seed:assign:{evaluation_id}", actor=SEEDER, evaluation_id=evaluation_id,
        evaluator_id=evaluator_id))
    application.score_evaluation(ScoreEvaluation(
        command_id=f"seed:score:{evaluation_id}", actor=evaluator, evaluation_id=evaluation_id,
        scores=SOCIAL_SERVICE_SCORES, publicity_starts_on=on, publicity_ends_on=on))
    application.close_evaluation_publicity(CloseEvaluationPublicity(
        command_id=f"seed:close:{evaluation_id}", actor=SYSTEM_ACTOR,
        evaluation_id=evaluation_id))
    application.confirm_grade(ConfirmGrade(
        command_id=f"seed:confirm:{evaluation_id}", actor=SEEDER, evaluation_id=evaluation_id,
        confirmed_on=on))
    return evaluation_id

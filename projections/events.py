"""The domain events the projections handle, named so that mypy can see them.

The ``@event`` decorator creates these classes when the aggregate class is
defined, out of a type checker's sight; the projections refer to them from here.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from domain.agency.agency import ConsultingAgency
from domain.catalogue.item import CatalogueItem
from domain.catalogue.numbering import CatalogueNumbering
from domain.grading.evaluation import GradeEvaluation
from domain.grading.evaluator import ThirdPartyEvaluator
from domain.organizations.organization import SocialOrganization
from domain.registry.departments import RegisteredDepartment

ITEM_DRAFTED: type[Any] = CatalogueItem.Drafted  # type: ignore[attr-defined]
ITEM_REVISED: type[Any] = CatalogueItem.Revised  # type: ignore[attr-defined]
ITEM_PUBLISHED: type[Any] = CatalogueItem.Published  # type: ignore[attr-defined]
ITEM_PUBLICITY_CLOSED: type[Any] = CatalogueItem.PublicityClosed  # type: ignore[attr-defined]
ITEM_WITHDRAWN: type[Any] = CatalogueItem.Withdrawn  # type: ignore[attr-defined]
ITEM_VERSION_PUBLISHED: type[Any] = CatalogueItem.VersionPublished  # type: ignore[attr-defined]
ITEM_BUDGET_ALLOCATED: type[Any] = CatalogueItem.BudgetAllocated  # type: ignore[attr-defined]
ITEM_REFERRED: type[Any] = CatalogueItem.Referred  # type: ignore[attr-defined]
ITEM_REFERRAL_REMINDED: type[Any] = CatalogueItem.ReferralReminded  # type: ignore[attr-defined]
ITEM_REFERRAL_ESCALATED: type[Any] = CatalogueItem.ReferralEscalated  # type: ignore[attr-defined]
ITEM_REFERRAL_EXTENDED: type[Any] = CatalogueItem.ReferralExtended  # type: ignore[attr-defined]
ITEM_OPINION_GIVEN: type[Any] = CatalogueItem.OpinionGiven  # type: ignore[attr-defined]
ITEM_DECIDED: type[Any] = CatalogueItem.Decided  # type: ignore[attr-defined]
ITEM_RETENTION_REVIEWED: type[Any] = CatalogueItem.RetentionReviewed  # type: ignore[attr-defined]
NUMBERING_STARTED: type[Any] = CatalogueNumbering.Started  # type: ignore[attr-defined]
NUMBERING_ISSUED: type[Any] = CatalogueNumbering.Issued  # type: ignore[attr-defined]
NUMBERING_RANGE_ISSUED: type[Any] = CatalogueNumbering.RangeIssued  # type: ignore[attr-defined]
DEPARTMENT_REGISTERED: type[Any] = RegisteredDepartment.Registered  # type: ignore[attr-defined]
AGENCY_ESTABLISHED: type[Any] = ConsultingAgency.Established  # type: ignore[attr-defined]
EXPERT_APPOINTED: type[Any] = ConsultingAgency.ExpertAppointed  # type: ignore[attr-defined]
AFFILIATIONS_DECLARED: type[Any] = (
    ConsultingAgency.AffiliationsDeclared  # type: ignore[attr-defined]
)
EXPERT_REMOVED: type[Any] = ConsultingAgency.ExpertRemoved  # type: ignore[attr-defined]

_ORG = SocialOrganization
ORGANIZATION_REGISTERED: type[Any] = _ORG.Registered  # type: ignore[attr-defined]
COMPLIANCE_DECLARED: type[Any] = _ORG.ComplianceDeclared  # type: ignore[attr-defined]
COMPLIANCE_VERIFIED: type[Any] = _ORG.ComplianceVerified  # type: ignore[attr-defined]
BOARD_MEMBER_ELECTED: type[Any] = _ORG.BoardMemberElected  # type: ignore[attr-defined]
INSPECTION_RECORDED: type[Any] = _ORG.AnnualInspectionRecorded  # type: ignore[attr-defined]
PENALTY_RECORDED: type[Any] = _ORG.PenaltyRecorded  # type: ignore[attr-defined]
CREDIT_FLAG_RAISED: type[Any] = _ORG.CreditFlagRaised  # type: ignore[attr-defined]
CREDIT_FLAG_CLEARED: type[Any] = _ORG.CreditFlagCleared  # type: ignore[attr-defined]
COMPLAINT_FILED: type[Any] = _ORG.ComplaintFiled  # type: ignore[attr-defined]
COMPLAINT_RESOLVED: type[Any] = _ORG.ComplaintResolved  # type: ignore[attr-defined]
EVALUATION_OPENED: type[Any] = _ORG.EvaluationOpened  # type: ignore[attr-defined]
GRADE_AWARDED: type[Any] = _ORG.GradeAwarded  # type: ignore[attr-defined]
GRADE_DOWNGRADED: type[Any] = _ORG.GradeDowngraded  # type: ignore[attr-defined]
GRADE_REVOKED: type[Any] = _ORG.GradeRevoked  # type: ignore[attr-defined]
GRADE_LAPSED: type[Any] = _ORG.GradeLapsed  # type: ignore[attr-defined]
EVALUATOR_REGISTERED: type[Any] = ThirdPartyEvaluator.Registered  # type: ignore[attr-defined]
EVALUATOR_AFFILIATIONS_DECLARED: type[Any] = (
    ThirdPartyEvaluator.AffiliationsDeclared  # type: ignore[attr-defined]
)
EVALUATION_APPLIED: type[Any] = GradeEvaluation.Applied  # type: ignore[attr-defined]
EVALUATOR_ASSIGNED: type[Any] = GradeEvaluation.EvaluatorAssigned  # type: ignore[attr-defined]
EVALUATION_SCORED: type[Any] = GradeEvaluation.Scored  # type: ignore[attr-defined]
EVALUATION_PUBLICITY_CLOSED: type[Any] = (
    GradeEvaluation.PublicityClosed  # type: ignore[attr-defined]
)
APPEAL_FILED: type[Any] = GradeEvaluation.AppealFiled  # type: ignore[attr-defined]
APPEAL_ESCALATED: type[Any] = GradeEvaluation.AppealEscalated  # type: ignore[attr-defined]
APPEAL_ANSWERED: type[Any] = GradeEvaluation.AppealAnswered  # type: ignore[attr-defined]
EVALUATION_CONFIRMED: type[Any] = GradeEvaluation.Confirmed  # type: ignore[attr-defined]


def event_values(event: Any) -> dict[str, Any]:
    """An event's attributes by name (events are frozen dataclasses)."""
    return {f.name: getattr(event, f.name) for f in fields(event)}

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
from domain.purchase.contract import PurchaseContract
from domain.registry.departments import RegisteredDepartment
from domain.reporting.acceptance import AcceptanceReview
from domain.reporting.report import QuarterlyReport
from domain.transfer.staffing import StaffingRequest
from domain.transfer.transfer import FunctionTransfer

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
GRADE_CERTIFICATE_RECORDED: type[Any] = (
    _ORG.GradeCertificateRecorded  # type: ignore[attr-defined]
)
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
ITEM_UNDERTAKEN: type[Any] = (
    CatalogueItem.Undertaken  # type: ignore[attr-defined]
)
ITEM_COMMITMENT_CHANGED: type[Any] = (
    CatalogueItem.CommitmentChanged  # type: ignore[attr-defined]
)
ITEM_UNDERTAKING_ENDED: type[Any] = (
    CatalogueItem.UndertakingEnded  # type: ignore[attr-defined]
)
UNDERTAKING_STARTED: type[Any] = (
    _ORG.UndertakingStarted  # type: ignore[attr-defined]
)
UNDERTAKING_ENDED: type[Any] = (
    _ORG.UndertakingEnded  # type: ignore[attr-defined]
)
PERFORMANCE_BARRED: type[Any] = (
    _ORG.PerformanceBarred  # type: ignore[attr-defined]
)
TRANSFER_PROPOSED: type[Any] = (
    FunctionTransfer.Proposed  # type: ignore[attr-defined]
)
TRANSFER_APPROVED: type[Any] = (
    FunctionTransfer.Approved  # type: ignore[attr-defined]
)
TRANSFER_REJECTED: type[Any] = (
    FunctionTransfer.Rejected  # type: ignore[attr-defined]
)
TRANSFER_TOOK_EFFECT: type[Any] = (
    FunctionTransfer.TookEffect  # type: ignore[attr-defined]
)
TRANSFER_SUSPENDED: type[Any] = (
    FunctionTransfer.Suspended  # type: ignore[attr-defined]
)
TRANSFER_RESUMED: type[Any] = (
    FunctionTransfer.Resumed  # type: ignore[attr-defined]
)
TRANSFER_REVOKED: type[Any] = (
    FunctionTransfer.Revoked  # type: ignore[attr-defined]
)
TRANSFER_EXPIRED: type[Any] = (
    FunctionTransfer.Expired  # type: ignore[attr-defined]
)
STAFFING_REQUESTED: type[Any] = (
    StaffingRequest.Requested  # type: ignore[attr-defined]
)
STAFFING_FLAGGED: type[Any] = (
    StaffingRequest.Flagged  # type: ignore[attr-defined]
)
STAFFING_DECIDED: type[Any] = (
    StaffingRequest.Decided  # type: ignore[attr-defined]
)
CONTRACT_AWARDED: type[Any] = (
    PurchaseContract.Awarded  # type: ignore[attr-defined]
)
CONTRACT_ANNOUNCED: type[Any] = (
    PurchaseContract.Announced  # type: ignore[attr-defined]
)
MILESTONE_DELIVERED: type[Any] = (
    PurchaseContract.MilestoneDelivered  # type: ignore[attr-defined]
)
MILESTONE_ACCEPTED: type[Any] = (
    PurchaseContract.MilestoneAccepted  # type: ignore[attr-defined]
)
MILESTONE_REJECTED: type[Any] = (
    PurchaseContract.MilestoneRejected  # type: ignore[attr-defined]
)
MILESTONE_OVERDUE: type[Any] = (
    PurchaseContract.MilestoneOverdue  # type: ignore[attr-defined]
)
PAYMENT_APPROVED: type[Any] = (
    PurchaseContract.PaymentApproved  # type: ignore[attr-defined]
)
CONTRACT_AMENDED: type[Any] = (
    PurchaseContract.Amended  # type: ignore[attr-defined]
)
CONTRACT_TERMINATED: type[Any] = (
    PurchaseContract.Terminated  # type: ignore[attr-defined]
)
REVIEW_OPENED: type[Any] = (
    PurchaseContract.ReviewOpened  # type: ignore[attr-defined]
)
CONTRACT_REVIEWED: type[Any] = (
    PurchaseContract.Reviewed  # type: ignore[attr-defined]
)
CONTRACT_CLOSED: type[Any] = (
    PurchaseContract.Closed  # type: ignore[attr-defined]
)
PROVIDER_GRADE_CHANGED: type[Any] = (
    PurchaseContract.ProviderGradeChanged  # type: ignore[attr-defined]
)
PROVIDER_CONFIRMED: type[Any] = (
    PurchaseContract.ProviderConfirmed  # type: ignore[attr-defined]
)

REPORT_OPENED: type[Any] = QuarterlyReport.Opened  # type: ignore[attr-defined]
REPORT_NARRATIVE_SAVED: type[Any] = QuarterlyReport.NarrativeSaved  # type: ignore[attr-defined]
REPORT_SUBMITTED: type[Any] = QuarterlyReport.Submitted  # type: ignore[attr-defined]
REPORT_ESCALATED: type[Any] = QuarterlyReport.Escalated  # type: ignore[attr-defined]
ACCEPTANCE_OPENED: type[Any] = AcceptanceReview.Opened  # type: ignore[attr-defined]
ACCEPTANCE_SCORED: type[Any] = AcceptanceReview.Scored  # type: ignore[attr-defined]


def event_values(event: Any) -> dict[str, Any]:
    """An event's attributes by name (events are frozen dataclasses)."""
    return {f.name: getattr(event, f.name) for f in fields(event)}

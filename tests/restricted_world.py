"""A world in which restricted things exist beside the public record, for the disclosure
tests of the feed and of the API (信息公开).

``write_restricted_world(store)`` records, through the domain, a little of everything
public (grades, credit flags, complaints and their outcomes, transfers, contracts with
their payments and reviews) and, beside it, what must never reach the public: a draft
item, a draft's name from before its publication, a retention's justification and the
committee's comment on it, an escalated referral, a board member's public office and
retirement date, who complained (a named member of the public and an organization's
user), an evaluation's appeal, and staffing requests.  ``RESTRICTED`` holds the values
that must appear in no public answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.actors import Actor, Role
from domain.catalogue.commands import ReviseCatalogueItem
from domain.organizations.commands import ElectBoardMember, FileComplaint, RegisterOrganization
from domain.transfer.commands import RequestStaffing
from tests.cases import Cases
from tests.domain.conftest import item_fields
from tests.projections.conftest import COMMITTEE, MZJ, Store, officer
from tests.projections.test_contract_views import write_case_history
from tests.projections.test_evaluation_views import write_grading_history
from tests.projections.test_organization_views import (
    COMPLAINANT_CONTACT,
    COMPLAINANT_NAME,
    SERVICE,
    credit_code,
)

DRAFT_NAME = "内部草稿：社区矫正辅助服务"
DRAFT_DESCRIPTION = "尚未发布的草稿说明：试点方案未定"
EARLY_DRAFT_NAME = "暂定名称：长者助浴试点"
"""The name a published item had as a draft, before its revision and publication."""
PUBLISHED_NAME = "社区长者助浴服务"
RETENTION_JUSTIFICATION = "保留理由（内部）：涉及执法衔接，暂不转移"
RETENTION_COMMENT = "同意保留（内部审批意见）"
BOARD_MEMBER = "赵志明"
BOARD_OFFICE = "退（离）休"
RETIRED_ON = date(2024, 2, 29)
BOARD_PERSON_ID = "p-retired-9"
ORGANIZATION_COMPLAINANT = "li.rival"
"""An organization's user who complained about another."""
COMPLAINT_CONTENT = "助浴服务未按约定上门"
COMPLAINT_2_NAME = "李建国"
COMPLAINT_2_CONTACT = "0750-3000001"
STAFFING_DESCRIPTION = "内部编制：新增三名护理员岗位"

RESTRICTED = (
    DRAFT_NAME, DRAFT_DESCRIPTION, EARLY_DRAFT_NAME, RETENTION_JUSTIFICATION,
    RETENTION_COMMENT, BOARD_OFFICE, RETIRED_ON.isoformat(), BOARD_PERSON_ID,
    COMPLAINANT_NAME, COMPLAINANT_CONTACT, "wang.xiuying", ORGANIZATION_COMPLAINANT,
    COMPLAINT_2_NAME, COMPLAINT_2_CONTACT,
    "社会评价偏低", "复核成立，调整得分", STAFFING_DESCRIPTION, "涉及应急处置，须由事业单位承担",
    "ReferralEscalated", "RetentionReviewed",
)
"""Values that no public answer may hold anywhere (``wang.xiuying`` is the user who filed
``GradingDesk``'s complaint; the appeal's reason and answer and the staffing justification
are ``GradingDesk``'s and ``TransferDesk``'s)."""


@dataclass(frozen=True)
class RestrictedWorld:
    draft: UUID
    """Never published."""
    published: UUID
    """Published after a revision of its draft."""
    retained: UUID
    """Decided 保留 with a justification the committee approved."""
    escalated: UUID
    """Referred, and the opinion deadline passed (逾期上报)."""
    boarded: UUID
    """An organization whose board member retired from public office."""
    last: int
    """The log's last notification id."""


def write_restricted_world(store: Store) -> RestrictedWorld:
    write_grading_history(store)
    write_case_history(store)
    app = store.app
    draft = store.draft(name=DRAFT_NAME, description=DRAFT_DESCRIPTION).aggregate_id
    published = store.draft(name=EARLY_DRAFT_NAME).aggregate_id
    app.revise_catalogue_item(ReviseCatalogueItem(
        command_id="world:revise", actor=officer(MZJ), item_id=published,
        fields=item_fields(name=PUBLISHED_NAME)))
    store.publish(published)
    agency = store.establish_agency("江门市公共服务咨询中心")
    retained = store.published_item(name="社区矫正辅助事务")
    store.refer(retained, agency)
    store.give_opinion(retained, agency, recommendation="保留")
    store.decide(retained, "保留", justification=RETENTION_JUSTIFICATION)
    store.review_retention(retained, approved=True, comment=RETENTION_COMMENT)
    escalated = store.published_item(name="养老服务质量监测")
    store.refer(escalated, agency)
    store.escalate(escalated)
    boarded = app.register_organization(RegisterOrganization(
        "world:organization", COMMITTEE, credit_code(SERVICE, "440703", 99),
        "蓬江区长者助浴服务中心", SERVICE, "社会服务类", "养老", "440703", date(2019, 5, 8),
        5)).aggregate_id
    app.elect_board_member(ElectBoardMember(
        "world:board", COMMITTEE, boarded, BOARD_PERSON_ID, BOARD_MEMBER, "理事长",
        BOARD_OFFICE, date(2025, 1, 10), RETIRED_ON))
    app.file_complaint(FileComplaint(
        "world:complaint", Actor(user=ORGANIZATION_COMPLAINANT, role=Role.ORGANIZATION,
                                 scope=str(boarded)),
        boarded, COMPLAINT_2_NAME, COMPLAINT_2_CONTACT, COMPLAINT_CONTENT,
        date(2027, 3, 1)))
    entrusted = Cases(app, prefix="world").decided_item("委托", name="长者助浴质量评估",
                                                        budget_fen=0)
    app.request_staffing(RequestStaffing(
        "world:staffing", officer(MZJ), entrusted, "增加编制", STAFFING_DESCRIPTION, 3,
        date(2027, 2, 1)))
    return RestrictedWorld(
        draft=draft, published=published, retained=retained, escalated=escalated,
        boarded=boarded, last=app.recorder.max_notification_id() or 0)

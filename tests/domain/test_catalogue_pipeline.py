"""From a published item to the department's decision: referral, opinion, decision, budget.

Every rule of DESIGN.md §3.1–3.2 shows its refusal, its message, and that nothing was recorded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agency.agency import ConsultingAgency
from domain.application import GovflowApplication
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    DecideCatalogueItem,
    DraftCatalogueItem,
    ExtendReferral,
    GiveOpinion,
    PublishCatalogueItem,
    ReferCatalogueItem,
    ReferralStep,
    ReviewRetention,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import DecisionMode, ItemStatus
from domain.errors import (
    AgencyNotFoundError,
    BudgetAmountError,
    DeadlineNotLaterError,
    DepartureReasonRequiredError,
    ExpertAffiliatedError,
    ExpertNotInAgencyError,
    ItemStatusConflictError,
    NegativeListPurchaseError,
    NoBudgetError,
    OtherAgencyError,
    RequiredFieldError,
    RetentionJustificationRequiredError,
    RoleNotAllowedError,
    StatutoryFunctionError,
    UnknownDecisionModeError,
    UnknownNegativeListCategoryError,
)
from tests.domain.conftest import OFFICER, item_fields

COMMITTEE = Actor("zhou", Role.COMMITTEE)
FINANCE = Actor("qian", Role.FINANCE)
NOW = datetime(2027, 3, 20, 2, 0, tzinfo=UTC)


def events(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def new_agency(app: GovflowApplication) -> tuple[ConsultingAgency, Actor]:
    agency = ConsultingAgency.establish(
        command_id=f"agency-{uuid4()}", actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
        mandate="对目录事项的转移、购买提出咨询意见")
    agency.appoint_expert(command_id="e1", actor=COMMITTEE, expert_id="expert-1", name="陈明",
                          affiliations=["江门市养老服务协会"])
    agency.appoint_expert(command_id="e2", actor=COMMITTEE, expert_id="expert-2", name="林芳",
                          affiliations=[])
    app.save(agency)
    return agency, Actor("agency-user", Role.AGENCY, str(agency.id))


def published_item(app: GovflowApplication, **fields: object) -> UUID:
    result = app.draft_catalogue_item(DraftCatalogueItem(
        command_id=f"draft-{uuid4()}", actor=OFFICER, department="440700-MZJ",
        fields=item_fields(**fields)))
    item_id = result.aggregate_id
    app.publish_catalogue_item(PublishCatalogueItem(
        command_id=f"publish-{item_id}", actor=OFFICER, item_id=item_id,
        published_at=datetime(2027, 3, 3, 2, 0, tzinfo=UTC),
        publicity_starts_on=date(2027, 3, 4), publicity_ends_on=date(2027, 3, 10)))
    app.close_catalogue_item_publicity(ClosePublicity(
        command_id=f"close-{item_id}", actor=SYSTEM_ACTOR, item_id=item_id))
    return item_id


def refer(app: GovflowApplication, item_id: UUID, agency: ConsultingAgency,
          command_id: str = "refer") -> None:
    app.refer_catalogue_item(ReferCatalogueItem(
        command_id=command_id, actor=OFFICER, item_id=item_id, agency_id=agency.id,
        referred_at=NOW, due_on=date(2027, 4, 4), remind_on=date(2027, 4, 1)))


def opinion(app: GovflowApplication, item_id: UUID, agency_actor: Actor,
            recommendation: str = "购买服务", experts: tuple[str, ...] = ("expert-2",),
            organizations: tuple[str, ...] = ("江门市养老服务协会",),
            command_id: str = "opinion") -> None:
    app.give_catalogue_item_opinion(GiveOpinion(
        command_id=command_id, actor=agency_actor, item_id=item_id,
        recommendation=recommendation, reasons="社会组织具备承接能力", expert_ids=experts,
        organizations=organizations, given_at=NOW))


def item_with_opinion(app: GovflowApplication, recommendation: str = "购买服务",
                      **fields: object) -> UUID:
    agency, agency_actor = new_agency(app)
    item_id = published_item(app, **fields)
    refer(app, item_id, agency)
    opinion(app, item_id, agency_actor, recommendation)
    return item_id


def budget(app: GovflowApplication, item_id: UUID, amount_fen: int = 50_000_000) -> None:
    app.allocate_catalogue_item_budget(AllocateBudget(
        command_id=f"budget-{uuid4()}", actor=FINANCE, item_id=item_id, fiscal_year=2027,
        amount_fen=amount_fen))


def decide(app: GovflowApplication, item_id: UUID, mode: str, reason: str = "",
           justification: str = "", command_id: str = "decide") -> None:
    app.decide_catalogue_item(DecideCatalogueItem(
        command_id=command_id, actor=OFFICER, item_id=item_id, mode=mode, reason=reason,
        justification=justification))


# --- referral (提交咨询) -------------------------------------------------------------


def test_refer_published_item_records_agency_and_deadline(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    item_id = published_item(app)

    refer(app, item_id, agency)

    item = app.get_catalogue_item(item_id)
    assert item.status is ItemStatus.REFERRED
    assert item.referral is not None
    assert (item.referral.agency_name, item.referral.due_on) == (
        "江门市政府职能转移咨询委员会", date(2027, 4, 4))


def test_refer_during_publicity_is_refused_and_records_nothing(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    result = app.draft_catalogue_item(DraftCatalogueItem(
        command_id="d", actor=OFFICER, department="440700-MZJ", fields=item_fields()))
    app.publish_catalogue_item(PublishCatalogueItem(
        command_id="p", actor=OFFICER, item_id=result.aggregate_id, published_at=NOW,
        publicity_starts_on=date(2027, 3, 21), publicity_ends_on=date(2027, 3, 27)))
    before = events(app)

    with pytest.raises(ItemStatusConflictError, match="仍在公示期内"):
        refer(app, result.aggregate_id, agency)

    assert events(app) == before


def test_refer_to_unknown_agency_is_refused(app: GovflowApplication) -> None:
    item_id = published_item(app)
    before = events(app)

    with pytest.raises(AgencyNotFoundError, match="不存在"):
        app.refer_catalogue_item(ReferCatalogueItem(
            command_id="r", actor=OFFICER, item_id=item_id, agency_id=uuid4(), referred_at=NOW,
            due_on=date(2027, 4, 4), remind_on=date(2027, 4, 1)))

    assert events(app) == before


def test_extend_referral_by_committee_moves_deadline(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)
    app.escalate_catalogue_item_referral(ReferralStep("esc", SYSTEM_ACTOR, item_id))

    app.extend_catalogue_item_referral(ExtendReferral(
        command_id="ext", actor=COMMITTEE, item_id=item_id, due_on=date(2027, 4, 20),
        remind_on=date(2027, 4, 17), reason="专家补充调研"))

    referral = app.get_catalogue_item(item_id).referral
    assert referral is not None
    assert (referral.due_on, referral.escalated) == (date(2027, 4, 20), False)


def test_extend_referral_to_earlier_date_is_refused(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)
    before = events(app)

    with pytest.raises(DeadlineNotLaterError, match="须晚于原期限 2027-04-04"):
        app.extend_catalogue_item_referral(ExtendReferral(
            command_id="ext", actor=COMMITTEE, item_id=item_id, due_on=date(2027, 4, 1),
            remind_on=date(2027, 3, 30), reason="调研"))

    assert events(app) == before


def test_extend_referral_by_department_is_refused(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)

    with pytest.raises(RoleNotAllowedError, match="延长咨询期限"):
        app.extend_catalogue_item_referral(ExtendReferral(
            command_id="ext", actor=OFFICER, item_id=item_id, due_on=date(2027, 4, 20),
            remind_on=date(2027, 4, 17), reason="调研"))


# --- advisory opinion (咨询意见) -----------------------------------------------------


def test_give_opinion_records_recommendation_and_signing_experts(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app)

    item = app.get_catalogue_item(item_id)
    assert item.status is ItemStatus.OPINION_GIVEN
    assert item.opinion is not None
    assert item.opinion.recommendation is DecisionMode.PURCHASE
    assert item.opinion.experts == (("expert-2", "林芳"),)


def test_give_opinion_signed_by_affiliated_expert_is_refused_naming_expert(
    app: GovflowApplication,
) -> None:
    agency, agency_actor = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)
    before = events(app)

    with pytest.raises(ExpertAffiliatedError, match=r"专家陈明（expert-1）.*江门市养老服务协会"):
        opinion(app, item_id, agency_actor, experts=("expert-2", "expert-1"))

    assert events(app) == before
    assert app.get_catalogue_item(item_id).status is ItemStatus.REFERRED


def test_give_opinion_without_reasons_or_experts_is_refused(app: GovflowApplication) -> None:
    agency, agency_actor = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)

    with pytest.raises(RequiredFieldError, match="至少有一名专家签署"):
        opinion(app, item_id, agency_actor, experts=())
    with pytest.raises(RequiredFieldError, match="须写明理由"):
        app.give_catalogue_item_opinion(GiveOpinion(
            command_id="o", actor=agency_actor, item_id=item_id, recommendation="转移",
            reasons=" ", expert_ids=("expert-2",), organizations=(), given_at=NOW))


def test_give_opinion_by_expert_of_no_agency_is_refused(app: GovflowApplication) -> None:
    agency, agency_actor = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)

    with pytest.raises(ExpertNotInAgencyError, match="expert-9"):
        opinion(app, item_id, agency_actor, experts=("expert-9",))


def test_give_opinion_by_another_agency_is_refused(app: GovflowApplication) -> None:
    agency, _ = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)

    with pytest.raises(OtherAgencyError):
        opinion(app, item_id, Actor("x", Role.AGENCY, str(uuid4())))


def test_give_opinion_with_unknown_recommendation_is_refused(app: GovflowApplication) -> None:
    agency, agency_actor = new_agency(app)
    item_id = published_item(app)
    refer(app, item_id, agency)

    with pytest.raises(UnknownDecisionModeError, match="外包"):
        opinion(app, item_id, agency_actor, recommendation="外包")


# --- decision (决定) -----------------------------------------------------------------


@pytest.mark.parametrize("mode", ["转移", "授权", "委托"])
def test_decide_transfer_modes_hands_item_over(app: GovflowApplication, mode: str) -> None:
    item_id = item_with_opinion(app, recommendation=mode)

    decide(app, item_id, mode)

    item = app.get_catalogue_item(item_id)
    assert item.status is ItemStatus.DECIDED
    assert item.decision is not None and item.decision.mode.value == mode


@pytest.mark.parametrize("nature", ["行政许可", "行政审批", "行政执法", "行政处罚", "行政强制"])
@pytest.mark.parametrize("mode", ["转移", "授权", "委托", "购买服务"])
def test_decide_statutory_function_other_than_retain_is_refused_naming_rule(
    app: GovflowApplication, nature: str, mode: str,
) -> None:
    item_id = item_with_opinion(app, recommendation=mode, nature=nature)
    budget(app, item_id)
    before = events(app)

    rule = r"必须由政府保留.*三\(二\)2\(1\)"
    with pytest.raises(StatutoryFunctionError, match=f"{nature}.*{rule}"):
        decide(app, item_id, mode)

    assert events(app) == before


def test_decide_statutory_function_retain_is_retained_without_committee(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="保留", nature="行政许可")

    decide(app, item_id, "保留")

    assert app.get_catalogue_item(item_id).status is ItemStatus.RETAINED


def test_decide_purchase_of_negative_list_item_is_refused(app: GovflowApplication) -> None:
    item_id = item_with_opinion(app, negative_list="融资行为")
    budget(app, item_id)
    before = events(app)

    with pytest.raises(NegativeListPurchaseError, match=r"负面清单（融资行为）.*第十条"):
        decide(app, item_id, "购买服务")

    assert events(app) == before


def test_draft_with_unknown_negative_list_category_is_refused(app: GovflowApplication) -> None:
    before = events(app)

    with pytest.raises(UnknownNegativeListCategoryError) as refused:
        app.draft_catalogue_item(DraftCatalogueItem(
            command_id="d", actor=OFFICER, department="440700-MZJ",
            fields=item_fields(negative_list="贷款")))

    assert refused.value.field == "negative_list"
    assert events(app) == before


def test_decide_purchase_without_budget_is_refused(app: GovflowApplication) -> None:
    item_id = item_with_opinion(app)
    before = events(app)

    with pytest.raises(NoBudgetError, match="2027 年度尚未安排预算"):
        decide(app, item_id, "购买服务")

    assert events(app) == before


def test_decide_purchase_with_budget_hands_item_to_purchase(app: GovflowApplication) -> None:
    item_id = item_with_opinion(app)
    budget(app, item_id, amount_fen=12_345_600)

    decide(app, item_id, "购买服务")

    item = app.get_catalogue_item(item_id)
    assert item.status is ItemStatus.DECIDED
    assert item.budget_for(2027) == 12_345_600


def test_decide_departing_from_opinion_without_reason_is_refused(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="转移")
    before = events(app)

    with pytest.raises(DepartureReasonRequiredError, match="（委托）与咨询意见（转移）不一致"):
        decide(app, item_id, "委托")

    assert events(app) == before


def test_decide_departing_from_opinion_with_reason_is_recorded(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="转移")

    decide(app, item_id, "委托", reason="承接组织尚需培育，先行委托")

    decision = app.get_catalogue_item(item_id).decision
    assert decision is not None and decision.departs_from_opinion is True


def test_decide_retain_provincial_item_without_justification_is_refused(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="保留", provincial_listed=True)
    before = events(app)

    with pytest.raises(RetentionJustificationRequiredError, match="以转移为原则"):
        decide(app, item_id, "保留")

    assert events(app) == before


def test_decide_retain_provincial_item_waits_for_committee_approval(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="保留", provincial_listed=True)

    decide(app, item_id, "保留", justification="涉及公共安全，暂无合格承接主体")
    assert app.get_catalogue_item(item_id).status is ItemStatus.RETENTION_PENDING

    app.review_catalogue_item_retention(ReviewRetention(
        command_id="approve", actor=COMMITTEE, item_id=item_id, approved=True))
    assert app.get_catalogue_item(item_id).status is ItemStatus.RETAINED


def test_review_retention_rejected_sends_item_back_to_decision(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="保留", provincial_listed=True)
    decide(app, item_id, "保留", justification="暂无承接主体")

    app.review_catalogue_item_retention(ReviewRetention(
        command_id="reject", actor=COMMITTEE, item_id=item_id, approved=False,
        comment="已有3A以上社会组织可承接，应予转移"))

    item = app.get_catalogue_item(item_id)
    assert (item.status, item.decision) == (ItemStatus.OPINION_GIVEN, None)
    decide(app, item_id, "转移", reason="按市社工委意见转移", command_id="decide-again")
    assert app.get_catalogue_item(item_id).status is ItemStatus.DECIDED


def test_review_retention_rejected_without_comment_is_refused(
    app: GovflowApplication,
) -> None:
    item_id = item_with_opinion(app, recommendation="保留", provincial_listed=True)
    decide(app, item_id, "保留", justification="暂无承接主体")

    with pytest.raises(RequiredFieldError, match="不同意保留须说明理由"):
        app.review_catalogue_item_retention(ReviewRetention(
            command_id="reject", actor=COMMITTEE, item_id=item_id, approved=False))


def test_review_retention_by_department_is_refused(app: GovflowApplication) -> None:
    item_id = item_with_opinion(app, recommendation="保留", provincial_listed=True)
    decide(app, item_id, "保留", justification="暂无承接主体")

    with pytest.raises(RoleNotAllowedError):
        app.review_catalogue_item_retention(ReviewRetention(
            command_id="approve", actor=OFFICER, item_id=item_id, approved=True))


def test_decide_before_opinion_is_refused(app: GovflowApplication) -> None:
    item_id = published_item(app)

    with pytest.raises(ItemStatusConflictError, match="只有「待决定」的事项可以作出决定"):
        decide(app, item_id, "转移")


def test_withdraw_decided_item_is_refused(app: GovflowApplication) -> None:
    item_id = item_with_opinion(app, recommendation="转移")
    decide(app, item_id, "转移")

    with pytest.raises(ItemStatusConflictError, match="已作出决定，不能撤回"):
        app.withdraw_catalogue_item(WithdrawCatalogueItem(
            command_id="w", actor=OFFICER, item_id=item_id, reason="调整"))


# --- budget (安排预算) ---------------------------------------------------------------


def test_allocate_budget_by_department_is_refused(app: GovflowApplication) -> None:
    item_id = published_item(app)

    with pytest.raises(RoleNotAllowedError, match="安排预算"):
        app.allocate_catalogue_item_budget(AllocateBudget(
            command_id="b", actor=OFFICER, item_id=item_id, fiscal_year=2027,
            amount_fen=100))


@pytest.mark.parametrize("amount", [0, -1, 10**15])
def test_allocate_budget_out_of_range_is_refused(app: GovflowApplication, amount: int) -> None:
    item_id = published_item(app)
    before = events(app)

    with pytest.raises(BudgetAmountError, match="预算金额须为正数"):
        budget(app, item_id, amount_fen=amount)

    assert events(app) == before


def test_allocate_budget_to_draft_is_refused(app: GovflowApplication) -> None:
    result = app.draft_catalogue_item(DraftCatalogueItem(
        command_id="d", actor=OFFICER, department="440700-MZJ", fields=item_fields()))

    with pytest.raises(ItemStatusConflictError, match="尚未发布"):
        budget(app, result.aggregate_id)

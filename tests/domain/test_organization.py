"""The committee's registry of social organizations (社会组织): each rule's refusal says why
and records nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.errors import DomainError, RoleNotAllowedError
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
    BoardMemberAlreadyElectedError,
    ComplaintAlreadyResolvedError,
    ComplaintNotFoundError,
    ComplianceNotMetError,
    CreditCodeCheckCharacterError,
    CreditFlagAlreadyRaisedError,
    CreditFlagNotRaisedError,
    IncompleteComplianceDeclarationError,
    InspectionAlreadyRecordedError,
    InvalidInspectionYearError,
    InvalidStaffCountError,
    NotAnIndustryAssociationError,
    OfficialOnBoardError,
    OrganizationAlreadyRegisteredError,
    OrganizationNotFoundError,
    OtherOrganizationError,
    PenaltyAlreadyRecordedError,
    RetirementDateRequiredError,
    UnknownOrganizationKindError,
    UnknownRegionError,
)
from domain.organizations.records import ComplianceItem, CreditFlag, PublicOffice

COMMITTEE = Actor("zhou", Role.COMMITTEE)
ASSOCIATION_CODE = "51440700MJL000016A"
SERVICE_CODE = "52440703MJL000016J"
ALL_COMPLIANT = {item.value: True for item in ComplianceItem}


def events(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def register(app: GovflowApplication, *, command_id: str = "org-1",
             code: str = ASSOCIATION_CODE, **overrides: object) -> UUID:
    values: dict[str, object] = {
        "credit_code": code, "name": "江门市养老服务业协会",
        "category": "社会团体", "kind": "行业协会商会", "industry": "养老服务",
        "region_code": "440700", "registered_on": date(2020, 5, 8), "full_time_staff": 6,
    }
    values.update(overrides)
    return app.register_organization(RegisterOrganization(
        command_id=command_id, actor=COMMITTEE, **values)).aggregate_id  # type: ignore[arg-type]


def service_organization(app: GovflowApplication) -> UUID:
    return register(app, command_id="org-2", code=SERVICE_CODE, name="蓬江区长者服务中心",
                    category="民办非企业单位", kind="社会服务类", region_code="440703")


def member(organization_id: UUID, *, public_office: str, retired_on: date | None = None,
           person_id: str = "p-1", elected_on: date = date(2027, 6, 1)) -> ElectBoardMember:
    return ElectBoardMember(
        command_id=f"elect-{uuid4()}", actor=COMMITTEE, organization_id=organization_id,
        person_id=person_id, name="陈建国", position="会长", public_office=public_office,
        retired_on=retired_on, elected_on=elected_on)


# --- registration ------------------------------------------------------------------------


def test_register_organization_records_its_facts_under_its_code(
    app: GovflowApplication,
) -> None:
    organization = app.get_organization(register(app, name=" 江门市养老服务业协会 "))

    assert organization.id == organization.create_id(ASSOCIATION_CODE)
    assert (organization.name, organization.category.value, organization.kind.value) == (
        "江门市养老服务业协会", "社会团体", "行业协会商会")
    assert (organization.region_code, organization.registered_on,
            organization.full_time_staff) == ("440700", date(2020, 5, 8), 6)
    assert organization.is_industry_association and not organization.compliance_verified


def test_register_organization_same_industry_twice_is_allowed(app: GovflowApplication) -> None:
    register(app)
    second = register(app, command_id="org-2", code=SERVICE_CODE, category="民办非企业单位",
                      name="江门市养老服务促进会")

    assert app.get_organization(second).industry == "养老服务"


def test_register_organization_same_command_twice_records_once(app: GovflowApplication) -> None:
    register(app)
    before = events(app)

    again = app.register_organization(RegisterOrganization(
        command_id="org-1", actor=COMMITTEE, credit_code=ASSOCIATION_CODE,
        name="江门市养老服务业协会",
        category="社会团体", kind="行业协会商会", industry="养老服务", region_code="440700",
        registered_on=date(2020, 5, 8), full_time_staff=6))

    assert again.replayed and again.code == ASSOCIATION_CODE
    assert events(app) == before


def test_register_organization_code_registered_twice_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    register(app)
    before = events(app)

    with pytest.raises(OrganizationAlreadyRegisteredError) as refused:
        register(app, command_id="org-again", name="江门市养老协会")

    assert refused.value.detail == (
        "统一社会信用代码 51440700MJL000016A 已登记为「江门市养老服务业协会」，不能重复登记")
    assert events(app) == before


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"code": "51440700MJL000016B"}, CreditCodeCheckCharacterError,
         "统一社会信用代码 51440700MJL000016B 的校验码应为 A"),
        ({"kind": "学术类"}, UnknownOrganizationKindError,
         "社会组织类型 '学术类' 无效；应为以下之一：行业协会商会、公益慈善类"),
        ({"region_code": "440100"}, UnknownRegionError,
         "行政区划代码 '440100' 不属于江门市"),
        ({"full_time_staff": -1}, InvalidStaffCountError,
         "专职工作人员人数不能为负数（现为 -1）；应为 0 或正整数"),
    ],
    ids=["check-character", "kind", "region", "staff"],
)
def test_register_organization_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication, overrides: dict[str, object], error: type[DomainError],
    message: str,
) -> None:
    before = events(app)

    with pytest.raises(error) as refused:
        register(app, **overrides)  # type: ignore[arg-type]

    assert message in refused.value.detail
    assert events(app) == before


def test_register_organization_by_department_is_refused(app: GovflowApplication) -> None:
    before = events(app)

    with pytest.raises(RoleNotAllowedError):
        app.register_organization(RegisterOrganization(
            command_id="x", actor=Actor("li", Role.DEPARTMENT, "440700-MZJ"),
            credit_code=ASSOCIATION_CODE, name="协会", category="社会团体", kind="其他",
            industry="养老", region_code="440700", registered_on=date(2020, 1, 1),
            full_time_staff=0))

    assert events(app) == before


def test_get_organization_unknown_id_is_not_found(app: GovflowApplication) -> None:
    with pytest.raises(OrganizationNotFoundError):
        app.get_organization(uuid4())


# --- 五自四无 ------------------------------------------------------------------------------


def declare(organization_id: UUID, declarations: dict[str, bool],
            actor: Actor = COMMITTEE) -> DeclareCompliance:
    return DeclareCompliance(command_id=f"declare-{uuid4()}", actor=actor,
                             organization_id=organization_id, declarations=declarations,
                             declared_on=date(2027, 3, 1))


def verify(organization_id: UUID) -> VerifyCompliance:
    return VerifyCompliance(command_id=f"verify-{uuid4()}", actor=COMMITTEE,
                            organization_id=organization_id, verified_on=date(2027, 3, 5))


def test_verify_compliance_every_item_compliant_is_verified(app: GovflowApplication) -> None:
    organization_id = register(app)
    own = Actor("hu", Role.ORGANIZATION, str(organization_id))
    app.declare_compliance(declare(organization_id, ALL_COMPLIANT, actor=own))

    app.verify_compliance(verify(organization_id))

    assert app.get_organization(organization_id).compliance_verified_on == date(2027, 3, 5)


def test_declare_compliance_again_needs_verifying_again(app: GovflowApplication) -> None:
    organization_id = register(app)
    app.declare_compliance(declare(organization_id, ALL_COMPLIANT))
    app.verify_compliance(verify(organization_id))

    app.declare_compliance(declare(organization_id, ALL_COMPLIANT))

    assert not app.get_organization(organization_id).compliance_verified


def test_verify_compliance_an_item_not_met_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    app.declare_compliance(declare(organization_id, {**ALL_COMPLIANT, "自筹经费": False,
                                                     "无行政级别": False}))
    before = events(app)

    with pytest.raises(ComplianceNotMetError) as refused:
        app.verify_compliance(verify(organization_id))

    assert refused.value.detail == (
        "「江门市养老服务业协会」申报的“五自四无”中以下各项不符合：自筹经费、无行政级别；"
        "须全部符合方可核验通过")
    assert events(app) == before


def test_verify_compliance_without_declaration_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    before = events(app)

    with pytest.raises(ComplianceNotMetError) as refused:
        app.verify_compliance(verify(organization_id))

    assert "尚未申报“五自四无”情况" in refused.value.detail
    assert events(app) == before


def test_declare_compliance_missing_and_unknown_items_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    declarations = {k: v for k, v in ALL_COMPLIANT.items() if k != "自主会务"}
    before = events(app)

    with pytest.raises(IncompleteComplianceDeclarationError) as refused:
        app.declare_compliance(declare(organization_id, {**declarations, "自负盈亏": True}))

    assert refused.value.detail.endswith("；缺少：自主会务；无法识别：自负盈亏")
    assert events(app) == before


def test_declare_compliance_not_an_industry_association_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = service_organization(app)
    before = events(app)

    with pytest.raises(NotAnIndustryAssociationError) as refused:
        app.declare_compliance(declare(organization_id, ALL_COMPLIANT))

    assert refused.value.detail == (
        "「蓬江区长者服务中心」的类型为社会服务类，不是行业协会商会；“五自四无”只适用于行业协会商会")
    assert events(app) == before


def test_declare_compliance_for_another_organization_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    other = Actor("hu", Role.ORGANIZATION, str(uuid4()))
    before = events(app)

    with pytest.raises(OtherOrganizationError):
        app.declare_compliance(declare(organization_id, ALL_COMPLIANT, actor=other))

    assert events(app) == before


# --- board -------------------------------------------------------------------------------------


def test_elect_board_member_retired_three_years_before_is_elected(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)

    app.elect_board_member(member(organization_id, public_office=PublicOffice.RETIRED,
                                  retired_on=date(2024, 6, 1), elected_on=date(2027, 6, 1)))

    assert app.get_organization(organization_id).board["p-1"].retired_on == date(2024, 6, 1)


def test_elect_board_member_serving_official_to_service_organization_is_allowed(
    app: GovflowApplication,
) -> None:
    organization_id = service_organization(app)

    app.elect_board_member(member(organization_id, public_office=PublicOffice.SERVING))

    assert "p-1" in app.get_organization(organization_id).board


@pytest.mark.parametrize(
    ("public_office", "retired_on", "error", "message"),
    [
        (PublicOffice.SERVING, None, OfficialOnBoardError,
         "陈建国为现职国家机关工作人员，不能当选行业协会商会「江门市养老服务业协会」的理事会成员"
         "（现职国家机关工作人员不得在行业协会商会兼职，一(一)2(4)）"),
        (PublicOffice.RETIRED, date(2024, 6, 2), OfficialOnBoardError,
         "陈建国于 2024-06-02 退（离）休，至当选日 2027-06-01 未满三年，不能当选行业协会商会"
         "「江门市养老服务业协会」的理事会成员（一(一)2(4)）；最早可于 2027-06-02 当选"),
        (PublicOffice.RETIRED, None, RetirementDateRequiredError,
         "陈建国为退（离）休公职人员，须填写退（离）休日期"),
    ],
    ids=["serving", "retired-under-three-years", "retired-without-date"],
)
def test_elect_board_member_official_to_association_is_refused_records_nothing(
    app: GovflowApplication, public_office: str, retired_on: date | None,
    error: type[DomainError], message: str,
) -> None:
    organization_id = register(app)
    before = events(app)

    with pytest.raises(error) as refused:
        app.elect_board_member(member(organization_id, public_office=public_office,
                                      retired_on=retired_on))

    assert refused.value.detail == message
    assert events(app) == before


def test_elect_board_member_already_on_board_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    app.elect_board_member(member(organization_id, public_office=PublicOffice.NONE))
    before = events(app)

    with pytest.raises(BoardMemberAlreadyElectedError):
        app.elect_board_member(member(organization_id, public_office=PublicOffice.NONE))

    assert events(app) == before


# --- supervision --------------------------------------------------------------------------------


def inspection(organization_id: UUID, year: int, result: str = "合格") -> RecordAnnualInspection:
    return RecordAnnualInspection(command_id=f"inspect-{uuid4()}", actor=COMMITTEE,
                                  organization_id=organization_id, year=year, result=result,
                                  inspected_on=date(2027, 5, 20))


def test_record_annual_inspection_twice_for_a_year_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    app.record_annual_inspection(inspection(organization_id, 2026, "基本合格"))
    before = events(app)

    with pytest.raises(InspectionAlreadyRecordedError) as refused:
        app.record_annual_inspection(inspection(organization_id, 2026))

    assert refused.value.detail == (
        "「江门市养老服务业协会」2026 年度的年检结论已登记为基本合格，每年只登记一次")
    assert events(app) == before


def test_record_annual_inspection_year_before_registration_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    before = events(app)

    with pytest.raises(InvalidInspectionYearError) as refused:
        app.record_annual_inspection(inspection(organization_id, 2019))

    assert refused.value.detail == "年检年度 2019 无效；应在登记年度 2020 至检查年度 2027 之间"
    assert events(app) == before


def test_record_penalty_same_decision_twice_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    penalty = RecordPenalty(command_id="p1", actor=COMMITTEE, organization_id=organization_id,
                            decision_number="江民罚〔2027〕3号", authority="江门市民政局",
                            decided_on=date(2027, 4, 1), description="警告")
    app.record_penalty(penalty)
    before = events(app)

    with pytest.raises(PenaltyAlreadyRecordedError):
        app.record_penalty(RecordPenalty(**{**penalty.__dict__, "command_id": "p2"}))

    assert events(app) == before
    assert list(app.get_organization(organization_id).penalties) == ["江民罚〔2027〕3号"]


def flag_command(organization_id: UUID, kind: type[RaiseCreditFlag] | type[ClearCreditFlag],
                 on: date) -> RaiseCreditFlag | ClearCreditFlag:
    if kind is RaiseCreditFlag:
        return RaiseCreditFlag(command_id=f"raise-{uuid4()}", actor=COMMITTEE,
                               organization_id=organization_id, flag=CreditFlag.DISHONEST,
                               reason="提供虚假材料", raised_on=on)
    return ClearCreditFlag(command_id=f"clear-{uuid4()}", actor=COMMITTEE,
                           organization_id=organization_id, flag=CreditFlag.DISHONEST,
                           reason="信用修复", cleared_on=on)


def test_credit_flag_raised_then_cleared_is_active_only_between(app: GovflowApplication) -> None:
    organization_id = register(app)
    app.raise_credit_flag(flag_command(organization_id, RaiseCreditFlag,  # type: ignore[arg-type]
                                       date(2027, 1, 10)))
    app.clear_credit_flag(flag_command(organization_id, ClearCreditFlag,  # type: ignore[arg-type]
                                       date(2027, 7, 1)))
    organization = app.get_organization(organization_id)

    assert organization.flag_active_on(CreditFlag.DISHONEST, date(2027, 6, 30)) is not None
    assert organization.flag_active_on(CreditFlag.DISHONEST, date(2027, 7, 1)) is None
    assert organization.flags[0].clear_reason == "信用修复"


def test_raise_credit_flag_already_raised_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    app.raise_credit_flag(flag_command(organization_id, RaiseCreditFlag,  # type: ignore[arg-type]
                                       date(2027, 1, 10)))
    before = events(app)

    with pytest.raises(CreditFlagAlreadyRaisedError) as refused:
        app.raise_credit_flag(flag_command(organization_id,  # type: ignore[arg-type]
                                           RaiseCreditFlag, date(2027, 2, 1)))

    assert refused.value.detail == "「江门市养老服务业协会」自 2027-01-10 起已在失信名单中"
    assert events(app) == before


def test_clear_credit_flag_not_raised_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    before = events(app)

    with pytest.raises(CreditFlagNotRaisedError) as refused:
        app.clear_credit_flag(flag_command(organization_id,  # type: ignore[arg-type]
                                           ClearCreditFlag, date(2027, 2, 1)))

    assert refused.value.detail == "「江门市养老服务业协会」不在失信名单中，无需移出"
    assert events(app) == before


# --- complaints --------------------------------------------------------------------------------


def file(app: GovflowApplication, organization_id: UUID) -> str:
    command = FileComplaint(
        command_id="complaint-1", actor=Actor("citizen", Role.ORGANIZATION, "someone-else"),
        organization_id=organization_id, complainant_name="王女士",
        complainant_contact="138****0000", content="收费不透明", filed_on=date(2027, 8, 1))
    app.file_complaint(command)
    return complaint_id_for(command.command_id)


def resolve(organization_id: UUID, complaint_id: str) -> ResolveComplaint:
    return ResolveComplaint(command_id=f"resolve-{uuid4()}", actor=COMMITTEE,
                            organization_id=organization_id, complaint_id=complaint_id,
                            outcome="责令整改", resolved_on=date(2027, 8, 20))


def test_file_complaint_by_anyone_keeps_complainant_private(app: GovflowApplication) -> None:
    organization_id = register(app)

    complaint_id = file(app, organization_id)

    complaint = app.get_organization(organization_id).complaints[complaint_id]
    assert complaint.complainant.name == "王女士"
    assert complaint.complainant.private is True
    assert not complaint.resolved


def test_resolve_complaint_twice_is_refused_records_nothing(app: GovflowApplication) -> None:
    organization_id = register(app)
    complaint_id = file(app, organization_id)
    app.resolve_complaint(resolve(organization_id, complaint_id))
    before = events(app)

    with pytest.raises(ComplaintAlreadyResolvedError) as refused:
        app.resolve_complaint(resolve(organization_id, complaint_id))

    assert refused.value.detail == f"投诉 {complaint_id} 已于 2027-08-20 办结，不能重复办结"
    assert app.get_organization(organization_id).complaints[complaint_id].outcome == "责令整改"
    assert events(app) == before


def test_resolve_complaint_unknown_is_refused_records_nothing(app: GovflowApplication) -> None:
    organization_id = register(app)
    before = events(app)

    with pytest.raises(ComplaintNotFoundError):
        app.resolve_complaint(resolve(organization_id, "no-such-complaint"))

    assert events(app) == before


def test_verify_compliance_by_the_organization_itself_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    organization_id = register(app)
    app.declare_compliance(declare(organization_id, ALL_COMPLIANT))
    own = Actor("hu", Role.ORGANIZATION, str(organization_id))
    before = events(app)

    with pytest.raises(RoleNotAllowedError):
        app.verify_compliance(replace(verify(organization_id), actor=own))

    assert events(app) == before

"""Eligibility to undertake a transferred function or a purchased service (承接资格)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.grading.commands import DowngradeGrade, RevokeGrade
from domain.organizations.commands import RaiseCreditFlag, RecordAnnualInspection
from domain.organizations.eligibility import (
    CurrentGrade,
    PerformanceBar,
    undertaking_eligibility,
)
from domain.organizations.organization import SocialOrganization
from domain.organizations.records import ComplianceItem
from tests.domain.test_grade_evaluation import (
    evaluate,
    group_scores,
    register_association,
    register_service_organization,
    service_scores,
)

COMMITTEE = Actor("zhou", Role.COMMITTEE)
ON = date(2027, 9, 1)
GRADE_4A = CurrentGrade(level=4, valid_from=date(2026, 1, 1), valid_until=date(2030, 12, 31))


def organization(*, kind: str = "社会服务类", verified: bool = False) -> SocialOrganization:
    org = SocialOrganization.register(
        command_id="r", actor=COMMITTEE, credit_code="52440703MJL000016J",
        name="蓬江区长者服务中心",
        category="民办非企业单位", kind=kind, industry="养老服务", region_code="440703",
        registered_on=date(2020, 5, 8), full_time_staff=4)
    if verified:
        org.declare_compliance(command_id="d", actor=COMMITTEE,
                               declarations={i.value: True for i in ComplianceItem},
                               declared_on=date(2027, 1, 5))
        org.verify_compliance(command_id="v", actor=COMMITTEE, verified_on=date(2027, 1, 9))
    return org


def test_eligibility_valid_4a_unflagged_unbarred_is_eligible() -> None:
    answer = undertaking_eligibility(organization(), on=ON, grade=GRADE_4A)

    assert answer.eligible is True
    assert answer.reasons == []


def test_eligibility_without_grade_is_not_eligible() -> None:
    answer = undertaking_eligibility(organization(), on=ON, grade=None)

    assert answer.eligible is False
    assert answer.reasons == ["未取得社会组织评估等级；承接须具有有效期内的 3A 及以上等级"]


def test_eligibility_grade_below_threshold_is_not_eligible() -> None:
    grade = CurrentGrade(level=2, valid_from=date(2026, 1, 1), valid_until=date(2030, 12, 31))

    answer = undertaking_eligibility(organization(), on=ON, grade=grade)

    assert answer.reasons == ["评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级"]


def test_eligibility_grade_below_raised_threshold_is_not_eligible() -> None:
    answer = undertaking_eligibility(organization(), on=ON, grade=GRADE_4A, threshold=5)

    assert answer.reasons == ["评估等级 4A 低于 5A；承接须具有有效期内的 5A 及以上等级"]


def test_eligibility_expired_grade_is_not_eligible() -> None:
    grade = CurrentGrade(level=5, valid_from=date(2022, 1, 1), valid_until=date(2026, 12, 31))

    answer = undertaking_eligibility(organization(), on=ON, grade=grade)

    assert answer.reasons == [
        "评估等级 5A 的有效期为 2022-01-01 至 2026-12-31，2027-09-01 不在有效期内；"
        "承接须具有有效期内的 3A 及以上等级"]


def test_eligibility_active_dishonesty_flag_is_not_eligible_until_cleared() -> None:
    org = organization()
    org.raise_credit_flag(command_id="f", actor=COMMITTEE, flag="失信名单", reason="提供虚假材料",
                          raised_on=date(2027, 3, 1))

    flagged = undertaking_eligibility(org, on=ON, grade=GRADE_4A)
    org.clear_credit_flag(command_id="c", actor=COMMITTEE, flag="失信名单", reason="信用修复",
                          cleared_on=date(2027, 8, 1))
    cleared = undertaking_eligibility(org, on=ON, grade=GRADE_4A)

    assert flagged.reasons == ["自 2027-03-01 起被列入失信名单（提供虚假材料），移出前不得承接"]
    assert cleared.eligible is True


def test_eligibility_abnormal_list_alone_does_not_bar() -> None:
    org = organization()
    org.raise_credit_flag(command_id="f", actor=COMMITTEE, flag="异常名录", reason="未按时年检",
                          raised_on=date(2027, 3, 1))

    assert undertaking_eligibility(org, on=ON, grade=GRADE_4A).eligible is True


def test_eligibility_barred_by_performance_review_until_the_bar_ends() -> None:
    bar = PerformanceBar(until=date(2027, 9, 1), reason="2026年度绩效评价不合格")

    barred = undertaking_eligibility(organization(), on=ON, grade=GRADE_4A, bars=[bar])
    after = undertaking_eligibility(organization(), on=date(2027, 9, 2), grade=GRADE_4A,
                                    bars=[bar])

    assert barred.reasons == [
        "因绩效评价结果较差（2026年度绩效评价不合格），2027-09-01 前（含当日）不得承接"]
    assert after.eligible is True


def test_eligibility_industry_association_needs_verified_compliance() -> None:
    unverified = undertaking_eligibility(organization(kind="行业协会商会"), on=ON, grade=GRADE_4A)
    verified = undertaking_eligibility(organization(kind="行业协会商会", verified=True), on=ON,
                                       grade=GRADE_4A)

    assert unverified.reasons == ["行业协会商会须经市社工委核验“五自四无”全部符合后方可承接"]
    assert verified.eligible is True


def test_eligibility_gives_every_reason_at_once() -> None:
    org = organization(kind="行业协会商会")
    org.raise_credit_flag(command_id="f", actor=COMMITTEE, flag="失信名单", reason="虚假材料",
                          raised_on=date(2027, 3, 1))

    answer = undertaking_eligibility(
        org, on=ON, grade=None, bars=[PerformanceBar(until=date(2028, 1, 1), reason="差")])

    assert answer.eligible is False
    assert len(answer.reasons) == 4


# --- as recorded: after a real, confirmed evaluation (GradingService) ---------------------


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def graded_organization(app: GovflowApplication, total: int = 780) -> UUID:
    """蓬江区长者服务中心, graded on 2026-04-20 (3A for 780 points), valid 2027–2031."""
    organization_id = register_service_organization(app)
    evaluate(app, organization_id, service_scores(total))
    return organization_id


def test_organization_eligibility_before_1_january_of_validity_is_not_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app)

    answer = app.organization_eligibility(organization_id, on=date(2026, 12, 31))

    assert answer.eligible is False
    assert answer.reasons == [
        "评估等级 3A 的有效期为 2027-01-01 至 2031-12-31，2026-12-31 不在有效期内；"
        "承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_from_1_january_to_the_end_of_validity_is_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app)

    for day in (date(2027, 1, 1), date(2029, 7, 1), date(2031, 12, 31)):
        assert app.organization_eligibility(organization_id, on=day).eligible is True, day


def test_organization_eligibility_after_validity_is_not_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app)

    answer = app.organization_eligibility(organization_id, on=date(2032, 1, 1))

    assert answer.reasons == [
        "评估等级 3A 的有效期为 2027-01-01 至 2031-12-31，2032-01-01 不在有效期内；"
        "承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_without_evaluation_is_not_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)

    answer = app.organization_eligibility(organization_id, on=ON)

    assert answer.reasons == ["未取得社会组织评估等级；承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_graded_2a_is_not_eligible(app: GovflowApplication) -> None:
    organization_id = graded_organization(app, total=650)

    answer = app.organization_eligibility(organization_id, on=ON)

    assert answer.reasons == ["评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_after_revocation_is_not_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app)
    app.revoke_grade(RevokeGrade(
        command_id="revoke-1", actor=COMMITTEE, organization_id=organization_id,
        reason="评估中提供虚假材料", decided_on=date(2027, 6, 1)))

    answer = app.organization_eligibility(organization_id, on=ON)

    assert answer.eligible is False
    assert answer.reasons == ["未取得社会组织评估等级；承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_after_a_downgrade_below_3a_is_not_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app)
    before = app.organization_eligibility(organization_id, on=ON)
    app.record_annual_inspection(RecordAnnualInspection(
        command_id="inspect-2027", actor=COMMITTEE, organization_id=organization_id,
        year=2027, result="不合格", inspected_on=date(2027, 8, 1)))
    app.downgrade_grade(DowngradeGrade(
        command_id="downgrade-1", actor=COMMITTEE, organization_id=organization_id,
        basis="年检不合格", reference="2027", reason="年检不合格", decided_on=date(2027, 8, 15)))

    after = app.organization_eligibility(organization_id, on=ON)

    assert before.eligible is True
    assert after.reasons == ["评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级"]


def test_organization_eligibility_after_a_downgrade_to_3a_stays_eligible(
    app: GovflowApplication,
) -> None:
    organization_id = graded_organization(app, total=850)
    app.record_annual_inspection(RecordAnnualInspection(
        command_id="inspect-2027", actor=COMMITTEE, organization_id=organization_id,
        year=2027, result="不合格", inspected_on=date(2027, 8, 1)))
    app.downgrade_grade(DowngradeGrade(
        command_id="downgrade-1", actor=COMMITTEE, organization_id=organization_id,
        basis="年检不合格", reference="2027", reason="年检不合格", decided_on=date(2027, 8, 15)))

    assert app.organization_eligibility(organization_id, on=ON).eligible is True


def test_organization_eligibility_lists_every_reason_together(
    app: GovflowApplication,
) -> None:
    organization_id = register_association(app)
    evaluate(app, organization_id, group_scores(650))
    app.raise_credit_flag(RaiseCreditFlag(
        command_id="flag-1", actor=COMMITTEE, organization_id=organization_id,
        flag="失信名单", reason="提供虚假材料", raised_on=date(2027, 3, 1)))
    bar = PerformanceBar(until=date(2027, 12, 31), reason="2026年度绩效评价不合格")

    answer = app.organization_eligibility(organization_id, on=ON, bars=[bar])

    assert answer.eligible is False
    assert answer.reasons == [
        "评估等级 2A 低于 3A；承接须具有有效期内的 3A 及以上等级",
        "自 2027-03-01 起被列入失信名单（提供虚假材料），移出前不得承接",
        "因绩效评价结果较差（2026年度绩效评价不合格），2027-12-31 前（含当日）不得承接",
        "行业协会商会须经市社工委核验“五自四无”全部符合后方可承接",
    ]


def test_organization_eligibility_with_a_raised_threshold(app: GovflowApplication) -> None:
    organization_id = graded_organization(app, total=850)

    answer = app.organization_eligibility(organization_id, on=ON, threshold=5)

    assert answer.reasons == ["评估等级 4A 低于 5A；承接须具有有效期内的 5A 及以上等级"]

"""The organizations view (社会组织 and their grades), on SQLite and PostgreSQL.

Driven by the real application: what a registered organization's row shows, how the
list searches, filters and pages, what its record keeps (never who complained), which
grade stands after awards, downgrades, lapses and revocations, and which grades expire
soon.  ``GradingDesk`` gives the commands the evaluations and inbox tests use too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    DeclareEvaluatorAffiliations,
    DowngradeGrade,
    EscalateAppeal,
    FileAppeal,
    LapseGrade,
    RegisterEvaluator,
    RevokeGrade,
    ScoreEvaluation,
)
from domain.grading.evaluation import GradeEvaluation
from domain.grading.evaluator import ThirdPartyEvaluator
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
from domain.organizations.credit_code import CATEGORY_CHARS, OrganizationCategory, check_character
from domain.organizations.eligibility import CurrentGrade, undertaking_eligibility
from domain.organizations.organization import SocialOrganization
from domain.organizations.records import ComplianceItem, CreditFlag
from projections.history import EVENT_LABELS, PRIVATE_USER, HistoryProjection
from projections.organization_rows import OrganizationFilter, OrganizationRow
from projections.organizations import OrganizationsProjection, OrganizationsView
from projections.paging import InvalidCursorError
from tests.projections.conftest import Store

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)
SERVICE = OrganizationCategory.SOCIAL_SERVICE.value
GROUP = OrganizationCategory.SOCIAL_GROUP.value
SCORES_780 = {"基础条件": 70, "内部治理": 300, "业务活动和诚信建设": 320, "社会评价": 90}
"""A 民办非企业单位's scores: 780 points, 3A."""
SCORES_920 = {"基础条件": 80, "内部治理": 350, "业务活动和诚信建设": 400, "社会评价": 90}
COMPLAINANT_NAME = "王秀英"
COMPLAINANT_CONTACT = "13800138000"


def credit_code(category: str, region: str, sequence: int) -> str:
    """A valid civil-affairs credit code of ``category`` in ``region``."""
    first17 = f"5{CATEGORY_CHARS[OrganizationCategory(category)]}{region}MJL{sequence:06d}"
    return first17 + check_character(first17)


class GradingDesk:
    """The committee, the organizations and the evaluators at work on one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.app = store.app
        self._commands = 0
        self._codes = 0

    def _id(self) -> str:
        self._commands += 1
        return f"grading-command-{self._commands}"

    # --- the committee's registers -------------------------------------------------

    def register(self, name: str, *, category: str = SERVICE, kind: str = "社会服务类",
                 industry: str = "养老", region: str = "440703",
                 registered_on: date = date(2020, 5, 8), staff: int = 4) -> UUID:
        self._codes += 1
        return self.app.register_organization(RegisterOrganization(
            self._id(), COMMITTEE, credit_code(category, region, self._codes), name, category,
            kind, industry, region, registered_on, staff)).aggregate_id

    def register_evaluator(self, name: str = "江门市社会组织评估中心") -> UUID:
        return self.app.register_evaluator(
            RegisterEvaluator(self._id(), COMMITTEE, name, "0750-1234567")).aggregate_id

    def declare_affiliations(self, evaluator: UUID, *organizations: UUID) -> None:
        self.app.declare_evaluator_affiliations(DeclareEvaluatorAffiliations(
            self._id(), COMMITTEE, evaluator, organizations))

    # --- an organization's record ----------------------------------------------------

    def declare_compliance(self, organization: UUID, *, on: date,
                           failing: tuple[str, ...] = ()) -> None:
        self.app.declare_compliance(DeclareCompliance(
            self._id(), COMMITTEE, organization,
            {item.value: item.value not in failing for item in ComplianceItem}, on))

    def verify_compliance(self, organization: UUID, *, on: date) -> None:
        self.app.verify_compliance(VerifyCompliance(self._id(), COMMITTEE, organization, on))

    def elect(self, organization: UUID, person_id: str, name: str, *, office: str = "无",
              retired_on: date | None = None, on: date = date(2021, 1, 10)) -> None:
        self.app.elect_board_member(ElectBoardMember(
            self._id(), COMMITTEE, organization, person_id, name, "理事长", office, on,
            retired_on))

    def inspect(self, organization: UUID, year: int, result: str) -> None:
        self.app.record_annual_inspection(RecordAnnualInspection(
            self._id(), COMMITTEE, organization, year, result, date(year + 1, 3, 1)))

    def penalize(self, organization: UUID, number: str, *, on: date) -> None:
        self.app.record_penalty(RecordPenalty(self._id(), COMMITTEE, organization, number,
                                              "江门市民政局", on, "未按规定报送年度报告"))

    def flag(self, organization: UUID, *, on: date, flag: str = CreditFlag.ABNORMAL) -> None:
        self.app.raise_credit_flag(RaiseCreditFlag(self._id(), COMMITTEE, organization, flag,
                                                   "未按时年检", on))

    def clear_flag(self, organization: UUID, *, on: date,
                   flag: str = CreditFlag.ABNORMAL) -> None:
        self.app.clear_credit_flag(ClearCreditFlag(self._id(), COMMITTEE, organization, flag,
                                                   "已补正年检", on))

    def complain(self, organization: UUID, content: str, *, on: date) -> str:
        command_id = self._id()
        self.app.file_complaint(FileComplaint(
            command_id, Actor(user="wang.xiuying", role=Role.PUBLIC), organization,
            COMPLAINANT_NAME, COMPLAINANT_CONTACT, content, on))
        return complaint_id_for(command_id)

    def resolve(self, organization: UUID, complaint_id: str, outcome: str, *,
                on: date) -> None:
        self.app.resolve_complaint(ResolveComplaint(self._id(), COMMITTEE, organization,
                                                    complaint_id, outcome, on))

    # --- a grade evaluation -----------------------------------------------------------

    def apply(self, organization: UUID, *, on: date = date(2026, 3, 1)) -> UUID:
        actor = Actor(user="hu.org", role=Role.ORGANIZATION, scope=str(organization))
        return self.app.apply_for_evaluation(
            ApplyForEvaluation(self._id(), actor, organization, on)).aggregate_id

    def assign(self, evaluation: UUID, evaluator: UUID) -> int:
        return self.app.assign_evaluator(
            AssignEvaluator(self._id(), COMMITTEE, evaluation, evaluator)).notification_id

    def score(self, evaluation: UUID, scores: dict[str, int] | None = None, *,
              starts_on: date = date(2026, 4, 1)) -> None:
        evaluator = self.app.get_evaluation(evaluation).evaluator_id
        self.app.score_evaluation(ScoreEvaluation(
            self._id(), self.evaluator_officer(evaluator), evaluation, scores or SCORES_780,
            starts_on, starts_on + timedelta(days=6)))

    def close_publicity(self, evaluation: UUID) -> None:
        self.app.close_evaluation_publicity(
            CloseEvaluationPublicity(self._id(), SYSTEM_ACTOR, evaluation))

    def appeal(self, evaluation: UUID, *, filed_on: date = date(2026, 4, 3),
               answer_due_on: date = date(2026, 4, 18)) -> None:
        organization = self.app.get_evaluation(evaluation).organization_id
        actor = Actor(user="hu.org", role=Role.ORGANIZATION, scope=organization)
        self.app.file_appeal(FileAppeal(self._id(), actor, evaluation, "社会评价偏低",
                                        filed_on, answer_due_on))

    def escalate(self, evaluation: UUID) -> None:
        self.app.escalate_appeal(EscalateAppeal(self._id(), SYSTEM_ACTOR, evaluation))

    def answer(self, evaluation: UUID, *, revised: dict[str, int] | None = None,
               by_committee: bool = False) -> None:
        evaluator = self.app.get_evaluation(evaluation).evaluator_id
        actor = COMMITTEE if by_committee else self.evaluator_officer(evaluator)
        self.app.answer_appeal(AnswerAppeal(
            self._id(), actor, evaluation, revised is not None,
            "复核成立，调整得分" if revised else "维持原评估结果", date(2026, 4, 10), revised))

    def confirm(self, evaluation: UUID, *, on: date = date(2026, 4, 20)) -> None:
        self.app.confirm_grade(ConfirmGrade(self._id(), COMMITTEE, evaluation, on))

    def graded(self, organization: UUID, evaluator: UUID, *,
               scores: dict[str, int] | None = None, applied_on: date = date(2026, 3, 1),
               confirmed_on: date = date(2026, 4, 20)) -> UUID:
        """A whole evaluation, without appeal, up to the confirmed grade."""
        evaluation = self.apply(organization, on=applied_on)
        self.assign(evaluation, evaluator)
        self.score(evaluation, scores, starts_on=date(applied_on.year, 4, 1))
        self.close_publicity(evaluation)
        self.confirm(evaluation, on=confirmed_on)
        return evaluation

    # --- the grade afterwards ----------------------------------------------------------

    def downgrade(self, organization: UUID, year: int, *, on: date) -> None:
        self.app.downgrade_grade(DowngradeGrade(self._id(), COMMITTEE, organization,
                                                "年检不合格", str(year), "年检不合格降级", on))

    def revoke(self, organization: UUID, *, on: date) -> None:
        self.app.revoke_grade(RevokeGrade(self._id(), COMMITTEE, organization,
                                          "弄虚作假骗取评估等级", on))

    def lapse(self, organization: UUID, evaluation: UUID, *, on: date) -> None:
        self.app.lapse_grade(LapseGrade(self._id(), SYSTEM_ACTOR, organization, evaluation,
                                        on))

    @staticmethod
    def evaluator_officer(evaluator_id: str | UUID | None) -> Actor:
        return Actor(user="wu.evaluator", role=Role.EVALUATOR, scope=str(evaluator_id))


def organizations(store: Store) -> tuple[OrganizationsProjection, OrganizationsView]:
    projection = OrganizationsProjection(view=store.view(OrganizationsProjection))
    return projection, projection.view


def listed(view: OrganizationsView, limit: int = 50, **filters: Any) -> list[str]:
    return [row.name for row in
            view.list_organizations(OrganizationFilter(**filters), cursor=None,
                                    limit=limit).data]


# --- registration, search, filters and pages ----------------------------------


def test_register_organization_shows_registered_fields(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    organization = desk.register("蓬江区长者服务中心", staff=4)

    store.apply_all(projection)

    row = view.get_organization(organization)
    assert row is not None
    assert (row.name, row.category, row.kind, row.industry) == (
        "蓬江区长者服务中心", SERVICE, "社会服务类", "养老")
    assert (row.region_code, row.region_name) == ("440703", "蓬江区")
    assert row.credit_code == store.app.get_organization(organization).credit_code
    assert (row.registered_on, row.full_time_staff, row.version) == (date(2020, 5, 8), 4, 1)
    assert (row.compliance, row.board, row.complaints, row.grade_level,
            row.open_evaluation_id) == ({}, [], [], None, None)
    assert row.last_notification_id == store.app.recorder.max_notification_id()
    assert view.get_organization(UUID(int=1)) is None


def test_search_by_chinese_name_finds_names_containing_it(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    for name in ("蓬江区长者服务中心", "江门市养老服务协会", "台山市社会工作服务中心",
                 "江门市长者关爱基金会"):
        desk.register(name)

    store.apply_all(projection)

    assert listed(view, q="长者") == ["蓬江区长者服务中心", "江门市长者关爱基金会"]
    assert listed(view, q="服务中心") == ["蓬江区长者服务中心", "台山市社会工作服务中心"]
    assert listed(view, q="养") == ["江门市养老服务协会"]
    assert listed(view, q="江门 协会") == ["江门市养老服务协会"]
    assert listed(view, q="托育") == []
    assert listed(view, q="！？") == []
    assert len(listed(view, q="  ")) == 4


def test_search_ranks_exact_name_then_prefix_then_containing_across_pages(
    store: Store
) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    for name in ("蓬江区长者服务中心", "长者服务中心", "长者服务"):
        desk.register(name)
    store.apply_all(projection)

    assert listed(view, q="长者服务") == ["长者服务", "长者服务中心", "蓬江区长者服务中心"]
    names, cursor = [], None
    while True:
        page = view.list_organizations(OrganizationFilter(q="长者服务"), cursor=cursor, limit=1)
        names += [row.name for row in page.data]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert names == ["长者服务", "长者服务中心", "蓬江区长者服务中心"]


def test_search_by_credit_code_finds_the_organization(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    organization = desk.register("蓬江区长者服务中心")
    desk.register("江门市养老服务协会")
    store.apply_all(projection)

    code = store.app.get_organization(organization).credit_code
    assert listed(view, q=code) == ["蓬江区长者服务中心"]


def test_list_organizations_filters_by_each_field(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    evaluator = desk.register_evaluator()
    elderly = desk.register("蓬江区长者服务中心")
    desk.register("江门市养老服务协会", category=GROUP, kind="行业协会商会", region="440700")
    desk.register("台山市社会工作服务中心", industry="社会工作", region="440781")
    desk.graded(elderly, evaluator)

    store.apply_all(projection)

    assert listed(view, kind="行业协会商会") == ["江门市养老服务协会"]
    assert listed(view, category=SERVICE) == ["蓬江区长者服务中心", "台山市社会工作服务中心"]
    assert listed(view, region_code="440781") == ["台山市社会工作服务中心"]
    assert listed(view, industry="养老") == ["蓬江区长者服务中心", "江门市养老服务协会"]
    assert listed(view, grade_level=3) == ["蓬江区长者服务中心"]
    assert listed(view, grade_level=4) == []
    assert listed(view, industry="养老", q="协会") == ["江门市养老服务协会"]


def test_list_organizations_pages_in_registration_order(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    names = [f"江门市第{n}社区服务中心" for n in "一二三四五"]
    for name in names:
        desk.register(name)
    store.apply_all(projection)

    first = view.list_organizations(OrganizationFilter(), cursor=None, limit=2)
    second = view.list_organizations(OrganizationFilter(), cursor=first.next_cursor, limit=2)
    third = view.list_organizations(OrganizationFilter(), cursor=second.next_cursor, limit=2)

    assert [r.name for r in first.data + second.data + third.data] == names
    assert third.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.list_organizations(OrganizationFilter(), cursor="not-a-cursor", limit=2)


# --- the record ----------------------------------------------------------------


def test_record_shows_board_inspections_penalties_flags_and_complaints(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    organization = desk.register("江门市养老服务协会", category=GROUP, kind="行业协会商会")
    desk.elect(organization, "p-1", "陈志强", office="退（离）休", retired_on=date(2016, 6, 30))
    desk.inspect(organization, 2021, "合格")
    desk.inspect(organization, 2020, "基本合格")
    desk.penalize(organization, "江民罚〔2024〕3号", on=date(2024, 5, 6))
    desk.flag(organization, on=date(2024, 6, 1))
    desk.clear_flag(organization, on=date(2024, 9, 1))
    desk.flag(organization, on=date(2025, 2, 1))
    complaint = desk.complain(organization, "会费收取不透明", on=date(2025, 3, 1))
    desk.resolve(organization, complaint, "已责令公开会费标准", on=date(2025, 3, 20))
    desk.complain(organization, "理事会未按期换届", on=date(2025, 4, 1))

    store.apply_all(projection)

    row = view.get_organization(organization)
    assert row is not None
    assert row.board == [{"person_id": "p-1", "name": "陈志强", "position": "理事长",
                          "public_office": "退（离）休", "retired_on": "2016-06-30",
                          "elected_on": "2021-01-10"}]
    assert [(i["year"], i["result"]) for i in row.inspections] == [(2020, "基本合格"),
                                                                    (2021, "合格")]
    assert row.penalties[0]["decision_number"] == "江民罚〔2024〕3号"
    assert [(f["raised_on"], f["cleared_on"]) for f in row.flags] == [
        ("2024-06-01", "2024-09-01"), ("2025-02-01", None)]
    assert row.flags[0]["clear_reason"] == "已补正年检"
    assert row.flag_active_on(CreditFlag.ABNORMAL, date(2024, 7, 1)) is not None
    assert row.flag_active_on(CreditFlag.ABNORMAL, date(2024, 12, 1)) is None
    assert [(c["content"], c["outcome"], c["resolved_on"]) for c in row.complaints] == [
        ("会费收取不透明", "已责令公开会费标准", "2025-03-20"), ("理事会未按期换届", None, None)]
    assert all(set(c) == {"complaint_id", "content", "filed_on", "outcome", "resolved_on"}
               for c in row.complaints)


def test_complainant_appears_in_no_view_nor_history(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    history = HistoryProjection(view=store.view(HistoryProjection))
    organization = desk.register("蓬江区长者服务中心")
    desk.complain(organization, "服务态度差", on=date(2025, 3, 1))

    store.apply_all(projection)
    store.apply_all(history)

    shown = repr(view.dump()) + repr(history.view.dump())
    assert "服务态度差" in shown
    for private in (COMPLAINANT_NAME, COMPLAINANT_CONTACT, "wang.xiuying", "complainant"):
        assert private not in shown
    (filed,) = [e for e in history.view.history(organization) if e.event_label == "收到投诉"]
    assert (filed.actor_user, filed.actor_role) == (PRIVATE_USER, "public")


def test_compliance_declared_then_verified_and_a_new_declaration_awaits_verification(
    store: Store
) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    organization = desk.register("江门市养老服务协会", category=GROUP, kind="行业协会商会")
    desk.declare_compliance(organization, on=date(2025, 1, 5))
    desk.verify_compliance(organization, on=date(2025, 1, 20))
    store.apply_all(projection)
    verified = view.get_organization(organization)
    desk.declare_compliance(organization, on=date(2026, 1, 5), failing=("自筹经费",))
    store.apply_all(projection, after=verified.last_notification_id if verified else 0)

    redeclared = view.get_organization(organization)
    assert verified is not None and redeclared is not None
    assert verified.compliance_verified and verified.compliance["自主会务"] is True
    assert verified.compliance_verified_on == date(2025, 1, 20)
    assert redeclared.compliance["自筹经费"] is False
    assert (redeclared.compliance_declared_on, redeclared.compliance_verified_on) == (
        date(2026, 1, 5), None)


def test_row_answers_eligibility_as_the_aggregate_does(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    evaluator = desk.register_evaluator()
    organization = desk.register("蓬江区长者服务中心")
    desk.graded(organization, evaluator)
    desk.flag(organization, on=date(2027, 2, 1), flag=CreditFlag.DISHONEST)
    store.apply_all(projection)

    row = view.get_organization(organization)
    assert row is not None and row.grade_level is not None
    assert row.grade_valid_from is not None and row.grade_valid_until is not None
    grade = CurrentGrade(row.grade_level, row.grade_valid_from, row.grade_valid_until)
    aggregate = store.app.get_organization(organization)
    for day in (date(2027, 1, 15), date(2027, 3, 1)):
        assert undertaking_eligibility(row, on=day, grade=grade) == undertaking_eligibility(
            aggregate, on=day, grade=grade)
    assert undertaking_eligibility(row, on=date(2027, 1, 15), grade=grade).eligible
    assert not undertaking_eligibility(row, on=date(2027, 3, 1), grade=grade).eligible


# --- grades ----------------------------------------------------------------------


def row_of(view: OrganizationsView, organization: UUID) -> OrganizationRow:
    row = view.get_organization(organization)
    assert row is not None
    return row


def standing(view: OrganizationsView, organization: UUID) -> tuple[Any, ...]:
    row = row_of(view, organization)
    return row.grade_level, row.grade_valid_from, row.grade_valid_until


def test_standing_grade_follows_award_downgrade_new_award_lapse_and_revocation(
    store: Store
) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    evaluator = desk.register_evaluator()
    organization = desk.register("蓬江区长者服务中心")
    first = desk.apply(organization)
    store.apply_all(projection)
    assert row_of(view, organization).open_evaluation_id == first
    desk.assign(first, evaluator)
    desk.score(first)
    desk.close_publicity(first)
    desk.confirm(first)

    def seen() -> tuple[Any, ...]:
        store.apply_all(projection, after=view.max_tracking_id(store.app.name) or 0)
        return standing(view, organization)

    assert seen() == (3, date(2027, 1, 1), date(2031, 12, 31))
    assert row_of(view, organization).open_evaluation_id is None
    desk.inspect(organization, 2026, "不合格")
    desk.downgrade(organization, 2026, on=date(2027, 3, 2))
    assert seen() == (2, date(2027, 1, 1), date(2031, 12, 31))
    second = desk.graded(organization, evaluator, scores=SCORES_920,
                         applied_on=date(2031, 3, 1), confirmed_on=date(2031, 5, 10))
    assert seen() == (5, date(2032, 1, 1), date(2036, 12, 31))
    desk.lapse(organization, first, on=date(2032, 1, 1))
    assert seen() == (5, date(2032, 1, 1), date(2036, 12, 31))
    desk.revoke(organization, on=date(2033, 6, 1))
    assert seen() == (None, None, None)

    grades = view.grades_of(organization)
    assert [g.evaluation_id for g in grades] == [second, first]
    assert [(g.label, g.awarded_level, g.status) for g in grades] == [
        ("5A", 5, "已撤销"), ("2A", 3, "已到期")]
    assert [c["kind"] for c in grades[1].changes] == ["降级", "到期"]
    assert grades[1].changes[0] == {
        "kind": "降级", "from_level": 3, "to_level": 2, "basis": "年检不合格",
        "reference": "2026", "reason": "年检不合格降级", "on": "2027-03-02"}
    assert grades[0].changes == [{
        "kind": "撤销", "from_level": 5, "to_level": None, "basis": None, "reference": None,
        "reason": "弄虚作假骗取评估等级", "on": "2033-06-01"}]
    assert (grades[0].organization_name, grades[0].confirmed_on) == (
        "蓬江区长者服务中心", date(2031, 5, 10))
    assert not grades[0].in_force_on(date(2034, 1, 1))


def test_lapsed_only_grade_leaves_no_standing_grade(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    evaluator = desk.register_evaluator()
    organization = desk.register("蓬江区长者服务中心")
    evaluation = desk.graded(organization, evaluator)
    desk.lapse(organization, evaluation, on=date(2032, 1, 1))

    store.apply_all(projection)

    assert standing(view, organization) == (None, None, None)
    assert listed(view, grade_level=3) == []


def test_expiring_grades_include_both_window_ends_and_only_valid_grades(store: Store) -> None:
    desk = GradingDesk(store)
    projection, view = organizations(store)
    evaluator = desk.register_evaluator()
    early = desk.register("蓬江区长者服务中心")  # valid until 2031-12-31
    late = desk.register("台山市社会工作服务中心")  # valid until 2032-12-31
    revoked = desk.register("江门市长者关爱基金会")  # valid until 2031-12-31, revoked
    desk.graded(early, evaluator)
    desk.graded(late, evaluator, applied_on=date(2027, 3, 1), confirmed_on=date(2027, 4, 20))
    desk.graded(revoked, evaluator)
    desk.revoke(revoked, on=date(2028, 1, 5))
    store.apply_all(projection)

    def expiring(today: date, within_days: int) -> list[str]:
        page = view.expiring_grades(today=today, within_days=within_days, cursor=None,
                                    limit=10)
        return [g.organization_name for g in page.data]

    assert expiring(date(2031, 12, 1), 30) == ["蓬江区长者服务中心"]
    assert expiring(date(2031, 12, 1), 29) == []
    assert expiring(date(2031, 12, 31), 0) == ["蓬江区长者服务中心"]
    assert expiring(date(2032, 1, 1), 365) == ["台山市社会工作服务中心"]
    assert expiring(date(2031, 12, 31), 366) == ["蓬江区长者服务中心", "台山市社会工作服务中心"]
    first = view.expiring_grades(today=date(2031, 1, 1), within_days=800, cursor=None, limit=1)
    rest = view.expiring_grades(today=date(2031, 1, 1), within_days=800,
                                cursor=first.next_cursor, limit=1)
    assert [g.organization_name for g in first.data + rest.data] == [
        "蓬江区长者服务中心", "台山市社会工作服务中心"]
    assert rest.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.expiring_grades(today=date(2031, 1, 1), within_days=30, cursor="bm9wZQ", limit=1)


# --- history labels -------------------------------------------------------------


def test_every_organization_and_grading_event_has_a_chinese_history_label() -> None:
    aggregates = (SocialOrganization, ThirdPartyEvaluator, GradeEvaluation)
    events = {
        value for aggregate in aggregates for value in vars(aggregate).values()
        if isinstance(value, type) and issubclass(value, aggregate.Event)
        and value is not aggregate.Event and value.__name__ not in {"Created", "Event"}
    }
    unlabelled = sorted(e.__qualname__ for e in events if e not in EVENT_LABELS)

    assert len(events) == 29
    assert not unlabelled, f"events shown without a Chinese label: {unlabelled}"


def test_history_names_grading_events_in_chinese(store: Store) -> None:
    desk = GradingDesk(store)
    history = HistoryProjection(view=store.view(HistoryProjection))
    evaluator = desk.register_evaluator()
    organization = desk.register("蓬江区长者服务中心")
    evaluation = desk.graded(organization, evaluator)

    store.apply_all(history)

    assert [e.event_label for e in history.view.history(organization)] == [
        "登记社会组织", "开始等级评估", "授予评估等级"]
    assert [e.event_label for e in history.view.history(evaluation)] == [
        "申请等级评估", "指派评估机构", "评分", "公示期结束", "确认评估等级"]


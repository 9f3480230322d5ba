"""The social organization aggregate (社会组织), registered by the committee (市社工委).

Its id follows from its unified social credit code, so a code is registered once.  Dates
are decided by the caller and passed in: nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.departments import REGION_NAMES
from domain.grading.errors import (
    DowngradeBasisNotOnRecordError,
    DowngradeBasisUsedError,
    EvaluationAlreadyOpenError,
    EvaluationNotDueError,
    GradeAlreadyRecordedError,
    GradeNotExpiredError,
    GradeNotStandingError,
    InvalidGradeLevelError,
    LowestGradeError,
    NoCurrentGradeError,
    UnknownDowngradeBasisError,
)
from domain.grading.grades import HIGHEST_LEVEL, LOWEST_LEVEL, grade_label, validity_for
from domain.organizations.bars import PerformanceBar
from domain.organizations.credit_code import OrganizationCategory, check_credit_code
from domain.organizations.errors import (
    BoardMemberAlreadyElectedError,
    ComplaintAlreadyResolvedError,
    ComplaintNotFoundError,
    ComplianceNotMetError,
    CreditFlagAlreadyRaisedError,
    CreditFlagNotRaisedError,
    IncompleteComplianceDeclarationError,
    InspectionAlreadyRecordedError,
    InvalidInspectionYearError,
    InvalidStaffCountError,
    NotAnIndustryAssociationError,
    OfficialOnBoardError,
    OtherOrganizationError,
    PenaltyAlreadyRecordedError,
    RetirementDateRequiredError,
    UnknownCreditFlagError,
    UnknownInspectionResultError,
    UnknownOrganizationCategoryError,
    UnknownOrganizationKindError,
    UnknownPublicOfficeStatusError,
    UnknownRegionError,
)
from domain.organizations.records import (
    AnnualInspection,
    BoardMember,
    Complainant,
    Complaint,
    ComplianceItem,
    CreditFlag,
    DowngradeBasis,
    FlagPeriod,
    GradeRecord,
    GradeStatus,
    InspectionResult,
    OrganizationKind,
    Penalty,
    PublicOffice,
    Undertaking,
    UndertakingKind,
    parse_choice,
)
from domain.text import required_text

_NAMESPACE = uuid5(NAMESPACE_URL, "govflow:social-organization")
COMMITTEE_ROLES = frozenset({Role.COMMITTEE})
OWN_OR_COMMITTEE_ROLES = frozenset({Role.COMMITTEE, Role.ORGANIZATION})
OFFICIAL_COOLING_OFF_YEARS = 3
FIRST_EVALUATION_YEARS = 2
NAME_MAX = 100
SHORT_MAX = 50
TEXT_MAX = 2000


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


class SocialOrganization(GovAggregate):
    """A social organization (社会组织) and its record: 五自四无, board, inspections,
    penalties, credit flags and complaints."""

    @staticmethod
    def create_id(credit_code: str) -> UUID:
        return uuid5(_NAMESPACE, credit_code)

    @classmethod
    def register(
        cls, *, command_id: str, actor: Actor, credit_code: str, name: str, category: str,
        kind: str, industry: str, region_code: str, registered_on: date, full_time_staff: int,
    ) -> SocialOrganization:
        """登记社会组织: the credit code must be a valid Jiangmen civil-affairs code of the
        declared category."""
        cls.check_role(actor, COMMITTEE_ROLES, action="登记社会组织")
        parsed_category = parse_choice(
            OrganizationCategory, category, error=UnknownOrganizationCategoryError,
            field="category", label="社会组织类别")
        parsed_kind = parse_choice(
            OrganizationKind, kind, error=UnknownOrganizationKindError, field="kind",
            label="社会组织类型")
        check_credit_code(credit_code, category=parsed_category)
        if region_code not in REGION_NAMES:
            regions = "、".join(f"{c}（{n}）" for c, n in REGION_NAMES.items())
            raise UnknownRegionError(
                f"行政区划代码 {region_code!r} 不属于江门市；应为以下之一：{regions}",
                field="region_code")
        if full_time_staff < 0:
            raise InvalidStaffCountError(
                f"专职工作人员人数不能为负数（现为 {full_time_staff}）；应为 0 或正整数",
                field="full_time_staff")
        return cls(
            command_id=command_id, actor=cls.actor_record(actor), credit_code=credit_code,
            name=required_text(name, field="name", label="社会组织名称", max_length=NAME_MAX),
            category=parsed_category.value, kind=parsed_kind.value,
            industry=required_text(industry, field="industry", label="所属行业",
                                   max_length=SHORT_MAX),
            region_code=region_code, registered_on=registered_on,
            full_time_staff=full_time_staff,
        )

    @event("Registered")
    def __init__(
        self, *, command_id: str, actor: dict[str, Any], credit_code: str, name: str,
        category: str, kind: str, industry: str, region_code: str, registered_on: date,
        full_time_staff: int,
    ) -> None:
        self._created_by(command_id)
        self.credit_code = credit_code
        self.name = name
        self.category = OrganizationCategory(category)
        self.kind = OrganizationKind(kind)
        self.industry = industry
        self.region_code = region_code
        self.registered_on = registered_on
        self.full_time_staff = full_time_staff
        self.compliance: dict[ComplianceItem, bool] = {}
        self.compliance_verified_on: date | None = None
        self.board: dict[str, BoardMember] = {}
        self.inspections: dict[int, AnnualInspection] = {}
        self.penalties: dict[str, Penalty] = {}
        self.flags: list[FlagPeriod] = []
        self.complaints: dict[str, Complaint] = {}
        self.grades: list[GradeRecord] = []
        self.open_evaluation_id: str | None = None
        self.undertakings: dict[str, Undertaking] = {}
        self.bars: list[PerformanceBar] = []

    @property
    def code(self) -> str:
        """The credit code, as commands answer it (``CommandResult.code``)."""
        return self.credit_code

    @property
    def is_industry_association(self) -> bool:
        return self.kind is OrganizationKind.INDUSTRY_ASSOCIATION

    @property
    def compliance_verified(self) -> bool:
        return self.compliance_verified_on is not None

    # --- 五自四无 ----------------------------------------------------------------------

    def declare_compliance(self, *, command_id: str, actor: Actor,
                           declarations: Mapping[str, bool], declared_on: date) -> None:
        """申报“五自四无”, item by item; a new declaration awaits the committee's verification."""
        self.check_role(actor, OWN_OR_COMMITTEE_ROLES, action="申报“五自四无”情况")
        self.check_own(actor, action="申报“五自四无”情况")
        self.check_industry_association()
        items = {item.value for item in ComplianceItem}
        unknown = sorted(set(declarations) - items)
        missing = [item.value for item in ComplianceItem if item.value not in declarations]
        if unknown or missing:
            problems = []
            if missing:
                problems.append(f"缺少：{'、'.join(missing)}")
            if unknown:
                problems.append(f"无法识别：{'、'.join(unknown)}")
            raise IncompleteComplianceDeclarationError(
                f"“五自四无”申报须逐项填写全部九项（{'、'.join(ComplianceItem)}）"
                f"；{'；'.join(problems)}",
                field="declarations")
        self._compliance_declared(
            command_id=command_id, actor=self.actor_record(actor),
            declarations={item.value: bool(declarations[item.value]) for item in ComplianceItem},
            declared_on=declared_on)

    @event("ComplianceDeclared")
    def _compliance_declared(self, *, command_id: str, actor: dict[str, Any],
                             declarations: dict[str, bool], declared_on: date) -> None:
        self._applied(command_id)
        self.compliance = {ComplianceItem(k): v for k, v in declarations.items()}
        self.compliance_verified_on = None

    def verify_compliance(self, *, command_id: str, actor: Actor, verified_on: date) -> None:
        """核验“五自四无”: only a declaration compliant in every item is verified."""
        self.check_role(actor, COMMITTEE_ROLES, action="核验“五自四无”")
        self.check_industry_association()
        if not self.compliance:
            raise ComplianceNotMetError(
                f"「{self.name}」尚未申报“五自四无”情况；请先逐项申报后再核验")
        failing = [item.value for item, ok in self.compliance.items() if not ok]
        if failing:
            raise ComplianceNotMetError(
                f"「{self.name}」申报的“五自四无”中以下各项不符合：{'、'.join(failing)}；"
                f"须全部符合方可核验通过")
        self._compliance_verified(command_id=command_id, actor=self.actor_record(actor),
                                  verified_on=verified_on)

    @event("ComplianceVerified")
    def _compliance_verified(self, *, command_id: str, actor: dict[str, Any],
                             verified_on: date) -> None:
        self._applied(command_id)
        self.compliance_verified_on = verified_on

    # --- board ---------------------------------------------------------------------------

    def elect_board_member(
        self, *, command_id: str, actor: Actor, person_id: str, name: str, position: str,
        public_office: str, retired_on: date | None, elected_on: date,
    ) -> None:
        """理事会成员当选, with the public-office status the person declares."""
        self.check_role(actor, OWN_OR_COMMITTEE_ROLES, action="登记理事会成员")
        self.check_own(actor, action="登记理事会成员")
        person = required_text(name, field="name", label="理事姓名", max_length=SHORT_MAX)
        office = parse_choice(PublicOffice, public_office, error=UnknownPublicOfficeStatusError,
                              field="public_office", label="公职身份")
        if office is PublicOffice.RETIRED and retired_on is None:
            raise RetirementDateRequiredError(
                f"{person}为退（离）休公职人员，须填写退（离）休日期", field="retired_on")
        if person_id in self.board:
            raise BoardMemberAlreadyElectedError(
                f"{self.board[person_id].name}（{person_id}）已是「{self.name}」的理事会成员",
                field="person_id")
        if self.is_industry_association:
            self.check_not_official(person, office, retired_on, elected_on)
        self._board_member_elected(
            command_id=command_id, actor=self.actor_record(actor), person_id=person_id,
            name=person,
            position=required_text(position, field="position", label="职务",
                                   max_length=SHORT_MAX),
            public_office=office.value,
            retired_on=retired_on if office is PublicOffice.RETIRED else None,
            elected_on=elected_on)

    def check_not_official(self, person: str, office: PublicOffice, retired_on: date | None,
                           elected_on: date) -> None:
        """Seed 一(一)2(4): no serving official, nor one retired less than three years."""
        if office is PublicOffice.SERVING:
            raise OfficialOnBoardError(
                f"{person}为现职国家机关工作人员，不能当选行业协会商会「{self.name}」的理事会成员"
                f"（现职国家机关工作人员不得在行业协会商会兼职，一(一)2(4)）",
                field="public_office")
        if office is PublicOffice.RETIRED and retired_on is not None:
            allowed_from = years_after(retired_on, OFFICIAL_COOLING_OFF_YEARS)
            if elected_on < allowed_from:
                raise OfficialOnBoardError(
                    f"{person}于 {retired_on.isoformat()} 退（离）休，至当选日 "
                    f"{elected_on.isoformat()} 未满三年，不能当选行业协会商会「{self.name}」的"
                    f"理事会成员（一(一)2(4)）；最早可于 {allowed_from.isoformat()} 当选",
                    field="retired_on")

    @event("BoardMemberElected")
    def _board_member_elected(self, *, command_id: str, actor: dict[str, Any], person_id: str,
                              name: str, position: str, public_office: str,
                              retired_on: date | None, elected_on: date) -> None:
        self._applied(command_id)
        self.board[person_id] = BoardMember(person_id, name, position,
                                            PublicOffice(public_office), retired_on, elected_on)

    # --- supervision ---------------------------------------------------------------------

    def record_annual_inspection(self, *, command_id: str, actor: Actor, year: int,
                                 result: str, inspected_on: date) -> None:
        """年检结论, once per year."""
        self.check_role(actor, COMMITTEE_ROLES, action="登记年检结论")
        parsed = parse_choice(InspectionResult, result, error=UnknownInspectionResultError,
                              field="result", label="年检结论")
        first = self.registered_on.year
        if not first <= year <= inspected_on.year:
            raise InvalidInspectionYearError(
                f"年检年度 {year} 无效；应在登记年度 {first} 至检查年度 {inspected_on.year} 之间",
                field="year")
        if year in self.inspections:
            raise InspectionAlreadyRecordedError(
                f"「{self.name}」{year} 年度的年检结论已登记为"
                f"{self.inspections[year].result.value}，每年只登记一次", field="year")
        self._annual_inspection_recorded(command_id=command_id, actor=self.actor_record(actor),
                                         year=year, result=parsed.value,
                                         inspected_on=inspected_on)

    @event("AnnualInspectionRecorded")
    def _annual_inspection_recorded(self, *, command_id: str, actor: dict[str, Any], year: int,
                                    result: str, inspected_on: date) -> None:
        self._applied(command_id)
        self.inspections[year] = AnnualInspection(year, InspectionResult(result), inspected_on)

    def record_penalty(self, *, command_id: str, actor: Actor, decision_number: str,
                       authority: str, decided_on: date, description: str) -> None:
        """行政处罚, by its decision number."""
        self.check_role(actor, COMMITTEE_ROLES, action="登记行政处罚")
        number = required_text(decision_number, field="decision_number",
                               label="处罚决定书文号", max_length=SHORT_MAX)
        if number in self.penalties:
            raise PenaltyAlreadyRecordedError(
                f"处罚决定书 {number} 已登记在「{self.name}」名下，不能重复登记",
                field="decision_number")
        self._penalty_recorded(
            command_id=command_id, actor=self.actor_record(actor), decision_number=number,
            authority=required_text(authority, field="authority", label="处罚机关",
                                    max_length=NAME_MAX),
            decided_on=decided_on,
            description=required_text(description, field="description", label="处罚内容",
                                      max_length=TEXT_MAX))

    @event("PenaltyRecorded")
    def _penalty_recorded(self, *, command_id: str, actor: dict[str, Any], decision_number: str,
                          authority: str, decided_on: date, description: str) -> None:
        self._applied(command_id)
        self.penalties[decision_number] = Penalty(decision_number, authority, decided_on,
                                                  description)

    # --- credit flags ------------------------------------------------------------------------

    def raise_credit_flag(self, *, command_id: str, actor: Actor, flag: str, reason: str,
                          raised_on: date) -> None:
        """列入失信名单或异常名录, with the reason."""
        self.check_role(actor, COMMITTEE_ROLES, action="列入信用名单")
        parsed = parse_choice(CreditFlag, flag, error=UnknownCreditFlagError, field="flag",
                              label="信用名单")
        current = self.open_flag(parsed)
        if current is not None:
            raise CreditFlagAlreadyRaisedError(
                f"「{self.name}」自 {current.raised_on.isoformat()} 起已在{parsed.value}中",
                field="flag")
        self._credit_flag_raised(
            command_id=command_id, actor=self.actor_record(actor), flag=parsed.value,
            reason=required_text(reason, field="reason", label="列入理由", max_length=TEXT_MAX),
            raised_on=raised_on)

    @event("CreditFlagRaised")
    def _credit_flag_raised(self, *, command_id: str, actor: dict[str, Any], flag: str,
                            reason: str, raised_on: date) -> None:
        self._applied(command_id)
        self.flags.append(FlagPeriod(CreditFlag(flag), raised_on, reason))

    def clear_credit_flag(self, *, command_id: str, actor: Actor, flag: str, reason: str,
                          cleared_on: date) -> None:
        """移出失信名单或异常名录, with the reason."""
        self.check_role(actor, COMMITTEE_ROLES, action="移出信用名单")
        parsed = parse_choice(CreditFlag, flag, error=UnknownCreditFlagError, field="flag",
                              label="信用名单")
        if self.open_flag(parsed) is None:
            raise CreditFlagNotRaisedError(
                f"「{self.name}」不在{parsed.value}中，无需移出", field="flag")
        self._credit_flag_cleared(
            command_id=command_id, actor=self.actor_record(actor), flag=parsed.value,
            reason=required_text(reason, field="reason", label="移出理由", max_length=TEXT_MAX),
            cleared_on=cleared_on)

    @event("CreditFlagCleared")
    def _credit_flag_cleared(self, *, command_id: str, actor: dict[str, Any], flag: str,
                             reason: str, cleared_on: date) -> None:
        self._applied(command_id)
        self.flags = [
            replace(p, cleared_on=cleared_on, clear_reason=reason)
            if p.flag is CreditFlag(flag) and p.cleared_on is None else p
            for p in self.flags
        ]

    def open_flag(self, flag: CreditFlag) -> FlagPeriod | None:
        """The stay on ``flag``'s list that has not been cleared, if any."""
        return next((p for p in self.flags if p.flag is flag and p.cleared_on is None), None)

    def flag_active_on(self, flag: CreditFlag, day: date) -> FlagPeriod | None:
        """The stay on ``flag``'s list in force on ``day``, if any."""
        return next((p for p in self.flags if p.flag is flag and p.active_on(day)), None)

    # --- complaints ----------------------------------------------------------------------------

    def file_complaint(self, *, command_id: str, actor: Actor, complaint_id: str,
                       complainant_name: str, complainant_contact: str, content: str,
                       filed_on: date) -> None:
        """投诉: anyone may complain; who complained is kept but marked private."""
        self._complaint_filed(
            command_id=command_id, actor=self.actor_record(actor), complaint_id=complaint_id,
            complainant={
                "name": required_text(complainant_name, field="complainant_name",
                                      label="投诉人姓名", max_length=SHORT_MAX),
                "contact": required_text(complainant_contact, field="complainant_contact",
                                         label="投诉人联系方式", max_length=SHORT_MAX),
                "private": True,
            },
            content=required_text(content, field="content", label="投诉内容",
                                  max_length=TEXT_MAX),
            filed_on=filed_on)

    @event("ComplaintFiled")
    def _complaint_filed(self, *, command_id: str, actor: dict[str, Any], complaint_id: str,
                         complainant: dict[str, Any], content: str, filed_on: date) -> None:
        self._applied(command_id)
        self.complaints[complaint_id] = Complaint(
            complaint_id,
            Complainant(str(complainant["name"]), str(complainant["contact"]),
                        bool(complainant["private"])),
            content, filed_on)

    def resolve_complaint(self, *, command_id: str, actor: Actor, complaint_id: str,
                          outcome: str, resolved_on: date) -> None:
        """办结投诉, with the outcome."""
        self.check_role(actor, COMMITTEE_ROLES, action="办结投诉")
        complaint = self.complaints.get(complaint_id)
        if complaint is None:
            raise ComplaintNotFoundError(
                f"「{self.name}」没有编号为 {complaint_id} 的投诉", field="complaint_id")
        if complaint.resolved:
            raise ComplaintAlreadyResolvedError(
                f"投诉 {complaint_id} 已于 {complaint.resolved_on} 办结，不能重复办结",
                field="complaint_id")
        self._complaint_resolved(
            command_id=command_id, actor=self.actor_record(actor), complaint_id=complaint_id,
            outcome=required_text(outcome, field="outcome", label="处理结果",
                                  max_length=TEXT_MAX),
            resolved_on=resolved_on)

    @event("ComplaintResolved")
    def _complaint_resolved(self, *, command_id: str, actor: dict[str, Any], complaint_id: str,
                            outcome: str, resolved_on: date) -> None:
        self._applied(command_id)
        self.complaints[complaint_id] = replace(self.complaints[complaint_id], outcome=outcome,
                                                resolved_on=resolved_on)

    # --- grades (等级评估) ---------------------------------------------------------------

    def check_may_apply(self, applied_on: date) -> None:
        """May an evaluation start on ``applied_on``?  A first evaluation after two full
        years of registration; a re-evaluation in the year the grade expires, or later."""
        if self.open_evaluation_id is not None:
            raise EvaluationAlreadyOpenError(
                f"「{self.name}」已有进行中的等级评估（{self.open_evaluation_id}）；"
                f"该评估确认后方可再次申请")
        standing = self.standing_grade()
        if standing is not None:
            if applied_on.year < standing.valid_until.year:
                raise EvaluationNotDueError(
                    f"「{self.name}」现有评估等级 {grade_label(standing.level)}，有效期至 "
                    f"{standing.valid_until.isoformat()}；有效期届满当年"
                    f"（{standing.valid_until.year} 年）起方可申请重新评估")
            return
        due = years_after(self.registered_on, FIRST_EVALUATION_YEARS)
        if not self.grades and applied_on < due:
            raise EvaluationNotDueError(
                f"「{self.name}」于 {self.registered_on.isoformat()} 登记，至 "
                f"{applied_on.isoformat()} 登记未满两年；{due.isoformat()} 起方可申请等级评估")

    def open_evaluation(self, *, command_id: str, actor: Actor, evaluation_id: str,
                        applied_on: date) -> None:
        """等级评估开始 (the organization applied, or the committee started it)."""
        self.check_may_apply(applied_on)
        self._evaluation_opened(command_id=command_id, actor=self.actor_record(actor),
                                evaluation_id=evaluation_id, applied_on=applied_on)

    @event("EvaluationOpened")
    def _evaluation_opened(self, *, command_id: str, actor: dict[str, Any], evaluation_id: str,
                           applied_on: date) -> None:
        self._applied(command_id)
        self.open_evaluation_id = evaluation_id

    def award_grade(self, *, command_id: str, actor: Actor, evaluation_id: str, level: int,
                    confirmed_on: date) -> None:
        """评估等级确认: valid from 1 January next year to 31 December of the fifth year."""
        valid_from, valid_until = validity_for(confirmed_on)
        self._grade_awarded(command_id=command_id, actor=self.actor_record(actor),
                            evaluation_id=evaluation_id, level=level, confirmed_on=confirmed_on,
                            valid_from=valid_from, valid_until=valid_until)

    @event("GradeAwarded")
    def _grade_awarded(self, *, command_id: str, actor: dict[str, Any], evaluation_id: str,
                       level: int, confirmed_on: date, valid_from: date,
                       valid_until: date) -> None:
        self._applied(command_id)
        self.grades.append(GradeRecord(evaluation_id, level, level, confirmed_on, valid_from,
                                       valid_until))
        self.open_evaluation_id = None

    def record_existing_grade(
        self, *, command_id: str, actor: Actor, grade_id: str, level: int, confirmed_on: date,
        certificate_number: str, evaluator_name: str, recorded_on: date,
    ) -> None:
        """登记既有评估等级: a grade confirmed before govflow, from its certificate (the
        committee).  It stands and lapses like one govflow confirmed."""
        self.check_role(actor, COMMITTEE_ROLES, action="登记既有评估等级")
        if not LOWEST_LEVEL <= level <= HIGHEST_LEVEL:
            raise InvalidGradeLevelError(
                f"评估等级应为 {LOWEST_LEVEL}–{HIGHEST_LEVEL}（1A–5A），现为 {level}",
                field="level")
        if confirmed_on > recorded_on:
            raise InvalidGradeLevelError(
                f"确认日期 {confirmed_on.isoformat()} 晚于今天 {recorded_on.isoformat()}；"
                f"只能登记已确认的等级", field="confirmed_on")
        certificate = required_text(certificate_number, field="certificate_number",
                                    label="等级证书编号", max_length=SHORT_MAX)
        if any(g.evaluation_id == grade_id for g in self.grades):
            raise GradeAlreadyRecordedError(
                f"等级证书 {certificate} 已登记在「{self.name}」名下，不能重复登记",
                field="certificate_number")
        if self.open_evaluation_id is not None:
            raise EvaluationAlreadyOpenError(
                f"「{self.name}」有进行中的等级评估（{self.open_evaluation_id}）；"
                f"该评估确认后再登记既有等级")
        evaluator = required_text(evaluator_name, field="evaluator_name", label="评估机构",
                                  max_length=NAME_MAX)
        valid_from, valid_until = validity_for(confirmed_on)
        recorder = self.actor_record(actor)
        self._grade_awarded(command_id=command_id, actor=recorder, evaluation_id=grade_id,
                            level=level, confirmed_on=confirmed_on, valid_from=valid_from,
                            valid_until=valid_until)
        self._grade_certificate_recorded(command_id=command_id, actor=recorder,
                                         evaluation_id=grade_id,
                                         certificate_number=certificate,
                                         evaluator_name=evaluator)

    @event("GradeCertificateRecorded")
    def _grade_certificate_recorded(self, *, command_id: str, actor: dict[str, Any],
                                    evaluation_id: str, certificate_number: str,
                                    evaluator_name: str) -> None:
        self._applied(command_id)

    def downgrade_grade(self, *, command_id: str, actor: Actor, basis: str, reference: str,
                        reason: str, decided_on: date) -> None:
        """降级一档, on a fact on record: two 基本合格 years (``reference`` the later year), a
        failed inspection (the year) or an administrative penalty (the decision number)."""
        self.check_role(actor, COMMITTEE_ROLES, action="降低评估等级")
        parsed = parse_choice(DowngradeBasis, basis, error=UnknownDowngradeBasisError,
                              field="basis", label="降级依据")
        grade = self.grade_in_force(decided_on, action="降级")
        if grade.level <= LOWEST_LEVEL:
            raise LowestGradeError(
                f"「{self.name}」的评估等级已是 {grade_label(grade.level)}，不能再降级；"
                f"情节严重的，应撤销其评估等级")
        shown_reference = reference.strip()
        self.check_downgrade_basis(parsed, shown_reference)
        if parsed is not DowngradeBasis.PENALTY:
            # The year as a year: " 2027", "２０２７" and "2027" are the same fact.
            shown_reference = str(int(shown_reference))
        fact = f"{parsed.value}：{shown_reference}"
        if fact in grade.downgraded_for:
            raise DowngradeBasisUsedError(
                f"「{self.name}」的评估等级已因“{fact}”降级，同一事实不能重复降级",
                field="reference")
        self._grade_downgraded(
            command_id=command_id, actor=self.actor_record(actor),
            evaluation_id=grade.evaluation_id, from_level=grade.level,
            to_level=grade.level - 1, basis=parsed.value, reference=shown_reference,
            reason=required_text(reason, field="reason", label="降级理由", max_length=TEXT_MAX),
            decided_on=decided_on)

    def check_downgrade_basis(self, basis: DowngradeBasis, reference: str) -> None:
        """The fact a downgrade rests on must be on the organization's record."""
        if basis is DowngradeBasis.PENALTY:
            if reference not in self.penalties:
                raise DowngradeBasisNotOnRecordError(
                    f"「{self.name}」名下没有文号为 {reference!r} 的行政处罚；请先登记处罚决定",
                    field="reference")
            return
        try:
            year = int(reference)
        except ValueError:
            raise DowngradeBasisNotOnRecordError(
                f"“{basis.value}”的依据应为年检年度（如 2026），现为 {reference!r}",
                field="reference") from None
        needed = ([year - 1, year] if basis is DowngradeBasis.TWO_BASIC_YEARS else [year])
        expected = (InspectionResult.BASICALLY_PASSED
                    if basis is DowngradeBasis.TWO_BASIC_YEARS else InspectionResult.FAILED)
        found = {y: self.inspections[y].result.value if y in self.inspections else "未登记"
                 for y in needed}
        if any(y not in self.inspections or self.inspections[y].result is not expected
               for y in needed):
            shown = "、".join(f"{y} 年度{r}" for y, r in found.items())
            both = "均" if len(needed) > 1 else ""
            raise DowngradeBasisNotOnRecordError(
                f"“{basis.value}”须有 {'、'.join(str(y) for y in needed)} 年度年检结论{both}为"
                f"{expected.value}的记录；「{self.name}」的记录为：{shown}",
                field="reference")

    @event("GradeDowngraded")
    def _grade_downgraded(self, *, command_id: str, actor: dict[str, Any], evaluation_id: str,
                          from_level: int, to_level: int, basis: str, reference: str,
                          reason: str, decided_on: date) -> None:
        self._applied(command_id)
        self._change_grade(evaluation_id, lambda g: replace(
            g, level=to_level, downgraded_for=(*g.downgraded_for, f"{basis}：{reference}")))

    def revoke_grade(self, *, command_id: str, actor: Actor, reason: str,
                     decided_on: date) -> None:
        """撤销评估等级 for a serious breach (the committee)."""
        self.check_role(actor, COMMITTEE_ROLES, action="撤销评估等级")
        grade = self.grade_in_force(decided_on, action="撤销")
        self._grade_revoked(
            command_id=command_id, actor=self.actor_record(actor),
            evaluation_id=grade.evaluation_id, level=grade.level,
            reason=required_text(reason, field="reason", label="撤销理由", max_length=TEXT_MAX),
            decided_on=decided_on)

    @event("GradeRevoked")
    def _grade_revoked(self, *, command_id: str, actor: dict[str, Any], evaluation_id: str,
                       level: int, reason: str, decided_on: date) -> None:
        self._applied(command_id)
        self._change_grade(evaluation_id, lambda g: replace(g, status=GradeStatus.REVOKED))

    def lapse_grade(self, *, command_id: str, actor: Actor, evaluation_id: str,
                    lapsed_on: date) -> None:
        """评估等级到期: the day after its validity ends (a timer of the evaluation)."""
        grade = next((g for g in self.grades if g.evaluation_id == evaluation_id), None)
        if grade is None or grade.status is not GradeStatus.VALID:
            shown = grade.status.value if grade else "不存在"
            raise GradeNotStandingError(
                f"评估 {evaluation_id} 授予「{self.name}」的等级{shown}，无需到期处理")
        if lapsed_on <= grade.valid_until:
            raise GradeNotExpiredError(
                f"「{self.name}」的评估等级 {grade_label(grade.level)} 有效期至 "
                f"{grade.valid_until.isoformat()}，{lapsed_on.isoformat()} 尚未到期；"
                f"{(grade.valid_until + timedelta(days=1)).isoformat()} 起方可作到期处理",
                field="lapsed_on")
        self._grade_lapsed(command_id=command_id, actor=self.actor_record(actor),
                           evaluation_id=evaluation_id, level=grade.level,
                           valid_until=grade.valid_until, lapsed_on=lapsed_on)

    @event("GradeLapsed")
    def _grade_lapsed(self, *, command_id: str, actor: dict[str, Any], evaluation_id: str,
                      level: int, valid_until: date, lapsed_on: date) -> None:
        self._applied(command_id)
        self._change_grade(evaluation_id, lambda g: replace(g, status=GradeStatus.LAPSED))

    def _change_grade(self, evaluation_id: str,
                      change: Callable[[GradeRecord], GradeRecord]) -> None:
        self.grades = [change(g) if g.evaluation_id == evaluation_id else g
                       for g in self.grades]

    def current_grade(self, on: date) -> GradeRecord | None:
        """The grade in force on ``on`` (valid, not lapsed or revoked), if any."""
        return next((g for g in reversed(self.grades) if g.in_force_on(on)), None)

    def standing_grade(self) -> GradeRecord | None:
        """The latest grade neither lapsed nor revoked (it may start next year)."""
        return next((g for g in reversed(self.grades) if g.status is GradeStatus.VALID), None)

    def grade_in_force(self, on: date, *, action: str) -> GradeRecord:
        grade = self.current_grade(on) or self.standing_grade()
        if grade is None:
            raise NoCurrentGradeError(
                f"「{self.name}」没有有效的评估等级，无从{action}")
        return grade

    # --- undertakings (承接) and performance bars --------------------------------------

    def start_undertaking(self, *, command_id: str, actor: Actor, case_id: str, kind: str,
                          item_id: str, started_on: date) -> None:
        """开始承接 a transfer or a purchase contract (saved with the case that awards it)."""
        self._undertaking_started(command_id=command_id, actor=self.actor_record(actor),
                                  case_id=case_id, kind=UndertakingKind(kind).value,
                                  item_id=item_id, started_on=started_on)

    @event("UndertakingStarted")
    def _undertaking_started(self, *, command_id: str, actor: dict[str, Any], case_id: str,
                             kind: str, item_id: str, started_on: date) -> None:
        self._applied(command_id)
        self.undertakings[case_id] = Undertaking(case_id, UndertakingKind(kind), item_id,
                                                 started_on)

    def end_undertaking(self, *, command_id: str, actor: Actor, case_id: str,
                        ended_on: date) -> None:
        """承接结束 (expired, revoked, closed or terminated); ending one not live is a no-op."""
        if case_id in self.undertakings:
            self._undertaking_ended(command_id=command_id, actor=self.actor_record(actor),
                                    case_id=case_id, ended_on=ended_on)

    @event("UndertakingEnded")
    def _undertaking_ended(self, *, command_id: str, actor: dict[str, Any], case_id: str,
                           ended_on: date) -> None:
        self._applied(command_id)
        self.undertakings.pop(case_id, None)

    def bar(self, *, command_id: str, actor: Actor, until: date, reason: str,
            contract_id: str) -> None:
        """绩效评价为差: no new award up to ``until`` inclusive."""
        self._barred(command_id=command_id, actor=self.actor_record(actor), until=until,
                     reason=reason, contract_id=contract_id)

    @event("PerformanceBarred")
    def _barred(self, *, command_id: str, actor: dict[str, Any], until: date, reason: str,
                contract_id: str) -> None:
        self._applied(command_id)
        self.bars.append(PerformanceBar(until=until, reason=reason))

    # --- guards ------------------------------------------------------------------------------

    def check_own(self, actor: Actor, *, action: str) -> None:
        """An organization acts only on its own record (its scope is its id)."""
        if actor.role is Role.ORGANIZATION and actor.scope != str(self.id):
            raise OtherOrganizationError(
                f"您所在的社会组织为 {actor.scope}，不能为「{self.name}」（{self.id}）{action}")

    def check_industry_association(self) -> None:
        if not self.is_industry_association:
            raise NotAnIndustryAssociationError(
                f"「{self.name}」的类型为{self.kind.value}，不是行业协会商会；"
                f"“五自四无”只适用于行业协会商会")

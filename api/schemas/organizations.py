"""Social organizations (社会组织), their record and their grades (评估等级) over HTTP.

The bodies check only shapes and types; the domain checks the rules (credit codes,
categories, kinds, regions, 五自四无, the board rule) and says what would be right.
Dates that are facts (registration, inspection, a penalty decision, retirement) come
in the body; the date a command is given on is the API's today in China.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import ChinaDateTime, CommandAccepted, same_named
from domain.catalogue.commands import CommandResult
from domain.organizations.commands import complaint_id_for
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.eligibility import CurrentGrade, Eligibility
from domain.organizations.records import (
    ComplianceItem,
    CreditFlag,
    DowngradeBasis,
    InspectionResult,
    OrganizationKind,
    PublicOffice,
)
from projections.organization_rows import GradeRow, OrganizationRow
from projections.rows import Page


def _listed(values: Any) -> str:
    return "、".join(v.value for v in values)


_CATEGORIES = _listed(OrganizationCategory)
_KINDS = _listed(OrganizationKind)
_COMPLIANCE = _listed(ComplianceItem)
_OFFICES = _listed(PublicOffice)
_RESULTS = _listed(InspectionResult)
_FLAGS = _listed(CreditFlag)
_BASES = _listed(DowngradeBasis)

_FORBID = ConfigDict(extra="forbid")

# --- writes ------------------------------------------------------------------------------


class OrganizationCreate(BaseModel):
    """登记社会组织。"""

    model_config = _FORBID

    credit_code: str = Field(
        description="统一社会信用代码（18 位，GB 32100-2015）：第 1 位 5（民政），第 2 位类别，"
                    "第 3–8 位江门市行政区划代码，第 18 位校验码",
        examples=["52440703MJL000016J"])
    name: str = Field(description="社会组织名称（不超过 100 个字符）",
                      examples=["蓬江区长者服务中心"])
    category: str = Field(description=f"登记类别：{_CATEGORIES}；须与信用代码第 2 位一致",
                          examples=["民办非企业单位"])
    kind: str = Field(description=f"社会组织类型：{_KINDS}", examples=["社会服务类"])
    industry: str = Field(description="所属行业（一业可有多会）", examples=["养老服务"])
    region_code: str = Field(description="登记地行政区划代码，例如 440703（蓬江区）",
                             examples=["440703"])
    registered_on: date = Field(description="登记成立日期", examples=["2020-05-08"])
    full_time_staff: int = Field(description="专职工作人员人数", examples=[4])


class ComplianceDeclaration(BaseModel):
    """申报“五自四无”情况（行业协会商会）：逐项填写全部九项；新的申报须重新核验。"""

    model_config = _FORBID

    declarations: dict[str, bool] = Field(
        description=f"每一项是否符合；九项为：{_COMPLIANCE}",
        examples=[{item.value: True for item in ComplianceItem}])


class BoardMemberCreate(BaseModel):
    """理事会成员当选（本组织或市社工委登记）；当选日期为登记当日。"""

    model_config = _FORBID

    person_id: str = Field(min_length=1, max_length=64,
                           description="成员编号（本组织内唯一）", examples=["p-001"])
    name: str = Field(description="姓名", examples=["李伟"])
    position: str = Field(description="职务", examples=["会长"])
    public_office: str = Field(
        description=f"公职身份：{_OFFICES}；行业协会商会不得有现职及退（离）休未满 3 年的公职人员",
        examples=["无"])
    retired_on: date | None = Field(default=None,
                                    description="退（离）休日期；公职身份为退（离）休时必填")


class AnnualInspectionCreate(BaseModel):
    """登记年检结论（市社工委）。"""

    model_config = _FORBID

    year: int = Field(description="年检年度", examples=[2026])
    result: str = Field(description=f"年检结论：{_RESULTS}", examples=["合格"])
    inspected_on: date = Field(description="年检日期", examples=["2027-03-01"])


class PenaltyCreate(BaseModel):
    """登记行政处罚（市社工委）。"""

    model_config = _FORBID

    decision_number: str = Field(description="处罚决定书文号",
                                 examples=["江民罚〔2027〕3号"])
    authority: str = Field(description="作出处罚的机关", examples=["江门市民政局"])
    decided_on: date = Field(description="处罚决定日期", examples=["2027-02-10"])
    description: str = Field(description="处罚内容", examples=["警告"])


class ExistingGradeCreate(BaseModel):
    """登记既有评估等级（市社工委）：govflow 启用前已确认的等级，按等级证书登记。"""

    model_config = _FORBID

    level: int = Field(ge=1, le=5, description="评估等级（1–5，即 1A–5A）", examples=[4])
    confirmed_on: date = Field(description="等级确认日期（有效期自次年 1 月 1 日起五年）",
                               examples=["2025-11-20"])
    certificate_number: str = Field(description="等级证书编号", examples=["江社评〔2025〕17号"])
    evaluator_name: str = Field(description="作出评估的第三方评估机构",
                                examples=["江门市社会组织评估服务中心"])


class CreditFlagChange(BaseModel):
    """列入或移出失信名单、异常名录（市社工委）；日期为操作当日。"""

    model_config = _FORBID

    flag: str = Field(description=f"名单：{_FLAGS}", examples=["失信名单"])
    reason: str = Field(description="理由", examples=["未按规定报送年度工作报告"])


class ComplaintCreate(BaseModel):
    """投诉（任何人，无需登录）；投诉人信息只用于办理，不公开。"""

    model_config = _FORBID

    complainant_name: str = Field(description="投诉人姓名（不公开）", examples=["张先生"])
    complainant_contact: str = Field(description="投诉人联系方式（不公开）",
                                     examples=["13800000000"])
    content: str = Field(description="投诉内容（不超过 2000 个字符）",
                         examples=["服务中心未按约定提供上门助餐服务"])


class ComplaintResolution(BaseModel):
    """办结投诉（市社工委）；办结日期为操作当日。"""

    model_config = _FORBID

    outcome: str = Field(description="处理结果（公开）", examples=["经核查属实，已责令限期整改"])


class GradeDowngradeCreate(BaseModel):
    """降低评估等级一级（市社工委），须依据已登记的事实；决定日期为操作当日。"""

    model_config = _FORBID

    basis: str = Field(description=f"降级依据：{_BASES}", examples=["年检不合格"])
    reference: str = Field(
        description="所依据的事实：年检年度（连续两年基本合格时为后一年度）或处罚决定书文号",
        examples=["2026"])
    reason: str = Field(description="降级理由", examples=["2026 年度年检不合格"])


class GradeRevocation(BaseModel):
    """撤销评估等级（市社工委，严重违规）；决定日期为操作当日。"""

    model_config = _FORBID

    reason: str = Field(description="撤销理由", examples=["弄虚作假骗取评估等级"])


class ComplaintAccepted(CommandAccepted):
    """投诉已受理（不含投诉人信息）。"""

    complaint_id: str = Field(
        description="投诉编号（由本次命令确定，重复提交同一命令得到同一编号）")

    @classmethod
    def of(cls, result: CommandResult, command_id: str) -> ComplaintAccepted:
        accepted = CommandAccepted.from_result(result)
        return cls(**accepted.model_dump(), complaint_id=complaint_id_for(command_id))


# --- reading: the record -------------------------------------------------------------------


class BoardMemberPublic(BaseModel):
    """理事会成员（公开信息）。"""

    name: str = Field(description="姓名")
    position: str = Field(description="职务")
    elected_on: date = Field(description="当选日期")


class BoardMemberInternal(BoardMemberPublic):
    """理事会成员，含公职身份（仅市社工委可见）。"""

    person_id: str = Field(description="成员编号")
    public_office: str = Field(description=f"公职身份：{_OFFICES}")
    retired_on: date | None = Field(default=None, description="退（离）休日期")


BoardMemberOut = BoardMemberInternal | BoardMemberPublic
"""The internal schema first: it is a subclass, so it must be tried first."""


class InspectionPublic(BaseModel):
    """年检结论。"""

    year: int = Field(description="年检年度")
    result: str = Field(description=f"年检结论：{_RESULTS}")
    inspected_on: date = Field(description="年检日期")


class PenaltyPublic(BaseModel):
    """行政处罚。"""

    decision_number: str = Field(description="处罚决定书文号")
    authority: str = Field(description="作出处罚的机关")
    decided_on: date = Field(description="处罚决定日期")
    description: str = Field(description="处罚内容")


class CreditFlagPublic(BaseModel):
    """列入失信名单或异常名录的记录。"""

    flag: str = Field(description=f"名单：{_FLAGS}")
    raised_on: date = Field(description="列入日期")
    reason: str = Field(description="列入理由")
    cleared_on: date | None = Field(default=None, description="移出日期；仍在名单上为 null")
    clear_reason: str | None = Field(default=None, description="移出理由")


class ComplaintPublic(BaseModel):
    """投诉及处理结果（不含投诉人）。"""

    complaint_id: str = Field(description="投诉编号")
    content: str = Field(description="投诉内容")
    filed_on: date = Field(description="投诉日期")
    outcome: str | None = Field(default=None, description="处理结果；尚未办结为 null")
    resolved_on: date | None = Field(default=None, description="办结日期")


class OrganizationPublic(BaseModel):
    """社会组织（公开信息）：登记信息、“五自四无”、理事会、年检、处罚、信用记录、投诉处理和评估等级。"""

    id: UUID = Field(description="社会组织 ID（由统一社会信用代码确定）")
    credit_code: str = Field(description="统一社会信用代码")
    name: str = Field(description="名称")
    category: str = Field(description=f"登记类别：{_CATEGORIES}")
    kind: str = Field(description=f"类型：{_KINDS}")
    industry: str = Field(description="所属行业")
    region_code: str = Field(description="登记地行政区划代码")
    region_name: str = Field(description="登记地，例如 蓬江区")
    registered_on: date = Field(description="登记成立日期")
    full_time_staff: int = Field(description="专职工作人员人数")
    compliance: dict[str, bool] = Field(description="“五自四无”申报：每一项是否符合（未申报为空）")
    compliance_declared_on: date | None = Field(description="“五自四无”申报日期")
    compliance_verified_on: date | None = Field(description="市社工委核验日期；未核验为 null")
    board: list[BoardMemberOut] = Field(
        description="理事会成员（公职身份仅市社工委可见）")
    inspections: list[InspectionPublic] = Field(description="年检结论（按年度）")
    penalties: list[PenaltyPublic] = Field(description="行政处罚")
    flags: list[CreditFlagPublic] = Field(description="失信名单、异常名录记录")
    complaints: list[ComplaintPublic] = Field(description="投诉及处理结果（不含投诉人）")
    grade_level: int | None = Field(description="现有评估等级（1–5）；没有为 null")
    grade_label: str | None = Field(description="现有评估等级，例如 4A")
    grade_valid_from: date | None = Field(description="评估等级有效期起")
    grade_valid_until: date | None = Field(description="评估等级有效期止（含）")
    open_evaluation_id: UUID | None = Field(description="进行中的等级评估 ID")
    registered_at: ChinaDateTime = Field(description="在本系统登记的时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: OrganizationRow, *, sees_office: bool) -> OrganizationPublic:
        member = BoardMemberInternal if sees_office else BoardMemberPublic
        # The record's entries are dicts in the row: each is shown through its schema,
        # which names what may be shown (never who complained).
        return cls(**{
            **same_named(row, cls),
            "board": [member.model_validate(m) for m in row.board],
            "inspections": [InspectionPublic.model_validate(i) for i in row.inspections],
            "penalties": [PenaltyPublic.model_validate(p) for p in row.penalties],
            "flags": [CreditFlagPublic.model_validate(f) for f in row.flags],
            "complaints": [ComplaintPublic.model_validate(c) for c in row.complaints],
            "grade_label": None if row.grade_level is None else f"{row.grade_level}A",
        })


class OrganizationsPublic(BaseModel):
    """一页社会组织。"""

    data: list[OrganizationPublic] = Field(
        description="本页的社会组织（按登记先后；检索时按相关度）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[OrganizationRow], *, sees_office: bool) -> OrganizationsPublic:
        return cls(data=[OrganizationPublic.from_row(r, sees_office=sees_office)
                         for r in page.data],
                   next_cursor=page.next_cursor)


# --- reading: grades and eligibility ----------------------------------------------------------


class GradeChangePublic(BaseModel):
    """评估等级的变更：降级、撤销或到期。"""

    kind: str = Field(description="变更：降级、撤销或到期")
    from_level: int | None = Field(default=None, description="变更前等级")
    to_level: int | None = Field(default=None, description="变更后等级；撤销、到期为 null")
    basis: str | None = Field(default=None, description=f"降级依据：{_BASES}")
    reference: str | None = Field(default=None, description="所依据的年检年度或处罚决定书文号")
    reason: str | None = Field(default=None, description="理由")
    on: date = Field(description="变更日期")


class GradePublic(BaseModel):
    """评估等级（公开信息）。"""

    evaluation_id: UUID = Field(description="授予此等级的等级评估 ID")
    organization_id: UUID = Field(description="社会组织 ID")
    organization_name: str = Field(description="社会组织名称")
    credit_code: str = Field(description="统一社会信用代码")
    awarded_level: int = Field(description="评估确认的等级（1–5）")
    level: int = Field(description="现在的等级（降级后低于确认的等级）")
    label: str = Field(description="现在的等级，例如 4A")
    confirmed_on: date = Field(description="市社工委确认日期")
    valid_from: date = Field(description="有效期起（确认次年 1 月 1 日）")
    valid_until: date = Field(description="有效期止（第五年 12 月 31 日，含）")
    status: str = Field(description="状态：有效、已到期或已撤销")
    changes: list[GradeChangePublic] = Field(description="降级、撤销、到期记录（按先后）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")

    @classmethod
    def from_row(cls, row: GradeRow) -> GradePublic:
        return cls(**{**same_named(row, cls), "label": row.label,
                      "changes": [GradeChangePublic.model_validate(c) for c in row.changes]})


class GradesPublic(BaseModel):
    """一页评估等级。"""

    data: list[GradePublic] = Field(description="本页的评估等级（有效期先到期的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[GradeRow]) -> GradesPublic:
        return cls(data=[GradePublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


class CurrentGradePublic(BaseModel):
    """判断承接资格所依据的评估等级。"""

    level: int = Field(description="等级（1–5）")
    label: str = Field(description="等级，例如 3A")
    valid_from: date = Field(description="有效期起")
    valid_until: date = Field(description="有效期止（含）")


class EligibilityPublic(BaseModel):
    """承接政府转移职能和购买服务的资格（按当日判断）。"""

    eligible: bool = Field(description="是否具备承接资格")
    reasons: list[str] = Field(description="不具备资格的各项原因；具备资格时为空")
    on: date = Field(description="判断资格的日期（北京时间当日）")
    grade: CurrentGradePublic | None = Field(
        description="所依据的评估等级（当日有效的等级，没有则为最近一次未撤销的等级）；没有为 null")

    @classmethod
    def of(cls, eligibility: Eligibility, *, on: date,
           grade: CurrentGrade | None) -> EligibilityPublic:
        shown = None if grade is None else CurrentGradePublic(
            level=grade.level, label=grade.label, valid_from=grade.valid_from,
            valid_until=grade.valid_until)
        return cls(eligible=eligibility.eligible, reasons=list(eligibility.reasons), on=on,
                   grade=shown)

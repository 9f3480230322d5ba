"""Third-party evaluators (第三方评估机构) and grade evaluations (等级评估) over HTTP.

The bodies check only shapes and types; the domain checks the rules (scores per
dimension, stages, who may act) and says what would be right.  The dates of a step
(publicity, the appeal's answer deadline, confirmation) are the workflow's.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.common import ChinaDateTime, same_named
from domain.grading.scoring import DIMENSIONS
from domain.grading.stages import EvaluationStatus
from projections.organization_rows import EvaluationRow, EvaluatorRow
from projections.rows import Page

_FORBID = ConfigDict(extra="forbid")
_STATUSES = "、".join(s.value for s in EvaluationStatus)
_DIMENSIONS = "；".join(
    f"{category.value}：" + "、".join(f"{d.name}（{d.max_points} 分）" for d in dimensions)
    for category, dimensions in DIMENSIONS.items())

# --- evaluators -------------------------------------------------------------------------


class EvaluatorCreate(BaseModel):
    """登记第三方评估机构（市社工委）。"""

    model_config = _FORBID

    name: str = Field(description="评估机构名称（不超过 100 个字符）",
                      examples=["江门市社会组织评估中心"])
    contact: str = Field(description="联系方式（不超过 100 个字符）", examples=["0750-1234567"])


class EvaluatorAffiliationsUpdate(BaseModel):
    """登记评估机构的关联关系：替换此前登记的全部关联社会组织（空列表表示没有）；
    评估机构不得评估与其有关联关系的社会组织。"""

    model_config = _FORBID

    organization_ids: list[UUID] = Field(description="有关联关系的社会组织 ID（须已登记）")


class EvaluatorPublic(BaseModel):
    """第三方评估机构及其工作量。"""

    id: UUID = Field(description="评估机构 ID")
    name: str = Field(description="名称")
    contact: str = Field(description="联系方式")
    affiliations: list[UUID] = Field(description="有关联关系的社会组织 ID（不得评估）")
    open_evaluations: int = Field(description="已指派、尚未确认的评估数")
    confirmed_evaluations: int = Field(description="已确认的评估数")
    registered_at: ChinaDateTime = Field(description="登记时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: EvaluatorRow) -> EvaluatorPublic:
        return cls(**same_named(row, cls))


class EvaluatorsPublic(BaseModel):
    """一页第三方评估机构。"""

    data: list[EvaluatorPublic] = Field(description="本页的评估机构（按登记先后）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[EvaluatorRow]) -> EvaluatorsPublic:
        return cls(data=[EvaluatorPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


# --- evaluation steps ----------------------------------------------------------------------


class EvaluationApplication(BaseModel):
    """申请等级评估（社会组织为本组织申请）或启动评估（市社工委，须指明社会组织）。"""

    model_config = _FORBID

    organization_id: UUID | None = Field(
        default=None, description="社会组织 ID；社会组织申请时可不填（即本组织）")


class EvaluatorAssignment(BaseModel):
    """指派第三方评估机构（市社工委）；与该组织有关联关系的评估机构不能指派。"""

    model_config = _FORBID

    evaluator_id: UUID = Field(description="评估机构 ID")


Scores = dict[str, int]


class ScoresSubmission(BaseModel):
    """评分（指派的评估机构）：按社会组织类别的一级指标逐项评分，满分 1000 分；
    评分后进入公示。"""

    model_config = _FORBID

    scores: Scores = Field(description=f"每个一级指标的得分。{_DIMENSIONS}",
                           examples=[{"基础条件": 70, "内部治理": 300,
                                      "业务活动和诚信建设": 320, "社会评价": 90}])


class AppealCreate(BaseModel):
    """申请复核（社会组织，公示期内，每次评估一次）。"""

    model_config = _FORBID

    reason: str = Field(description="复核理由", examples=["社会评价得分偏低，附服务对象满意度调查"])


class AppealAnswer(BaseModel):
    """答复复核申请：评估机构在 15 日内答复；逾期上报后由市社工委答复。"""

    model_config = _FORBID

    upheld: StrictBool = Field(description="复核是否成立；成立须给出修正后的评分")
    answer: str = Field(description="答复意见", examples=["经复核，社会评价得分调整为 95 分"])
    revised_scores: Scores | None = Field(
        default=None, description="修正后的各项得分（复核成立时必填）")


# --- reading ---------------------------------------------------------------------------------


class EvaluationPublic(BaseModel):
    """等级评估（公开信息）：阶段、初评或确认的等级、总分和公示期。"""

    id: UUID = Field(description="等级评估 ID")
    organization_id: UUID = Field(description="社会组织 ID")
    organization_name: str = Field(description="社会组织名称")
    credit_code: str = Field(description="统一社会信用代码")
    category: str = Field(description="社会组织登记类别（决定评估指标）")
    applied_on: date = Field(description="申请（启动）日期")
    status: str = Field(description=f"阶段：{_STATUSES}")
    evaluator_id: UUID | None = Field(description="指派的评估机构 ID")
    evaluator_name: str | None = Field(description="指派的评估机构名称")
    total: int | None = Field(description="总分（满分 1000 分）")
    level: int | None = Field(description="初评等级（确认后为确认的等级，1–5）")
    grade_label: str | None = Field(description="等级，例如 4A")
    publicity_starts_on: date | None = Field(description="公示期第一天")
    publicity_ends_on: date | None = Field(description="公示期最后一天（含）")
    publicity_closed: bool = Field(description="公示期是否已结束")
    confirmed_on: date | None = Field(description="市社工委确认日期")
    created_at: ChinaDateTime = Field(description="申请时间（北京时间）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: EvaluationRow) -> EvaluationPublic:
        return cls(**same_named(row, cls),
                   grade_label=None if row.level is None else f"{row.level}A")


class EvaluationInternal(EvaluationPublic):
    """等级评估，含各项得分和复核（仅市社工委、指派的评估机构和该社会组织可见）。"""

    applied_by_role: str = Field(description="申请人角色：organization（社会组织申请）或 "
                                             "committee（市社工委启动）")
    scores: dict[str, int] = Field(description="各一级指标的得分")
    appeal_reason: str | None = Field(description="复核理由")
    appeal_filed_on: date | None = Field(description="申请复核日期")
    appeal_answer_due_on: date | None = Field(description="复核答复期限（含）")
    appeal_escalated: bool = Field(description="复核是否已逾期上报市社工委")
    appeal_outcome: str | None = Field(description="复核结论：复核成立或维持原评估结果")
    appeal_answer: str | None = Field(description="复核答复意见")
    appeal_answered_on: date | None = Field(description="答复日期")


EvaluationOut = EvaluationInternal | EvaluationPublic
"""The internal schema first: it is a subclass, so it must be tried first."""


def evaluation_out(row: EvaluationRow, internal: bool) -> EvaluationOut:
    return (EvaluationInternal if internal else EvaluationPublic).from_row(row)


class EvaluationsPublic(BaseModel):
    """一页等级评估。"""

    data: list[EvaluationOut] = Field(description="本页的等级评估（新申请的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

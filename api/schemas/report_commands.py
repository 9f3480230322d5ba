"""What the reporting writes take and answer: a department's narrative and submission of its
quarterly report (季度报告), the committee's scoring of an acceptance review (验收考核) and its
reporting runs (报告开启)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from api.ports import ReportingRunResult
from domain.reporting.acceptance import TaskScore


class ReportNarrative(BaseModel):
    """情况说明（保存，提交前可反复修改）。"""

    narrative: str = Field(description="本季度工作情况说明", examples=["本季度完成目录编制 12 项"])


class ReportSubmission(BaseModel):
    """提交季度报告。"""

    narrative: str | None = Field(
        default=None, description="情况说明；不填则提交已保存的情况说明")


class TaskScorePublic(BaseModel):
    """一项任务的验收考核：得分（0–100）与考核意见。"""

    task: str = Field(description="任务名称", examples=["目录编制"])
    score: int = Field(description="得分，0 至 100", examples=[92])
    findings: str = Field(description="考核意见", examples=["目录完整、按期公示"])


class AcceptanceScoring(BaseModel):
    """验收考核评分：逐项任务评分；各项得分的平均分（四舍五入）定结论。"""

    tasks: list[TaskScorePublic] = Field(description="任务评分，至少一项，任务不重复")

    def task_scores(self) -> tuple[TaskScore, ...]:
        return tuple(TaskScore(task=t.task, score=t.score, findings=t.findings)
                     for t in self.tasks)


class ReportingRunCreate(BaseModel):
    """开启季度报告（及第四季度后的年度验收考核），如定时任务所做。"""

    quarter: str | None = Field(
        default=None, description="季度，写作 年份Q季度（如 2026Q4）；不填为最近结束的季度",
        examples=["2026Q4"])


class OpenedReportPublic(BaseModel):
    department: str = Field(description="部门代码")
    report_id: UUID = Field(description="季度报告 ID")
    opened: bool = Field(description="本次开启（false：此前已开启）")


class OpenedReviewPublic(BaseModel):
    department: str = Field(description="部门代码")
    review_id: UUID = Field(description="验收考核 ID")
    opened: bool = Field(description="本次开启（false：此前已开启）")


class ReportingRunPublic(BaseModel):
    """报告开启的结果：每个已登记部门的季度报告，第四季度后还有年度验收考核。"""

    quarter: str = Field(description="季度，例如 2026Q4")
    quarter_label: str = Field(description="季度名称，例如「2026年第4季度」")
    reports: list[OpenedReportPublic] = Field(description="各部门的季度报告")
    acceptance_reviews: list[OpenedReviewPublic] = Field(
        description="各部门该年度的验收考核（仅第四季度）")
    notification_id: int = Field(
        description="查询时带上 ?after=此值 可读到本次开启的报告")

    @classmethod
    def from_run(cls, run: ReportingRunResult) -> ReportingRunPublic:
        return cls(
            quarter=run.quarter.key, quarter_label=run.quarter.label,
            reports=[OpenedReportPublic(department=r.department, report_id=r.report_id,
                                        opened=r.opened) for r in run.reports],
            acceptance_reviews=[
                OpenedReviewPublic(department=r.department, review_id=r.review_id,
                                   opened=r.opened) for r in run.acceptance_reviews],
            notification_id=run.notification_id,
        )

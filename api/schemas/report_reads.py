"""What the reporting reads answer: quarterly reports with their figures (季度报告), the city
report (全市报告) and the acceptance reviews (验收考核).

Every figure comes with its Chinese label; a money figure is in fen (``value``) and in
yuan as people write it (``yuan``: "12,345.67").
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import ChinaDateTime, same_named, yuan
from domain.reporting.figures import FIGURES
from domain.reporting.periods import Quarter
from projections.report_rows import (
    AWAITING_SCORE,
    SCORED,
    AcceptanceReviewRow,
    CityReport,
    DepartmentFigures,
    QuarterlyReportRow,
    RegionFigures,
)
from projections.rows import Page

PILOT_LABEL = "试点"


class FigureColumn(BaseModel):
    """一项指标。"""

    key: str = Field(description="指标键，例如 contracts_awarded")
    label: str = Field(description="指标名称，例如「签订购买服务合同」")
    money: bool = Field(description="是否金额（金额以分计）")


class FigurePublic(FigureColumn):
    """一项指标及其数值。"""

    value: int = Field(description="数值；金额以分计")
    yuan: str | None = Field(description="金额（元），例如 12,345.67；非金额指标为 null")


def figures_public(figures: dict[str, int]) -> list[FigurePublic]:
    """The figures in report order, with their labels (and money in yuan too)."""
    return [FigurePublic(key=f.key, label=f.label, money=f.money, value=figures[f.key],
                         yuan=yuan(figures[f.key]) if f.money else None)
            for f in FIGURES]


def figure_columns() -> list[FigureColumn]:
    return [FigureColumn(key=f.key, label=f.label, money=f.money) for f in FIGURES]


# --- quarterly reports --------------------------------------------------------------------


class QuarterlyReportPublic(BaseModel):
    """季度报告（不含指标）。"""

    id: UUID = Field(description="季度报告 ID")
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    title: str = Field(description="标题，例如「江门市民政局 2026年第3季度工作报告」")
    year: int = Field(description="年度")
    quarter: int = Field(description="季度（1–4）")
    quarter_key: str = Field(description="报告期，例如 2026Q3")
    quarter_label: str = Field(description="报告期，例如「2026年第3季度」")
    status: str = Field(description="状态：待提交、已提交")
    opened_on: date = Field(description="开启日期")
    due_on: date = Field(description="提交截止日期")
    narrative: str = Field(description="情况说明（部门填写）")
    submitted_on: date | None = Field(description="提交日期；未提交为 null")
    escalated_on: date | None = Field(description="逾期提请市社工委督办的日期；未督办为 null")
    late: bool = Field(description="是否逾期（逾期提交，或已督办仍未提交）")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: QuarterlyReportRow) -> QuarterlyReportPublic:
        return cls(**{**same_named(row, cls), "title": row.title,
                      "quarter_label": row.period.label})


class QuarterlyReportDetail(QuarterlyReportPublic):
    """季度报告及其指标（由该季度发生的事件统计）。"""

    figures: list[FigurePublic] = Field(description="指标（按报告顺序）")

    @classmethod
    def of(cls, row: QuarterlyReportRow, figures: dict[str, int]) -> QuarterlyReportDetail:
        summary = QuarterlyReportPublic.from_row(row)
        return cls(**summary.model_dump(), figures=figures_public(figures))


class QuarterlyReportsPublic(BaseModel):
    """一页季度报告。"""

    data: list[QuarterlyReportPublic] = Field(description="本页的季度报告（新开启的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[QuarterlyReportRow]) -> QuarterlyReportsPublic:
        return cls(data=[QuarterlyReportPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)


# --- the city report ----------------------------------------------------------------------


class CityDepartmentPublic(BaseModel):
    """全市报告中一个部门的一行。"""

    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    region_code: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区")
    pilot: bool = Field(description="是否试点地区（蓬江区、台山市）")
    pilot_label: str | None = Field(description="试点地区为「试点」，否则为 null")
    figures: list[FigurePublic] = Field(description="指标")

    @classmethod
    def from_row(cls, row: DepartmentFigures) -> CityDepartmentPublic:
        return cls(**{**same_named(row, cls), "pilot_label": PILOT_LABEL if row.pilot else None,
                      "figures": figures_public(row.figures)})


class CityRegionPublic(BaseModel):
    """全市报告中一个地区的一行（该地区各部门之和）。"""

    region_code: str = Field(description="行政区划代码")
    region_name: str = Field(description="地区")
    pilot: bool = Field(description="是否试点地区（蓬江区、台山市）：试点地区总是单列一行")
    pilot_label: str | None = Field(description="试点地区为「试点」，否则为 null")
    departments: int = Field(description="该地区的部门数")
    figures: list[FigurePublic] = Field(description="指标（该地区各部门之和）")

    @classmethod
    def from_row(cls, row: RegionFigures) -> CityRegionPublic:
        return cls(**{**same_named(row, cls), "pilot_label": PILOT_LABEL if row.pilot else None,
                      "figures": figures_public(row.figures)})


class CityReportPublic(BaseModel):
    """全市季度报告：各部门、各地区（试点地区单列）和全市合计；各行相加等于合计。"""

    quarter_key: str = Field(description="报告期，例如 2026Q3")
    quarter_label: str = Field(description="报告期，例如「2026年第3季度」")
    columns: list[FigureColumn] = Field(description="指标（按报告顺序）")
    departments: list[CityDepartmentPublic] = Field(description="各部门（按地区、部门代码）")
    regions: list[CityRegionPublic] = Field(description="各地区（按行政区划代码）")
    total: list[FigurePublic] = Field(description="全市合计")

    @classmethod
    def of(cls, report: CityReport) -> CityReportPublic:
        quarter: Quarter = report.quarter
        return cls(quarter_key=quarter.key, quarter_label=quarter.label,
                   columns=figure_columns(),
                   departments=[CityDepartmentPublic.from_row(d) for d in report.departments],
                   regions=[CityRegionPublic.from_row(r) for r in report.regions],
                   total=figures_public(report.total))


# --- acceptance reviews -------------------------------------------------------------------


class TaskScorePublic(BaseModel):
    """一项任务的考核结果。"""

    task: str = Field(description="任务")
    score: int = Field(description="得分（0–100）")
    findings: str = Field(description="考核意见")


class AcceptanceReviewPublic(BaseModel):
    """年度验收考核。"""

    id: UUID = Field(description="验收考核 ID")
    department: str = Field(description="部门代码")
    department_name: str = Field(description="部门名称")
    year: int = Field(description="考核年度")
    status: str = Field(description=f"状态：{AWAITING_SCORE}、{SCORED}")
    opened_on: date = Field(description="开启日期")
    tasks: list[TaskScorePublic] = Field(description="各项任务的得分与考核意见；未评分为空")
    total: int | None = Field(description="总分（各项任务得分的平均数，四舍五入）；未评分为 null")
    conclusion: str | None = Field(description="结论：优秀、良好、合格、不合格；未评分为 null")
    scored_on: date | None = Field(description="评分日期；未评分为 null")
    updated_at: ChinaDateTime = Field(description="最后变更时间（北京时间）")
    version: int = Field(description="版本号")

    @classmethod
    def from_row(cls, row: AcceptanceReviewRow) -> AcceptanceReviewPublic:
        return cls(**{**same_named(row, cls),
                      "tasks": [TaskScorePublic.model_validate(t) for t in row.tasks]})


class AcceptanceReviewsPublic(BaseModel):
    """一页验收考核。"""

    data: list[AcceptanceReviewPublic] = Field(description="本页的验收考核（新开启的在前）")
    next_cursor: str | None = Field(description="下一页的游标（?cursor=）；没有下一页时为 null")

    @classmethod
    def from_page(cls, page: Page[AcceptanceReviewRow]) -> AcceptanceReviewsPublic:
        return cls(data=[AcceptanceReviewPublic.from_row(r) for r in page.data],
                   next_cursor=page.next_cursor)

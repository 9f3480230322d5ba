"""What the reporting view returns (季度报告、全市报告、验收考核), and what it keeps to count.

Figures are ``{figure key: value}`` dicts over ``domain.reporting.figures.FIGURE_KEYS``
(every key present, money in fen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.reporting.periods import Quarter

AWAITING_SCORE = "待评分"
"""An acceptance review opened and not scored yet."""
SCORED = "已评分"


@dataclass(frozen=True)
class QuarterlyReportRow:
    """A department's quarterly report (季度报告) and where it stands; its figures are read
    separately (``ReportReader.figures``) for its department and quarter."""

    id: UUID
    department: str
    department_name: str
    year: int
    quarter: int
    """1 to 4."""
    quarter_key: str
    """``2026Q3``."""
    status: str
    """``domain.reporting.report.ReportStatus`` value: 待提交 or 已提交."""
    opened_on: date
    due_on: date
    narrative: str
    """The department's own words (情况说明), as last saved or submitted."""
    submitted_on: date | None
    escalated_on: date | None
    """When the report, overdue, was escalated to the committee (督办)."""
    late: bool
    """Submitted after its due date, or escalated and not submitted yet."""
    created_at: datetime
    updated_at: datetime
    version: int
    position: int
    last_notification_id: int

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def title(self) -> str:
        return f"{self.department_name} {self.period.label}工作报告"


@dataclass(frozen=True)
class ReportFilter:
    """Filters of ``GET /quarterly-reports``; each is optional."""

    department: str | None = None
    year: int | None = None
    quarter: int | None = None
    status: str | None = None


@dataclass(frozen=True)
class AcceptanceReviewRow:
    """The year-end acceptance review (验收考核) of one department."""

    id: UUID
    department: str
    department_name: str
    year: int
    status: str
    """``AWAITING_SCORE`` or ``SCORED``."""
    opened_on: date
    tasks: list[dict[str, Any]]
    """Each task scored: task, score (0–100), findings; empty until scored."""
    total: int | None
    """The mean of the task scores, rounded half up."""
    conclusion: str | None
    """优秀, 良好, 合格 or 不合格."""
    scored_on: date | None
    created_at: datetime
    updated_at: datetime
    version: int
    position: int
    last_notification_id: int


@dataclass(frozen=True)
class DepartmentFigures:
    """One department's row of the city report."""

    department: str
    department_name: str
    region_code: str
    region_name: str
    pilot: bool
    figures: dict[str, int]


@dataclass(frozen=True)
class RegionFigures:
    """One region's row of the city report: the sum of its departments' rows."""

    region_code: str
    region_name: str
    pilot: bool
    """A pilot district (试点: 蓬江区, 台山市): always a row, even without departments."""
    departments: int
    figures: dict[str, int]


@dataclass(frozen=True)
class CityReport:
    """The committee's report to the city (全市报告) for one quarter.

    The department rows add up to their region's row, the region rows to ``total``.
    """

    quarter: Quarter
    departments: list[DepartmentFigures]
    """Every registered department, in region then code order."""
    regions: list[RegionFigures]
    """Every region with a department, and the pilot districts, in code order."""
    total: dict[str, int]


# --- what the view keeps to count -------------------------------------------------------


@dataclass(frozen=True)
class FigureCount:
    """One figure of one department in one quarter, as counted so far."""

    id: str
    """``<department>|<quarter key>|<figure key>``."""
    department: str
    quarter: str
    """``2026Q3``."""
    figure: str
    value: int


@dataclass(frozen=True)
class ReportDepartment:
    """A registered department: its name and region, for the reports' rows."""

    code: str
    name: str
    region_code: str
    region_name: str
    pilot: bool


@dataclass(frozen=True)
class CountedCase:
    """A catalogue item, transfer or contract: the department its later events count for."""

    case_id: UUID
    department: str
    created_by: str
    """The command that created it.  An existing item (登记既有目录事项) is published and
    decided by that same command: those steps happened before govflow and are not
    counted as this quarter's work."""

"""The read interfaces the API depends on; the views implement them."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from domain.reporting.periods import Quarter
from projections.case_rows import (
    ContractFilter,
    ContractRow,
    LedgerLine,
    LedgerTotals,
    ReviewRow,
    StaffingRow,
    TransferFilter,
    TransferRow,
)
from projections.feed_rows import FeedEntry
from projections.ocds_rows import OcdsRecord
from projections.organization_rows import (
    EvaluationFilter,
    EvaluationRow,
    EvaluatorRow,
    GradeRow,
    OrganizationFilter,
    OrganizationRow,
)
from projections.register_rows import AgencyDetail, DepartmentFilter, DepartmentRow
from projections.report_rows import (
    AcceptanceReviewRow,
    CityReport,
    QuarterlyReportRow,
    ReportFilter,
)
from projections.rows import CatalogueFilter, CatalogueItemRow, HistoryEntry, InboxEntry, Page


class CaughtUp(Protocol):
    def caught_up(self, notification_id: int, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until the view has processed
        ``notification_id``; True if it has."""
        ...


class CatalogueReader(CaughtUp, Protocol):
    def get_item(self, item_id: UUID) -> CatalogueItemRow | None: ...

    def list_items(
        self, filters: CatalogueFilter, *, cursor: str | None, limit: int
    ) -> Page[CatalogueItemRow]: ...


class HistoryReader(CaughtUp, Protocol):
    def history(self, entity_id: UUID) -> list[HistoryEntry]: ...


class InboxReader(CaughtUp, Protocol):
    def inbox(
        self, *, role: str, scope: str | None, today: date, cursor: str | None, limit: int
    ) -> Page[InboxEntry]:
        """The tasks waiting on ``role`` in ``scope`` (department code, agency id; None for
        the committee), soonest due first (undated last), flagged due-soon and overdue as
        of ``today``."""
        ...


class DepartmentReader(CaughtUp, Protocol):
    def get_department(self, code: str) -> DepartmentRow | None: ...

    def list_departments(
        self, filters: DepartmentFilter, *, cursor: str | None, limit: int
    ) -> Page[DepartmentRow]:
        """Registered departments in code order."""
        ...


class AgencyReader(CaughtUp, Protocol):
    def get_agency(self, agency_id: UUID) -> AgencyDetail | None: ...

    def list_agencies(self, *, cursor: str | None, limit: int) -> Page[AgencyDetail]:
        """Agencies with their experts, in the order they were established."""
        ...


class OrganizationReader(CaughtUp, Protocol):
    """社会组织 and their grades."""

    def get_organization(self, organization_id: UUID) -> OrganizationRow | None: ...

    def list_organizations(
        self, filters: OrganizationFilter, *, cursor: str | None, limit: int
    ) -> Page[OrganizationRow]:
        """Organizations in registration order (search results by relevance, then order)."""
        ...

    def grades_of(self, organization_id: UUID) -> list[GradeRow]:
        """Every grade the organization was awarded, newest first."""
        ...

    def expiring_grades(
        self, *, today: date, within_days: int, cursor: str | None, limit: int
    ) -> Page[GradeRow]:
        """Grades still 有效 whose validity ends between ``today`` and ``today +
        within_days`` (inclusive), soonest first."""
        ...


class EvaluationReader(CaughtUp, Protocol):
    """等级评估 and 第三方评估机构."""

    def get_evaluation(self, evaluation_id: UUID) -> EvaluationRow | None: ...

    def list_evaluations(
        self, filters: EvaluationFilter, *, cursor: str | None, limit: int
    ) -> Page[EvaluationRow]:
        """Evaluations, newest application first."""
        ...

    def get_evaluator(self, evaluator_id: UUID) -> EvaluatorRow | None: ...

    def list_evaluators(self, *, cursor: str | None, limit: int) -> Page[EvaluatorRow]:
        """Evaluators in registration order, with their workloads."""
        ...


class TransferReader(CaughtUp, Protocol):
    """职能转移 and 编制申请."""

    def get_transfer(self, transfer_id: UUID) -> TransferRow | None: ...

    def list_transfers(
        self, filters: TransferFilter, *, cursor: str | None, limit: int
    ) -> Page[TransferRow]:
        """Transfers, newest proposal first."""
        ...

    def get_staffing_request(self, request_id: UUID) -> StaffingRow | None: ...

    def list_staffing_requests(
        self, *, department: str | None, flagged: bool | None, cursor: str | None, limit: int
    ) -> Page[StaffingRow]:
        """Staffing requests, newest first."""
        ...


class ContractReader(CaughtUp, Protocol):
    """购买服务合同, the payments ledger and 绩效评价."""

    def get_contract(self, contract_id: UUID) -> ContractRow | None: ...

    def list_contracts(
        self, filters: ContractFilter, *, cursor: str | None, limit: int
    ) -> Page[ContractRow]:
        """Contracts, newest award first."""
        ...

    def ledger(self, *, group_by: str, fiscal_year: int | None,
               department: str | None) -> tuple[list[LedgerLine], LedgerTotals]:
        """The ledger grouped by ``department``, ``organization`` or ``fiscal_year``, and the
        grand totals; the groups add up to the totals."""
        ...

    def reviews(
        self, *, provider_id: UUID | None, department: str | None, contract_id: UUID | None,
        cursor: str | None, limit: int,
    ) -> Page[ReviewRow]:
        """Performance reviews, newest first."""
        ...


class OcdsReader(CaughtUp, Protocol):
    """购买服务合同 as Open Contracting Data Standard 1.1 releases and records; ocids are
    ``<ocid_prefix>-<contract id>``."""

    def list_releases(
        self, *, ocid_prefix: str, ocid: str | None, department: str | None,
        cursor: str | None, limit: int,
    ) -> Page[dict[str, Any]]:
        """Releases in the order they were published (oldest first), optionally of one
        ``ocid`` or of one buying ``department``."""
        ...

    def get_record(self, ocid: str, *, ocid_prefix: str) -> OcdsRecord | None:
        """Every release of ``ocid`` (date order) and its compiled release; None if unknown."""
        ...


class FeedReader(CaughtUp, Protocol):
    """The change feed (信息公开变更): every public change in log order."""

    def changes(self, *, after: int, limit: int) -> list[FeedEntry]:
        """The public changes after position ``after`` (0: from the start), oldest first,
        at most ``limit``; no change ever appears below a position already read."""
        ...


class ReportReader(CaughtUp, Protocol):
    """季度报告、全市报告与验收考核."""

    def figures(self, department: str, quarter: Quarter) -> dict[str, int]:
        """The department's figures in ``quarter``: every figure key, money in fen."""
        ...

    def get_report(self, report_id: UUID) -> QuarterlyReportRow | None: ...

    def list_reports(
        self, filters: ReportFilter, *, cursor: str | None, limit: int
    ) -> Page[QuarterlyReportRow]:
        """Quarterly reports, newest opened first."""
        ...

    def city_report(self, quarter: Quarter) -> CityReport:
        """Every department's figures in ``quarter``, by region (the pilot districts always
        among them) and for the city; the rows add up."""
        ...

    def get_acceptance_review(self, review_id: UUID) -> AcceptanceReviewRow | None: ...

    def list_acceptance_reviews(
        self, *, year: int | None, department: str | None, cursor: str | None, limit: int,
    ) -> Page[AcceptanceReviewRow]:
        """Acceptance reviews, newest opened first."""
        ...

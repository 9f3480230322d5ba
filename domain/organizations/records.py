"""What a social organization's record holds: its kinds, items and entries (社会组织档案)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.errors import InvalidCommandError

E = TypeVar("E", bound=StrEnum)


class OrganizationKind(StrEnum):
    """社会组织类型 (DESIGN.md §3.3); several associations per industry are allowed."""

    INDUSTRY_ASSOCIATION = "行业协会商会"
    PUBLIC_WELFARE = "公益慈善类"
    SOCIAL_SERVICE = "社会服务类"
    COMMUNITY_SERVICE = "城乡社区服务类"
    OTHER = "其他"


class ComplianceItem(StrEnum):
    """The nine items of 五自四无 that an industry association declares."""

    VOLUNTARY_FOUNDING = "自愿发起"
    OWN_PRESIDENT = "自选会长"
    OWN_FUNDING = "自筹经费"
    OWN_STAFF = "自聘人员"
    OWN_AFFAIRS = "自主会务"
    NO_ADMINISTRATIVE_RANK = "无行政级别"
    NO_ESTABLISHMENT_POSTS = "无行政事业编制"
    NO_SUPERVISING_AUTHORITY = "无行政业务主管部门"
    NO_SERVING_OFFICIALS = "无现职国家机关工作人员兼职"


class PublicOffice(StrEnum):
    """A board member's public-office status (公职身份)."""

    NONE = "无"
    SERVING = "现职"
    RETIRED = "退（离）休"


class InspectionResult(StrEnum):
    """年检结论."""

    PASSED = "合格"
    BASICALLY_PASSED = "基本合格"
    FAILED = "不合格"


class CreditFlag(StrEnum):
    """The credit lists an organization can be put on (and taken off)."""

    DISHONEST = "失信名单"
    ABNORMAL = "异常名录"


@dataclass(frozen=True)
class BoardMember:
    """理事会成员, with the public-office status declared on election."""

    person_id: str
    name: str
    position: str
    public_office: PublicOffice
    retired_on: date | None
    elected_on: date


@dataclass(frozen=True)
class AnnualInspection:
    """年检: one per year."""

    year: int
    result: InspectionResult
    inspected_on: date


@dataclass(frozen=True)
class Penalty:
    """行政处罚, by its decision number (处罚决定书文号)."""

    decision_number: str
    authority: str
    decided_on: date
    description: str


@dataclass(frozen=True)
class FlagPeriod:
    """A stay on a credit list: from ``raised_on`` until the day it was cleared (exclusive)."""

    flag: CreditFlag
    raised_on: date
    reason: str
    cleared_on: date | None = None
    clear_reason: str | None = None

    def active_on(self, day: date) -> bool:
        return self.raised_on <= day and (self.cleared_on is None or day < self.cleared_on)


@dataclass(frozen=True)
class Complainant:
    """Who complained: kept on the record, never shown publicly."""

    name: str
    contact: str
    private: bool = True


@dataclass(frozen=True)
class Complaint:
    """投诉, filed by anyone and resolved by the committee with an outcome."""

    complaint_id: str
    complainant: Complainant
    content: str
    filed_on: date
    outcome: str | None = None
    resolved_on: date | None = None

    @property
    def resolved(self) -> bool:
        return self.outcome is not None


def parse_choice(
    kind: type[E], value: str, *, error: type[InvalidCommandError], field: str, label: str
) -> E:
    """``value`` as one of ``kind``'s members; refused with the allowed values otherwise."""
    try:
        return kind(value)
    except ValueError:
        allowed = "、".join(m.value for m in kind)
        raise error(f"{label} {value!r} 无效；应为以下之一：{allowed}", field=field) from None


class GradeStatus(StrEnum):
    """评估等级状态."""

    VALID = "有效"
    LAPSED = "已到期"
    REVOKED = "已撤销"


class DowngradeBasis(StrEnum):
    """What a downgrade (降级) rests on (DESIGN.md §3.3)."""

    TWO_BASIC_YEARS = "连续两年年检基本合格"
    FAILED_INSPECTION = "年检不合格"
    PENALTY = "受到行政处罚"


@dataclass(frozen=True)
class GradeRecord:
    """A grade (评估等级) awarded by a confirmed evaluation, as it stands now."""

    evaluation_id: str
    awarded_level: int
    level: int
    confirmed_on: date
    valid_from: date
    valid_until: date
    status: GradeStatus = GradeStatus.VALID
    downgraded_for: tuple[str, ...] = ()
    """The facts (basis and reference) that have downgraded it, each once."""

    def in_force_on(self, day: date) -> bool:
        return self.status is GradeStatus.VALID and self.valid_from <= day <= self.valid_until


class UndertakingKind(StrEnum):
    """What an organization undertakes (承接): a transferred function or a purchased service."""

    TRANSFER = "职能转移"
    PURCHASE = "购买服务"


@dataclass(frozen=True)
class Undertaking:
    """A live transfer or purchase contract the organization undertakes."""

    case_id: str
    kind: UndertakingKind
    item_id: str
    started_on: date

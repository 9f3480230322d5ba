"""May a social organization undertake a transferred function or a purchased service?

Checked at the moment of award (DESIGN.md §3.3, Guangdong 资质目录 practice).  Grades and
performance bars come from later stages, so they are inputs here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from domain.organizations.bars import PerformanceBar as PerformanceBar
from domain.organizations.records import CreditFlag, FlagPeriod, GradeRecord

DEFAULT_GRADE_THRESHOLD = 3
"""3A: the lowest grade that may undertake (a setting)."""


@dataclass(frozen=True)
class CurrentGrade:
    """The organization's grade (1A–5A) from its last confirmed evaluation, and its validity."""

    level: int
    valid_from: date
    valid_until: date

    @property
    def label(self) -> str:
        return f"{self.level}A"

    @classmethod
    def of(cls, record: GradeRecord | None) -> CurrentGrade | None:
        return None if record is None else cls(record.level, record.valid_from,
                                               record.valid_until)


class UndertakerRecord(Protocol):
    """What eligibility reads of an organization: the aggregate, or a read model's row."""

    @property
    def is_industry_association(self) -> bool: ...

    @property
    def compliance_verified(self) -> bool: ...

    def flag_active_on(self, flag: CreditFlag, day: date) -> FlagPeriod | None: ...


@dataclass(frozen=True)
class Eligibility:
    """The answer, with every reason the organization may not undertake (in Chinese)."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)


def undertaking_eligibility(
    organization: UndertakerRecord, *, on: date, grade: CurrentGrade | None,
    bars: Sequence[PerformanceBar] = (), threshold: int = DEFAULT_GRADE_THRESHOLD,
) -> Eligibility:
    """承接资格 of ``organization`` on ``on``: every unmet condition is a reason."""
    reasons: list[str] = []
    required = f"承接须具有有效期内的 {threshold}A 及以上等级"
    if grade is None:
        reasons.append(f"未取得社会组织评估等级；{required}")
    elif not grade.valid_from <= on <= grade.valid_until:
        reasons.append(
            f"评估等级 {grade.label} 的有效期为 {grade.valid_from.isoformat()} 至 "
            f"{grade.valid_until.isoformat()}，{on.isoformat()} 不在有效期内；{required}")
    elif grade.level < threshold:
        reasons.append(f"评估等级 {grade.label} 低于 {threshold}A；{required}")
    dishonest = organization.flag_active_on(CreditFlag.DISHONEST, on)
    if dishonest is not None:
        reasons.append(
            f"自 {dishonest.raised_on.isoformat()} 起被列入失信名单（{dishonest.reason}），"
            f"移出前不得承接")
    for bar in sorted(bars, key=lambda b: b.until):
        if on <= bar.until:
            reasons.append(
                f"因绩效评价结果较差（{bar.reason}），{bar.until.isoformat()} 前（含当日）不得承接")
    if organization.is_industry_association and not organization.compliance_verified:
        reasons.append("行业协会商会须经市社工委核验“五自四无”全部符合后方可承接")
    return Eligibility(eligible=not reasons, reasons=reasons)

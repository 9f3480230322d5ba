"""Scoring on the 1000-point scale (评估指标): the dimensions differ by category."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.grading.errors import InvalidScoresError
from domain.grading.grades import MAX_SCORE
from domain.organizations.credit_code import OrganizationCategory


@dataclass(frozen=True)
class Dimension:
    """一级指标 and the points it carries."""

    name: str
    max_points: int


_GROUP = (Dimension("基础条件", 60), Dimension("内部治理", 400), Dimension("工作绩效", 440),
          Dimension("社会评价", 100))

DIMENSIONS: dict[OrganizationCategory, tuple[Dimension, ...]] = {
    OrganizationCategory.SOCIAL_GROUP: _GROUP,
    OrganizationCategory.SOCIAL_SERVICE: (
        Dimension("基础条件", 80), Dimension("内部治理", 370),
        Dimension("业务活动和诚信建设", 450), Dimension("社会评价", 100)),
    OrganizationCategory.FOUNDATION: (
        Dimension("基础条件", 60), Dimension("内部治理", 420), Dimension("工作绩效", 420),
        Dimension("社会评价", 100)),
    OrganizationCategory.OTHER: _GROUP,
}
assert all(sum(d.max_points for d in dims) == MAX_SCORE for dims in DIMENSIONS.values())


def check_scores(category: OrganizationCategory, scores: Mapping[str, int]) -> dict[str, int]:
    """The scores, one per dimension of ``category``, each within its points; refused with
    every problem named otherwise."""
    dimensions = DIMENSIONS[category]
    names = [d.name for d in dimensions]
    problems: list[str] = []
    missing = [n for n in names if n not in scores]
    unknown = sorted(set(scores) - set(names))
    if missing:
        problems.append(f"缺少：{'、'.join(missing)}")
    if unknown:
        problems.append(f"不属于{category.value}的评估指标：{'、'.join(unknown)}")
    for dimension in dimensions:
        value = scores.get(dimension.name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{dimension.name}的得分应为整数（现为 {value!r}）")
        elif not 0 <= value <= dimension.max_points:
            problems.append(
                f"{dimension.name}的得分应在 0 至 {dimension.max_points} 分之间（现为 {value}）")
    if problems:
        outline = "、".join(f"{d.name}（{d.max_points} 分）" for d in dimensions)
        raise InvalidScoresError(
            f"{category.value}按以下指标评分，满分 {MAX_SCORE} 分：{outline}；"
            f"{'；'.join(problems)}",
            field="scores")
    return {name: int(scores[name]) for name in names}

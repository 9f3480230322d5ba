"""Performance review (绩效评价, 财预〔2020〕10号): four dimensions, 0–100, four ratings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from domain.purchase.errors import ReviewScoresError


class Rating(StrEnum):
    """评价等级."""

    EXCELLENT = "优"
    GOOD = "良"
    FAIR = "中"
    POOR = "差"


def rating_for(total: int) -> Rating:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60."""
    if total >= 90:
        return Rating.EXCELLENT
    if total >= 80:
        return Rating.GOOD
    if total >= 60:
        return Rating.FAIR
    return Rating.POOR


@dataclass(frozen=True)
class ReviewWeights:
    """The points each dimension carries (settings); they add up to 100."""

    decision: int = 20
    process: int = 20
    output: int = 30
    effect: int = 30

    def __post_init__(self) -> None:
        values = self.points()
        if sum(values.values()) != 100 or any(v <= 0 for v in values.values()):
            raise ValueError(f"review weights must be positive and add up to 100, got {values}")

    def points(self) -> dict[str, int]:
        return {"决策": self.decision, "过程": self.process, "产出": self.output,
                "效益": self.effect}


def check_review_scores(scores: Mapping[str, int], weights: ReviewWeights) -> dict[str, int]:
    """One score per dimension, each from 0 to its weight; every problem named."""
    points = weights.points()
    problems: list[str] = []
    missing = [name for name in points if name not in scores]
    unknown = sorted(set(scores) - set(points))
    if missing:
        problems.append(f"缺少：{'、'.join(missing)}")
    if unknown:
        problems.append(f"无法识别：{'、'.join(unknown)}")
    for name, most in points.items():
        value = scores.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{name}的得分应为整数（现为 {value!r}）")
        elif not 0 <= value <= most:
            problems.append(f"{name}的得分应在 0 至 {most} 分之间（现为 {value}）")
    if problems:
        outline = "、".join(f"{name}（{most} 分）" for name, most in points.items())
        raise ReviewScoresError(
            f"绩效评价按以下指标评分，满分 100 分：{outline}；{'；'.join(problems)}",
            field="scores")
    return {name: int(scores[name]) for name in points}

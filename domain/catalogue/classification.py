"""Classification and nature of a catalogue item's function (DESIGN.md §3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import (
    RequiredFieldError,
    UnknownClassificationError,
    UnknownNatureError,
    UnknownNegativeListCategoryError,
)

# 财政部令第102号 Art 9: the default level-1 classes.
MOF_102_LEVEL1: tuple[str, ...] = ("公共服务", "政府履职所需辅助性服务")

# The Guangdong five-class taxonomy, an alternative setting.
GUANGDONG_LEVEL1: tuple[str, ...] = (
    "基本公共服务",
    "社会事务服务",
    "行业管理与协调",
    "技术服务",
    "政府履职所需辅助性和技术性事务",
)

CLASSIFICATION_SETS: dict[str, tuple[str, ...]] = {
    "mof102": MOF_102_LEVEL1,
    "guangdong": GUANGDONG_LEVEL1,
}


class Nature(StrEnum):
    """The nature of a function (职能性质)."""

    LICENSING = "行政许可"
    APPROVAL = "行政审批"
    ENFORCEMENT = "行政执法"
    PENALTY = "行政处罚"
    COERCION = "行政强制"
    PUBLIC_SERVICE = "公共服务"
    INDUSTRY_MANAGEMENT = "行业管理与协调"
    TECHNICAL_SERVICE = "技术服务"
    AUXILIARY = "辅助性事务"
    OTHER = "其他"

    @property
    def is_statutory(self) -> bool:
        """Statutory functions must be retained by the government (seed 三(二)2(1))."""
        return self in STATUTORY_NATURES


STATUTORY_NATURES = frozenset(
    {Nature.LICENSING, Nature.APPROVAL, Nature.ENFORCEMENT, Nature.PENALTY, Nature.COERCION}
)


class NegativeListCategory(StrEnum):
    """财政部令第102号 Art 10: what can never be bought as a service (购买服务负面清单)."""

    NOT_GOVERNMENT_DUTY = "不属于政府职责范围的服务事项"
    DIRECT_DUTY = "应当由政府直接履职的事项"
    GOODS_OR_WORKS = "货物、工程或工程与服务打包的项目"
    FINANCING = "融资行为"
    STAFFING = "人员招聘、劳务派遣或设置公益性岗位"
    OTHER_PROHIBITED = "法律法规规定不得购买的其他事项"


def parse_negative_list(value: str) -> NegativeListCategory | None:
    """The negative-list category, or None for an item that is not on the list."""
    if not value.strip():
        return None
    try:
        return NegativeListCategory(value.strip())
    except ValueError:
        allowed = "、".join(c.value for c in NegativeListCategory)
        raise UnknownNegativeListCategoryError(
            f"负面清单类别 {value!r} 无法识别；应为以下之一（或留空表示不在负面清单）：{allowed}",
            field="negative_list",
        ) from None


def parse_nature(value: str) -> Nature:
    try:
        return Nature(value)
    except ValueError:
        allowed = "、".join(n.value for n in Nature)
        raise UnknownNatureError(
            f"职能性质 {value!r} 无法识别；应为以下之一：{allowed}", field="nature"
        ) from None


@dataclass(frozen=True)
class Classification:
    """Three-level classification (一级、二级、三级目录)."""

    level1: str
    level2: str
    level3: str

    def check(self, level1_set: tuple[str, ...]) -> None:
        for level, value in (("level1", self.level1), ("level2", self.level2),
                             ("level3", self.level3)):
            if not value.strip():
                raise RequiredFieldError(
                    f"分类的{_LEVEL_LABELS[level]}不能为空", field=f"classification.{level}"
                )
        if self.level1 not in level1_set:
            raise UnknownClassificationError(
                f"一级分类 {self.level1!r} 不在现行分类中；应为以下之一：{'、'.join(level1_set)}",
                field="classification.level1",
            )


_LEVEL_LABELS = {"level1": "一级分类", "level2": "二级分类", "level3": "三级分类"}

"""The unified social credit code (统一社会信用代码, GB 32100-2015) of a social organization."""

from __future__ import annotations

from enum import StrEnum

from domain.departments import REGION_NAMES
from domain.organizations.errors import (
    CreditCodeAuthorityError,
    CreditCodeCategoryError,
    CreditCodeCheckCharacterError,
    CreditCodeRegionError,
    InvalidCreditCodeError,
)

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters a code may use (no I O Z S V); a character's value is its index."""
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
CIVIL_AFFAIRS = "5"
"""登记管理部门代码 of civil affairs (民政), who registers social organizations."""


class OrganizationCategory(StrEnum):
    """机构类别, the code's second character."""

    SOCIAL_GROUP = "社会团体"
    SOCIAL_SERVICE = "民办非企业单位"
    FOUNDATION = "基金会"
    OTHER = "其他"


CATEGORY_CHARS: dict[OrganizationCategory, str] = {
    OrganizationCategory.SOCIAL_GROUP: "1",
    OrganizationCategory.SOCIAL_SERVICE: "2",
    OrganizationCategory.FOUNDATION: "3",
    OrganizationCategory.OTHER: "9",
}


def check_character(first17: str) -> str:
    """The check character (第18位) that the first 17 characters call for."""
    total = sum(CHARS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARS[(31 - total % 31) % 31]


def check_credit_code(code: str, *, category: OrganizationCategory) -> str:
    """Refuse ``code`` unless it is a valid code of a Jiangmen civil-affairs registration of
    ``category``; returns its region code (positions 3–8)."""
    field = "credit_code"
    if len(code) != LENGTH:
        raise InvalidCreditCodeError(
            f"统一社会信用代码 {code!r} 应为 {LENGTH} 位（现为 {len(code)} 位）", field=field
        )
    if code != code.upper():
        raise InvalidCreditCodeError(
            f"统一社会信用代码 {code} 含有小写字母；应使用大写字母：{code.upper()}", field=field
        )
    wrong = sorted({c for c in code if c not in CHARS})
    if wrong:
        shown = "、".join(wrong)
        raise InvalidCreditCodeError(
            f"统一社会信用代码 {code} 含有不允许的字符 {shown}；只能使用数字 0-9 和"
            f"除 I、O、Z、S、V 以外的大写字母",
            field=field,
        )
    if code[0] != CIVIL_AFFAIRS:
        raise CreditCodeAuthorityError(
            f"统一社会信用代码 {code} 的登记管理部门代码为 {code[0]}，不是民政部门登记的社会组织；"
            f"社会组织的代码应以 {CIVIL_AFFAIRS}（民政）开头",
            field=field,
        )
    expected = CATEGORY_CHARS[category]
    if code[1] != expected:
        raise CreditCodeCategoryError(
            f"统一社会信用代码 {code} 的机构类别代码为 {code[1]}，与登记的类别「{category.value}」"
            f"不符；{category.value}的代码第2位应为 {expected}",
            field=field,
        )
    region = code[2:8]
    if region not in REGION_NAMES:
        regions = "、".join(f"{c}（{n}）" for c, n in REGION_NAMES.items())
        raise CreditCodeRegionError(
            f"统一社会信用代码 {code} 的行政区划代码 {region} 不属于江门市；"
            f"应为以下之一：{regions}",
            field=field,
        )
    check = check_character(code[:17])
    if code[17] != check:
        raise CreditCodeCheckCharacterError(
            f"统一社会信用代码 {code} 的校验码应为 {check}", field=field
        )
    return region

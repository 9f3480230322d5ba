"""The unified social credit code (统一社会信用代码, GB 32100-2015) of social organizations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.departments import REGION_NAMES
from domain.organizations.credit_code import (
    CATEGORY_CHARS,
    CHARS,
    OrganizationCategory,
    check_character,
    check_credit_code,
)
from domain.organizations.errors import (
    CreditCodeAuthorityError,
    CreditCodeCategoryError,
    CreditCodeCheckCharacterError,
    CreditCodeRegionError,
    InvalidCreditCodeError,
)

GROUP = OrganizationCategory.SOCIAL_GROUP
SERVICE = OrganizationCategory.SOCIAL_SERVICE


@pytest.mark.parametrize(
    ("code", "category", "region"),
    [
        ("51440700MJL000016A", GROUP, "440700"),
        ("52440703MJL000016J", SERVICE, "440703"),
        # Check characters worked out by hand from DESIGN.md §3.3's weights and values:
        ("53440781MJ00001230", OrganizationCategory.FOUNDATION, "440781"),
        ("59440705MJY00007X5", OrganizationCategory.OTHER, "440705"),
        ("52440784MJX00009HY", SERVICE, "440784"),
    ],
    ids=["design-social-group", "design-social-service", "foundation-taishan",
         "other-xinhui", "service-heshan"],
)
def test_check_credit_code_valid_code_returns_its_region(
    code: str, category: OrganizationCategory, region: str,
) -> None:
    assert check_credit_code(code, category=category) == region


@pytest.mark.parametrize(
    ("code", "category", "error", "message"),
    [
        ("51440700MJL000016", GROUP, InvalidCreditCodeError,
         "统一社会信用代码 '51440700MJL000016' 应为 18 位（现为 17 位）"),
        ("51440700MJL000016AA", GROUP, InvalidCreditCodeError, "应为 18 位（现为 19 位）"),
        ("51440700MJI000016A", GROUP, InvalidCreditCodeError,
         "统一社会信用代码 51440700MJI000016A 含有不允许的字符 I；只能使用数字 0-9 和"
         "除 I、O、Z、S、V 以外的大写字母"),
        ("51440700MJO000016A", GROUP, InvalidCreditCodeError, "含有不允许的字符 O"),
        ("51440700MJZ000016A", GROUP, InvalidCreditCodeError, "含有不允许的字符 Z"),
        ("51440700MJS000016A", GROUP, InvalidCreditCodeError, "含有不允许的字符 S"),
        ("51440700MJV000016A", GROUP, InvalidCreditCodeError, "含有不允许的字符 V"),
        ("51440700mjl000016a", GROUP, InvalidCreditCodeError,
         "统一社会信用代码 51440700mjl000016a 含有小写字母；应使用大写字母：51440700MJL000016A"),
        ("91440700MJL000016A", GROUP, CreditCodeAuthorityError,
         "统一社会信用代码 91440700MJL000016A 的登记管理部门代码为 9，不是民政部门登记的社会组织；"
         "社会组织的代码应以 5（民政）开头"),
        ("51440700MJL000016A", SERVICE, CreditCodeCategoryError,
         "统一社会信用代码 51440700MJL000016A 的机构类别代码为 1，与登记的类别「民办非企业单位」"
         "不符；民办非企业单位的代码第2位应为 2"),
        ("51440100MJL000016A", GROUP, CreditCodeRegionError,
         "统一社会信用代码 51440100MJL000016A 的行政区划代码 440100 不属于江门市"),
        ("51440700MJL000016B", GROUP, CreditCodeCheckCharacterError,
         "统一社会信用代码 51440700MJL000016B 的校验码应为 A"),
    ],
    ids=["short", "long", "letter-I", "letter-O", "letter-Z", "letter-S", "letter-V",
         "lower-case", "not-civil-affairs", "category-mismatch", "outside-jiangmen",
         "wrong-check"],
)
def test_check_credit_code_invalid_code_is_refused_saying_why(
    code: str, category: OrganizationCategory, error: type[InvalidCreditCodeError],
    message: str,
) -> None:
    with pytest.raises(error) as refused:
        check_credit_code(code, category=category)

    assert message in refused.value.detail
    assert refused.value.field == "credit_code"


def _codes() -> st.SearchStrategy[tuple[str, OrganizationCategory]]:
    def build(category: OrganizationCategory, region: str, body: str) -> tuple[
        str, OrganizationCategory
    ]:
        first17 = f"5{CATEGORY_CHARS[category]}{region}{body}"
        return first17 + check_character(first17), category

    return st.builds(
        build,
        st.sampled_from(list(OrganizationCategory)),
        st.sampled_from(sorted(REGION_NAMES)),
        st.text(alphabet=CHARS, min_size=9, max_size=9),
    )


@given(_codes())
def test_check_credit_code_built_with_computed_check_character_is_valid(
    built: tuple[str, OrganizationCategory],
) -> None:
    code, category = built

    assert check_credit_code(code, category=category) == code[2:8]


@given(_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(CHARS + "IOZSVa"))
def test_check_credit_code_any_single_character_changed_is_refused(
    built: tuple[str, OrganizationCategory], position: int, replacement: str,
) -> None:
    code, category = built
    changed = code[:position] + replacement + code[position + 1:]
    if changed == code:
        changed = code[:position] + ("1" if code[position] == "0" else "0") + code[position + 1:]

    with pytest.raises(InvalidCreditCodeError):
        check_credit_code(changed, category=category)

"""Refusals of the social-organization registry (社会组织登记), by family."""

from __future__ import annotations

from domain.errors import ConflictError, ForbiddenError, InvalidCommandError, NotFoundError

# --- unified social credit code -----------------------------------------------


class InvalidCreditCodeError(InvalidCommandError):
    """The unified social credit code (统一社会信用代码) is not a valid GB 32100-2015 code."""


class CreditCodeAuthorityError(InvalidCreditCodeError):
    """The code was not issued by civil affairs (登记管理部门代码 5 = 民政)."""


class CreditCodeCategoryError(InvalidCreditCodeError):
    """The code's category character does not match the declared category."""


class CreditCodeRegionError(InvalidCreditCodeError):
    """The code's region is not Jiangmen or one of its districts and county-level cities."""


class CreditCodeCheckCharacterError(InvalidCreditCodeError):
    """The code's check character (第18位) is not the one its first 17 characters give."""


# --- registration data ------------------------------------------------------------


class UnknownOrganizationCategoryError(InvalidCommandError):
    """The category is not 社会团体, 民办非企业单位, 基金会 or 其他."""


class UnknownOrganizationKindError(InvalidCommandError):
    """The kind is not one of 行业协会商会, 公益慈善类, 社会服务类, 城乡社区服务类, 其他."""


class UnknownRegionError(InvalidCommandError):
    """The region code is not Jiangmen or one of its districts and county-level cities."""


class InvalidStaffCountError(InvalidCommandError):
    """The full-time staff count is a whole number, zero or more."""


class OrganizationAlreadyRegisteredError(ConflictError):
    """An organization with this credit code is registered already."""


class OrganizationNotFoundError(NotFoundError):
    """No registered social organization has this id."""


class OtherOrganizationError(ForbiddenError):
    """An organization acted on another organization's record."""


# --- 五自四无 and the board ------------------------------------------------------------


class NotAnIndustryAssociationError(ConflictError):
    """Only industry associations (行业协会商会) declare 五自四无."""


class IncompleteComplianceDeclarationError(InvalidCommandError):
    """A 五自四无 declaration answers every one of its nine items, and only those."""


class ComplianceNotMetError(ConflictError):
    """The committee verifies 五自四无 only when every item is declared compliant."""


class OfficialOnBoardError(InvalidCommandError):
    """Serving officials, and officials retired less than 3 years, may not sit on an
    association's board (seed 一(一)2(4))."""


class RetirementDateRequiredError(InvalidCommandError):
    """A retired official's retirement date is needed to apply the three-year rule."""


class UnknownPublicOfficeStatusError(InvalidCommandError):
    """The public-office status is not 无, 现职 or 退（离）休."""


class BoardMemberAlreadyElectedError(ConflictError):
    """The person sits on the board already."""


# --- supervision -------------------------------------------------------------------------


class UnknownInspectionResultError(InvalidCommandError):
    """An annual inspection's result is 合格, 基本合格 or 不合格."""


class InvalidInspectionYearError(InvalidCommandError):
    """An annual inspection covers a year from the registration year on."""


class InspectionAlreadyRecordedError(ConflictError):
    """An organization is inspected once per year."""


class PenaltyAlreadyRecordedError(ConflictError):
    """A penalty decision (处罚决定书) is recorded once."""


class UnknownCreditFlagError(InvalidCommandError):
    """A credit flag is 失信名单 or 异常名录."""


class CreditFlagAlreadyRaisedError(ConflictError):
    """The organization is on this list already."""


class CreditFlagNotRaisedError(ConflictError):
    """The organization is not on this list, so it cannot be taken off it."""


class ComplaintNotFoundError(NotFoundError):
    """The organization has no complaint with this id."""


class ComplaintAlreadyResolvedError(ConflictError):
    """The complaint has been resolved already."""

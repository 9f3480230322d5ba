"""Domain errors: one base class, families by what the caller must do about them.

Every error says what was wrong and what would be right.  The family decides how
an edge (HTTP, Temporal) reports it; the class name is the error's stable ``code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self


class DomainError(Exception):
    """A command was refused by a business rule; nothing was recorded."""

    title: ClassVar[str] = "操作被拒绝"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field

    @property
    def code(self) -> str:
        return type(self).__name__

    def extras(self) -> dict[str, Any]:
        """What else the error carries across a boundary, JSON-ready (most carry nothing)."""
        return {}

    @classmethod
    def rebuild(cls, detail: str, *, field: str | None, extras: Mapping[str, Any]) -> Self:
        """The error again, from its detail, field and :meth:`extras`."""
        return cls(detail, field=field)


class InvalidCommandError(DomainError):
    """The command's own data is wrong (a field is missing, unknown or out of range)."""

    title = "提交的内容有误"


class NotFoundError(DomainError):
    """The command names something that does not exist."""

    title = "找不到指定的对象"


class ConflictError(DomainError):
    """The command does not fit the current state of what it acts on."""

    title = "当前状态不允许此操作"


class ForbiddenError(DomainError):
    """The actor may not act on this object (outside its role or scope)."""

    title = "无权进行此操作"


# --- field validation -------------------------------------------------------


class RequiredFieldError(InvalidCommandError):
    """A required field is empty."""


class FieldTooLongError(InvalidCommandError):
    """A field is longer than allowed."""


class UnknownDepartmentError(InvalidCommandError):
    """The department code is not registered."""


class InvalidDepartmentCodeError(InvalidCommandError):
    """A department code does not have the form ``<region>-<unit>``."""


class DepartmentAlreadyRegisteredError(ConflictError):
    """A department with this code is registered already."""


class DepartmentNotFoundError(NotFoundError):
    """No registered department has this code."""


class UnknownClassificationError(InvalidCommandError):
    """The level-1 classification is not in the active classification set."""


class UnknownNatureError(InvalidCommandError):
    """The nature of the function is not one of the recognised natures."""


class UnknownNegativeListCategoryError(InvalidCommandError):
    """The purchase negative-list category is not one of 102号 Art 10's."""


class InvalidCatalogueYearError(InvalidCommandError):
    """The catalogue year is outside the accepted range."""


# --- catalogue item ---------------------------------------------------------


class CatalogueItemNotFoundError(NotFoundError):
    """No catalogue item has this id."""


class ItemNotDraftError(ConflictError):
    """Only a draft item can be revised in place or published."""


class ItemAlreadyPublishedError(ItemNotDraftError):
    """The item has been published already."""


class ItemNotInPublicityError(ConflictError):
    """The item is not in its publicity period."""


class ItemWithdrawnError(ConflictError):
    """The item has been withdrawn; nothing more can be done with it."""


class ItemNotRevisableError(ConflictError):
    """The item has gone past the stages in which it can be revised."""


class ItemStatusConflictError(ConflictError):
    """The item is not at the pipeline stage this command belongs to."""


class ExistingDecisionDateError(InvalidCommandError):
    """An existing item's publicity ended before it is recorded."""


class UnknownDecisionModeError(InvalidCommandError):
    """A recommendation or decision names no known mode."""


class StatutoryFunctionError(InvalidCommandError):
    """Statutory functions (行政许可/审批/执法/处罚/强制) must be retained (seed 三(二)2(1))."""


class NegativeListPurchaseError(InvalidCommandError):
    """An item on the purchase negative list can never be purchased (102号 Art 10)."""


class NoBudgetError(ConflictError):
    """A purchase needs a published item with an allocated budget (102号 Arts 11, 14)."""


class DepartureReasonRequiredError(InvalidCommandError):
    """A decision that departs from the advisory opinion needs a reason."""


class RetentionJustificationRequiredError(InvalidCommandError):
    """Retaining an item listed for transfer by the provincial decision needs a justification."""


class DeadlineNotLaterError(InvalidCommandError):
    """An extended deadline must fall after the current one."""


class BudgetAmountError(InvalidCommandError):
    """A budget is a positive whole number of fen within a sane bound."""


class OtherAgencyError(ForbiddenError):
    """An agency acted outside its scope: on an item referred to another agency, or on
    another agency's experts."""


class OtherDepartmentError(ForbiddenError):
    """A department officer acted on another department's item."""


class RoleNotAllowedError(ForbiddenError):
    """The actor's role may not give this command."""


# --- consulting agency --------------------------------------------------------


class AgencyNotFoundError(NotFoundError):
    """No consulting agency has this id."""


class AgencyNotActiveError(ConflictError):
    """The consulting agency has been dissolved."""


class ExpertAlreadyAppointedError(ConflictError):
    """An expert with this id is appointed to the agency already."""


class ExpertNotInAgencyError(InvalidCommandError):
    """The expert is not an appointed, active expert of the agency."""


class ExpertAffiliatedError(InvalidCommandError):
    """An expert affiliated with an organization named in an opinion may not sign it."""


def _all_subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    found: list[type[DomainError]] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def error_class(code: str) -> type[DomainError]:
    """The error class whose name is ``code`` (used to rebuild errors crossing a boundary)."""
    if code == DomainError.__name__:
        return DomainError
    for cls in _all_subclasses(DomainError):
        if cls.__name__ == code:
            return cls
    return DomainError


def rebuild_error(
    code: str, detail: str, field: str | None = None, extras: Mapping[str, Any] | None = None
) -> DomainError:
    """An error equal to the one that was raised on the other side of a boundary."""
    return error_class(code).rebuild(detail, field=field, extras=extras or {})

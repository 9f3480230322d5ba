"""Refusals of function transfer (职能转移) and of staffing requests (编制申请)."""

from __future__ import annotations

from domain.errors import ConflictError, InvalidCommandError, NotFoundError


class TransferNotFoundError(NotFoundError):
    """No transfer with this id."""


class NotDecidedForTransferError(ConflictError):
    """Only an item decided for 转移, 授权 or 委托 is transferred."""


class StatutoryTransferError(ConflictError):
    """Statutory functions are never transferred (seed 三(二)2(1))."""


class StatutoryToAssociationError(ConflictError):
    """Statutory functions are not transferred or entrusted to industry associations."""


class NotEligibleError(ConflictError):
    """The organization may not undertake (承接资格) at this moment; the reasons are listed."""


class TransferPeriodError(InvalidCommandError):
    """The effective period runs from a start date to a later end date."""


class TransferStageError(ConflictError):
    """The transfer is not at the stage this command belongs to."""


class StaffingRequestNotFoundError(NotFoundError):
    """No staffing request with this id."""


class StaffingStageError(ConflictError):
    """The staffing request is not waiting for this decision."""


class JustificationRequiredError(InvalidCommandError):
    """A flagged staffing request is approved only with the committee's justification."""

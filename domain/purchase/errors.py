"""Refusals of purchase contracts (购买服务合同), by family."""

from __future__ import annotations

from domain.errors import ConflictError, ForbiddenError, InvalidCommandError, NotFoundError


class ContractNotFoundError(NotFoundError):
    """No purchase contract with this id."""


class MilestoneNotFoundError(NotFoundError):
    """The contract has no milestone with this id."""


class NotDecidedForPurchaseError(ConflictError):
    """Only an item decided for 购买服务 is bought."""


class UnknownProcurementMethodError(InvalidCommandError):
    """The procurement method is one of the six of the procurement law."""


class ContractAmountError(InvalidCommandError):
    """The amount is a positive whole number of fen."""


class BudgetExceededError(ConflictError):
    """The amount is more than what is left of the item's budget for the fiscal year."""


class ContractTermError(InvalidCommandError):
    """A term is at most one year; three with the budget secured and the service stable."""


class MilestonePlanError(InvalidCommandError):
    """Milestones fall within the term and their amounts add up to the contract amount."""


class ContractStageError(ConflictError):
    """The contract is not at the stage this command belongs to."""


class MilestoneStageError(ConflictError):
    """The milestone is not at the stage this command belongs to."""


class NotTheProviderError(ForbiddenError):
    """Only the contract's provider reports its deliveries."""


class PaymentLimitError(ConflictError):
    """A payment would pay more than the milestone or the contract amount."""


class FinalPaymentHeldError(ConflictError):
    """The final payment waits for the performance review."""


class AmendmentLimitError(ConflictError):
    """Supplementary contracts add at most 10 % of the original amount."""


class ReviewScoresError(InvalidCommandError):
    """Review scores are given for the four dimensions, each within its weight."""

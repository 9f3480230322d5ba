"""Business refusals across the Temporal boundary: ``DomainError`` ⇄ ``ApplicationError``.

A refusal travels as a non-retryable ``ApplicationError`` whose ``type`` is the domain
error's class name and whose details are ``(detail, field)``, followed by the error's
``extras()`` when it has any (an import's row errors), so that the other side rebuilds
exactly the error that was raised (``domain.errors.rebuild_error``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from temporalio.exceptions import ActivityError, ApplicationError, ApplicationErrorCategory
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import DomainError, error_class, rebuild_error


def refusal_failure(error: DomainError) -> ApplicationError:
    """The failure that carries ``error`` through Temporal.

    Benign: a refused command is an answer, not an incident, so workers log it quietly.
    """
    extras = error.extras()
    return ApplicationError(
        error.detail, error.detail, error.field, *([extras] if extras else []),
        type=error.code, non_retryable=True, category=ApplicationErrorCategory.BENIGN,
    )


@contextmanager
def refusals_as_failures() -> Iterator[None]:
    """Raise a ``DomainError`` of the block as its :func:`refusal_failure`.

    For activities (a refusal must not be retried) and update validators and handlers
    (any other exception would fail the workflow task instead of the update).
    """
    try:
        yield
    except DomainError as error:
        raise refusal_failure(error) from None


@contextmanager
def activity_refusals() -> Iterator[None]:
    """In workflow code: an activity's refusal fails the workflow (or update) with the
    domain's own error; any other failure of the block goes on as it is."""
    try:
        yield
    except ActivityError as error:
        refusal = domain_error_in(error)
        if refusal is None:
            raise
        raise refusal_failure(refusal) from None


def domain_error_in(error: BaseException) -> DomainError | None:
    """The refusal somewhere in a failure chain, rebuilt as the ``DomainError`` raised.

    Walks ``WorkflowUpdateFailedError`` → ``ActivityError`` → ``ApplicationError``
    (Temporal keeps each link as ``__cause__``); None when no link is a refusal.
    """
    link: BaseException | None = error
    while link is not None:
        if isinstance(link, ApplicationError) and _is_domain_code(link.type):
            return rebuild_error(str(link.type), *_carried(link))
        link = link.__cause__
    return None


def raise_refusal_in(error: BaseException) -> None:
    """Raise the refusal carried by ``error``, if it carries one (call from ``except``)."""
    refusal = domain_error_in(error)
    if refusal is not None:
        raise refusal from None


def is_not_found(error: BaseException) -> bool:
    """Whether a client call failed because the workflow (or update) does not exist."""
    return isinstance(error, RPCError) and error.status is RPCStatusCode.NOT_FOUND


def _is_domain_code(code: str | None) -> bool:
    return code is not None and error_class(code).__name__ == code


def _carried(failure: ApplicationError) -> tuple[str, str | None, dict[str, Any]]:
    """The refusal's detail, field and extras."""
    details = list(failure.details)
    detail = str(details[0]) if details else failure.message
    field = details[1] if len(details) > 1 and isinstance(details[1], str) else None
    extras = details[2] if len(details) > 2 and isinstance(details[2], dict) else {}
    return detail, field, extras

"""Refusals of third-party grade evaluation (等级评估), by family."""

from __future__ import annotations

from domain.errors import ConflictError, ForbiddenError, InvalidCommandError, NotFoundError

# --- evaluators ----------------------------------------------------------------------


class EvaluatorNotFoundError(NotFoundError):
    """No third-party evaluator (第三方评估机构) with this id is registered."""


class EvaluatorAffiliatedError(ConflictError):
    """An evaluator may not evaluate an organization it is affiliated with."""


class OtherEvaluatorError(ForbiddenError):
    """An evaluator acted on an evaluation not assigned to it."""


# --- the evaluation ------------------------------------------------------------------


class EvaluationNotFoundError(NotFoundError):
    """No grade evaluation with this id."""


class EvaluationNotDueError(ConflictError):
    """The organization may not be evaluated yet: registered less than two full years, or
    its current grade does not expire within the year."""


class EvaluationAlreadyOpenError(ConflictError):
    """The organization has an evaluation in progress already."""


class EvaluationStageError(ConflictError):
    """The evaluation is not at the stage this command belongs to."""


class InvalidScoresError(InvalidCommandError):
    """Scores are given for each dimension of the category, within its points."""


class AppealNotAllowedError(ConflictError):
    """An appeal (复核) is filed during publicity only, once."""


class AppealAnswerError(InvalidCommandError):
    """An upheld appeal comes with revised scores, a rejected one with the reason."""


class AppealNotEscalatedError(ForbiddenError):
    """The committee answers an appeal only once the evaluator's 15 days are over."""


# --- grades on the organization ---------------------------------------------------------


class NoCurrentGradeError(ConflictError):
    """The organization holds no grade in force to downgrade or revoke."""


class LowestGradeError(ConflictError):
    """1A cannot be downgraded; a serious breach revokes the grade."""


class UnknownDowngradeBasisError(InvalidCommandError):
    """A downgrade rests on two 基本合格 years, a failed inspection or a penalty."""


class DowngradeBasisNotOnRecordError(ConflictError):
    """The inspection results or the penalty a downgrade rests on are not on record."""


class DowngradeBasisUsedError(ConflictError):
    """The same fact has downgraded this grade already."""


class GradeNotStandingError(ConflictError):
    """The grade has lapsed or been revoked already."""


class GradeNotExpiredError(ConflictError):
    """A grade lapses only after the last day of its validity."""


class InvalidGradeLevelError(InvalidCommandError):
    """An existing grade is 1A–5A, confirmed on a day that has come."""


class GradeAlreadyRecordedError(ConflictError):
    """This grade certificate is on the organization's record already."""

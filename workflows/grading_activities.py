"""Grade-evaluation activities: thin adapters from Temporal to the application's commands.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  Retries are
safe because the application answers a repeated command id with the original result
and records nothing; a refusal is final (non-retryable).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from temporalio import activity

from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    EscalateAppeal,
    FileAppeal,
    LapseGrade,
    ScoreEvaluation,
)
from workflows.failures import refusals_as_failures
from workflows.grading_messages import DescribeGradeEvaluation, GradeEvaluationState


class GradingActivities:
    """等级评估的活动 — built once per worker with the application they drive."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def apply_for_grade_evaluation(self, command: ApplyForEvaluation) -> CommandResult:
        with refusals_as_failures():
            return self._application.apply_for_evaluation(command)

    @activity.defn
    def assign_grade_evaluator(self, command: AssignEvaluator) -> CommandResult:
        with refusals_as_failures():
            return self._application.assign_evaluator(command)

    @activity.defn
    def score_grade_evaluation(self, command: ScoreEvaluation) -> CommandResult:
        with refusals_as_failures():
            return self._application.score_evaluation(command)

    @activity.defn
    def close_grade_evaluation_publicity(self, command: CloseEvaluationPublicity) -> CommandResult:
        with refusals_as_failures():
            return self._application.close_evaluation_publicity(command)

    @activity.defn
    def file_grade_evaluation_appeal(self, command: FileAppeal) -> CommandResult:
        with refusals_as_failures():
            return self._application.file_appeal(command)

    @activity.defn
    def escalate_grade_evaluation_appeal(self, command: EscalateAppeal) -> CommandResult:
        with refusals_as_failures():
            return self._application.escalate_appeal(command)

    @activity.defn
    def answer_grade_evaluation_appeal(self, command: AnswerAppeal) -> CommandResult:
        with refusals_as_failures():
            return self._application.answer_appeal(command)

    @activity.defn
    def confirm_evaluated_grade(self, command: ConfirmGrade) -> CommandResult:
        with refusals_as_failures():
            return self._application.confirm_grade(command)

    @activity.defn
    def lapse_evaluated_grade(self, command: LapseGrade) -> CommandResult:
        with refusals_as_failures():
            return self._application.lapse_grade(command)

    @activity.defn
    def describe_grade_evaluation(
        self, request: DescribeGradeEvaluation
    ) -> GradeEvaluationState:
        """The evaluation as recorded, with the grade it awarded once confirmed: the totals
        and grades the domain worked out (评分、复核), or a run's start from the record."""
        with refusals_as_failures():
            evaluation = self._application.get_evaluation(request.evaluation_id)
            organization = self._application.get_organization(UUID(evaluation.organization_id))
            grade = next((g for g in organization.grades
                          if g.evaluation_id == str(evaluation.id)), None)
            return GradeEvaluationState.of(evaluation, grade)


def grading_activities(application: GovflowApplication) -> list[Callable[..., Any]]:
    """Every grade-evaluation activity, bound to ``application``, for the worker."""
    grading = GradingActivities(application)
    return [
        grading.apply_for_grade_evaluation,
        grading.assign_grade_evaluator,
        grading.score_grade_evaluation,
        grading.close_grade_evaluation_publicity,
        grading.file_grade_evaluation_appeal,
        grading.escalate_grade_evaluation_appeal,
        grading.answer_grade_evaluation_appeal,
        grading.confirm_evaluated_grade,
        grading.lapse_evaluated_grade,
        grading.describe_grade_evaluation,
    ]

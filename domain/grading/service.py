"""The grade-evaluation service: evaluators, evaluations, and the grades they award."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from domain.catalogue.commands import CommandResult
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    DeclareEvaluatorAffiliations,
    DowngradeGrade,
    EscalateAppeal,
    FileAppeal,
    LapseGrade,
    RecordExistingGrade,
    RegisterEvaluator,
    RevokeGrade,
    ScoreEvaluation,
)
from domain.grading.errors import EvaluationNotFoundError, EvaluatorNotFoundError
from domain.grading.evaluation import GradeEvaluation
from domain.grading.evaluator import ThirdPartyEvaluator
from domain.organizations.eligibility import (
    DEFAULT_GRADE_THRESHOLD,
    CurrentGrade,
    Eligibility,
    PerformanceBar,
    undertaking_eligibility,
)
from domain.organizations.organization import SocialOrganization
from domain.organizations.service import OrganizationService, organization_not_found


class GradingService(OrganizationService):
    """第三方评估机构与等级评估."""

    # --- evaluators ---------------------------------------------------------------------

    def register_evaluator(self, cmd: RegisterEvaluator) -> CommandResult:
        """登记第三方评估机构."""
        return self._create(
            ThirdPartyEvaluator, ThirdPartyEvaluator.create_id(cmd.command_id), cmd.command_id,
            lambda: ThirdPartyEvaluator.register(command_id=cmd.command_id, actor=cmd.actor,
                                                 name=cmd.name, contact=cmd.contact))

    def declare_evaluator_affiliations(self, cmd: DeclareEvaluatorAffiliations) -> CommandResult:
        """登记评估机构的关联关系; each organization must be registered."""
        def decide(evaluator: ThirdPartyEvaluator) -> None:
            for organization_id in cmd.organization_ids:
                self.get_organization(organization_id)
            evaluator.declare_affiliations(
                command_id=cmd.command_id, actor=cmd.actor,
                organization_ids=[str(o) for o in cmd.organization_ids])
        return self._command(ThirdPartyEvaluator, cmd.evaluator_id, cmd.command_id, decide,
                             lambda: evaluator_not_found(cmd.evaluator_id))

    def get_evaluator(self, evaluator_id: UUID) -> ThirdPartyEvaluator:
        return self._require(ThirdPartyEvaluator, evaluator_id,
                             lambda: evaluator_not_found(evaluator_id))

    # --- the evaluation -----------------------------------------------------------------

    def apply_for_evaluation(self, cmd: ApplyForEvaluation) -> CommandResult:
        """申请等级评估: the evaluation and the organization's open evaluation, saved together."""
        evaluation_id = GradeEvaluation.create_id(cmd.command_id)
        existing = self._get_or_none(GradeEvaluation, evaluation_id)
        if existing is not None and existing.has_applied(cmd.command_id):
            return self._replayed(existing, cmd.command_id)
        organization = self.get_organization(cmd.organization_id)
        evaluation = GradeEvaluation.apply(command_id=cmd.command_id, actor=cmd.actor,
                                           organization=organization, applied_on=cmd.applied_on)
        organization.open_evaluation(command_id=cmd.command_id, actor=cmd.actor,
                                     evaluation_id=str(evaluation.id), applied_on=cmd.applied_on)
        return self._save_together(evaluation, [organization], cmd.command_id)

    def assign_evaluator(self, cmd: AssignEvaluator) -> CommandResult:
        """指派第三方评估机构."""
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, lambda e: (
            e.assign_evaluator(command_id=cmd.command_id, actor=cmd.actor,
                               evaluator=self.get_evaluator(cmd.evaluator_id))))

    def score_evaluation(self, cmd: ScoreEvaluation) -> CommandResult:
        """评分."""
        def decide(e: GradeEvaluation) -> None:
            e.facts.check_score(cmd.actor)
            assert e.evaluator_id is not None
            e.score(command_id=cmd.command_id, actor=cmd.actor,
                    evaluator=self.get_evaluator(UUID(e.evaluator_id)), scores=dict(cmd.scores),
                    cutoffs=cmd.cutoffs, publicity_starts_on=cmd.publicity_starts_on,
                    publicity_ends_on=cmd.publicity_ends_on)
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, decide)

    def close_evaluation_publicity(self, cmd: CloseEvaluationPublicity) -> CommandResult:
        """公示期结束."""
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, lambda e: (
            e.close_publicity(command_id=cmd.command_id, actor=cmd.actor)))

    def file_appeal(self, cmd: FileAppeal) -> CommandResult:
        """申请复核."""
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, lambda e: (
            e.file_appeal(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                          filed_on=cmd.filed_on, answer_due_on=cmd.answer_due_on)))

    def escalate_appeal(self, cmd: EscalateAppeal) -> CommandResult:
        """复核逾期上报."""
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, lambda e: (
            e.escalate_appeal(command_id=cmd.command_id, actor=cmd.actor)))

    def answer_appeal(self, cmd: AnswerAppeal) -> CommandResult:
        """答复复核."""
        return self._evaluation_command(cmd.evaluation_id, cmd.command_id, lambda e: (
            e.answer_appeal(
                command_id=cmd.command_id, actor=cmd.actor, upheld=cmd.upheld, answer=cmd.answer,
                revised_scores=None if cmd.revised_scores is None else dict(cmd.revised_scores),
                cutoffs=cmd.cutoffs, answered_on=cmd.answered_on)))

    def confirm_grade(self, cmd: ConfirmGrade) -> CommandResult:
        """确认评估等级: the confirmation and the organization's grade, saved together."""
        evaluation = self.get_evaluation(cmd.evaluation_id)
        if evaluation.has_applied(cmd.command_id):
            return self._replayed(evaluation, cmd.command_id)
        organization = self.get_organization(UUID(evaluation.organization_id))
        evaluation.confirm(command_id=cmd.command_id, actor=cmd.actor,
                           confirmed_on=cmd.confirmed_on)
        assert evaluation.level is not None
        organization.award_grade(command_id=cmd.command_id, actor=cmd.actor,
                                 evaluation_id=str(evaluation.id), level=evaluation.level,
                                 confirmed_on=cmd.confirmed_on)
        return self._save_together(evaluation, [organization], cmd.command_id)

    def get_evaluation(self, evaluation_id: UUID) -> GradeEvaluation:
        return self._require(GradeEvaluation, evaluation_id,
                             lambda: evaluation_not_found(evaluation_id))

    # --- grades on the organization -------------------------------------------------------

    def lapse_grade(self, cmd: LapseGrade) -> CommandResult:
        """评估等级到期."""
        return self._on_organization(cmd.organization_id, cmd.command_id, lambda o: (
            o.lapse_grade(command_id=cmd.command_id, actor=cmd.actor,
                          evaluation_id=str(cmd.evaluation_id), lapsed_on=cmd.lapsed_on)))

    def downgrade_grade(self, cmd: DowngradeGrade) -> CommandResult:
        """降级."""
        return self._on_organization(cmd.organization_id, cmd.command_id, lambda o: (
            o.downgrade_grade(command_id=cmd.command_id, actor=cmd.actor, basis=cmd.basis,
                              reference=cmd.reference, reason=cmd.reason,
                              decided_on=cmd.decided_on)))

    def record_existing_grade(self, cmd: RecordExistingGrade) -> CommandResult:
        """登记既有评估等级."""
        return self._on_organization(cmd.organization_id, cmd.command_id, lambda o: (
            o.record_existing_grade(
                command_id=cmd.command_id, actor=cmd.actor, grade_id=str(cmd.grade_id),
                level=cmd.level, confirmed_on=cmd.confirmed_on,
                certificate_number=cmd.certificate_number, evaluator_name=cmd.evaluator_name,
                recorded_on=cmd.recorded_on)))

    def revoke_grade(self, cmd: RevokeGrade) -> CommandResult:
        """撤销评估等级."""
        return self._on_organization(cmd.organization_id, cmd.command_id, lambda o: (
            o.revoke_grade(command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason,
                           decided_on=cmd.decided_on)))

    def organization_eligibility(
        self, organization_id: UUID, *, on: date, bars: Sequence[PerformanceBar] | None = None,
        threshold: int = DEFAULT_GRADE_THRESHOLD,
    ) -> Eligibility:
        """承接资格 as recorded, with the organization's own performance bars unless
        ``bars`` are given (for the award decision of the later stages).  A grade
        awarded but not in force on ``on`` (it starts on 1 January, or its validity is over
        and the lapse is still to come) is named with its validity, not taken for none."""
        organization = self.get_organization(organization_id)
        record = organization.current_grade(on) or organization.standing_grade()
        return undertaking_eligibility(
            organization, on=on, grade=CurrentGrade.of(record),
            bars=organization.bars if bars is None else bars, threshold=threshold)

    # --- mechanics ----------------------------------------------------------------------

    def _evaluation_command(self, evaluation_id: UUID, command_id: str,
                            decide: Callable[[GradeEvaluation], None]) -> CommandResult:
        return self._command(GradeEvaluation, evaluation_id, command_id, decide,
                             lambda: evaluation_not_found(evaluation_id))

    def _on_organization(self, organization_id: UUID, command_id: str,
                         decide: Callable[[SocialOrganization], None]) -> CommandResult:
        return self._command(SocialOrganization, organization_id, command_id, decide,
                             lambda: organization_not_found(organization_id))


def evaluator_not_found(evaluator_id: UUID) -> EvaluatorNotFoundError:
    return EvaluatorNotFoundError(
        f"找不到第三方评估机构 {evaluator_id}；请使用市社工委已登记的评估机构",
        field="evaluator_id")


def evaluation_not_found(evaluation_id: UUID) -> EvaluationNotFoundError:
    return EvaluationNotFoundError(f"找不到等级评估 {evaluation_id}", field="evaluation_id")

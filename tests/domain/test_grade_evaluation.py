"""Third-party grade evaluation (等级评估) through the application service: apply → assign →
score → publicity → appeal → confirm; each refusal says why and records nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.errors import DomainError, RoleNotAllowedError
from domain.grading.commands import (
    AnswerAppeal,
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    DeclareEvaluatorAffiliations,
    EscalateAppeal,
    FileAppeal,
    RegisterEvaluator,
    ScoreEvaluation,
)
from domain.grading.errors import (
    AppealAnswerError,
    AppealNotAllowedError,
    AppealNotEscalatedError,
    EvaluationAlreadyOpenError,
    EvaluationNotDueError,
    EvaluationStageError,
    EvaluatorAffiliatedError,
    InvalidScoresError,
    OtherEvaluatorError,
)
from domain.grading.grades import GradeCutoffs
from domain.grading.stages import AppealOutcome, EvaluationStatus
from domain.organizations.commands import RegisterOrganization
from domain.organizations.errors import OtherOrganizationError

COMMITTEE = Actor("zhou", Role.COMMITTEE)
SERVICE_CODE = "52440703MJL000016J"
"""蓬江区长者服务中心, 民办非企业单位, registered 2020-05-08."""
SERVICE_NAME = "蓬江区长者服务中心"
ASSOCIATION_CODE = "51440700MJL000016A"
"""江门市养老服务业协会, 社会团体 (行业协会商会), registered 2020-05-08."""
ASSOCIATION_NAME = "江门市养老服务业协会"
REGISTERED_ON = date(2020, 5, 8)
APPLIED_ON = date(2026, 3, 2)
PUBLICITY_STARTS = date(2026, 4, 1)
PUBLICITY_ENDS = date(2026, 4, 7)
CONFIRMED_ON = date(2026, 4, 20)
SERVICE_SCORES = {"基础条件": 70, "内部治理": 300, "业务活动和诚信建设": 320, "社会评价": 90}
"""780 points: 3A."""


def _short_of_full_marks(full: dict[str, int], total: int) -> dict[str, int]:
    """``full`` less what ``total`` misses of 1000, taken from the largest dimension first."""
    scores = dict(full)
    short = 1000 - total
    for name in sorted(scores, key=lambda n: -scores[n]):
        taken = min(short, scores[name])
        scores[name] -= taken
        short -= taken
    assert sum(scores.values()) == total
    return scores


def service_scores(total: int) -> dict[str, int]:
    """Scores of a 民办非企业单位 adding up to ``total``."""
    return _short_of_full_marks(
        {"基础条件": 80, "内部治理": 370, "业务活动和诚信建设": 450, "社会评价": 100}, total)


def group_scores(total: int) -> dict[str, int]:
    """Scores of a 社会团体 adding up to ``total``."""
    return _short_of_full_marks(
        {"基础条件": 60, "内部治理": 400, "工作绩效": 440, "社会评价": 100}, total)


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def events(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid4()}"


# --- who is who --------------------------------------------------------------------------


def register_service_organization(app: GovflowApplication,
                                  registered_on: date = REGISTERED_ON) -> UUID:
    return app.register_organization(RegisterOrganization(
        command_id=new_id("org"), actor=COMMITTEE, credit_code=SERVICE_CODE,
        name=SERVICE_NAME, category="民办非企业单位", kind="社会服务类", industry="养老服务",
        region_code="440703", registered_on=registered_on, full_time_staff=4)).aggregate_id


def register_association(app: GovflowApplication) -> UUID:
    return app.register_organization(RegisterOrganization(
        command_id=new_id("org"), actor=COMMITTEE, credit_code=ASSOCIATION_CODE,
        name=ASSOCIATION_NAME, category="社会团体", kind="行业协会商会", industry="养老服务",
        region_code="440700", registered_on=REGISTERED_ON, full_time_staff=6)).aggregate_id


def register_evaluator(app: GovflowApplication, name: str = "江门市社会组织评估中心") -> UUID:
    return app.register_evaluator(RegisterEvaluator(
        command_id=new_id("evaluator"), actor=COMMITTEE, name=name,
        contact="0750-1234567")).aggregate_id


def member_of(organization_id: UUID) -> Actor:
    return Actor("hu", Role.ORGANIZATION, str(organization_id))


def staff_of(evaluator_id: UUID) -> Actor:
    return Actor("wu", Role.EVALUATOR, str(evaluator_id))


# --- the steps ---------------------------------------------------------------------------


def apply(app: GovflowApplication, organization_id: UUID, *, on: date = APPLIED_ON,
          actor: Actor | None = None, command_id: str | None = None) -> UUID:
    return app.apply_for_evaluation(ApplyForEvaluation(
        command_id=command_id or new_id("apply"), actor=actor or member_of(organization_id),
        organization_id=organization_id, applied_on=on)).aggregate_id


def assign(app: GovflowApplication, evaluation_id: UUID, evaluator_id: UUID) -> CommandResult:
    return app.assign_evaluator(AssignEvaluator(
        command_id=new_id("assign"), actor=COMMITTEE, evaluation_id=evaluation_id,
        evaluator_id=evaluator_id))


def score(app: GovflowApplication, evaluation_id: UUID, scores: dict[str, int], *,
          actor: Actor) -> CommandResult:
    return app.score_evaluation(ScoreEvaluation(
        command_id=new_id("score"), actor=actor, evaluation_id=evaluation_id, scores=scores,
        publicity_starts_on=PUBLICITY_STARTS, publicity_ends_on=PUBLICITY_ENDS))


def close_publicity(app: GovflowApplication, evaluation_id: UUID) -> CommandResult:
    return app.close_evaluation_publicity(CloseEvaluationPublicity(
        command_id=new_id("close"), actor=SYSTEM_ACTOR, evaluation_id=evaluation_id))


def appeal(app: GovflowApplication, evaluation_id: UUID, *, actor: Actor,
           filed_on: date = date(2026, 4, 3)) -> CommandResult:
    return app.file_appeal(FileAppeal(
        command_id=new_id("appeal"), actor=actor, evaluation_id=evaluation_id,
        reason="社会评价得分偏低，未计入2025年度获得的表彰", filed_on=filed_on,
        answer_due_on=date(2026, 4, 18)))


def escalate(app: GovflowApplication, evaluation_id: UUID) -> CommandResult:
    return app.escalate_appeal(EscalateAppeal(
        command_id=new_id("escalate"), actor=SYSTEM_ACTOR, evaluation_id=evaluation_id))


def answer(app: GovflowApplication, evaluation_id: UUID, *, actor: Actor, upheld: bool,
           revised_scores: dict[str, int] | None = None) -> CommandResult:
    return app.answer_appeal(AnswerAppeal(
        command_id=new_id("answer"), actor=actor, evaluation_id=evaluation_id, upheld=upheld,
        answer="经复核，意见如下", answered_on=date(2026, 4, 10),
        revised_scores=revised_scores))


def confirm(app: GovflowApplication, evaluation_id: UUID, *,
            on: date = CONFIRMED_ON) -> CommandResult:
    return app.confirm_grade(ConfirmGrade(
        command_id=new_id("confirm"), actor=COMMITTEE, evaluation_id=evaluation_id,
        confirmed_on=on))


def scored(app: GovflowApplication, scores: dict[str, int] = SERVICE_SCORES,
           ) -> tuple[UUID, UUID, UUID]:
    """A 民办非企业单位 evaluation in publicity: (organization, evaluator, evaluation)."""
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)
    score(app, evaluation_id, scores, actor=staff_of(evaluator_id))
    return organization_id, evaluator_id, evaluation_id


def evaluate(app: GovflowApplication, organization_id: UUID, scores: dict[str, int], *,
             applied_on: date = APPLIED_ON, confirmed_on: date = CONFIRMED_ON,
             evaluator_id: UUID | None = None) -> UUID:
    """A whole evaluation without appeal, confirmed on ``confirmed_on``."""
    evaluator_id = evaluator_id or register_evaluator(app)
    evaluation_id = apply(app, organization_id, on=applied_on)
    assign(app, evaluation_id, evaluator_id)
    score(app, evaluation_id, scores, actor=staff_of(evaluator_id))
    close_publicity(app, evaluation_id)
    confirm(app, evaluation_id, on=confirmed_on)
    return evaluation_id


def refused(app: GovflowApplication, error: type[DomainError], attempt: object) -> str:
    """Runs ``attempt`` (a callable), expects ``error``, checks nothing was recorded and
    returns the message."""
    assert callable(attempt)
    before = events(app)
    with pytest.raises(error) as raised:
        attempt()
    assert events(app) == before
    return raised.value.detail


# --- application -------------------------------------------------------------------------


def test_apply_by_the_organization_for_itself_opens_an_evaluation(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)

    evaluation = app.get_evaluation(apply(app, organization_id))

    assert evaluation.status is EvaluationStatus.APPLIED
    assert evaluation.status.value == "待指派评估机构"
    assert (evaluation.organization_name, evaluation.code, evaluation.applied_on) == (
        SERVICE_NAME, SERVICE_CODE, APPLIED_ON)
    assert app.get_organization(organization_id).open_evaluation_id == str(evaluation.id)


def test_apply_started_by_the_committee_opens_an_evaluation(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)

    evaluation_id = apply(app, organization_id, actor=COMMITTEE, command_id="start-1")

    assert evaluation_id == aggregate_id_for("start-1")
    assert app.get_evaluation(evaluation_id).status is EvaluationStatus.APPLIED


def test_apply_for_another_organization_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    association_id = register_association(app)

    message = refused(app, OtherOrganizationError, lambda: apply(
        app, organization_id, actor=member_of(association_id)))

    assert message == (f"您所在的社会组织为 {association_id}，不能为「{SERVICE_NAME}」"
                       f"（{organization_id}）申请等级评估")


def test_apply_by_an_evaluator_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)

    message = refused(app, RoleNotAllowedError, lambda: apply(
        app, organization_id, actor=staff_of(evaluator_id)))

    assert message.startswith("角色 evaluator 不能申请等级评估")


def test_apply_before_two_full_years_of_registration_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)

    message = refused(app, EvaluationNotDueError, lambda: apply(
        app, organization_id, on=date(2022, 5, 7)))

    assert message == (f"「{SERVICE_NAME}」于 2020-05-08 登记，至 2022-05-07 登记未满两年；"
                       f"2022-05-08 起方可申请等级评估")


def test_apply_on_the_second_anniversary_of_registration_is_allowed(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)

    evaluation_id = apply(app, organization_id, on=date(2022, 5, 8))

    assert app.get_evaluation(evaluation_id).applied_on == date(2022, 5, 8)


def test_apply_registered_on_29_february_is_due_on_1_march(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app, registered_on=date(2020, 2, 29))

    message = refused(app, EvaluationNotDueError, lambda: apply(
        app, organization_id, on=date(2022, 2, 28)))
    apply(app, organization_id, on=date(2022, 3, 1))

    assert "2022-03-01 起方可申请等级评估" in message


def test_apply_with_a_standing_grade_not_expiring_this_year_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)
    evaluate(app, organization_id, SERVICE_SCORES)

    message = refused(app, EvaluationNotDueError, lambda: apply(
        app, organization_id, on=date(2030, 12, 31)))

    assert message == (f"「{SERVICE_NAME}」现有评估等级 3A，有效期至 2031-12-31；"
                       f"有效期届满当年（2031 年）起方可申请重新评估")


def test_apply_while_another_evaluation_is_open_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    first = apply(app, organization_id)

    message = refused(app, EvaluationAlreadyOpenError, lambda: apply(
        app, organization_id, actor=COMMITTEE))

    assert message == (f"「{SERVICE_NAME}」已有进行中的等级评估（{first}）；"
                       f"该评估确认后方可再次申请")


# --- assignment --------------------------------------------------------------------------


def test_assign_evaluator_starts_the_evaluation(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)

    assign(app, evaluation_id, evaluator_id)

    evaluation = app.get_evaluation(evaluation_id)
    assert evaluation.status.value == "评估中"
    assert evaluation.evaluator_id == str(evaluator_id)


def test_assign_an_affiliated_evaluator_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app, name="江门市民信评估事务所")
    app.declare_evaluator_affiliations(DeclareEvaluatorAffiliations(
        command_id="aff-1", actor=COMMITTEE, evaluator_id=evaluator_id,
        organization_ids=(organization_id,)))
    evaluation_id = apply(app, organization_id)

    message = refused(app, EvaluatorAffiliatedError, lambda: assign(
        app, evaluation_id, evaluator_id))

    assert message == (f"评估机构「江门市民信评估事务所」与「{SERVICE_NAME}」存在关联关系，"
                       f"不能评估该社会组织；请指派无关联的评估机构")


def test_assign_an_evaluator_by_the_organization_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)

    message = refused(app, RoleNotAllowedError, lambda: app.assign_evaluator(AssignEvaluator(
        command_id="assign-x", actor=member_of(organization_id), evaluation_id=evaluation_id,
        evaluator_id=evaluator_id)))

    assert message.startswith("角色 organization 不能指派第三方评估机构")


def test_assign_a_second_time_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, register_evaluator(app))
    other = register_evaluator(app, name="另一评估机构")

    message = refused(app, EvaluationStageError, lambda: assign(app, evaluation_id, other))

    assert message == "评估机构已指派（当前阶段：评估中）；只能为待指派的评估指派一次"


# --- scoring -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [(1000, 5), (900, 5), (899, 4), (800, 4), (799, 3), (700, 3), (699, 2), (600, 2),
     (599, 1), (0, 1)],
)
def test_score_gives_the_preliminary_grade_from_the_cutoffs(
    app: GovflowApplication, total: int, grade: int,
) -> None:
    _, _, evaluation_id = scored(app, service_scores(total))

    evaluation = app.get_evaluation(evaluation_id)
    assert (evaluation.total, evaluation.level, evaluation.grade_label) == (
        total, grade, f"{grade}A")


def test_score_opens_publicity(app: GovflowApplication) -> None:
    _, _, evaluation_id = scored(app)

    evaluation = app.get_evaluation(evaluation_id)
    assert evaluation.status.value == "公示中"
    assert (evaluation.publicity_starts_on, evaluation.publicity_ends_on) == (
        PUBLICITY_STARTS, PUBLICITY_ENDS)
    assert evaluation.scores == SERVICE_SCORES


def test_score_with_raised_cutoffs_gives_a_lower_grade(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)

    app.score_evaluation(ScoreEvaluation(
        command_id="score-strict", actor=staff_of(evaluator_id), evaluation_id=evaluation_id,
        scores=service_scores(900), publicity_starts_on=PUBLICITY_STARTS,
        publicity_ends_on=PUBLICITY_ENDS,
        cutoffs=GradeCutoffs(five_a=950, four_a=850, three_a=750, two_a=650)))

    assert app.get_evaluation(evaluation_id).grade_label == "4A"


def test_score_a_social_group_uses_its_own_dimensions(app: GovflowApplication) -> None:
    organization_id = register_association(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)

    score(app, evaluation_id, group_scores(812), actor=staff_of(evaluator_id))

    assert app.get_evaluation(evaluation_id).grade_label == "4A"


def test_score_by_another_evaluator_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    other_id = register_evaluator(app, name="另一评估机构")
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)

    message = refused(app, OtherEvaluatorError, lambda: score(
        app, evaluation_id, SERVICE_SCORES, actor=staff_of(other_id)))

    assert message == (f"本次评估指派的评估机构为 {evaluator_id}，您所在的评估机构 {other_id} "
                       f"不能评分")


def test_score_before_an_evaluator_is_assigned_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)

    message = refused(app, OtherEvaluatorError, lambda: score(
        app, evaluation_id, SERVICE_SCORES, actor=staff_of(evaluator_id)))

    assert "本次评估指派的评估机构为 （尚未指派）" in message


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.ORGANIZATION])
def test_score_by_the_wrong_role_is_refused(app: GovflowApplication, role: Role) -> None:
    organization_id = register_service_organization(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, register_evaluator(app))

    message = refused(app, RoleNotAllowedError, lambda: score(
        app, evaluation_id, SERVICE_SCORES, actor=Actor("x", role, str(organization_id))))

    assert message == f"角色 {role.value} 不能评分；可执行此操作的角色：evaluator"


def test_score_by_an_evaluator_affiliated_since_assignment_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)
    app.declare_evaluator_affiliations(DeclareEvaluatorAffiliations(
        command_id="aff-late", actor=COMMITTEE, evaluator_id=evaluator_id,
        organization_ids=(organization_id,)))

    message = refused(app, EvaluatorAffiliatedError, lambda: score(
        app, evaluation_id, SERVICE_SCORES, actor=staff_of(evaluator_id)))

    assert "存在关联关系，不能评估该社会组织" in message


OUTLINE = ("民办非企业单位按以下指标评分，满分 1000 分：基础条件（80 分）、内部治理（370 分）、"
           "业务活动和诚信建设（450 分）、社会评价（100 分）；")


@pytest.mark.parametrize(
    ("scores", "problem"),
    [
        ({"基础条件": 70, "内部治理": 300, "业务活动和诚信建设": 320}, "缺少：社会评价"),
        ({**SERVICE_SCORES, "工作绩效": 300},
         "不属于民办非企业单位的评估指标：工作绩效"),
        ({**SERVICE_SCORES, "基础条件": 81}, "基础条件的得分应在 0 至 80 分之间（现为 81）"),
        ({**SERVICE_SCORES, "社会评价": -1}, "社会评价的得分应在 0 至 100 分之间（现为 -1）"),
        ({**SERVICE_SCORES, "内部治理": 300.5}, "内部治理的得分应为整数（现为 300.5）"),
    ],
    ids=["missing", "unknown", "above-max", "negative", "not-whole"],
)
def test_score_bad_scores_are_refused_naming_the_problem(
    app: GovflowApplication, scores: dict[str, int], problem: str,
) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)
    before = events(app)

    with pytest.raises(InvalidScoresError) as bad:
        score(app, evaluation_id, scores, actor=staff_of(evaluator_id))

    assert bad.value.detail == OUTLINE + problem
    assert bad.value.field == "scores"
    assert events(app) == before
    assert app.get_evaluation(evaluation_id).status is EvaluationStatus.ASSIGNED


def test_score_every_problem_is_named_at_once(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, evaluator_id)

    message = refused(app, InvalidScoresError, lambda: score(
        app, evaluation_id, {"基础条件": 99, "工作绩效": 10}, actor=staff_of(evaluator_id)))

    assert message == OUTLINE + (
        "缺少：内部治理、业务活动和诚信建设、社会评价；不属于民办非企业单位的评估指标：工作绩效；"
        "基础条件的得分应在 0 至 80 分之间（现为 99）")


def test_score_a_second_time_is_refused(app: GovflowApplication) -> None:
    _, evaluator_id, evaluation_id = scored(app)

    message = refused(app, EvaluationStageError, lambda: score(
        app, evaluation_id, service_scores(950), actor=staff_of(evaluator_id)))

    assert message == ("当前阶段为公示中，只能在评估中评分一次；"
                       "对评分有异议的，由社会组织在公示期内申请复核")


# --- publicity and confirmation ----------------------------------------------------------


def test_confirm_after_publicity_awards_the_grade_from_next_january_for_five_years(
    app: GovflowApplication,
) -> None:
    organization_id, _, evaluation_id = scored(app)
    close_publicity(app, evaluation_id)
    assert app.get_evaluation(evaluation_id).status.value == "待确认"

    confirm(app, evaluation_id, on=date(2026, 4, 20))

    evaluation = app.get_evaluation(evaluation_id)
    assert (evaluation.status.value, evaluation.confirmed_on) == ("已确认", date(2026, 4, 20))
    awarded: list[Any] = [e for e in app.repository.event_store.get(organization_id)
                          if type(e).__name__ == "GradeAwarded"]
    assert len(awarded) == 1
    assert (awarded[0].level, awarded[0].valid_from, awarded[0].valid_until) == (
        3, date(2027, 1, 1), date(2031, 12, 31))
    organization = app.get_organization(organization_id)
    assert organization.open_evaluation_id is None
    grade = organization.standing_grade()
    assert grade is not None
    assert (grade.level, grade.evaluation_id, grade.status.value) == (
        3, str(evaluation_id), "有效")


def test_confirm_on_31_december_is_valid_from_the_next_day(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)

    evaluate(app, organization_id, service_scores(905), confirmed_on=date(2026, 12, 31))

    grade = app.get_organization(organization_id).standing_grade()
    assert grade is not None
    assert (grade.level, grade.valid_from, grade.valid_until) == (
        5, date(2027, 1, 1), date(2031, 12, 31))


def test_confirm_before_publicity_has_closed_is_refused(app: GovflowApplication) -> None:
    _, _, evaluation_id = scored(app)

    message = refused(app, EvaluationStageError, lambda: confirm(app, evaluation_id))

    assert message == "当前阶段为公示中；公示期结束后方可确认评估等级"


def test_confirm_before_scoring_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluation_id = apply(app, organization_id)

    message = refused(app, EvaluationStageError, lambda: confirm(app, evaluation_id))

    assert message == "当前阶段为待指派评估机构；公示期结束后方可确认评估等级"


def test_confirm_with_an_open_appeal_is_refused(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    close_publicity(app, evaluation_id)

    message = refused(app, EvaluationStageError, lambda: confirm(app, evaluation_id))

    assert message == "复核申请尚未答复；答复后方可确认评估等级"


def test_confirm_a_second_time_is_refused(app: GovflowApplication) -> None:
    _, _, evaluation_id = scored(app)
    close_publicity(app, evaluation_id)
    confirm(app, evaluation_id)

    message = refused(app, EvaluationStageError, lambda: confirm(app, evaluation_id))

    assert message == "本次评估的等级已确认，不能重复确认"


def test_confirm_by_the_evaluator_is_refused(app: GovflowApplication) -> None:
    _, evaluator_id, evaluation_id = scored(app)
    close_publicity(app, evaluation_id)

    message = refused(app, RoleNotAllowedError, lambda: app.confirm_grade(ConfirmGrade(
        command_id="confirm-x", actor=staff_of(evaluator_id), evaluation_id=evaluation_id,
        confirmed_on=CONFIRMED_ON)))

    assert message.startswith("角色 evaluator 不能确认评估等级")


def test_close_publicity_twice_is_refused(app: GovflowApplication) -> None:
    _, _, evaluation_id = scored(app)
    close_publicity(app, evaluation_id)

    message = refused(app, EvaluationStageError, lambda: close_publicity(app, evaluation_id))

    assert message == "当前阶段为待确认，没有进行中的公示"


# --- appeal ------------------------------------------------------------------------------


def test_appeal_upheld_with_revised_scores_changes_the_grade(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    assert app.get_evaluation(evaluation_id).status.value == "复核中"

    answer(app, evaluation_id, actor=staff_of(evaluator_id), upheld=True,
           revised_scores={**SERVICE_SCORES, "内部治理": 330})
    close_publicity(app, evaluation_id)
    confirm(app, evaluation_id)

    evaluation = app.get_evaluation(evaluation_id)
    assert (evaluation.total, evaluation.grade_label) == (810, "4A")
    assert evaluation.scores["内部治理"] == 330
    assert evaluation.appeal is not None
    assert evaluation.appeal.outcome is AppealOutcome.UPHELD
    grade = app.get_organization(organization_id).standing_grade()
    assert grade is not None and grade.level == 4


def test_appeal_answered_after_publicity_closed_awaits_confirmation(
    app: GovflowApplication,
) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    close_publicity(app, evaluation_id)
    assert app.get_evaluation(evaluation_id).status.value == "复核中"

    answer(app, evaluation_id, actor=staff_of(evaluator_id), upheld=True,
           revised_scores=service_scores(690))

    evaluation = app.get_evaluation(evaluation_id)
    assert (evaluation.status.value, evaluation.grade_label) == ("待确认", "2A")


def test_appeal_rejected_keeps_the_grade(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))

    answer(app, evaluation_id, actor=staff_of(evaluator_id), upheld=False)
    close_publicity(app, evaluation_id)
    confirm(app, evaluation_id)

    evaluation = app.get_evaluation(evaluation_id)
    assert (evaluation.total, evaluation.grade_label, evaluation.scores) == (
        780, "3A", SERVICE_SCORES)
    assert evaluation.appeal is not None
    assert evaluation.appeal.outcome is not None
    assert evaluation.appeal.outcome.value == "维持原评估结果"
    grade = app.get_organization(organization_id).standing_grade()
    assert grade is not None and grade.level == 3


def test_appeal_escalated_is_answered_by_the_committee(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    close_publicity(app, evaluation_id)

    escalate(app, evaluation_id)
    answer(app, evaluation_id, actor=COMMITTEE, upheld=True,
           revised_scores=service_scores(901))
    confirm(app, evaluation_id)

    grade = app.get_organization(organization_id).standing_grade()
    assert grade is not None and grade.level == 5


def test_appeal_answered_by_the_committee_before_escalation_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id, _, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))

    message = refused(app, AppealNotEscalatedError, lambda: answer(
        app, evaluation_id, actor=COMMITTEE, upheld=False))

    assert message == ("复核申请由评估机构在 15 日内答复；逾期未答复、上报市社工委后，"
                       "市社工委方可答复")


def test_appeal_escalated_twice_is_refused(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    escalate(app, evaluation_id)

    message = refused(app, EvaluationStageError, lambda: escalate(app, evaluation_id))

    assert message == "没有待答复且未上报的复核申请"


def test_appeal_answered_by_another_evaluator_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    other_id = register_evaluator(app, name="另一评估机构")
    appeal(app, evaluation_id, actor=member_of(organization_id))

    message = refused(app, OtherEvaluatorError, lambda: answer(
        app, evaluation_id, actor=staff_of(other_id), upheld=False))

    assert message == (f"本次评估指派的评估机构为 {evaluator_id}，您所在的评估机构 {other_id} "
                       f"不能答复复核申请")


def test_appeal_upheld_without_revised_scores_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    before = events(app)

    with pytest.raises(AppealAnswerError) as bad:
        answer(app, evaluation_id, actor=staff_of(evaluator_id), upheld=True)

    assert bad.value.detail == "复核成立的，须填写复核后的各项得分（revised_scores）"
    assert bad.value.field == "revised_scores"
    assert events(app) == before


def test_appeal_rejected_with_revised_scores_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))

    message = refused(app, AppealAnswerError, lambda: answer(
        app, evaluation_id, actor=staff_of(evaluator_id), upheld=False,
        revised_scores=service_scores(850)))

    assert message == "维持原评估结果的，不应填写复核后得分；如需改分，请按复核成立答复"


def test_appeal_upheld_with_bad_revised_scores_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))

    message = refused(app, InvalidScoresError, lambda: answer(
        app, evaluation_id, actor=staff_of(evaluator_id), upheld=True,
        revised_scores={**SERVICE_SCORES, "社会评价": 101}))

    assert message.endswith("社会评价的得分应在 0 至 100 分之间（现为 101）")


def test_appeal_before_publicity_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    evaluation_id = apply(app, organization_id)
    assign(app, evaluation_id, register_evaluator(app))

    message = refused(app, AppealNotAllowedError, lambda: appeal(
        app, evaluation_id, actor=member_of(organization_id)))

    assert message == "复核只能在公示期内申请；当前阶段：评估中"


def test_appeal_after_the_last_day_of_publicity_is_refused(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)

    message = refused(app, AppealNotAllowedError, lambda: appeal(
        app, evaluation_id, actor=member_of(organization_id), filed_on=date(2026, 4, 8)))

    assert message == "复核只能在公示期内申请（公示期至 2026-04-07）；当前阶段：公示中"


def test_appeal_on_the_last_day_of_publicity_is_allowed(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)

    appeal(app, evaluation_id, actor=member_of(organization_id), filed_on=PUBLICITY_ENDS)

    evaluation = app.get_evaluation(evaluation_id)
    assert evaluation.appeal is not None
    assert (evaluation.appeal.filed_on, evaluation.appeal.answer_due_on) == (
        PUBLICITY_ENDS, date(2026, 4, 18))


def test_appeal_after_publicity_closed_is_refused(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)
    close_publicity(app, evaluation_id)

    message = refused(app, AppealNotAllowedError, lambda: appeal(
        app, evaluation_id, actor=member_of(organization_id), filed_on=date(2026, 4, 7)))

    assert message == "复核只能在公示期内申请（公示期至 2026-04-07）；当前阶段：待确认"


def test_appeal_a_second_time_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluator_id, evaluation_id = scored(app)
    appeal(app, evaluation_id, actor=member_of(organization_id))
    answer(app, evaluation_id, actor=staff_of(evaluator_id), upheld=False)
    assert app.get_evaluation(evaluation_id).status.value == "公示中"

    message = refused(app, AppealNotAllowedError, lambda: appeal(
        app, evaluation_id, actor=member_of(organization_id), filed_on=date(2026, 4, 6)))

    assert message == "本次评估已申请过复核，每次评估只能申请一次"


def test_appeal_by_another_organization_is_refused(app: GovflowApplication) -> None:
    organization_id, _, evaluation_id = scored(app)
    association_id = register_association(app)

    message = refused(app, OtherOrganizationError, lambda: appeal(
        app, evaluation_id, actor=member_of(association_id)))

    assert message == (f"本次评估的社会组织为 {organization_id}，您所在的社会组织 "
                       f"{association_id} 不能对其申请复核")


def test_appeal_by_the_evaluator_is_refused(app: GovflowApplication) -> None:
    _, evaluator_id, evaluation_id = scored(app)

    message = refused(app, RoleNotAllowedError, lambda: appeal(
        app, evaluation_id, actor=staff_of(evaluator_id)))

    assert message.startswith("角色 evaluator 不能申请复核")


# --- idempotency -------------------------------------------------------------------------


def test_every_command_repeated_records_nothing_and_answers_replayed(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)
    evaluator_id = register_evaluator(app)
    applied = ApplyForEvaluation("apply-1", member_of(organization_id), organization_id,
                                 APPLIED_ON)
    evaluation_id = aggregate_id_for("apply-1")
    commands: list[tuple[object, object]] = [
        (app.apply_for_evaluation, applied),
        (app.assign_evaluator, AssignEvaluator("assign-1", COMMITTEE, evaluation_id,
                                               evaluator_id)),
        (app.score_evaluation, ScoreEvaluation(
            "score-1", staff_of(evaluator_id), evaluation_id, SERVICE_SCORES,
            PUBLICITY_STARTS, PUBLICITY_ENDS)),
        (app.file_appeal, FileAppeal("appeal-1", member_of(organization_id), evaluation_id,
                                     "社会评价偏低", date(2026, 4, 3), date(2026, 4, 18))),
        (app.close_evaluation_publicity, CloseEvaluationPublicity(
            "close-1", SYSTEM_ACTOR, evaluation_id)),
        (app.escalate_appeal, EscalateAppeal("escalate-1", SYSTEM_ACTOR, evaluation_id)),
        (app.answer_appeal, AnswerAppeal("answer-1", COMMITTEE, evaluation_id, True, "成立",
                                         date(2026, 4, 25), service_scores(820))),
        (app.confirm_grade, ConfirmGrade("confirm-1", COMMITTEE, evaluation_id,
                                         CONFIRMED_ON)),
    ]
    for handler, command in commands:
        assert callable(handler)
        first = handler(command)
        assert isinstance(first, CommandResult) and not first.replayed
        before = events(app)

        again = handler(command)

        assert isinstance(again, CommandResult)
        assert again.replayed is True, command
        assert (again.aggregate_id, again.version) == (first.aggregate_id, first.version)
        assert events(app) == before, command

    grade = app.get_organization(organization_id).standing_grade()
    assert grade is not None and grade.level == 4


def test_apply_repeated_after_the_evaluation_moved_on_is_still_replayed(
    app: GovflowApplication,
) -> None:
    organization_id = register_service_organization(app)
    evaluation_id = apply(app, organization_id, command_id="apply-1")
    assign(app, evaluation_id, register_evaluator(app))
    before = events(app)

    again = app.apply_for_evaluation(ApplyForEvaluation(
        "apply-1", member_of(organization_id), organization_id, APPLIED_ON))

    assert again.replayed and again.aggregate_id == evaluation_id
    assert events(app) == before

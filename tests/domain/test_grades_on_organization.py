"""The grade on the organization's record (评估等级): downgrade on a fact on record, revoke,
lapse, which grade is in force when, and re-evaluation in the year the grade expires."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import GovflowApplication
from domain.errors import DomainError, RoleNotAllowedError
from domain.grading.commands import DowngradeGrade, LapseGrade, RevokeGrade
from domain.grading.errors import (
    DowngradeBasisNotOnRecordError,
    DowngradeBasisUsedError,
    EvaluationNotDueError,
    GradeNotExpiredError,
    GradeNotStandingError,
    LowestGradeError,
    NoCurrentGradeError,
    UnknownDowngradeBasisError,
)
from domain.organizations.commands import RecordAnnualInspection, RecordPenalty
from tests.domain.test_grade_evaluation import (
    COMMITTEE,
    SERVICE_NAME,
    apply,
    evaluate,
    events,
    register_service_organization,
    service_scores,
)

NAME = f"「{SERVICE_NAME}」"
DECIDED_ON = date(2028, 6, 1)
PENALTY = "江民罚〔2028〕3号"


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


def graded(app: GovflowApplication, total: int = 850) -> tuple[UUID, UUID]:
    """An organization graded on 2026-04-20 (valid 2027-01-01 to 2031-12-31):
    (organization, evaluation)."""
    organization_id = register_service_organization(app)
    return organization_id, evaluate(app, organization_id, service_scores(total))


def inspect(app: GovflowApplication, organization_id: UUID, year: int, result: str) -> None:
    app.record_annual_inspection(RecordAnnualInspection(
        command_id=f"inspect-{year}", actor=COMMITTEE, organization_id=organization_id,
        year=year, result=result, inspected_on=date(year + 1, 3, 1)))


def penalize(app: GovflowApplication, organization_id: UUID, number: str = PENALTY) -> None:
    app.record_penalty(RecordPenalty(
        command_id=f"penalty-{number}", actor=COMMITTEE, organization_id=organization_id,
        decision_number=number, authority="江门市民政局", decided_on=date(2028, 3, 1),
        description="未按规定办理变更登记"))


def downgrade(app: GovflowApplication, organization_id: UUID, basis: str, reference: str, *,
              actor: Actor = COMMITTEE, decided_on: date = DECIDED_ON) -> None:
    app.downgrade_grade(DowngradeGrade(
        command_id=f"downgrade-{uuid4()}", actor=actor, organization_id=organization_id,
        basis=basis, reference=reference, reason="依规降低评估等级", decided_on=decided_on))


def revoke(app: GovflowApplication, organization_id: UUID,
           decided_on: date = DECIDED_ON) -> None:
    app.revoke_grade(RevokeGrade(
        command_id=f"revoke-{uuid4()}", actor=COMMITTEE, organization_id=organization_id,
        reason="评估中提供虚假材料", decided_on=decided_on))


def lapse(app: GovflowApplication, organization_id: UUID, evaluation_id: UUID,
          on: date = date(2032, 1, 1)) -> None:
    app.lapse_grade(LapseGrade(
        command_id=f"lapse-{uuid4()}", actor=SYSTEM_ACTOR, organization_id=organization_id,
        evaluation_id=evaluation_id, lapsed_on=on))


def level_on(app: GovflowApplication, organization_id: UUID, day: date) -> int | None:
    grade = app.get_organization(organization_id).current_grade(day)
    return None if grade is None else grade.level


def refused(app: GovflowApplication, error: type[DomainError], attempt: object) -> str:
    assert callable(attempt)
    before = events(app)
    with pytest.raises(error) as raised:
        attempt()
    assert events(app) == before
    return raised.value.detail


# --- downgrade ---------------------------------------------------------------------------


def test_downgrade_on_two_basically_passed_years_lowers_one_step(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2026, "基本合格")
    inspect(app, organization_id, 2027, "基本合格")

    downgrade(app, organization_id, "连续两年年检基本合格", "2027")

    grade = app.get_organization(organization_id).current_grade(DECIDED_ON)
    assert grade is not None
    assert (grade.awarded_level, grade.level) == (4, 3)
    assert grade.downgraded_for == ("连续两年年检基本合格：2027",)


def test_downgrade_on_two_basic_years_without_the_earlier_year_names_the_record(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2026, "合格")
    inspect(app, organization_id, 2027, "基本合格")

    message = refused(app, DowngradeBasisNotOnRecordError, lambda: downgrade(
        app, organization_id, "连续两年年检基本合格", "2027"))

    assert message == (f"“连续两年年检基本合格”须有 2026、2027 年度年检结论均为基本合格的记录；"
                       f"{NAME}的记录为：2026 年度合格、2027 年度基本合格")


def test_downgrade_on_two_basic_years_with_a_year_not_recorded_says_so(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "基本合格")

    message = refused(app, DowngradeBasisNotOnRecordError, lambda: downgrade(
        app, organization_id, "连续两年年检基本合格", "2027"))

    assert message.endswith("的记录为：2026 年度未登记、2027 年度基本合格")


def test_downgrade_on_a_failed_inspection_lowers_one_step(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")

    downgrade(app, organization_id, "年检不合格", "2027")

    assert level_on(app, organization_id, DECIDED_ON) == 3


def test_downgrade_on_a_failed_inspection_not_on_record_names_the_record(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "基本合格")

    message = refused(app, DowngradeBasisNotOnRecordError, lambda: downgrade(
        app, organization_id, "年检不合格", "2027"))

    assert message == (f"“年检不合格”须有 2027 年度年检结论为不合格的记录；"
                       f"{NAME}的记录为：2027 年度基本合格")


def test_downgrade_on_an_inspection_reference_that_is_no_year_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)

    message = refused(app, DowngradeBasisNotOnRecordError, lambda: downgrade(
        app, organization_id, "年检不合格", "去年"))

    assert message == "“年检不合格”的依据应为年检年度（如 2026），现为 '去年'"


def test_downgrade_on_a_penalty_lowers_one_step(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    penalize(app, organization_id)

    downgrade(app, organization_id, "受到行政处罚", PENALTY)

    grade = app.get_organization(organization_id).current_grade(DECIDED_ON)
    assert grade is not None
    assert (grade.level, grade.downgraded_for) == (3, (f"受到行政处罚：{PENALTY}",))


def test_downgrade_on_a_penalty_not_on_record_names_the_decision(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    penalize(app, organization_id)

    message = refused(app, DowngradeBasisNotOnRecordError, lambda: downgrade(
        app, organization_id, "受到行政处罚", "江民罚〔2028〕9号"))

    assert message == (f"{NAME}名下没有文号为 '江民罚〔2028〕9号' 的行政处罚；"
                       f"请先登记处罚决定")


def test_downgrade_on_an_unknown_basis_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)

    message = refused(app, UnknownDowngradeBasisError, lambda: downgrade(
        app, organization_id, "群众反映", "2027"))

    assert message == ("降级依据 '群众反映' 无效；应为以下之一："
                       "连续两年年检基本合格、年检不合格、受到行政处罚")


def test_downgrade_the_same_fact_twice_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")
    downgrade(app, organization_id, "年检不合格", "2027")

    message = refused(app, DowngradeBasisUsedError, lambda: downgrade(
        app, organization_id, "年检不合格", " 2027 "))

    assert message == f"{NAME}的评估等级已因“年检不合格：2027”降级，同一事实不能重复降级"
    assert level_on(app, organization_id, DECIDED_ON) == 3


def test_downgrade_the_same_year_written_otherwise_is_the_same_fact(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")
    downgrade(app, organization_id, "年检不合格", "2027")

    message = refused(app, DowngradeBasisUsedError, lambda: downgrade(
        app, organization_id, "年检不合格", "２０２７"))

    assert "已因“年检不合格：2027”降级" in message


def test_downgrade_on_two_different_facts_lowers_two_steps(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")
    penalize(app, organization_id)

    downgrade(app, organization_id, "年检不合格", "2027")
    downgrade(app, organization_id, "受到行政处罚", PENALTY)

    assert level_on(app, organization_id, DECIDED_ON) == 2


def test_downgrade_1a_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app, total=550)
    inspect(app, organization_id, 2027, "不合格")

    message = refused(app, LowestGradeError, lambda: downgrade(
        app, organization_id, "年检不合格", "2027"))

    assert message == (f"{NAME}的评估等级已是 1A，不能再降级；情节严重的，应撤销其评估等级")


def test_downgrade_2a_to_1a_then_again_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app, total=650)
    inspect(app, organization_id, 2027, "不合格")
    penalize(app, organization_id)
    downgrade(app, organization_id, "年检不合格", "2027")

    message = refused(app, LowestGradeError, lambda: downgrade(
        app, organization_id, "受到行政处罚", PENALTY))

    assert "的评估等级已是 1A，不能再降级" in message


def test_downgrade_without_a_grade_is_refused(app: GovflowApplication) -> None:
    organization_id = register_service_organization(app)
    inspect(app, organization_id, 2027, "不合格")

    message = refused(app, NoCurrentGradeError, lambda: downgrade(
        app, organization_id, "年检不合格", "2027"))

    assert message == f"{NAME}没有有效的评估等级，无从降级"


def test_downgrade_by_the_organization_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")

    message = refused(app, RoleNotAllowedError, lambda: downgrade(
        app, organization_id, "年检不合格", "2027",
        actor=Actor("hu", Role.ORGANIZATION, str(organization_id))))

    assert message.startswith("角色 organization 不能降低评估等级")


# --- revocation and lapse ----------------------------------------------------------------


def test_revoke_takes_the_grade_away(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)

    revoke(app, organization_id)

    organization = app.get_organization(organization_id)
    assert organization.current_grade(DECIDED_ON) is None
    assert organization.standing_grade() is None
    assert organization.grades[-1].status.value == "已撤销"


def test_revoke_twice_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    revoke(app, organization_id)

    message = refused(app, NoCurrentGradeError, lambda: revoke(app, organization_id))

    assert message == f"{NAME}没有有效的评估等级，无从撤销"


def test_downgrade_a_revoked_grade_is_refused(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)
    inspect(app, organization_id, 2027, "不合格")
    revoke(app, organization_id)

    message = refused(app, NoCurrentGradeError, lambda: downgrade(
        app, organization_id, "年检不合格", "2027"))

    assert message == f"{NAME}没有有效的评估等级，无从降级"


def test_lapse_the_day_after_validity_ends(app: GovflowApplication) -> None:
    organization_id, evaluation_id = graded(app)

    lapse(app, organization_id, evaluation_id, on=date(2032, 1, 1))

    organization = app.get_organization(organization_id)
    assert organization.grades[-1].status.value == "已到期"
    assert organization.standing_grade() is None
    assert organization.current_grade(date(2031, 12, 31)) is None


def test_lapse_before_validity_ends_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluation_id = graded(app)

    message = refused(app, GradeNotExpiredError, lambda: lapse(
        app, organization_id, evaluation_id, on=date(2031, 12, 31)))

    assert message == (f"{NAME}的评估等级 4A 有效期至 2031-12-31，2031-12-31 尚未到期；"
                       f"2032-01-01 起方可作到期处理")


def test_lapse_of_a_revoked_grade_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluation_id = graded(app)
    revoke(app, organization_id)

    message = refused(app, GradeNotStandingError, lambda: lapse(
        app, organization_id, evaluation_id))

    assert message == f"评估 {evaluation_id} 授予{NAME}的等级已撤销，无需到期处理"


def test_lapse_twice_is_refused(app: GovflowApplication) -> None:
    organization_id, evaluation_id = graded(app)
    lapse(app, organization_id, evaluation_id)

    message = refused(app, GradeNotStandingError, lambda: lapse(
        app, organization_id, evaluation_id, on=date(2032, 1, 2)))

    assert message == f"评估 {evaluation_id} 授予{NAME}的等级已到期，无需到期处理"


def test_lapse_of_an_evaluation_that_awarded_nothing_is_refused(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    unknown = uuid4()

    message = refused(app, GradeNotStandingError, lambda: lapse(app, organization_id, unknown))

    assert message == f"评估 {unknown} 授予{NAME}的等级不存在，无需到期处理"


# --- which grade, when -------------------------------------------------------------------


def test_current_grade_starts_on_1_january_after_confirmation(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)
    organization = app.get_organization(organization_id)

    assert organization.current_grade(date(2026, 12, 31)) is None
    standing = organization.standing_grade()
    assert standing is not None and standing.level == 4
    assert level_on(app, organization_id, date(2027, 1, 1)) == 4


def test_current_grade_ends_on_31_december_of_the_fifth_year(
    app: GovflowApplication,
) -> None:
    organization_id, _ = graded(app)

    assert level_on(app, organization_id, date(2031, 12, 31)) == 4
    assert level_on(app, organization_id, date(2032, 1, 1)) is None
    # Until the lapse is recorded the grade still stands (for re-evaluation).
    assert app.get_organization(organization_id).standing_grade() is not None


def test_reevaluation_in_the_expiry_year_is_allowed(app: GovflowApplication) -> None:
    organization_id, _ = graded(app)

    message = refused(app, EvaluationNotDueError, lambda: apply(
        app, organization_id, on=date(2030, 12, 31)))
    evaluate(app, organization_id, service_scores(920), applied_on=date(2031, 1, 1),
             confirmed_on=date(2031, 6, 30))

    assert "有效期届满当年（2031 年）起方可申请重新评估" in message
    organization = app.get_organization(organization_id)
    assert [(g.level, g.valid_from, g.valid_until) for g in organization.grades] == [
        (4, date(2027, 1, 1), date(2031, 12, 31)),
        (5, date(2032, 1, 1), date(2036, 12, 31)),
    ]
    assert level_on(app, organization_id, date(2031, 12, 31)) == 4
    assert level_on(app, organization_id, date(2032, 1, 1)) == 5


def test_reevaluation_after_the_grade_lapsed_is_allowed(app: GovflowApplication) -> None:
    organization_id, evaluation_id = graded(app)
    lapse(app, organization_id, evaluation_id)

    evaluate(app, organization_id, service_scores(720), applied_on=date(2032, 3, 1),
             confirmed_on=date(2032, 9, 1))

    assert level_on(app, organization_id, date(2033, 1, 1)) == 3

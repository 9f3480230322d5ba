"""Quarterly reports (季度报告) and the year-end acceptance review (验收考核), DESIGN.md §3.6."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM_ACTOR, Actor
from domain.application import GovflowApplication
from domain.errors import (
    FieldTooLongError,
    OtherDepartmentError,
    RequiredFieldError,
    RoleNotAllowedError,
    UnknownDepartmentError,
)
from domain.reporting.acceptance import (
    Conclusion,
    TaskScore,
    acceptance_review_id,
    mean_score,
)
from domain.reporting.commands import (
    EscalateQuarterlyReport,
    OpenAcceptanceReview,
    OpenQuarterlyReport,
    SaveReportNarrative,
    ScoreAcceptanceReview,
    SubmitQuarterlyReport,
)
from domain.reporting.errors import (
    AcceptanceAlreadyScoredError,
    AcceptanceReviewNotFoundError,
    AcceptanceScoreError,
    AcceptanceTooEarlyError,
    InvalidQuarterError,
    QuarterlyReportNotFoundError,
    ReportAlreadySubmittedError,
    ReportNotOverdueError,
)
from domain.reporting.periods import Quarter
from domain.reporting.report import ReportStatus, quarterly_report_id
from tests.cases import COMMITTEE, officer, refuses
from tests.seed import CZJ, MZJ, register_departments

Q4 = Quarter(2026, 4)
OPENED_ON = date(2027, 1, 1)
DUE_ON = date(2027, 1, 16)
"""Opened on 1 January with the default 15 days: due on 16 January."""
SCORED_ON = date(2027, 1, 20)


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    register_departments(application, MZJ, CZJ)
    yield application
    application.close()


def open_report(app: GovflowApplication, *, department: str = MZJ, quarter: Quarter = Q4,
                command_id: str = "open", actor: Actor = SYSTEM_ACTOR) -> UUID:
    return app.open_quarterly_report(OpenQuarterlyReport(
        command_id=command_id, actor=actor, department=department, quarter=quarter,
        opened_on=OPENED_ON, due_days=15)).aggregate_id


def save(app: GovflowApplication, report_id: UUID, narrative: str = "本季度完成目录编制",
         *, actor: Actor | None = None, command_id: str = "") -> None:
    app.save_report_narrative(SaveReportNarrative(
        command_id=command_id or f"save-{uuid4()}", actor=actor or officer(),
        report_id=report_id, narrative=narrative))


def submit(app: GovflowApplication, report_id: UUID, narrative: str | None = "按计划推进",
           *, on: date = date(2027, 1, 10), actor: Actor | None = None,
           command_id: str = "") -> None:
    app.submit_quarterly_report(SubmitQuarterlyReport(
        command_id=command_id or f"submit-{uuid4()}", actor=actor or officer(),
        report_id=report_id, submitted_on=on, narrative=narrative))


def escalate(app: GovflowApplication, report_id: UUID, *, on: date = date(2027, 1, 17),
             actor: Actor = SYSTEM_ACTOR, command_id: str = "") -> None:
    app.escalate_quarterly_report(EscalateQuarterlyReport(
        command_id=command_id or f"escalate-{uuid4()}", actor=actor, report_id=report_id,
        escalated_on=on))


# --- quarters ------------------------------------------------------------------------------


def test_quarter_ended_before_new_years_day_is_the_fourth_of_the_year_before() -> None:
    assert Quarter.ended_before(date(2027, 1, 1)) == Quarter(2026, 4)
    assert Quarter.ended_before(date(2026, 12, 31)) == Quarter(2026, 3)
    assert Quarter.ended_before(date(2026, 4, 1)) == Quarter(2026, 1)


def test_quarter_next_and_previous_cross_the_year_end() -> None:
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 2).next().previous() == Quarter(2026, 2)


def test_quarter_days_key_and_label() -> None:
    q4, q1 = Quarter(2026, 4), Quarter(2028, 1)

    assert (q4.first_day, q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert (q1.first_day, q1.last_day) == (date(2028, 1, 1), date(2028, 3, 31))
    assert Quarter(2028, 1).contains(date(2028, 2, 29))
    assert not q4.contains(date(2027, 1, 1))
    assert Quarter.of(date(2026, 9, 30)) == Quarter(2026, 3)
    assert (q4.key, q4.label) == ("2026Q4", "2026年第4季度")
    assert Quarter.parse(" 2026Q4 ") == q4


@pytest.mark.parametrize("key", ["2026Q5", "2026Q0", "2026-4", "26Q4", "2026q4", ""])
def test_quarter_parse_refuses_a_malformed_key(key: str) -> None:
    with pytest.raises(InvalidQuarterError) as caught:
        Quarter.parse(key)

    assert caught.value.field == "quarter"
    assert "应写作 年份Q季度，如 2026Q3" in caught.value.detail


def test_quarter_refuses_a_number_or_year_out_of_range() -> None:
    with pytest.raises(InvalidQuarterError, match="季度应为 1 至 4，收到 5"):
        Quarter(2026, 5)
    with pytest.raises(InvalidQuarterError, match="年度应在 2000 至 2100 之间，收到 1999"):
        Quarter(1999, 4)


# --- opening a report ----------------------------------------------------------------------


def test_open_report_is_due_after_the_due_days(app: GovflowApplication) -> None:
    report_id = open_report(app)

    report = app.get_quarterly_report(report_id)
    assert report_id == quarterly_report_id(MZJ, Q4)
    assert (report.department, report.period, report.opened_on, report.due_on) == (
        MZJ, Q4, OPENED_ON, DUE_ON)
    assert report.status is ReportStatus.OPEN
    assert report.title == f"{MZJ} 2026年第4季度工作报告"
    assert not report.late


def test_open_report_repeated_records_nothing(app: GovflowApplication) -> None:
    open_report(app)
    before = app.recorder.max_notification_id()

    again = app.open_quarterly_report(OpenQuarterlyReport(
        command_id="open", actor=SYSTEM_ACTOR, department=MZJ, quarter=Q4,
        opened_on=OPENED_ON, due_days=15))

    assert again.replayed
    assert app.recorder.max_notification_id() == before


def test_open_report_one_per_department_and_quarter(app: GovflowApplication) -> None:
    ids = {open_report(app, department=MZJ), open_report(app, department=CZJ, command_id="o2"),
           open_report(app, quarter=Quarter(2027, 1), command_id="o3")}

    assert len(ids) == 3


def test_open_report_by_a_department_is_refused(app: GovflowApplication) -> None:
    refuses(app, RoleNotAllowedError, lambda: open_report(app, actor=officer()),
            "角色 department 不能开启季度报告")


def test_open_report_of_an_unregistered_department_is_refused(app: GovflowApplication) -> None:
    refuses(app, UnknownDepartmentError, lambda: open_report(app, department="440700-XYZ"),
            "部门代码 '440700-XYZ' 未登记")


def test_registered_department_codes_in_registration_order(app: GovflowApplication) -> None:
    register_departments(app, "440781-MZJ")

    assert app.registered_department_codes() == [MZJ, CZJ, "440781-MZJ"]


# --- the department's narrative and submission ---------------------------------------------


def test_save_narrative_keeps_the_last_text_trimmed(app: GovflowApplication) -> None:
    report_id = open_report(app)

    save(app, report_id, "初稿")
    save(app, report_id, "  第二稿：完成 12 项目录事项编制  ")

    assert app.get_quarterly_report(report_id).narrative == "第二稿：完成 12 项目录事项编制"


def test_save_narrative_of_another_departments_report_is_refused(
    app: GovflowApplication,
) -> None:
    report_id = open_report(app)

    refuses(app, OtherDepartmentError, lambda: save(app, report_id, actor=officer(CZJ)),
            f"您所在的部门为 {CZJ}，不能填写季度报告：这是 {MZJ} 的2026年第4季度报告")


def test_save_narrative_by_the_committee_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, RoleNotAllowedError, lambda: save(app, report_id, actor=COMMITTEE),
            "角色 committee 不能填写季度报告")


def test_save_empty_narrative_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    error = refuses(app, RequiredFieldError, lambda: save(app, report_id, "   "),
                    "情况说明不能为空；请填写情况说明")
    assert error.field == "narrative"


def test_save_overlong_narrative_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, FieldTooLongError, lambda: save(app, report_id, "字" * 20001),
            "情况说明不能超过 20000 个字符（现为 20001 个）")


def test_submit_with_the_saved_narrative(app: GovflowApplication) -> None:
    report_id = open_report(app)
    save(app, report_id, "已保存的情况说明")

    submit(app, report_id, None, on=DUE_ON)

    report = app.get_quarterly_report(report_id)
    assert (report.status, report.narrative, report.submitted_on) == (
        ReportStatus.SUBMITTED, "已保存的情况说明", DUE_ON)
    assert not report.late


def test_submit_without_any_narrative_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, RequiredFieldError, lambda: submit(app, report_id, None),
            "情况说明不能为空")


def test_submit_of_another_departments_report_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, OtherDepartmentError, lambda: submit(app, report_id, actor=officer(CZJ)),
            f"您所在的部门为 {CZJ}，不能提交季度报告")


def test_submit_twice_is_refused_and_saving_after_is_too(app: GovflowApplication) -> None:
    report_id = open_report(app)
    submit(app, report_id, on=date(2027, 1, 10))

    refuses(app, ReportAlreadySubmittedError, lambda: submit(app, report_id),
            f"{MZJ} 的2026年第4季度报告已于 2027-01-10 提交，不能再提交")
    refuses(app, ReportAlreadySubmittedError, lambda: save(app, report_id),
            "已于 2027-01-10 提交，不能再修改")


def test_submit_repeated_with_its_command_id_records_nothing(app: GovflowApplication) -> None:
    report_id = open_report(app)
    submit(app, report_id, command_id="submit-once")
    before = app.recorder.max_notification_id()

    submit(app, report_id, command_id="submit-once")

    assert app.recorder.max_notification_id() == before


def test_command_on_an_unknown_report_is_refused(app: GovflowApplication) -> None:
    missing = uuid4()

    error = refuses(app, QuarterlyReportNotFoundError, lambda: save(app, missing),
                    f"没有编号为 {missing} 的季度报告")
    assert error.field == "report_id"


# --- escalation ----------------------------------------------------------------------------


def test_escalate_on_the_due_date_is_refused_as_not_overdue(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, ReportNotOverdueError, lambda: escalate(app, report_id, on=DUE_ON),
            "截止日期为 2027-01-16，2027-01-16 尚未逾期")


def test_escalate_the_day_after_the_due_date_makes_the_report_late(
    app: GovflowApplication,
) -> None:
    report_id = open_report(app)

    escalate(app, report_id, on=date(2027, 1, 17))

    report = app.get_quarterly_report(report_id)
    assert (report.escalated_on, report.status, report.late) == (
        date(2027, 1, 17), ReportStatus.OPEN, True)


def test_escalate_twice_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)
    escalate(app, report_id)

    refuses(app, ReportNotOverdueError, lambda: escalate(app, report_id, on=date(2027, 1, 20)),
            "截止日期为 2027-01-16，已提请督办")


def test_escalate_repeated_with_its_command_id_records_nothing(
    app: GovflowApplication,
) -> None:
    report_id = open_report(app)
    escalate(app, report_id, command_id="escalate")
    before = app.recorder.max_notification_id()

    escalate(app, report_id, command_id="escalate")

    assert app.recorder.max_notification_id() == before


def test_escalate_by_a_person_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)

    refuses(app, RoleNotAllowedError, lambda: escalate(app, report_id, actor=COMMITTEE),
            "角色 committee 不能督办季度报告")


def test_escalate_a_submitted_report_is_refused(app: GovflowApplication) -> None:
    report_id = open_report(app)
    submit(app, report_id, on=date(2027, 1, 10))

    refuses(app, ReportAlreadySubmittedError, lambda: escalate(app, report_id),
            "不能再督办")


def test_submit_after_escalation_is_accepted_and_late(app: GovflowApplication) -> None:
    report_id = open_report(app)
    escalate(app, report_id)

    submit(app, report_id, on=date(2027, 1, 25))

    report = app.get_quarterly_report(report_id)
    assert (report.status, report.late) == (ReportStatus.SUBMITTED, True)


# --- the acceptance review -----------------------------------------------------------------


def open_review(app: GovflowApplication, *, year: int = 2026, on: date = OPENED_ON,
                actor: Actor = SYSTEM_ACTOR, command_id: str = "open-review") -> UUID:
    return app.open_acceptance_review(OpenAcceptanceReview(
        command_id=command_id, actor=actor, department=MZJ, year=year,
        opened_on=on)).aggregate_id


def score(app: GovflowApplication, review_id: UUID, *tasks: TaskScore,
          actor: Actor = COMMITTEE, on: date = SCORED_ON, command_id: str = "") -> None:
    app.score_acceptance_review(ScoreAcceptanceReview(
        command_id=command_id or f"score-{uuid4()}", actor=actor, review_id=review_id,
        tasks=tasks, scored_on=on))


def task(name: str = "目录编制", points: int = 85, findings: str = "按期完成") -> TaskScore:
    return TaskScore(task=name, score=points, findings=findings)


def test_open_review_once_the_year_is_over(app: GovflowApplication) -> None:
    review_id = open_review(app)

    review = app.get_acceptance_review(review_id)
    assert review_id == acceptance_review_id(MZJ, 2026)
    assert (review.department, review.year, review.opened_on, review.total) == (
        MZJ, 2026, OPENED_ON, None)


def test_open_review_before_the_year_is_over_is_refused(app: GovflowApplication) -> None:
    refuses(app, AcceptanceTooEarlyError, lambda: open_review(app, on=date(2026, 12, 31)),
            "2026 年度的验收考核须在该年度结束后（2027-01-01 起）进行；今天是 2026-12-31")


def test_open_review_by_a_department_is_refused(app: GovflowApplication) -> None:
    refuses(app, RoleNotAllowedError, lambda: open_review(app, actor=officer()),
            "角色 department 不能开启验收考核")


def test_open_review_repeated_records_nothing(app: GovflowApplication) -> None:
    open_review(app)
    before = app.recorder.max_notification_id()

    open_review(app)

    assert app.recorder.max_notification_id() == before


def test_score_records_tasks_mean_and_conclusion(app: GovflowApplication) -> None:
    review_id = open_review(app)

    score(app, review_id, task(" 目录编制 ", 92, " 目录完整 "), task("职能转移", 87, "转移及时"))

    review = app.get_acceptance_review(review_id)
    assert review.tasks == [TaskScore("目录编制", 92, "目录完整"),
                            TaskScore("职能转移", 87, "转移及时")]
    assert (review.total, review.conclusion, review.scored_on) == (
        90, Conclusion.EXCELLENT, SCORED_ON)


def test_score_twice_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)
    score(app, review_id, task(points=75))

    refuses(app, AcceptanceAlreadyScoredError, lambda: score(app, review_id, task()),
            f"{MZJ} 的 2026 年度验收考核已于 2027-01-20 评分（75 分，合格），不能重复评分")


def test_score_repeated_with_its_command_id_records_nothing(app: GovflowApplication) -> None:
    review_id = open_review(app)
    score(app, review_id, task(), command_id="score-once")
    before = app.recorder.max_notification_id()

    score(app, review_id, task(), command_id="score-once")

    assert app.recorder.max_notification_id() == before


@pytest.mark.parametrize("actor", [officer(), SYSTEM_ACTOR])
def test_score_by_anyone_but_the_committee_is_refused(
    app: GovflowApplication, actor: Actor,
) -> None:
    review_id = open_review(app)

    refuses(app, RoleNotAllowedError, lambda: score(app, review_id, task(), actor=actor),
            "不能进行验收考核评分；可执行此操作的角色：committee")


@pytest.mark.parametrize(("points", "shown"), [(101, "收到 101"), (-1, "收到 -1")])
def test_score_out_of_range_is_refused(app: GovflowApplication, points: int, shown: str
                                       ) -> None:
    review_id = open_review(app)

    error = refuses(app, AcceptanceScoreError,
                    lambda: score(app, review_id, task(), task("职能转移", points)),
                    f"任务「职能转移」的得分应在 0 至 100 之间，{shown}")
    assert error.field == "tasks[1].score"


def test_score_without_tasks_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)

    error = refuses(app, AcceptanceScoreError, lambda: score(app, review_id),
                    "验收考核至少要对一项任务评分")
    assert error.field == "tasks"


def test_score_with_more_than_fifty_tasks_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)
    tasks = [task(f"任务{n}") for n in range(51)]

    refuses(app, AcceptanceScoreError, lambda: score(app, review_id, *tasks),
            "一次验收考核最多 50 项任务（现为 51 项）")


def test_score_the_same_task_twice_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)

    error = refuses(app, AcceptanceScoreError,
                    lambda: score(app, review_id, task("目录编制"), task(" 目录编制")),
                    "任务「目录编制」重复评分；每项任务只评一次")
    assert error.field == "tasks[1].task"


def test_score_with_empty_findings_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)

    error = refuses(app, RequiredFieldError,
                    lambda: score(app, review_id, task("职能转移", findings="  ")),
                    "任务「职能转移」的考核意见不能为空")
    assert error.field == "tasks[0].findings"


def test_score_with_an_unnamed_task_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)

    refuses(app, RequiredFieldError, lambda: score(app, review_id, task(" ")),
            "任务名称不能为空")


def test_score_dated_inside_the_year_is_refused(app: GovflowApplication) -> None:
    review_id = open_review(app)

    refuses(app, AcceptanceTooEarlyError,
            lambda: score(app, review_id, task(), on=date(2026, 12, 30)),
            "今天是 2026-12-30")


def test_score_an_unknown_review_is_refused(app: GovflowApplication) -> None:
    missing = uuid4()

    refuses(app, AcceptanceReviewNotFoundError, lambda: score(app, missing, task()),
            f"没有编号为 {missing} 的验收考核")


@pytest.mark.parametrize(("total", "conclusion"), [
    (100, Conclusion.EXCELLENT), (90, Conclusion.EXCELLENT), (89, Conclusion.GOOD),
    (80, Conclusion.GOOD), (79, Conclusion.PASSED), (60, Conclusion.PASSED),
    (59, Conclusion.FAILED), (0, Conclusion.FAILED),
])
def test_conclusion_thresholds(total: int, conclusion: Conclusion) -> None:
    assert Conclusion.for_score(total) is conclusion


@pytest.mark.parametrize(("scores", "mean"), [
    ([89, 90], 90), ([80, 79], 80), ([59, 60], 60), ([1, 2, 2], 2), ([1, 1, 2], 1),
    ([70], 70), ([0, 0], 0), ([100, 100, 99], 100),
])
def test_mean_score_rounds_half_up(scores: list[int], mean: int) -> None:
    assert mean_score(scores) == mean


def test_score_half_a_point_below_a_threshold_rounds_up_into_it(
    app: GovflowApplication,
) -> None:
    review_id = open_review(app)

    score(app, review_id, task("目录编制", 59), task("职能转移", 60))

    review = app.get_acceptance_review(review_id)
    assert (review.total, review.conclusion) == (60, Conclusion.PASSED)

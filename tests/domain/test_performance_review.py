"""Performance review (绩效评价, DESIGN.md §3.5): scores, ratings, bars and closing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain.actors import SYSTEM_ACTOR
from domain.application import GovflowApplication
from domain.errors import OtherDepartmentError, RequiredFieldError, RoleNotAllowedError
from domain.purchase.commands import (
    ApprovePayment,
    CloseContract,
    OpenReview,
    RecordReview,
    ReportDelivery,
    ReviewDelivery,
)
from domain.purchase.contract import ContractPolicy, ContractStatus
from domain.purchase.errors import ContractStageError, FinalPaymentHeldError, ReviewScoresError
from domain.purchase.review import Rating, ReviewWeights, check_review_scores, rating_for
from domain.transfer.errors import NotEligibleError
from tests.cases import FINANCE, Cases, officer, plans, provider, refuses

REVIEWED_ON = date(2028, 1, 10)
GOOD = {"决策": 18, "过程": 17, "产出": 25, "效益": 25}
POOR = {"决策": 10, "过程": 10, "产出": 15, "效益": 14}


@pytest.fixture
def app() -> Iterator[GovflowApplication]:
    application = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield application
    application.close()


@pytest.fixture
def cases(app: GovflowApplication) -> Cases:
    return Cases(app)


class Performed:
    """A contract of 300,000 元 whose two milestones are accepted and M1 paid, open for
    review; the final 200,000 元 is still to pay."""

    def __init__(self, cases: Cases) -> None:
        self.app = cases.app
        self.item_id = cases.decided_item("购买服务")
        self.organization_id = cases.organization()
        self.contract_id = cases.contract(self.item_id, self.organization_id)
        for milestone_id in ("M1", "M2"):
            self.app.report_delivery(ReportDelivery(
                command_id=f"deliver-{milestone_id}", actor=provider(self.organization_id),
                contract_id=self.contract_id, milestone_id=milestone_id, report="完成",
                delivered_on=date(2027, 12, 20)))
            self.app.review_delivery(ReviewDelivery(
                command_id=f"accept-{milestone_id}", actor=officer(),
                contract_id=self.contract_id, milestone_id=milestone_id, accepted=True,
                findings="合格", reviewed_on=date(2027, 12, 22)))
        self.pay("M1", 10_000_000, "pay-M1")

    def pay(self, milestone_id: str, amount_fen: int, command_id: str) -> None:
        self.app.approve_payment(ApprovePayment(
            command_id=command_id, actor=FINANCE, contract_id=self.contract_id,
            milestone_id=milestone_id, amount_fen=amount_fen, approved_on=date(2028, 1, 11)))

    def open(self) -> None:
        self.app.open_review(OpenReview(command_id="open", actor=SYSTEM_ACTOR,
                                        contract_id=self.contract_id,
                                        opened_on=date(2028, 1, 1)))

    def review(self, scores: dict[str, int], *, command_id: str = "review",
               policy: ContractPolicy | None = None, comment: str = "评价意见") -> None:
        self.app.record_review(RecordReview(
            command_id=command_id, actor=officer(), contract_id=self.contract_id,
            scores=scores, comment=comment, reviewed_on=REVIEWED_ON,
            policy=policy or ContractPolicy()))

    def close(self, command_id: str = "close") -> None:
        self.app.close_contract(CloseContract(command_id=command_id, actor=SYSTEM_ACTOR,
                                              contract_id=self.contract_id,
                                              closed_on=date(2028, 1, 12)))


@pytest.fixture
def performed(cases: Cases) -> Performed:
    return Performed(cases)


# --- ratings and scores -------------------------------------------------------------------


@pytest.mark.parametrize(("total", "rating"), [
    (100, Rating.EXCELLENT), (90, Rating.EXCELLENT), (89, Rating.GOOD), (80, Rating.GOOD),
    (79, Rating.FAIR), (60, Rating.FAIR), (59, Rating.POOR), (0, Rating.POOR)])
def test_rating_boundaries(total: int, rating: Rating) -> None:
    assert rating_for(total) is rating


def test_default_weights_and_their_check() -> None:
    assert ReviewWeights().points() == {"决策": 20, "过程": 20, "产出": 30, "效益": 30}
    assert ReviewWeights(25, 25, 25, 25).points()["效益"] == 25
    with pytest.raises(ValueError, match="add up to 100"):
        ReviewWeights(20, 20, 30, 20)
    with pytest.raises(ValueError, match="positive"):
        ReviewWeights(0, 40, 30, 30)


def test_scores_within_weights_are_accepted() -> None:
    assert check_review_scores({"效益": 30, "产出": 30, "过程": 20, "决策": 20},
                               ReviewWeights()) == {"决策": 20, "过程": 20, "产出": 30, "效益": 30}


def test_scores_name_every_problem() -> None:
    with pytest.raises(ReviewScoresError) as caught:
        check_review_scores({"决策": 21, "过程": -1, "产出": True, "满意度": 5},  # type: ignore[dict-item]
                            ReviewWeights())

    detail = caught.value.detail
    assert detail.startswith("绩效评价按以下指标评分，满分 100 分：决策（20 分）、过程（20 分）、"
                             "产出（30 分）、效益（30 分）；")
    assert "缺少：效益" in detail
    assert "无法识别：满意度" in detail
    assert "决策的得分应在 0 至 20 分之间（现为 21）" in detail
    assert "过程的得分应在 0 至 20 分之间（现为 -1）" in detail
    assert "产出的得分应为整数（现为 True）" in detail
    assert caught.value.field == "scores"


# --- opening and recording ------------------------------------------------------------


def test_review_before_the_term_ends_is_refused(performed: Performed) -> None:
    refuses(performed.app, ContractStageError, lambda: performed.review(GOOD),
            "当前状态为履行中，不能开展绩效评价；开展绩效评价须在以下状态：期满待绩效评价")


def test_open_review_twice_is_refused(performed: Performed) -> None:
    performed.open()

    assert performed.app.get_contract(performed.contract_id).status is ContractStatus.REVIEW_DUE
    refuses(performed.app, ContractStageError, lambda: performed.app.open_review(OpenReview(
        command_id="open-2", actor=SYSTEM_ACTOR, contract_id=performed.contract_id,
        opened_on=date(2028, 1, 2))), "当前状态为期满待绩效评价，不能开始绩效评价")


@pytest.mark.parametrize(("scores", "total", "rating"), [
    ({"决策": 20, "过程": 20, "产出": 25, "效益": 25}, 90, Rating.EXCELLENT),
    ({"决策": 20, "过程": 20, "产出": 25, "效益": 24}, 89, Rating.GOOD),
    ({"决策": 20, "过程": 20, "产出": 20, "效益": 20}, 80, Rating.GOOD),
    ({"决策": 15, "过程": 15, "产出": 15, "效益": 15}, 60, Rating.FAIR),
    ({"决策": 15, "过程": 15, "产出": 15, "效益": 14}, 59, Rating.POOR)])
def test_review_totals_and_rates(performed: Performed, scores: dict[str, int], total: int,
                                 rating: Rating) -> None:
    performed.open()

    performed.review(scores)

    contract = performed.app.get_contract(performed.contract_id)
    assert contract.review_total == total
    assert contract.review_rating is rating
    barred = performed.app.get_organization(performed.organization_id).bars
    assert bool(barred) is (rating is Rating.POOR)


def test_review_with_scores_over_a_weight_is_refused(performed: Performed) -> None:
    performed.open()

    refuses(performed.app, ReviewScoresError,
            lambda: performed.review({"决策": 25, "过程": 20, "产出": 25, "效益": 25}),
            "决策的得分应在 0 至 20 分之间（现为 25）")


def test_review_under_other_weights(performed: Performed) -> None:
    performed.open()
    weights = ReviewWeights(25, 25, 25, 25)

    refuses(performed.app, ReviewScoresError,
            lambda: performed.review({"决策": 26, "过程": 20, "产出": 20, "效益": 20},
                                     policy=ContractPolicy(weights=weights)),
            "决策（25 分）", "决策的得分应在 0 至 25 分之间（现为 26）")
    performed.review({"决策": 25, "过程": 25, "产出": 20, "效益": 20},
                     policy=ContractPolicy(weights=weights))
    assert performed.app.get_contract(performed.contract_id).review_total == 90


def test_review_by_another_department_or_without_comment_is_refused(
        performed: Performed) -> None:
    performed.open()

    refuses(performed.app, OtherDepartmentError, lambda: performed.app.record_review(
        RecordReview(command_id="r", actor=officer("440700-CZJ"),
                     contract_id=performed.contract_id, scores=GOOD, comment="意见",
                     reviewed_on=REVIEWED_ON)), "不能开展绩效评价")
    refuses(performed.app, RoleNotAllowedError, lambda: performed.app.record_review(
        RecordReview(command_id="r", actor=FINANCE, contract_id=performed.contract_id,
                     scores=GOOD, comment="意见", reviewed_on=REVIEWED_ON)),
        "不能开展绩效评价")
    refuses(performed.app, RequiredFieldError, lambda: performed.review(GOOD, comment=" "),
            "评价意见不能为空")


def test_review_twice_is_refused_and_its_repeat_answered(performed: Performed) -> None:
    performed.open()
    performed.review(POOR)
    before = performed.app.recorder.max_notification_id()

    assert performed.app.record_review(RecordReview(
        command_id="review", actor=officer(), contract_id=performed.contract_id, scores=POOR,
        comment="评价意见", reviewed_on=REVIEWED_ON)).replayed is True
    assert performed.app.recorder.max_notification_id() == before
    refuses(performed.app, ContractStageError,
            lambda: performed.review(POOR, command_id="review-2"),
            "已完成绩效评价（49 分，差），不能重复评价")
    assert len(performed.app.get_organization(performed.organization_id).bars) == 1


# --- a poor review bars the provider -----------------------------------------------------


def test_poor_review_bars_the_provider_for_a_year(cases: Cases, performed: Performed) -> None:
    performed.open()

    performed.review(POOR)

    organization = performed.app.get_organization(performed.organization_id)
    [bar] = organization.bars
    assert bar.until == date(2029, 1, 9)
    assert bar.reason == "合同 440700-2027-0001「居家养老服务」49 分，2028-01-10 评价"
    answer = performed.app.organization_eligibility(performed.organization_id,
                                                    on=date(2028, 3, 1))
    assert answer.eligible is False
    assert answer.reasons == [
        "因绩效评价结果较差（合同 440700-2027-0001「居家养老服务」49 分，2028-01-10 评价），"
        "2029-01-09 前（含当日）不得承接"]
    assert performed.app.organization_eligibility(
        performed.organization_id, on=date(2029, 1, 9)).eligible is False
    assert performed.app.organization_eligibility(
        performed.organization_id, on=date(2029, 1, 10)).eligible is True

    item_id = cases.decided_item("购买服务", fiscal_year=2028, catalogue_year=2028)
    refuses(cases.app, NotEligibleError, lambda: cases.contract(
        item_id, performed.organization_id, fiscal_year=2028, term_start=date(2028, 3, 1),
        term_end=date(2028, 12, 31),
        milestones=plans(1_000_000, due=(date(2028, 12, 31),))),
        "不具备承接资格", "2029-01-09 前（含当日）不得承接")


def test_poor_review_bar_years_is_a_setting(performed: Performed) -> None:
    performed.open()

    performed.review(POOR, policy=ContractPolicy(bar_years=2))

    [bar] = performed.app.get_organization(performed.organization_id).bars
    assert bar.until == date(2030, 1, 9)


# --- final payment and closing ----------------------------------------------------------


def test_close_only_when_reviewed_and_fully_paid(performed: Performed) -> None:
    app = performed.app
    refuses(app, ContractStageError, lambda: performed.close("close-0"),
            "合同须完成绩效评价并付清（合同金额 300,000.00 元，已付 100,000.00 元）后方可结束")
    performed.open()
    refuses(app, FinalPaymentHeldError, lambda: performed.pay("M2", 20_000_000, "pay-held"),
            "为合同尾款；尾款须待绩效评价完成后支付")
    refuses(app, ContractStageError, lambda: performed.close("close-1"), "后方可结束")
    performed.review(GOOD)
    refuses(app, ContractStageError, lambda: performed.close("close-2"),
            "合同金额 300,000.00 元，已付 100,000.00 元")

    performed.pay("M2", 20_000_000, "pay-M2")
    performed.close()

    contract = app.get_contract(performed.contract_id)
    assert contract.status is ContractStatus.CLOSED
    assert contract.paid_fen == 30_000_000
    item = app.get_catalogue_item(performed.item_id)
    assert item.undertakings[str(performed.contract_id)].live is False
    assert item.committed_for(2027) == 30_000_000
    assert app.get_organization(performed.organization_id).undertakings == {}
    before = app.recorder.max_notification_id()
    assert app.close_contract(CloseContract(
        command_id="close", actor=SYSTEM_ACTOR, contract_id=performed.contract_id,
        closed_on=date(2028, 1, 12))).replayed is True
    assert app.recorder.max_notification_id() == before
    refuses(app, ContractStageError, lambda: performed.close("close-3"), "后方可结束")

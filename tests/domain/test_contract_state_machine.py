"""A purchase contract under any sequence of commands keeps its money straight.

Deliveries, acceptances, rejections, payments of arbitrary amounts, amendments, the review,
termination and closing, by any actor and in any order.  After every step: payments never
exceed the contract nor any milestone nor what was accepted; the amount stays within 110 %
of the original; the milestones add up to the amount.  A refused command raises a
DomainError and leaves the contract exactly as it was; the events rebuild the same state.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from domain.actors import SYSTEM_ACTOR, Actor
from domain.application import GovflowApplication
from domain.catalogue.item import CatalogueItem
from domain.errors import DomainError
from domain.organizations.eligibility import Eligibility
from domain.organizations.organization import SocialOrganization
from domain.purchase.contract import (
    ContractPolicy,
    ContractStatus,
    MilestonePlan,
    MilestoneStatus,
    PurchaseContract,
)
from tests.cases import FINANCE, Cases, officer, provider

TERM_START = date(2027, 1, 1)
TERM_END = date(2027, 12, 31)
ELIGIBLE = Eligibility(eligible=True)
SCORE_NAMES = ("决策", "过程", "产出", "效益")


@cache
def ground() -> tuple[CatalogueItem, SocialOrganization]:
    """An item decided 购买服务 with a large budget, and an organization (built once)."""
    app = GovflowApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    cases = Cases(app, prefix="machine")
    item_id = cases.decided_item("购买服务", budget_fen=10_000_000_000)
    organization_id = cases.organization(level=None)
    return app.get_catalogue_item(item_id), app.get_organization(organization_id)


def actors(right: str) -> st.SearchStrategy[Actor]:
    """Mostly the actor the command belongs to (``right``), sometimes anyone else."""
    item, organization = ground()
    everyone = {"department": officer(), "other department": officer("440700-CZJ"),
                "provider": provider(organization.id), "other provider": provider(item.id),
                "finance": FINANCE, "system": SYSTEM_ACTOR}
    return st.sampled_from([everyone[right]] * 6 + list(everyone.values()))


days = st.integers(min_value=-30, max_value=400).map(lambda n: TERM_START + timedelta(days=n))
milestone_ids = st.sampled_from(["M1", "M1", "M2", "M2", "M3", "M4", "M5", "M9"])
texts = st.sampled_from(["符合约定", "符合约定", "台账缺失", "  "])


class ContractMachine(RuleBasedStateMachine):
    contract: PurchaseContract

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Any] = []
        self.steps = 0

    @initialize(amounts=st.lists(st.integers(min_value=1, max_value=5_000_000), min_size=1,
                                 max_size=3),
                announce=st.sampled_from([True, True, True, False]))
    def award(self, amounts: list[int], announce: bool) -> None:
        item, organization = ground()
        self.contract = PurchaseContract.award(
            command_id="award", actor=officer(), item=item, provider=organization,
            eligibility=ELIGIBLE, method="公开招标", fiscal_year=2027,
            amount_fen=sum(amounts), term_start=TERM_START, term_end=TERM_END,
            secured_and_stable=False,
            milestones=[MilestonePlan(f"第{n}期", TERM_END - timedelta(days=n), amount)
                        for n, amount in enumerate(amounts)],
            awarded_on=date(2026, 12, 20))
        self.events.extend(self.contract.collect_events())
        if announce:
            self.contract.announce(command_id="announce", actor=SYSTEM_ACTOR,
                                   announced_on=date(2026, 12, 20))
            self.events.extend(self.contract.collect_events())

    def attempt(self, command: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``command``; a refusal must change nothing at all."""
        self.steps += 1
        kwargs["command_id"] = f"c{self.steps}"
        before = copy.deepcopy(self.contract.__dict__)
        try:
            answer = command(*args, **kwargs)
        except DomainError as refusal:
            assert refusal.detail, "a refusal says why"
            assert self.contract.__dict__ == before, f"refused {refusal!r} changed the contract"
            event(f"{command.__name__} refused")
            return None
        event(f"{command.__name__} done")
        self.events.extend(self.contract.collect_events())
        return answer

    # --- commands ------------------------------------------------------------------------

    @rule()
    def announce(self) -> None:
        self.attempt(self.contract.announce, actor=SYSTEM_ACTOR,
                     announced_on=date(2026, 12, 21))

    @rule(actor=actors("provider"), milestone_id=milestone_ids, report=texts, on=days)
    def deliver(self, actor: Actor, milestone_id: str, report: str, on: date) -> None:
        self.attempt(self.contract.report_delivery, actor=actor, milestone_id=milestone_id,
                     report=report, delivered_on=on)

    @rule(milestone_id=milestone_ids, on=days)
    def deliver_and_accept(self, milestone_id: str, on: date) -> None:
        """The happy path, so that payments have something to pay."""
        self.attempt(self.contract.report_delivery, actor=provider(ground()[1].id),
                     milestone_id=milestone_id, report="完成", delivered_on=on)
        self.attempt(self.contract.review_delivery, actor=officer(), milestone_id=milestone_id,
                     accepted=True, findings="合格", reviewed_on=on)

    @rule(actor=actors("department"), milestone_id=milestone_ids, accepted=st.booleans(),
          findings=texts,
          on=days)
    def review_delivery(self, actor: Actor, milestone_id: str, accepted: bool, findings: str,
                        on: date) -> None:
        before = self.contract.milestones.get(milestone_id)
        self.attempt(self.contract.review_delivery, actor=actor, milestone_id=milestone_id,
                     accepted=accepted, findings=findings, reviewed_on=on)
        after = self.contract.milestones.get(milestone_id)
        if before is not None and after is not None and after != before:
            assert before.status is MilestoneStatus.DELIVERED
            assert after.status is (MilestoneStatus.ACCEPTED if accepted
                                    else MilestoneStatus.REJECTED)

    @rule(actor=actors("finance"), milestone_id=milestone_ids,
          amount=st.one_of(st.integers(min_value=-5, max_value=6_000_000),
                           st.sampled_from([0, 1, 10**12])),
          portion=st.sampled_from(["what is left", "half", "what is left + 1", "drawn"]),
          hold=st.booleans())
    def pay(self, actor: Actor, milestone_id: str, amount: int, portion: str,
            hold: bool) -> None:
        milestone = self.contract.milestones.get(milestone_id)
        if milestone is not None and portion != "drawn":
            left = milestone.amount_fen - milestone.paid_fen
            amount = {"what is left": left, "half": left // 2,
                      "what is left + 1": left + 1}[portion]
        paid = self.contract.paid_fen
        self.attempt(self.contract.approve_payment, actor=actor, milestone_id=milestone_id,
                     amount_fen=amount, policy=ContractPolicy(hold_final_payment=hold),
                     approved_on=date(2027, 10, 1))
        if self.contract.paid_fen != paid:
            assert self.contract.paid_fen == paid + amount
            if hold and self.contract.paid_fen == self.contract.amount_fen:
                assert self.contract.review_rating is not None

    @rule(actor=actors("department"), added=st.integers(min_value=-5, max_value=2_000_000),
          matching=st.booleans(), due=days, term_end=st.one_of(st.none(), days),
          remaining=st.integers(min_value=0, max_value=3_000_000))
    def amend(self, actor: Actor, added: int, matching: bool, due: date,
              term_end: date | None, remaining: int) -> None:
        plan = MilestonePlan("补充服务", due, added if matching else added + 1)
        self.attempt(self.contract.amend, actor=actor, reason="增加服务", added_fen=added,
                     added_milestone=plan if added or not matching else None,
                     term_end=term_end, remaining_budget_fen=remaining,
                     amended_on=date(2027, 6, 1))

    @rule(actor=actors("system"), milestone_id=milestone_ids)
    def mark_overdue(self, actor: Actor, milestone_id: str) -> None:
        self.attempt(self.contract.mark_overdue, actor=actor, milestone_id=milestone_id)

    @precondition(lambda self: self.steps > 12)
    @rule()
    def open_review(self) -> None:
        self.attempt(self.contract.open_review, actor=SYSTEM_ACTOR, opened_on=date(2028, 1, 1))

    @rule(actor=actors("department"),
          scores=st.lists(st.integers(min_value=-1, max_value=31), min_size=4, max_size=4))
    def record_review(self, actor: Actor, scores: list[int]) -> None:
        self.attempt(self.contract.record_review, actor=actor,
                     scores=dict(zip(SCORE_NAMES, scores, strict=True)), comment="评价",
                     policy=ContractPolicy(), reviewed_on=date(2028, 1, 10))

    @precondition(lambda self: self.steps > 30)
    @rule(actor=actors("department"), really=st.integers(min_value=0, max_value=4))
    def terminate(self, actor: Actor, really: int) -> None:
        if really:
            return
        self.attempt(self.contract.terminate, actor=actor, reason="违约",
                     terminated_on=date(2027, 11, 1))

    @rule()
    def close(self) -> None:
        self.attempt(self.contract.close, actor=SYSTEM_ACTOR, closed_on=date(2028, 2, 1))

    @rule(actor=actors("department"), note=texts)
    def grade_change_and_confirmation(self, actor: Actor, note: str) -> None:
        self.attempt(self.contract.note_grade_change, actor=SYSTEM_ACTOR, change="4A→3A",
                     reason="降级", on=date(2027, 5, 1))
        self.attempt(self.contract.confirm_provider, actor=actor, note=note,
                     confirmed_on=date(2027, 5, 2))

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def money_adds_up(self) -> None:
        contract = self.contract
        milestones = contract.milestones.values()
        assert sum(m.paid_fen for m in milestones) == contract.paid_fen
        assert contract.paid_fen <= contract.amount_fen
        for milestone in milestones:
            assert 0 <= milestone.paid_fen <= milestone.amount_fen
            if milestone.paid_fen:
                assert milestone.status is MilestoneStatus.ACCEPTED
        assert contract.paid_fen <= contract.accepted_fen
        assert contract.amount_fen * 100 <= contract.original_amount_fen * 110
        assert sum(m.amount_fen for m in milestones) == contract.amount_fen
        assert all(TERM_START <= m.due_on <= contract.term_end for m in milestones)

    @invariant()
    def closed_means_reviewed_and_paid(self) -> None:
        if self.contract.status is ContractStatus.CLOSED:
            assert self.contract.review_rating is not None
            assert self.contract.paid_fen == self.contract.amount_fen

    def teardown(self) -> None:
        if not hasattr(self, "contract"):
            return
        rebuilt: Any = None
        for recorded in self.events:
            rebuilt = recorded.mutate(rebuilt)
        assert rebuilt is not None
        for name in ("status", "milestones", "paid_fen", "amount_fen", "term_end",
                     "review_total", "review_rating", "provider_review_pending", "version",
                     "applied_commands"):
            assert getattr(rebuilt, name) == getattr(self.contract, name), name


ContractMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestContractMachine = ContractMachine.TestCase

"""Cases ready for the transfer and purchase stages, built through the domain services.

``Cases(app)`` drives the catalogue pipeline to a decision and runs a grade evaluation
to a confirmed grade, with deterministic command ids (``<prefix>:<n>``), so that tests
of the domain, the workflows, the views and the API start from the same ground.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.agency.agency import ConsultingAgency
from domain.application import GovflowApplication
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    DecideCatalogueItem,
    DraftCatalogueItem,
    GiveOpinion,
    PublishCatalogueItem,
    ReferCatalogueItem,
)
from domain.errors import DomainError
from domain.grading.commands import (
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    RegisterEvaluator,
    ScoreEvaluation,
)
from domain.grading.scoring import DIMENSIONS
from domain.organizations.commands import (
    DeclareCompliance,
    RaiseCreditFlag,
    RegisterOrganization,
    VerifyCompliance,
)
from domain.organizations.credit_code import OrganizationCategory
from domain.organizations.records import ComplianceItem
from domain.purchase.commands import AnnounceContract, AwardContract
from domain.purchase.contract import MilestonePlan
from tests.domain.conftest import item_fields
from tests.seed import MZJ, register_departments

COMMITTEE = Actor(user="zhou.min", role=Role.COMMITTEE)
FINANCE = Actor(user="qian.li", role=Role.FINANCE)
FISCAL_YEAR = 2027
GRADE_CONFIRMED_ON = date(2025, 11, 20)
"""Grades confirmed then are in force from 2026-01-01 to 2030-12-31."""

# Valid credit codes (GB 32100-2015) of Jiangmen civil-affairs registrations.
CENTRE_CODE = "52440703MJL000016J"
"""蓬江区长者服务中心, 民办非企业单位, 社会服务类."""
ASSOCIATION_CODE = "51440700MJL1000170"
"""江门市养老服务协会, 社会团体, 行业协会商会."""
VOLUNTEERS_CODE = "51440781MJL3000335"
"""台山市义工联合会, 社会团体, 公益慈善类."""


def officer(department: str = MZJ) -> Actor:
    return Actor(user="li.wei", role=Role.DEPARTMENT, scope=department)


def provider(organization_id: UUID) -> Actor:
    return Actor(user="hu.provider", role=Role.ORGANIZATION, scope=str(organization_id))


TError = TypeVar("TError", bound=DomainError)

TERM_START = date(2027, 1, 1)
TERM_END = date(2027, 12, 31)
AWARDED_ON = date(2026, 12, 20)


def plans(*amounts_fen: int, due: tuple[date, ...] = ()) -> tuple[MilestonePlan, ...]:
    """Milestones 第1期… of ``amounts_fen``, due at the end of each quarter of 2027 (the last
    on 2027-12-31) unless ``due`` says otherwise."""
    quarters = (date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30), TERM_END)
    dues = due or quarters[-len(amounts_fen):]
    assert len(dues) == len(amounts_fen), "give the due dates of more than four milestones"
    return tuple(MilestonePlan(f"第{n}期服务", dues[n - 1], amount)
                 for n, amount in enumerate(amounts_fen, start=1))


def refuses(app: GovflowApplication, error: type[TError], command: Callable[[], Any],
            *fragments: str) -> TError:
    """``command`` is refused with ``error`` whose detail holds every fragment, and the log
    does not move."""
    before = app.recorder.max_notification_id()
    with pytest.raises(error) as caught:
        command()
    assert app.recorder.max_notification_id() == before, "a refused command recorded events"
    for fragment in fragments:
        assert fragment in caught.value.detail, caught.value.detail
    return caught.value


def scores_for(category: OrganizationCategory, level: int) -> dict[str, int]:
    """Scores whose total earns ``level`` (1A–5A) under the default cut-offs."""
    target = {5: 950, 4: 850, 3: 750, 2: 650, 1: 500}[level]
    dimensions = DIMENSIONS[category]
    scores: dict[str, int] = {}
    left = target
    for dimension in dimensions:
        share = min(dimension.max_points, left)
        scores[dimension.name] = share
        left -= share
    return scores


@dataclass
class Cases:
    """Builds cases in ``app`` (whose departments it registers)."""

    app: GovflowApplication
    prefix: str = "case"
    _count: int = field(default=0, init=False)
    _agency: Actor | None = field(default=None, init=False)
    _evaluator: UUID | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        register_departments(self.app, MZJ, "440700-CZJ", "440703-MZJ")

    @property
    def expert_id(self) -> str:
        """The agency's expert (unique per prefix: views key experts by id)."""
        return f"{self.prefix}:expert-1"

    def command_id(self) -> str:
        self._count += 1
        return f"{self.prefix}:{self._count}"

    # --- the catalogue stage ----------------------------------------------------------

    def decided_item(self, mode: str = "购买服务", *, department: str = MZJ,
                     budget_fen: int = 50_000_000, fiscal_year: int = FISCAL_YEAR,
                     **fields: object) -> UUID:
        """An item through publicity and opinion, with a budget, decided ``mode``."""
        app, who = self.app, officer(department)
        item_id = app.draft_catalogue_item(DraftCatalogueItem(
            command_id=self.command_id(), actor=who, department=department,
            fields=item_fields(**fields))).aggregate_id
        app.publish_catalogue_item(PublishCatalogueItem(
            command_id=self.command_id(), actor=who, item_id=item_id,
            published_at=datetime(2026, 11, 2, 2, tzinfo=UTC),
            publicity_starts_on=date(2026, 11, 3), publicity_ends_on=date(2026, 11, 9)))
        app.close_catalogue_item_publicity(ClosePublicity(
            command_id=self.command_id(), actor=SYSTEM_ACTOR, item_id=item_id))
        agency = self.agency()
        assert agency.scope is not None
        app.refer_catalogue_item(ReferCatalogueItem(
            command_id=self.command_id(), actor=who, item_id=item_id,
            agency_id=UUID(agency.scope), referred_at=datetime(2026, 11, 10, 2, tzinfo=UTC),
            due_on=date(2026, 11, 25), remind_on=date(2026, 11, 22)))
        app.give_catalogue_item_opinion(GiveOpinion(
            command_id=self.command_id(), actor=agency, item_id=item_id, recommendation=mode,
            reasons="社会组织具备承接能力", expert_ids=(self.expert_id,), organizations=(),
            given_at=datetime(2026, 11, 20, 2, tzinfo=UTC)))
        if budget_fen:
            app.allocate_catalogue_item_budget(AllocateBudget(
                command_id=self.command_id(), actor=FINANCE, item_id=item_id,
                fiscal_year=fiscal_year, amount_fen=budget_fen))
        app.decide_catalogue_item(DecideCatalogueItem(
            command_id=self.command_id(), actor=who, item_id=item_id, mode=mode))
        return item_id

    def agency(self) -> Actor:
        if self._agency is None:
            agency = ConsultingAgency.establish(
                command_id=self.command_id(), actor=COMMITTEE, name="江门市政府职能转移咨询委员会",
                mandate="对目录事项的转移、购买提出咨询意见")
            agency.appoint_expert(command_id=self.command_id(), actor=COMMITTEE,
                                  expert_id=self.expert_id, name="陈明", affiliations=[])
            self.app.save(agency)
            self._agency = Actor(user="agency.officer", role=Role.AGENCY, scope=str(agency.id))
        return self._agency

    # --- organizations with grades ------------------------------------------------------

    def organization(self, code: str = CENTRE_CODE, *, name: str = "蓬江区长者服务中心",
                     category: str = "民办非企业单位", kind: str = "社会服务类",
                     level: int | None = 4,
                     confirmed_on: date = GRADE_CONFIRMED_ON) -> UUID:
        """A registered organization (2018), graded ``level`` on ``confirmed_on`` (None: no
        grade)."""
        region = code[2:8]
        organization_id = self.app.register_organization(RegisterOrganization(
            command_id=self.command_id(), actor=COMMITTEE, credit_code=code, name=name,
            category=category, kind=kind, industry="养老服务", region_code=region,
            registered_on=date(2018, 6, 1), full_time_staff=8)).aggregate_id
        if level is not None:
            self.grade(organization_id, level, confirmed_on=confirmed_on)
        return organization_id

    def grade(self, organization_id: UUID, level: int, *, confirmed_on: date) -> UUID:
        """Run an evaluation of ``organization_id`` to a confirmed ``level``."""
        app = self.app
        evaluator = self.evaluator()
        evaluation_id = app.apply_for_evaluation(ApplyForEvaluation(
            command_id=self.command_id(), actor=COMMITTEE, organization_id=organization_id,
            applied_on=confirmed_on)).aggregate_id
        app.assign_evaluator(AssignEvaluator(
            command_id=self.command_id(), actor=COMMITTEE, evaluation_id=evaluation_id,
            evaluator_id=evaluator))
        category = app.get_organization(organization_id).category
        app.score_evaluation(ScoreEvaluation(
            command_id=self.command_id(),
            actor=Actor(user="wu", role=Role.EVALUATOR, scope=str(evaluator)),
            evaluation_id=evaluation_id, scores=scores_for(category, level),
            publicity_starts_on=confirmed_on, publicity_ends_on=confirmed_on))
        app.close_evaluation_publicity(CloseEvaluationPublicity(
            command_id=self.command_id(), actor=SYSTEM_ACTOR, evaluation_id=evaluation_id))
        app.confirm_grade(ConfirmGrade(
            command_id=self.command_id(), actor=COMMITTEE, evaluation_id=evaluation_id,
            confirmed_on=confirmed_on))
        return evaluation_id

    def evaluator(self) -> UUID:
        if self._evaluator is None:
            self._evaluator = self.app.register_evaluator(RegisterEvaluator(
                command_id=self.command_id(), actor=COMMITTEE, name="江门市社会组织评估服务中心",
                contact="0750-3200000")).aggregate_id
        return self._evaluator

    # --- helpers for the transfer and purchase stages ------------------------------------

    def association(self, *, level: int | None = 4, verified: bool = False) -> UUID:
        """江门市养老服务协会 (行业协会商会), graded ``level``; 五自四无 verified if asked."""
        organization_id = self.organization(ASSOCIATION_CODE, name="江门市养老服务协会",
                                            category="社会团体", kind="行业协会商会",
                                            level=level)
        if verified:
            self.verify_association(organization_id)
        return organization_id

    def verify_association(self, organization_id: UUID,
                           on: date = date(2026, 10, 9)) -> None:
        """An industry association declares 五自四无 fully and the committee verifies it."""
        self.app.declare_compliance(DeclareCompliance(
            command_id=self.command_id(), actor=COMMITTEE, organization_id=organization_id,
            declarations={item.value: True for item in ComplianceItem}, declared_on=on))
        self.app.verify_compliance(VerifyCompliance(
            command_id=self.command_id(), actor=COMMITTEE, organization_id=organization_id,
            verified_on=on))

    def flag_dishonest(self, organization_id: UUID, on: date = date(2026, 10, 1),
                       reason: str = "拒不履行法院判决") -> None:
        """列入失信名单."""
        self.app.raise_credit_flag(RaiseCreditFlag(
            command_id=self.command_id(), actor=COMMITTEE, organization_id=organization_id,
            flag="失信名单", reason=reason, raised_on=on))

    def contract(self, item_id: UUID, organization_id: UUID, *,
                 milestones: tuple[MilestonePlan, ...] | None = None,
                 fiscal_year: int = FISCAL_YEAR, term_start: date = TERM_START,
                 term_end: date = TERM_END, announce: bool = True,
                 department: str = MZJ) -> UUID:
        """A contract awarded (公开招标, amount the milestones' sum: 100,000 + 200,000 元 by
        default) on ``AWARDED_ON`` and, unless told otherwise, announced."""
        chosen = milestones or plans(10_000_000, 20_000_000)
        contract_id = self.app.award_contract(AwardContract(
            command_id=self.command_id(), actor=officer(department), item_id=item_id,
            organization_id=organization_id, method="公开招标", fiscal_year=fiscal_year,
            amount_fen=sum(m.amount_fen for m in chosen), term_start=term_start,
            term_end=term_end, milestones=chosen, awarded_on=AWARDED_ON)).aggregate_id
        if announce:
            self.app.announce_contract(AnnounceContract(
                command_id=self.command_id(), actor=SYSTEM_ACTOR, contract_id=contract_id,
                announced_on=AWARDED_ON))
        return contract_id

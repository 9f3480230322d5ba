"""Cases ready for the transfer and purchase stages, built through the domain services.

``Cases(app)`` drives the catalogue pipeline to a decision and runs a grade evaluation
to a confirmed grade, with deterministic command ids (``<prefix>:<n>``), so that tests
of the domain, the workflows, the views and the API start from the same ground.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

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
from domain.grading.commands import (
    ApplyForEvaluation,
    AssignEvaluator,
    CloseEvaluationPublicity,
    ConfirmGrade,
    RegisterEvaluator,
    ScoreEvaluation,
)
from domain.grading.scoring import DIMENSIONS
from domain.organizations.commands import RegisterOrganization
from domain.organizations.credit_code import OrganizationCategory
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
            reasons="社会组织具备承接能力", expert_ids=("expert-1",), organizations=(),
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
                                  expert_id="expert-1", name="陈明", affiliations=[])
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

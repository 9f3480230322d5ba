"""The catalogue service (建立目录): the application's commands on catalogue items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from domain.actors import Actor
from domain.agency.agency import ConsultingAgency
from domain.agency.service import agency_not_found
from domain.aggregate import aggregate_id_for
from domain.catalogue.classification import MOF_102_LEVEL1, Classification
from domain.catalogue.commands import (
    AllocateBudget,
    ClosePublicity,
    CommandResult,
    DecideCatalogueItem,
    DraftCatalogueItem,
    ExtendReferral,
    GiveOpinion,
    ItemFields,
    PublishCatalogueItem,
    RecordExistingItem,
    ReferCatalogueItem,
    ReferralStep,
    ReviewRetention,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import CatalogueItem, DayBasis
from domain.catalogue.numbering import CatalogueNumbering, retry_numbering
from domain.departments import DepartmentDirectory, require_department
from domain.errors import CatalogueItemNotFoundError
from domain.services import ServiceBase


@dataclass(frozen=True)
class CataloguePolicy:
    """Catalogue settings that differ by city (DESIGN.md §3.1)."""

    level1_classes: tuple[str, ...] = MOF_102_LEVEL1


class CatalogueService(ServiceBase):
    """建立目录: drafting, revising, publishing and withdrawing catalogue items."""

    departments: DepartmentDirectory
    catalogue_policy: CataloguePolicy

    # --- catalogue items -------------------------------------------------------

    def draft_catalogue_item(self, cmd: DraftCatalogueItem) -> CommandResult:
        """起草目录事项: create a draft item with the next code of its region and year."""
        return self._new_item(cmd)

    def record_existing_catalogue_item(self, cmd: RecordExistingItem) -> CommandResult:
        """登记既有目录事项: an item published and decided before govflow (the department)."""
        return self._new_item(cmd, then=lambda item: item.record_existing_decision(
            command_id=cmd.command_id, actor=cmd.actor, published_on=cmd.published_on,
            publicity_ends_on=cmd.publicity_ends_on, mode=cmd.mode, document=cmd.document,
            recorded_on=cmd.recorded_on, budget_fen=cmd.budget_fen))

    def _new_item(self, cmd: DraftCatalogueItem | RecordExistingItem,
                  then: Callable[[CatalogueItem], None] | None = None) -> CommandResult:
        """A new item with the next code of its region and year, drafted and then, for an
        existing one, taken through what happened to it."""
        item_id = aggregate_id_for(cmd.command_id)
        existing = self._get_or_none(CatalogueItem, item_id)
        if existing is not None:
            return self._replayed(existing, cmd.command_id)
        department = require_department(self.departments, cmd.department)
        year = cmd.fields.catalogue_year
        actor = cmd.actor.as_dict()

        def attempt() -> CommandResult:
            numbering = CatalogueNumbering.resume(
                self._get_or_none(CatalogueNumbering,
                                  CatalogueNumbering.create_id(department.region_code, year)),
                command_id=cmd.command_id, actor=actor, region_code=department.region_code,
                year=year,
            )
            code = numbering.next_code()
            item = draft_from_fields(
                cmd.fields, code=code, command_id=cmd.command_id, actor=cmd.actor,
                department=department.code, level1_set=self.catalogue_policy.level1_classes,
            )
            if then is not None:
                then(item)
            numbering.issue(command_id=cmd.command_id, actor=actor, code=code)
            return self._result(item, self.save(item, numbering))

        def committed() -> CommandResult | None:
            # The same command committed concurrently (a retried activity).
            item = self._get_or_none(CatalogueItem, item_id)
            return None if item is None else self._replayed(item, cmd.command_id)

        return retry_numbering(attempt, committed=committed)

    def revise_catalogue_item(self, cmd: ReviseCatalogueItem) -> CommandResult:
        """修改目录事项: a draft in place, a published item as a new version (重新公示)."""
        f = cmd.fields
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.revise(
                command_id=cmd.command_id, actor=cmd.actor, name=f.name,
                description=f.description, catalogue_year=f.catalogue_year,
                classification=_classification(f), nature=f.nature,
                provincial_listed=f.provincial_listed, negative_list=f.negative_list,
                level1_set=self.catalogue_policy.level1_classes,
                published_at=cmd.published_at, publicity_starts_on=cmd.publicity_starts_on,
                publicity_ends_on=cmd.publicity_ends_on,
            ),
        )

    def publish_catalogue_item(self, cmd: PublishCatalogueItem) -> CommandResult:
        """发布目录事项 and open its publicity period (公示)."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.publish(
                command_id=cmd.command_id, actor=cmd.actor, published_at=cmd.published_at,
                publicity_starts_on=cmd.publicity_starts_on,
                publicity_ends_on=cmd.publicity_ends_on,
            ),
        )

    def close_catalogue_item_publicity(self, cmd: ClosePublicity) -> CommandResult:
        """公示期满: the publicity period is over."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.close_publicity(command_id=cmd.command_id, actor=cmd.actor),
        )

    def withdraw_catalogue_item(self, cmd: WithdrawCatalogueItem) -> CommandResult:
        """撤回目录事项."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.withdraw(
                command_id=cmd.command_id, actor=cmd.actor, reason=cmd.reason
            ),
        )

    def allocate_catalogue_item_budget(self, cmd: AllocateBudget) -> CommandResult:
        """安排预算: finance allocates the item's budget for a fiscal year (in fen)."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.allocate_budget(
                command_id=cmd.command_id, actor=cmd.actor, fiscal_year=cmd.fiscal_year,
                amount_fen=cmd.amount_fen,
            ),
        )

    def refer_catalogue_item(self, cmd: ReferCatalogueItem) -> CommandResult:
        """提交咨询: refer a published item to an active consulting agency."""

        def refer(item: CatalogueItem) -> None:
            item.facts.check_refer(cmd.actor)
            agency = self._active_agency(cmd.agency_id)
            item.refer(
                command_id=cmd.command_id, actor=cmd.actor, agency_id=str(agency.id),
                agency_name=agency.name, referred_at=cmd.referred_at, due_on=cmd.due_on,
                remind_on=cmd.remind_on, day_basis=DayBasis(cmd.day_basis),
            )

        return self._item_command(cmd.item_id, cmd.command_id, refer)

    def remind_catalogue_item_referral(self, cmd: ReferralStep) -> CommandResult:
        """系统提醒: 80 % of the opinion deadline has passed."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.remind_referral(command_id=cmd.command_id, actor=cmd.actor),
        )

    def escalate_catalogue_item_referral(self, cmd: ReferralStep) -> CommandResult:
        """逾期上报: the opinion deadline passed; the committee is told."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.escalate_referral(command_id=cmd.command_id, actor=cmd.actor),
        )

    def extend_catalogue_item_referral(self, cmd: ExtendReferral) -> CommandResult:
        """延长咨询期限 (the committee)."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.extend_referral(
                command_id=cmd.command_id, actor=cmd.actor, due_on=cmd.due_on,
                remind_on=cmd.remind_on, reason=cmd.reason,
            ),
        )

    def give_catalogue_item_opinion(self, cmd: GiveOpinion) -> CommandResult:
        """出具咨询意见: signed by experts of the agency, none affiliated (回避)."""

        def give(item: CatalogueItem) -> None:
            item.facts.check_opinion(cmd.actor)
            assert item.referral is not None
            agency = self._active_agency(UUID(item.referral.agency_id))
            agency.check_signatories(list(cmd.expert_ids), list(cmd.organizations))
            item.give_opinion(
                command_id=cmd.command_id, actor=cmd.actor, recommendation=cmd.recommendation,
                reasons=cmd.reasons,
                experts=[(e, agency.require_expert(e).name) for e in cmd.expert_ids],
                organizations=list(cmd.organizations), given_at=cmd.given_at,
            )

        return self._item_command(cmd.item_id, cmd.command_id, give)

    def decide_catalogue_item(self, cmd: DecideCatalogueItem) -> CommandResult:
        """作出决定: transfer, authorize, entrust, purchase or retain."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.decide(
                command_id=cmd.command_id, actor=cmd.actor, mode=cmd.mode, reason=cmd.reason,
                justification=cmd.justification,
            ),
        )

    def review_catalogue_item_retention(self, cmd: ReviewRetention) -> CommandResult:
        """保留审批 (the committee): approve, or send back to the decision."""
        return self._item_command(
            cmd.item_id, cmd.command_id,
            lambda item: item.review_retention(
                command_id=cmd.command_id, actor=cmd.actor, approved=cmd.approved,
                comment=cmd.comment,
            ),
        )

    def _active_agency(self, agency_id: UUID) -> ConsultingAgency:
        agency = self._require(ConsultingAgency, agency_id, lambda: agency_not_found(agency_id))
        agency.check_active()
        return agency

    def get_catalogue_item(self, item_id: UUID) -> CatalogueItem:
        return self._require(CatalogueItem, item_id, lambda: _item_not_found(item_id))

    def _item_command(
        self, item_id: UUID, command_id: str, decide: Callable[[CatalogueItem], None]
    ) -> CommandResult:
        return self._command(CatalogueItem, item_id, command_id, decide,
                             lambda: _item_not_found(item_id))


def _item_not_found(item_id: UUID) -> CatalogueItemNotFoundError:
    return CatalogueItemNotFoundError(f"目录事项 {item_id} 不存在", field="item_id")


def _classification(fields: ItemFields) -> Classification:
    return Classification(fields.level1, fields.level2, fields.level3)


def draft_from_fields(
    fields: ItemFields, *, code: str, command_id: str, actor: Actor, department: str,
    level1_set: tuple[str, ...],
) -> CatalogueItem:
    """A new draft item with the fields a department wrote (drafting and importing alike)."""
    return CatalogueItem.draft(
        code=code, command_id=command_id, actor=actor, department=department,
        name=fields.name, description=fields.description,
        catalogue_year=fields.catalogue_year, classification=_classification(fields),
        nature=fields.nature, provincial_listed=fields.provincial_listed,
        negative_list=fields.negative_list, level1_set=level1_set,
    )

"""The third-party evaluator (第三方评估机构), registered by the committee."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.text import required_text

COMMITTEE_ROLES = frozenset({Role.COMMITTEE})
NAME_MAX = 100
CONTACT_MAX = 100


class ThirdPartyEvaluator(GovAggregate):
    """An independent institution that runs grade evaluations; it may not evaluate an
    organization it is affiliated with (关联关系)."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        return aggregate_id_for(command_id)

    @classmethod
    def register(cls, *, command_id: str, actor: Actor, name: str,
                 contact: str) -> ThirdPartyEvaluator:
        """登记第三方评估机构."""
        cls.check_role(actor, COMMITTEE_ROLES, action="登记第三方评估机构")
        return cls(
            command_id=command_id, actor=cls.actor_record(actor),
            name=required_text(name, field="name", label="评估机构名称", max_length=NAME_MAX),
            contact=required_text(contact, field="contact", label="联系方式",
                                  max_length=CONTACT_MAX),
        )

    @event("Registered")
    def __init__(self, *, command_id: str, actor: dict[str, Any], name: str,
                 contact: str) -> None:
        self._created_by(command_id)
        self.name = name
        self.contact = contact
        self.affiliations: frozenset[str] = frozenset()

    def declare_affiliations(self, *, command_id: str, actor: Actor,
                             organization_ids: list[str]) -> None:
        """申报关联关系: the organizations it is affiliated with (replaces the last list).
        The service checks that each is registered."""
        self.check_role(actor, COMMITTEE_ROLES, action="登记评估机构的关联关系")
        self._affiliations_declared(command_id=command_id, actor=self.actor_record(actor),
                                    organization_ids=sorted(set(organization_ids)))

    @event("AffiliationsDeclared")
    def _affiliations_declared(self, *, command_id: str, actor: dict[str, Any],
                               organization_ids: list[str]) -> None:
        self._applied(command_id)
        self.affiliations = frozenset(organization_ids)

    def is_affiliated_with(self, organization_id: UUID) -> bool:
        return str(organization_id) in self.affiliations

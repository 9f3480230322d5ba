"""The consulting agency aggregate (咨询服务机构) and its experts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.errors import (
    AgencyNotActiveError,
    ExpertAffiliatedError,
    ExpertAlreadyAppointedError,
    ExpertNotInAgencyError,
    FieldTooLongError,
    OtherAgencyError,
    RequiredFieldError,
)
from domain.text import required_text

COMMITTEE_ROLES = frozenset({Role.COMMITTEE})
DECLARING_ROLES = frozenset({Role.COMMITTEE, Role.AGENCY})
NAME_MAX = 100
MANDATE_MAX = 2000
EXPERT_NAME_MAX = 50
REASON_MAX = 500
ORGANIZATION_MAX = 100


@dataclass(frozen=True)
class Expert:
    """An appointed expert (专家) and the social organizations they are affiliated with."""

    expert_id: str
    name: str
    affiliations: frozenset[str]
    active: bool = True


def named_organizations(values: list[str] | tuple[str, ...], *, field: str) -> list[str]:
    """Social organizations as named (name or credit code): trimmed, each once, blanks dropped."""
    named = sorted({v.strip() for v in values if v.strip()})
    for name in named:
        if len(name) > ORGANIZATION_MAX:
            raise FieldTooLongError(
                f"社会组织名称「{name[:20]}…」超过 {ORGANIZATION_MAX} 个字符", field=field
            )
    return named


class ConsultingAgency(GovAggregate):
    """A consulting agency (咨询服务机构) established by the committee."""

    @staticmethod
    def create_id(command_id: str) -> UUID:
        """The id follows from the establishing command, so a retried command finds it."""
        return aggregate_id_for(command_id)

    @classmethod
    def establish(cls, *, command_id: str, actor: Actor, name: str,
                  mandate: str) -> ConsultingAgency:
        cls.check_role(actor, COMMITTEE_ROLES, action="设立咨询服务机构")
        return cls(
            command_id=command_id, actor=cls.actor_record(actor),
            name=required_text(name, field="name", label="咨询服务机构名称", max_length=NAME_MAX),
            mandate=required_text(mandate, field="mandate", label="咨询服务机构职责",
                                  max_length=MANDATE_MAX),
        )

    @event("Established")
    def __init__(self, *, command_id: str, actor: dict[str, Any], name: str,
                 mandate: str) -> None:
        self._created_by(command_id)
        self.name = name
        self.mandate = mandate
        self.experts: dict[str, Expert] = {}
        self.active = True

    # --- experts -----------------------------------------------------------------

    def appoint_expert(self, *, command_id: str, actor: Actor, expert_id: str, name: str,
                       affiliations: list[str] | tuple[str, ...]) -> None:
        """聘任专家, with the affiliations they declare on appointment."""
        self.check_role(actor, COMMITTEE_ROLES, action="聘任专家")
        self.check_active()
        if expert_id in self.experts:
            raise ExpertAlreadyAppointedError(
                f"专家 {expert_id} 已是咨询服务机构「{self.name}」的专家", field="expert_id"
            )
        self._expert_appointed(
            command_id=command_id, actor=self.actor_record(actor), expert_id=expert_id,
            name=required_text(name, field="name", label="专家姓名", max_length=EXPERT_NAME_MAX),
            affiliations=named_organizations(affiliations, field="affiliations"),
        )

    @event("ExpertAppointed")
    def _expert_appointed(self, *, command_id: str, actor: dict[str, Any], expert_id: str,
                          name: str, affiliations: list[str]) -> None:
        self._applied(command_id)
        self.experts[expert_id] = Expert(expert_id, name, frozenset(affiliations))

    def declare_affiliations(self, *, command_id: str, actor: Actor, expert_id: str,
                             affiliations: list[str] | tuple[str, ...]) -> None:
        """申报关联关系: the declaration replaces the previous one (an empty list: none)."""
        self.check_role(actor, DECLARING_ROLES, action="申报专家关联关系")
        self.check_agency_scope(actor)
        self.check_active()
        self.require_expert(expert_id)
        self._affiliations_declared(
            command_id=command_id, actor=self.actor_record(actor), expert_id=expert_id,
            affiliations=named_organizations(affiliations, field="affiliations"),
        )

    @event("AffiliationsDeclared")
    def _affiliations_declared(self, *, command_id: str, actor: dict[str, Any], expert_id: str,
                               affiliations: list[str]) -> None:
        self._applied(command_id)
        expert = self.experts[expert_id]
        self.experts[expert_id] = Expert(expert.expert_id, expert.name, frozenset(affiliations),
                                         expert.active)

    def remove_expert(self, *, command_id: str, actor: Actor, expert_id: str,
                      reason: str) -> None:
        """解聘专家, giving the reason."""
        self.check_role(actor, COMMITTEE_ROLES, action="解聘专家")
        self.check_active()
        self.require_expert(expert_id)
        self._expert_removed(
            command_id=command_id, actor=self.actor_record(actor), expert_id=expert_id,
            reason=required_text(reason, field="reason", label="解聘理由", max_length=REASON_MAX),
        )

    @event("ExpertRemoved")
    def _expert_removed(self, *, command_id: str, actor: dict[str, Any], expert_id: str,
                        reason: str) -> None:
        self._applied(command_id)
        expert = self.experts[expert_id]
        self.experts[expert_id] = Expert(expert.expert_id, expert.name, expert.affiliations,
                                         active=False)

    # --- guards --------------------------------------------------------------------

    def check_active(self) -> None:
        if not self.active:
            raise AgencyNotActiveError(f"咨询服务机构「{self.name}」已撤销")

    def check_agency_scope(self, actor: Actor) -> None:
        """An agency acts only on its own experts."""
        if actor.role is Role.AGENCY and actor.scope != str(self.id):
            raise OtherAgencyError(
                f"您所在的咨询服务机构为 {actor.scope}，不能为咨询服务机构「{self.name}」"
                f"（{self.id}）的专家申报关联关系"
            )

    def require_expert(self, expert_id: str, *, field: str = "expert_id") -> Expert:
        expert = self.experts.get(expert_id)
        if expert is None or not expert.active:
            raise ExpertNotInAgencyError(
                f"专家 {expert_id} 不是咨询服务机构「{self.name}」的在聘专家", field=field
            )
        return expert

    def check_signatories(self, expert_ids: list[str], organizations: list[str]) -> None:
        """Every signing expert is an active expert of this agency, affiliated with none
        of the organizations the opinion names (回避)."""
        if not expert_ids:
            raise RequiredFieldError("咨询意见须至少有一名专家签署", field="experts")
        named = set(named_organizations(organizations, field="organizations"))
        for expert_id in expert_ids:
            expert = self.require_expert(expert_id, field="experts")
            conflicts = sorted(expert.affiliations & named)
            if conflicts:
                raise ExpertAffiliatedError(
                    f"专家{expert.name}（{expert_id}）与意见所涉社会组织"
                    f"{'、'.join(conflicts)}存在关联关系，应当回避，不能签署本意见",
                    field="experts",
                )

"""The consulting agency aggregate (咨询服务机构) and its experts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import event

from domain.actors import Actor, Role
from domain.aggregate import GovAggregate
from domain.errors import (
    AgencyNotActiveError,
    ExpertAffiliatedError,
    ExpertNotInAgencyError,
    RequiredFieldError,
)

COMMITTEE_ROLES = frozenset({Role.COMMITTEE})


@dataclass(frozen=True)
class Expert:
    """An appointed expert (专家) and the social organizations they are affiliated with."""

    expert_id: str
    name: str
    affiliations: frozenset[str]
    active: bool = True


def _clean(values: list[str]) -> list[str]:
    return sorted({v.strip() for v in values if v.strip()})


class ConsultingAgency(GovAggregate):
    """A consulting agency (咨询服务机构) established by the committee."""

    @classmethod
    def establish(cls, *, command_id: str, actor: Actor, name: str,
                  mandate: str) -> ConsultingAgency:
        cls.check_role(actor, COMMITTEE_ROLES, action="设立咨询服务机构")
        if not name.strip():
            raise RequiredFieldError("咨询服务机构名称不能为空", field="name")
        if not mandate.strip():
            raise RequiredFieldError("请填写咨询服务机构的职责（mandate）", field="mandate")
        return cls(command_id=command_id, actor=cls.actor_record(actor), name=name.strip(),
                   mandate=mandate.strip())

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
                       affiliations: list[str]) -> None:
        self.check_role(actor, COMMITTEE_ROLES, action="聘任专家")
        self.check_active()
        if not name.strip():
            raise RequiredFieldError("专家姓名不能为空", field="name")
        self._expert_appointed(command_id=command_id, actor=self.actor_record(actor),
                               expert_id=expert_id, name=name.strip(),
                               affiliations=_clean(affiliations))

    @event("ExpertAppointed")
    def _expert_appointed(self, *, command_id: str, actor: dict[str, Any], expert_id: str,
                          name: str, affiliations: list[str]) -> None:
        self._applied(command_id)
        self.experts[expert_id] = Expert(expert_id, name, frozenset(affiliations))

    def declare_affiliations(self, *, command_id: str, actor: Actor, expert_id: str,
                             affiliations: list[str]) -> None:
        """An expert's declaration of affiliations replaces the previous one."""
        self.check_role(actor, frozenset({Role.COMMITTEE, Role.AGENCY}), action="申报专家关联关系")
        self.require_expert(expert_id)
        self._affiliations_declared(command_id=command_id, actor=self.actor_record(actor),
                                    expert_id=expert_id, affiliations=_clean(affiliations))

    @event("AffiliationsDeclared")
    def _affiliations_declared(self, *, command_id: str, actor: dict[str, Any], expert_id: str,
                               affiliations: list[str]) -> None:
        self._applied(command_id)
        expert = self.experts[expert_id]
        self.experts[expert_id] = Expert(expert.expert_id, expert.name, frozenset(affiliations),
                                         expert.active)

    def remove_expert(self, *, command_id: str, actor: Actor, expert_id: str,
                      reason: str) -> None:
        self.check_role(actor, COMMITTEE_ROLES, action="解聘专家")
        self.require_expert(expert_id)
        if not reason.strip():
            raise RequiredFieldError("解聘专家须说明理由", field="reason")
        self._expert_removed(command_id=command_id, actor=self.actor_record(actor),
                             expert_id=expert_id, reason=reason.strip())

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

    def require_expert(self, expert_id: str) -> Expert:
        expert = self.experts.get(expert_id)
        if expert is None or not expert.active:
            raise ExpertNotInAgencyError(
                f"专家 {expert_id} 不是咨询服务机构「{self.name}」的在聘专家", field="experts"
            )
        return expert

    def check_signatories(self, expert_ids: list[str], organizations: list[str]) -> None:
        """Every signing expert is an active expert of this agency, affiliated with none
        of the organizations the opinion names (回避)."""
        if not expert_ids:
            raise RequiredFieldError("咨询意见须至少有一名专家签署", field="experts")
        named = set(_clean(organizations))
        for expert_id in expert_ids:
            expert = self.require_expert(expert_id)
            conflicts = sorted(expert.affiliations & named)
            if conflicts:
                raise ExpertAffiliatedError(
                    f"专家{expert.name}（{expert_id}）与意见所涉社会组织"
                    f"{'、'.join(conflicts)}存在关联关系，应当回避，不能签署本意见",
                    field="experts",
                )

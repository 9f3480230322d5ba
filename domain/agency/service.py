"""The agency service (设立咨询服务机构): the committee establishes agencies and appoints,
and removes, their experts; experts declare their affiliations."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.agency.agency import ConsultingAgency
from domain.agency.commands import (
    AppointExpert,
    DeclareAffiliations,
    EstablishAgency,
    RemoveExpert,
    expert_id_for,
)
from domain.aggregate import aggregate_id_for
from domain.catalogue.commands import CommandResult
from domain.errors import AgencyNotFoundError
from domain.services import ServiceBase


class AgencyService(ServiceBase):
    """咨询服务机构及其专家."""

    def establish_agency(self, cmd: EstablishAgency) -> CommandResult:
        """设立咨询服务机构."""
        return self._create(
            ConsultingAgency, aggregate_id_for(cmd.command_id), cmd.command_id,
            lambda: ConsultingAgency.establish(
                command_id=cmd.command_id, actor=cmd.actor, name=cmd.name, mandate=cmd.mandate
            ),
        )

    def appoint_expert(self, cmd: AppointExpert) -> CommandResult:
        """聘任专家; the expert's id is :func:`expert_id_for` the command id."""
        return self._agency_command(
            cmd.agency_id, cmd.command_id,
            lambda agency: agency.appoint_expert(
                command_id=cmd.command_id, actor=cmd.actor,
                expert_id=expert_id_for(cmd.command_id), name=cmd.name,
                affiliations=cmd.affiliations,
            ),
        )

    def declare_affiliations(self, cmd: DeclareAffiliations) -> CommandResult:
        """申报关联关系."""
        return self._agency_command(
            cmd.agency_id, cmd.command_id,
            lambda agency: agency.declare_affiliations(
                command_id=cmd.command_id, actor=cmd.actor, expert_id=cmd.expert_id,
                affiliations=cmd.affiliations,
            ),
        )

    def remove_expert(self, cmd: RemoveExpert) -> CommandResult:
        """解聘专家."""
        return self._agency_command(
            cmd.agency_id, cmd.command_id,
            lambda agency: agency.remove_expert(
                command_id=cmd.command_id, actor=cmd.actor, expert_id=cmd.expert_id,
                reason=cmd.reason,
            ),
        )

    def get_agency(self, agency_id: UUID) -> ConsultingAgency:
        """The agency as recorded (for the opinion step: who may sign)."""
        return self._require(ConsultingAgency, agency_id, lambda: agency_not_found(agency_id))

    def _agency_command(
        self, agency_id: UUID, command_id: str, decide: Callable[[ConsultingAgency], None]
    ) -> CommandResult:
        return self._command(ConsultingAgency, agency_id, command_id, decide,
                             lambda: agency_not_found(agency_id))


def agency_not_found(agency_id: UUID) -> AgencyNotFoundError:
    return AgencyNotFoundError(f"咨询服务机构 {agency_id} 不存在", field="agency_id")

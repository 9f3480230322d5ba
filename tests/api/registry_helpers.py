"""Short-hands of the /departments and /agencies tests."""

from __future__ import annotations

from dataclasses import dataclass

from domain.actors import Actor, Role
from domain.agency.commands import AppointExpert, EstablishAgency, expert_id_for
from domain.application import GovflowApplication

ELDERLY = "江门市养老服务协会"
SOCIAL_WORK = "蓬江区社会工作服务中心"
COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)


@dataclass(frozen=True)
class SeededAgency:
    """An agency the committee established, with one expert."""

    id: str
    expert_id: str


def seed_agency(application: GovflowApplication, name: str = "江门市政府职能转移咨询委员会"
                ) -> SeededAgency:
    """Establish an agency and appoint 陈明 (affiliated with 江门市养老服务协会) to it."""
    agency_id = application.establish_agency(EstablishAgency(
        command_id=f"seed:agency:{name}", actor=COMMITTEE, name=name,
        mandate="对目录事项的转移、委托、授权和购买服务提出咨询意见",
    )).aggregate_id
    command_id = f"seed:expert:{name}"
    application.appoint_expert(AppointExpert(
        command_id=command_id, actor=COMMITTEE, agency_id=agency_id, name="陈明",
        affiliations=(ELDERLY,),
    ))
    return SeededAgency(id=str(agency_id), expert_id=expert_id_for(command_id))

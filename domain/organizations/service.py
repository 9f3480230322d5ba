"""The social-organization service: the committee registers and supervises social
organizations (社会组织登记与监管); organizations declare 五自四无 and their board."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.catalogue.commands import CommandResult
from domain.organizations.commands import (
    ClearCreditFlag,
    DeclareCompliance,
    ElectBoardMember,
    FileComplaint,
    RaiseCreditFlag,
    RecordAnnualInspection,
    RecordPenalty,
    RegisterOrganization,
    ResolveComplaint,
    VerifyCompliance,
    complaint_id_for,
)
from domain.organizations.errors import (
    OrganizationAlreadyRegisteredError,
    OrganizationNotFoundError,
)
from domain.organizations.organization import SocialOrganization
from domain.services import ServiceBase


class OrganizationService(ServiceBase):
    """社会组织: registration, 五自四无, board, inspections, penalties, credit, complaints."""

    def register_organization(self, cmd: RegisterOrganization) -> CommandResult:
        """登记社会组织; a credit code is registered once (the id follows from it)."""
        return self._create(
            SocialOrganization, SocialOrganization.create_id(cmd.credit_code), cmd.command_id,
            lambda: SocialOrganization.register(
                command_id=cmd.command_id, actor=cmd.actor, credit_code=cmd.credit_code,
                name=cmd.name, category=cmd.category, kind=cmd.kind, industry=cmd.industry,
                region_code=cmd.region_code, registered_on=cmd.registered_on,
                full_time_staff=cmd.full_time_staff,
            ),
            taken=_already_registered,
        )

    def declare_compliance(self, cmd: DeclareCompliance) -> CommandResult:
        """申报“五自四无”."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.declare_compliance(
                command_id=cmd.command_id, actor=cmd.actor, declarations=cmd.declarations,
                declared_on=cmd.declared_on,
            ),
        )

    def verify_compliance(self, cmd: VerifyCompliance) -> CommandResult:
        """核验“五自四无”."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.verify_compliance(command_id=cmd.command_id, actor=cmd.actor,
                                          verified_on=cmd.verified_on),
        )

    def elect_board_member(self, cmd: ElectBoardMember) -> CommandResult:
        """理事会成员当选."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.elect_board_member(
                command_id=cmd.command_id, actor=cmd.actor, person_id=cmd.person_id,
                name=cmd.name, position=cmd.position, public_office=cmd.public_office,
                retired_on=cmd.retired_on, elected_on=cmd.elected_on,
            ),
        )

    def record_annual_inspection(self, cmd: RecordAnnualInspection) -> CommandResult:
        """登记年检结论."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.record_annual_inspection(
                command_id=cmd.command_id, actor=cmd.actor, year=cmd.year, result=cmd.result,
                inspected_on=cmd.inspected_on,
            ),
        )

    def record_penalty(self, cmd: RecordPenalty) -> CommandResult:
        """登记行政处罚."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.record_penalty(
                command_id=cmd.command_id, actor=cmd.actor,
                decision_number=cmd.decision_number, authority=cmd.authority,
                decided_on=cmd.decided_on, description=cmd.description,
            ),
        )

    def raise_credit_flag(self, cmd: RaiseCreditFlag) -> CommandResult:
        """列入失信名单或异常名录."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.raise_credit_flag(command_id=cmd.command_id, actor=cmd.actor,
                                          flag=cmd.flag, reason=cmd.reason,
                                          raised_on=cmd.raised_on),
        )

    def clear_credit_flag(self, cmd: ClearCreditFlag) -> CommandResult:
        """移出失信名单或异常名录."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.clear_credit_flag(command_id=cmd.command_id, actor=cmd.actor,
                                          flag=cmd.flag, reason=cmd.reason,
                                          cleared_on=cmd.cleared_on),
        )

    def file_complaint(self, cmd: FileComplaint) -> CommandResult:
        """投诉; the complaint's id is :func:`complaint_id_for` the command id."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.file_complaint(
                command_id=cmd.command_id, actor=cmd.actor,
                complaint_id=complaint_id_for(cmd.command_id),
                complainant_name=cmd.complainant_name,
                complainant_contact=cmd.complainant_contact, content=cmd.content,
                filed_on=cmd.filed_on,
            ),
        )

    def resolve_complaint(self, cmd: ResolveComplaint) -> CommandResult:
        """办结投诉."""
        return self._organization_command(
            cmd.organization_id, cmd.command_id,
            lambda o: o.resolve_complaint(command_id=cmd.command_id, actor=cmd.actor,
                                          complaint_id=cmd.complaint_id, outcome=cmd.outcome,
                                          resolved_on=cmd.resolved_on),
        )

    def get_organization(self, organization_id: UUID) -> SocialOrganization:
        """The organization as recorded."""
        return self._require(SocialOrganization, organization_id,
                             lambda: organization_not_found(organization_id))

    def _organization_command(
        self, organization_id: UUID, command_id: str,
        decide: Callable[[SocialOrganization], None],
    ) -> CommandResult:
        return self._command(SocialOrganization, organization_id, command_id, decide,
                             lambda: organization_not_found(organization_id))


def organization_not_found(organization_id: UUID) -> OrganizationNotFoundError:
    return OrganizationNotFoundError(
        f"找不到社会组织 {organization_id}；请使用市社工委已登记的社会组织", field="organization_id"
    )


def _already_registered(organization: SocialOrganization) -> OrganizationAlreadyRegisteredError:
    return OrganizationAlreadyRegisteredError(
        f"统一社会信用代码 {organization.credit_code} 已登记为「{organization.name}」，"
        f"不能重复登记",
        field="credit_code",
    )

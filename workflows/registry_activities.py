"""Registry and agency activities: thin adapters from Temporal to the application.

Synchronous, like eventsourcing: the worker runs them on a thread pool.  A retry is
safe because the application answers a repeated command id with the first result and
records nothing; a refusal is final (non-retryable).
"""

from __future__ import annotations

from temporalio import activity

from domain.agency.commands import AppointExpert, DeclareAffiliations, EstablishAgency, RemoveExpert
from domain.application import GovflowApplication
from domain.catalogue.commands import CommandResult
from domain.registry.commands import RegisterDepartment
from workflows.failures import refusals_as_failures


class RegistryActivities:
    """登记部门、设立咨询服务机构、聘任与解聘专家的活动 — built once per worker."""

    def __init__(self, application: GovflowApplication) -> None:
        self._application = application

    @activity.defn
    def register_department(self, command: RegisterDepartment) -> CommandResult:
        with refusals_as_failures():
            return self._application.register_department(command)

    @activity.defn
    def establish_agency(self, command: EstablishAgency) -> CommandResult:
        with refusals_as_failures():
            return self._application.establish_agency(command)

    @activity.defn
    def appoint_expert(self, command: AppointExpert) -> CommandResult:
        with refusals_as_failures():
            return self._application.appoint_expert(command)

    @activity.defn
    def declare_affiliations(self, command: DeclareAffiliations) -> CommandResult:
        with refusals_as_failures():
            return self._application.declare_affiliations(command)

    @activity.defn
    def remove_expert(self, command: RemoveExpert) -> CommandResult:
        with refusals_as_failures():
            return self._application.remove_expert(command)

"""The departments and agencies views (the committee's registers), on SQLite and PostgreSQL.

What they show, how they page, that runners keep them up to date, and that the history
view names their events in Chinese.  Exactly once and rebuilds: test_exactly_once.py.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from eventsourcing.projection import Projection

from domain.actors import Actor, Role
from domain.agency.commands import (
    AppointExpert,
    DeclareAffiliations,
    EstablishAgency,
    RemoveExpert,
    expert_id_for,
)
from domain.registry.commands import RegisterDepartment
from domain.registry.departments import RegisteredDepartment
from projections.agencies import AgenciesProjection
from projections.departments import DepartmentsProjection
from projections.history import HistoryProjection
from projections.paging import InvalidCursorError
from projections.register_rows import DepartmentFilter
from tests.projections.conftest import CZJ, MZJ, Store

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)
ELDERLY = "江门市养老服务协会"
SOCIAL_WORK = "蓬江区社会工作服务中心"


def register(store: Store, code: str, name: str) -> int:
    return store.app.register_department(RegisterDepartment(
        command_id=f"register:{code}", actor=COMMITTEE, code=code, name=name,
    )).notification_id


def establish(store: Store, name: str) -> UUID:
    return store.app.establish_agency(EstablishAgency(
        command_id=f"establish:{name}", actor=COMMITTEE, name=name, mandate="提出咨询意见",
    )).aggregate_id


def appoint(store: Store, agency_id: UUID, name: str, *affiliations: str) -> str:
    command_id = f"appoint:{agency_id}:{name}"
    store.app.appoint_expert(AppointExpert(command_id=command_id, actor=COMMITTEE,
                                           agency_id=agency_id, name=name,
                                           affiliations=affiliations))
    return expert_id_for(command_id)


def write_registers(store: Store) -> tuple[UUID, UUID, str, str]:
    """Two more departments; two agencies, one of whose experts declares anew and one is
    removed.  Returns the agencies' ids and the two experts' ids."""
    register(store, "440781-MZJ", "台山市民政局")
    register(store, "440703-RSJ", "蓬江区人力资源和社会保障局")
    first = establish(store, "江门市政府职能转移咨询委员会")
    chen = appoint(store, first, "陈明", ELDERLY)
    lin = appoint(store, first, "林芳")
    second = establish(store, "台山市购买服务咨询委员会")
    appoint(store, second, "黄伟", SOCIAL_WORK)
    store.app.declare_affiliations(DeclareAffiliations(
        command_id="declare:chen", actor=Actor("sec", Role.AGENCY, str(first)),
        agency_id=first, expert_id=chen, affiliations=(SOCIAL_WORK, ELDERLY),
    ))
    store.app.remove_expert(RemoveExpert(command_id="remove:lin", actor=COMMITTEE,
                                         agency_id=first, expert_id=lin, reason="任期届满"))
    store.draft(name="居家养老服务")  # another aggregate's events only move the position
    return first, second, chen, lin


def projected(store: Store, projection_class: type[Projection[Any]]) -> Projection[Any]:
    projection = projection_class(view=store.view(projection_class))
    write_registers(store)
    store.apply_all(projection)
    return projection


# --- departments ---------------------------------------------------------------------


def test_registered_department_shows_region_pilot_and_registration_time(store: Store) -> None:
    view = store.view(DepartmentsProjection)
    position = register(store, "440781-MZJ", "台山市民政局")
    store.apply_all(DepartmentsProjection(view=view))

    row = view.get_department("440781-MZJ")

    assert row is not None
    assert (row.name, row.region_code, row.region_name, row.pilot) == (
        "台山市民政局", "440781", "台山市", True)
    assert row.id == RegisteredDepartment.create_id("440781-MZJ")
    assert row.registered_at.tzinfo is not None
    assert (row.version, row.last_notification_id) == (1, position)
    assert view.get_department("440700-MZJ").pilot is False  # type: ignore[union-attr]
    assert view.get_department("440799-XXJ") is None


def test_list_departments_filters_by_pilot_and_region_in_code_order(store: Store) -> None:
    projection = projected(store, DepartmentsProjection)
    view = projection.view

    everyone = view.list_departments(DepartmentFilter(), cursor=None, limit=50)
    pilots = view.list_departments(DepartmentFilter(pilot=True), cursor=None, limit=50)
    city = view.list_departments(DepartmentFilter(region_code="440700", pilot=False),
                                 cursor=None, limit=50)

    assert [d.code for d in everyone.data] == [CZJ, MZJ, "440703-RSJ", "440781-MZJ"]
    assert [d.code for d in pilots.data] == ["440703-RSJ", "440781-MZJ"]
    assert [d.code for d in city.data] == [CZJ, MZJ]
    assert everyone.next_cursor is None


def test_list_departments_pages_by_cursor_and_refuses_a_bad_one(store: Store) -> None:
    view = projected(store, DepartmentsProjection).view

    first = view.list_departments(DepartmentFilter(), cursor=None, limit=3)
    rest = view.list_departments(DepartmentFilter(), cursor=first.next_cursor, limit=3)

    assert [d.code for d in first.data] == [CZJ, MZJ, "440703-RSJ"]
    assert [d.code for d in rest.data] == ["440781-MZJ"] and rest.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.list_departments(DepartmentFilter(), cursor="!!", limit=3)


# --- agencies ------------------------------------------------------------------------


def test_agency_shows_experts_in_appointment_order_with_affiliations_and_removals(
    store: Store,
) -> None:
    view = store.view(AgenciesProjection)
    first, _, chen, lin = write_registers(store)
    store.apply_all(AgenciesProjection(view=view))

    detail = view.get_agency(first)

    assert detail is not None
    assert (detail.agency.name, detail.agency.mandate, detail.agency.active) == (
        "江门市政府职能转移咨询委员会", "提出咨询意见", True)
    assert detail.agency.version == 5  # established, two appointed, declared, removed
    assert [(e.expert_id, e.name, e.affiliations, e.active) for e in detail.experts] == [
        (chen, "陈明", sorted([ELDERLY, SOCIAL_WORK]), True),
        (lin, "林芳", [], False),
    ]
    removed = detail.experts[1]
    assert removed.removal_reason == "任期届满" and removed.removed_at is not None
    assert detail.agency.last_notification_id > removed.position
    store.apply_all(AgenciesProjection(view=view))  # every event again: changes nothing
    assert view.get_agency(first) == detail


def test_list_agencies_in_establishment_order_pages_by_cursor(store: Store) -> None:
    view = projected(store, AgenciesProjection).view

    first = view.list_agencies(cursor=None, limit=1)
    second = view.list_agencies(cursor=first.next_cursor, limit=1)

    assert [a.agency.name for a in first.data] == ["江门市政府职能转移咨询委员会"]
    assert [a.agency.name for a in second.data] == ["台山市购买服务咨询委员会"]
    assert [[e.name for e in a.experts] for a in first.data + second.data] == [
        ["陈明", "林芳"], ["黄伟"]]
    assert second.next_cursor is None
    with pytest.raises(InvalidCursorError):
        view.list_agencies(cursor="bm90LWEtbnVtYmVy", limit=1)  # "not-a-number"


# --- exactly once, rebuild, runners, history --------------------------------------------


def test_runners_follow_registrations_into_both_views(store: Store) -> None:
    departments = store.view(DepartmentsProjection)
    agencies = store.view(AgenciesProjection)
    with store.running():
        registered = register(store, "440705-MZJ", "新会区民政局")
        agency_id = establish(store, "江门市政府职能转移咨询委员会")
        appoint(store, agency_id, "陈明", ELDERLY)
        last = store.app.recorder.max_notification_id() or 0
        assert departments.caught_up(registered, timeout=10)
        assert agencies.caught_up(last, timeout=10)

    assert departments.get_department("440705-MZJ").name == "新会区民政局"  # type: ignore[union-attr]
    assert [e.name for e in agencies.get_agency(agency_id).experts] == ["陈明"]  # type: ignore[union-attr]


def test_history_of_agency_and_department_is_labelled_in_chinese(store: Store) -> None:
    view = store.view(HistoryProjection)
    first, _, chen, _ = write_registers(store)
    store.apply_all(HistoryProjection(view=view))

    agency = view.history(first)
    department = view.history(RegisteredDepartment.create_id("440781-MZJ"))

    assert [e.event_label for e in agency] == [
        "设立咨询服务机构", "聘任专家", "聘任专家", "申报关联关系", "解聘专家"]
    assert agency[3].actor_role == "agency"
    assert agency[3].details == {"expert_id": chen, "affiliations": sorted([ELDERLY, SOCIAL_WORK])}
    assert [(e.event_label, e.actor_role) for e in department] == [("登记部门", "committee")]
    assert department[0].details["region_name"] == "台山市"

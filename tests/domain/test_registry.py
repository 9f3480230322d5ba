"""The committee's registry of departments (登记部门): each rule's refusal records nothing."""

from __future__ import annotations

import pytest

from domain.actors import Actor, Role
from domain.application import GovflowApplication
from domain.catalogue.commands import DraftCatalogueItem
from domain.errors import (
    DepartmentAlreadyRegisteredError,
    DomainError,
    FieldTooLongError,
    InvalidDepartmentCodeError,
    RequiredFieldError,
    RoleNotAllowedError,
)
from domain.registry.commands import RegisterDepartment
from domain.registry.departments import RegisteredDepartment
from tests.domain.conftest import item_fields

COMMITTEE = Actor(user="zhou.committee", role=Role.COMMITTEE)


def position(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def register(app: GovflowApplication, code: str = "440705-MZJ", name: str = "新会区民政局",
             command_id: str = "register-1", actor: Actor = COMMITTEE) -> RegisteredDepartment:
    app.register_department(
        RegisterDepartment(command_id=command_id, actor=actor, code=code, name=name)
    )
    department = app.registered_department(code)
    assert department is not None
    return department


def test_register_department_in_pilot_district_is_marked_pilot(app: GovflowApplication) -> None:
    department = register(app, code="440781-RSJ", name=" 台山市人力资源和社会保障局 ")

    assert department.name == "台山市人力资源和社会保障局"
    assert (department.region_code, department.region_name) == ("440781", "台山市")
    assert department.pilot is True


def test_register_department_of_city_is_not_pilot(app: GovflowApplication) -> None:
    department = register(app, code="440700-TYJ", name="江门市文化广电旅游体育局")

    assert (department.region_code, department.region_name, department.pilot) == (
        "440700", "江门市", False,
    )
    assert department.id == RegisteredDepartment.create_id("440700-TYJ")


def test_register_department_then_draft_for_it_uses_its_region_numbering(
    app: GovflowApplication,
) -> None:
    register(app, code="440705-MZJ", name="新会区民政局")
    officer = Actor(user="huang", role=Role.DEPARTMENT, scope="440705-MZJ")

    drafted = app.draft_catalogue_item(DraftCatalogueItem(
        command_id="draft-1", actor=officer, department="440705-MZJ", fields=item_fields()
    ))

    assert drafted.code == "440705-2027-0001"


def test_register_department_same_command_twice_returns_first_result_records_nothing(
    app: GovflowApplication,
) -> None:
    command = RegisterDepartment(command_id="same", actor=COMMITTEE, code="440705-MZJ",
                                 name="新会区民政局")
    first = app.register_department(command)
    before = position(app)

    again = app.register_department(command)

    assert (again.aggregate_id, again.version, again.code) == (
        first.aggregate_id, first.version, "440705-MZJ"
    )
    assert again.replayed is True
    assert position(app) == before


def test_register_department_code_registered_twice_is_refused_records_nothing(
    app: GovflowApplication,
) -> None:
    register(app, code="440705-MZJ", name="新会区民政局", command_id="first")
    before = position(app)

    with pytest.raises(DepartmentAlreadyRegisteredError) as refused:
        register(app, code="440705-MZJ", name="新会区民政事务局", command_id="second")

    assert refused.value.detail == "部门代码 440705-MZJ 已登记为「新会区民政局」，不能重复登记"
    assert refused.value.field == "code"
    assert position(app) == before
    assert app.departments.get("440705-MZJ") is not None
    assert app.registered_department("440705-MZJ").name == "新会区民政局"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "name", "actor", "error", "field", "message"),
    [
        ("440705-mzj", "新会区民政局", COMMITTEE, InvalidDepartmentCodeError, "code",
         "部门代码 '440705-mzj' 格式不正确；应为“6位行政区划代码-单位简称（大写字母或数字）”，"
         "例如 440700-MZJ"),
        ("440705MZJ", "新会区民政局", COMMITTEE, InvalidDepartmentCodeError, "code",
         "部门代码 '440705MZJ' 格式不正确"),
        ("", "新会区民政局", COMMITTEE, InvalidDepartmentCodeError, "code",
         "部门代码 '' 格式不正确"),
        ("440100-MZJ", "广州市民政局", COMMITTEE, InvalidDepartmentCodeError, "code",
         "部门代码 440100-MZJ 的行政区划代码 440100 不属于江门市；应为以下之一：440700（江门市）"),
        ("440705-MZJ", "   ", COMMITTEE, RequiredFieldError, "name",
         "部门名称不能为空；请填写部门名称"),
        ("440705-MZJ", "局" * 51, COMMITTEE, FieldTooLongError, "name",
         "部门名称不能超过 50 个字符（现为 51 个）"),
        ("440705-MZJ", "新会区民政局", Actor("li", Role.DEPARTMENT, "440705-MZJ"),
         RoleNotAllowedError, None, "角色 department 不能登记部门；可执行此操作的角色：committee"),
        ("440705-MZJ", "新会区民政局", Actor("qian", Role.FINANCE), RoleNotAllowedError, None,
         "角色 finance 不能登记部门"),
    ],
    ids=["lower-case", "no-dash", "empty-code", "outside-jiangmen", "empty-name",
         "long-name", "department", "finance"],
)
def test_register_department_breaking_a_rule_is_refused_records_nothing(
    app: GovflowApplication, code: str, name: str, actor: Actor, error: type[DomainError],
    field: str | None, message: str,
) -> None:
    before = position(app)

    with pytest.raises(error) as refused:
        register(app, code=code, name=name, actor=actor)

    assert refused.value.detail.startswith(message)
    assert refused.value.field == field
    assert position(app) == before
    assert app.departments.get(code) is None


def test_department_directory_unregistered_code_is_unknown(app: GovflowApplication) -> None:
    assert app.departments.get("440784-MZJ") is None
    assert app.registered_department("440784-MZJ") is None

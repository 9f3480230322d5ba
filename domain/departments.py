"""Departments (职能部门) that may keep a catalogue.

The committee's registry (``domain.registry``) is the application's directory; the
built-in list of Jiangmen departments below is what ``govflow demo`` registers.
The application takes any ``DepartmentDirectory``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from domain.errors import UnknownDepartmentError


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    region_code: str
    pilot: bool = False


class DepartmentDirectory(Protocol):
    def get(self, code: str) -> Department | None: ...


REGION_NAMES: dict[str, str] = {
    "440700": "江门市",
    "440703": "蓬江区",
    "440704": "江海区",
    "440705": "新会区",
    "440781": "台山市",
    "440783": "开平市",
    "440784": "鹤山市",
    "440785": "恩平市",
}
"""Jiangmen and its county-level divisions, by administrative division code."""
PILOT_REGIONS = frozenset({"440703", "440781"})


def _department(code: str, name: str) -> Department:
    region = code.split("-", 1)[0]
    return Department(code=code, name=name, region_code=region, pilot=region in PILOT_REGIONS)


JIANGMEN_DEPARTMENTS: Mapping[str, Department] = {
    d.code: d
    for d in (
        _department("440700-MZJ", "江门市民政局"),
        _department("440700-CZJ", "江门市财政局"),
        _department("440700-RSJ", "江门市人力资源和社会保障局"),
        _department("440700-WJJ", "江门市卫生健康局"),
        _department("440700-JYJ", "江门市教育局"),
        _department("440700-SFJ", "江门市司法局"),
        _department("440700-SWJ", "江门市商务局"),
        _department("440700-NYJ", "江门市农业农村局"),
        _department("440700-HYJ", "江门市海洋与渔业局"),
        _department("440700-SGW", "江门市社会工作委员会"),
        _department("440703-MZJ", "蓬江区民政局"),
        _department("440703-CZJ", "蓬江区财政局"),
        _department("440781-MZJ", "台山市民政局"),
        _department("440781-CZJ", "台山市财政局"),
    )
}


class BuiltinDepartments:
    """The built-in Jiangmen directory."""

    def __init__(self, departments: Mapping[str, Department] = JIANGMEN_DEPARTMENTS) -> None:
        self._departments = departments

    def get(self, code: str) -> Department | None:
        return self._departments.get(code)


def require_department(directory: DepartmentDirectory, code: str) -> Department:
    department = directory.get(code)
    if department is None:
        raise UnknownDepartmentError(
            f"部门代码 {code!r} 未登记；请使用市社工委已登记的部门代码（例如 440700-MZJ），"
            f"或请市社工委先登记该部门",
            field="department",
        )
    return department

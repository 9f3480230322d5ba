"""Importing a department's catalogue (目录导入, DESIGN.md §3.1).

Every row is validated with the guards drafting uses; a file with any invalid row
imports nothing and the refusal lists every bad row.  A valid file becomes one
batch: all its items and their codes are saved together, so an import happens
entirely or not at all, and the same command id answers with the first result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Self
from uuid import UUID

from domain.actors import Actor
from domain.aggregate import GovAggregate, aggregate_id_for
from domain.catalogue.classification import Classification, parse_negative_list
from domain.catalogue.commands import ItemFields
from domain.catalogue.item import (
    DEPARTMENT_ROLES,
    CatalogueItem,
    check_department_scope,
    check_draft,
)
from domain.catalogue.numbering import CatalogueNumbering, retry_numbering
from domain.catalogue.service import CataloguePolicy, draft_from_fields
from domain.departments import Department, DepartmentDirectory, require_department
from domain.errors import DomainError, InvalidCommandError
from domain.services import ServiceBase


@dataclass(frozen=True)
class ImportRow:
    """One row of the file: its row number in the spreadsheet (the header is row 1)."""

    row_number: int
    fields: ItemFields


@dataclass(frozen=True)
class RowError:
    """What is wrong with one field of one row."""

    row_number: int
    field: str
    """The field, named as in ``ItemFields`` (``classification.level1`` for the levels)."""
    message: str


@dataclass(frozen=True)
class ImportCatalogueItems:
    """导入目录: draft every row of a file in ``department``'s catalogue, or none.

    ``unreadable`` are the errors of rows the file's reader could not turn into
    fields (a year that is not a number, say): they refuse the import as the
    domain's own errors do, and are reported with them.
    """

    command_id: str
    actor: Actor
    department: str
    rows: tuple[ImportRow, ...]
    unreadable: tuple[RowError, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    """The imported items, in row order; ``replayed`` when the file was imported before."""

    item_ids: tuple[UUID, ...]
    codes: tuple[str, ...]
    notification_id: int
    replayed: bool = False


MAX_LISTED_ERRORS = 1000
"""A refusal lists at most this many errors: plenty to correct a file by, and few
enough to cross Temporal in one failure (a server refuses payloads above 2 MB)."""


class CatalogueImportRejectedError(InvalidCommandError):
    """A file to import has invalid rows (or none): nothing was imported."""

    title = "导入文件有误"

    def __init__(
        self, detail: str, *, field: str | None = None, errors: Iterable[RowError] = ()
    ) -> None:
        super().__init__(detail, field=field)
        self.errors = tuple(errors)

    @classmethod
    def of(cls, errors: Sequence[RowError]) -> CatalogueImportRejectedError:
        """The refusal listing ``errors`` in row order (at most ``MAX_LISTED_ERRORS``)."""
        ordered = sorted(errors, key=lambda e: e.row_number)
        rows = len({e.row_number for e in ordered})
        listed = ordered[:MAX_LISTED_ERRORS]
        counted = ""
        if len(listed) < len(ordered):
            counted = f"（共 {len(ordered)} 处，以下列出前 {len(listed)} 处）"
        return cls(f"导入文件有 {rows} 行错误{counted}，未导入任何事项；请改正后重新导入",
                   errors=listed)

    def extras(self) -> dict[str, Any]:
        return {"errors": [asdict(e) for e in self.errors]}

    @classmethod
    def rebuild(cls, detail: str, *, field: str | None, extras: Mapping[str, Any]) -> Self:
        return cls(detail, field=field,
                   errors=[RowError(**e) for e in extras.get("errors", ())])


class EmptyCatalogueImportError(CatalogueImportRejectedError):
    """A file to import has no item rows."""


def import_item_command_id(command_id: str, row_number: int) -> str:
    """The command id of one row's draft, and so (as uuid5) the id of its item."""
    return f"{command_id}:{row_number}"


def check_import_rows(
    rows: Sequence[ImportRow], *, unreadable: Sequence[RowError], actor: Actor,
    department: str, level1_set: tuple[str, ...],
) -> None:
    """Refuse the import, listing every bad row, unless every row may be drafted."""
    if not rows and not unreadable:
        raise EmptyCatalogueImportError(
            "导入文件没有事项行；请在表头下方每行填写一个事项后重新导入", field="rows"
        )
    errors = list(unreadable)
    # A name once in each catalogue year: the 2027 and 2028 catalogues may share items.
    first_row_of: dict[tuple[str, int], int] = {}
    for row in rows:
        found: list[RowError] = []
        for error in _row_refusals(row.fields, actor=actor, department=department,
                                   level1_set=level1_set):
            problem = RowError(row.row_number, error.field or "", error.detail)
            if problem not in found:  # one guard may be asked twice (the negative list)
                found.append(problem)
        key = (row.fields.name.strip(), row.fields.catalogue_year)
        if key in first_row_of:
            found.append(RowError(
                row.row_number, "name",
                f"事项名称「{key[0]}」与第 {first_row_of[key]} 行重复；"
                f"同一目录年度中事项名称不能重复",
            ))
        elif key[0]:
            first_row_of[key] = row.row_number
        errors.extend(found)
    if errors:
        raise CatalogueImportRejectedError.of(errors)


def _row_refusals(
    fields: ItemFields, *, actor: Actor, department: str, level1_set: tuple[str, ...]
) -> list[DomainError]:
    refusals: list[DomainError] = []
    try:
        check_draft(
            actor=actor, department=department, name=fields.name,
            description=fields.description, catalogue_year=fields.catalogue_year,
            classification=Classification(fields.level1, fields.level2, fields.level3),
            nature=fields.nature, level1_set=level1_set,
        )
    except DomainError as refusal:
        refusals.append(refusal)
    try:
        parse_negative_list(fields.negative_list)
    except DomainError as refusal:
        refusals.append(refusal)
    return refusals


class ImportService(ServiceBase):
    """目录导入: a department's catalogue from a file, as one batch."""

    departments: DepartmentDirectory
    catalogue_policy: CataloguePolicy

    def import_catalogue_items(self, cmd: ImportCatalogueItems) -> ImportResult:
        """导入目录事项: every row drafted with consecutive codes in one save, or none."""
        item_ids = [aggregate_id_for(import_item_command_id(cmd.command_id, row.row_number))
                    for row in cmd.rows]
        imported = self._imported(item_ids)
        if imported is not None:
            return imported
        GovAggregate.check_role(cmd.actor, DEPARTMENT_ROLES, action="导入目录事项")
        check_department_scope(cmd.actor, cmd.department)
        department = require_department(self.departments, cmd.department)
        check_import_rows(
            cmd.rows, unreadable=cmd.unreadable, actor=cmd.actor, department=department.code,
            level1_set=self.catalogue_policy.level1_classes,
        )
        return retry_numbering(lambda: self._draft_all(cmd, department),
                               committed=lambda: self._imported(item_ids))

    def _draft_all(self, cmd: ImportCatalogueItems, department: Department) -> ImportResult:
        actor = cmd.actor.as_dict()
        numberings: list[CatalogueNumbering] = []
        codes_of_year: dict[int, Iterator[str]] = {}
        for year, count in Counter(row.fields.catalogue_year for row in cmd.rows).items():
            numbering = CatalogueNumbering.resume(
                self._get_or_none(CatalogueNumbering,
                                  CatalogueNumbering.create_id(department.region_code, year)),
                command_id=cmd.command_id, actor=actor, region_code=department.region_code,
                year=year,
            )
            codes = numbering.next_codes(count)
            numbering.issue_range(command_id=cmd.command_id, actor=actor, first_code=codes[0],
                                  last_code=codes[-1], count=count)
            numberings.append(numbering)
            codes_of_year[year] = iter(codes)
        items = [
            draft_from_fields(
                row.fields, code=next(codes_of_year[row.fields.catalogue_year]),
                command_id=import_item_command_id(cmd.command_id, row.row_number),
                actor=cmd.actor, department=department.code,
                level1_set=self.catalogue_policy.level1_classes,
            )
            for row in cmd.rows
        ]
        recordings = self.save(*items, *numberings)
        return ImportResult(
            item_ids=tuple(item.id for item in items), codes=tuple(item.code for item in items),
            notification_id=recordings[-1].notification.id,
        )

    def _imported(self, item_ids: Sequence[UUID]) -> ImportResult | None:
        """The result of an import saved already (it saved all its items, or none)."""
        if not item_ids or self._get_or_none(CatalogueItem, item_ids[0]) is None:
            return None
        items = [self._get_or_none(CatalogueItem, item_id) for item_id in item_ids]
        return ImportResult(
            item_ids=tuple(item_ids), codes=tuple(item.code for item in items if item),
            notification_id=self.recorder.max_notification_id() or 0, replayed=True,
        )

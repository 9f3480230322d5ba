"""Importing a catalogue (目录导入): every row valid → one batch; any bad row → nothing."""

from __future__ import annotations

import time

import pytest
from eventsourcing.persistence import IntegrityError

from domain.actors import Actor, Role
from domain.aggregate import aggregate_id_for
from domain.application import GovflowApplication
from domain.catalogue.commands import DraftCatalogueItem, ItemFields
from domain.catalogue.importing import (
    MAX_LISTED_ERRORS,
    CatalogueImportRejectedError,
    EmptyCatalogueImportError,
    ImportCatalogueItems,
    ImportResult,
    ImportRow,
    RowError,
)
from domain.catalogue.numbering import NUMBERING_ATTEMPTS, retry_numbering
from domain.errors import (
    OtherDepartmentError,
    RoleNotAllowedError,
    UnknownDepartmentError,
    rebuild_error,
)
from tests.domain.conftest import OFFICER, item_fields

MZJ = "440700-MZJ"


def rows(*fields: ItemFields, first_row: int = 2) -> tuple[ImportRow, ...]:
    return tuple(ImportRow(row_number=first_row + n, fields=f) for n, f in enumerate(fields))


def named(count: int, **overrides: object) -> tuple[ImportRow, ...]:
    return rows(*(item_fields(name=f"养老服务事项{n:05d}", **overrides) for n in range(count)))


def import_rows(
    app: GovflowApplication, import_rows: tuple[ImportRow, ...], *,
    command_id: str = "import:440700-MZJ:abc", actor: Actor = OFFICER, department: str = MZJ,
    unreadable: tuple[RowError, ...] = (),
) -> ImportResult:
    return app.import_catalogue_items(ImportCatalogueItems(
        command_id=command_id, actor=actor, department=department, rows=import_rows,
        unreadable=unreadable,
    ))


def event_count(app: GovflowApplication) -> int:
    return app.recorder.max_notification_id() or 0


def event_names(app: GovflowApplication) -> list[str]:
    return [n.topic.rsplit(".", 1)[-1]
            for n in app.recorder.select_notifications(start=1, limit=100_000)]


def refusal(app: GovflowApplication, import_rows_: tuple[ImportRow, ...], *,
            unreadable: tuple[RowError, ...] = ()) -> CatalogueImportRejectedError:
    with pytest.raises(CatalogueImportRejectedError) as raised:
        import_rows(app, import_rows_, unreadable=unreadable)
    return raised.value


# --- a valid file ------------------------------------------------------------------


def test_import_valid_rows_drafts_every_item_with_consecutive_codes(
    app: GovflowApplication,
) -> None:
    result = import_rows(app, rows(
        item_fields(name="居家养老服务"),
        item_fields(name="社区矫正辅助服务", nature="辅助性事务",
                    negative_list="人员招聘、劳务派遣或设置公益性岗位"),
        item_fields(name="行业统计调查", level1="政府履职所需辅助性服务"),
    ))

    assert result.codes == ("440700-2027-0001", "440700-2027-0002", "440700-2027-0003")
    assert not result.replayed
    items = [app.get_catalogue_item(item_id) for item_id in result.item_ids]
    assert [item.name for item in items] == ["居家养老服务", "社区矫正辅助服务", "行业统计调查"]
    assert {item.department for item in items} == {MZJ}
    assert items[1].negative_list is not None
    assert items[1].negative_list.value == "人员招聘、劳务派遣或设置公益性岗位"
    assert result.notification_id == event_count(app)


def test_import_row_item_id_follows_command_id_and_row_number(app: GovflowApplication) -> None:
    result = import_rows(app, rows(item_fields(), first_row=7), command_id="import:x:1")

    assert result.item_ids == (aggregate_id_for("import:x:1:7"),)
    assert app.get_catalogue_item(result.item_ids[0]).has_applied("import:x:1:7")


def test_import_5000_rows_records_one_batch_with_codes_0001_to_5000(
    app: GovflowApplication,
) -> None:
    before = event_count(app)

    started = time.perf_counter()
    result = import_rows(app, named(5000))
    elapsed = time.perf_counter() - started

    assert result.codes == tuple(f"440700-2027-{n:04d}" for n in range(1, 5001))
    names = event_names(app)[before:]
    # One command: 5,000 drafts, and one numbering started and advanced by 5,000 at once.
    assert names.count("Drafted") == 5000
    assert names.count("RangeIssued") == 1
    assert len(names) == 5002
    assert result.notification_id == before + 5002
    assert elapsed < 60, f"5,000 rows took {elapsed:.1f} s"


def test_import_after_a_draft_continues_the_region_and_year_numbering(
    app: GovflowApplication,
) -> None:
    app.draft_catalogue_item(DraftCatalogueItem(
        command_id="draft-1", actor=OFFICER, department=MZJ, fields=item_fields(name="甲"),
    ))

    result = import_rows(app, rows(item_fields(name="乙"), item_fields(name="丙")))
    drafted_after = app.draft_catalogue_item(DraftCatalogueItem(
        command_id="draft-2", actor=OFFICER, department=MZJ, fields=item_fields(name="丁"),
    ))

    assert result.codes == ("440700-2027-0002", "440700-2027-0003")
    assert drafted_after.code == "440700-2027-0004"


def test_import_rows_of_two_years_numbers_each_year_in_its_own_sequence(
    app: GovflowApplication,
) -> None:
    result = import_rows(app, rows(
        item_fields(name="甲", catalogue_year=2027),
        item_fields(name="乙", catalogue_year=2028),
        item_fields(name="丙", catalogue_year=2027),
    ))

    assert result.codes == ("440700-2027-0001", "440700-2028-0001", "440700-2027-0002")


def test_import_same_command_twice_returns_first_result_and_records_nothing(
    app: GovflowApplication,
) -> None:
    first = import_rows(app, named(3))
    recorded = event_count(app)

    again = import_rows(app, named(3))

    assert again.replayed
    assert (again.item_ids, again.codes) == (first.item_ids, first.codes)
    assert event_count(app) == recorded


# --- a file with bad rows ----------------------------------------------------------


def test_import_with_several_bad_rows_lists_every_bad_row_and_records_nothing(
    app: GovflowApplication,
) -> None:
    before = event_count(app)
    rejected = refusal(app, rows(
        item_fields(name="居家养老服务"),
        item_fields(name="  "),
        item_fields(name="社区矫正", nature="行政命令"),
        item_fields(name="行业统计", level1="技术服务"),
        item_fields(name="助餐服务", catalogue_year=1999),
        item_fields(name="工程代建", negative_list="工程"),
        item_fields(name="居家养老服务"),
    ))

    assert [(e.row_number, e.field) for e in rejected.errors] == [
        (3, "name"), (4, "nature"), (5, "classification.level1"), (6, "catalogue_year"),
        (7, "negative_list"), (8, "name"),
    ]
    assert rejected.detail.startswith("导入文件有 6 行错误，未导入任何事项")
    messages = {e.row_number: e.message for e in rejected.errors}
    assert "事项名称不能为空" in messages[3]
    assert "行政命令" in messages[4]
    assert "1999" in messages[6]
    assert messages[8] == "事项名称「居家养老服务」与第 2 行重复；同一目录年度中事项名称不能重复"
    assert event_count(app) == before


def test_import_with_more_errors_than_listed_says_how_many_and_lists_the_first(
    app: GovflowApplication,
) -> None:
    rejected = refusal(app, rows(*(item_fields(name="") for _ in range(MAX_LISTED_ERRORS + 5))))

    assert len(rejected.errors) == MAX_LISTED_ERRORS
    assert rejected.errors[0].row_number == 2
    assert rejected.detail.startswith(
        f"导入文件有 {MAX_LISTED_ERRORS + 5} 行错误（共 {MAX_LISTED_ERRORS + 5} 处，"
        f"以下列出前 {MAX_LISTED_ERRORS} 处），未导入任何事项"
    )


def test_import_same_name_in_two_catalogue_years_drafts_both(app: GovflowApplication) -> None:
    result = import_rows(app, rows(item_fields(name="居家养老服务", catalogue_year=2027),
                                   item_fields(name="居家养老服务", catalogue_year=2028)))

    assert result.codes == ("440700-2027-0001", "440700-2028-0001")


def test_import_row_with_two_bad_fields_reports_both(app: GovflowApplication) -> None:
    rejected = refusal(app, rows(item_fields(nature="未知", negative_list="未知")))

    assert [(e.row_number, e.field) for e in rejected.errors] == [
        (2, "nature"), (2, "negative_list"),
    ]
    assert rejected.detail.startswith("导入文件有 1 行错误")


def test_import_unreadable_rows_are_reported_in_row_order_with_the_domains_errors(
    app: GovflowApplication,
) -> None:
    before = event_count(app)
    unreadable = (RowError(5, "catalogue_year", "目录年度必须是整数"),)

    rejected = refusal(app, rows(item_fields(name="甲"), item_fields(name=""),
                                 item_fields(name="丙")), unreadable=unreadable)

    assert [(e.row_number, e.field) for e in rejected.errors] == [
        (3, "name"), (5, "catalogue_year"),
    ]
    assert event_count(app) == before


def test_import_only_unreadable_rows_is_refused_with_their_errors(
    app: GovflowApplication,
) -> None:
    unreadable = (RowError(2, "provincial_listed", "应填「是」或「否」"),)

    rejected = refusal(app, (), unreadable=unreadable)

    assert rejected.errors == unreadable
    assert not isinstance(rejected, EmptyCatalogueImportError)


def test_import_no_rows_is_refused_as_empty(app: GovflowApplication) -> None:
    before = event_count(app)
    with pytest.raises(EmptyCatalogueImportError) as raised:
        import_rows(app, ())

    assert "没有事项行" in raised.value.detail
    assert event_count(app) == before


def test_import_into_unregistered_department_is_refused(app: GovflowApplication) -> None:
    before = event_count(app)
    officer = Actor(user="x", role=Role.DEPARTMENT, scope="440700-XXX")

    with pytest.raises(UnknownDepartmentError):
        import_rows(app, named(2), actor=officer, department="440700-XXX")

    assert event_count(app) == before


def test_import_into_other_department_is_refused_once_for_the_file(
    app: GovflowApplication,
) -> None:
    with pytest.raises(OtherDepartmentError):
        import_rows(app, named(2), department="440700-CZJ")


def test_import_by_finance_officer_is_refused(app: GovflowApplication) -> None:
    with pytest.raises(RoleNotAllowedError) as raised:
        import_rows(app, named(2), actor=Actor(user="qian", role=Role.FINANCE))

    assert "导入目录事项" in raised.value.detail


def test_import_colliding_with_a_recorded_item_records_nothing_at_all(
    app: GovflowApplication,
) -> None:
    # An item exists already under the id the file's third row would get: the batch
    # cannot be saved, and none of its other rows may be either.
    app.draft_catalogue_item(DraftCatalogueItem(
        command_id="import:440700-MZJ:abc:4", actor=OFFICER, department=MZJ,
        fields=item_fields(name="已有事项"),
    ))
    recorded = event_count(app)

    with pytest.raises(IntegrityError):
        import_rows(app, named(4))

    assert event_count(app) == recorded


# --- crossing a boundary and numbering races ----------------------------------------


def test_rebuilt_rejection_keeps_every_row_error() -> None:
    errors = [RowError(3, "name", "事项名称不能为空"), RowError(9, "nature", "职能性质无法识别")]
    raised = CatalogueImportRejectedError.of(errors)

    rebuilt = rebuild_error(raised.code, raised.detail, raised.field, raised.extras())

    assert isinstance(rebuilt, CatalogueImportRejectedError)
    assert rebuilt.errors == tuple(errors)
    assert rebuilt.detail == raised.detail


def test_retry_numbering_beaten_twice_tries_again_until_saved() -> None:
    outcomes: list[str] = []

    def attempt() -> str:
        outcomes.append("tried")
        if len(outcomes) < 3:
            raise IntegrityError("numbering version taken")
        return "saved"

    assert retry_numbering(attempt, committed=lambda: None) == "saved"
    assert len(outcomes) == 3


def test_retry_numbering_beaten_by_the_same_command_answers_as_it_did() -> None:
    def attempt() -> str:
        raise IntegrityError("item id taken")

    assert retry_numbering(attempt, committed=lambda: "first answer") == "first answer"


def test_retry_numbering_always_beaten_gives_up() -> None:
    tries: list[int] = []

    def attempt() -> str:
        tries.append(1)
        raise IntegrityError("numbering version taken")

    with pytest.raises(IntegrityError):
        retry_numbering(attempt, committed=lambda: None)
    assert len(tries) == NUMBERING_ATTEMPTS

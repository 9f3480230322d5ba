"""The catalogue item (目录事项): each command and each refusal; a refusal records nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from domain.actors import SYSTEM_ACTOR, Actor, Role
from domain.application import CataloguePolicy, GovflowApplication
from domain.catalogue.classification import GUANGDONG_LEVEL1
from domain.catalogue.commands import (
    ClosePublicity,
    CommandResult,
    DraftCatalogueItem,
    PublishCatalogueItem,
    ReviseCatalogueItem,
    WithdrawCatalogueItem,
)
from domain.catalogue.item import ItemStatus
from domain.errors import (
    CatalogueItemNotFoundError,
    FieldTooLongError,
    InvalidCatalogueYearError,
    ItemAlreadyPublishedError,
    ItemNotInPublicityError,
    ItemNotRevisableError,
    ItemWithdrawnError,
    OtherDepartmentError,
    RequiredFieldError,
    RoleNotAllowedError,
    UnknownClassificationError,
    UnknownDepartmentError,
    UnknownNatureError,
)
from tests.domain.conftest import DEPARTMENTS, OFFICER, item_fields
from tests.seed import register_departments

PUBLISHED_AT = datetime(2027, 3, 3, 2, 0, tzinfo=UTC)


def event_count(app: GovflowApplication) -> int:
    """Events recorded besides the departments the ``app`` fixture registered."""
    return (app.recorder.max_notification_id() or 0) - len(DEPARTMENTS)


def draft(app: GovflowApplication, command_id: str = "draft-1", **fields: object) -> CommandResult:
    return app.draft_catalogue_item(
        DraftCatalogueItem(command_id=command_id, actor=OFFICER, department="440700-MZJ",
                           fields=item_fields(**fields))
    )


def publish(app: GovflowApplication, item_id: UUID, command_id: str = "publish-1",
            actor: Actor = OFFICER) -> CommandResult:
    return app.publish_catalogue_item(
        PublishCatalogueItem(command_id=command_id, actor=actor, item_id=item_id,
                             published_at=PUBLISHED_AT, publicity_starts_on=date(2027, 3, 4),
                             publicity_ends_on=date(2027, 3, 10))
    )


def close(app: GovflowApplication, item_id: UUID, command_id: str = "close-1") -> CommandResult:
    return app.close_catalogue_item_publicity(
        ClosePublicity(command_id=command_id, actor=SYSTEM_ACTOR, item_id=item_id)
    )


def withdraw(app: GovflowApplication, item_id: UUID, command_id: str = "withdraw-1",
             reason: str = "职能已调整") -> CommandResult:
    return app.withdraw_catalogue_item(
        WithdrawCatalogueItem(command_id=command_id, actor=OFFICER, item_id=item_id,
                              reason=reason)
    )


# --- draft ----------------------------------------------------------------------


def test_draft_valid_item_records_draft_with_region_year_code(app: GovflowApplication) -> None:
    first = draft(app, "a")
    second = draft(app, "b", name="养老机构评估")

    item = app.get_catalogue_item(first.aggregate_id)
    assert item.status is ItemStatus.DRAFT
    assert (first.code, second.code) == ("440700-2027-0001", "440700-2027-0002")
    assert item.department == "440700-MZJ"
    assert item.provincial_listed is True


def test_draft_codes_restart_per_region_and_year(app: GovflowApplication) -> None:
    draft(app, "a")
    other_year = draft(app, "b", catalogue_year=2028)
    pilot = app.draft_catalogue_item(DraftCatalogueItem(
        command_id="c", actor=Actor("chen", Role.DEPARTMENT, "440703-MZJ"),
        department="440703-MZJ", fields=item_fields()))

    assert other_year.code == "440700-2028-0001"
    assert pilot.code == "440703-2027-0001"


@pytest.mark.parametrize("nature", ["行政许可", "行政审批", "行政执法", "行政处罚", "行政强制"])
def test_draft_statutory_nature_is_flagged_must_be_retained(
    app: GovflowApplication, nature: str
) -> None:
    result = draft(app, nature=nature)

    assert app.get_catalogue_item(result.aggregate_id).must_be_retained is True


def test_draft_public_service_nature_is_not_flagged(app: GovflowApplication) -> None:
    result = draft(app, nature="公共服务")

    assert app.get_catalogue_item(result.aggregate_id).must_be_retained is False


def test_draft_same_command_twice_returns_first_result_and_records_nothing(
    app: GovflowApplication,
) -> None:
    first = draft(app, "same")
    before = event_count(app)

    again = draft(app, "same")

    assert again.aggregate_id == first.aggregate_id
    assert again.code == first.code and again.version == first.version
    assert again.replayed is True
    assert event_count(app) == before


@pytest.mark.parametrize(
    ("fields", "error", "field", "message"),
    [
        ({"name": "   "}, RequiredFieldError, "name", "事项名称不能为空"),
        ({"name": "名" * 101}, FieldTooLongError, "name", "不能超过 100 个字符"),
        ({"catalogue_year": 1999}, InvalidCatalogueYearError, "catalogue_year", "目录年度 1999"),
        ({"level1": "基本公共服务"}, UnknownClassificationError, "classification.level1",
         "不在现行分类中"),
        ({"level3": ""}, RequiredFieldError, "classification.level3", "三级分类不能为空"),
        ({"nature": "行政服务"}, UnknownNatureError, "nature", "职能性质 '行政服务' 无法识别"),
    ],
)
def test_draft_invalid_fields_is_refused_and_records_nothing(
    app: GovflowApplication, fields: dict[str, object], error: type[Exception], field: str,
    message: str,
) -> None:
    with pytest.raises(error) as refused:
        draft(app, **fields)

    assert refused.value.field == field  # type: ignore[attr-defined]
    assert message in str(refused.value)
    assert event_count(app) == 0


def test_draft_unknown_department_is_refused_and_records_nothing(app: GovflowApplication) -> None:
    with pytest.raises(UnknownDepartmentError, match="440799-XXX") as refused:
        app.draft_catalogue_item(DraftCatalogueItem(
            command_id="x", actor=Actor("li", Role.DEPARTMENT, "440799-XXX"),
            department="440799-XXX", fields=item_fields()))

    assert refused.value.field == "department"
    assert event_count(app) == 0


def test_draft_for_other_department_is_refused(app: GovflowApplication) -> None:
    with pytest.raises(OtherDepartmentError, match=r"440700-MZJ.*440700-CZJ"):
        app.draft_catalogue_item(DraftCatalogueItem(
            command_id="x", actor=OFFICER, department="440700-CZJ", fields=item_fields()))

    assert event_count(app) == 0


def test_draft_by_finance_role_is_refused(app: GovflowApplication) -> None:
    with pytest.raises(RoleNotAllowedError, match="finance"):
        app.draft_catalogue_item(DraftCatalogueItem(
            command_id="x", actor=Actor("zhao", Role.FINANCE, None), department="440700-MZJ",
            fields=item_fields()))

    assert event_count(app) == 0


def test_draft_guangdong_class_accepted_when_guangdong_set_is_active(tmp_path: object) -> None:
    app = GovflowApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
        catalogue_policy=CataloguePolicy(level1_classes=GUANGDONG_LEVEL1),
    )
    register_departments(app, *DEPARTMENTS)
    result = draft(app, level1="社会事务服务")

    assert app.get_catalogue_item(result.aggregate_id).classification.level1 == "社会事务服务"
    with pytest.raises(UnknownClassificationError):
        draft(app, "other", level1="公共服务")


# --- revise ---------------------------------------------------------------------


def test_revise_draft_changes_fields(app: GovflowApplication) -> None:
    result = draft(app)

    app.revise_catalogue_item(ReviseCatalogueItem(
        command_id="r", actor=OFFICER, item_id=result.aggregate_id,
        fields=item_fields(name="社区居家养老服务", nature="辅助性事务")))

    item = app.get_catalogue_item(result.aggregate_id)
    assert item.name == "社区居家养老服务"
    assert item.nature.value == "辅助性事务"
    assert item.code == result.code


def test_revise_published_item_without_new_publicity_is_refused_and_records_nothing(
    app: GovflowApplication,
) -> None:
    result = draft(app)
    publish(app, result.aggregate_id)
    before = event_count(app)

    with pytest.raises(ItemNotRevisableError, match="须提供新的公示期"):
        app.revise_catalogue_item(ReviseCatalogueItem(
            command_id="r", actor=OFFICER, item_id=result.aggregate_id,
            fields=item_fields(name="新名称")))

    assert event_count(app) == before


def test_revise_published_item_publishes_new_version_with_own_publicity(
    app: GovflowApplication,
) -> None:
    result = draft(app)
    publish(app, result.aggregate_id)
    close(app, result.aggregate_id)

    app.revise_catalogue_item(ReviseCatalogueItem(
        command_id="r", actor=OFFICER, item_id=result.aggregate_id,
        fields=item_fields(name="社区居家养老服务"),
        published_at=datetime(2027, 4, 1, 2, 0, tzinfo=UTC),
        publicity_starts_on=date(2027, 4, 2), publicity_ends_on=date(2027, 4, 8)))

    item = app.get_catalogue_item(result.aggregate_id)
    assert (item.catalogue_version, item.status, item.name) == (
        2, ItemStatus.PUBLICITY, "社区居家养老服务")
    assert item.publicity_ends_on == date(2027, 4, 8)
    events = [type(e).__name__ for e in app.events.get(result.aggregate_id)]
    assert events == ["Drafted", "Published", "PublicityClosed", "VersionPublished"]


# --- publish and publicity ------------------------------------------------------


def test_publish_draft_opens_publicity_period(app: GovflowApplication) -> None:
    result = draft(app)

    publish(app, result.aggregate_id)

    item = app.get_catalogue_item(result.aggregate_id)
    assert item.status is ItemStatus.PUBLICITY
    assert (item.publicity_starts_on, item.publicity_ends_on) == (date(2027, 3, 4),
                                                                   date(2027, 3, 10))


def test_publish_twice_is_refused_and_records_nothing(app: GovflowApplication) -> None:
    result = draft(app)
    publish(app, result.aggregate_id, "p1")
    before = event_count(app)

    with pytest.raises(ItemAlreadyPublishedError, match="当前状态为「公示中」"):
        publish(app, result.aggregate_id, "p2")

    assert event_count(app) == before


def test_publish_same_command_twice_returns_first_result(app: GovflowApplication) -> None:
    result = draft(app)
    first = publish(app, result.aggregate_id, "p1")
    before = event_count(app)

    again = publish(app, result.aggregate_id, "p1")

    assert (again.aggregate_id, again.version) == (first.aggregate_id, first.version)
    assert event_count(app) == before


def test_publish_by_other_department_is_refused(app: GovflowApplication) -> None:
    result = draft(app)

    with pytest.raises(OtherDepartmentError):
        publish(app, result.aggregate_id, actor=Actor("wang", Role.DEPARTMENT, "440700-CZJ"))

    assert app.get_catalogue_item(result.aggregate_id).status is ItemStatus.DRAFT


def test_publish_unknown_item_is_refused(app: GovflowApplication) -> None:
    with pytest.raises(CatalogueItemNotFoundError):
        publish(app, uuid4())


def test_close_publicity_after_period_marks_item_publicity_closed(
    app: GovflowApplication,
) -> None:
    result = draft(app)
    publish(app, result.aggregate_id)

    close(app, result.aggregate_id)

    assert app.get_catalogue_item(result.aggregate_id).status is ItemStatus.PUBLICITY_CLOSED


def test_close_publicity_of_draft_is_refused(app: GovflowApplication) -> None:
    result = draft(app)

    with pytest.raises(ItemNotInPublicityError, match="不在公示期内"):
        close(app, result.aggregate_id)


def test_close_publicity_by_department_officer_is_refused(app: GovflowApplication) -> None:
    result = draft(app)
    publish(app, result.aggregate_id)

    with pytest.raises(RoleNotAllowedError):
        app.close_catalogue_item_publicity(
            ClosePublicity(command_id="c", actor=OFFICER, item_id=result.aggregate_id))


# --- withdraw -------------------------------------------------------------------


def test_withdraw_after_publicity_closes_withdraws_item(app: GovflowApplication) -> None:
    result = draft(app)
    publish(app, result.aggregate_id)
    close(app, result.aggregate_id)

    withdraw(app, result.aggregate_id)

    item = app.get_catalogue_item(result.aggregate_id)
    assert item.status is ItemStatus.WITHDRAWN
    assert item.withdrawal_reason == "职能已调整"


def test_withdraw_without_reason_is_refused(app: GovflowApplication) -> None:
    result = draft(app)
    before = event_count(app)

    with pytest.raises(RequiredFieldError, match="须说明理由") as refused:
        withdraw(app, result.aggregate_id, reason=" ")

    assert refused.value.field == "reason"
    assert event_count(app) == before


def test_withdraw_twice_is_refused_and_records_nothing(app: GovflowApplication) -> None:
    result = draft(app)
    withdraw(app, result.aggregate_id, "w1")
    before = event_count(app)

    with pytest.raises(ItemWithdrawnError, match="已撤回"):
        withdraw(app, result.aggregate_id, "w2")

    assert event_count(app) == before


def test_publish_withdrawn_item_is_refused(app: GovflowApplication) -> None:
    result = draft(app)
    withdraw(app, result.aggregate_id)

    with pytest.raises(ItemWithdrawnError):
        publish(app, result.aggregate_id)


def test_every_event_records_actor_and_command_id(app: GovflowApplication) -> None:
    result = draft(app, "d")
    publish(app, result.aggregate_id, "p")

    events = list(app.events.get(result.aggregate_id))

    assert [e.command_id for e in events] == ["d", "p"]  # type: ignore[attr-defined]
    assert all(e.actor == OFFICER.as_dict() for e in events)  # type: ignore[attr-defined]

"""The feed followed while people write, on SQLite and PostgreSQL.

Several writers record through application instances of their own on one store, a
projection runner applies the feed as the events arrive, and a consumer follows the feed
with a cursor, a few entries at a time, until the writers are done.  The consumer then
holds exactly the public events of the log: none missed, none twice, in log order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from domain.actors import PUBLIC_ACTOR
from domain.application import GovflowApplication
from domain.catalogue.commands import (
    DraftCatalogueItem,
    PublishCatalogueItem,
    ReviseCatalogueItem,
)
from domain.organizations.commands import (
    ClearCreditFlag,
    ElectBoardMember,
    FileComplaint,
    RaiseCreditFlag,
    RegisterOrganization,
    ResolveComplaint,
    complaint_id_for,
)
from projections.events import (
    BOARD_MEMBER_ELECTED,
    COMPLAINT_FILED,
    COMPLAINT_RESOLVED,
    CREDIT_FLAG_CLEARED,
    CREDIT_FLAG_RAISED,
    DEPARTMENT_REGISTERED,
    ITEM_DRAFTED,
    ITEM_PUBLISHED,
    ITEM_REVISED,
    NUMBERING_ISSUED,
    NUMBERING_RANGE_ISSUED,
    NUMBERING_STARTED,
    ORGANIZATION_REGISTERED,
)
from projections.feed import FeedProjection
from projections.feed_rows import FeedEntry
from projections.registry import view_class_for
from projections.runners import BatchingProjectionRunner
from projections.views import APPLICATION_NAME
from tests.domain.conftest import item_fields
from tests.projections.conftest import COMMITTEE, MZJ, Store, officer
from tests.projections.test_organization_views import SERVICE, credit_code

WRITERS = 4
ROUNDS = 6
PAGE = 7
DEADLINE_SECONDS = 120

PUBLIC = frozenset({ORGANIZATION_REGISTERED, BOARD_MEMBER_ELECTED, COMPLAINT_FILED,
                    COMPLAINT_RESOLVED, CREDIT_FLAG_RAISED, CREDIT_FLAG_CLEARED,
                    ITEM_PUBLISHED, DEPARTMENT_REGISTERED})
"""The public events the writers cause (a draft is published before anything else
happens to it)."""
NOT_PUBLIC = frozenset({ITEM_DRAFTED, ITEM_REVISED, NUMBERING_STARTED, NUMBERING_ISSUED,
                        NUMBERING_RANGE_ISSUED})

T = TypeVar("T")


def retried(command: Callable[[], T]) -> T:
    """``command``, again while another writer takes the same catalogue numbering first
    (the command id makes a repeat that did land answer as it did)."""
    for _ in range(50):
        try:
            return command()
        except IntegrityError:
            time.sleep(0.01)
    return command()


def write(app: GovflowApplication, writer: int) -> None:
    """One writer's rounds: an organization with a board member, a complaint resolved, a
    credit flag raised and cleared, and an item drafted, revised and published."""
    for n in range(ROUNDS):
        key = f"w{writer}r{n}"
        organization = app.register_organization(RegisterOrganization(
            f"{key}:register", COMMITTEE, credit_code(SERVICE, "440703", 1000 + 100 * writer + n),
            f"并发测试服务中心{key}", SERVICE, "社会服务类", "养老", "440703", date(2020, 1, 6), 3,
        )).aggregate_id
        app.elect_board_member(ElectBoardMember(
            f"{key}:board", COMMITTEE, organization, "p-1", "周理事", "理事长", "退（离）休",
            date(2025, 1, 10), date(2019, 6, 30)))
        app.file_complaint(FileComplaint(
            f"{key}:complaint", PUBLIC_ACTOR, organization, "匿名群众", "13700000000",
            f"投诉{key}", date(2027, 3, 1)))
        app.resolve_complaint(ResolveComplaint(
            f"{key}:resolve", COMMITTEE, organization, complaint_id_for(f"{key}:complaint"),
            "已核查处理", date(2027, 3, 5)))
        app.raise_credit_flag(RaiseCreditFlag(
            f"{key}:flag", COMMITTEE, organization, "异常名录", "未按时年检",
            date(2027, 3, 6)))
        app.clear_credit_flag(ClearCreditFlag(
            f"{key}:clear", COMMITTEE, organization, "异常名录", "已补正年检",
            date(2027, 3, 7)))
        draft = DraftCatalogueItem(f"{key}:draft", officer(MZJ), MZJ,
                                   item_fields(name=f"草稿{key}"))
        item = retried(partial(app.draft_catalogue_item, draft)).aggregate_id
        app.revise_catalogue_item(ReviseCatalogueItem(
            f"{key}:revise", officer(MZJ), item, item_fields(name=f"事项{key}")))
        app.publish_catalogue_item(PublishCatalogueItem(
            f"{key}:publish", officer(MZJ), item, datetime(2027, 3, 3, 2, tzinfo=UTC),
            date(2027, 3, 4), date(2027, 3, 10)))


@dataclass
class Consumer:
    """Follows the feed with a cursor, ``PAGE`` entries at a time, until the writers are
    done and the feed has applied the log's last event."""

    view: Any
    done: threading.Event = field(default_factory=threading.Event)
    abandoned: threading.Event = field(default_factory=threading.Event)
    last: int = 0
    entries: list[FeedEntry] = field(default_factory=list)
    pages_while_writing: int = 0

    def follow(self) -> None:
        cursor = 0
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline and not self.abandoned.is_set():
            finished = (self.done.is_set()
                        and (self.view.max_tracking_id(APPLICATION_NAME) or 0) >= self.last)
            page = self.view.changes(after=cursor, limit=PAGE)
            if page:
                assert len(page) <= PAGE
                self.entries += page
                cursor = page[-1].position
                self.pages_while_writing += not self.done.is_set()
                continue
            if finished:
                return
            time.sleep(0.01)
        if not self.abandoned.is_set():
            raise TimeoutError(f"the feed did not reach {self.last} in {DEADLINE_SECONDS} s")


def test_consumer_following_the_feed_during_concurrent_writes_gets_each_public_change_once(
    store: Store,
) -> None:
    consumer = Consumer(view=store.view(FeedProjection))
    runner = BatchingProjectionRunner(
        application_class=GovflowApplication, projection_class=FeedProjection,
        view_class=view_class_for(FeedProjection, store.uses_postgres), env=store.env)
    writers = [GovflowApplication(env=store.env) for _ in range(WRITERS)]
    try:
        with runner, ThreadPoolExecutor(max_workers=WRITERS + 1) as pool:
            following = pool.submit(consumer.follow)
            written = [pool.submit(write, app, n) for n, app in enumerate(writers)]
            try:
                for future in written:
                    future.result()
            except BaseException:
                consumer.abandoned.set()
                raise
            consumer.last = store.app.recorder.max_notification_id() or 0
            consumer.done.set()
            following.result()
    finally:
        for app in writers:
            app.close()

    expected = public_positions(store)
    positions = [entry.position for entry in consumer.entries]
    assert positions == expected
    assert len(expected) == WRITERS * ROUNDS * 7 + 2  # and the two departments
    assert consumer.pages_while_writing > 0, "the consumer never read while writers wrote"


def public_positions(store: Store) -> list[int]:
    """The positions of the log's public events, in log order."""
    positions: list[int] = []
    for notification in store.app.recorder.select_notifications(start=1, limit=100_000):
        kind = type(store.app.mapper.to_domain_event(notification))
        assert kind in PUBLIC | NOT_PUBLIC, f"the test does not know {kind.__qualname__}"
        if kind in PUBLIC:
            positions.append(notification.id)
    return positions


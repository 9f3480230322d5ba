"""The audit chain on SQLite and PostgreSQL: every event linked as it is saved, and an
event edited, removed or slipped in behind the application's back found at its position."""

from __future__ import annotations

import hashlib
import struct
import threading
from collections.abc import Callable

import pytest
from eventsourcing.persistence import RecordConflictError

from domain.application import GovflowApplication
from govflow.audit_chain import BreakReason, ChainHead, Verification, verify_chain
from tests.projections.audit_helpers import (
    RawTables,
    chained,
    establish_agency,
    with_actor_user,
)
from tests.projections.conftest import BACKENDS, COMMITTEE, DEPARTMENTS, MZJ, Store
from tests.seed import register_departments

PLAIN_MODULES = {"sqlite": "eventsourcing.sqlite", "postgres": "eventsourcing.postgres"}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def verify(app: GovflowApplication, *, batch_size: int = 500,
           expected_head: ChainHead | None = None) -> Verification:
    return verify_chain(chained(app), batch_size=batch_size, expected_head=expected_head)


def record_some_work(store: Store) -> int:
    """Drafts, publications and an agency through the application; the position of an
    event in the middle of the log."""
    first = store.draft()
    store.publish(first.aggregate_id)
    middle = store.draft(name="社区养老服务评估").notification_id
    store.publish_new_version(first.aggregate_id, name="居家养老服务（修订）")
    store.establish_agency()
    return middle


def test_log_recorded_through_commands_verifies_with_head_at_last_event(store: Store) -> None:
    record_some_work(store)
    last = store.app.recorder.max_notification_id()

    result = verify(store.app)

    assert result.ok, result.summary()
    assert result.checked == RawTables(store.env).count_events() == last
    assert result.head.position == last
    assert result.head == chained(store.app).chain_head()


def test_head_is_reproduced_by_an_auditor_following_the_documented_layout(
    store: Store,
) -> None:
    record_some_work(store)

    digest = bytes(32)
    for event in store.app.recorder.select_notifications(start=1, limit=10_000):
        fields = [str(event.originator_id).encode(), event.topic.encode(), event.state]
        canonical = struct.pack(">QQ", event.id, event.originator_version) + b"".join(
            struct.pack(">Q", len(field)) + field for field in fields)
        digest = hashlib.sha256(digest + canonical).digest()

    assert chained(store.app).chain_head().hash == digest


def test_event_edited_in_the_database_breaks_the_chain_at_its_position_until_reverted(
    store: Store,
) -> None:
    position = record_some_work(store)
    tables = RawTables(store.env)
    original = tables.state(position)
    before = verify(store.app)

    tables.set_state(position, with_actor_user(original, "someone.else"))
    edited = verify(store.app, batch_size=2)
    tables.set_state(position, original)
    reverted = verify(store.app, batch_size=2)

    assert edited.broken is not None
    assert edited.broken.position == position
    assert edited.broken.reason is BreakReason.HASH_MISMATCH
    assert edited.checked == position - 1
    assert "在位置" in edited.summary() and "哈希不符" in edited.summary()
    assert reverted.ok, reverted.summary()
    assert reverted.head == before.head


def test_removed_link_is_reported_at_its_position(store: Store) -> None:
    position = record_some_work(store)

    RawTables(store.env).delete_link(position)
    result = verify(store.app, batch_size=3)

    assert result.broken is not None
    assert (result.broken.position, result.broken.reason) == (position,
                                                              BreakReason.MISSING_LINK)


def test_removed_event_is_reported_at_its_position(store: Store) -> None:
    position = record_some_work(store)

    RawTables(store.env).delete_event(position)
    result = verify(store.app, batch_size=3)

    assert result.broken is not None
    assert (result.broken.position, result.broken.reason) == (position,
                                                              BreakReason.MISSING_EVENT)


def test_edit_covered_by_recomputed_links_is_caught_by_the_head_recorded_before(
    store: Store,
) -> None:
    position = record_some_work(store)
    recorded = chained(store.app).chain_head()
    tables = RawTables(store.env)

    tables.set_state(position, with_actor_user(tables.state(position), "someone.else"))
    tables.relink_from(store.app, position)
    plain = verify(store.app)
    against_head = verify(store.app, expected_head=recorded)

    assert plain.ok  # the links alone cannot tell: that is what the published head is for
    assert against_head.broken is not None
    assert against_head.broken.reason is BreakReason.HEAD_MISMATCH
    assert against_head.broken.position == recorded.position


def test_log_cut_short_is_caught_by_the_head_recorded_before(store: Store) -> None:
    record_some_work(store)
    recorded = chained(store.app).chain_head()
    tables = RawTables(store.env)

    tables.delete_link(recorded.position)
    tables.delete_event(recorded.position)

    assert verify(store.app).ok
    broken = verify(store.app, expected_head=recorded).broken
    assert broken is not None
    assert (broken.position, broken.reason) == (recorded.position, BreakReason.HEAD_MISMATCH)


def test_concurrent_saves_through_separate_applications_chain_every_event(
    backend: str, make_env: Callable[[str], dict[str, str]],
) -> None:
    env = make_env(backend)
    apps = [GovflowApplication(env=env) for _ in range(4)]
    register_departments(apps[0], *DEPARTMENTS)
    start = threading.Barrier(len(apps))
    errors: list[BaseException] = []

    def work(index: int, app: GovflowApplication) -> None:
        start.wait()
        try:
            for n in range(12):
                establish_agency(app, f"{index}-{n}")
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i, app)) for i, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify(apps[0])
    for app in apps:
        app.close()

    tables = RawTables(env)
    assert errors == []
    assert tables.count_events() == len(DEPARTMENTS) + 4 * 12 * 3
    assert tables.count_links() == tables.count_events()
    assert result.ok, result.summary()
    assert result.checked == tables.count_events()


def test_save_refused_for_a_conflict_leaves_no_link_and_the_chain_goes_on(
    backend: str, make_env: Callable[[str], dict[str, str]],
) -> None:
    env = make_env(backend)
    first, second = GovflowApplication(env=env), GovflowApplication(env=env)
    agency_id = establish_agency(first, "shared")
    copies = [app.get_agency(agency_id) for app in (first, second)]
    for n, copy in enumerate(copies):
        copy.appoint_expert(command_id=f"appoint-{n}", actor=COMMITTEE, expert_id="expert-3",
                            name=f"专家3-{n}", affiliations=[])
    first.save(copies[0])

    with pytest.raises(RecordConflictError):
        second.save(copies[1])
    establish_agency(second, "after")
    result = verify(second)
    last = second.recorder.max_notification_id()
    first.close()
    second.close()

    assert result.ok, result.summary()
    assert result.checked == RawTables(env).count_events() == RawTables(env).count_links() == 7
    assert result.head.position == last
    if backend == "postgres":  # the refused save used up positions: a gap, not a break
        assert last is not None and last > 7


def test_store_recorded_before_the_chain_is_chained_when_the_application_starts(
    backend: str, make_env: Callable[[str], dict[str, str]],
) -> None:
    env = make_env(backend)
    plain = GovflowApplication(env={**env, "PERSISTENCE_MODULE": PLAIN_MODULES[backend]})
    register_departments(plain, *DEPARTMENTS)
    Store(env=env, uses_postgres=backend == "postgres", app=plain).draft(MZJ)
    recorded = plain.recorder.max_notification_id()
    plain.close()

    app = GovflowApplication(env=env)
    on_start = verify(app)
    Store(env=env, uses_postgres=backend == "postgres", app=app).draft(MZJ)
    after_a_save = verify(app)
    app.close()

    assert on_start.ok, on_start.summary()
    assert on_start.checked == recorded
    assert after_a_save.ok, after_a_save.summary()
    assert after_a_save.checked == RawTables(env).count_links() == RawTables(env).count_events()


def test_events_saved_past_the_chain_are_reported_and_not_chained_on_start(
    backend: str, make_env: Callable[[str], dict[str, str]],
) -> None:
    env = make_env(backend)
    app = GovflowApplication(env=env)
    register_departments(app, MZJ)
    app.close()
    plain = GovflowApplication(env={**env, "PERSISTENCE_MODULE": PLAIN_MODULES[backend]})
    establish_agency(plain, "unchained")
    plain.close()

    restarted = GovflowApplication(env=env)
    result = verify(restarted)
    restarted.close()

    assert result.broken is not None
    assert (result.broken.position, result.broken.reason) == (2, BreakReason.MISSING_LINK)


@pytest.mark.postgres
def test_database_functions_path_is_refused_naming_the_setting(
    make_env: Callable[[str], dict[str, str]],
) -> None:
    env = make_env("postgres")

    with pytest.raises(OSError, match="POSTGRES_ENABLE_DB_FUNCTIONS"):
        GovflowApplication(env={**env, "POSTGRES_ENABLE_DB_FUNCTIONS": "yes"})

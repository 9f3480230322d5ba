"""Start and stop a projection runner for every projection.

The runners apply events in batches: when a notification arrives, every notification
already recorded after it (up to ``BATCH_SIZE``) is applied with it in one
transaction of the view, together with the events' tracking records.  A bulk save of
thousands of events is then caught up in a few commits instead of one per event,
and a single new event after idling is applied as soon as the subscription sees it.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Sequence
from threading import Event
from traceback import format_exc
from typing import Any
from warnings import warn

from eventsourcing.persistence import IntegrityError, Mapper, Notification, Tracking
from eventsourcing.projection import ApplicationSubscription, ProjectionRunner

from domain.application import GovflowApplication
from projections.registry import PROJECTIONS, view_class_for

Runner = ProjectionRunner[GovflowApplication, Any]

BATCH_SIZE = 500
"""At most this many events are applied in one transaction."""


def apply_batch(
    *, projection: Any, app_name: str, mapper: Mapper[Any],
    notifications: Sequence[Notification],
) -> None:
    """Apply ``notifications`` (in log order) in one transaction of the projection's view.

    Exactly once: every event's tracking record is written in the same transaction, so
    the batch commits whole or not at all.  A batch that overlaps what the view has
    already applied (offered twice, or applied by another process meanwhile) rolls
    back; then only the events after the view's position are applied, one by one.
    """
    if not notifications:
        return
    view = projection.view
    try:
        with view.batch(track_each=True):
            for notification in notifications:
                _process(projection, app_name, mapper, notification)
    except IntegrityError:
        position = view.max_tracking_id(app_name) or 0
        for notification in notifications:
            if notification.id > position:
                _process(projection, app_name, mapper, notification)


def _process(
    projection: Any, app_name: str, mapper: Mapper[Any], notification: Notification
) -> None:
    event = mapper.to_domain_event(notification)
    projection.process_event(event, Tracking(app_name, notification.id))


class BatchingProjectionRunner(Runner):
    """eventsourcing's ``ProjectionRunner`` whose processing thread applies batches.

    The subscription only says when there is something new: the first notification
    it yields after the last batch is applied together with every notification
    recorded after it (up to ``BATCH_SIZE``), and the ones the subscription then
    yields again are passed over.  Errors end the runner as they do in the base class
    (``run_forever()``, ``wait()`` and ``__exit__`` re-raise them).
    """

    batch_size: int = BATCH_SIZE

    @staticmethod
    def _process_events_loop(  # type: ignore[override]
        subscription: ApplicationSubscription[Any],
        projection: Any,
        is_stopping: Event,
        runner: weakref.ReferenceType[BatchingProjectionRunner],
    ) -> None:
        try:
            applied = 0
            for notification in subscription.subscription:
                if notification.id <= applied:
                    continue  # Applied with an earlier batch.
                _runner = runner()
                limit = _runner.batch_size if _runner is not None else BATCH_SIZE
                del _runner
                batch = [notification, *subscription.recorder.select_notifications(
                    start=notification.id, limit=limit - 1, topics=projection.topics,
                    inclusive_of_start=False,
                )]
                apply_batch(projection=projection, app_name=subscription.name,
                            mapper=subscription.mapper, notifications=batch)
                applied = batch[-1].id
        except BaseException as e:
            _runner = runner()
            if _runner is not None:
                _runner._thread_error = e
            else:
                warn("ProjectionRunner was deleted before error could be assigned:\n"
                     + format_exc(), RuntimeWarning, stacklevel=2)
        finally:
            is_stopping.set()


def start_runners(
    *, env: dict[str, str], uses_postgres: bool,
    runner_class: type[Runner] = BatchingProjectionRunner,
) -> list[Runner]:
    """One running runner per projection, each following the application's log.

    ``env`` is the event store's environment; a runner's view reads it named after
    its projection (``CATALOGUE_SQLITE_DBNAME`` before ``SQLITE_DBNAME``).
    ``runner_class`` is the batching runner unless a caller (a benchmark) asks for
    eventsourcing's per-event ``ProjectionRunner``.
    """
    runners: list[Runner] = []
    try:
        for projection_class in PROJECTIONS:
            runner: Runner = runner_class(
                application_class=GovflowApplication,
                projection_class=projection_class,
                view_class=view_class_for(projection_class, uses_postgres),
                env=env,
            )
            runner.__enter__()
            runners.append(runner)
    except BaseException:
        # Report why starting failed, not what stopping the others may say.
        with contextlib.suppress(Exception):
            stop_runners(runners)
        raise
    return runners


def stop_runners(runners: list[Runner]) -> None:
    """Stop every runner and close its application and view.

    Re-raises the first error a runner's processing thread met, after all are stopped.
    """
    error: BaseException | None = None
    for runner in reversed(runners):
        try:
            runner.__exit__(None, None, None)
        except BaseException as e:
            error = error or e
        finally:
            runner.view.close()
    if error is not None:
        raise error

"""Rebuild a view from position 0 of the application's log.

Stop the view's runners first: a runner writing while the view is rebuilt would
make the rebuild's tracking record conflict, and the rebuild would fail.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from projections.views import TrackedView

BATCH_SIZE = 500


def rebuild(
    *, projection_class: type[Projection[Any]], view: TrackedView,
    application: Application[Any], batch_size: int = BATCH_SIZE,
) -> int:
    """Empty ``view`` and apply every event again; returns how many events were applied.

    Each batch of events commits in one transaction together with its last position,
    so an interrupted rebuild resumes (under a runner) where it stopped.
    """
    view.reset()
    projection = projection_class(view=view)
    applied = 0
    position = 0
    while True:
        notifications = application.recorder.select_notifications(
            start=position, limit=batch_size, topics=projection.topics,
            inclusive_of_start=False,
        )
        if not notifications:
            return applied
        with view.batch():
            for notification in notifications:
                event = application.mapper.to_domain_event(notification)
                projection.process_event(event, Tracking(application.name, notification.id))
        applied += len(notifications)
        position = notifications[-1].id

"""PostgreSQL event store with a guarded subscription.

Selected with ``PERSISTENCE_MODULE=govflow.postgres_persistence``.

Subscriptions wake up on LISTEN/NOTIFY as shipped, and also every
``POSTGRES_POLL_SECONDS`` (default 1.0) to select again: a NOTIFY that gets lost
(a known eventsourcing issue) then delays a projection by one interval instead
of stalling it until the next write.

Only ``Factory`` may be an infrastructure factory class in this module's namespace:
eventsourcing picks the one such class it finds here, so the library's factory is
reached through its module, never imported by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from eventsourcing import postgres as es_postgres
from eventsourcing.persistence import ApplicationRecorder, ProcessRecorder, Subscription

from govflow.sqlite_persistence import read_poll_seconds

DEFAULT_POLL_SECONDS = 1.0

TRecorder = TypeVar("TRecorder", bound=ApplicationRecorder)


class GuardedPostgresSubscription(es_postgres.PostgresSubscription):
    """The shipped LISTEN/NOTIFY subscription whose wait for a NOTIFY times out."""

    def __init__(
        self,
        recorder: es_postgres.PostgresApplicationRecorder,
        gt: int | None = None,
        topics: Sequence[str] = (),
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> None:
        # Set before the base class starts the thread that runs _loop_on_pull.
        self._poll_seconds = poll_seconds
        super().__init__(recorder=recorder, gt=gt, topics=topics)

    def _loop_on_pull(self) -> None:
        # As shipped, except that the wait ends after poll_seconds even without a NOTIFY.
        try:
            self._pull()
            while not self._has_been_stopped:
                self._has_been_notified.wait(timeout=self._poll_seconds)
                self._pull()
        except BaseException as e:
            if self._thread_error is None:
                self._thread_error = e
            self.stop()


class GuardedPostgresApplicationRecorder(es_postgres.PostgresApplicationRecorder):
    """The shipped application recorder whose subscriptions also poll."""

    poll_seconds: float = DEFAULT_POLL_SECONDS

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return GuardedPostgresSubscription(
            self, gt=gt, topics=topics, poll_seconds=self.poll_seconds
        )


class GuardedPostgresProcessRecorder(
    GuardedPostgresApplicationRecorder, es_postgres.PostgresProcessRecorder
):
    """The shipped process recorder whose subscriptions also poll."""


class Factory(es_postgres.PostgresFactory):
    """eventsourcing's PostgreSQL factory with guarded subscriptions."""

    POSTGRES_POLL_SECONDS = "POSTGRES_POLL_SECONDS"

    application_recorder_class = GuardedPostgresApplicationRecorder
    process_recorder_class = GuardedPostgresProcessRecorder

    def application_recorder(self) -> ApplicationRecorder:
        # The base honours APPLICATION_RECORDER_TOPIC; a guarded class gets the interval.
        return self._with_poll_seconds(super().application_recorder())

    def process_recorder(self) -> ProcessRecorder:
        return self._with_poll_seconds(super().process_recorder())

    def _with_poll_seconds(self, recorder: TRecorder) -> TRecorder:
        if isinstance(recorder, GuardedPostgresApplicationRecorder):
            recorder.poll_seconds = read_poll_seconds(
                self.env.get(self.POSTGRES_POLL_SECONDS),
                key=self.POSTGRES_POLL_SECONDS, default=DEFAULT_POLL_SECONDS,
            )
        return recorder

"""Start and stop a ``ProjectionRunner`` for every projection."""

from __future__ import annotations

import contextlib
from typing import Any

from eventsourcing.projection import ProjectionRunner

from domain.application import GovflowApplication
from projections.registry import PROJECTIONS, view_class_for

Runner = ProjectionRunner[GovflowApplication, Any]


def start_runners(*, env: dict[str, str], uses_postgres: bool) -> list[Runner]:
    """One running ``ProjectionRunner`` per projection, each following the application's log.

    ``env`` is the event store's environment; a runner's view reads it named after
    its projection (``CATALOGUE_SQLITE_DBNAME`` before ``SQLITE_DBNAME``).
    """
    runners: list[Runner] = []
    try:
        for projection_class in PROJECTIONS:
            runner: Runner = ProjectionRunner(
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

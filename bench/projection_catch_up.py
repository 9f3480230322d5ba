"""How long the live projections take to catch up with a 5,000-item catalogue import.

Builds a SQLite event store in a temporary directory, registers the department, saves
5,000 catalogue items in one ``save()``, then starts the runners of every projection
twice on the same store, each time on fresh views: (a) eventsourcing's per-event
``ProjectionRunner`` (one transaction per event), (b) govflow's batching runner.
Prints both catch-up times and their ratio.

    .venv/bin/python bench/projection_catch_up.py [--items 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.projection import ProjectionRunner

from domain.application import GovflowApplication
from projections.registry import sqlite_view_files
from projections.runners import BatchingProjectionRunner, Runner, start_runners, stop_runners
from tests.seed import MZJ, register_departments, save_bulk_drafts

TIMEOUT = 600.0


def store_env(directory: Path, views: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "govflow.sqlite_persistence",
        "SQLITE_DBNAME": str(directory / "events.sqlite3"),
        "SQLITE_LOCK_TIMEOUT": "30",
        "SQLITE_POLL_SECONDS": "0.05",
        **sqlite_view_files(directory, prefix=views),
    }


def import_catalogue(app: GovflowApplication, items: int) -> int:
    """Register the department, save ``items`` drafts at once; the log position after."""
    register_departments(app, MZJ)
    return save_bulk_drafts(app, items, department=MZJ)


def catch_up(env: dict[str, str], runner_class: type[Runner], last: int) -> float:
    """Seconds from starting the runners until every view has applied ``last``."""
    started = time.monotonic()
    runners = start_runners(env=env, uses_postgres=False, runner_class=runner_class)
    try:
        for runner in runners:
            remaining = TIMEOUT - (time.monotonic() - started)
            view: Any = runner.view
            if not view.caught_up(last, timeout=max(remaining, 0.0)):
                msg = f"{runner.projection.name} did not catch up within {TIMEOUT:.0f} s"
                raise SystemExit(msg)
        return time.monotonic() - started
    finally:
        stop_runners(runners)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = GovflowApplication(env=store_env(directory, "unused.sqlite3"))
        try:
            last = import_catalogue(app, args.items)
        finally:
            app.close()
        print(f"{args.items} items saved at once; log position {last}")
        per_event = catch_up(store_env(directory, "per-event"),
                             ProjectionRunner, last)
        print(f"(a) per-event ProjectionRunner: {per_event:.2f} s")
        batched = catch_up(store_env(directory, "batched"),
                           BatchingProjectionRunner, last)
        print(f"(b) batching runner:            {batched:.2f} s")
        print(f"ratio (a)/(b): {per_event / batched:.1f}x")


if __name__ == "__main__":
    main()

"""What the audit chain costs a save: drafting with and without it, in one run.

For each backend, two fresh event stores: (a) eventsourcing's own recorders
(``eventsourcing.sqlite`` / ``eventsourcing.postgres``), (b) govflow's, which write a
link per event in the save's transaction.  On each, runs ``--commands`` commands that
establish a consulting agency (one ``save()`` of one event each; independent
aggregates, so that no save conflicts with another): one at a time from one
application, then from ``--threads`` applications at once.  The two stores take turns,
``--rounds`` times; the best round of each counts (the machine may be shared).  Prints
commands per second and the ratio (b)/(a); (b)'s chain is verified at the end.

    .venv/bin/python bench/audit_chain.py [--commands 1000] [--threads 4] [--rounds 3]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from domain.actors import Actor, Role
from domain.agency.commands import EstablishAgency
from domain.application import GovflowApplication
from govflow.audit_chain import RecorderAuditLog

PLAIN = {"sqlite": "eventsourcing.sqlite", "postgres": "eventsourcing.postgres"}
CHAINED = {"sqlite": "govflow.sqlite_persistence", "postgres": "govflow.postgres_persistence"}


def establish(app: GovflowApplication, key: str) -> None:
    app.establish_agency(EstablishAgency(
        command_id=f"bench-agency-{key}", actor=Actor(user="bench", role=Role.COMMITTEE),
        name=f"咨询服务机构{key}", mandate="对目录事项的转移、购买提出咨询意见",
    ))


def sequential(env: dict[str, str], commands: int, round_: int) -> float:
    """Commands per second, one at a time from one application."""
    app = GovflowApplication(env=env)
    try:
        started = time.perf_counter()
        for n in range(commands):
            establish(app, f"{round_}-one-{n}")
        return commands / (time.perf_counter() - started)
    finally:
        app.close()


def concurrent(env: dict[str, str], commands: int, threads: int, round_: int) -> float:
    """Commands per second, ``threads`` applications establishing agencies at once."""
    apps = [GovflowApplication(env=env) for _ in range(threads)]
    start = threading.Barrier(len(apps) + 1)
    errors: list[BaseException] = []

    def work(index: int, app: GovflowApplication) -> None:
        start.wait()
        try:
            for n in range(commands // len(apps)):
                establish(app, f"{round_}-{index}-{n}")
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=work, args=pair) for pair in enumerate(apps)]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    for app in apps:
        app.close()
    if errors:
        raise SystemExit(f"a concurrent save failed: {errors[0]!r}")
    return (commands // len(apps)) * len(apps) / elapsed


@contextmanager
def sqlite_stores() -> Iterator[Callable[[str], dict[str, str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield lambda module: {"PERSISTENCE_MODULE": module, "SQLITE_LOCK_TIMEOUT": "30",
                              "SQLITE_DBNAME": str(Path(tmp) / f"{module}.sqlite3")}


@contextmanager
def postgres_stores(url: str) -> Iterator[Callable[[str], dict[str, str]]]:
    info = psycopg.conninfo.conninfo_to_dict(url)
    schemas: list[str] = []

    def store(module: str) -> dict[str, str]:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        schemas.append(schema)
        return {"PERSISTENCE_MODULE": module, "POSTGRES_SCHEMA": schema,
                "POSTGRES_DBNAME": str(info.get("dbname", "postgres")),
                "POSTGRES_HOST": str(info.get("host", "127.0.0.1")),
                "POSTGRES_PORT": str(info.get("port", "5432")),
                "POSTGRES_USER": str(info.get("user", "postgres")),
                "POSTGRES_PASSWORD": str(info.get("password", ""))}

    try:
        yield store
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def compare(backend: str, stores: Callable[[str], dict[str, str]], *, commands: int,
            threads: int, rounds: int) -> None:
    envs = {"plain": stores(PLAIN[backend]), "chained": stores(CHAINED[backend])}
    best = {name: [0.0, 0.0] for name in envs}
    for round_ in range(rounds):
        for name, env in envs.items():
            one = sequential(env, commands, round_)
            many = concurrent(env, commands, threads, round_)
            best[name] = [max(best[name][0], one), max(best[name][1], many)]
    audit = RecorderAuditLog.open(application_name=GovflowApplication.name,
                                  env=envs["chained"])
    verification = audit.verify()
    audit.close()
    plain, chained = best["plain"], best["chained"]
    print(f"{backend}: {commands} commands one at a time / from {threads} applications at "
          f"once, best of {rounds}")
    for label, (one, many) in (("(a) eventsourcing", plain), ("(b) audit chain  ", chained)):
        print(f"  {label}: {one:7.0f} /s   {many:7.0f} /s")
    print(f"  ratio (b)/(a):     {chained[0] / plain[0]:7.2f}      {chained[1] / plain[1]:7.2f}")
    print(f"  (b) {verification.summary()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", default=None,
                        help="also on PostgreSQL, in throwaway schemas of this database")
    args = parser.parse_args()
    with sqlite_stores() as stores:
        compare("sqlite", stores, commands=args.commands, threads=args.threads,
                rounds=args.rounds)
    if args.postgres:
        with postgres_stores(args.postgres) as stores:
            compare("postgres", stores, commands=args.commands, threads=args.threads,
                    rounds=args.rounds)


if __name__ == "__main__":
    main()

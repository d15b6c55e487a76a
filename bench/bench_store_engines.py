"""The store's contract operations on SQLite and on PostgreSQL, side by side (issue 14 §5).

    python bench/bench_store_engines.py            # 20 profiles × 100 queries, 1,000 cached issues
    python bench/bench_store_engines.py --quick    # fewer repetitions
    FLOWCAST_BENCH_POSTGRES_URL=postgresql://…/postgres python bench/bench_store_engines.py

Each engine gets the same data through the same portable SQL: SQLiteBackend on a fresh file (the
process's default backend, anchored as the app's is), PostgresBackend on a database created for
the run on the server (default postgresql://postgres@127.0.0.1:5432/test, trust auth) and dropped
after. Every call is the app's: its own connection (a fresh SQLite connection; a pooled
PostgreSQL one) unless inside a session. Prints p50 / p99 wall and CPU milliseconds per engine;
the goals are SQLite's (bench_persistence.py) and no time is asserted.
Goals: get_profile p99 < 1 ms, list_queries (100) < 5 ms, create_version < 20 ms,
get_jira_cache (1,000 issues) < 20 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_persistence import (  # noqa: E402
    insert_queries,
    jira_issue,
    measure,
    percentiles,
)
from data import plans  # noqa: E402
from data.db.connection import write_transaction  # noqa: E402
from data.store import get_backend, set_backend  # noqa: E402
from data.store.sql_backend import SQLBackend  # noqa: E402

SERVER_ENV = "FLOWCAST_BENCH_POSTGRES_URL"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
PROFILES = 20
QUERIES_PER_PROFILE = 100
CACHED_ISSUES = 1_000
GOALS_MS = {"get_profile": 1, "list_queries (100)": 5, "create_version": 20, "get_jira_cache": 20}


def build(backend: SQLBackend) -> str:
    """Profiles, their queries, a plan and the 1,000-issue cached search; returns the plan id."""
    for p in range(PROFILES):
        backend.save_profile(
            {
                "id": f"p{p}",
                "name": f"Profile {p}",
                "jira_config": {"base_url": f"https://jira{p}.example.com", "token": "t" * 24},
                "forecast_settings": {"pert_factor": 1.5, "data_points_count": 12},
            }
        )
    now = "2026-11-23T00:00:00.000Z"
    with backend.session() as conn, write_transaction(conn):
        insert_queries(conn, PROFILES, QUERIES_PER_PROFILE, now)
    backend.save_jira_cache(
        "p0",
        "q0",
        "search-1000",
        {"issues": [jira_issue(n) for n in range(CACHED_ISSUES)], "total": CACHED_ISSUES},
        "2099-01-01T00:00:00.000Z",
    )
    set_backend(backend)
    return plans.create_plan("p0", "q0", "Release 2.0", plan_document(0))


def plan_document(n: int) -> dict[str, object]:
    return {
        "name": "Release 2.0",
        "type": "release",
        "status": "active",
        "scope_target": {"items": 40, "points": 120 + n},
        "scope_items": [{"key": f"DEMO-{k}", "decision": "approved"} for k in range(30)],
    }


def run(
    backend: SQLBackend, plan_id: str, repeat: int
) -> dict[str, tuple[list[float], list[float]]]:
    counter = iter(range(1, 10**9))
    calls: dict[str, tuple[Callable[[], object], int]] = {
        "get_profile": (lambda: backend.get_profile("p7"), repeat),
        "list_queries (100)": (lambda: backend.list_queries("p3"), repeat // 2),
        "create_version": (
            lambda: plans.create_version(plan_id, plan_document(next(counter))),
            repeat // 4,
        ),
        "get_jira_cache": (
            lambda: backend.get_jira_cache("p0", "q0", "search-1000"),
            max(repeat // 10, 5),
        ),
    }
    return {name: measure(fn, times) for name, (fn, times) in calls.items()}


@contextmanager
def sqlite_store() -> Iterator[SQLBackend]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ.pop("FLOWCAST_DATABASE_URL", None)
        os.environ["FLOWCAST_DATA_DIR"] = folder
        set_backend(None)
        backend = get_backend()  # the default: its database anchored, as in the app
        assert isinstance(backend, SQLBackend)
        yield backend
        set_backend(None)


@contextmanager
def postgres_store(server: str) -> Iterator[SQLBackend]:
    import psycopg

    name = f"flowcast_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            os.environ["FLOWCAST_DATABASE_URL"] = urlunsplit(
                urlsplit(server)._replace(path=f"/{name}")
            )
            set_backend(None)
            backend = get_backend()
            assert isinstance(backend, SQLBackend)
            yield backend
            set_backend(None)  # closes its pool
        finally:
            os.environ.pop("FLOWCAST_DATABASE_URL", None)
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Fewer repetitions.")
    args = parser.parse_args()
    repeat = 200 if args.quick else 1000
    results = {}
    for engine, store in (
        ("SQLite", sqlite_store()),
        ("PostgreSQL", postgres_store(os.environ.get(SERVER_ENV) or DEFAULT_SERVER)),
    ):
        with store as backend:
            started = time.perf_counter()
            plan_id = build(backend)
            print(
                f"{engine}: {PROFILES} profiles × {QUERIES_PER_PROFILE} queries, "
                f"{CACHED_ISSUES:,} cached issues, a plan, in {time.perf_counter() - started:.1f} s"
            )
            results[engine] = run(backend, plan_id, repeat)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; ms per call")
    print(
        f"{'operation':22} {'SQLite p50 / p99 (cpu p50)':>30} {'PostgreSQL p50 / p99 (cpu p50)':>34}  goal"
    )
    for name, goal in GOALS_MS.items():
        cells = []
        for engine in ("SQLite", "PostgreSQL"):
            wall, cpu = results[engine][name]
            (p50, p99), (cpu50, _) = percentiles(wall), percentiles(cpu)
            cells.append(f"{p50:8.2f} / {p99:8.2f} ({cpu50:6.2f})")
        print(f"{name:22} {cells[0]:>30} {cells[1]:>34}  p99 < {goal} ms")


if __name__ == "__main__":
    main()

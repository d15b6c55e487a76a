"""Plan versioning benchmarks: create_version latency, history of 1,000 versions, search over 10,000 plans.

Prints p50 / p99 in milliseconds; never asserts on time. Goals (issue 5): create_version p99 < 3 ms,
history of a 1,000-version plan < 20 ms, indexed search over 10,000 plans < 5 ms; the non-indexed
nested-path search is reported for comparison.

    .venv/bin/python bench/bench_plans.py            # default sizes (~1 min here)
    FLOWCAST_BENCH_PLANS=50000 .venv/bin/python bench/bench_plans.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data import plans  # noqa: E402
from data.db.connection import get_db_connection, initialize_database, write_transaction  # noqa: E402
from data.locations import DATA_DIR_ENV, get_db_path  # noqa: E402
from data.profiles import manager as pm  # noqa: E402
from data.store import get_backend  # noqa: E402

PLAN_COUNT = int(os.environ.get("FLOWCAST_BENCH_PLANS", "10000"))
VERSION_COUNT = 1_000
STATUSES = ("planned", "active", "at_risk", "done")
TYPES = ("release", "milestone", "sprint")


def document(i: int, *, items: int = 10) -> dict[str, Any]:
    return {
        "name": f"Plan {i}",
        "type": TYPES[i % len(TYPES)],
        # 1 in 100 plans is cancelled: a selective value for the indexed search.
        "status": "cancelled" if i % 100 == 0 else STATUSES[i % len(STATUSES)],
        "scope_target": {"items": 20 + i % 50, "points": float(i % 200)},
        "deadline": f"2027-{1 + i % 12:02d}-15",
        "forecast_settings": {"pert_factor": 1 + i % 5, "data_points_count": 12},
        "scope_items": [
            {"key": f"K-{i}-{n}", "decision": ("approved", "pending", "rejected")[n % 3]}
            for n in range(items)
        ],
    }


def timed(label: str, runs: int, call: Callable[[], Any]) -> None:
    """Wall-clock p50/p99/max, plus this process's CPU time p50 (less sensitive to a busy machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    cpu.sort()
    p50, p99 = wall[len(wall) // 2], wall[min(len(wall) - 1, int(len(wall) * 0.99))]
    print(
        f"{label:66} n={runs:4}  p50 {p50:7.3f} ms  p99 {p99:7.3f} ms  max {wall[-1]:7.3f} ms  "
        f"cpu p50 {cpu[len(cpu) // 2]:6.3f} ms"
    )


def bench_create_version(profile_id: str, query_id: str) -> str:
    plan_id = plans.create_plan(profile_id, query_id, "Versioned", document(1))
    counter = iter(range(2, 10**9))

    with get_backend().session():
        timed(
            "create_version, shared connection (synchronous=FULL)",
            500,
            lambda: plans.create_version(plan_id, document(next(counter)), "bench"),
        )
    with get_db_connection():
        # While any other connection is open (a running app), closing one does not checkpoint.
        timed(
            "create_version, fresh connection per call (API default)",
            300,
            lambda: plans.create_version(plan_id, document(next(counter)), "bench"),
        )
    timed(
        "create_version, fresh connection, no other open (close checkpoints)",
        100,
        lambda: plans.create_version(plan_id, document(next(counter)), "bench"),
    )
    same = plans.get_current_plan(plan_id)["data"]
    with get_backend().session():
        timed(
            "create_version, unchanged content (returns None, writes nothing)",
            300,
            lambda: plans.create_version(plan_id, same, "same"),
        )
    return plan_id


def bench_history(plan_id: str) -> None:
    with get_backend().session() as conn:
        have = plans.get_current_plan(plan_id)["version"]
        with write_transaction(conn):
            for n in range(have, VERSION_COUNT):
                plans.create_version(plan_id, document(10**6 + n), "fill")
        total = plans.get_current_plan(plan_id)["version"]
        timed(
            f"get_version_history, all {total} versions (no documents)",
            50,
            lambda: plans.get_version_history(plan_id, None),
        )
        timed(
            f"get_version_history, all {total} versions with documents + LAG",
            20,
            lambda: plans.get_version_history(plan_id, None, include_data=True),
        )
        timed(
            "get_version_history, newest 50 (default)",
            100,
            lambda: plans.get_version_history(plan_id),
        )
        timed(
            f"lineage from version {total} (recursive CTE)",
            50,
            lambda: plans.lineage(plan_id),
        )


def bench_search(profile_id: str, query_id: str) -> None:
    start = time.perf_counter()
    with get_backend().session() as conn, write_transaction(conn):
        for i in range(PLAN_COUNT):
            plans.create_plan(profile_id, query_id, f"Plan {i}", document(i, items=5))
    print(f"created {PLAN_COUNT} plans in {time.perf_counter() - start:.1f} s (one transaction)")
    cases: list[tuple[str, Any, int]] = [
        ("indexed  $.status = 'cancelled' (1%)", {"status": "cancelled"}, 100),
        ("indexed  $.status = 'at_risk' (~25%), top 100", {"status": "at_risk"}, 100),
        ("indexed  $.status = 'at_risk' (~25%), top 20", {"status": "at_risk"}, 20),
        (
            "indexed  $.type in [milestone, sprint], top 20",
            [("$.type", "in", ["milestone", "sprint"])],
            20,
        ),
        (
            "nested   $.forecast_settings.pert_factor = 5 (20%), top 20",
            {"$.forecast_settings.pert_factor": 5},
            20,
        ),
        ("nested   $.scope_target.points > 198 (1%)", [("$.scope_target.points", ">", 198)], 100),
        (
            "nested   $.scope_items[0].key = 'K-4242-0' (1 plan)",
            {"$.scope_items[0].key": "K-4242-0"},
            100,
        ),
        (
            "contains $.scope_items {key: 'K-4242-3'} (1 plan)",
            [("$.scope_items", "contains", {"key": "K-4242-3"})],
            100,
        ),
    ]
    with get_backend().session():
        for label, filters, limit in cases:
            found = len(plans.search_plans(filters, limit=limit))
            timed(
                f"search {label} -> {found}",
                30,
                lambda f=filters, n=limit: plans.search_plans(f, limit=n),
            )


def main() -> None:
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (wall times include waiting)"
    )
    with tempfile.TemporaryDirectory() as directory:
        os.environ[DATA_DIR_ENV] = directory
        initialize_database(get_db_path())
        profile_id = pm.create_profile("Bench")
        query_id = pm.create_query(profile_id, "Main", "project = BENCH")
        plan_id = bench_create_version(profile_id, query_id)
        bench_history(plan_id)
        bench_search(profile_id, query_id)


if __name__ == "__main__":
    main()

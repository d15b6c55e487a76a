"""Metrics engine benchmarks: everything the dashboard shows for one query, Monte Carlo alone, and a
26-week snapshot backfill, on synthetic issues written straight into a fresh SQLite file.

    python bench/bench_metrics.py            # 10k issues / 120k transitions (+ 100k / 1.2M)
    python bench/bench_metrics.py --quick    # skip the 100k / 1.2M run

Prints numbers; never asserts on time. Goals (issue 4): dashboard < 1 s at 10k, < 8 s at 100k
with peak memory < 1.5 GB; Monte Carlo 10k trials < 100 ms; backfill 26 weeks at 10k < 5 s (issue 16:
< 0.4 s).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.analytics import cache  # noqa: E402
from data.analytics.report import build_report, load_context, report_from_context  # noqa: E402
from data.analytics.snapshots import snapshot_weeks  # noqa: E402
from data.db.connection import get_db_connection, write_transaction  # noqa: E402
from data.locations import DATA_DIR_ENV, get_db_path  # noqa: E402
from data.metrics.forecast import monte_carlo_when  # noqa: E402
from data.store import set_backend  # noqa: E402
from data.store.issues import pack_transitions  # noqa: E402
from data.store.sqlite_backend import SQLiteBackend  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
WORKFLOW = ["To Do", "In Progress", "Review", "Done"]
CATEGORY = {
    "To Do": "new",
    "In Progress": "indeterminate",
    "Review": "indeterminate",
    "Done": "done",
}


def _iso(ms: np.ndarray) -> list[str]:
    text = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")
    return [t + "Z" for t in text]


def generate(conn, issues: int, transitions_per_issue: int, seed: int = 7) -> int:
    """Issues created over the last year, walking To Do → In Progress ⇄ Review → Done."""
    rng = np.random.default_rng(seed)
    now_ms = int(NOW.timestamp() * 1000)
    created = now_ms - rng.integers(0, 365 * 86_400_000, issues)
    steps = np.full(issues, transitions_per_issue)
    total = int(steps.sum())
    owner = np.repeat(np.arange(issues), steps)
    gaps = rng.exponential(86_400_000.0, total).astype("int64") + 60_000
    offsets = np.cumsum(gaps)
    boundaries = np.r_[0, np.cumsum(steps)]
    # Time since the issue's creation = running sum of its own gaps.
    before = offsets[boundaries[:-1]] - gaps[boundaries[:-1]]
    at = created[owner] + offsets - np.repeat(before, steps)
    # Statuses: alternate In Progress / Review, last one Done for ~70% of issues.
    index_in_issue = np.arange(total) - np.repeat(boundaries[:-1], steps)
    to_status = np.where(index_in_issue % 2 == 0, 1, 2)
    finished = rng.random(issues) < 0.7
    last = boundaries[1:] - 1
    to_status[last[finished]] = 3
    future = at > now_ms
    to_status_names = np.array(WORKFLOW, dtype=object)[to_status]
    from_status = np.r_[0, to_status[:-1]]
    from_status[boundaries[:-1]] = 0
    from_names = np.array(WORKFLOW, dtype=object)[from_status]
    keep = ~future
    final_status = np.zeros(issues, "int64")
    kept_owner = owner[keep]
    final_status[kept_owner] = to_status[keep]  # last kept wins (sorted)
    types = np.where(rng.random(issues) < 0.8, "Story", "Bug").astype(object)
    types[rng.random(issues) < 0.03] = "Incident"
    points = rng.choice([1.0, 2.0, 3.0, 5.0, 8.0], issues)
    versions = [f"2026.{w:02d}" for w in range(1, 53)]
    version_of = ((created - (now_ms - 365 * 86_400_000)) // (7 * 86_400_000)).clip(0, 51)
    created_iso = _iso(created)
    at_iso = _iso(at)
    statuses = np.array(WORKFLOW, dtype=object)[final_status]
    resolved = np.full(issues, None, dtype=object)
    done_issue = final_status == 3
    last_at = np.zeros(issues, "int64")
    last_at[kept_owner] = at[keep]
    resolved[done_issue] = _iso(last_at[done_issue])
    start_date = (NOW - timedelta(days=365)).date()
    with write_transaction(conn):
        conn.executemany(
            "INSERT INTO issues (profile_id, issue_key, issue_id, project_key, issue_type, summary, status, "
            "status_category, priority, created, updated, resolved, points, fields, changelog_total, fetched_at) "
            "VALUES ('bench', ?, ?, 'B', ?, '', ?, ?, 'Medium', ?, ?, ?, ?, jsonb(?), ?, ?)",
            (
                (
                    f"B-{i}",
                    str(i),
                    types[i],
                    statuses[i],
                    CATEGORY[statuses[i]],
                    created_iso[i],
                    created_iso[i],
                    resolved[i],
                    points[i],
                    json.dumps(
                        {
                            "fixVersions": [
                                {
                                    "name": versions[version_of[i]],
                                    "released": bool(done_issue[i]),
                                    "releaseDate": str(
                                        start_date + timedelta(days=7 * int(version_of[i]) + 10)
                                    ),
                                }
                            ]
                            if done_issue[i]
                            else []
                        }
                    ),
                    int(steps[i]),
                    created_iso[i],
                )
                for i in range(issues)
            ),
        )
        keys = [f"B-{i}" for i in range(issues)]
        conn.executemany(
            "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, from_status, to_status) "
            "VALUES ('bench', ?, ?, ?, ?, ?)",
            (
                (
                    keys[owner[j]],
                    int(index_in_issue[j]),
                    at_iso[j],
                    from_names[j],
                    to_status_names[j],
                )
                for j in np.flatnonzero(keep)
            ),
        )
        conn.executemany(
            "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) VALUES ('bench', 'all', ?, ?)",
            ((k, created_iso[0]) for k in keys),
        )
        pack_transitions(conn, "bench")
    return int(keep.sum())


class PeakMemory:
    """Samples this process's resident memory every 5 ms."""

    def __init__(self) -> None:
        self.process = psutil.Process(os.getpid())
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> PeakMemory:
        self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def setup(directory: Path, issues: int, per_issue: int) -> tuple[SQLiteBackend, int, float]:
    # The standard location, so build_report's own connection finds the same file.
    os.environ[DATA_DIR_ENV] = str(directory)
    backend = SQLiteBackend(get_db_path())
    set_backend(backend)
    backend.save_profile(
        {
            "id": "bench",
            "name": "Bench",
            "jira_config": {"points_field": "customfield_10016"},
            "forecast_settings": {"deadline": "2027-03-01", "data_points_count": 12},
            "field_mappings": {"dora": {"deployment_source": "fix_versions"}},
        }
    )
    backend.save_query("bench", {"id": "all", "name": "All", "jql": "project = B"})
    started = time.perf_counter()
    with get_db_connection(backend.db_path) as conn:
        transitions = generate(conn, issues, per_issue)
    return backend, transitions, time.perf_counter() - started


def dashboard_run(label: str, issues: int, per_issue: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _, transitions, seconds = setup(Path(tmp), issues, per_issue)
        print(
            f"[{label}] generated {issues:,} issues / {transitions:,} transitions in {seconds:.1f} s"
        )
        gc.collect()
        times, cpu = [], []
        with PeakMemory() as memory:
            for _ in range(repeats):
                cache.clear()  # every run reads SQLite, as the first read of new data does
                started, started_cpu = time.perf_counter(), time.process_time()
                report = build_report("bench", "all", NOW)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
        # CPU time is printed too: on a shared machine wall time also counts waiting for a core.
        print(
            f"[{label}] dashboard (read + weekly + burndown + PERT + Monte Carlo 10k x2 + flow + cycle "
            f"time + CFD + ageing + DORA): median {statistics.median(times):.3f} s wall / "
            f"{statistics.median(cpu):.3f} s CPU, min {min(times):.3f} s over {repeats} runs; "
            f"peak RSS {memory.peak / 2**20:.0f} MiB"
        )
        cache.clear()
        started = time.perf_counter()
        context = load_context("bench", "all", NOW)
        loaded = time.perf_counter() - started
        report_from_context(context)
        print(
            f"[{label}] of which: SQLite read into frames + history replay {loaded:.3f} s, "
            f"all sections {time.perf_counter() - started - loaded:.3f} s"
        )
        started = time.perf_counter()
        load_context("bench", "all", NOW)
        print(
            f"[{label}] frames from the frame cache (unchanged data) + history replay "
            f"{time.perf_counter() - started:.3f} s"
        )
        print(
            f"[{label}] sanity: cycle-time P85 {report.cycle.cycle_time.percentiles_days}, "
            f"throughput mean {report.forecast.pert_items.most_likely_rate}"
        )
        if issues <= 20_000:
            started, started_cpu = time.perf_counter(), time.process_time()
            weeks = snapshot_weeks("bench", "all", backfill=26, now=NOW)
            wall = time.perf_counter() - started
            print(
                f"[{label}] backfill of {len(weeks)} weeks: {wall:.2f} s wall / "
                f"{time.process_time() - started_cpu:.2f} s CPU (goal < 0.4 s, issue 16: "
                f"{'met' if wall < 0.4 else 'NOT met'}; bench_startup.py compares it with the "
                "previous main)"
            )


def monte_carlo_run() -> None:
    rng = np.random.default_rng(1)
    samples = rng.poisson(9, 12).astype(float)
    times, cpu = [], []
    for seed in range(20):
        started, started_cpu = time.perf_counter(), time.process_time()
        monte_carlo_when(samples, 400, NOW.date(), trials=10_000, seed=seed)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    times.sort()
    print(
        f"[monte carlo] 10,000 trials, 400 items at ~9/week: p50 {statistics.median(times) * 1000:.1f} ms "
        f"wall / {statistics.median(cpu) * 1000:.1f} ms CPU, p99 {times[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k / 1.2M run")
    args = parser.parse_args()
    monte_carlo_run()
    dashboard_run("10k", 10_000, 12, repeats=5)
    if not args.quick and os.environ.get("FLOWCAST_BENCH_QUICK") != "1":
        dashboard_run("100k", 100_000, 12, repeats=2)


if __name__ == "__main__":
    main()

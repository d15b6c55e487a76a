"""Flow page benchmark (issue 11 §5): everything the Flow page draws — the five Flow metrics, cycle
time, CFD, ageing, quality and the flow views (ageing bands, blocked time, stale work, net flow,
WIP run, defects) — on bench_metrics' synthetic issues plus Flagged histories, and the flow views
alone.

    python bench/bench_flow.py            # 10k issues / ~118k transitions, then 100k / ~1.18M
    python bench/bench_flow.py --quick    # skip the 100k run

Prints numbers; never asserts on time. Goals: all Flow page data < 0.5 s at 10k; < 5 s and
< 1.5 GB peak RSS at 100k.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data.analytics import cache  # noqa: E402
from data.analytics.flow_views import flow_views_section  # noqa: E402
from data.analytics.report import (  # noqa: E402
    cycle_section,
    flow_section,
    load_context,
    quality_section,
)
from data.db.connection import get_db_connection, write_transaction  # noqa: E402


def _metrics_bench() -> Any:
    """bench_metrics' generator and memory sampler (one synthetic data set for both)."""
    spec = importlib.util.spec_from_file_location(
        "bench_metrics", ROOT / "bench" / "bench_metrics.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_flags(db_path: Path, issues: int, seed: int = 3) -> int:
    """A Flagged period (set, then cleared 1-10 days later, or still set) on about 15% of the
    issues, at a random time of their first 60 days."""
    bm = _metrics_bench()
    rng = np.random.default_rng(seed)
    chosen = np.flatnonzero(rng.random(issues) < 0.15)
    with get_db_connection(db_path) as conn, write_transaction(conn):
        created = dict(
            conn.execute(
                "SELECT issue_key, unixepoch(created, 'subsec') * 1000 FROM issues WHERE profile_id = 'bench'"
            ).fetchall()
        )
        rows = []
        for i in chosen:
            key = f"B-{i}"
            start = int(created[key] + rng.uniform(0, 60) * 86_400_000)
            rows.append((key, 0, bm._iso(np.array([start]))[0], "Impediment"))
            if rng.random() < 0.8:
                end = start + int(rng.uniform(1, 10) * 86_400_000)
                rows.append((key, 1, bm._iso(np.array([end]))[0], None))
        conn.executemany(
            "INSERT INTO issue_flag_changes (profile_id, issue_key, seq, changed_at, value) "
            "VALUES ('bench', ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def flow_page(now: Any) -> tuple[Any, ...]:
    ctx = load_context("bench", "all", now)
    cycle = cycle_section(ctx)
    return (
        flow_section(ctx),
        cycle,
        quality_section(ctx),
        flow_views_section(ctx, cycle.ageing_wip),
    )


def run(label: str, issues: int, repeats: int) -> None:
    bm = _metrics_bench()
    with tempfile.TemporaryDirectory() as tmp:
        backend, transitions, seconds = bm.setup(Path(tmp), issues, 12)
        profile = backend.get_profile("bench")
        # A blocked status too, so both sources of blocked time are in the numbers.
        profile["field_mappings"] = {**profile["field_mappings"], "blocked_statuses": ["Review"]}
        backend.save_profile(profile)
        flags = add_flags(backend.db_path, issues)
        print(
            f"[{label}] generated {issues:,} issues / {transitions:,} transitions / "
            f"{flags:,} Flagged changes in {seconds:.1f} s"
        )
        now = bm.NOW
        gc.collect()
        cold, warm, views_only = [], [], []
        with bm.PeakMemory() as memory:
            for _ in range(repeats):
                cache.clear()  # the first Flow page after new data: SQLite, replay, sections
                started, cpu = time.perf_counter(), time.process_time()
                flow_page(now)
                cold.append((time.perf_counter() - started, time.process_time() - cpu))
                cache.clear()
                load_context("bench", "all", now)  # frames in the frame cache from here on
            for _ in range(repeats):
                # A Flow page from the frame cache: the replay and every section.
                started, cpu = time.perf_counter(), time.process_time()
                ctx = load_context("bench", "all", now)
                cycle = cycle_section(ctx)
                flow_section(ctx), quality_section(ctx)
                flow_views_section(ctx, cycle.ageing_wip)
                warm.append((time.perf_counter() - started, time.process_time() - cpu))
                started, cpu = time.perf_counter(), time.process_time()
                views = flow_views_section(ctx, cycle.ageing_wip)
                views_only.append((time.perf_counter() - started, time.process_time() - cpu))

        def median(pairs: list[tuple[float, float]]) -> str:
            return (
                f"{statistics.median(p[0] for p in pairs):.3f} s wall / "
                f"{statistics.median(p[1] for p in pairs):.3f} s CPU"
            )

        print(
            f"[{label}] Flow page data from SQLite (read + replay + every section): {median(cold)}"
        )
        print(
            f"[{label}] Flow page data from the frame cache (replay + every section): {median(warm)}"
        )
        print(
            f"[{label}] the flow views alone: {median(views_only)}; peak RSS {memory.peak / 2**20:.0f} MiB"
        )
        print(
            f"[{label}] sanity: {len(views.ageing.items):,} in progress, "
            f"{len(views.ageing.past_p85):,} past P85, {views.blocked.blocked_now:,} blocked now, "
            f"{len(views.stale):,} stale, {len(views.wip_run):,} WIP days, "
            f"bug share {views.defects.share_of_throughput}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100k / 1.18M run")
    args = parser.parse_args()
    run("10k", 10_000, repeats=5)
    if not args.quick and os.environ.get("FLOWCAST_BENCH_QUICK") != "1":
        run("100k", 100_000, repeats=2)


if __name__ == "__main__":
    main()

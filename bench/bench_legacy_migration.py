"""Legacy JSON → SQLite migration throughput (issue 2 §8; goal < 3 s for 10,000 issues).

    python bench/bench_legacy_migration.py                 # 10,000 issues × 12 histories, 3 runs
    python bench/bench_legacy_migration.py --issues 1000   # the seed's size (its target: 5 s)

Builds a legacy tree (one profile, one query, ``jira_cache.json`` with the issues and
``jira_changelog_cache.json`` with ~12 histories each, every second one a status change), then
times ``migrate_legacy`` into a fresh database: backup, parse, one transaction, content checks.
Prints wall time and rows/s; never asserts on time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.legacy.migration import migrate_legacy  # noqa: E402
from tests.legacy_tree import write_legacy_tree  # noqa: E402


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "profiles").rglob("*.json"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--histories", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        legacy = write_legacy_tree(
            Path(scratch) / "legacy", issues=args.issues, histories=args.histories
        )
        print(
            f"legacy tree: {args.issues:,} issues × {args.histories} histories, "
            f"{tree_bytes(legacy) / 1e6:.1f} MB of JSON"
        )
        times, cpu, phases = [], [], []
        for run in range(args.runs):
            target = Path(scratch) / f"run-{run}"
            target.mkdir()
            os.environ["FLOWCAST_DATA_DIR"] = str(target)
            started, cpu_started = time.perf_counter(), time.process_time()
            report = migrate_legacy(legacy)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            phases.append(report.phase_seconds)
        totals = report.totals()
        rows = (
            totals["issues"] * 2  # issues + query membership
            + totals["transitions"]
            + totals["changelog_entries"]
            + totals["cache_entries"]
            + totals["snapshots"]
        )
        best, median = min(times), statistics.median(times)
        print(
            f"migrated {totals['issues']:,} issues, {totals['transitions']:,} transitions, "
            f"{totals['changelog_entries']:,} cached changelogs ({rows:,} rows)"
        )
        print(
            f"wall time: median {median:.2f} s, best {best:.2f} s over {args.runs} run(s) "
            f"(goal < 3 s for 10,000 issues) — {rows / median:,.0f} rows/s, "
            f"{totals['issues'] / median:,.0f} issues/s"
        )
        print(
            "phases (median): "
            + ", ".join(
                f"{name} {statistics.median(p[name] for p in phases):.2f} s" for name in phases[0]
            )
        )
        # On a shared machine wall time includes waiting for a CPU; CPU time does not.
        print(
            f"CPU time: median {statistics.median(cpu):.2f} s; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()

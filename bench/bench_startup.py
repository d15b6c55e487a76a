"""Issue 16's figures, each run alternately on this tree and on the previous main
(FLOWCAST_BENCH_BASELINE, see bench/baseline.py), on the same data: ``flowcast --help`` and
``flowcast report --json`` of 10,000 issues from a warm cache as whole processes, a 26-week
snapshot backfill of the same 10,000 issues and a 52-week one of 100,000, and the uncached read of
10,000 and 100,000 issues (SQLite into frames + history replay, ``load_context`` after
``cache.clear()``) — the backfills and reads are the step alone, without the process start-up.
The previous main runs on a copy of the data at its own schema version (``baseline_data``).

    python bench/bench_startup.py

Prints numbers; never asserts on time. Goals: ``--help`` < 0.15 s, ``report --json`` at 10k < 0.4 s,
backfill of 26 weeks at 10k < 0.4 s and of 52 weeks at 100k < 3 s, uncached read at 100k < 1.5 s (at 10k a tenth of it, 0.15 s:
the read should grow no faster than the data).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import THIS_TREE, baseline_data, baseline_tree, compare, run_in  # noqa: E402
from bench_metrics import setup  # noqa: E402

from data.locations import DATA_DIR_ENV  # noqa: E402

FLOWCAST = ["-c", "import sys; from cli.main import main; sys.argv[0] = 'flowcast'; main()"]
ROUNDS = 7
BACKFILL = """
import time
from datetime import UTC, datetime
from data.analytics.snapshots import snapshot_weeks
started, started_cpu = time.perf_counter(), time.process_time()
snapshot_weeks("bench", "all", backfill={weeks}, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
print(time.perf_counter() - started, time.process_time() - started_cpu)
"""
UNCACHED_READ = """
import time
from datetime import UTC, datetime
from data.analytics import cache
from data.analytics.report import load_context
cache.clear()
started, started_cpu = time.perf_counter(), time.process_time()
load_context("bench", "all", datetime(2026, 11, 23, 12, tzinfo=UTC))
print(time.perf_counter() - started, time.process_time() - started_cpu)
"""


def main() -> None:
    compare("flowcast --help", 0.15, [*FLOWCAST, "--help"], {}, ROUNDS)
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as copy:
        setup(Path(tmp), 10_000, 12)
        env = {DATA_DIR_ENV: tmp}
        reference = baseline_data(Path(tmp), Path(copy))
        other = {DATA_DIR_ENV: str(reference)} if reference else None
        report = [*FLOWCAST, "report", "--json", "--profile", "bench", "--query", "all"]
        run_in(THIS_TREE, report, env)  # warms the frame cache, as a second report finds it
        if reference is not None:
            run_in(baseline_tree() or THIS_TREE, report, other or env)
        compare("flowcast report --json, 10k issues, warm cache", 0.4, report, env, ROUNDS,
                baseline_env=other)  # fmt: skip
        backfill = ["-c", BACKFILL.format(weeks=26)]
        compare("snapshot backfill of 26 weeks, 10k issues", 0.4, backfill, env, 5, inside=True,
                baseline_env=other)  # fmt: skip
        read = ["-c", UNCACHED_READ]
        compare("uncached read + history replay, 10k issues", 0.15, read, env, 5, inside=True,
                baseline_env=other)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as copy:
        setup(Path(tmp), 100_000, 12)
        env = {DATA_DIR_ENV: tmp}
        reference = baseline_data(Path(tmp), Path(copy))
        other = {DATA_DIR_ENV: str(reference)} if reference else None
        compare("uncached read + history replay, 100k issues", 1.5, read, env, 5, inside=True,
                baseline_env=other)  # fmt: skip
        backfill = ["-c", BACKFILL.format(weeks=52)]
        compare("snapshot backfill of 52 weeks, 100k issues", 3.0, backfill, env, 3, inside=True,
                baseline_env=other)  # fmt: skip


if __name__ == "__main__":
    main()

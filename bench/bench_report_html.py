"""Issue 13 §4: the standalone HTML report of 10,000 issues (bench_metrics' data, 12 transitions
each, 26 weekly snapshots, frames in the warm disk cache as after a fetch): a whole
``flowcast report --html`` process (wall and CPU time, the median of 3; with
FLOWCAST_BENCH_BASELINE also the previous main's, see bench/baseline.py), the file's size, and
where the time goes inside (reading the bundle, rendering the HTML). The load average is printed
before and after: on a shared 2-core machine wall time counts waiting for a core too.

    python bench/bench_report_html.py

Prints numbers; never asserts on time. Goals: < 2 s wall for the whole process, < 6 MB.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import THIS_TREE, baseline_tree, compare, run_in  # noqa: E402
from bench_metrics import NOW, setup  # noqa: E402

from data.analytics import cache  # noqa: E402
from data.analytics.report_bundle import build_report_bundle  # noqa: E402
from data.analytics.snapshots import snapshot_weeks  # noqa: E402
from data.locations import DATA_DIR_ENV  # noqa: E402
from layouts.report_html import report_html  # noqa: E402

ISSUES = 10_000
ROUNDS = 3
AS_OF = NOW.isoformat()
FLOWCAST = ["-c", "import sys; from cli.main import main; sys.argv[0] = 'flowcast'; main()"]


def load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def inside() -> tuple[float, float, float]:
    """(read s, render s, CPU s of both) of one report in this process; the per-process context
    memo is emptied first, as a CLI run starts without it."""
    cache.clear_contexts()
    cpu = time.process_time()
    started = time.perf_counter()
    bundle = build_report_bundle("bench", "all", AS_OF, per_item=False)  # as report --html
    read = time.perf_counter() - started
    started = time.perf_counter()
    report_html(bundle)
    return read, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    print(f"HTML report, {ISSUES:,} issues ({load()} before)")
    with tempfile.TemporaryDirectory() as tmp:
        _backend, transitions, _seconds = setup(Path(tmp), ISSUES, 12)
        snapshot_weeks("bench", "all", backfill=26, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
        out = Path(tmp) / "report.html"
        args = [*FLOWCAST, "report", "--profile", "bench", "--query", "all", "--as-of", AS_OF,
                "--html", str(out)]  # fmt: skip
        env = {DATA_DIR_ENV: tmp}
        for tree in filter(None, [THIS_TREE, baseline_tree()]):
            run_in(tree, args, env)  # warms the frame cache, as a report after a fetch finds it
        compare(f"  flowcast report --html ({transitions:,} transitions)", 2, args, env, ROUNDS)
        size = out.stat().st_size
        runs = [inside() for _ in range(ROUNDS)]
    print(f"  file size {size / 1_000_000:.2f} MB (goal < 6 MB: "
          f"{'met' if size < 6_000_000 else 'NOT met'})")  # fmt: skip
    print(f"  inside the process: read (bundle) median "
          f"{statistics.median(r[0] for r in runs):.2f} s, render (HTML) "
          f"{statistics.median(r[1] for r in runs):.2f} s wall, both "
          f"{statistics.median(r[2] for r in runs):.2f} s CPU")  # fmt: skip
    print(f"  ({load()} after)")


if __name__ == "__main__":
    main()

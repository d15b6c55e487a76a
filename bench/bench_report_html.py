"""Issue 13 §4: the standalone HTML report of 10,000 issues (bench_metrics' data, 12 transitions
each, 26 weekly snapshots): the time to read it (build_report_bundle, frames from a warm cache),
to render it (layouts.report_html) and the file's size.

    python bench/bench_report_html.py

Prints numbers; never asserts on time. Goals: < 2 s for the whole file, < 6 MB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import NOW, setup  # noqa: E402

from data.analytics import cache  # noqa: E402
from data.analytics.report_bundle import build_report_bundle  # noqa: E402
from data.analytics.snapshots import snapshot_weeks  # noqa: E402
from layouts.report_html import report_html  # noqa: E402

ISSUES = 10_000
ROUNDS = 5
AS_OF = NOW.isoformat()


def one() -> tuple[float, float, int, float]:
    """(read s, render s, bytes, CPU s of both) of one report; the per-process context memo is emptied first,
    as a CLI run starts without it (the frames stay in the disk cache, as they do after a
    fetch)."""
    cache.clear_contexts()
    cpu = time.process_time()
    started = time.perf_counter()
    bundle = build_report_bundle("bench", "all", AS_OF)
    read = time.perf_counter() - started
    started = time.perf_counter()
    content = report_html(bundle)
    render = time.perf_counter() - started
    return read, render, len(content.encode("utf-8")), time.process_time() - cpu


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _backend, transitions, _seconds = setup(Path(tmp), ISSUES, 12)
        snapshot_weeks("bench", "all", backfill=26, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
        one()  # warms the frame cache
        runs = [one() for _ in range(ROUNDS)]
    total = [run[0] + run[1] for run in runs]
    size = runs[-1][2]
    cpu = statistics.median(run[3] for run in runs)
    print(f"HTML report, {ISSUES:,} issues / {transitions:,} transitions, {ROUNDS} runs:")
    print(f"  read (bundle)  median {statistics.median(run[0] for run in runs):.2f} s")
    print(f"  render (HTML)  median {statistics.median(run[1] for run in runs):.2f} s")
    print(f"  whole file     median {statistics.median(total):.2f} s, max {max(total):.2f} s"
          f"  (goal < 2 s: {'met' if statistics.median(total) < 2 else 'NOT met'})")  # fmt: skip
    print(f"  whole file CPU median {cpu:.2f} s (wall time on a loaded machine is higher)")
    print(f"  file size      {size / 1_000_000:.2f} MB"
          f"  (goal < 6 MB: {'met' if size < 6_000_000 else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()

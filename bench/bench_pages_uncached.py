"""The uncached Flow and Forecast pages against a previous commit (issue 10: "behaviour and speed
stay", within 10 % of the baseline): each page callback called as a plain function plus Dash's
JSON encoding, with both caches emptied before every call (the query read from SQLite), on this
tree and on the baseline tree alternately, each on a 10,000-issue database its own
``bench/bench_dashboard.py`` builds from the same generator and seed.

    FLOWCAST_BENCH_BASELINE=/path/to/checkout python bench/bench_pages_uncached.py [--rounds 3]

The baseline may be older than ``baseline_data``'s schema downgrade reaches (e.g. 98b8d7c, before
the data/ layers), so each tree builds its data itself. Prints numbers; never asserts on time.
Goals: each page's CPU within 1.10x of the baseline's; a callback under 300 ms (issue 6).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import THIS_TREE, baseline_tree, compare, run_in  # noqa: E402

DATA_DIR_ENV = "FLOWCAST_DATA_DIR"  # the same name in every Flowcast since the first release
BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, ".")
from bench.bench_dashboard import build
build(Path(sys.argv[1]), 10_000)
print(0, 0)
"""
# Both cache layouts: data.analytics.cache (now) and the metrics package's before the layers.
MEASURE = """
import statistics, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from dash._utils import to_json
from callbacks import flow, forecast
if Path("data/analytics/cache.py").is_file():
    from data.analytics import cache
    def uncached():
        cache.clear_contexts()
        cache.clear()
else:
    from data.metrics import frame_cache, report
    def uncached():
        report._context_cache.clear()
        frame_cache.clear()
page = {{"flow": lambda: flow.render("bench", "all"),
        "forecast": lambda: forecast.render("bench", "all", "items")}}["{page}"]
page()  # imports and first-use work once
walls, cpus = [], []
for _ in range(9):
    uncached()
    started, started_cpu = time.perf_counter(), time.process_time()
    to_json(page())
    walls.append(time.perf_counter() - started)
    cpus.append(time.process_time() - started_cpu)
print(statistics.median(walls), statistics.median(cpus))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    reference = baseline_tree()
    with tempfile.TemporaryDirectory() as this_dir, tempfile.TemporaryDirectory() as base_dir:
        run_in(THIS_TREE, ["-c", BUILD, this_dir], {}, inside=True)
        if reference is not None:
            run_in(reference, ["-c", BUILD, base_dir], {}, inside=True)
        for page in ("flow", "forecast"):
            compare(
                f"{page} page, uncached, 10k issues (median of 9 calls; goal: CPU within 1.10x "
                "of the baseline)",
                0.3,
                ["-c", MEASURE.format(page=page)],
                {DATA_DIR_ENV: this_dir},
                args.rounds,
                inside=True,
                baseline_env={DATA_DIR_ENV: base_dir},
            )


if __name__ == "__main__":
    main()

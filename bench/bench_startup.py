"""CLI start-up as whole processes (issue 16): ``flowcast --help`` and ``flowcast report --json`` of
10,000 issues from a warm cache, each run alternately on this tree and on the previous main
(FLOWCAST_BENCH_BASELINE, see bench/baseline.py), on the same data.

    python bench/bench_startup.py

Prints numbers; never asserts on time. Goals: ``--help`` < 0.15 s, ``report --json`` at 10k < 0.4 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import THIS_TREE, baseline_tree, compare, run_in  # noqa: E402
from bench_metrics import setup  # noqa: E402

from data.locations import DATA_DIR_ENV  # noqa: E402

FLOWCAST = ["-c", "import sys; from cli.main import main; sys.argv[0] = 'flowcast'; main()"]
ROUNDS = 7


def main() -> None:
    compare("flowcast --help", 0.15, [*FLOWCAST, "--help"], {}, ROUNDS)
    with tempfile.TemporaryDirectory() as tmp:
        setup(Path(tmp), 10_000, 12)
        env = {DATA_DIR_ENV: tmp}
        report = [*FLOWCAST, "report", "--json", "--profile", "bench", "--query", "all"]
        for tree in filter(None, [THIS_TREE, baseline_tree()]):
            run_in(tree, report, env)  # warms the frame cache, as a second report finds it
        compare("flowcast report --json, 10k issues, warm cache", 0.4, report, env, ROUNDS)


if __name__ == "__main__":
    main()

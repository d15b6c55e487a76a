"""Benchmarks against the previous main: the same command run alternately on this tree and on a
reference tree, on the same data, in one run (issue 16). On a shared machine a figure alone is noise;
the ratio of two interleaved medians is not.

The reference is a checkout of the previous main named by ``FLOWCAST_BENCH_BASELINE``, e.g.
``git worktree add --detach /work/prev-main main`` then ``FLOWCAST_BENCH_BASELINE=/work/prev-main
make bench``. Without it a benchmark prints only its figure and goal, and says so.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

THIS_TREE = Path(__file__).resolve().parent.parent
BASELINE_ENV = "FLOWCAST_BENCH_BASELINE"


def baseline_tree() -> Path | None:
    """The reference tree named by FLOWCAST_BENCH_BASELINE, or None when unset."""
    value = os.environ.get(BASELINE_ENV)
    if not value:
        return None
    tree = Path(value).resolve()
    if not (tree / "cli" / "main.py").is_file():
        raise SystemExit(f"{BASELINE_ENV}={value} is not a Flowcast checkout (no cli/main.py).")
    return tree


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    peak_mb: float | None = None  # the child's own peak RSS, when it printed one


def run_in(tree: Path, args: list[str], env: dict[str, str], *, inside: bool = False) -> Timing:
    """Run ``python args`` with ``tree`` first on the import path (byte-code cached). The timing
    is the whole process's wall clock and user + system CPU time, or with ``inside`` what the
    child measured itself and printed as its last line, ``<wall seconds> <cpu seconds> [<peak RSS
    MiB>]`` (a step of a process without its start-up)."""
    child_env = {**os.environ, **env, "PYTHONPATH": str(tree)}
    # Byte-code is cached as an installed Flowcast's is: with PYTHONDONTWRITEBYTECODE inherited
    # (set on some shared machines) every run compiled the tree's ~100 modules again, ~0.15 s
    # CPU of a report no user pays. The first run of a tree writes its __pycache__ (ignored by git).
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = _now()
    done = subprocess.run(
        [sys.executable, *args], cwd=tree, env=child_env, check=True, capture_output=True, text=True
    )
    wall = _now() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if inside:
        measured = [float(v) for v in done.stdout.strip().splitlines()[-1].split()]
        return Timing(measured[0], measured[1], measured[2] if len(measured) > 2 else None)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def _now() -> float:
    import time

    return time.perf_counter()


BASELINE_SCHEMA = (
    "import sys; from data.db.schema import latest_version; sys.stdout.write(str(latest_version()))"
)


def baseline_data(data_dir: Path, into: Path) -> Path | None:
    """A copy of the benchmark's data directory for the baseline tree (None without one), with
    the database downgraded to the newest migration that tree knows: the previous main refuses a
    database a change's new migration has upgraded. The copy is the same data."""
    reference = baseline_tree()
    if reference is None:
        return None
    from data.db.connection import get_db_connection
    from data.db.schema import downgrade
    from data.locations import DB_FILENAME

    known = subprocess.run(
        [sys.executable, "-c", BASELINE_SCHEMA], cwd=reference, env={**os.environ,
        "PYTHONPATH": str(reference)}, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    shutil.copytree(data_dir, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns("cache"))
    with get_db_connection(next(into.rglob(DB_FILENAME))) as conn:
        downgrade(conn, int(known))
    return into


def compare(
    label: str,
    goal: float,
    args: list[str],
    env: dict[str, str],
    rounds: int,
    *,
    inside: bool = False,
    peak_goal_mb: float | None = None,
    baseline_env: dict[str, str] | None = None,
    server_cpu: Callable[[], float] | None = None,
) -> None:
    """Print ``label``'s median wall and CPU time on this tree with its goal (seconds) and, when a
    baseline is set, the ratio to the baseline's median from the same alternating rounds; with
    ``peak_goal_mb`` the same for the peak RSS the child printed (the baseline runs with
    ``baseline_env`` instead of ``env`` when given: ``baseline_data``); with ``server_cpu`` (a
    server's CPU seconds so far, e.g. the fake JIRA's) the median of what each run cost it."""
    reference = baseline_tree()
    new: list[Timing] = []
    old: list[Timing] = []
    served: dict[bool, list[float]] = {True: [], False: []}

    def run(tree: Path, run_env: dict[str, str]) -> Timing:
        before = server_cpu() if server_cpu is not None else 0.0
        timing = run_in(tree, args, run_env, inside=inside)
        if server_cpu is not None:
            served[tree == THIS_TREE].append(server_cpu() - before)
        return timing

    for _ in range(rounds):
        new.append(run(THIS_TREE, env))
        if reference is not None:
            old.append(run(reference, baseline_env or env))
    wall = statistics.median(t.wall for t in new)
    cpu = statistics.median(t.cpu for t in new)
    line = (
        f"{label}: median {wall:.3f} s wall / {cpu:.3f} s CPU over {rounds} runs "
        f"(goal < {goal:g} s: {'met' if wall < goal else 'NOT met'})"
    )
    if reference is None:
        line += f"; no baseline ({BASELINE_ENV} unset), so no ratio"
    else:
        old_wall = statistics.median(t.wall for t in old)
        old_cpu = statistics.median(t.cpu for t in old)
        line += (
            f"; previous main {old_wall:.3f} s wall / {old_cpu:.3f} s CPU, "
            f"ratio {wall / old_wall:.2f}x wall / {cpu / old_cpu:.2f}x CPU"
        )
    print(line, flush=True)
    if peak_goal_mb is not None:
        print(_peak_line(label, peak_goal_mb, new, old), flush=True)
    if server_cpu is not None:
        line = f"{label}: the server's own CPU median {statistics.median(served[True]):.3f} s a run"
        if served[False]:
            line += f"; previous main {statistics.median(served[False]):.3f} s"
        print(line, flush=True)


def _peak_line(label: str, goal_mb: float, new: list[Timing], old: list[Timing]) -> str:
    peak = statistics.median(t.peak_mb or 0.0 for t in new)
    line = f"{label}: peak RSS median {peak:.0f} MiB (goal < {goal_mb:g} MiB: " + (
        "met)" if peak < goal_mb else "NOT met)"
    )
    if old:
        old_peak = statistics.median(t.peak_mb or 0.0 for t in old)
        line += f"; previous main {old_peak:.0f} MiB, ratio {peak / old_peak:.2f}x"
    return line

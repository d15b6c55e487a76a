"""Sprint and epic metrics on 10,000 issues, 50 sprints and 300 epics (issue 12 §5).

Builds the frames the metrics read from a Scrum fake's model (no HTTP, no database: the metrics
alone), then times every started sprint's report, one burndown, the velocity, the forecast in
sprints (items and points) and the progress of every epic with its Monte Carlo. The fake's year
of work runs in weekly sprints here (``--sprint-days 7``: ~52 sprints, the issue's 50; its
default fortnight gives 27). Goal: < 0.3 s. Prints CPU and wall time (the machine is shared;
CPU time is the figure to compare); never asserts on time.

    python bench/bench_sprints.py [--issues 10000] [--sprint-days 7] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data.metrics.epics import epic_progress  # noqa: E402
from data.metrics.frames import NAT_MS, WEEK_MS  # noqa: E402
from data.metrics.sprints import (  # noqa: E402
    sprint_burndown,
    sprint_forecast,
    sprint_reports,
    velocity,
)
from fakejira import agile  # noqa: E402
from fakejira.dataset import Dataset  # noqa: E402

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def frames(
    issues: int, sprint_days: int = agile.SPRINT_DAYS
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    # A year of sprints (weekly: ~52); 3% epics of 10,000 issues give ~300.
    fortnight, agile.SPRINT_DAYS = agile.SPRINT_DAYS, sprint_days
    try:
        dataset = Dataset(issues=issues, seed=42, now=NOW, scrum=True)
    finally:
        agile.SPRINT_DAYS = fortnight
    sprints = dataset.sprints
    sprint_frame = pd.DataFrame(
        {
            "sprint_id": [s.id for s in sprints],
            "name": [s.name for s in sprints],
            "state": [s.state for s in sprints],
            "start": [s.start_ms if s.start_ms is not None else NAT_MS for s in sprints],
            "end": [s.end_ms if s.end_ms is not None else NAT_MS for s in sprints],
            "complete": [s.complete_ms if s.complete_ms is not None else NAT_MS for s in sprints],
        }
    )
    rows = []
    for issue in dataset.issues():
        for history in issue.histories:
            for name, old, new in history.changes:
                if name == "sprint":
                    rows += [(issue.key, history.created_ms, s, True) for s in new if s not in old]  # type: ignore[union-attr]
                    rows += [(issue.key, history.created_ms, s, False) for s in old if s not in new]  # type: ignore[union-attr]
    changes = pd.DataFrame(rows, columns=["key", "at", "sprint_id", "joined"])
    by_id = {i.id: i.key for i in dataset.issues()}
    issue_frame = pd.DataFrame(
        {
            "key": [i.key for i in dataset.issues()],
            "issue_type": [i.issue_type for i in dataset.issues()],
            "summary": [i.summary for i in dataset.issues()],
            "status": [i.status for i in dataset.issues()],
            "subtask": [i.issue_type == "Sub-task" for i in dataset.issues()],
            "parent": [by_id.get(i.parent_id) if i.parent_id else None for i in dataset.issues()],
            "points": [np.nan if i.points is None else i.points for i in dataset.issues()],
            "resolved": [
                i.resolved_ms if i.resolved_ms is not None else NAT_MS for i in dataset.issues()
            ],
        }
    )
    return sprint_frame, changes, issue_frame, dataset.now_ms


def run_once(
    sprints: pd.DataFrame, changes: pd.DataFrame, issues: pd.DataFrame, now: int
) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one pass over every metric."""
    started, cpu = time.perf_counter(), time.process_time()
    reports = sprint_reports(sprints, changes, issues, now)
    active = sprints[sprints["state"] == "active"].iloc[0]
    sprint_burndown(active, changes, issues, "America/Chicago", now)
    speeds = velocity(reports, 6)
    open_items = issues[(issues["resolved"] == NAT_MS) & ~issues["subtask"]]
    today = datetime.fromtimestamp(now / 1000, UTC).date()
    for unit, remaining in (
        ("items", len(open_items)),
        ("points", open_items["points"].fillna(0).sum()),
    ):
        sprint_forecast(
            speeds[f"completed_{unit}"].to_numpy(float), float(remaining), today + timedelta(days=7)
        )
    done = issues["resolved"].to_numpy("int64")
    start = now - 12 * WEEK_MS
    weeks = np.bincount(
        ((done[(done >= start) & (done < now)] - start) // WEEK_MS).astype("int64"), minlength=12
    )[:12]
    epic_progress(issues.rename(columns={"resolved": "done_at"}), weeks.astype(float), start, today)
    return time.process_time() - cpu, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--sprint-days", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sprints, changes, issues, now = frames(args.issues, args.sprint_days)
    epics = int((issues["issue_type"] == "Epic").sum())
    started = int((sprints["state"] != "future").sum())
    run_once(sprints, changes, issues, now)  # warm-up: imports and first-call caches
    runs = [run_once(sprints, changes, issues, now) for _ in range(args.runs)]
    cpu, wall = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"-- {len(issues):,} issues ({int(issues['subtask'].sum()):,} sub-tasks), {len(sprints)} "
        f"sprints ({started} started), {epics} epics, {len(changes):,} Sprint field changes"
    )
    print(
        f"sprint + epic metrics  CPU median {statistics.median(cpu):.3f} s (max {max(cpu):.3f})"
        f"   wall median {statistics.median(wall):.3f} s   (goal < 0.3 s; {args.runs} runs)"
    )


if __name__ == "__main__":
    main()

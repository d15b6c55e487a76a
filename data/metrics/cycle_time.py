"""Cycle time, cumulative flow and ageing work in progress (the jira-agile-metrics conventions).

Stage dates come from ``history.History.stage_days`` (local calendar days). Cycle time = done
date − committed date in whole days; percentiles interpolate linearly (pandas' default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.frames import NAT_MS, QueryFrames, as_of_day
from data.metrics.history import CANCELED, History

PERCENTILES = {"p50": 0.50, "p85": 0.85, "p95": 0.95}


def percentiles(values: np.ndarray) -> dict[str, float] | None:
    """P50/P85/P95 with linear interpolation; None for no values."""
    if len(values) == 0:
        return None
    return {k: float(np.quantile(values, q)) for k, q in PERCENTILES.items()}


@dataclass(frozen=True)
class CycleTime:
    committed_stage: str
    done_stage: str
    count: int
    percentiles_days: dict[str, float] | None
    scatter: pd.DataFrame  # key, issue_type, committed_date, done_date, cycle_time_days
    histogram: pd.DataFrame  # cycle_time_days, items
    stage_dates: pd.DataFrame  # key + one date column per stage


def cycle_time(frames: QueryFrames, history: History) -> CycleTime:
    status_map = history.status_map
    days = history.stage_days
    committed = days[:, status_map.committed_index] if days.shape[1] else np.zeros(0, "int64")
    done = days[:, status_map.done_index] if days.shape[1] else np.zeros(0, "int64")
    complete = (committed != NAT_MS) & (done != NAT_MS)
    values = (done - committed)[complete]
    scatter = pd.DataFrame(
        {
            "key": frames.issues["key"].to_numpy()[complete],
            "issue_type": frames.issues["issue_type"].to_numpy()[complete],
            "committed_date": committed[complete].astype("datetime64[D]"),
            "done_date": done[complete].astype("datetime64[D]"),
            "cycle_time_days": values.astype("int64"),
        }
    ).sort_values(["done_date", "key"], ignore_index=True)
    counts = np.bincount(values) if len(values) else np.zeros(0, "int64")
    histogram = pd.DataFrame(
        {"cycle_time_days": np.flatnonzero(counts), "items": counts[counts > 0]}
    )
    stage_dates = pd.DataFrame({"key": frames.issues["key"].to_numpy()})
    for index, name in enumerate(status_map.stage_names):
        # NAT_MS is numpy's NaT, so missing stage dates stay missing.
        stage_dates[name] = days[:, index].astype("datetime64[D]")
    return CycleTime(
        committed_stage=status_map.stage_names[status_map.committed_index],
        done_stage=status_map.stage_names[status_map.done_index],
        count=int(complete.sum()),
        percentiles_days=percentiles(values),
        scatter=scatter,
        histogram=histogram,
        stage_dates=stage_dates,
    )


def cumulative_flow(frames: QueryFrames, history: History, zone: str) -> pd.DataFrame:
    """Per local day from the first stage date to ``as_of``: issues that have reached each stage
    (a column per stage, earliest stage first; each column ≥ the next)."""
    days = history.stage_days
    names = list(history.status_map.stage_names)
    reached = days[days != NAT_MS]
    if reached.size == 0:
        return pd.DataFrame(columns=["date", *names])
    first, last = int(reached.min()), as_of_day(frames, zone)
    span = max(last - first + 1, 1)
    data: dict[str, object] = {"date": np.arange(first, first + span).astype("datetime64[D]")}
    for index, name in enumerate(names):
        column = days[:, index]
        column = column[(column != NAT_MS) & (column <= last)] - first
        data[name] = np.cumsum(np.bincount(column, minlength=span)[:span])
    return pd.DataFrame(data)


def ageing_wip(frames: QueryFrames, history: History, zone: str) -> pd.DataFrame:
    """Committed, not done, not canceled issues: age = today − committed date (days), stage now."""
    status_map = history.status_map
    days = history.stage_days
    columns = ["key", "issue_type", "stage", "committed_date", "age_days"]
    if days.size == 0:
        return pd.DataFrame(columns=columns)
    committed = days[:, status_map.committed_index]
    done = days[:, status_map.done_index]
    state = history.facts["state"].to_numpy()
    open_ = (committed != NAT_MS) & (done == NAT_MS) & (state != CANCELED)
    reached = days != NAT_MS
    # The current stage is the latest one with a date (backward moves cleared the later ones).
    current = days.shape[1] - 1 - np.argmax(reached[:, ::-1], axis=1)
    today = as_of_day(frames, zone)
    names = np.array(history.status_map.stage_names, dtype=object)
    return pd.DataFrame(
        {
            "key": frames.issues["key"].to_numpy()[open_],
            "issue_type": frames.issues["issue_type"].to_numpy()[open_],
            "stage": names[current[open_]],
            "committed_date": committed[open_].astype("datetime64[D]"),
            "age_days": (today - committed[open_]).astype("int64"),
        }
    ).sort_values(["age_days", "key"], ascending=[False, True], ignore_index=True)

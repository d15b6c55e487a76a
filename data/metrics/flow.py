"""The five Flow Framework metrics (velocity, time, efficiency, load, distribution) over a window.

Velocity, time, efficiency and distribution count only issues whose type maps to a flow item
(Feature, Defect, Risk, Debt); the others are listed in the data-quality note. Load is the one
work-in-progress count of every view (``History.wip``: committed, not done), of every type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.cycle_time import percentiles
from data.metrics.frames import DAY_MS, NAT_MS, local_day_of, local_midnight_ms, week_start_day
from data.metrics.history import History
from data.metrics.mappings import FLOW_ITEMS
from data.metrics.weekly import Window


@dataclass(frozen=True)
class FlowMetrics:
    window_weeks: int
    # Items completed per week in the window (all flow items), and its weekly breakdown.
    velocity_per_week: float | None
    velocity: pd.DataFrame  # week, Feature, Defect, Risk, Debt, total
    # Days from first Active/Waiting entry to Done, for items completed in the window.
    time_percentiles_days: dict[str, float] | None
    time_histogram: pd.DataFrame  # days (floor), items
    efficiency: float | None  # active / (active + waiting), summed over completed items
    load_now: int  # work in progress at as_of (committed, not done, not canceled)
    load: pd.DataFrame  # week, at (week end), items in progress then
    distribution: dict[str, float]  # share of completed items by flow item in the window
    distribution_weekly: pd.DataFrame  # week + share per flow item
    completed: int


def flow_items(issue_types: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    return issue_types.map(dict(mapping))


def flow_metrics(
    history: History, window: Window, zone: str, mapping: Mapping[str, str], as_of_ms: int
) -> FlowMetrics:
    facts = history.facts
    item = flow_items(facts["issue_type"], mapping)
    counted = item.notna().to_numpy()
    done = facts["done_at"].to_numpy()
    in_window = counted & (done != NAT_MS) & (done >= window.start_ms) & (done < window.end_ms)
    week_index = np.zeros(len(done), "int64")
    if in_window.any():
        week_index[in_window] = (
            week_start_day(local_day_of(done[in_window], zone)) - window.start_day
        ) // 7
    weeks = list(window.week_keys)
    item_code = pd.Categorical(item, categories=list(FLOW_ITEMS)).codes.astype("int64")
    cells = np.bincount(
        week_index[in_window] * len(FLOW_ITEMS) + item_code[in_window],
        minlength=len(weeks) * len(FLOW_ITEMS),
    ).reshape(len(weeks), len(FLOW_ITEMS))
    table = pd.DataFrame(cells, index=pd.Index(weeks, name="week"), columns=list(FLOW_ITEMS))
    table["total"] = cells.sum(axis=1)
    velocity = table.reset_index()
    total_done = int(in_window.sum())
    shares = (
        table[list(FLOW_ITEMS)].div(table["total"].where(table["total"] > 0), axis=0).fillna(0.0)
    )
    by_item = cells.sum(axis=0)

    flow_start = facts["flow_start"].to_numpy()
    timed = in_window & (flow_start != NAT_MS)
    flow_days = (done[timed] - flow_start[timed]) / DAY_MS
    bins = (
        np.bincount(np.floor(flow_days).astype("int64")) if len(flow_days) else np.zeros(0, "int64")
    )
    active = facts["active_ms"].to_numpy()[in_window].sum()
    waiting = facts["waiting_ms"].to_numpy()[in_window].sum()

    load_at = local_midnight_ms(window.start_day + 7 * np.arange(1, len(weeks) + 1), zone)
    # Flow load is work in progress (committed, not done) of every issue type, as the ageing
    # chart and its table count it.
    loads = history.wip.count_at(np.r_[load_at, as_of_ms])
    load_counts, load_now = loads[:-1], int(loads[-1])
    return FlowMetrics(
        window_weeks=window.weeks,
        velocity_per_week=total_done / window.weeks if window.weeks else None,
        velocity=velocity,
        time_percentiles_days=percentiles(flow_days),
        time_histogram=pd.DataFrame({"days": np.flatnonzero(bins), "items": bins[bins > 0]}),
        efficiency=float(active / (active + waiting)) if active + waiting > 0 else None,
        load_now=load_now,
        load=pd.DataFrame(
            {
                "week": weeks,
                "at": pd.to_datetime(load_at, unit="ms", utc=True),
                "items": load_counts,
            }
        ),
        distribution={
            name: float(by_item[i] / total_done) if total_done else 0.0
            for i, name in enumerate(FLOW_ITEMS)
        },
        distribution_weekly=shares.reset_index(),
        completed=total_done,
    )

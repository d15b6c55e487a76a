"""Epic progress (pure): each epic's done and total work, its own PERT and Monte Carlo completion
dates from the team's throughput share, ordered by risk. docs/metrics.md, "Epics".

``issues`` columns: ``key``, ``issue_type``, ``summary``, ``status``, ``subtask`` (bool),
``parent`` (parent key or None), ``points`` (NaN = 0), ``done_at`` (int64 epoch ms of the last
move to Done, ``NAT_MS`` while not done).

- An issue's epic is its parent, unless it is a sub-task, whose epic is its parent's parent.
- Sub-tasks count one of two ways (``subtask_counting``): ``"parents"`` (the default) counts
  them only through their parent, which is the item, so throughput and cycle time are not
  counted twice; ``"items"`` counts each sub-task as an item of its own as well.
- Throughput share: the epic's items done in the window / all items done in the window. The
  epic's weekly rate is the team's weekly throughput times that share, so an epic nobody worked
  on in the window gets no forecast (it is the riskiest).
- Risk order: epics without a forecast first, then the latest P85 date, then the widest P50 to
  P85 spread; finished epics last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data.errors import ValidationError
from data.metrics.forecast import MAX_SIMULATED_WEEKS, pert_forecast
from data.metrics.frames import NAT_MS, QueryFrames

SUBTASK_COUNTING = ("parents", "items")
DEFAULT_SUBTASK_COUNTING = "parents"
EPIC_TYPE = "Epic"
PROGRESS_COLUMNS = [
    "epic",
    "summary",
    "status",
    "in_scope",
    "total_items",
    "done_items",
    "remaining_items",
    "total_points",
    "done_points",
    "remaining_points",
    "share",
    "pert_date",
    "p50_date",
    "p85_date",
    "reason",
]


@dataclass(frozen=True)
class EpicItems:
    """The items that count toward epics and which epic each belongs to (None: no epic)."""

    items: pd.DataFrame  # the issues' columns plus ``epic``
    outside_scope: tuple[str, ...]  # parents named by issues but not among the issues


def check_subtask_counting(value: object) -> str:
    """``value`` when it is one of ``SUBTASK_COUNTING``, else a one-sentence ValidationError."""
    if value not in SUBTASK_COUNTING:
        raise ValidationError(
            f"Sub-task counting {value!r} is not one of {', '.join(SUBTASK_COUNTING)}; "
            "choose parents (the default) or items."
        )
    return str(value)


def counted_issues(frames: QueryFrames, subtask_counting: str) -> np.ndarray | None:
    """Which of the frames' issues are items for ``subtask_counting``: every one (None) when
    sub-tasks count as items or the frames know of none, else those that are not sub-tasks."""
    check_subtask_counting(subtask_counting)
    if subtask_counting == "items" or "subtask" not in frames.issues:
        return None
    return ~frames.issues["subtask"].to_numpy(bool)


def epic_items(issues: pd.DataFrame, subtask_counting: str = DEFAULT_SUBTASK_COUNTING) -> EpicItems:
    """Each countable issue with its epic (see the module's rules)."""
    check_subtask_counting(subtask_counting)
    keys = issues["key"].to_numpy(object)
    parent = issues["parent"].to_numpy(object)
    subtask = issues["subtask"].to_numpy(bool)
    named = pd.notna(parent)
    lookup = pd.Index(keys)
    if not lookup.is_unique:  # a key read twice: its first row names its parent
        first = ~lookup.duplicated()
        lookup, parents_of = lookup[first], parent[first]
    else:
        parents_of = parent
    # A sub-task's epic is its parent's parent (None when the parent is not in the query).
    row = np.where(named, lookup.get_indexer(np.where(named, parent, None)), -1)
    grand = np.where(row >= 0, parents_of[np.maximum(row, 0)], None)
    epic = np.where(subtask, grand, parent)
    epic[pd.isna(epic)] = None  # NaN as well as None: no epic
    is_epic = (issues["issue_type"] == EPIC_TYPE).to_numpy()
    counted = ~is_epic & (~subtask if subtask_counting == "parents" else True)
    outside = tuple(pd.Index(pd.unique(parent[named])).difference(lookup, sort=True))
    items = issues[counted].assign(epic=epic[counted])
    return EpicItems(items.reset_index(drop=True), outside)


def epic_progress(
    issues: pd.DataFrame,
    weekly_throughput: np.ndarray,
    window_start_ms: int,
    today: date,
    *,
    subtask_counting: str = DEFAULT_SUBTASK_COUNTING,
    pert_factor: int = 3,
    trials: int = 2_000,
    seed: int = 42,
) -> pd.DataFrame:
    """``PROGRESS_COLUMNS`` per epic (in the query, or named as a parent), ordered by risk."""
    found = epic_items(issues, subtask_counting)
    items = found.items[found.items["epic"].notna()]
    done = items["done_at"].to_numpy("int64") != NAT_MS
    points = items["points"].fillna(0.0).to_numpy(float)
    recent = done & (items["done_at"].to_numpy("int64") >= window_start_ms)
    all_done = found.items["done_at"].to_numpy("int64")
    team_recent = int(((all_done != NAT_MS) & (all_done >= window_start_ms)).sum())
    frame = pd.DataFrame(
        {
            "epic": items["epic"].to_numpy(),
            "total_items": 1,
            "done_items": done.astype("int64"),
            "total_points": points,
            "done_points": np.where(done, points, 0.0),
            "recent": recent.astype("int64"),
        }
    )
    sums = frame.groupby("epic", sort=True).sum()
    epics = issues[issues["issue_type"] == EPIC_TYPE].set_index("key")
    keys = sorted(set(sums.index) | set(epics.index))
    table = sums.reindex(keys, fill_value=0)
    epics = epics[~epics.index.duplicated()]
    table["summary"] = epics["summary"].reindex(keys).fillna("").to_numpy(object)
    table["status"] = epics["status"].reindex(keys).fillna("").to_numpy(object)
    table["in_scope"] = pd.Index(keys).isin(epics.index)
    table["remaining_items"] = table["total_items"] - table["done_items"]
    table["remaining_points"] = table["total_points"] - table["done_points"]
    table["share"] = table["recent"] / team_recent if team_recent else 0.0
    samples = np.asarray(weekly_throughput, dtype=float)
    remaining = table["remaining_items"].to_numpy(float)
    share = table["share"].to_numpy(float)
    p50, p85 = _monte_carlo_dates(samples, remaining, share, today, trials, seed)
    pert_dates: list[date | None] = []
    reasons: list[str] = []
    for left, part in zip(remaining, share, strict=True):
        if left <= 0:
            pert_dates.append(None)
            reasons.append("done")
        elif part <= 0 or len(samples) == 0 or samples.max() <= 0:
            pert_dates.append(None)
            reasons.append("no item of it was finished in the window")
        else:
            pert = pert_forecast(samples * part, left, pert_factor, today)
            pert_dates.append(pert.expected_date)
            reasons.append(pert.reason)
    table["pert_date"] = pert_dates
    table["p50_date"] = p50
    table["p85_date"] = p85
    table["reason"] = reasons
    table = table.reset_index().rename(columns={"index": "epic"})
    return _by_risk(table)[PROGRESS_COLUMNS].reset_index(drop=True)


def _monte_carlo_dates(
    samples: np.ndarray,
    remaining: np.ndarray,
    share: np.ndarray,
    today: date,
    trials: int,
    seed: int,
) -> tuple[list[date | None], list[date | None]]:
    """P50 and P85 completion dates of every epic from ONE simulation of the team: an epic with
    share s and r items left finishes when the team has finished r / s items (it gets that share
    of every week), so each epic is a target on the same cumulative throughput paths."""
    active = (remaining > 0) & (share > 0)
    none: list[date | None] = [None] * len(remaining)
    if not active.any() or len(samples) == 0 or samples.max() <= 0:
        return list(none), list(none)
    targets = remaining[active] / share[active]
    rng = np.random.default_rng(seed)
    weekly = samples[rng.integers(0, len(samples), size=(trials, MAX_SIMULATED_WEEKS))]
    cumulative = np.cumsum(weekly, axis=1)
    # Rows are non-decreasing, so one searchsorted over rows offset apart finds every target;
    # the targets are looked up in ascending order (so every needle is sorted: twice as fast,
    # the same sums) and put back in the epics' order.
    span = cumulative[:, -1].max() + targets.max() + 1.0
    offsets = np.arange(trials)[:, None] * span
    # Only the weeks until every trial has reached the farthest target are searched (all of
    # them when one never does): the same positions, over a fraction of the paths.
    reached_all = cumulative >= targets.max()
    horizon = (
        int(reached_all.argmax(axis=1).max()) + 1
        if reached_all[:, -1].all()
        else MAX_SIMULATED_WEEKS
    )
    flat = (cumulative[:, :horizon] + offsets).ravel()
    order = np.argsort(targets, kind="stable")
    wanted = (targets[order][None, :] + offsets).ravel()
    found = np.searchsorted(flat, wanted, side="left").reshape(trials, len(targets))
    week = np.empty_like(found)
    week[:, order] = found - (np.arange(trials) * horizon)[:, None]
    reached = week < MAX_SIMULATED_WEEKS
    safe = np.minimum(week, MAX_SIMULATED_WEEKS - 1)
    rows = np.arange(trials)[:, None]
    before = np.where(safe > 0, cumulative[rows, np.maximum(safe - 1, 0)], 0.0)
    gained = weekly[rows, safe]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(gained > 0, (targets[None, :] - before) / gained, 0.0)
    days = np.where(reached, 7.0 * (safe + fraction), np.inf)
    with np.errstate(invalid="ignore"):
        quantiles = np.percentile(days, [50, 85], axis=0)
    p50, p85 = list(none), list(none)
    for slot, (d50, d85) in zip(np.flatnonzero(active), quantiles.T, strict=True):
        p50[slot] = _date_after(today, d50)
        p85[slot] = _date_after(today, d85)
    return p50, p85


def _date_after(today: date, days: float) -> date | None:
    if not math.isfinite(days):
        return None
    return today + timedelta(days=int(math.ceil(round(days, 9))))


def _by_risk(table: pd.DataFrame) -> pd.DataFrame:
    def ordinal(values: pd.Series) -> np.ndarray:
        return np.array([d.toordinal() if d is not None else 0 for d in values], dtype="int64")

    p50, p85 = ordinal(table["p50_date"]), ordinal(table["p85_date"])
    finished = (table["remaining_items"] <= 0).to_numpy()
    order = pd.DataFrame(
        {
            "group": np.where(finished, 2, np.where(p85 == 0, 0, 1)),
            "far": -p85,
            "spread": -(p85 - p50),
            "epic": table["epic"].to_numpy(),
        },
        index=table.index,
    )
    return table.loc[order.sort_values(["group", "far", "spread", "epic"]).index]

"""The Flow page's views beyond the five Flow metrics (issue 11 §3): ageing work in progress
against percentile bands, blocked time, stale work, net flow with the daily WIP run chart, and
defects. Pure: frames and the replayed ``History`` in, frames and dataclasses out.

Work in progress is ``History.wip`` everywhere (committed, not done, not canceled); days and ISO
weeks are local to the metrics time zone; a window is ``weekly.Window`` (complete ISO weeks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.cycle_time import percentiles
from data.metrics.frames import (
    DAY_MS,
    NAT_MS,
    QueryFrames,
    as_of_day,
    local_day_of,
    local_midnight_ms,
    ms,
    week_start_day,
)
from data.metrics.history import History, Spans

BANDS = {"p50": 0.50, "p70": 0.70, "p85": 0.85, "p95": 0.95}
# The one value JIRA's Flagged field holds when an issue is flagged.
FLAG_OPTION = "Impediment"


def _quantiles(values: np.ndarray) -> dict[str, float] | None:
    if not len(values):
        return None
    return {k: float(np.quantile(values, q)) for k, q in BANDS.items()}


def _in_window(day: np.ndarray, window_start: int, window_end: int) -> np.ndarray:
    return (day != NAT_MS) & (day >= window_start) & (day < window_end)


def _week_index(day: np.ndarray, window_start: int) -> np.ndarray:
    return (week_start_day(day) - window_start) // 7


# Ageing work in progress with percentile bands ---------------------------------------------------
@dataclass(frozen=True)
class AgeingBands:
    # One row per stage from the committed stage to the one before done: stage, completed (items
    # done in the window that left it), p50, p70, p85, p95 (NaN when none did).
    bands: pd.DataFrame
    # ageing_wip's rows plus blocked (blocked now), p85 (its stage's) and past_p85.
    items: pd.DataFrame
    window_completed: int

    @property
    def past_p85(self) -> pd.DataFrame:
        return self.items.loc[self.items["past_p85"]].reset_index(drop=True)

    @property
    def stages_without_history(self) -> list[str]:
        return [str(s) for s in self.bands.loc[self.bands["completed"] == 0, "stage"]]


def ageing_bands(
    frames: QueryFrames,
    history: History,
    ageing: pd.DataFrame,
    window_start_day: int,
    window_end_day: int,
    as_of_ms: int,
) -> AgeingBands:
    """Per stage, the percentiles of the age (days since the committed date) at which the items
    done in the window left that stage; the last stage before done is left at the done date, so
    its bands are the cycle-time percentiles. ``ageing`` is ``cycle_time.ageing_wip``'s frame."""
    status_map = history.status_map
    days = history.stage_days
    committed_index, done_index = status_map.committed_index, status_map.done_index
    stages = list(status_map.stage_names[committed_index:done_index])
    rows: list[dict[str, object]] = []
    completed = np.zeros(0, bool)
    if days.size:
        committed, done = days[:, committed_index], days[:, done_index]
        completed = (committed != NAT_MS) & _in_window(done, window_start_day, window_end_day)
    for offset, stage in enumerate(stages):
        if not completed.size:
            ages = np.zeros(0, "int64")
        else:
            left = days[:, committed_index + offset + 1]
            chosen = completed & (left != NAT_MS)
            ages = left[chosen] - days[chosen, committed_index]
        rows.append({"stage": stage, "completed": len(ages), **(_quantiles(ages) or {})})
    bands = pd.DataFrame(rows, columns=["stage", "completed", *BANDS])
    bands[list(BANDS)] = bands[list(BANDS)].astype(float)
    p85 = ageing["stage"].map(dict(zip(bands["stage"], bands["p85"], strict=True))).astype(float)
    items = ageing.assign(
        blocked=blocked_now(frames, history, ageing["key"], as_of_ms),
        p85=p85.to_numpy(),
        past_p85=(ageing["age_days"].to_numpy(float) > p85.fillna(np.inf).to_numpy()),
    )
    return AgeingBands(bands, items.reset_index(drop=True), int(completed.sum()))


def blocked_now(
    frames: QueryFrames, history: History, keys: pd.Series, as_of_ms: int
) -> np.ndarray:
    """Whether each issue (by key) is blocked at ``as_of``."""
    rows = pd.Index(frames.issues["key"]).get_indexer(keys.to_numpy())
    spans = history.blocked
    now = (spans.start <= as_of_ms) & (spans.end > as_of_ms)
    flag = np.zeros(len(frames.issues), bool)
    flag[spans.issue[now]] = True
    return flag[rows] if len(rows) else np.zeros(0, bool)


# Blocked time -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BlockedTime:
    # key, issue_type, blocked_days (up to as_of), blocked_now, open (work in progress now);
    # every item with blocked time, most blocked first.
    items: pd.DataFrame
    # week, week_start, items_blocked (blocked at some time in the week), blocked_days.
    weekly: pd.DataFrame
    blocked_now: int
    # Flagged values other than JIRA's option: value, changes, issues (count as flagged).
    unexpected_flags: pd.DataFrame


def blocked_time(
    frames: QueryFrames,
    history: History,
    week_keys: tuple[str, ...],
    window_start_day: int,
    zone: str,
    as_of_ms: int,
) -> BlockedTime:
    spans = history.blocked
    facts = history.facts
    blocked_ms = facts["blocked_ms"].to_numpy()
    chosen = np.flatnonzero(blocked_ms > 0)
    now = spans.issue[(spans.start <= as_of_ms) & (spans.end > as_of_ms)]
    is_now = np.zeros(len(facts), bool)
    is_now[now] = True
    wip_now = _members_at(history.wip, len(facts), as_of_ms)
    items = pd.DataFrame(
        {
            "key": frames.issues["key"].to_numpy()[chosen],
            "issue_type": frames.issues["issue_type"].to_numpy()[chosen],
            "blocked_days": blocked_ms[chosen] / DAY_MS,
            "blocked_now": is_now[chosen],
            "open": wip_now[chosen],
        }
    ).sort_values(["blocked_days", "key"], ascending=[False, True], ignore_index=True)

    weeks = len(week_keys)
    edges = local_midnight_ms(window_start_day + 7 * np.arange(weeks + 1), zone)
    edges = np.minimum(edges, as_of_ms)
    # Only spans that reach into the window, then a (span, week) overlap matrix.
    near = (spans.end > edges[0]) & (spans.start < edges[-1])
    s_issue, s_start, s_end = spans.issue[near], spans.start[near], spans.end[near]
    start = np.maximum(s_start[:, None], edges[None, :-1])
    end = np.minimum(s_end[:, None], edges[None, 1:])
    overlap = np.clip(end - start, 0, None)
    hit = overlap > 0
    pair_issue = np.broadcast_to(s_issue[:, None], hit.shape)[hit]
    pair_week = np.broadcast_to(np.arange(weeks)[None, :], hit.shape)[hit]
    distinct = pd.unique(pair_week * (len(facts) + 1) + pair_issue) if hit.any() else np.zeros(0)
    items_blocked = np.bincount(
        (np.asarray(distinct, "int64") // (len(facts) + 1)), minlength=weeks
    )[:weeks]
    blocked_days = overlap.sum(axis=0) / DAY_MS if len(s_issue) else np.zeros(weeks)
    weekly = pd.DataFrame(
        {
            "week": list(week_keys),
            "week_start": (window_start_day + 7 * np.arange(weeks)).astype("datetime64[D]"),
            "items_blocked": items_blocked.astype("int64"),
            "blocked_days": np.asarray(blocked_days, float),
        }
    )
    return BlockedTime(items, weekly, int(is_now.sum()), unexpected_flags(frames))


def unexpected_flags(frames: QueryFrames) -> pd.DataFrame:
    """Flagged values other than JIRA's ``Impediment`` (and a clear): each value, how many changes
    set it and on how many issues. They count as flagged; the data-quality note names them."""
    flags = frames.flags
    odd = flags.loc[(flags["value"] != "") & (flags["value"] != FLAG_OPTION)]
    table = odd.groupby("value", sort=True).agg(
        changes=("issue", "size"), issues=("issue", "nunique")
    )
    return table.reset_index().astype({"changes": "int64", "issues": "int64"})


def _members_at(spans: Spans, n: int, instant: int) -> np.ndarray:
    inside = np.zeros(n, bool)
    inside[spans.issue[(spans.start <= instant) & (spans.end > instant)]] = True
    return inside


# Stale work ----------------------------------------------------------------------------------------
def stale_work(
    frames: QueryFrames, ageing: pd.DataFrame, zone: str, stale_after_days: int
) -> pd.DataFrame:
    """Work in progress (``ageing``'s items) whose status has not changed for at least
    ``stale_after_days`` local days: key, issue_type, stage, last_change (local date),
    days_since_change; longest first."""
    issues, transitions = frames.issues, frames.transitions
    last = ms(issues["created"]).copy()
    t_issue = transitions["issue"].to_numpy(dtype="int64")
    np.maximum.at(last, t_issue, ms(transitions["at"]))
    rows = pd.Index(issues["key"]).get_indexer(ageing["key"].to_numpy())
    last_day = local_day_of(last[rows], zone) if len(rows) else np.zeros(0, "int64")
    since = as_of_day(frames, zone) - last_day
    table = pd.DataFrame(
        {
            "key": ageing["key"].to_numpy(),
            "issue_type": ageing["issue_type"].to_numpy(),
            "stage": ageing["stage"].to_numpy(),
            "last_change": last_day.astype("datetime64[D]"),
            "days_since_change": since.astype("int64"),
        }
    )
    stale = table.loc[table["days_since_change"] >= stale_after_days]
    return stale.sort_values(
        ["days_since_change", "key"], ascending=[False, True], ignore_index=True
    )


# Net flow and the WIP run chart -------------------------------------------------------------------
def net_flow(
    history: History, week_keys: tuple[str, ...], window_start_day: int, window_end_day: int
) -> pd.DataFrame:
    """Per week of the window: arrivals (items whose committed date falls in it), departures
    (items whose done date falls in it) and net = arrivals − departures."""
    days = history.stage_days
    weeks = len(week_keys)
    counts = {}
    for name, index in (
        ("arrivals", history.status_map.committed_index),
        ("departures", history.status_map.done_index),
    ):
        column = days[:, index] if days.size else np.zeros(0, "int64")
        inside = _in_window(column, window_start_day, window_end_day)
        counts[name] = np.bincount(_week_index(column[inside], window_start_day), minlength=weeks)
    return pd.DataFrame(
        {
            "week": list(week_keys),
            "week_start": (window_start_day + 7 * np.arange(weeks)).astype("datetime64[D]"),
            "arrivals": counts["arrivals"][:weeks].astype("int64"),
            "departures": counts["departures"][:weeks].astype("int64"),
            "net": (counts["arrivals"] - counts["departures"])[:weeks].astype("int64"),
        }
    )


def wip_run(
    history: History, first_day: int, last_day: int, zone: str, as_of_ms: int
) -> pd.DataFrame:
    """Work in progress at the end of each local day from ``first_day`` to ``last_day``
    (today: at ``as_of``): date, items."""
    days = np.arange(first_day, last_day + 1, dtype="int64")
    at = np.minimum(local_midnight_ms(days + 1, zone), as_of_ms) if len(days) else days
    return pd.DataFrame({"date": days.astype("datetime64[D]"), "items": history.wip.count_at(at)})


# Defects --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Defects:
    bug_types: tuple[str, ...]
    # week, week_start, created, resolved, open (at the week's end), completed (every type), share
    weekly: pd.DataFrame
    open_now: int
    share_of_throughput: float | None  # bugs done ÷ items done in the window
    cycle_time_percentiles_days: dict[str, float] | None  # bugs done in the window
    cycle_time_count: int


def defects(
    frames: QueryFrames,
    history: History,
    flow_types: Mapping[str, str],
    week_keys: tuple[str, ...],
    window_start_day: int,
    window_end_day: int,
    zone: str,
    as_of_ms: int,
) -> Defects:
    """Bugs are the issue types mapped to the Defect flow item. Created = creation day, resolved =
    the day of the last entry into Done (as throughput counts), open = created and neither done nor
    canceled (a reopened bug is open again); cycle time as ``cycle_time`` counts it."""
    bug_types = tuple(sorted(t for t, item in flow_types.items() if item == "Defect"))
    facts = history.facts
    is_bug = facts["issue_type"].isin(bug_types).to_numpy()
    weeks = len(week_keys)

    def per_week(instants: np.ndarray, mask: np.ndarray) -> np.ndarray:
        day = local_day_of(instants, zone)
        inside = mask & _in_window(day, window_start_day, window_end_day)
        return np.bincount(_week_index(day[inside], window_start_day), minlength=weeks)[:weeks]

    done_at = facts["done_at"].to_numpy()
    created = per_week(facts["created"].to_numpy(), is_bug)
    resolved = per_week(done_at, is_bug)
    completed = per_week(done_at, np.ones(len(facts), bool))
    ends = local_midnight_ms(window_start_day + 7 * np.arange(1, weeks + 1), zone)
    open_counts = history.open.count_at(np.r_[np.minimum(ends, as_of_ms), as_of_ms], is_bug)
    share = np.where(completed > 0, resolved / np.maximum(completed, 1), np.nan)
    weekly = pd.DataFrame(
        {
            "week": list(week_keys),
            "week_start": (window_start_day + 7 * np.arange(weeks)).astype("datetime64[D]"),
            "created": created.astype("int64"),
            "resolved": resolved.astype("int64"),
            "open": open_counts[:-1].astype("int64"),
            "completed": completed.astype("int64"),
            "share": share,
        }
    )
    days = history.stage_days
    cycle_days = np.zeros(0, "int64")
    if days.size:
        committed = days[:, history.status_map.committed_index]
        done = days[:, history.status_map.done_index]
        chosen = is_bug & (committed != NAT_MS) & _in_window(done, window_start_day, window_end_day)
        cycle_days = (done - committed)[chosen]
    total = int(completed.sum())
    return Defects(
        bug_types=bug_types,
        weekly=weekly,
        open_now=int(open_counts[-1]),
        share_of_throughput=float(resolved.sum() / total) if total else None,
        cycle_time_percentiles_days=percentiles(cycle_days),
        cycle_time_count=len(cycle_days),
    )

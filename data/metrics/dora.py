"""The four DORA keys with performance tiers (DORA 2023 as used by Apache DevLake; 2021 selectable).

Deployments come from released fixVersions (one deployment per version, on its release date) or
from issues of a deployment type reaching Done. Incidents are issues of an incident type
(optionally of given priorities); each links to the latest deployment before it was created.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.frames import (
    NAT_MS,
    QueryFrames,
    local_day_of,
    local_midnight_ms,
    ms,
    week_start_day,
)
from data.metrics.history import History
from data.metrics.mappings import DoraMappings
from data.metrics.weekly import Window

HOUR_MS = 3_600_000

# Thresholds per tier set; each list is (tier, test) checked in order. Sources: docs/metrics.md.
# Deployment frequency uses the median number of deployment days per week (and per month).
TIERS: dict[str, dict[str, list[tuple[str, float]]]] = {
    "2023": {
        "deployment_days_per_week": [("elite", 5), ("high", 1)],
        "lead_time_hours": [("elite", 24), ("high", 24 * 7), ("medium", 24 * 30)],
        "change_failure_rate": [("elite", 0.05), ("high", 0.10), ("medium", 0.15)],
        "time_to_restore_hours": [("elite", 1), ("high", 24), ("medium", 24 * 7)],
    },
    "2021": {
        "deployment_days_per_week": [("elite", 3), ("high", 1)],
        "lead_time_hours": [("elite", 1), ("high", 24 * 7), ("medium", 24 * 180)],
        "change_failure_rate": [("elite", 0.15), ("high", 0.20), ("medium", 0.30)],
        "time_to_restore_hours": [("elite", 1), ("high", 24), ("medium", 24 * 7)],
    },
}


def tier_for(
    metric: str, value: float | None, tier_set: str, per_month: float | None = None
) -> str | None:
    """Tier of a value: rates and ratios pass at ≤ their bound, durations at < their bound;
    deployment days per week pass at ≥; "medium" for frequency is ≥ 1 deployment day per month."""
    if value is None:
        return None
    for tier, bound in TIERS[tier_set][metric]:
        if metric == "deployment_days_per_week":
            if value >= bound:
                return tier
        elif metric == "change_failure_rate":
            if value <= bound:
                return tier
        elif value < bound:
            return tier
    if metric == "deployment_days_per_week" and per_month is not None and per_month >= 1:
        return "medium"
    return "low"


@dataclass(frozen=True)
class DoraMetrics:
    tier_set: str
    deployment_source: str
    window_weeks: int
    window_start: str
    window_end: str
    deployments: int
    deployments_per_week: float | None
    deployment_days_per_week_median: float | None
    deployment_days_per_month_median: float | None
    deployment_frequency_tier: str | None
    lead_time_median_hours: float | None
    lead_time_changes: int
    lead_time_tier: str | None
    change_failure_rate: float | None
    failed_deployments: int
    change_failure_rate_tier: str | None
    time_to_restore_median_hours: float | None
    restored_incidents: int
    time_to_restore_tier: str | None
    deployments_without_changes: int
    incidents_without_deployment: int
    deployment_list: pd.DataFrame  # name, at, changes, incidents
    weekly: pd.DataFrame  # week, deployments


def _median(values: np.ndarray) -> float | None:
    # np.median averages the two middle values: linear interpolation at 0.5.
    return float(np.median(values)) if len(values) else None


def _deployments(
    frames: QueryFrames, history: History, dora: DoraMappings, zone: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """(deployments: name, at, link_at, day; change → deployment row or -1 per issue)."""
    issues = frames.issues
    types = issues["issue_type"].to_numpy(dtype=object)
    is_deploy_type = np.isin(types, list(dora.deployment_issue_types))
    is_change = ~is_deploy_type & ~np.isin(types, list(dora.incident_issue_types))
    done = history.facts["done_at"].to_numpy()
    change_of = np.full(len(issues), -1, "int64")
    if dora.deployment_source == "fix_versions":
        versions = frames.versions
        # A release dated after as_of lands after every window, so it never counts early.
        released = versions.loc[versions["released"] & versions["release_date"].notna()]
        if released.empty:
            return no_deployments(), change_of
        by_name = released.groupby("name", sort=False)["release_date"].max()
        day = by_name.to_numpy(dtype="datetime64[D]").astype("int64")
        order = np.lexsort((by_name.index.to_numpy(dtype=object).astype(str), day))
        names, day = by_name.index.to_numpy(dtype=object)[order], day[order]
        # A release date has no time: the release is over at the end of that local day (lead
        # time), and an incident created on or after that day follows it (linking).
        deployments = pd.DataFrame(
            {
                "name": names,
                "at": local_midnight_ms(day + 1, zone),
                "link_at": local_midnight_ms(day, zone),
                "day": day,
            }
        )
        row_of = pd.Series(np.arange(len(names)), index=names)
        member = released["issue"].to_numpy()
        row = row_of.reindex(released["name"].to_numpy()).to_numpy()
        keep = is_change[member]
        # An issue in several released versions shipped with the first of them.
        first = pd.Series(row[keep]).groupby(member[keep]).min()
        change_of[first.index.to_numpy()] = first.to_numpy()
        return deployments, change_of
    shipped = is_deploy_type & (done != NAT_MS)
    at = done[shipped]
    order = np.argsort(at, kind="stable")
    at = at[order]
    deployments = pd.DataFrame(
        {
            "name": issues["key"].to_numpy(dtype=object)[shipped][order],
            "at": at,
            "link_at": at,
            "day": local_day_of(at, zone),
        }
    )
    # Each finished change ships with the first deployment at or after its Done.
    finished = is_change & (done != NAT_MS)
    slot = np.searchsorted(at, done[finished], side="left")
    change_of[np.flatnonzero(finished)] = np.where(slot < len(at), slot, -1)
    return deployments, change_of


def no_deployments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": pd.Series(dtype=object),
            "at": pd.Series(dtype="int64"),
            "link_at": pd.Series(dtype="int64"),
            "day": pd.Series(dtype="int64"),
        }
    )


@dataclass(frozen=True)
class DoraIssues:
    """What DORA reads of each issue: whether it is an incident, its resolution (``NAT_MS`` when
    none), and from its history when it was created, first Active and Done (``NAT_MS``: never);
    ``counted``: the issues that exist (all of a query's frames; a backfill passes the issues
    created by the week's end)."""

    incident: np.ndarray  # of an incident type (and priority)
    resolved: np.ndarray
    created: np.ndarray
    first_active: np.ndarray
    done_at: np.ndarray
    counted: np.ndarray


def dora_metrics(
    frames: QueryFrames, history: History, dora: DoraMappings, window: Window, zone: str
) -> DoraMetrics:
    issues, facts = frames.issues, history.facts
    deployments, change_of = _deployments(frames, history, dora, zone)
    known = DoraIssues(
        incident=incidents(issues, dora),
        resolved=ms(issues["resolved"]),
        created=facts["created"].to_numpy(),
        first_active=facts["first_active"].to_numpy(),
        done_at=facts["done_at"].to_numpy(),
        counted=np.ones(len(issues), bool),
    )
    return dora_from(known, deployments, change_of, dora, window)


def incidents(issues: pd.DataFrame, dora: DoraMappings) -> np.ndarray:
    """The issues of an incident type (and of an incident priority, when the mappings name any)."""
    incident = np.isin(issues["issue_type"].to_numpy(dtype=object), list(dora.incident_issue_types))
    if dora.incident_priorities:
        incident &= np.isin(
            issues["priority"].to_numpy(dtype=object), list(dora.incident_priorities)
        )
    return incident


def dora_from(
    issues: DoraIssues,
    deployments: pd.DataFrame,
    change_of: np.ndarray,
    dora: DoraMappings,
    window: Window,
) -> DoraMetrics:
    """The four keys over ``window`` from the deployments (name, at, link_at, day; in order)
    and each issue's deployment row (-1: none)."""
    at = deployments["at"].to_numpy(dtype="int64")
    in_window = (at >= window.start_ms) & (at < window.end_ms)

    # Lead time per change: deployment − first Active entry (or creation when never Active).
    start = np.where(issues.first_active == NAT_MS, issues.created, issues.first_active)
    has_deploy = change_of >= 0
    change_rows = change_of[has_deploy]
    lead_hours = (
        (at[change_rows] - start[has_deploy]) / HOUR_MS if len(change_rows) else np.zeros(0)
    )
    changes_per_deploy = np.bincount(change_rows, minlength=len(at))[: len(at)]
    windowed_lead = lead_hours[in_window[change_rows]] if len(change_rows) else lead_hours

    # Incidents and their links.
    incident = issues.counted & issues.incident
    created = issues.created
    link_at = deployments["link_at"].to_numpy(dtype="int64")
    link_order = np.argsort(link_at, kind="stable")
    slot = np.searchsorted(link_at[link_order], created[incident], side="right") - 1
    linked = slot >= 0
    incidents_per_deploy = np.bincount(link_order[slot[linked]], minlength=len(at))[: len(at)]

    resolved = np.where(issues.resolved == NAT_MS, issues.done_at, issues.resolved)
    restored = (
        incident & (resolved != NAT_MS) & (resolved >= window.start_ms) & (resolved < window.end_ms)
    )
    restore_hours = (resolved[restored] - created[restored]) / HOUR_MS

    # Deployment days per window week and per calendar month touched by the window (DevLake).
    window_days = np.arange(window.start_day, window.end_day)
    deploy_days = np.unique(deployments["day"].to_numpy(dtype="int64")[in_window])
    per_week = np.zeros(window.weeks)
    per_month_median = None
    if window.weeks:
        np.add.at(per_week, (week_start_day(deploy_days) - window.start_day) // 7, 1)
        months = window_days.astype("datetime64[D]").astype("datetime64[M]")
        deployed = np.isin(window_days, deploy_days)
        month_of = np.unique(months, return_inverse=True)[1].reshape(-1)
        month_counts = np.bincount(month_of[deployed], minlength=int(month_of.max()) + 1)
        per_month_median = float(np.median(month_counts))
    week_median = float(np.median(per_week)) if window.weeks else None

    deploys = int(in_window.sum())
    if not issues.counted.any() and deploys == 0:
        # Nothing fetched or imported: no frequency, not a "low" one.
        week_median = per_month_median = None
    failed = int((incidents_per_deploy[in_window] > 0).sum())
    cfr = failed / deploys if deploys else None
    lead_median = _median(windowed_lead)
    restore_median = _median(restore_hours)
    weekly = pd.DataFrame(
        {"week": list(window.week_keys), "deployments": np.zeros(window.weeks, "int64")}
    )
    if window.weeks and deploys:
        slots = (
            week_start_day(deployments["day"].to_numpy(dtype="int64")[in_window]) - window.start_day
        ) // 7
        weekly["deployments"] = np.bincount(slots, minlength=window.weeks)[: window.weeks]
    listing = pd.DataFrame(
        {
            "name": deployments["name"].to_numpy(dtype=object)[in_window],
            "at": pd.to_datetime(at[in_window], unit="ms", utc=True),
            "changes": changes_per_deploy[in_window],
            "incidents": incidents_per_deploy[in_window],
        }
    )
    return DoraMetrics(
        tier_set=dora.tier_set,
        deployment_source=dora.deployment_source,
        window_weeks=window.weeks,
        window_start=window.start_date.isoformat(),
        window_end=window.end_date.isoformat(),
        deployments=deploys,
        deployments_per_week=deploys / window.weeks if week_median is not None else None,
        deployment_days_per_week_median=week_median,
        deployment_days_per_month_median=per_month_median,
        deployment_frequency_tier=tier_for(
            "deployment_days_per_week", week_median, dora.tier_set, per_month_median
        ),
        lead_time_median_hours=lead_median,
        lead_time_changes=len(windowed_lead),
        lead_time_tier=tier_for("lead_time_hours", lead_median, dora.tier_set),
        change_failure_rate=cfr,
        failed_deployments=failed,
        change_failure_rate_tier=tier_for("change_failure_rate", cfr, dora.tier_set),
        time_to_restore_median_hours=restore_median,
        restored_incidents=len(restore_hours),
        time_to_restore_tier=tier_for("time_to_restore_hours", restore_median, dora.tier_set),
        deployments_without_changes=int((changes_per_deploy[in_window] == 0).sum()),
        incidents_without_deployment=int(
            (
                ~linked
                & (created[incident] >= window.start_ms)
                & (created[incident] < window.end_ms)
            ).sum()
        ),
        deployment_list=listing,
        weekly=weekly,
    )

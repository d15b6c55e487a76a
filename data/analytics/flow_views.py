"""The Flow page's views beyond the five Flow metrics, from one metrics context (the dashboard's
Flow page and ``report --json`` share them): ageing WIP against percentile bands, blocked time,
stale work, net flow with the daily WIP run chart, and defects (``data.metrics.flow_views``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from data.metrics.flow_views import (
    BANDS,
    AgeingBands,
    BlockedTime,
    Defects,
    ageing_bands,
    blocked_time,
    defects,
    net_flow,
    stale_work,
    wip_run,
)
from data.metrics.frames import as_of_day
from data.metrics.weekly import Window

if TYPE_CHECKING:
    from data.analytics.report import MetricsContext


@dataclass(frozen=True)
class FlowViews:
    window: Window
    ageing: AgeingBands
    blocked: BlockedTime
    blocked_statuses: tuple[str, ...]
    stale_after_days: int
    stale: pd.DataFrame
    net_flow: pd.DataFrame
    wip_run: pd.DataFrame
    defects: Defects


def flow_views_section(ctx: MetricsContext, ageing: pd.DataFrame) -> FlowViews:
    """``ageing``: the cycle section's ``ageing_wip`` (work in progress now)."""
    m = ctx.mappings
    zone = m.time_zone
    window = ctx.window(m.metrics_window_weeks, clip_to_data=False)
    start, end, weeks = window.start_day, window.end_day, window.week_keys
    return FlowViews(
        window=window,
        ageing=ageing_bands(ctx.frames, ctx.history, ageing, start, end, ctx.as_of_ms),
        blocked=blocked_time(ctx.frames, ctx.history, weeks, start, zone, ctx.as_of_ms),
        blocked_statuses=m.blocked_statuses,
        stale_after_days=m.stale_after_days,
        stale=stale_work(ctx.frames, ageing, zone, m.stale_after_days),
        net_flow=net_flow(ctx.history, weeks, start, end),
        wip_run=wip_run(ctx.history, start, as_of_day(ctx.frames, zone), zone, ctx.as_of_ms),
        defects=defects(
            ctx.frames, ctx.history, m.flow_type_mappings, weeks, start, end, zone, ctx.as_of_ms
        ),
    )


def flow_views_json(views: FlowViews, jsonable: Any, rows: Any = None) -> dict[str, Any]:
    """``report --json``'s ``flow_views`` (docs/metrics.md names each definition); ``rows``
    converts the per-item lists (default ``jsonable``)."""
    rows = rows or jsonable
    window = {
        "weeks": views.window.weeks,
        "first_day": views.window.start_date,
        "last_day": views.window.end_date,
    }
    ageing, blocked, bugs = views.ageing, views.blocked, views.defects
    return {
        "ageing_bands": {
            "definition": "ageing_wip_percentile_bands",
            "parameters": {
                "window": window,
                "percentiles": list(BANDS),
                "band": "age (days since committed) at which items done in the window left "
                "the stage; linear interpolation",
            },
            "completed_in_window": ageing.window_completed,
            "stages": jsonable(ageing.bands),
            "stages_without_history": ageing.stages_without_history,
            "past_p85": rows(ageing.past_p85),
        },
        "blocked_time": {
            "definition": "blocked_time",
            "parameters": {
                "window": window,
                "blocked": "Flagged field set, or in a blocked status",
                "blocked_statuses": list(views.blocked_statuses),
            },
            "blocked_now": blocked.blocked_now,
            "items": jsonable(blocked.items),
            "weekly": jsonable(blocked.weekly),
            "unexpected_flag_values": jsonable(blocked.unexpected_flags),
        },
        "stale_work": {
            "definition": "stale_work",
            "parameters": {"stale_after_days": views.stale_after_days},
            "count": len(views.stale),
            "items": rows(views.stale),
        },
        "net_flow": {
            "definition": "net_flow",
            "parameters": {
                "window": window,
                "arrivals": "committed date",
                "departures": "done date",
            },
            "weekly": jsonable(views.net_flow),
        },
        "wip_run": {
            "definition": "wip_run_chart",
            "parameters": {"at": "end of each local day (today: as_of)"},
            "days": jsonable(views.wip_run),
        },
        "defects": {
            "definition": "defects",
            "parameters": {"window": window, "bug_types": list(bugs.bug_types)},
            "open_now": bugs.open_now,
            "share_of_throughput": bugs.share_of_throughput,
            "cycle_time_count": bugs.cycle_time_count,
            "cycle_time_percentiles_days": bugs.cycle_time_percentiles_days,
            "weekly": jsonable(bugs.weekly),
        },
    }

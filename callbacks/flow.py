"""Flow page adapter: one metrics context → flow, cycle-time, flow-view and quality sections →
the page, built once per context (and per download names) and kept with it
(``report.per_context``): a later render of the same data returns the same page, to every user
(callbacks.roles.lock_controls locks a user's controls in a copy, never in the page kept)."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.analytics import report
from data.analytics.flow_views import flow_views_section
from data.analytics.loading import issue_summaries
from layouts.exports import current_names
from layouts.flow import AGEING_ROWS, flow_layout
from layouts.flow_views import listed_keys


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    ctx = report.load_context(profile_id, query_id)
    page = flow_page(ctx, current_names())
    notice = not_fetched_notice(profile_id, query_id)
    return [notice, page] if notice is not None else page


@report.per_context
def flow_page(ctx: report.MetricsContext, _names: Any) -> Any:
    """The Flow page of ``ctx`` (its summaries read from the store); ``_names``: what else the
    page depends on, its download names (``layouts.exports.current_names``)."""
    cycle = report.cycle_section(ctx)
    oldest = cycle.oldest_wip(AGEING_ROWS)
    views = flow_views_section(ctx, cycle.ageing_wip)
    return flow_layout(
        report.flow_section(ctx),
        cycle.cycle_time,
        cycle.cumulative_flow,
        cycle.ageing_wip,
        oldest,
        issue_summaries(ctx.profile_id, [*oldest["key"], *listed_keys(views)]),
        report.quality_section(ctx),
        views,
    )


def register(app: Dash) -> None:
    """The page has no interactive parts of its own: it re-renders on selection or data changes."""

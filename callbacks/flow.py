"""Flow page adapter: one metrics context → flow, cycle-time, flow-view and quality sections →
the page, built once per context (and per download names and signed-in user) and kept with it
(``report.per_context``): a later render of the same data returns the same page."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.acting import acting_role, acting_user
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
    # The user and role too: on a team server lock_controls writes into the page it is given.
    page = flow_page(ctx, current_names(), acting_user(), acting_role())
    notice = not_fetched_notice(profile_id, query_id)
    return [notice, page] if notice is not None else page


@report.per_context
def flow_page(ctx: report.MetricsContext, *_names_user_role: Any) -> Any:
    """The Flow page of ``ctx`` (its summaries read from the store); the other arguments are
    what else the page depends on: its download names (``layouts.exports.current_names``), the
    signed-in user and role."""
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

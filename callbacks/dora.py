"""DORA page adapter: the current four keys and their weekly trend from the stored snapshots."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.analytics import report, snapshots
from data.analytics.report import frozen
from layouts.dora import dora_layout, trend_series
from layouts.exports import current_names

TREND_WEEKS = 26


def render(profile_id: str | None, query_id: str | None) -> Any:
    """Drawn once per context and stored snapshots (and download names), then kept with the
    context (``report.kept``)."""
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    ctx = report.load_context(profile_id, query_id)
    stored, zone = snapshots.stored_snapshots(profile_id, query_id, TREND_WEEKS)
    key = ("dora page", frozen(stored), zone, current_names())
    page = report.kept(ctx, key, lambda: _page(ctx, stored, zone))
    notice = not_fetched_notice(profile_id, query_id)
    return [notice, page] if notice is not None else page


def _page(ctx: report.MetricsContext, stored: list[dict[str, Any]], zone: str) -> Any:
    trends = snapshots.review_from_snapshots(stored, zone).trends
    return dora_layout(report.dora_section(ctx), trend_series(trends))


def register(app: Dash) -> None:
    """The page has no interactive parts of its own: it re-renders on selection or data changes."""

"""DORA page adapter: the current four keys and their weekly trend from the stored snapshots."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.analytics import report, snapshots
from layouts.dora import dora_layout, trend_series

TREND_WEEKS = 26


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    ctx = report.load_context(profile_id, query_id)
    review = snapshots.weekly_review(profile_id, query_id, TREND_WEEKS)
    page = dora_layout(report.dora_section(ctx), trend_series(review.trends))
    notice = not_fetched_notice(profile_id, query_id)
    return [notice, page] if notice is not None else page


def register(app: Dash) -> None:
    """The page has no interactive parts of its own: it re-renders on selection or data changes."""
